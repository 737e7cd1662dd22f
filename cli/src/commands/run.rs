use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use anyhow::{Context as _, bail};
use clap::Args;
use std::sync::Arc;

use wolfe_engine::{
    ExecutionContext, ExecutionRequest, ExecutionResult, Grant, HostContext, Outcome, Quotas,
    Runtime, RuntimeConfig, caller_of,
};

use super::local_host;

use crate::{event_file, exit, render};

#[derive(Args)]
pub struct RunArgs {
    /// A runbook directory (built first) or a built component (.wasm).
    target: PathBuf,
    /// Event file: {"source", "kind", "payload"} or an array of them. Repeatable.
    #[arg(long = "event", value_name = "FILE")]
    events: Vec<PathBuf>,
    /// Parameter as key=value; the value is parsed as JSON when it is valid JSON.
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = parse_param)]
    params: Vec<(String, serde_json::Value)>,
    /// Fuel (CPU) quota; CPython burns ~1.7e10 per second.
    #[arg(long, default_value_t = Quotas::default().fuel)]
    fuel: u64,
    /// Memory quota, e.g. 64MiB.
    #[arg(long, default_value = "64MiB")]
    memory: bytesize::ByteSize,
    /// Wall-clock deadline, e.g. 5s or 500ms.
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    timeout: Duration,
    /// Largest accepted output, e.g. 1MiB.
    #[arg(long, default_value = "1MiB")]
    max_output: bytesize::ByteSize,
    /// Mark the execution as a dry run (side-effecting host calls are simulated).
    #[arg(long)]
    dry_run: bool,
    /// Environment name given to the runbook.
    #[arg(long, default_value = "dev")]
    environment: String,
    /// Grant for this run (TOML or JSON in the shape of a grant). Default:
    /// the capabilities the runbook directory's wolfe.toml declares.
    #[arg(long, value_name = "FILE")]
    grant: Option<PathBuf>,
    /// Host API providers (a TOML file with a `[providers]` section, as in
    /// the service configuration). kv is kept in memory for the run.
    #[arg(long, value_name = "FILE")]
    providers: Option<PathBuf>,
    /// Print the full result as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn parse_param(text: &str) -> Result<(String, serde_json::Value), String> {
    let (key, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected KEY=VALUE, got {text:?}"))?;
    if key.is_empty() {
        return Err(format!("empty parameter name in {text:?}"));
    }
    let value = serde_json::from_str(value).unwrap_or_else(|_| value.into());
    Ok((key.to_owned(), value))
}

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let now = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
    let mut events = Vec::new();
    for path in &args.events {
        events.extend(event_file::load(path, &now)?);
    }
    let (component, name, declared) = component_of(&args.target)?;
    let grant = match &args.grant {
        Some(path) => local_host::grant_file(path)?,
        None => declared,
    };
    let quotas = Quotas {
        fuel: args.fuel,
        memory_bytes: args.memory.as_u64(),
        timeout: args.timeout,
        max_output_bytes: args.max_output.as_u64() as usize,
        ..Quotas::default()
    };
    let request = ExecutionRequest {
        context: ExecutionContext {
            execution_id: format!("local-{}", now_nanos()),
            runbook: name,
            team: "local".into(),
            environment: args.environment.clone(),
            attempt: 1,
            dry_run: args.dry_run,
            params: serde_json::Value::Object(args.params.iter().cloned().collect()),
        },
        events,
    };

    let runtime = Runtime::new(RuntimeConfig {
        max_concurrent_executions: 1,
        cache_dir: crate::env::cache_dir(),
        ..RuntimeConfig::default()
    })?;
    let runbook = runtime.load_file(&component)?;
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let result = tokio.block_on(async {
        let services = local_host::services(args.providers.as_deref()).await?;
        let host = HostContext::new(caller_of(&request, 0), Arc::new(grant), Arc::new(services));
        anyhow::Ok(
            runtime
                .execute_with(&runbook, &request, &quotas, host)
                .await?,
        )
    })?;

    if args.json {
        println!("{}", render::json(&result, runbook.sha256())?);
    } else {
        print!("{}", render::table(&result));
    }
    Ok(exit_code(&result).into())
}

/// Builds a directory, or takes a component file as it is; with the
/// capabilities it declares (none for a bare component).
fn component_of(target: &Path) -> anyhow::Result<(PathBuf, String, Grant)> {
    if target.is_dir() {
        let output = super::build::build_dir(target)?;
        let declared = super::build::declared_capabilities(&output.artifact)?;
        return Ok((output.component, output.artifact.name, declared));
    }
    if !target.is_file() {
        bail!(
            "{}: no such runbook directory or component file",
            target.display()
        );
    }
    let name = target
        .file_stem()
        .context("component file has no name")?
        .to_string_lossy()
        .into_owned();
    Ok((target.to_path_buf(), name, Grant::default()))
}

fn exit_code(result: &ExecutionResult) -> u8 {
    match result.outcome {
        Outcome::Succeeded => exit::SUCCESS,
        Outcome::Failed => exit::RUNBOOK_FAILED,
        // `wolfe run` never cancels; counted with crashes should it happen.
        Outcome::Crashed | Outcome::Cancelled => exit::RUNBOOK_CRASHED,
        Outcome::FuelExhausted
        | Outcome::MemoryExceeded
        | Outcome::TimedOut
        | Outcome::OutputTooLarge => exit::QUOTA_EXCEEDED,
    }
}

fn now_nanos() -> u128 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_json_when_they_parse_and_strings_otherwise() {
        assert_eq!(
            parse_param("broker=3").unwrap(),
            ("broker".into(), 3.into())
        );
        assert_eq!(
            parse_param("cluster=kafka-prod").unwrap(),
            ("cluster".into(), "kafka-prod".into())
        );
        assert_eq!(
            parse_param("tags=[\"a\"]").unwrap().1,
            serde_json::json!(["a"])
        );
        assert!(parse_param("novalue").unwrap_err().contains("KEY=VALUE"));
        assert!(parse_param("=3").is_err());
    }
}
