//! `wolfe promote <runbook> --to <env>`: moves the version the previous
//! environment runs into `env` (or `--version N`; `--force` skips the
//! order, for operators).

use std::process::ExitCode;

use clap::Args;
use reqwest::Method;
use serde_json::json;

use crate::exit;
use crate::studio_client::{Client, ServerArgs};

#[derive(Args)]
pub struct PromoteArgs {
    /// Runbook name.
    runbook: String,
    /// Environment to promote into.
    #[arg(long)]
    to: String,
    /// Version number; default: what the previous environment runs.
    #[arg(long)]
    version: Option<i64>,
    /// Skip the order of environments (operators only).
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    server: ServerArgs,
}

pub fn run(args: PromoteArgs) -> anyhow::Result<ExitCode> {
    let client = Client::new(args.server);
    let body = json!({"to": args.to, "version": args.version, "force": args.force});
    let path = format!("/api/v1/runbooks/{}/promote", args.runbook);
    let result =
        super::serve::tokio_runtime()?.block_on(client.send(Method::POST, &path, Some(&body)))?;
    let previous = match result["previous_version"].as_i64() {
        Some(v) => format!("v{v}"),
        None => "nothing".into(),
    };
    if result["changed"] == true {
        println!(
            "promoted {} v{} to {} (was {previous})",
            args.runbook, result["version"], args.to
        );
    } else {
        println!(
            "{} already runs {} v{}",
            args.to, args.runbook, result["version"]
        );
    }
    Ok(exit::SUCCESS.into())
}
