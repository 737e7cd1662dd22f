//! Fake remote systems for host API tests, each speaking the real system's
//! documented protocol on loopback with data the test sets, and recording
//! the requests it received.

pub mod atlas;
pub mod eureka;
pub mod http_peer;
pub mod prometheus;
