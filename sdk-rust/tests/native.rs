//! Natively there is no host: every call answers `Unavailable`, so a
//! runbook's own `cargo test` can exercise its error handling.

use std::time::Duration;

use wolfe_sdk::notify::Page;
use wolfe_sdk::{
    HostError, discovery, effects, events, http, instances, kv, metrics, notify, secrets,
};

fn unavailable<T: std::fmt::Debug>(result: Result<T, HostError>) {
    assert_eq!(
        result.unwrap_err(),
        HostError::Unavailable("not running inside Wolfe".into())
    );
}

#[test]
fn every_host_call_is_unavailable_natively() {
    let store = kv::runbook();
    unavailable(store.get("k"));
    unavailable(store.set("k", "v"));
    unavailable(store.set_with_ttl("k", "v", Duration::from_secs(1)));
    unavailable(store.delete("k"));
    unavailable(store.scan("", 10));
    unavailable(kv::team().compare_and_set("k", None, "v", None));
    unavailable(kv::team().get_json::<u8>("k"));
    unavailable(http::Request::get("https://a/").send());
    unavailable(secrets::get("db"));
    unavailable(metrics::query("atlas", "q"));
    unavailable(metrics::query_range(
        "atlas",
        "q",
        metrics::Range::last(1000, 500, 100),
    ));
    unavailable(instances::describe(&["i-1"]));
    unavailable(instances::find(&[("app", "kafka")]));
    unavailable(instances::reboot("i-1"));
    unavailable(instances::terminate("i-1"));
    unavailable(discovery::instances("KAFKA"));
    unavailable(discovery::mark_up("KAFKA", "i-1"));
    unavailable(notify::email("ops", "s", "b"));
    unavailable(notify::chat("ops", "t"));
    unavailable(Page::new("s", "src").trigger("oncall"));
    unavailable(notify::resolve("oncall", "k"));
    unavailable(events::emit("x", &serde_json::json!({})));
    unavailable(effects::set_idempotency_key("incident-42", None));
    effects::clear_idempotency_key();
    let mut ran = false;
    unavailable(effects::with_idempotency_key("k", None, || {
        ran = true;
        Ok(())
    }));
    assert!(!ran, "a key that could not be set runs nothing");
}

#[test]
fn arguments_the_host_could_not_carry_are_invalid_before_calling() {
    let ttl = Duration::from_secs(u64::from(u32::MAX) + 1);
    assert!(matches!(
        kv::runbook().set_with_ttl("k", "v", ttl),
        Err(HostError::Invalid(_))
    ));
    let timeout = Duration::from_secs(60 * 24 * 3600);
    let request = http::Request::get("https://a/").timeout(timeout);
    assert!(matches!(request.send(), Err(HostError::Invalid(_))));
    assert!(matches!(
        effects::set_idempotency_key("k", Some(ttl)),
        Err(HostError::Invalid(_))
    ));
}

#[test]
fn host_errors_name_their_kind_and_become_failures() {
    let error = HostError::NotFound("no secret db".into());
    assert_eq!(
        (error.kind(), error.message()),
        ("not_found", "no secret db")
    );
    assert_eq!(error.to_string(), "not_found: no secret db");
    let failure: wolfe_sdk::Failure = error.into();
    assert_eq!(failure.message, "not_found: no secret db");
    let kinds: Vec<_> = [
        HostError::Denied(String::new()),
        HostError::Invalid(String::new()),
        HostError::NotFound(String::new()),
        HostError::Unavailable(String::new()),
        HostError::TooLarge(String::new()),
    ]
    .iter()
    .map(HostError::kind)
    .collect();
    assert_eq!(
        kinds,
        ["denied", "invalid", "not_found", "unavailable", "too_large"]
    );
}
