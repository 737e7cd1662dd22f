//! How operators compare JSON values. Alertmanager sends every label and
//! annotation as a string ("0.084"), so wherever a number meets a numeric
//! string they compare as numbers.

use std::cmp::Ordering;

use serde_json::Value;

/// A number taken from a JSON number or a numeric string. Integers stay
/// exact; anything else is a finite `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    Int(i128),
    Float(f64),
}

impl Num {
    pub(crate) fn of(value: &Value) -> Option<Num> {
        match value {
            Value::Number(n) => Self::of_number(n),
            Value::String(s) => Self::parse(s),
            _ => None,
        }
    }

    fn of_number(n: &serde_json::Number) -> Option<Num> {
        if let Some(i) = n.as_i64() {
            Some(Num::Int(i.into()))
        } else if let Some(u) = n.as_u64() {
            Some(Num::Int(u.into()))
        } else {
            n.as_f64().filter(|f| f.is_finite()).map(Num::Float)
        }
    }

    /// Surrounding whitespace is ignored; "NaN" and "inf" are not numbers.
    pub(crate) fn parse(text: &str) -> Option<Num> {
        let text = text.trim();
        if let Ok(i) = text.parse::<i128>() {
            return Some(Num::Int(i));
        }
        text.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Num::Float)
    }

    pub(crate) fn as_f64(self) -> f64 {
        match self {
            // Precision loss beyond 2^53 is acceptable for comparisons with floats.
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    pub(crate) fn compare(self, other: Num) -> Option<Ordering> {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => Some(a.cmp(&b)),
            (a, b) => a.as_f64().partial_cmp(&b.as_f64()),
        }
    }
}

/// `eq` semantics: JSON equality, except that a number equals a number or
/// numeric string of the same value (`3`, `3.0` and `"3"`). Two strings
/// compare as text: `"3"` is not `"3.0"`.
pub(crate) fn loosely_equal(node: &Value, expected: &Value) -> bool {
    if node == expected {
        return true;
    }
    match (node, expected) {
        (Value::Number(_), Value::Number(_) | Value::String(_))
        | (Value::String(_), Value::Number(_)) => match (Num::of(node), Num::of(expected)) {
            (Some(a), Some(b)) => a.compare(b) == Some(Ordering::Equal),
            _ => false,
        },
        _ => false,
    }
}

/// `contains`: substring of a string, or an element (by `eq`) of an array.
pub(crate) fn contains(node: &Value, expected: &Value) -> bool {
    match (node, expected) {
        (Value::String(haystack), Value::String(needle)) => haystack.contains(needle.as_str()),
        (Value::Array(items), _) => items.iter().any(|item| loosely_equal(item, expected)),
        _ => false,
    }
}

/// A value for a message, cut short so that a large payload cannot flood it.
pub(crate) fn brief(value: &Value) -> String {
    const MAX: usize = 80;
    let text = value.to_string();
    if text.chars().count() <= MAX {
        return text;
    }
    let cut: String = text.chars().take(MAX).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn numbers_and_numeric_strings_compare_by_value() {
        assert!(loosely_equal(&json!(3), &json!(3.0)));
        assert!(loosely_equal(&json!("3"), &json!(3)));
        assert!(loosely_equal(&json!(3), &json!(" 3 ")));
        assert!(!loosely_equal(&json!("3"), &json!("3.0")));
        assert!(!loosely_equal(&json!("three"), &json!(3)));
        assert!(!loosely_equal(&json!(true), &json!(1)));
    }

    #[test]
    fn large_integers_stay_exact() {
        let a = Num::of(&json!(u64::MAX)).unwrap();
        let b = Num::parse("18446744073709551614").unwrap();
        assert_eq!(a.compare(b), Some(Ordering::Greater));
    }

    #[test]
    fn non_finite_strings_are_not_numbers() {
        for text in ["NaN", "inf", "-infinity", "", "0x10"] {
            assert_eq!(Num::parse(text), None, "{text}");
        }
        assert_eq!(Num::parse("1e3"), Some(Num::Float(1000.0)));
    }

    #[test]
    fn brief_cuts_long_values() {
        let long = json!("x".repeat(200));
        assert!(brief(&long).ends_with('…'));
        assert_eq!(brief(&json!("short")), "\"short\"");
    }
}
