//! Fake or real peers that tests talk to over loopback, one module each.

pub mod http_echo;
