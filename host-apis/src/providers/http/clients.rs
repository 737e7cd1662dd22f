//! HTTP clients that connect only to checked addresses.
//!
//! reqwest resolves names itself, which would be a second lookup after the
//! check (a DNS rebinding hole). So each client has a resolver that never
//! asks DNS: the one for IP-literal URLs refuses every name, and a pinned
//! client answers every name with the address set it was built for. Clients
//! are cached by that set, so repeated calls to a host reuse one client and
//! its keep-alive connections; a client is only used for a URL whose host
//! was checked to resolve to exactly its set.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use reqwest::Client;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect::Policy;

use super::destination::Destination;
use crate::ApiError;

/// More distinct address sets than this and the cache starts over: bounded
/// memory whatever hosts runbooks call.
const MAX_PINNED_CLIENTS: usize = 256;

pub(super) struct Clients {
    user_agent: String,
    literal: Client,
    pinned: Mutex<HashMap<Vec<IpAddr>, Client>>,
}

impl Clients {
    pub fn new(user_agent: &str) -> Result<Self, ApiError> {
        Ok(Self {
            user_agent: user_agent.to_owned(),
            literal: build(user_agent, Arc::new(NoDns))?,
            pinned: Mutex::new(HashMap::new()),
        })
    }

    pub fn for_destination(&self, destination: &Destination) -> Result<Client, ApiError> {
        let addrs = match destination {
            Destination::Literal => return Ok(self.literal.clone()),
            Destination::Resolved(addrs) => addrs,
        };
        let mut pinned = self.pinned.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = pinned.get(addrs) {
            return Ok(client.clone());
        }
        if pinned.len() >= MAX_PINNED_CLIENTS {
            pinned.clear();
        }
        let client = build(&self.user_agent, Arc::new(Pinned(addrs.clone())))?;
        pinned.insert(addrs.clone(), client.clone());
        Ok(client)
    }
}

/// Redirects are followed by the provider (each hop re-checked); proxies
/// from the environment would bypass the address pinning.
fn build(user_agent: &str, resolver: Arc<impl Resolve + 'static>) -> Result<Client, ApiError> {
    Client::builder()
        .redirect(Policy::none())
        .no_proxy()
        .user_agent(user_agent)
        .dns_resolver(resolver)
        .build()
        .map_err(|e| ApiError::Unavailable(format!("cannot build the HTTP client: {e}")))
}

/// For URLs with an IP literal, which the connector never resolves.
struct NoDns;

impl Resolve for NoDns {
    fn resolve(&self, name: Name) -> Resolving {
        let error = format!("{} was not resolved and checked", name.as_str());
        Box::pin(async move { Err(error.into()) })
    }
}

/// The checked addresses, port 0 so the connector uses the URL's port.
struct Pinned(Vec<IpAddr>);

impl Resolve for Pinned {
    fn resolve(&self, _name: Name) -> Resolving {
        let addrs: Vec<SocketAddr> = self.0.iter().map(|&ip| SocketAddr::new(ip, 0)).collect();
        Box::pin(async move { Ok(Box::new(addrs.into_iter()) as Addrs) })
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use wolfe_testkit::peers::http_echo::HttpEcho;

    use super::*;

    #[tokio::test]
    async fn a_pinned_client_connects_to_its_addresses_without_asking_dns() {
        let server = HttpEcho::start();
        let clients = Clients::new("test").unwrap();
        let pinned = Destination::Resolved(vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]);
        let client = clients.for_destination(&pinned).unwrap();
        // `.invalid` never resolves: reaching the server proves the pin.
        let url = format!("http://pinned.invalid:{}/x", server.port());
        let response = client.get(&url).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            server.received()[0].headers["host"],
            format!("pinned.invalid:{}", server.port())
        );
    }

    #[tokio::test]
    async fn the_literal_client_resolves_no_name() {
        let server = HttpEcho::start();
        let clients = Clients::new("test").unwrap();
        let client = clients.for_destination(&Destination::Literal).unwrap();
        let error = client
            .get(format!("http://localhost:{}/", server.port()))
            .send()
            .await
            .unwrap_err();
        assert!(error.is_connect(), "{error:?}");
        assert!(server.received().is_empty());
        let by_ip = client.get(server.url("/")).send().await.unwrap();
        assert_eq!(by_ip.status(), 200);
    }

    #[test]
    fn clients_are_reused_per_address_set() {
        let clients = Clients::new("test").unwrap();
        let set = |ip: [u8; 4]| Destination::Resolved(vec![IpAddr::from(ip)]);
        clients.for_destination(&set([192, 0, 2, 1])).unwrap();
        clients.for_destination(&set([192, 0, 2, 1])).unwrap();
        clients.for_destination(&set([192, 0, 2, 2])).unwrap();
        assert_eq!(clients.pinned.lock().unwrap().len(), 2);
    }
}
