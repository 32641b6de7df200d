//! Why a message did not leave, in the two ways the scheduler treats
//! differently: refused (set aside until someone acts) or failed (retried).

/// Why a message did not leave.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Undelivered {
    /// It cannot be sent from this deployment as set up (no SMTP server, no
    /// SMS provider, an address the mail system rejects): trying again
    /// changes nothing until an administrator acts.
    #[error("not sent: {0}")]
    Refused(String),
    /// The receiving side failed; it may work later.
    #[error("failed: {0}")]
    Failed(String),
}
