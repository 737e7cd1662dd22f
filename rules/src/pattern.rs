//! Parsing the patterns a rule is made of (globs, regexes, JSON paths),
//! once, when the rule is saved.

use globset::{GlobBuilder, GlobMatcher};
use regex::Regex;
use serde_json_path::JsonPath;

use crate::RuleError;

/// A glob over a whole string: `*` also crosses `/` and `.`, since kinds
/// and label values are not file paths. Case-sensitive; `{a,b}` and
/// `[abc]` work; `\` escapes.
pub(crate) fn glob(location: &str, pattern: &str) -> Result<GlobMatcher, RuleError> {
    GlobBuilder::new(pattern)
        .literal_separator(false)
        .backslash_escape(true)
        .build()
        .map(|glob| glob.compile_matcher())
        .map_err(|err| {
            RuleError::new(
                location,
                format!("invalid glob {pattern:?}: {}", err.kind()),
            )
        })
}

/// Unanchored, like `regex` everywhere: use `^...$` to match whole strings.
pub(crate) fn regex(location: &str, pattern: &str) -> Result<Regex, RuleError> {
    Regex::new(pattern)
        .map_err(|err| RuleError::new(location, format!("invalid regex {pattern:?}: {err}")))
}

/// RFC 9535 JSON path, `$` being the payload.
pub(crate) fn json_path(location: &str, path: &str) -> Result<JsonPath, RuleError> {
    JsonPath::parse(path).map_err(|err| {
        let hint = if path.starts_with('$') {
            ""
        } else {
            " (paths start at the payload root `$`, e.g. `$.labels.severity`)"
        };
        RuleError::new(location, format!("invalid JSON path {path:?}: {err}{hint}"))
    })
}
