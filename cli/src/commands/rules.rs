//! `wolfe rules test`: which rules an event would fire, and with which
//! parameters, without running anything.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use wolfe_rules::{CompiledRule, EventView, Explanation, RuleSpec};

use crate::service::config::ServiceConfig;
use crate::{event_file, exit};

#[derive(Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    command: RulesCommand,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Evaluate rules against an event file and show matches and parameters.
    Test(TestArgs),
}

#[derive(Args)]
struct TestArgs {
    /// Event file, as for `wolfe run`.
    #[arg(long)]
    event: PathBuf,
    /// A rule file (JSON rule spec). Repeatable.
    #[arg(long = "rule", value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// Test the enabled rules stored for this environment instead.
    #[arg(long, requires = "config")]
    env: Option<String>,
    /// Service configuration naming the store, with --env.
    #[arg(long, env = crate::env::CONFIG)]
    config: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn run(args: RulesArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        RulesCommand::Test(args) => test(args),
    }
}

fn test(args: TestArgs) -> anyhow::Result<ExitCode> {
    let now = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
    let events = event_file::load(&args.event, &now)?;
    let mut rules = Vec::new();
    for path in &args.rules {
        rules.push((path.display().to_string(), rule_from_file(path)?));
    }
    if let Some(environment) = &args.env {
        rules.extend(stored_rules(args.config.as_deref(), environment)?);
    }
    anyhow::ensure!(
        !rules.is_empty(),
        "no rules to test: give --rule FILE or --env ENV --config FILE"
    );

    let mut report = Vec::new();
    for event in &events {
        let view = EventView {
            id: &event.id,
            source: &event.source,
            kind: &event.kind,
            received_at: &event.received_at,
            payload: &event.payload,
        };
        for (name, rule) in &rules {
            report.push(describe(name, &event.id, &rule.explain(&view)));
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for entry in &report {
            print!("{}", table_entry(entry));
        }
    }
    Ok(exit::SUCCESS.into())
}

fn rule_from_file(path: &Path) -> anyhow::Result<CompiledRule> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read rule file {}", path.display()))?;
    let spec =
        RuleSpec::from_json(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    CompiledRule::compile(&spec).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn stored_rules(
    config: Option<&Path>,
    environment: &str,
) -> anyhow::Result<Vec<(String, CompiledRule)>> {
    let config = ServiceConfig::load(config)?;
    let url = config.database_url();
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let records = tokio.block_on(async {
        let store = wolfe_store::Store::open(&url).await?;
        store.enabled_rules(environment).await
    })?;
    records
        .into_iter()
        .map(|record| {
            let spec: RuleSpec = serde_json::from_value(record.spec)
                .with_context(|| format!("stored rule {}", record.name))?;
            let compiled = CompiledRule::compile(&spec)
                .map_err(|e| anyhow::anyhow!("stored rule {}: {e}", record.name))?;
            Ok((record.name, compiled))
        })
        .collect()
}

fn describe(rule: &str, event: &str, explanation: &Explanation) -> Value {
    let conditions: Vec<Value> = explanation
        .conditions
        .iter()
        .map(|c| json!({"location": c.location, "depth": c.depth, "condition": c.description, "held": c.held}))
        .collect();
    let (matched, params, error) = match &explanation.result {
        Ok(Some(matched)) => (true, Some(Value::Object(matched.params.clone())), None),
        Ok(None) => (false, None, None),
        Err(error) => (true, None, Some(error.to_string())),
    };
    json!({
        "rule": rule,
        "event": event,
        "triggered": explanation.triggered,
        "matched": matched,
        "params": params,
        "mapping_error": error,
        "conditions": conditions,
    })
}

fn table_entry(entry: &Value) -> String {
    let verdict = match (entry["matched"].as_bool(), entry["mapping_error"].as_str()) {
        (Some(true), Some(_)) => "MATCH, but parameters failed",
        (Some(true), None) => "MATCH",
        _ if entry["triggered"] == false => "no match (source/kind)",
        _ => "no match (criteria)",
    };
    let mut out = format!(
        "{}  [event {}]  {verdict}\n",
        entry["rule"].as_str().unwrap_or_default(),
        entry["event"].as_str().unwrap_or_default()
    );
    for condition in entry["conditions"].as_array().into_iter().flatten() {
        let depth = condition["depth"].as_u64().unwrap_or(0) as usize;
        let mark = if condition["held"] == true {
            "✓"
        } else {
            "✗"
        };
        out.push_str(&format!(
            "  {}{mark} {}\n",
            "  ".repeat(depth),
            condition["condition"].as_str().unwrap_or_default()
        ));
    }
    if let Some(error) = entry["mapping_error"].as_str() {
        out.push_str(&format!("  error: {error}\n"));
    }
    if let Some(params) = entry["params"].as_object() {
        out.push_str(&format!("  params: {}\n", Value::Object(params.clone())));
    }
    out
}
