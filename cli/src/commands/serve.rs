use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::exit;
use crate::service::{self, Mode, config::ServiceConfig};

#[derive(Args)]
pub struct ServeArgs {
    /// Service configuration (TOML); defaults: SQLite in ./wolfe-data, 127.0.0.1:8080.
    #[arg(long, env = crate::env::CONFIG)]
    config: Option<PathBuf>,
    /// Do not create the example team and runbooks on first start.
    #[arg(long)]
    no_examples: bool,
}

/// All-in-one: every environment, webhooks, runners, and the examples.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let config = ServiceConfig::load(args.config.as_deref())?;
    let mode = Mode {
        seed_examples: !args.no_examples,
        default_sources: true,
        api_environments: None,
    };
    tokio_runtime()?.block_on(service::run(config, mode))?;
    Ok(exit::SUCCESS.into())
}

pub fn tokio_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}
