//! A runbook deployed and ready to fire, the way most tests need it.

use serde_json::json;
use sha2::{Digest, Sha256};
use wolfe_store::{NewRule, NewRunbook, NewVersion, Store};

/// What to create.
pub struct RunbookSeed<'a> {
    pub team: &'a str,
    pub name: &'a str,
    /// Component bytes, stored as the version's artifact.
    pub component: &'a [u8],
    pub max_attempts: i64,
    pub concurrency_limit: i64,
    pub environment: &'a str,
}

/// Ids of what was created.
pub struct Deployed {
    pub team_id: String,
    pub runbook_id: String,
    pub version_id: String,
    pub sha256: String,
}

/// Creates the team, the runbook, version 1 with the component as its
/// artifact, and deploys it to the environment.
pub async fn deployed_runbook(store: &Store, seed: RunbookSeed<'_>) -> Deployed {
    let sha256 = hex::encode(Sha256::digest(seed.component));
    store.put_artifact(&sha256, seed.component).await.unwrap();
    let team = match store.team_by_name(seed.team).await.unwrap() {
        Some(team) => team,
        None => store.create_team(seed.team).await.unwrap(),
    };
    let runbook = store
        .create_runbook(NewRunbook {
            team_id: team.id.clone(),
            name: seed.name.into(),
            description: None,
            max_attempts: seed.max_attempts,
            concurrency_limit: seed.concurrency_limit,
            quotas: json!({}),
        })
        .await
        .unwrap();
    let version = store
        .create_version(NewVersion {
            runbook_id: runbook.id.clone(),
            artifact_sha256: sha256.clone(),
            language: "python".into(),
            source: None,
            author: "test".into(),
            message: "v1".into(),
            capabilities: None,
            build_log: None,
        })
        .await
        .unwrap();
    store
        .deploy(&runbook.id, seed.environment, &version.id, "test")
        .await
        .unwrap();
    Deployed {
        team_id: team.id,
        runbook_id: runbook.id,
        version_id: version.id,
        sha256,
    }
}

/// Adds an enabled rule for the deployed runbook and returns its id.
pub async fn rule(
    store: &Store,
    deployed: &Deployed,
    environment: &str,
    name: &str,
    spec: serde_json::Value,
) -> String {
    let rule = NewRule {
        runbook_id: deployed.runbook_id.clone(),
        environment: environment.into(),
        name: name.into(),
        spec,
    };
    store.create_rule(rule, "test").await.unwrap().id
}
