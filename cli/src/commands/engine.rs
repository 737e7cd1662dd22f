use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::exit;
use crate::service::{self, Mode, config::ServiceConfig};

#[derive(Args)]
pub struct EngineArgs {
    /// The one environment this instance serves.
    #[arg(long)]
    env: String,
    /// Service configuration (TOML); several instances share its database_url.
    #[arg(long, env = crate::env::CONFIG)]
    config: Option<PathBuf>,
}

/// One engine instance for one environment: its webhook sources, rules and
/// runners. Several instances on one PostgreSQL split the work.
pub fn run(args: EngineArgs) -> anyhow::Result<ExitCode> {
    let mut config = ServiceConfig::load(args.config.as_deref())?;
    anyhow::ensure!(
        config.environments.contains(&args.env),
        "environment {:?} is not one of {:?}",
        args.env,
        config.environments
    );
    let all_environments = std::mem::replace(&mut config.environments, vec![args.env.clone()]);
    config
        .sources
        .retain(|binding| binding.environment == args.env);
    let mode = Mode {
        seed_examples: false,
        default_sources: false,
        api_environments: Some(all_environments),
    };
    super::serve::tokio_runtime()?.block_on(service::run(config, mode))?;
    Ok(exit::SUCCESS.into())
}
