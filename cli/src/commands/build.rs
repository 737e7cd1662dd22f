use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use crate::exit;

#[derive(Args)]
pub struct BuildArgs {
    /// Runbook directory containing wolfe.toml.
    dir: PathBuf,
    /// Print the artifact manifest as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let output = build_dir(&args.dir)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&output.artifact)?);
    } else {
        let artifact = &output.artifact;
        println!("built {} ({:?})", artifact.name, artifact.language);
        println!("  component  {}", output.component.display());
        println!("  manifest   {}", output.manifest_path.display());
        println!("  sha256     {}", artifact.sha256);
        println!("  size       {}", bytesize::ByteSize(artifact.size_bytes));
    }
    Ok(exit::SUCCESS.into())
}

/// Builds `dir`; on a compile error the tool's own output is printed first,
/// since it holds the file and line. Declared capabilities that are not a
/// valid grant fail the build.
pub fn build_dir(dir: &std::path::Path) -> anyhow::Result<wolfe_build::BuildOutput> {
    let output = wolfe_build::build(dir, &super::toolchain(dir)).map_err(|error| {
        if let wolfe_build::BuildError::Compile { log, .. } = &error {
            eprintln!("{}", log.trim_end());
        }
        anyhow::Error::new(error).context(format!("building {}", dir.display()))
    })?;
    declared_capabilities(&output.artifact)
        .with_context(|| format!("{}: [capabilities] in wolfe.toml", dir.display()))?;
    Ok(output)
}

/// The capabilities a built runbook declares, as a grant.
pub fn declared_capabilities(
    artifact: &wolfe_build::ArtifactManifest,
) -> anyhow::Result<wolfe_host_apis::Grant> {
    Ok(serde_json::from_value(artifact.capabilities.clone())?)
}
