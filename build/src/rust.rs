//! Rust runbooks: `cargo build --target wasm32-wasip2` of a `cdylib` crate.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::BuildError;
use crate::toolchain::Toolchain;

pub fn build(dir: &Path, toolchain: &Toolchain, out: &Path) -> Result<(), BuildError> {
    let mut command = Command::new(&toolchain.cargo);
    command
        .current_dir(dir)
        .args(["build", "--release", "--target", "wasm32-wasip2"])
        .args([
            "--message-format",
            "json-render-diagnostics",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"));
    if let Some(target_dir) = &toolchain.rust_target_dir {
        command.arg("--target-dir").arg(target_dir);
    }
    let output = command.output().map_err(|e| BuildError::ToolMissing {
        tool: "cargo".into(),
        hint: e.to_string(),
    })?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let log = String::from_utf8_lossy(&output.stderr).into_owned();
        let summary = log
            .lines()
            .find(|line| line.starts_with("error"))
            .unwrap_or("cargo build failed")
            .to_owned();
        return Err(BuildError::Compile { summary, log });
    }
    let wasm = built_component(&stdout).ok_or_else(|| BuildError::Compile {
        summary: "cargo built no .wasm: the crate needs `crate-type = [\"cdylib\"]`".into(),
        log: stdout.clone().into_owned(),
    })?;
    std::fs::copy(&wasm, out).map_err(|e| BuildError::io(&wasm, e))?;
    Ok(())
}

/// The `.wasm` of the last artifact cargo reported for the runbook's package.
fn built_component(cargo_messages: &str) -> Option<PathBuf> {
    cargo_messages
        .lines()
        .rev()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .find_map(|message| {
            message["filenames"]
                .as_array()?
                .iter()
                .filter_map(|name| name.as_str().map(PathBuf::from))
                .find(|path| path.extension().is_some_and(|ext| ext == "wasm"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_wasm_among_cargo_messages() {
        let messages = r#"{"reason":"compiler-artifact","filenames":["/t/libdep.rlib"]}
{"reason":"compiler-artifact","filenames":["/t/wasm32-wasip2/release/runbook.wasm"]}
{"reason":"build-finished","success":true}"#;
        assert_eq!(
            built_component(messages),
            Some(PathBuf::from("/t/wasm32-wasip2/release/runbook.wasm"))
        );
        assert_eq!(built_component("{\"reason\":\"build-finished\"}"), None);
    }
}
