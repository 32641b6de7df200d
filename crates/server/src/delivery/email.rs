//! Email over SMTP (lettre). The server's address comes from the
//! deployment (`--smtp-url smtp://host:port`, `smtps://` for TLS from the
//! start, `?tls=required` for STARTTLS); it may hold a password, so it
//! never prints.

use std::fmt;

use concordat_store::delivery::OutboundMessage;
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Tokio1Executor};

use super::undelivered::Undelivered;

/// Where email is handed over, as the deployment set it.
#[derive(Clone)]
pub struct SmtpUrl(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`--smtp-url` is not usable: {0}")]
pub struct SmtpUrlError(String);

impl SmtpUrl {
    pub fn parse(raw: &str) -> Result<Self, SmtpUrlError> {
        let raw = raw.trim();
        if !(raw.starts_with("smtp://") || raw.starts_with("smtps://")) {
            return Err(SmtpUrlError(
                "expected smtp://HOST:PORT or smtps://HOST:PORT".into(),
            ));
        }
        // lettre's own reading is the one that counts; the error it gives
        // never repeats the URL (which may hold a password).
        AsyncSmtpTransport::<Tokio1Executor>::from_url(raw)
            .map_err(|e| SmtpUrlError(e.to_string()))?;
        Ok(Self(raw.to_owned()))
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, Undelivered> {
        Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(&self.0)
            .map_err(|e| Undelivered::Refused(format!("the SMTP setting is not usable: {e}")))?
            .build())
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The scheme and host only: never the user or password.
        let after_scheme = self.0.split_once("://").map_or("", |(_, rest)| rest);
        let host = after_scheme
            .rsplit_once('@')
            .map_or(after_scheme, |(_, host)| host);
        let host = host.split(['/', '?']).next().unwrap_or_default();
        let scheme = self.0.split_once("://").map_or("", |(s, _)| s);
        write!(f, "SmtpUrl({scheme}://{host})")
    }
}

/// Sends `message` through `smtp` as `from`; with no SMTP server set up,
/// refuses it.
pub(super) async fn send(
    smtp: Option<&SmtpUrl>,
    from: &lettre::message::Mailbox,
    message: &OutboundMessage,
) -> Result<(), Undelivered> {
    let Some(smtp) = smtp else {
        return Err(Undelivered::Refused(
            "email is not set up in this deployment (--smtp-url)".into(),
        ));
    };
    let to: lettre::message::Mailbox = message
        .recipient
        .parse()
        .map_err(|e| Undelivered::Refused(format!("the recipient's address is not usable: {e}")))?;
    let email = lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(message.subject.clone())
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(message.body.clone())
        .map_err(|e| Undelivered::Refused(format!("the message could not be built: {e}")))?;
    smtp.transport()?
        .send(email)
        .await
        .map(|_| ())
        .map_err(|e| Undelivered::Failed(format!("the SMTP server did not take it: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_smtp_url_never_shows_its_password() {
        let url = SmtpUrl::parse("smtp://mailer:s3cret@mail.example:2525").unwrap();
        let shown = format!("{url:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("mail.example:2525"), "{shown}");
    }

    #[test]
    fn only_smtp_urls_are_accepted() {
        let err = SmtpUrl::parse("http://mail.example").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`--smtp-url` is not usable: expected smtp://HOST:PORT or smtps://HOST:PORT"
        );
    }
}
