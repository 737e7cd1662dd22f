//! Fake or real peers that tests talk to over loopback, one module each.

pub mod http_echo;
//! Fake or real remote systems on loopback that providers talk to in tests.
mod background;
pub mod chat_webhook;
pub mod pagerduty;
pub mod smtp;
//! Fake remote systems for host API tests, each speaking the real system's
//! documented protocol on loopback with data the test sets, and recording
//! the requests it received.
pub mod atlas;
pub mod eureka;
pub mod http_peer;
pub mod prometheus;
//! Test peers: real or fake remote systems on loopback that tests seed and
//! inspect.
pub mod ec2;
