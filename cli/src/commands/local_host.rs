//! Host services for `wolfe run` on a laptop: kv and the audit trail live in
//! memory for the one run, outbound HTTP is on (the grant still decides),
//! other providers come from a `[providers]` file when given.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use wolfe_engine::{Grant, Services};
use wolfe_host_apis::kv::MemoryKv;
use wolfe_host_apis::providers::{Providers, ProvidersConfig};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvidersFile {
    #[serde(default)]
    providers: ProvidersConfig,
}

pub async fn services(providers: Option<&Path>) -> anyhow::Result<Services> {
    let config = match providers {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            toml::from_str::<ProvidersFile>(&text)
                .with_context(|| format!("{}: invalid providers file", path.display()))?
                .providers
        }
        None => ProvidersConfig::default(),
    };
    let providers = Providers::start(&config)
        .await
        .map_err(|e| anyhow::anyhow!("cannot start providers: {e}"))?;
    Ok(Services {
        kv: Some(Arc::new(MemoryKv::default())),
        ..Services::offline().with_providers(providers)
    })
}

/// A grant from a TOML or JSON file.
pub fn grant_file(path: &Path) -> anyhow::Result<Grant> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let grant = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(anyhow::Error::from)
    } else {
        toml::from_str(&text).map_err(anyhow::Error::from)
    };
    grant.with_context(|| format!("{}: not a valid grant", path.display()))
}
