//! The host side of one execution: who calls, what it may do, and the
//! services that do it.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::effect_keys::ExplicitKey;
use crate::events::EventSink;
use crate::grant::Grant;
use crate::kv::KvBackend;
use crate::ledger::{EffectLedger, MemoryLedger};
use crate::providers::Providers;
use crate::redact::Redactor;
use crate::secrets::SecretSource;

/// The execution on whose behalf a host call runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallerIdentity {
    pub execution_id: String,
    pub team: String,
    pub runbook: String,
    pub environment: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// Side-effecting calls are recorded, not performed.
    pub dry_run: bool,
    /// How many runbook-emitted events led here (0: an outside event).
    pub event_depth: u32,
}

/// Limits the host enforces on every runbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HostLimits {
    /// A runbook-emitted event may start a chain at most this long.
    pub max_event_depth: u32,
    pub kv_max_key_bytes: usize,
    pub kv_max_value_bytes: usize,
    pub kv_max_scan: u32,
    pub events_max_payload_bytes: usize,
    /// How long a call under an explicit idempotency key waits for another
    /// execution that holds the key to finish, before answering
    /// `unavailable`.
    pub effect_key_wait_ms: u64,
    /// A claim of an explicit key still pending after this long was left by
    /// an execution that died mid-call; another call may take it over.
    pub effect_key_claim_seconds: u64,
}

impl Default for HostLimits {
    fn default() -> Self {
        Self {
            max_event_depth: 8,
            kv_max_key_bytes: 512,
            kv_max_value_bytes: 64 << 10,
            kv_max_scan: 1_000,
            events_max_payload_bytes: 256 << 10,
            effect_key_wait_ms: 5_000,
            effect_key_claim_seconds: 300,
        }
    }
}

/// The systems behind the host interfaces, shared by every execution of a
/// process. An interface whose service is `None` answers `unavailable`.
pub struct Services {
    pub ledger: Arc<dyn EffectLedger>,
    pub kv: Option<Arc<dyn KvBackend>>,
    pub secrets: Option<Arc<dyn SecretSource>>,
    pub events: Option<Arc<dyn EventSink>>,
    pub http: Option<Arc<crate::providers::http::HttpProvider>>,
    pub metrics: Option<Arc<crate::providers::metrics::MetricsProvider>>,
    pub discovery: Option<Arc<crate::providers::discovery::DiscoveryProvider>>,
    pub notify: Option<Arc<crate::providers::notify::NotifyProvider>>,
    pub instances: Option<Arc<crate::providers::instances::InstancesProvider>>,
    pub limits: HostLimits,
}

impl Services {
    /// Nothing but an in-memory audit trail: every interface but `log`
    /// answers `unavailable` (or `denied`, with an empty grant).
    pub fn offline() -> Self {
        Self {
            ledger: Arc::new(MemoryLedger::default()),
            kv: None,
            secrets: None,
            events: None,
            http: None,
            metrics: None,
            discovery: None,
            notify: None,
            instances: None,
            limits: HostLimits::default(),
        }
    }

    /// These services with the outside-world providers of `providers`.
    pub fn with_providers(self, providers: Providers) -> Self {
        Self {
            http: providers.http,
            metrics: providers.metrics,
            discovery: providers.discovery,
            notify: providers.notify,
            instances: providers.instances,
            ..self
        }
    }
}

/// Host state of every interface but `log` for one execution.
pub struct HostContext {
    pub caller: CallerIdentity,
    pub grant: Arc<Grant>,
    pub services: Arc<Services>,
    pub redactor: Redactor,
    /// Calls recorded so far in this attempt.
    pub(crate) recorded: u32,
    /// Side-effecting calls so far: the idempotency key's sequence number.
    pub(crate) side_effects: u32,
    /// The key the runbook set for its next side-effecting call.
    pub(crate) explicit_key: Option<ExplicitKey>,
}

impl HostContext {
    pub fn new(caller: CallerIdentity, grant: Arc<Grant>, services: Arc<Services>) -> Self {
        Self {
            caller,
            grant,
            services,
            redactor: Redactor::default(),
            recorded: 0,
            side_effects: 0,
            explicit_key: None,
        }
    }
}
