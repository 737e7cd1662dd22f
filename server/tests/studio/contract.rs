//! Every successful answer the tests get is checked against the OpenAPI
//! document: the route it reached (method and path template of
//! `api::routes()`) must document its status and media type, and a JSON
//! body must validate against the documented schema. So every API test
//! also tests the document.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::{Method, StatusCode};
use jsonschema::Validator;
use serde_json::{Value, json};

/// What the document says a route answers with one status.
struct Answer {
    /// Media type of the body; none: no body.
    content_type: Option<String>,
    /// For a JSON body of a schema.
    schema: Option<Validator>,
}

struct Contract {
    routes: Vec<(Method, &'static str)>,
    answers: HashMap<(Method, &'static str, StatusCode), Answer>,
}

static CONTRACT: LazyLock<Contract> = LazyLock::new(|| {
    let document = wolfe_server::openapi::document();
    let components = &document["components"]["schemas"];
    let routes: Vec<(Method, &'static str)> = wolfe_server::api::routes()
        .into_iter()
        .map(|route| (route.method, route.path))
        .collect();
    let mut answers = HashMap::new();
    for (method, path) in &routes {
        let operation = &document["paths"][*path][method.as_str().to_ascii_lowercase()];
        for (status, response) in operation["responses"].as_object().unwrap() {
            let Ok(status) = status.parse::<StatusCode>() else {
                continue; // `default`: the error format
            };
            let media = response["content"]
                .as_object()
                .and_then(|content| content.iter().next());
            let answer = Answer {
                content_type: media.map(|(media_type, _)| media_type.clone()),
                schema: media
                    .and_then(|(_, media)| media.get("schema"))
                    .map(|schema| validator(schema, components)),
            };
            answers.insert((method.clone(), *path, status), answer);
        }
    }
    Contract { routes, answers }
});

/// A validator of `schema`, whose `$ref`s point into the document's
/// `#/components/schemas`.
fn validator(schema: &Value, components: &Value) -> Validator {
    let root = json!({"allOf": [schema], "components": {"schemas": components}});
    jsonschema::draft202012::new(&root)
        .unwrap_or_else(|error| panic!("the documented schema {schema} does not compile: {error}"))
}

/// Panics unless the document says `method uri` answers `status` with
/// this media type and body (`None`: a stream, not read).
pub fn check_success(
    method: &Method,
    uri: &str,
    status: StatusCode,
    content_type: Option<&str>,
    body: Option<&[u8]>,
) {
    let path = route_path(method, uri);
    let Some(answer) = CONTRACT.answers.get(&(method.clone(), path, status)) else {
        panic!("{method} {uri} answered {status}, which {method} {path} does not document");
    };
    let Some(documented_type) = &answer.content_type else {
        let length = body.map_or(0, <[u8]>::len);
        assert_eq!(
            length, 0,
            "{method} {uri}: {status} is documented without a body"
        );
        return;
    };
    let content_type = content_type.unwrap_or_default();
    assert!(
        content_type.starts_with(documented_type.as_str()),
        "{method} {uri} answered {content_type:?}, documented {documented_type:?}"
    );
    let Some(schema) = &answer.schema else {
        return;
    };
    let body = body.unwrap_or_else(|| panic!("{method} {uri}: a documented JSON body is a stream"));
    let instance: Value = serde_json::from_slice(body)
        .unwrap_or_else(|error| panic!("{method} {uri}: the answer is not JSON: {error}"));
    let errors: Vec<String> = schema
        .iter_errors(&instance)
        .map(|error| format!("  at {:?}: {error}", error.instance_path().as_str()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {uri}: the answer does not match the schema {method} {path} documents for \
         {status}:\n{}\nanswer: {instance:#}",
        errors.join("\n")
    );
}

/// The path template of the route `method uri` reaches. A literal segment
/// wins over a parameter, as in the router (`rules/test` over `rules/{rule}`).
fn route_path(method: &Method, uri: &str) -> &'static str {
    let path = uri.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').collect();
    let is_parameter = |segment: &str| segment.starts_with('{');
    CONTRACT
        .routes
        .iter()
        .filter(|(route_method, _)| route_method == method)
        .filter_map(|(_, template)| {
            let parts: Vec<&str> = template.split('/').collect();
            let matches = parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(part, segment)| is_parameter(part) || part == segment);
            let literals = parts.iter().filter(|part| !is_parameter(part)).count();
            matches.then_some((literals, *template))
        })
        .max_by_key(|(literals, _)| *literals)
        .map(|(_, template)| template)
        .unwrap_or_else(|| panic!("{method} {uri} reaches no route of api::routes()"))
}
