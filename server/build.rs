//! Embeds the Studio's built UI (`studio/dist`) when it exists.
//!
//! Generates `$OUT_DIR/studio_assets.rs`: one `include_bytes!` per file of
//! `studio/dist` (dot-files skipped), or an empty list when the UI was not
//! built, in which case `/` explains how to build it. Cargo re-runs this
//! when `studio/dist` changes or, while it is missing, when `studio/`
//! changes (e.g. `dist` appears); a missing path would re-run it on every
//! build.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let studio = manifest.join("../studio");
    let dist = studio.join("dist");
    let mut files = Vec::new();
    if dist.join("index.html").is_file() {
        println!("cargo:rerun-if-changed={}", dist.display());
        collect(&dist, &dist, &mut files);
        files.sort();
    } else if studio.is_dir() {
        println!("cargo:rerun-if-changed={}", studio.display());
    }
    let mut code = String::from("pub static ASSETS: &[(&str, &[u8])] = &[\n");
    for (name, path) in &files {
        writeln!(
            code,
            "    ({name:?}, include_bytes!({:?})),",
            path.display()
        )
        .unwrap();
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap()).join("studio_assets.rs");
    std::fs::write(out, code).unwrap();
}

/// Files under `dir` as (path relative to `root` with `/`, absolute path).
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).unwrap();
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((name, path.canonicalize().unwrap()));
        }
    }
}
