//! What a route answers when it succeeds, as the OpenAPI document says it.
//! A JSON answer names the type its handler serializes; its schema is
//! generated from that type, so the two cannot say different things.

use axum::http::StatusCode;
use schemars::{JsonSchema, Schema, SchemaGenerator};

#[derive(Clone, Copy)]
pub enum Success {
    /// A JSON body of one type.
    Json {
        status: StatusCode,
        /// The type's schema: a `$ref` into the generator's definitions.
        schema: fn(&mut SchemaGenerator) -> Schema,
    },
    /// 204, no body.
    NoContent,
    /// 200 with a body no schema describes: its media type and what it is.
    Other {
        content_type: &'static str,
        description: &'static str,
    },
}

impl Success {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Json { status, .. } => *status,
            Self::NoContent => StatusCode::NO_CONTENT,
            Self::Other { .. } => StatusCode::OK,
        }
    }
}

fn json<T: JsonSchema>(status: StatusCode) -> Success {
    Success::Json {
        status,
        schema: SchemaGenerator::subschema_for::<T>,
    }
}

/// 200 with a `T`.
pub fn ok<T: JsonSchema>() -> Success {
    json::<T>(StatusCode::OK)
}

/// 201 with the `T` created.
pub fn created<T: JsonSchema>() -> Success {
    json::<T>(StatusCode::CREATED)
}

/// 202 with a `T` saying what was queued.
pub fn accepted<T: JsonSchema>() -> Success {
    json::<T>(StatusCode::ACCEPTED)
}

pub const NO_CONTENT: Success = Success::NoContent;
