//! The Studio's management API through `app(state)`: access rules on every
//! route, the runbook lifecycle (save → build → dev → test → prod, rollback),
//! configuration resources, executions and their logs, webhooks, archiving,
//! malformed bodies and the OpenAPI document. Every successful answer is checked
//! against that document (`contract.rs`). Scenarios whose outcome depends
//! on storage run on SQLite and PostgreSQL.

mod access;
mod archive;
mod configuration;
mod contract;
mod executions;
mod harness;
mod lifecycle;
mod malformed;
mod openapi;
mod sources;
mod uploads;
mod webhooks;

use harness::Harness;

wolfe_testkit::on_both_backends!(
    super::Harness::start;
    every_route_enforces_token_team_and_role,
    saving_source_builds_a_version_that_runs_then_promotes,
    promotion_never_skips_an_environment_unless_an_operator_forces_it,
    rollback_points_an_environment_back_at_an_earlier_version,
    executions_filter_and_page_by_cursor,
    execution_detail_has_attempts_events_logs_and_host_calls,
    logs_stream_as_server_sent_events_until_the_end,
    logs_stream_while_the_execution_runs,
    a_cancelled_execution_streams_its_last_lines_then_ends,
    rules_are_compiled_tested_changed_and_deleted,
    grants_quotas_and_notifications_are_validated_and_audited,
    secrets_are_write_only,
    tokens_and_teams_are_managed_by_admins,
    kv_events_and_audit_are_team_scoped,
    an_uploaded_component_becomes_a_version_that_runs,
    an_archived_runbook_stops_running_and_restoring_brings_it_back,
    a_webhook_runs_the_rules_it_matches_once,
);

use access::every_route_enforces_token_team_and_role;
use archive::an_archived_runbook_stops_running_and_restoring_brings_it_back;
use configuration::{
    grants_quotas_and_notifications_are_validated_and_audited, kv_events_and_audit_are_team_scoped,
    rules_are_compiled_tested_changed_and_deleted, secrets_are_write_only,
    tokens_and_teams_are_managed_by_admins,
};
use executions::{
    a_cancelled_execution_streams_its_last_lines_then_ends,
    execution_detail_has_attempts_events_logs_and_host_calls, executions_filter_and_page_by_cursor,
    logs_stream_as_server_sent_events_until_the_end, logs_stream_while_the_execution_runs,
};
use lifecycle::{
    promotion_never_skips_an_environment_unless_an_operator_forces_it,
    rollback_points_an_environment_back_at_an_earlier_version,
    saving_source_builds_a_version_that_runs_then_promotes,
};
use uploads::an_uploaded_component_becomes_a_version_that_runs;
use webhooks::a_webhook_runs_the_rules_it_matches_once;

/// Storage-independent checks: SQLite only.
mod sqlite_only {
    use super::Harness;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_access_table_covers_every_authenticated_route() {
        crate::access::the_access_table_covers_every_authenticated_route(
            Harness::start(None).await,
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_build_error_names_the_file_and_line() {
        crate::lifecycle::a_build_error_names_the_file_and_line(Harness::start(None).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn uploads_that_are_not_runbooks_are_refused_and_store_nothing() {
        crate::uploads::uploads_that_are_not_runbooks_are_refused_and_store_nothing(
            Harness::start(None).await,
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn malformed_bodies_and_queries_get_precise_400s() {
        crate::malformed::malformed_bodies_and_queries_get_precise_400s(Harness::start(None).await)
            .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_openapi_document_lists_every_route() {
        crate::openapi::the_openapi_document_lists_every_route(Harness::start(None).await).await;
    }
}
