//! The outcomes dashboard in Chromium, on both stores: a commissioner on a
//! phone goes from home to the partnership's outcomes, chooses February,
//! and reads each chart — drawn as SVG by the server, with no script on
//! the page — with its title, its sentence and a hidden month marked `*`;
//! the page never scrolls sideways (the wide tables scroll in their own
//! boxes); screenshots of the charts and of a table opened.

use crate::browser::{Browser, Screen};
use crate::harness::{TestApp, DEMO_PASSWORD};
use crate::outcomes::{february, refresh};

async fn a_commissioner_reads_the_outcome_charts_on_a_phone_without_script(app: TestApp) {
    february(&app).await;
    refresh(&app).await;
    Browser::run_in(
        &app,
        "outcomes",
        "phone",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("commissioner", DEMO_PASSWORD).await;
            // Home offers the outcomes first.
            let first = browser.find("main .actions a").await;
            assert_eq!(first.attr("href").await.unwrap().as_deref(), Some("/outcomes"));
            first.click().await.expect("open the outcomes from home");
            browser.wait_for_path("/outcomes").await;
            browser
                .find(r#"select#month option[value="2026-02"]"#)
                .await
                .click()
                .await
                .expect("choose February 2026");
            browser.click_button("Show").await;
            browser.wait_for_path("/outcomes?month=2026-02").await;
            let main = browser.text_of("main").await;
            assert!(main.contains("February 2026 against the twelve months before it"), "{main}");
            assert!(main.contains("In February 2026: about 10."), "{main}");
            assert!(!main.contains("NaN"), "{main}");

            // The charts are the server's SVG: no script on the page draws
            // them, each has a title and a description, the shown months
            // have bars, and January's hidden detention is a dashed `*`.
            let facts = browser
                .client
                .execute(
                    r#"const s136 = document.querySelector('#measure-section-136').closest('section');
                       const svg = s136.querySelector('svg[role=img]');
                       const drawn = [...svg.querySelectorAll('rect.bar-shown')]
                         .filter(r => r.getBoundingClientRect().height > 0).length;
                       const hidden = [...svg.querySelectorAll('rect.hidden-bar')].length;
                       const stars = [...svg.querySelectorAll('text.value')]
                         .filter(t => t.textContent === '*').length;
                       return [document.scripts.length,
                               document.querySelectorAll('svg[role=img]').length,
                               svg.querySelector('title').textContent,
                               svg.querySelector('desc').textContent,
                               drawn, hidden, stars,
                               svg.getBoundingClientRect().width];"#,
                    vec![],
                )
                .await
                .expect("read the charts");
            assert_eq!(facts[0], 0, "no script on the page");
            assert_eq!(
                facts[1],
                concordat_domain::outcomes::Measure::ALL.len(),
                "a chart for every measure"
            );
            assert_eq!(facts[2], "Section 136 detentions, each month");
            assert!(facts[3].as_str().unwrap().starts_with("In February 2026: about 10."));
            assert!(facts[4].as_u64().unwrap() >= 1, "February's bar is drawn");
            assert_eq!(facts[5], 1, "January's detention is hidden");
            assert_eq!(facts[6], 1, "and marked *");
            assert!(facts[7].as_f64().unwrap() <= 390.0, "the chart fits the phone");
            browser.assert_fits_the_phone().await;
            browser.screenshot("dashboard").await;

            // A table opened: it scrolls in its own box, not the page.
            browser
                .find("#measure-crisis-contacts ~ details:last-of-type summary")
                .await
                .click()
                .await
                .expect("open the organisations side by side");
            let table = browser.text_of("#measure-crisis-contacts ~ details:last-of-type").await;
            browser
                .client
                .execute(
                    "document.querySelector('#measure-crisis-contacts ~ details:last-of-type').scrollIntoView();",
                    vec![],
                )
                .await
                .expect("scroll to the table");
            assert!(table.contains("The partnership"), "{table}");
            assert!(table.contains('*'), "{table}");
            browser.assert_fits_the_phone().await;
            browser.screenshot("organisations").await;
        },
    )
    .await;
}

crate::on_both_stores!(a_commissioner_reads_the_outcome_charts_on_a_phone_without_script);
