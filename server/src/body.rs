//! Request bodies and query strings with errors that say exactly what is
//! wrong and where (`invalid_request`, 400), in the one error format.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// Largest JSON body the management API reads (saved source included).
pub const MAX_BODY_BYTES: usize = 4 << 20;

/// A JSON body of at most `LIMIT` bytes; a body that is not JSON or not of
/// the expected shape is refused with the field path and the serde message.
#[derive(Debug)]
pub struct Body<T, const LIMIT: usize = MAX_BODY_BYTES>(pub T);

impl<S: Send + Sync, T: DeserializeOwned, const LIMIT: usize> FromRequest<S> for Body<T, LIMIT> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::to_bytes(request.into_body(), LIMIT)
            .await
            .map_err(|_| ApiError::invalid(format!("body exceeds {LIMIT} bytes")))?;
        parse(&bytes).map(Body)
    }
}

/// Parses a JSON document, naming the offending field on error.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid(
            "the body is empty; a JSON object is expected",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if path == "." {
            ApiError::invalid(format!("invalid body: {inner}"))
        } else {
            ApiError::invalid(format!("invalid body at `{path}`: {inner}")).with("field", path)
        }
    })
}

/// A query string; an unknown parameter or a bad value is a 400.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        parse_query(query).map(Query)
    }
}

fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    axum::extract::Query::<T>::try_from_uri(
        &format!("/?{query}")
            .parse()
            .map_err(|_| ApiError::invalid("the query string is not valid"))?,
    )
    .map(|q| q.0)
    .map_err(|rejection| ApiError::invalid(format!("invalid query: {}", rejection.body_text())))
}

/// `limit` for a page: default 50, at most 500.
pub fn page_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    match limit {
        None => Ok(50),
        Some(n) if (1..=500).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::invalid(format!(
            "limit must be between 1 and 500, got {n}"
        ))),
    }
}

/// A page cursor as returned in `next_cursor`.
pub fn cursor(text: Option<&str>) -> Result<Option<wolfe_store::Cursor>, ApiError> {
    text.map(|t| {
        wolfe_store::Cursor::decode(t)
            .ok_or_else(|| ApiError::invalid(format!("cursor {t:?} is not one this API returned")))
    })
    .transpose()
}

/// The `next_cursor` of a page that came back full (`limit + 1` rows
/// fetched, the extra one dropped): there may be more.
pub fn next_cursor<T>(
    rows: &mut Vec<T>,
    limit: i64,
    key: impl Fn(&T) -> wolfe_store::Cursor,
) -> Option<String> {
    if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|row| key(row).encode())
    } else {
        None
    }
}

/// Parses one field's JSON value into `T`, naming `field.sub.path` on error.
pub fn parse_field<T: DeserializeOwned>(
    value: &serde_json::Value,
    field: &str,
) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = match error.path().to_string().as_str() {
            "." => field.to_owned(),
            inner => format!("{field}.{inner}"),
        };
        let inner = error.into_inner();
        ApiError::invalid(format!("invalid body at `{path}`: {inner}")).with("field", path)
    })
}
