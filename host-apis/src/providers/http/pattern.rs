//! The runbook's http grant: `scheme://host[:port]` patterns.
//!
//! - scheme: `http` or `https`;
//! - host: a name or IP literal (`[::1]` for IPv6), `*` (any host) or
//!   `*.example.com` (any name ending in `.example.com`, at any depth, but
//!   not `example.com` itself);
//! - port: a number, `*` (any), or absent (the scheme's default port).
//!
//! Hosts are normalized the way URLs are (lower case, IDNA, canonical IP
//! text, no trailing dot), so a pattern and a URL naming the same host
//! compare equal.

use std::fmt;

use reqwest::Url;

/// Where a request goes: the part of a URL the grant is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub scheme: String,
    /// Normalized host; IPv6 in brackets.
    pub host: String,
    pub port: u16,
    /// Whether the host is an IP literal (never matched by `*.domain`).
    pub is_ip: bool,
}

impl Target {
    /// The target of an absolute http(s) URL; `None` for other schemes or a
    /// URL without a host.
    pub fn of(url: &Url) -> Option<Self> {
        let scheme = url.scheme();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let host = url.host_str()?;
        Some(Self {
            scheme: scheme.to_owned(),
            host: normalize_name(host),
            port: url.port_or_known_default()?,
            is_ip: is_ip_literal(host),
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
    }
}

/// One parsed grant pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpPattern {
    scheme: String,
    host: HostPattern,
    port: PortPattern,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    Any,
    /// `*.example.com`, stored as `.example.com`.
    SubdomainsOf(String),
    Exact(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PortPattern {
    Any,
    Exact(u16),
}

impl HttpPattern {
    /// Parses a pattern; the error says what is wrong with it.
    pub fn parse(pattern: &str) -> Result<Self, String> {
        let fail = |why: &str| Err(format!("http grant pattern {pattern:?}: {why}"));
        let Some((scheme, rest)) = pattern.split_once("://") else {
            return fail("expected scheme://host[:port]");
        };
        let scheme = scheme.to_ascii_lowercase();
        let Some(default_port) = default_port(&scheme) else {
            return fail("the scheme must be http or https");
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains(['/', '?', '#', '@']) {
            return fail("only scheme, host and port are allowed (no path, query or user)");
        }
        let (host, port) = split_host_port(authority);
        let port = match port {
            None => PortPattern::Exact(default_port),
            Some("*") => PortPattern::Any,
            Some(p) => match p.parse::<u16>() {
                Ok(p) => PortPattern::Exact(p),
                Err(_) => return fail("the port must be a number or *"),
            },
        };
        let host = if host == "*" {
            HostPattern::Any
        } else if let Some(domain) = host.strip_prefix("*.") {
            match normalize_host(&scheme, domain) {
                Some((name, false)) if !name.contains('*') => {
                    HostPattern::SubdomainsOf(format!(".{name}"))
                }
                _ => return fail("a wildcard host must be * or *.domain"),
            }
        } else if host.contains('*') {
            return fail("a wildcard host must be * or *.domain");
        } else {
            match normalize_host(&scheme, host) {
                Some((name, _)) => HostPattern::Exact(name),
                None => return fail("the host is not a valid host name or IP address"),
            }
        };
        Ok(Self { scheme, host, port })
    }

    pub fn matches(&self, target: &Target) -> bool {
        self.scheme == target.scheme
            && match self.port {
                PortPattern::Any => true,
                PortPattern::Exact(p) => p == target.port,
            }
            && match &self.host {
                HostPattern::Any => true,
                HostPattern::SubdomainsOf(suffix) => {
                    !target.is_ip && target.host.ends_with(suffix.as_str())
                }
                HostPattern::Exact(host) => *host == target.host,
            }
    }

    /// Whether the host is named without a wildcard: the operator then
    /// vouches for it, even if it resolves to a private address.
    pub fn names_host_literally(&self) -> bool {
        matches!(self.host, HostPattern::Exact(_))
    }
}

/// What the grant says about one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Denied,
    /// Matched only by patterns with a wildcard host.
    ByWildcard,
    /// Matched by a pattern naming the host literally.
    ByName,
}

/// The grant's verdict on `target`. Malformed patterns match nothing; they
/// are returned so a denial can mention them.
pub fn permission(allowed: &[String], target: &Target) -> (Permission, Vec<String>) {
    let mut verdict = Permission::Denied;
    let mut malformed = Vec::new();
    for pattern in allowed {
        match HttpPattern::parse(pattern) {
            Ok(p) if p.matches(target) => {
                if p.names_host_literally() {
                    return (Permission::ByName, malformed);
                }
                verdict = Permission::ByWildcard;
            }
            Ok(_) => {}
            Err(why) => malformed.push(why),
        }
    }
    (verdict, malformed)
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// `host:port`, `host`, `[v6]:port` or `[v6]`.
fn split_host_port(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        return match authority.split_once("]:") {
            Some((host, port)) => (&authority[..host.len() + 1], Some(port)),
            None => (authority, None),
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    }
}

/// The host as a URL would carry it, and whether it is an IP literal.
fn normalize_host(scheme: &str, host: &str) -> Option<(String, bool)> {
    if host.is_empty() {
        return None;
    }
    let url = Url::parse(&format!("{scheme}://{host}/")).ok()?;
    let host = url.host_str()?;
    Some((normalize_name(host), is_ip_literal(host)))
}

/// `127.0.0.1` or `[::1]`, as a URL's host text has them.
pub(super) fn is_ip_literal(host: &str) -> bool {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
        .is_ok()
}

/// `example.com.` and `example.com` are the same host.
fn normalize_name(host: &str) -> String {
    host.strip_suffix('.').unwrap_or(host).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str) -> Target {
        Target::of(&Url::parse(url).unwrap()).unwrap()
    }

    fn allows(pattern: &str, url: &str) -> bool {
        HttpPattern::parse(pattern).unwrap().matches(&target(url))
    }

    #[test]
    fn a_pattern_without_port_means_the_default_port() {
        assert!(allows(
            "https://api.example.com",
            "https://api.example.com/v1"
        ));
        assert!(allows(
            "https://api.example.com",
            "https://api.example.com:443/"
        ));
        assert!(!allows(
            "https://api.example.com",
            "https://api.example.com:8443/"
        ));
        assert!(allows("http://api.example.com", "http://api.example.com/"));
        assert!(!allows(
            "http://api.example.com",
            "http://api.example.com:8080/"
        ));
        assert!(allows("http://api.example.com/", "http://api.example.com/"));
    }

    #[test]
    fn ports_match_exactly_or_by_star() {
        assert!(allows("http://10.0.0.1:8080", "http://10.0.0.1:8080/x"));
        assert!(!allows("http://10.0.0.1:8080", "http://10.0.0.1:8081/x"));
        assert!(!allows("http://10.0.0.1:8080", "http://10.0.0.1/x"));
        assert!(allows("http://10.0.0.1:*", "http://10.0.0.1:1/"));
        assert!(allows("http://10.0.0.1:*", "http://10.0.0.1/"));
    }

    #[test]
    fn schemes_must_match() {
        assert!(!allows("https://example.com:*", "http://example.com/"));
        assert!(!allows("http://example.com:*", "https://example.com/"));
        assert!(allows("HTTPS://Example.COM", "https://example.com/"));
    }

    #[test]
    fn a_wildcard_subdomain_matches_any_depth_but_not_the_domain() {
        let p = "https://*.example.com";
        assert!(allows(p, "https://api.example.com/"));
        assert!(allows(p, "https://a.b.example.com/"));
        assert!(allows(p, "https://API.Example.com./"));
        assert!(!allows(p, "https://example.com/"));
        assert!(!allows(p, "https://badexample.com/"));
        assert!(!allows(p, "https://example.com.evil.net/"));
        assert!(!allows(p, "https://api.example.com:8443/"));
        assert!(allows(
            "https://*.example.com:*",
            "https://api.example.com:8443/"
        ));
    }

    #[test]
    fn a_star_host_matches_any_host_including_ips() {
        assert!(allows("http://*:*", "http://127.0.0.1:9/"));
        assert!(allows("http://*:*", "http://[::1]:9/"));
        assert!(allows("https://*", "https://anything.example/"));
        assert!(!allows("https://*", "https://anything.example:444/"));
    }

    #[test]
    fn hosts_compare_normalized() {
        assert!(allows("http://[::1]:8080", "http://[0:0::1]:8080/"));
        assert!(allows("http://127.0.0.1:*", "http://2130706433:80/"));
        assert!(allows("http://localhost.:*", "http://LOCALHOST:1/"));
        assert!(!allows("http://127.0.0.1:*", "http://localhost:1/"));
    }

    #[test]
    fn literal_hosts_are_told_apart_from_wildcards() {
        for (pattern, literal) in [
            ("http://127.0.0.1:*", true),
            ("http://localhost:8080", true),
            ("http://[::1]", true),
            ("http://*:*", false),
            ("https://*.example.com", false),
        ] {
            let parsed = HttpPattern::parse(pattern).unwrap();
            assert_eq!(parsed.names_host_literally(), literal, "{pattern}");
        }
    }

    #[test]
    fn malformed_patterns_are_rejected() {
        for pattern in [
            "example.com",
            "ftp://example.com",
            "http://",
            "http://example.com:http",
            "http://example.com:99999",
            "http://example.com/path",
            "http://user@example.com",
            "http://ex*ample.com",
            "http://*.*.example.com",
            "http://a.*.example.com",
            "http://*.",
            "http://[::1",
            "http://*.0.0.1:*",
        ] {
            assert!(HttpPattern::parse(pattern).is_err(), "{pattern}");
        }
    }

    #[test]
    fn a_literal_match_wins_over_a_wildcard_and_malformed_patterns_are_reported() {
        let target = target("http://127.0.0.1:8080/");
        let grant = |patterns: &[&str]| {
            let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
            permission(&patterns, &target)
        };
        assert_eq!(grant(&[]).0, Permission::Denied);
        assert_eq!(grant(&["http://*:*"]).0, Permission::ByWildcard);
        assert_eq!(
            grant(&["http://*:*", "http://127.0.0.1:8080"]).0,
            Permission::ByName
        );
        let (verdict, malformed) = grant(&["http://127.0.0.1:80", "nonsense"]);
        assert_eq!(verdict, Permission::Denied);
        assert_eq!(malformed.len(), 1);
        assert!(malformed[0].contains("nonsense"), "{malformed:?}");
    }
}
