//! Claiming, finishing and releasing explicit idempotency keys, on SQLite
//! and PostgreSQL: one winner among racing claims, replay of a done key,
//! take-over of expired keys and of claims a dead attempt left, and only
//! the claiming attempt may finish or release.

mod common;

use common::Db;
use serde_json::json;
use wolfe_store::{EffectKeyClaim, EffectKeyScope, EffectKeyState};

wolfe_testkit::on_both_backends!(
    super::common::open;
    the_first_claim_wins_and_a_done_key_is_replayed,
    racing_claims_have_exactly_one_winner,
    a_released_key_is_free_again,
    only_the_claiming_attempt_finishes_or_releases,
    an_earlier_attempt_of_the_same_execution_is_taken_over,
    expired_keys_are_taken_over,
    keys_are_scoped_to_team_runbook_and_environment,
    keys_that_no_longer_hold_are_purged,
);

fn scope(key: &str) -> EffectKeyScope {
    EffectKeyScope {
        team: "ops".into(),
        runbook: "pager".into(),
        environment: "prod".into(),
        key: key.into(),
    }
}

fn claim(scope: EffectKeyScope, execution_id: &str, attempt: i64) -> EffectKeyClaim {
    EffectKeyClaim {
        scope,
        execution_id: execution_id.into(),
        attempt,
        interface: "notify".into(),
        operation: "page_trigger".into(),
        hold_ms: 60_000,
    }
}

fn pending(execution_id: &str, attempt: i64) -> EffectKeyState {
    EffectKeyState::Pending {
        execution_id: execution_id.into(),
        attempt,
    }
}

async fn the_first_claim_wins_and_a_done_key_is_replayed(db: Db) {
    let store = &db.store;
    let key = scope("incident-42");
    let first = claim(key.clone(), "e1", 1);
    assert_eq!(
        store.claim_effect_key(&first).await.unwrap(),
        EffectKeyState::Claimed
    );
    assert_eq!(
        store
            .claim_effect_key(&claim(key.clone(), "e2", 1))
            .await
            .unwrap(),
        pending("e1", 1)
    );
    let result = json!({"dedup_key": "abc"});
    assert!(
        store
            .finish_effect_key(&key, "e1", 1, &result, None)
            .await
            .unwrap()
    );
    let done = EffectKeyState::Done {
        result: Some(result),
        interface: "notify".into(),
        operation: "page_trigger".into(),
    };
    assert_eq!(
        store
            .claim_effect_key(&claim(key.clone(), "e2", 1))
            .await
            .unwrap(),
        done
    );
    // A later attempt of the execution that did it replays too.
    assert_eq!(
        store.claim_effect_key(&claim(key, "e1", 2)).await.unwrap(),
        done
    );
}

async fn racing_claims_have_exactly_one_winner(db: Db) {
    let mut claims = tokio::task::JoinSet::new();
    for n in 0..16 {
        let store = db.store.clone();
        claims.spawn(async move {
            store
                .claim_effect_key(&claim(scope("storm"), &format!("e{n}"), 1))
                .await
                .unwrap()
        });
    }
    let mut winners = 0;
    while let Some(state) = claims.join_next().await {
        match state.unwrap() {
            EffectKeyState::Claimed => winners += 1,
            EffectKeyState::Pending { .. } => {}
            done => panic!("nothing finished yet: {done:?}"),
        }
    }
    assert_eq!(winners, 1);
}

async fn a_released_key_is_free_again(db: Db) {
    let store = &db.store;
    let key = scope("incident-42");
    store
        .claim_effect_key(&claim(key.clone(), "e1", 1))
        .await
        .unwrap();
    assert!(store.release_effect_key(&key, "e1", 1).await.unwrap());
    assert_eq!(
        store.claim_effect_key(&claim(key, "e2", 1)).await.unwrap(),
        EffectKeyState::Claimed
    );
}

async fn only_the_claiming_attempt_finishes_or_releases(db: Db) {
    let store = &db.store;
    let key = scope("incident-42");
    store
        .claim_effect_key(&claim(key.clone(), "e1", 2))
        .await
        .unwrap();
    let result = json!(1);
    for (execution, attempt) in [("e2", 2), ("e1", 1)] {
        assert!(
            !store
                .finish_effect_key(&key, execution, attempt, &result, None)
                .await
                .unwrap()
        );
        assert!(
            !store
                .release_effect_key(&key, execution, attempt)
                .await
                .unwrap()
        );
    }
    assert!(
        store
            .finish_effect_key(&key, "e1", 2, &result, None)
            .await
            .unwrap()
    );
    assert!(
        !store.release_effect_key(&key, "e1", 2).await.unwrap(),
        "a done key is not released"
    );
}

async fn an_earlier_attempt_of_the_same_execution_is_taken_over(db: Db) {
    let store = &db.store;
    let key = scope("incident-42");
    store
        .claim_effect_key(&claim(key.clone(), "e1", 1))
        .await
        .unwrap();
    // Attempt 1 died mid-call; attempt 2 acts (at least once).
    assert_eq!(
        store
            .claim_effect_key(&claim(key.clone(), "e1", 2))
            .await
            .unwrap(),
        EffectKeyState::Claimed
    );
    assert!(
        !store
            .finish_effect_key(&key, "e1", 1, &json!(1), None)
            .await
            .unwrap(),
        "the dead attempt lost its claim"
    );
    assert_eq!(
        store.claim_effect_key(&claim(key, "e1", 1)).await.unwrap(),
        pending("e1", 2),
        "an older attempt takes nothing over"
    );
}

async fn expired_keys_are_taken_over(db: Db) {
    let store = &db.store;
    // A claim whose execution died and was never retried frees itself
    // after its hold.
    let key = scope("stuck");
    let short = EffectKeyClaim {
        hold_ms: 50,
        ..claim(key.clone(), "e1", 1)
    };
    store.claim_effect_key(&short).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(80)).await;
    assert_eq!(
        store.claim_effect_key(&claim(key, "e2", 1)).await.unwrap(),
        EffectKeyState::Claimed
    );
    // A done key holds for its ttl, then the next claim acts again.
    let key = scope("ttl");
    store
        .claim_effect_key(&claim(key.clone(), "e1", 1))
        .await
        .unwrap();
    store
        .finish_effect_key(&key, "e1", 1, &json!(1), Some(50))
        .await
        .unwrap();
    assert!(matches!(
        store
            .claim_effect_key(&claim(key.clone(), "e2", 1))
            .await
            .unwrap(),
        EffectKeyState::Done { .. }
    ));
    tokio::time::sleep(std::time::Duration::from_millis(80)).await;
    assert_eq!(
        store
            .claim_effect_key(&claim(key.clone(), "e2", 1))
            .await
            .unwrap(),
        EffectKeyState::Claimed
    );
    assert_eq!(
        store.claim_effect_key(&claim(key, "e3", 1)).await.unwrap(),
        pending("e2", 1),
        "taken over in place: pending again"
    );
}

async fn keys_are_scoped_to_team_runbook_and_environment(db: Db) {
    let store = &db.store;
    let base = scope("incident-42");
    let others = [
        EffectKeyScope {
            team: "other-team".into(),
            ..base.clone()
        },
        EffectKeyScope {
            runbook: "other-runbook".into(),
            ..base.clone()
        },
        EffectKeyScope {
            environment: "dev".into(),
            ..base.clone()
        },
        base,
    ];
    for (n, key) in others.into_iter().enumerate() {
        assert_eq!(
            store
                .claim_effect_key(&claim(key, &format!("e{n}"), 1))
                .await
                .unwrap(),
            EffectKeyState::Claimed
        );
    }
}

async fn keys_that_no_longer_hold_are_purged(db: Db) {
    let store = &db.store;
    let result = json!({"ok": true});
    // Done with a 1 s ttl; done forever; pending within its 60 s hold.
    for (key, ttl) in [("short", Some(1_000)), ("forever", None)] {
        let key = scope(key);
        store
            .claim_effect_key(&claim(key.clone(), "e1", 1))
            .await
            .unwrap();
        assert!(
            store
                .finish_effect_key(&key, "e1", 1, &result, ttl)
                .await
                .unwrap()
        );
    }
    store
        .claim_effect_key(&claim(scope("acting"), "e2", 1))
        .await
        .unwrap();

    let now = wolfe_store::now_ms();
    assert_eq!(store.purge_expired_effect_keys(now).await.unwrap(), 0);
    // Two minutes on: the short key's ttl and the pending claim's hold
    // have run out; the key kept forever stays.
    let later = now + 120_000;
    assert_eq!(store.purge_expired_effect_keys(later).await.unwrap(), 2);
    assert!(matches!(
        store
            .claim_effect_key(&claim(scope("forever"), "e3", 1))
            .await
            .unwrap(),
        EffectKeyState::Done { .. }
    ));
    assert_eq!(
        store
            .claim_effect_key(&claim(scope("short"), "e3", 1))
            .await
            .unwrap(),
        EffectKeyState::Claimed,
        "a purged key is free"
    );
}
