//! The Studio's browser UI, embedded into the binary at build time (see
//! `build.rs`): `GET /` is the single page, `GET /assets/...` its hashed
//! scripts and styles. Routing happens in the page's URL fragment, so no
//! other path is needed. A binary built before the UI was built answers
//! `/` with how to build it; the API works either way.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/studio_assets.rs"));
}

/// Scripts only from this origin; CodeMirror sets inline styles.
const CSP: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Wolfe Studio</title></head><body style=\"font-family:system-ui;max-width:40rem;margin:4rem auto\">\
<h1>Wolfe Studio is not built into this binary</h1>\
<p>The API is up under <code>/api/v1</code> (described at <a href=\"/api/openapi.json\">/api/openapi.json</a>).\
 To get the browser UI, build it and then the binary:</p>\
<pre>npm --prefix studio ci &amp;&amp; npm --prefix studio run build\ncargo build -p wolfe-cli</pre>\
</body></html>";

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(index))
        .route("/assets/{*path}", get(asset))
}

type Assets = &'static [(&'static str, &'static [u8])];

fn find(assets: Assets, name: &str) -> Option<&'static [u8]> {
    assets.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

async fn index() -> Response {
    index_in(embedded::ASSETS)
}

async fn asset(Path(path): Path<String>) -> Response {
    asset_in(embedded::ASSETS, &path)
}

fn index_in(assets: Assets) -> Response {
    match find(assets, "index.html") {
        Some(page) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                // The page names the current asset hashes: always revalidate.
                (header::CACHE_CONTROL, "no-cache"),
                (header::CONTENT_SECURITY_POLICY, CSP),
            ],
            page,
        )
            .into_response(),
        None => Html(NOT_BUILT).into_response(),
    }
}

fn asset_in(assets: Assets, path: &str) -> Response {
    match find(assets, &format!("assets/{path}")) {
        Some(bytes) => (
            [
                (header::CONTENT_TYPE, content_type(path)),
                // Vite puts a content hash in every asset name.
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{Body, to_bytes};
    use axum::http::Request;
    use tower::ServiceExt;

    const BUILT: Assets = &[
        ("index.html", b"<div id=app></div>"),
        ("assets/index-abc.js", b"console.log(1)"),
    ];

    async fn text(response: Response) -> String {
        String::from_utf8(
            to_bytes(response.into_body(), 1 << 20)
                .await
                .unwrap()
                .to_vec(),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn a_binary_without_the_ui_says_how_to_build_it() {
        let response = index_in(&[]);
        assert_eq!(response.status(), StatusCode::OK);
        let page = text(response).await;
        assert!(page.contains("npm --prefix studio ci &amp;&amp; npm --prefix studio run build"));
        assert!(page.contains("/api/openapi.json"));
    }

    #[tokio::test]
    async fn the_page_is_served_with_a_policy_and_assets_are_cached_forever() {
        let page = index_in(BUILT);
        assert_eq!(page.headers()[header::CACHE_CONTROL], "no-cache");
        assert!(
            page.headers()[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .contains("default-src 'self'")
        );
        assert_eq!(text(page).await, "<div id=app></div>");

        let script = asset_in(BUILT, "index-abc.js");
        assert_eq!(script.status(), StatusCode::OK);
        assert_eq!(
            script.headers()[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        assert!(
            script.headers()[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
    }

    #[tokio::test]
    async fn unknown_assets_and_paths_outside_assets_are_not_found() {
        assert_eq!(
            asset_in(BUILT, "missing.js").status(),
            StatusCode::NOT_FOUND
        );
        // `index.html` lives at the root, not under /assets.
        assert_eq!(
            asset_in(BUILT, "../index.html").status(),
            StatusCode::NOT_FOUND
        );
        let router = router::<()>();
        let response = router
            .oneshot(
                Request::get("/assets/nothing-here.js")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn the_router_serves_the_embedded_page_or_the_instructions() {
        let response = router::<()>()
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let page = text(response).await;
        if find(embedded::ASSETS, "index.html").is_some() {
            assert!(page.contains("<div id=\"app\">"), "{page}");
        } else {
            assert!(page.contains("npm --prefix studio ci"), "{page}");
        }
    }
}
