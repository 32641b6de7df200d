//! Who is asking: passwords, browser sessions, API tokens, CSRF protection and
//! the throttling of failed sign-ins.

pub mod bearer;
pub mod csrf;
pub mod password;
pub mod secret;
pub mod session;
pub mod sign_in;
pub mod throttle;
