//! Test peers: real or fake remote systems on loopback that tests seed and
//! inspect.

pub mod ec2;
