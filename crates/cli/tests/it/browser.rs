//! Sign-in in a real browser: headless Chromium driven through chromedriver
//! (WebDriver) against the real server, on a desktop-sized window and on a
//! phone-sized one, with a screenshot of each page that matters saved for a
//! person to look at.
//!
//! The browser is found through `CONCORDAT_TEST_WEBDRIVER_URL` (and Chromium
//! through `CONCORDAT_TEST_CHROMIUM`); without it these tests skip with a note,
//! unless `CONCORDAT_TEST_REQUIRE_ALL=1`, when they fail. Screenshots go to
//! `CONCORDAT_TEST_ARTIFACTS` (by default `test-artifacts` at the repository
//! root).
//!
//! Longer than most test files because the WebDriver session, window sizes and
//! screenshots are set up here for the sign-in journeys that use them.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use futures::FutureExt;
use serde_json::json;

use crate::harness::{StoreKind, TestApp, DEMO_PASSWORD};

/// How long to wait for something to appear on a page.
const WAIT: Duration = Duration::from_secs(15);
/// How long a whole browser test may take before it is called hung.
const TEST_LIMIT: Duration = Duration::from_secs(90);
/// How long closing the browser may take.
const CLOSE_LIMIT: Duration = Duration::from_secs(15);

/// The screen the browser runs on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Screen {
    /// A laptop-sized window.
    Desktop,
    /// An everyday phone held upright: a 390×844 CSS-pixel viewport.
    Phone,
    /// The laptop's window at 200 % zoom (WCAG's reflow case): every CSS
    /// pixel drawn twice, so the page has 640×450 to lay itself out in.
    DesktopZoomed,
}

impl Screen {
    pub(crate) fn size(self) -> (u32, u32) {
        match self {
            Screen::Desktop | Screen::DesktopZoomed => (1280, 900),
            Screen::Phone => (390, 844),
        }
    }
}

fn require_all() -> bool {
    std::env::var("CONCORDAT_TEST_REQUIRE_ALL").is_ok_and(|v| v == "1")
}

/// The WebDriver to use, or `None` (after a note) to skip the test.
fn webdriver_url() -> Option<String> {
    match std::env::var("CONCORDAT_TEST_WEBDRIVER_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                !require_all(),
                "CONCORDAT_TEST_WEBDRIVER_URL is not set but CONCORDAT_TEST_REQUIRE_ALL=1"
            );
            eprintln!("skipped in the browser: CONCORDAT_TEST_WEBDRIVER_URL is not set");
            None
        }
    }
}

fn artifacts_dir() -> PathBuf {
    std::env::var_os("CONCORDAT_TEST_ARTIFACTS")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts"))
}

fn store_name(kind: StoreKind) -> &'static str {
    match kind {
        StoreKind::Sqlite => "sqlite",
        StoreKind::Postgres => "postgres",
    }
}

fn capabilities(screen: Screen) -> Capabilities {
    let (width, height) = screen.size();
    let mut chrome_options = json!({
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            format!("--window-size={width},{height}"),
        ],
    });
    if let Ok(binary) = std::env::var("CONCORDAT_TEST_CHROMIUM") {
        if !binary.trim().is_empty() {
            chrome_options["binary"] = json!(binary);
        }
    }
    if let Screen::DesktopZoomed = screen {
        // Zoom doubles each CSS pixel: what the layout sees is a desktop
        // (no touch, no phone viewport rules) half as wide and high.
        chrome_options["mobileEmulation"] = json!({
            "deviceMetrics": {
                "width": width / 2, "height": height / 2, "pixelRatio": 2.0,
                "mobile": false, "touch": false,
            },
        });
    }
    if let Screen::Phone = screen {
        // Chromium will not make a window narrower than 500px, even headless,
        // so a phone's viewport needs its mobile emulation (which also turns
        // on touch and honours the page's viewport meta tag, as a phone does).
        chrome_options["mobileEmulation"] = json!({
            "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0 },
        });
    }
    let mut caps = Capabilities::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("goog:chromeOptions".into(), chrome_options);
    caps
}

/// One browser session pointed at one test server. Clones share the session.
#[derive(Clone)]
pub(crate) struct Browser {
    pub(crate) client: Client,
    base: String,
    /// Starts every screenshot's file name: `sign-in-<store>-<scenario>`.
    prefix: String,
}

impl Browser {
    /// Runs `test` in a new browser session on `screen`, against `app`, and
    /// closes the session afterwards whether `test` passed or panicked (a
    /// panic is resumed once the browser is closed, after a screenshot of the
    /// page it happened on). Skips when there is no WebDriver to use.
    async fn run<F, Fut>(app: &TestApp, scenario: &str, screen: Screen, test: F)
    where
        F: FnOnce(Browser) -> Fut,
        Fut: Future<Output = ()>,
    {
        Self::run_in(app, "sign-in", scenario, screen, test).await;
    }

    /// [`Browser::run`], with screenshots named after `area` (a feature)
    /// rather than sign-in.
    pub(crate) async fn run_in<F, Fut>(
        app: &TestApp,
        area: &str,
        scenario: &str,
        screen: Screen,
        test: F,
    ) where
        F: FnOnce(Browser) -> Fut,
        Fut: Future<Output = ()>,
    {
        let Some(webdriver) = webdriver_url() else {
            return;
        };
        let started = Instant::now();
        // The dependency tree enables both of rustls' crypto backends (ring
        // through reqwest, aws-lc-rs through fantoccini), so rustls cannot
        // pick one itself: name one for the process (once; later calls fail
        // harmlessly).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = ClientBuilder::rustls()
            .expect("rustls for the WebDriver client")
            .capabilities(capabilities(screen))
            .connect(&webdriver)
            .await
            .unwrap_or_else(|e| panic!("start a Chromium session through {webdriver}: {e}"));
        let browser = Browser {
            client: client.clone(),
            base: app.base.clone(),
            prefix: format!("{area}-{}-{scenario}", store_name(app.kind)),
        };
        eprintln!(
            "{}: browser ready in {:?}",
            browser.prefix,
            started.elapsed()
        );

        let outcome = AssertUnwindSafe(tokio::time::timeout(TEST_LIMIT, test(browser.clone())))
            .catch_unwind()
            .await;
        let failed = !matches!(outcome, Ok(Ok(())));
        if failed {
            // Best effort: the page as it was when the test failed.
            let _ = tokio::time::timeout(CLOSE_LIMIT, browser.try_screenshot("failed")).await;
        }
        match tokio::time::timeout(CLOSE_LIMIT, client.close()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("{}: closing the browser failed: {e}", browser.prefix),
            Err(_) => eprintln!("{}: closing the browser timed out", browser.prefix),
        }
        eprintln!("{}: done in {:?}", browser.prefix, started.elapsed());
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(_)) => panic!("{}: took longer than {TEST_LIMIT:?}", browser.prefix),
            // The panic's message was printed when it happened.
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    pub(crate) fn url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("{}{}", self.base, path)).expect("page URL")
    }

    pub(crate) async fn open(&self, path: &str) {
        let url = self.url(path);
        self.client
            .goto(url.as_str())
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// Waits for an element matching the CSS `selector`.
    pub(crate) async fn find(&self, selector: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(selector))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!("find `{selector}` on {}: {e}", self.here().await),
        }
    }

    /// Waits for a button whose text is `label`.
    pub(crate) async fn button(&self, label: &str) -> Element {
        let xpath = format!("//button[normalize-space()='{label}']");
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(&xpath))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!("find the {label:?} button on {}: {e}", self.here().await),
        }
    }

    pub(crate) async fn text_of(&self, selector: &str) -> String {
        let element = self.find(selector).await;
        element
            .text()
            .await
            .unwrap_or_else(|e| panic!("read the text of `{selector}`: {e}"))
    }

    /// Waits until the element matching `selector` says `needle`: for a
    /// form that posts back to the page it came from, where the address
    /// alone cannot tell the new page from the old.
    pub(crate) async fn wait_for_text(&self, selector: &str, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            // The old page may be swapped out between finding and reading.
            if let Ok(element) = self.client.find(Locator::Css(selector)).await {
                if let Ok(text) = element.text().await {
                    if text.contains(needle) {
                        return text;
                    }
                }
            }
            assert!(
                Instant::now() < deadline,
                "`{selector}` never said {needle:?} on {}",
                self.here().await
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// Waits until the browser is on `path` (with its query, if any).
    pub(crate) async fn wait_for_path(&self, path: &str) {
        let url = self.url(path);
        if let Err(e) = self.client.wait().at_most(WAIT).for_url(url.clone()).await {
            panic!(
                "wait to arrive at {url}, still on {}: {e}",
                self.here().await
            );
        }
    }

    /// Where the browser is now, for failure messages.
    async fn here(&self) -> String {
        match self.client.current_url().await {
            Ok(url) => url.to_string(),
            Err(e) => format!("(unknown page: {e})"),
        }
    }

    pub(crate) async fn type_into(&self, selector: &str, text: &str) {
        let field = self.find(selector).await;
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into `{selector}`: {e}"));
    }

    pub(crate) async fn click_button(&self, label: &str) {
        self.button(label)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {label:?}: {e}"));
    }

    /// Fills in the sign-in form (which must be open) and sends it.
    async fn submit_sign_in(&self, username: &str, password: &str) {
        self.type_into("#username", username).await;
        self.type_into("#password", password).await;
        self.click_button("Sign in").await;
    }

    /// Opens the sign-in page, signs in, and waits for the home page.
    pub(crate) async fn sign_in(&self, username: &str, password: &str) {
        self.open("/sign-in").await;
        self.submit_sign_in(username, password).await;
        self.wait_for_path("/").await;
    }

    /// Checks the viewport is phone-sized and the page needs no sideways
    /// scrolling in it.
    pub(crate) async fn assert_fits_the_phone(&self) {
        let (_, inner_width) = self.widths().await;
        let (phone_width, _) = Screen::Phone.size();
        assert!(
            inner_width <= f64::from(phone_width),
            "the viewport is phone-sized: {inner_width}px wide"
        );
        self.assert_no_sideways_scrolling().await;
    }

    /// The page's width and the viewport's, in CSS pixels.
    async fn widths(&self) -> (f64, f64) {
        let sizes = self
            .client
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await
            .expect("measure the page");
        (
            sizes[0].as_f64().expect("scrollWidth"),
            sizes[1].as_f64().expect("innerWidth"),
        )
    }

    /// Checks the page fits its viewport's width: nothing to scroll sideways.
    pub(crate) async fn assert_no_sideways_scrolling(&self) {
        let (scroll_width, inner_width) = self.widths().await;
        assert!(
            scroll_width <= inner_width,
            "no sideways scrolling on {}: the page is {scroll_width}px wide in a {inner_width}px viewport",
            self.here().await
        );
    }

    /// Saves the viewport as `<prefix>-<step>.png` in the artifacts folder.
    pub(crate) async fn screenshot(&self, step: &str) -> PathBuf {
        self.try_screenshot(step)
            .await
            .unwrap_or_else(|e| panic!("screenshot {step}: {e}"))
    }

    async fn try_screenshot(&self, step: &str) -> Result<PathBuf, String> {
        let png = self.client.screenshot().await.map_err(|e| e.to_string())?;
        let dir = artifacts_dir();
        std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        let path = dir.join(format!("{}-{step}.png", self.prefix));
        std::fs::write(&path, png).map_err(|e| format!("write {}: {e}", path.display()))?;
        eprintln!("screenshot: {}", path.display());
        Ok(path)
    }
}

async fn a_crisis_nurse_signs_in_sees_her_home_page_and_signs_out(app: TestApp) {
    Browser::run(
        &app,
        "crisis-nurse",
        Screen::Desktop,
        |browser| async move {
            browser.sign_in("crisis.nurse", DEMO_PASSWORD).await;
            assert_eq!(browser.text_of("main h1").await, "Crisis care");
            let header = browser.text_of("header").await;
            assert!(header.contains("Priya Shah"), "the header: {header:?}");
            browser.screenshot("home").await;

            browser.click_button("Sign out").await;
            browser.wait_for_path("/sign-in?signed_out=1").await;
            assert_eq!(browser.text_of("main h1").await, "Sign in");
            assert_eq!(
                browser.text_of("[role=status]").await,
                "You have signed out."
            );
            browser.screenshot("signed-out").await;

            // The session really is over: home sends the browser back to sign in.
            browser.open("/").await;
            browser.wait_for_path("/sign-in").await;
        },
    )
    .await;
}

async fn a_wrong_password_shows_an_error_in_the_browser(app: TestApp) {
    Browser::run(
        &app,
        "wrong-password",
        Screen::Desktop,
        |browser| async move {
            browser.open("/sign-in").await;
            browser.submit_sign_in("gp", "not the password").await;
            let error = browser.find("#sign-in-error").await;
            assert!(error.is_displayed().await.unwrap(), "the error is visible");
            let message = error.text().await.unwrap();
            assert!(
                message.contains("The username or password is not right"),
                "the error: {message:?}"
            );
            browser.wait_for_path("/sign-in").await;
            let username = browser.find("#username").await;
            assert_eq!(
                username.prop("value").await.unwrap().as_deref(),
                Some("gp"),
                "the username is kept for a retry"
            );
            let password = browser.find("#password").await;
            assert_eq!(
                password.prop("value").await.unwrap().as_deref(),
                Some(""),
                "the password is not sent back"
            );
            browser.screenshot("error").await;
        },
    )
    .await;
}

async fn a_police_officer_signs_in_on_a_phone_sized_screen(app: TestApp) {
    Browser::run(&app, "police-phone", Screen::Phone, |browser| async move {
        browser.open("/sign-in").await;
        browser.screenshot("form").await;
        browser.submit_sign_in("police", DEMO_PASSWORD).await;
        browser.wait_for_path("/").await;
        assert_eq!(browser.text_of("main h1").await, "Police");

        // The look-up is the first thing on the screen, above the fold.
        let main = browser
            .client
            .execute(
                "const a = document.querySelector('#main-task'); \
                 return [a.getAttribute('href'), a.getBoundingClientRect().bottom, window.innerHeight];",
                vec![],
            )
            .await
            .expect("measure the main task");
        assert_eq!(main[0], serde_json::json!("/crisis-lookup"));
        let (bottom, height) = (main[1].as_f64().unwrap(), main[2].as_f64().unwrap());
        assert!(bottom <= height, "the look-up ends at {bottom}px of {height}px");

        browser.assert_fits_the_phone().await;
        browser.screenshot("home").await;
    })
    .await;
}

crate::on_both_stores!(
    a_crisis_nurse_signs_in_sees_her_home_page_and_signs_out,
    a_wrong_password_shows_an_error_in_the_browser,
    a_police_officer_signs_in_on_a_phone_sized_screen,
);
