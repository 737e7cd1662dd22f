//! Real or fake remote systems on loopback that tests seed and inspect, one
//! module each, speaking the real system's documented protocol and
//! recording the requests they received.

pub mod atlas;
mod background;
pub mod chat_webhook;
pub mod ec2;
pub mod eureka;
pub mod http_echo;
pub mod http_peer;
pub mod pagerduty;
pub mod prometheus;
pub mod smtp;
