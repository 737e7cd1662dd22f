//! The compiled rules of an environment, reloaded from the store when stale.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;
use wolfe_rules::{CompiledRule, RuleSpec};
use wolfe_store::{RuleRecord, Store, StoreError};

/// A rule ready to evaluate, with where it leads.
pub struct ActiveRule {
    pub record: RuleRecord,
    pub compiled: CompiledRule,
}

/// An environment's rules and when they were read.
type Loaded = (Instant, Arc<Vec<ActiveRule>>);

/// Compiled rules per environment. Compiling (regexes, paths, templates)
/// happens once per reload, not once per event; a rule saved in the store is
/// seen within `max_age`.
pub struct RuleSet {
    store: Store,
    max_age: Duration,
    cache: Mutex<HashMap<String, Loaded>>,
}

impl RuleSet {
    pub fn new(store: Store, max_age: Duration) -> Self {
        Self {
            store,
            max_age,
            cache: Mutex::default(),
        }
    }

    pub async fn for_environment(
        &self,
        environment: &str,
    ) -> Result<Arc<Vec<ActiveRule>>, StoreError> {
        let mut cache = self.cache.lock().await;
        if let Some((loaded, rules)) = cache.get(environment)
            && loaded.elapsed() < self.max_age
        {
            return Ok(rules.clone());
        }
        let rules = Arc::new(compile_all(self.store.enabled_rules(environment).await?));
        cache.insert(environment.to_owned(), (Instant::now(), rules.clone()));
        Ok(rules)
    }

    /// Forgets every environment's rules, e.g. right after a rule changed.
    pub async fn invalidate(&self) {
        self.cache.lock().await.clear();
    }
}

fn compile_all(records: Vec<RuleRecord>) -> Vec<ActiveRule> {
    records
        .into_iter()
        .filter_map(|record| {
            // Rules are validated when saved; one that no longer compiles
            // (e.g. written by a newer version) is skipped, loudly.
            let compiled = serde_json::from_value::<RuleSpec>(record.spec.clone())
                .map_err(|e| e.to_string())
                .and_then(|spec| CompiledRule::compile(&spec).map_err(|e| e.to_string()));
            match compiled {
                Ok(compiled) => Some(ActiveRule { record, compiled }),
                Err(error) => {
                    tracing::error!(rule = %record.id, name = %record.name, "skipping invalid rule: {error}");
                    None
                }
            }
        })
        .collect()
}
