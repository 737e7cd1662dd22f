//! Every route against the access rules: no token is 401, another team's
//! token (viewer or admin) gets 404 for this team's things, a role one step
//! too weak gets 403, and the weakest allowed role succeeds. A second test
//! checks the table covers every authenticated route of the router.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use wolfe_store::Role;

use crate::harness::{Harness, code, rust_component};
use crate::sources;

struct Case {
    method: Method,
    uri: String,
    body: Option<Value>,
    /// The weakest role allowed.
    role: Role,
    success: StatusCode,
    /// Addresses a thing of team alpha, which team beta must not find.
    alpha_only: bool,
}

fn case(
    method: Method,
    uri: &str,
    body: Option<Value>,
    role: Role,
    success: u16,
    alpha_only: bool,
) -> Case {
    Case {
        method,
        uri: uri.to_owned(),
        body,
        role,
        success: StatusCode::from_u16(success).unwrap(),
        alpha_only,
    }
}

fn cases(h: &Harness) -> Vec<Case> {
    use Method as M;
    use Role::*;
    let rb = "/api/v1/runbooks/checkout";
    let rule = format!("{rb}/rules/{}", h.rule_id);
    let execution = format!("/api/v1/executions/{}", h.execution_id);
    let spec = json!({"source": "alertmanager", "kind": "alert.*"});
    vec![
        case(M::GET, "/api/v1/whoami", None, Viewer, 200, false),
        case(M::GET, "/api/v1/teams", None, Viewer, 200, false),
        case(
            M::POST,
            "/api/v1/teams",
            Some(json!({"name": "gamma"})),
            Admin,
            201,
            false,
        ),
        case(M::GET, "/api/v1/teams/alpha", None, Viewer, 200, true),
        case(M::GET, "/api/v1/tokens", None, Admin, 200, false),
        case(
            M::POST,
            "/api/v1/tokens",
            Some(json!({"name": "ci", "role": "author"})),
            Admin,
            201,
            false,
        ),
        case(
            M::DELETE,
            &format!("/api/v1/tokens/{}", h.spare_token_id),
            None,
            Admin,
            204,
            true,
        ),
        case(M::GET, "/api/v1/runbooks", None, Viewer, 200, false),
        case(
            M::POST,
            "/api/v1/runbooks",
            Some(json!({"name": "new-one"})),
            Author,
            201,
            false,
        ),
        case(M::GET, rb, None, Viewer, 200, true),
        case(
            M::PATCH,
            rb,
            Some(json!({"description": "pays"})),
            Author,
            200,
            true,
        ),
        case(M::GET, &format!("{rb}/quotas"), None, Viewer, 200, true),
        case(
            M::PUT,
            &format!("{rb}/quotas"),
            Some(json!({"max_attempts": 2, "concurrency_limit": 3, "quotas": {"timeout": "5s"}})),
            Operator,
            200,
            true,
        ),
        case(M::GET, &format!("{rb}/versions"), None, Viewer, 200, true),
        case(
            M::POST,
            &format!("{rb}/versions"),
            Some(sources::save(sources::ECHO, "echo")),
            Author,
            201,
            true,
        ),
        case(
            M::POST,
            &format!("{rb}/components"),
            Some(crate::uploads::upload(&rust_component())),
            Author,
            201,
            true,
        ),
        case(M::GET, &format!("{rb}/versions/1"), None, Viewer, 200, true),
        case(
            M::GET,
            &format!("{rb}/deployments"),
            None,
            Viewer,
            200,
            true,
        ),
        case(
            M::POST,
            &format!("{rb}/promote"),
            Some(json!({"to": "test"})),
            Author,
            200,
            true,
        ),
        case(
            M::POST,
            &format!("{rb}/promote"),
            Some(json!({"to": "prod"})),
            Operator,
            200,
            true,
        ),
        case(
            M::POST,
            &format!("{rb}/promote"),
            Some(json!({"to": "test", "version": 1, "force": true})),
            Operator,
            200,
            true,
        ),
        case(
            M::POST,
            &format!("{rb}/rollback"),
            Some(json!({"environment": "dev"})),
            Author,
            200,
            true,
        ),
        case(M::GET, &format!("{rb}/rules"), None, Viewer, 200, true),
        case(
            M::GET,
            &format!("{rb}/rule-errors"),
            None,
            Viewer,
            200,
            true,
        ),
        case(
            M::POST,
            &format!("{rb}/rules"),
            Some(json!({"name": "r2", "environment": "dev", "spec": spec})),
            Author,
            201,
            true,
        ),
        case(
            M::POST,
            &format!("{rb}/rules"),
            Some(json!({"name": "r3", "environment": "prod", "spec": spec})),
            Operator,
            201,
            true,
        ),
        case(
            M::POST,
            &format!("{rb}/rules/test"),
            Some(
                json!({"spec": spec, "event": {"source": "alertmanager", "kind": "alert.firing"}}),
            ),
            Viewer,
            200,
            true,
        ),
        case(M::GET, &rule, None, Viewer, 200, true),
        case(
            M::PUT,
            &rule,
            Some(json!({"enabled": false})),
            Author,
            200,
            true,
        ),
        case(M::DELETE, &rule, None, Author, 204, true),
        case(M::GET, &format!("{rb}/grants/dev"), None, Viewer, 200, true),
        case(
            M::PUT,
            &format!("{rb}/grants/dev"),
            Some(json!({"kv": "runbook"})),
            Operator,
            200,
            true,
        ),
        case(
            M::GET,
            &format!("{rb}/failure-notifications/dev"),
            None,
            Viewer,
            200,
            true,
        ),
        case(
            M::PUT,
            &format!("{rb}/failure-notifications/dev"),
            Some(json!({"targets": ["oncall"]})),
            Operator,
            200,
            true,
        ),
        case(
            M::POST,
            &format!("{rb}/runs"),
            Some(json!({"environment": "dev"})),
            Author,
            202,
            true,
        ),
        case(
            M::POST,
            &format!("{rb}/runs"),
            Some(json!({"environment": "prod", "dry_run": true})),
            Operator,
            202,
            true,
        ),
        case(
            M::POST,
            "/api/v1/runs",
            Some(json!({"runbook": "checkout", "environment": "dev"})),
            Author,
            202,
            true,
        ),
        case(M::GET, "/api/v1/secrets", None, Viewer, 200, false),
        case(
            M::PUT,
            "/api/v1/secrets/dev/api-key",
            Some(json!({"value": "v"})),
            Operator,
            204,
            false,
        ),
        case(
            M::DELETE,
            "/api/v1/secrets/dev/db-password",
            None,
            Operator,
            204,
            true,
        ),
        case(M::GET, "/api/v1/executions", None, Viewer, 200, false),
        case(
            M::GET,
            "/api/v1/executions?runbook=checkout",
            None,
            Viewer,
            200,
            true,
        ),
        case(M::GET, &execution, None, Viewer, 200, true),
        case(
            M::GET,
            &format!("{execution}/logs/stream"),
            None,
            Viewer,
            200,
            true,
        ),
        case(M::GET, "/api/v1/events", None, Viewer, 200, false),
        case(
            M::GET,
            "/api/v1/events?status=rejected",
            None,
            Admin,
            200,
            false,
        ),
        case(M::GET, "/api/v1/kv/dev", None, Viewer, 200, false),
        case(
            M::GET,
            "/api/v1/kv/dev?runbook=checkout",
            None,
            Viewer,
            200,
            true,
        ),
        case(M::GET, "/api/v1/audit", None, Viewer, 200, false),
        // Last: it ends the execution the cases above read.
        case(
            M::POST,
            &format!("{execution}/cancel"),
            Some(json!({"reason": "test"})),
            Author,
            200,
            true,
        ),
        // Archive, then restore, so the runbook ends as it began.
        case(M::POST, &format!("{rb}/archive"), None, Operator, 200, true),
        case(
            M::GET,
            "/api/v1/runbooks?archived=true",
            None,
            Viewer,
            200,
            false,
        ),
        case(M::POST, &format!("{rb}/restore"), None, Operator, 200, true),
    ]
}

fn weaker(role: Role) -> Option<Role> {
    Role::ALL.into_iter().rev().find(|r| *r < role)
}

pub async fn every_route_enforces_token_team_and_role(h: Harness) {
    for case in cases(&h) {
        let what = format!("{} {}", case.method, case.uri);
        let send = |token: Option<String>| {
            let (method, uri, body) = (case.method.clone(), case.uri.clone(), case.body.clone());
            let h = &h;
            async move { h.call(method, &uri, token.as_deref(), body.as_ref()).await }
        };

        let (status, body) = send(None).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{what} without a token: {body}"
        );
        assert_eq!(code(&body), "unauthorized");
        let (status, _) = send(Some("wolfe_not-a-token".into())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what} with a bad token");

        if case.alpha_only {
            for role in [Role::Viewer, Role::Admin] {
                let (status, body) = send(Some(h.token("beta", role).into())).await;
                assert_eq!(
                    status,
                    StatusCode::NOT_FOUND,
                    "{what} as beta {role:?}: {body}"
                );
                assert_eq!(code(&body), "not_found", "{what}");
            }
        }
        if let Some(weaker) = weaker(case.role) {
            let (status, body) = send(Some(h.token("alpha", weaker).into())).await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{what} as alpha {weaker:?}: {body}"
            );
            assert_eq!(code(&body), "forbidden");
            assert_eq!(body["error"]["required_role"], case.role.as_str(), "{what}");
        }
        let (status, body) = send(Some(h.token("alpha", case.role).into())).await;
        assert_eq!(
            status, case.success,
            "{what} as alpha {:?}: {body}",
            case.role
        );
    }
    h.stop().await;
}

/// Does `uri` (query stripped) fit the route `pattern` (`{x}` any segment)?
fn fits(pattern: &str, uri: &str) -> bool {
    let path = uri.split('?').next().unwrap();
    let (a, b): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), path.split('/').collect());
    a.len() == b.len() && a.iter().zip(&b).all(|(p, s)| p.starts_with('{') || p == s)
}

pub async fn the_access_table_covers_every_authenticated_route(h: Harness) {
    let cases = cases(&h);
    for route in wolfe_server::api::routes() {
        if route.role.is_none() {
            continue;
        }
        // A literal route wins over a pattern (`rules/test` over `rules/{rule}`).
        let covered = cases.iter().any(|c| {
            c.method == route.method
                && fits(route.path, &c.uri)
                && wolfe_server::api::routes()
                    .iter()
                    .filter(|r| r.method == c.method && fits(r.path, &c.uri))
                    .min_by_key(|r| r.path.matches('{').count())
                    .is_some_and(|best| best.path == route.path)
        });
        assert!(
            covered,
            "{} {} has no access case",
            route.method, route.path
        );
    }
    h.stop().await;
}
