//! Converting mapped values to a parameter's declared type.

use serde_json::{Number, Value};

use crate::compare::Num;
use crate::spec::ValueType;

/// `value` as `ty`, or `None` when it cannot be one. Strings convert to
/// numbers and booleans when they spell one ("3", " 0.5", "true");
/// integral numbers count as integers (3.0 → 3); `json` keeps any value.
pub(crate) fn convert(value: &Value, ty: ValueType) -> Option<Value> {
    match ty {
        ValueType::Json => Some(value.clone()),
        ValueType::String => match value {
            Value::String(_) => Some(value.clone()),
            Value::Number(n) => Some(Value::String(n.to_string())),
            Value::Bool(b) => Some(Value::String(b.to_string())),
            _ => None,
        },
        ValueType::Integer => Num::of(value).and_then(integer),
        ValueType::Number => Num::of(value).and_then(|n| match n {
            Num::Int(_) => integer(n),
            Num::Float(f) => Number::from_f64(f).map(Value::Number),
        }),
        ValueType::Boolean => match value {
            Value::Bool(_) => Some(value.clone()),
            Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(Value::Bool(true)),
            Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(Value::Bool(false)),
            _ => None,
        },
    }
}

/// A rendered template as `ty`: `json` parses the text, the others convert
/// it like a string value. The error says why it failed.
pub(crate) fn convert_rendered(text: &str, ty: ValueType) -> Result<Value, String> {
    match ty {
        ValueType::Json => serde_json::from_str(text).map_err(|err| format!("not JSON: {err}")),
        _ => {
            convert(&Value::String(text.to_owned()), ty).ok_or_else(|| format!("not {}", ty.noun()))
        }
    }
}

fn integer(n: Num) -> Option<Value> {
    match n {
        Num::Int(i) => i64::try_from(i)
            .map(Value::from)
            .or_else(|_| u64::try_from(i).map(Value::from))
            .ok(),
        // The bounds are exact powers of two, so the casts are exact.
        Num::Float(f) if f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 => {
            Some(Value::from(f as i64))
        }
        Num::Float(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn integers_from_strings_and_integral_numbers() {
        assert_eq!(convert(&json!("3"), ValueType::Integer), Some(json!(3)));
        assert_eq!(convert(&json!(" -7 "), ValueType::Integer), Some(json!(-7)));
        assert_eq!(convert(&json!(3.0), ValueType::Integer), Some(json!(3)));
        assert_eq!(
            convert(&json!(u64::MAX), ValueType::Integer),
            Some(json!(u64::MAX))
        );
        assert_eq!(convert(&json!("3.5"), ValueType::Integer), None);
        assert_eq!(convert(&json!("three"), ValueType::Integer), None);
        assert_eq!(convert(&json!(true), ValueType::Integer), None);
        assert_eq!(convert(&json!(1e300), ValueType::Integer), None);
    }

    #[test]
    fn numbers_keep_integers_integral() {
        assert_eq!(
            convert(&json!("0.084"), ValueType::Number),
            Some(json!(0.084))
        );
        assert_eq!(convert(&json!("12"), ValueType::Number), Some(json!(12)));
        assert_eq!(convert(&json!(null), ValueType::Number), None);
    }

    #[test]
    fn strings_and_booleans() {
        assert_eq!(convert(&json!(42), ValueType::String), Some(json!("42")));
        assert_eq!(
            convert(&json!(false), ValueType::String),
            Some(json!("false"))
        );
        assert_eq!(convert(&json!({"a": 1}), ValueType::String), None);
        assert_eq!(
            convert(&json!("TRUE"), ValueType::Boolean),
            Some(json!(true))
        );
        assert_eq!(convert(&json!("no"), ValueType::Boolean), None);
        assert_eq!(convert(&json!(1), ValueType::Boolean), None);
    }

    #[test]
    fn rendered_json_is_parsed() {
        assert_eq!(
            convert_rendered("[1, 2]", ValueType::Json),
            Ok(json!([1, 2]))
        );
        assert!(
            convert_rendered("{x", ValueType::Json)
                .unwrap_err()
                .starts_with("not JSON: ")
        );
        assert_eq!(
            convert_rendered("x", ValueType::Integer),
            Err("not an integer".into())
        );
    }
}
