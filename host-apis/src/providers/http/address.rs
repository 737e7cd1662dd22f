//! Addresses a runbook may not reach through a wildcard grant (SSRF
//! defence): the host's own loopback, private networks, link-local (with
//! the cloud metadata endpoint 169.254.169.254) and everything that is not
//! an ordinary public unicast address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why `ip` is restricted, or `None` for a public unicast address.
pub fn restriction(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_restriction(v4),
        IpAddr::V6(v6) => v6_restriction(v6),
    }
}

fn v4_restriction(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    Some(if ip.is_unspecified() || a == 0 {
        "unspecified"
    } else if ip.is_loopback() {
        "loopback"
    } else if ip.is_private() {
        "private"
    } else if ip.is_link_local() {
        "link-local"
    } else if a == 100 && (b & 0xc0) == 64 {
        "carrier-grade NAT"
    } else if ip.is_broadcast() {
        "broadcast"
    } else if ip.is_multicast() {
        "multicast"
    } else if ip.is_documentation() {
        "documentation"
    } else if a == 198 && (b & 0xfe) == 18 {
        "benchmarking"
    } else if a >= 240 {
        "reserved"
    } else {
        return None;
    })
}

fn v6_restriction(ip: Ipv6Addr) -> Option<&'static str> {
    // IPv4 embedded in IPv6 (mapped ::ffff:a.b.c.d, deprecated compatible
    // ::a.b.c.d, NAT64 64:ff9b::a.b.c.d) reaches the IPv4 address.
    if let Some(v4) = embedded_v4(ip) {
        return v4_restriction(v4);
    }
    let first = ip.segments()[0];
    Some(if ip.is_unspecified() {
        "unspecified"
    } else if ip.is_loopback() {
        "loopback"
    } else if ip.is_unique_local() {
        "private"
    } else if ip.is_unicast_link_local() || (first & 0xffc0) == 0xfec0 {
        "link-local"
    } else if ip.is_multicast() {
        "multicast"
    } else if first == 0x2001 && ip.segments()[1] == 0x0db8 || (first & 0xfff0) == 0x3ff0 {
        "documentation"
    } else {
        return None;
    })
}

fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    let s = ip.segments();
    let low = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    let compatible = s[..6] == [0; 6] && !ip.is_loopback() && !ip.is_unspecified();
    let nat64 = s[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
    (compatible || nat64).then_some(low)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(ip: &str) -> Option<&'static str> {
        restriction(ip.parse().unwrap())
    }

    #[test]
    fn restricted_ipv4_ranges() {
        for (ip, why) in [
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "unspecified"),
            ("127.0.0.1", "loopback"),
            ("127.255.0.9", "loopback"),
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "link-local"),
            ("100.64.0.1", "carrier-grade NAT"),
            ("100.127.255.255", "carrier-grade NAT"),
            ("255.255.255.255", "broadcast"),
            ("224.0.0.1", "multicast"),
            ("192.0.2.1", "documentation"),
            ("198.51.100.1", "documentation"),
            ("203.0.113.1", "documentation"),
            ("198.18.0.1", "benchmarking"),
            ("240.0.0.1", "reserved"),
        ] {
            assert_eq!(check(ip), Some(why), "{ip}");
        }
    }

    #[test]
    fn restricted_ipv6_ranges() {
        for (ip, why) in [
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("fc00::1", "private"),
            ("fd12:3456::1", "private"),
            ("fe80::1", "link-local"),
            ("fec0::1", "link-local"),
            ("ff02::1", "multicast"),
            ("2001:db8::1", "documentation"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:169.254.169.254", "link-local"),
            ("::ffff:10.0.0.1", "private"),
            ("::10.0.0.1", "private"),
            ("64:ff9b::7f00:1", "loopback"),
        ] {
            assert_eq!(check(ip), Some(why), "{ip}");
        }
    }

    #[test]
    fn public_addresses_are_not_restricted() {
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "100.128.0.1",
            "172.32.0.1",
            "169.255.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert_eq!(check(ip), None, "{ip}");
        }
    }
}
