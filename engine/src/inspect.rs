//! Checking a component built elsewhere before it is stored: that it is a
//! valid component, exports the runbook entry point, and imports nothing
//! this host does not provide, without compiling it (seconds of CPU for a
//! Python component). Linking it to the host, at load time, is the final
//! word; this catches the mistakes a person uploading one makes: a core
//! module instead of a component, the wrong file, another WIT version.

use wasmparser::{Parser, Payload, Validator, WasmFeatures};

use crate::runtime::{HANDLER_EXPORT, LoadError};

/// The WIT package runbooks are built against, as it appears in names.
const PACKAGE: &str = "wolfe:runbook/";
const PACKAGE_VERSION: &str = "@0.1.0";

/// What a component imports and exports at its top level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentShape {
    pub imports: Vec<String>,
    pub exports: Vec<String>,
}

/// Checks that `bytes` could be a runbook for this host; see the module
/// documentation for what is (and is not) checked.
pub fn check_component(bytes: &[u8]) -> Result<ComponentShape, LoadError> {
    if !Parser::is_component(bytes) {
        let what = if Parser::is_core_wasm(bytes) {
            "a core WebAssembly module, not a component (build it for wasm32-wasip2, or with `wolfe build`)"
        } else {
            "not WebAssembly (no component header)"
        };
        return Err(LoadError::NotAComponent(what.into()));
    }
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(bytes)
        .map_err(|e| LoadError::NotAComponent(e.to_string()))?;
    let shape = top_level_names(bytes)?;
    for import in &shape.imports {
        if import.starts_with("wasi:") {
            continue;
        }
        if let Some(interface) = import.strip_prefix(PACKAGE) {
            if !interface.ends_with(PACKAGE_VERSION) {
                return Err(LoadError::MissingImport(format!(
                    "{import}: built against another version of the WIT package; this host \
                     provides wolfe:runbook{PACKAGE_VERSION}"
                )));
            }
            continue;
        }
        return Err(LoadError::MissingImport(format!(
            "{import} (this host provides wolfe:runbook{PACKAGE_VERSION} and WASI)"
        )));
    }
    // After the imports: a runbook built against another WIT version is
    // told so, rather than only that its entry point has another name.
    if !shape.exports.iter().any(|e| e == HANDLER_EXPORT) {
        return Err(LoadError::MissingHandler(format!(
            "it exports {}",
            listed(&shape.exports)
        )));
    }
    Ok(shape)
}

/// Import and export names of the outermost component (nested modules and
/// components have their own, which the host never sees).
fn top_level_names(bytes: &[u8]) -> Result<ComponentShape, LoadError> {
    let mut shape = ComponentShape {
        imports: Vec::new(),
        exports: Vec::new(),
    };
    let mut depth = 0usize;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|e| LoadError::NotAComponent(e.to_string()))?;
        match payload {
            Payload::Version { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(reader) if depth == 1 => {
                for import in reader {
                    let import = import.map_err(|e| LoadError::NotAComponent(e.to_string()))?;
                    shape.imports.push(import.name.name.to_owned());
                }
            }
            Payload::ComponentExportSection(reader) if depth == 1 => {
                for export in reader {
                    let export = export.map_err(|e| LoadError::NotAComponent(e.to_string()))?;
                    shape.exports.push(export.name.name.to_owned());
                }
            }
            _ => {}
        }
    }
    Ok(shape)
}

fn listed(names: &[String]) -> String {
    if names.is_empty() {
        "nothing".into()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component(wat: &str) -> Vec<u8> {
        wat::parse_str(wat).unwrap()
    }

    #[test]
    fn garbage_and_core_modules_are_not_components() {
        let garbage = check_component(b"PK\x03\x04 a zip file").unwrap_err();
        assert!(garbage.to_string().contains("not WebAssembly"), "{garbage}");
        let module = check_component(&component("(module)")).unwrap_err();
        assert!(
            module.to_string().contains("core WebAssembly module"),
            "{module}"
        );
    }

    #[test]
    fn a_component_without_the_entry_point_is_refused_with_what_it_exports() {
        let error = check_component(&component("(component)")).unwrap_err();
        assert!(matches!(error, LoadError::MissingHandler(_)), "{error}");
        assert!(error.to_string().contains("it exports nothing"), "{error}");
    }

    #[test]
    fn imports_outside_the_package_version_or_wasi_are_refused() {
        let newer = check_component(&component(
            r#"(component (import "wolfe:runbook/log@0.2.0" (instance)))"#,
        ))
        .unwrap_err();
        assert!(newer.to_string().contains("another version"), "{newer}");
        let foreign = check_component(&component(
            r#"(component (import "acme:db/query" (instance)))"#,
        ))
        .unwrap_err();
        assert!(foreign.to_string().contains("acme:db/query"), "{foreign}");
    }

    #[test]
    fn truncated_bytes_name_the_problem() {
        let mut bytes = component(r#"(component (import "wasi:cli/stdout@0.2.0" (instance)))"#);
        bytes.truncate(bytes.len() - 3);
        let error = check_component(&bytes).unwrap_err();
        assert!(matches!(error, LoadError::NotAComponent(_)), "{error}");
    }
}
