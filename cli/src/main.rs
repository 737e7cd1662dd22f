//! `wolfe`: the one binary.

mod commands;
mod env;
mod event_file;
mod exit;
mod render;
mod service;
mod source_files;
mod studio_client;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "wolfe",
    version,
    about = "Event-driven runbook automation in WebAssembly sandboxes"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build a runbook directory (Python or Rust) into a component and manifest.
    Build(commands::build::BuildArgs),
    /// Execute a runbook once against event files and print what happened.
    Run(commands::run::RunArgs),
    /// Upload a Python runbook to the Studio: build it there and deploy it to dev.
    Deploy(commands::deploy::DeployArgs),
    /// Promote a runbook to the next environment through the Studio.
    Promote(commands::promote::PromoteArgs),
    /// Work with rules (`wolfe rules test --event FILE --rule FILE`).
    Rules(commands::rules::RulesArgs),
    /// All-in-one service: embedded SQLite, every environment, webhooks, examples.
    Serve(commands::serve::ServeArgs),
    /// One engine instance for one environment (several share PostgreSQL).
    Engine(commands::engine::EngineArgs),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(env::log_filter())
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => commands::build::run(args),
        Command::Run(args) => commands::run::run(args),
        Command::Deploy(args) => commands::deploy::run(args),
        Command::Promote(args) => commands::promote::run(args),
        Command::Rules(args) => commands::rules::run(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::Engine(args) => commands::engine::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            exit::ERROR.into()
        }
    }
}
