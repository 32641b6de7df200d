//! Receivers outside the partnership, started by the tests: an SMTP server
//! that keeps what it is sent, and a webhook endpoint that checks
//! signatures with the secret it holds and can be told to fail.

use std::cell::RefCell;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// One message as the SMTP receiver got it.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// Headers and body, dot-stuffing undone.
    pub data: String,
}

/// A small SMTP server: EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP,
/// QUIT — enough for a mail client to hand over messages.
#[derive(Debug, Clone)]
pub struct SmtpReceiver {
    pub addr: SocketAddr,
    mail: Arc<Mutex<Vec<Mail>>>,
}

thread_local! {
    /// The receiver the current test's settings point at. A test's body
    /// and its `adjust` function run on the test's own thread.
    static STARTED: RefCell<Option<SmtpReceiver>> = const { RefCell::new(None) };
}

impl SmtpReceiver {
    /// Starts a receiver on a free port of this machine.
    pub fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind SMTP receiver");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("address");
        let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
        let mail = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&mail);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(session(socket, Arc::clone(&kept)));
            }
        });
        Self { addr, mail }
    }

    /// A settings adjuster: starts a receiver and points the server's
    /// SMTP setting at it; the test takes it with [`SmtpReceiver::started`].
    pub fn adjust(config: &mut concordat_server::ServerConfig) {
        let receiver = Self::start();
        config.delivery.smtp = Some(
            concordat_server::delivery::SmtpUrl::parse(&format!("smtp://{}", receiver.addr))
                .expect("SMTP URL"),
        );
        STARTED.with(|s| *s.borrow_mut() = Some(receiver));
    }

    /// The receiver [`SmtpReceiver::adjust`] started for this test.
    pub fn started() -> Self {
        STARTED
            .with(|s| s.borrow().clone())
            .expect("an SMTP receiver was started")
    }

    pub fn mail(&self) -> Vec<Mail> {
        self.mail.lock().unwrap().clone()
    }
}

async fn session(socket: tokio::net::TcpStream, mail: Arc<Mutex<Vec<Mail>>>) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    let reply = |text: &str| format!("{text}\r\n");
    if write
        .write_all(reply("220 receiver ready").as_bytes())
        .await
        .is_err()
    {
        return;
    }
    let mut from = String::new();
    let mut to = Vec::new();
    while let Ok(Some(line)) = lines.next_line().await {
        let upper = line.to_ascii_uppercase();
        let answer = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            "250 receiver".to_owned()
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&line["MAIL FROM:".len()..]);
            to.clear();
            "250 OK".to_owned()
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&line["RCPT TO:".len()..]));
            "250 OK".to_owned()
        } else if upper == "DATA" {
            if write
                .write_all(reply("354 go ahead").as_bytes())
                .await
                .is_err()
            {
                return;
            }
            let mut data = String::new();
            while let Ok(Some(line)) = lines.next_line().await {
                if line == "." {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
                data.push('\n');
            }
            mail.lock().unwrap().push(Mail {
                from: from.clone(),
                to: std::mem::take(&mut to),
                data,
            });
            "250 kept".to_owned()
        } else if upper == "RSET" || upper == "NOOP" {
            "250 OK".to_owned()
        } else if upper == "QUIT" {
            let _ = write.write_all(reply("221 bye").as_bytes()).await;
            return;
        } else {
            "502 not understood".to_owned()
        };
        if write.write_all(reply(&answer).as_bytes()).await.is_err() {
            return;
        }
    }
}

fn address(raw: &str) -> String {
    raw.trim()
        .trim_start_matches('<')
        .split('>')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// One request as the webhook receiver got it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub headers: HeaderMap,
    pub body: String,
    /// Whether the signature matched the secret this receiver holds.
    pub signature_valid: bool,
    /// What the receiver answered.
    pub answered: u16,
}

#[derive(Debug)]
struct HookState {
    secret: String,
    /// Answer 500 to this many requests first.
    fail_first: AtomicUsize,
    /// Answer 500 to everything while set.
    failing: AtomicBool,
    /// Answer every request with a redirect here instead.
    redirect_to: Option<String>,
    hits: Mutex<Vec<Hit>>,
}

/// What a failing receiver says besides its status: words from inside its
/// network, which the delivery log must never show (issue 11).
pub const RECEIVER_WORDS: &str =
    "FATAL password authentication failed for user postgres at 10.1.2.3";

/// A webhook endpoint holding `secret`.
#[derive(Debug, Clone)]
pub struct HookReceiver {
    pub url: String,
    state: Arc<HookState>,
}

impl HookReceiver {
    pub async fn start(secret: &str, fail_first: usize) -> Self {
        Self::serve(HookState {
            secret: secret.to_owned(),
            fail_first: AtomicUsize::new(fail_first),
            failing: AtomicBool::new(false),
            redirect_to: None,
            hits: Mutex::new(Vec::new()),
        })
        .await
    }

    /// A receiver that answers every request `307 Temporary Redirect` to
    /// `to`.
    pub async fn redirecting_to(to: &str) -> Self {
        Self::serve(HookState {
            secret: String::new(),
            fail_first: AtomicUsize::new(0),
            failing: AtomicBool::new(false),
            redirect_to: Some(to.to_owned()),
            hits: Mutex::new(Vec::new()),
        })
        .await
    }

    async fn serve(state: HookState) -> Self {
        let state = Arc::new(state);
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            url: format!("http://{addr}/hook"),
            state,
        }
    }

    /// The port it listens on, on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.url
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches("/hook")
            .parse()
            .expect("the receiver's port")
    }

    /// Fails every request from now on (or stops failing).
    pub fn set_failing(&self, failing: bool) {
        self.state.failing.store(failing, Ordering::SeqCst);
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.state.hits.lock().unwrap().clone()
    }
}

async fn receive(
    State(state): State<Arc<HookState>>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let body = String::from_utf8_lossy(&body).into_owned();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let expected = sign(&state.secret, &header("x-concordat-timestamp"), &body);
    let signature_valid = header("x-concordat-signature") == expected;
    let failing = state.failing.load(Ordering::SeqCst)
        || state
            .fail_first
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
    let response = match (&state.redirect_to, failing) {
        (Some(to), _) => (
            StatusCode::TEMPORARY_REDIRECT,
            [(axum::http::header::LOCATION, to.clone())],
        )
            .into_response(),
        (None, true) => (StatusCode::INTERNAL_SERVER_ERROR, RECEIVER_WORDS).into_response(),
        (None, false) => StatusCode::OK.into_response(),
    };
    state.hits.lock().unwrap().push(Hit {
        headers,
        body,
        signature_valid,
        answered: response.status().as_u16(),
    });
    response
}

/// The signature a receiver expects: HMAC-SHA256 of "timestamp.body".
pub fn sign(secret: &str, timestamp: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}
