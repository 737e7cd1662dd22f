//! Fake or real peers that tests talk to over loopback, one module each.

pub mod http_echo;
//! Fake or real remote systems on loopback that providers talk to in tests.
mod background;
pub mod chat_webhook;
pub mod pagerduty;
pub mod smtp;
