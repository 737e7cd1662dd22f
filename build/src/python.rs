//! Python runbooks: componentize-py with the SDK and requirements bundled.

use std::path::Path;
use std::process::Command;

use walkdir::WalkDir;

use crate::embedded;
use crate::error::BuildError;
use crate::manifest::RunbookManifest;
use crate::toolchain::Toolchain;

/// Directories of a runbook that are not part of the component.
const NOT_SOURCES: &[&str] = &["target", "tests", "events", "rules", "__pycache__"];

pub fn build(
    dir: &Path,
    manifest: &RunbookManifest,
    toolchain: &Toolchain,
    out: &Path,
) -> Result<(), BuildError> {
    let entry = dir.join(&manifest.python_entry);
    if !entry.is_file() {
        return Err(BuildError::MissingEntry(format!(
            "{}: entry module not found (python.entry in wolfe.toml names the file with the @wolfe.runbook function)",
            entry.display()
        )));
    }
    let componentize_py = toolchain.componentize_py()?;
    let stage = tempfile::tempdir().map_err(|e| BuildError::io(Path::new("tempdir"), e))?;
    let (app, sdk, deps, wit) = (
        stage.path().join("app"),
        stage.path().join("sdk"),
        stage.path().join("deps"),
        stage.path().join("wit"),
    );
    copy_sources(dir, &app)?;
    write_app_module(&app, &manifest.python_entry)?;
    embedded::extract_python_sdk(&sdk)?;
    embedded::extract_wit(&wit)?;
    std::fs::create_dir_all(&deps).map_err(|e| BuildError::io(&deps, e))?;
    if !manifest.python_requirements.is_empty() {
        install_requirements(dir, toolchain, &manifest.python_requirements, &deps)?;
    }

    let mut command = Command::new(componentize_py);
    command
        .arg("-d")
        .arg(&wit)
        .args(["-w", "runbook", "componentize", "wolfe_app"])
        .arg("-p")
        .arg(&app)
        .arg("-p")
        .arg(&sdk)
        .arg("-p")
        .arg(&deps)
        .arg("-o")
        .arg(out)
        // componentize-py prints a Rust backtrace of itself when asked to;
        // the runbook's own traceback is what an author needs.
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LIB_BACKTRACE", "0");
    run(command, "componentize-py").map_err(|error| match error {
        BuildError::Compile { summary, log } => BuildError::Compile {
            summary,
            log: runbook_traceback(&log, dir),
        },
        other => other,
    })
}

/// Cuts componentize-py's output down to the runbook's traceback, with the
/// staged source path (`/0/` is the first `-p` directory) mapped back to
/// the runbook directory so file and line point at the author's file.
fn runbook_traceback(log: &str, dir: &Path) -> String {
    let inner = log
        .find("AssertionError: Traceback")
        .map(|start| &log[start + "AssertionError: ".len()..])
        .unwrap_or(log);
    let inner = inner.split("\n\nCaused by:").next().unwrap_or(inner);
    inner.replace("File \"/0/", &format!("File \"{}/", dir.display()))
}

/// Where a Python build error points: the last traceback frame in one of
/// the runbook's own files, relative to `dir` (the generated `wolfe_app.py`
/// is not the author's). `SyntaxError`s name their file and line the same
/// way.
pub fn error_location(log: &str, dir: &Path) -> Option<(String, u32)> {
    let prefix = format!("{}/", dir.display());
    log.lines()
        .filter_map(|line| {
            let rest = line.trim_start().strip_prefix("File \"")?;
            let (path, rest) = rest.split_once('"')?;
            let relative = path.strip_prefix(&prefix)?;
            let number = rest.strip_prefix(", line ")?;
            let digits: String = number.chars().take_while(char::is_ascii_digit).collect();
            Some((relative.to_owned(), digits.parse().ok()?))
        })
        .rfind(|(file, _)| file != "wolfe_app.py")
}

/// The module componentize-py exports: import the runbook (its decorator
/// registers the handler), then expose the SDK's `Handler` class.
fn write_app_module(app: &Path, entry: &str) -> Result<(), BuildError> {
    let module = entry.trim_end_matches(".py").replace('/', ".");
    let source = format!(
        "import {module}  # noqa: F401  registers the @wolfe.runbook handler\n\
         from wolfe._component import Handler, ensure_registered  # noqa: F401  Handler is exported\n\
         \n\
         ensure_registered()\n"
    );
    let path = app.join("wolfe_app.py");
    std::fs::write(&path, source).map_err(|e| BuildError::io(&path, e))
}

fn copy_sources(dir: &Path, app: &Path) -> Result<(), BuildError> {
    let walker = WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(name.starts_with('.') || e.depth() == 1 && NOT_SOURCES.contains(&name.as_ref()))
                && name != "__pycache__"
        });
    for entry in walker {
        let entry = entry.map_err(|e| BuildError::io(dir, e.into()))?;
        let relative = entry.path().strip_prefix(dir).expect("walked under dir");
        let target = app.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).map_err(|e| BuildError::io(&target, e))?;
        } else if entry.path().extension().is_some_and(|ext| ext != "wasm") {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| BuildError::io(parent, e))?;
            }
            std::fs::copy(entry.path(), &target).map_err(|e| BuildError::io(entry.path(), e))?;
        }
    }
    Ok(())
}

/// Installs pure-Python wheels only: native extensions cannot run in the
/// sandbox, and asking pip for `py3-none-any` makes that a clear pip error.
fn install_requirements(
    dir: &Path,
    toolchain: &Toolchain,
    requirements: &[String],
    deps: &Path,
) -> Result<(), BuildError> {
    let mut command = Command::new(toolchain.python()?);
    command
        // Relative requirements (e.g. a vendored wheel) are the runbook's.
        .current_dir(dir)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args([
            "--only-binary=:all:",
            "--platform",
            "any",
            "--implementation",
            "py",
        ])
        .args(["--python-version", "3.14", "--no-compile", "--target"])
        .arg(deps)
        .args(requirements);
    run(command, "pip install")
}

fn run(mut command: Command, what: &str) -> Result<(), BuildError> {
    let output = command.output().map_err(|e| BuildError::ToolMissing {
        tool: what.into(),
        hint: e.to_string(),
    })?;
    if output.status.success() {
        return Ok(());
    }
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Err(BuildError::Compile {
        summary: format!("{what} failed: {}", summarize(&log)),
        log,
    })
}

/// The line that names the problem: the final exception of a traceback, or
/// the last line a tool printed.
pub(crate) fn summarize(log: &str) -> String {
    let lines: Vec<&str> = log
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let exception = lines.iter().rev().find(|line| {
        line.split_once(':').is_some_and(|(name, _)| {
            let identifier = name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
            let exception = name.ends_with("Error") || name.ends_with("Exception");
            // A bare "Error:" is a tool's own message, not a Python exception.
            identifier && exception && name != "Error"
        })
    });
    exception
        .or(lines.last())
        .map_or_else(|| "no output".into(), |line| (*line).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_is_the_final_exception_line() {
        let log = "Traceback (most recent call last):\n  File \"main.py\", line 3\n\
                   SyntaxError: invalid syntax (main.py, line 3)\nError: exit 1\n";
        assert_eq!(
            summarize(log),
            "SyntaxError: invalid syntax (main.py, line 3)"
        );
        assert_eq!(summarize("warning\nsomething broke\n"), "something broke");
    }

    #[test]
    fn traceback_is_cut_out_and_points_at_the_runbook() {
        let log = "Traceback (most recent call last):\n  File \"/venv/bin/componentize-py\"\n\
                   AssertionError: Traceback (most recent call last):\n  File \"/0/main.py\", line 4\n\
                   SyntaxError: expected ':'\n\nCaused by:\n    SyntaxError\n\nStack backtrace:\n  0: x\n";
        let cleaned = runbook_traceback(log, Path::new("/home/me/rb"));
        assert_eq!(
            cleaned,
            "Traceback (most recent call last):\n  File \"/home/me/rb/main.py\", line 4\nSyntaxError: expected ':'"
        );
    }

    #[test]
    fn error_location_is_the_last_frame_in_the_runbook() {
        let log = "Traceback (most recent call last):\n  File \"/rb/wolfe_app.py\", line 1, in <module>\n\
                   File \"/rb/lib/util.py\", line 3, in <module>\n  File \"/rb/main.py\", line 12\n\
                   \x20   def handle(ctx, events)\nSyntaxError: expected ':'";
        assert_eq!(
            error_location(log, Path::new("/rb")),
            Some(("main.py".into(), 12))
        );
        let outside = "  File \"/usr/lib/python3/x.py\", line 9, in f\nValueError: no";
        assert_eq!(error_location(outside, Path::new("/rb")), None);
    }

    #[test]
    fn sources_exclude_tests_events_and_build_output() {
        let dir = tempfile::tempdir().unwrap();
        for path in [
            "main.py",
            "lib/util.py",
            "tests/test_main.py",
            "events/e.json",
            "target/x.py",
        ] {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let app = tempfile::tempdir().unwrap();
        copy_sources(dir.path(), app.path()).unwrap();
        assert!(app.path().join("main.py").is_file());
        assert!(app.path().join("lib/util.py").is_file());
        assert!(!app.path().join("tests").exists());
        assert!(!app.path().join("events").exists());
        assert!(!app.path().join("target").exists());
    }
}
