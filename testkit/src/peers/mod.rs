//! Fake or real remote systems on loopback that providers talk to in tests.

mod background;
pub mod chat_webhook;
pub mod pagerduty;
pub mod smtp;
