//! Where a request may connect: the grant's verdict on the URL, then the
//! address rules on the host's addresses. The addresses checked here are
//! the only ones the client connects to (no second lookup to rebind).

use std::net::IpAddr;

use super::address::restriction;
use super::pattern::{Permission, Target, permission};
use crate::ApiError;

/// The checked addresses of a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Destination {
    /// The URL's host is an IP literal: the client connects to it as is.
    Literal,
    /// The host name resolved to these addresses (sorted, no repeats).
    Resolved(Vec<IpAddr>),
}

/// Checks `target` against the grant and the address rules.
/// `redirected_from` names the hop that led here, for the message.
pub(super) async fn check(
    allowed: &[String],
    target: &Target,
    redirected_from: Option<&Target>,
) -> Result<Destination, ApiError> {
    let context = match redirected_from {
        Some(from) => format!("redirect from {from}: "),
        None => String::new(),
    };
    let (verdict, malformed) = permission(allowed, target);
    let by_name = match verdict {
        Permission::ByName => true,
        Permission::ByWildcard => false,
        Permission::Denied if allowed.is_empty() => {
            return Err(ApiError::Denied(format!(
                "{context}{target}: no network granted (the runbook's http grant is empty)"
            )));
        }
        Permission::Denied => {
            let mut message = format!("{context}{target} is not in the runbook's http grant");
            if !malformed.is_empty() {
                message.push_str(&format!(" (ignored: {})", malformed.join("; ")));
            }
            return Err(ApiError::Denied(message));
        }
    };
    let refuse = |ip: IpAddr, why: &str| {
        let resolved = if target.is_ip {
            String::new()
        } else {
            format!(" resolves to {ip}, which")
        };
        ApiError::Denied(format!(
            "{context}{target}{resolved} is a {why} address, reachable only through a grant \
             pattern naming the host literally (such as {}://{}:{})",
            target.scheme, target.host, target.port
        ))
    };

    if target.is_ip {
        let ip: IpAddr = target
            .host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .map_err(|_| ApiError::Invalid(format!("{context}{target}: unparsable IP address")))?;
        if let (false, Some(why)) = (by_name, restriction(ip)) {
            return Err(refuse(ip, why));
        }
        return Ok(Destination::Literal);
    }

    let mut addrs: Vec<IpAddr> = tokio::net::lookup_host((target.host.as_str(), target.port))
        .await
        .map_err(|e| {
            ApiError::Unavailable(format!("{context}cannot resolve {}: {e}", target.host))
        })?
        .map(|addr| addr.ip())
        .collect();
    addrs.sort();
    addrs.dedup();
    if addrs.is_empty() {
        return Err(ApiError::Unavailable(format!(
            "{context}{} resolves to no address",
            target.host
        )));
    }
    if !by_name {
        for &ip in &addrs {
            if let Some(why) = restriction(ip) {
                return Err(refuse(ip, why));
            }
        }
    }
    Ok(Destination::Resolved(addrs))
}
