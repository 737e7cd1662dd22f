//! Following a redirect by hand, so every hop is checked like the first.

use reqwest::header::{self, HeaderMap, HeaderName};
use reqwest::{Method, StatusCode, Url};

use super::pattern::Target;
use crate::ApiError;

/// The next request of a redirect chain.
#[derive(Debug)]
pub(super) struct NextHop {
    pub url: Url,
    pub target: Target,
    pub method: Method,
    pub keep_body: bool,
}

/// The hop a redirect response asks for; `None` when `status` is not a
/// redirect or has no `Location` (the response is then the answer).
pub(super) fn next_hop(
    status: StatusCode,
    headers: &HeaderMap,
    current: &Url,
    current_target: &Target,
    method: &Method,
) -> Option<Result<NextHop, ApiError>> {
    let (method, keep_body) = match status {
        StatusCode::SEE_OTHER if *method == Method::HEAD => (Method::HEAD, false),
        StatusCode::SEE_OTHER => (Method::GET, false),
        StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND if *method == Method::POST => {
            (Method::GET, false)
        }
        StatusCode::MOVED_PERMANENTLY
        | StatusCode::FOUND
        | StatusCode::TEMPORARY_REDIRECT
        | StatusCode::PERMANENT_REDIRECT => (method.clone(), true),
        _ => return None,
    };
    let location = headers.get(header::LOCATION)?;
    Some(
        resolve_location(location.as_bytes(), current, current_target).map(|(url, target)| {
            NextHop {
                url,
                target,
                method,
                keep_body,
            }
        }),
    )
}

fn resolve_location(
    location: &[u8],
    current: &Url,
    current_target: &Target,
) -> Result<(Url, Target), ApiError> {
    let unusable = |why: &str| {
        ApiError::Unavailable(format!(
            "redirect from {current_target} has an unusable Location: {why}"
        ))
    };
    let location = std::str::from_utf8(location).map_err(|_| unusable("not UTF-8"))?;
    let url = current
        .join(location)
        .map_err(|e| unusable(&e.to_string()))?;
    let target = Target::of(&url).ok_or_else(|| {
        ApiError::Denied(format!(
            "redirect from {current_target} to a {:?} URL: only http and https are allowed",
            url.scheme()
        ))
    })?;
    Ok((url, target))
}

/// Headers for the next hop: the body's description goes with the body,
/// and credentials do not follow a redirect to another origin.
pub(super) fn headers_for_next_hop(
    headers: &mut HeaderMap,
    keep_body: bool,
    from: &Target,
    to: &Target,
) {
    if !keep_body {
        for name in [
            header::CONTENT_TYPE,
            header::CONTENT_ENCODING,
            header::CONTENT_LANGUAGE,
        ] {
            headers.remove(name);
        }
    }
    if from != to {
        for name in [
            header::AUTHORIZATION,
            header::PROXY_AUTHORIZATION,
            header::COOKIE,
            HeaderName::from_static("cookie2"),
        ] {
            headers.remove(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(status: u16, method: Method, location: &str) -> Option<Result<NextHop, ApiError>> {
        let current = Url::parse("http://a.example:8080/dir/page?q=1").unwrap();
        let target = Target::of(&current).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(header::LOCATION, location.parse().unwrap());
        next_hop(
            StatusCode::from_u16(status).unwrap(),
            &headers,
            &current,
            &target,
            &method,
        )
    }

    fn ok(status: u16, method: Method, location: &str) -> NextHop {
        hop(status, method, location).unwrap().unwrap()
    }

    #[test]
    fn methods_and_bodies_per_status() {
        let cases = [
            (303, Method::POST, Method::GET, false),
            (303, Method::PUT, Method::GET, false),
            (303, Method::HEAD, Method::HEAD, false),
            (301, Method::POST, Method::GET, false),
            (302, Method::POST, Method::GET, false),
            (302, Method::PUT, Method::PUT, true),
            (302, Method::GET, Method::GET, true),
            (307, Method::POST, Method::POST, true),
            (308, Method::DELETE, Method::DELETE, true),
        ];
        for (status, method, next_method, keep_body) in cases {
            let next = ok(status, method.clone(), "/x");
            assert_eq!(
                (next.method, next.keep_body),
                (next_method, keep_body),
                "{status} after {method}"
            );
        }
    }

    #[test]
    fn locations_resolve_relative_to_the_current_url() {
        assert_eq!(
            ok(302, Method::GET, "next").url.as_str(),
            "http://a.example:8080/dir/next"
        );
        assert_eq!(
            ok(302, Method::GET, "/root").url.as_str(),
            "http://a.example:8080/root"
        );
        assert_eq!(
            ok(302, Method::GET, "//b.example/x").url.as_str(),
            "http://b.example/x"
        );
        let next = ok(302, Method::GET, "https://c.example:9443/y");
        assert_eq!(next.target.to_string(), "https://c.example:9443");
    }

    #[test]
    fn other_statuses_and_missing_locations_are_answers() {
        assert!(hop(200, Method::GET, "/x").is_none());
        assert!(hop(304, Method::GET, "/x").is_none());
        assert!(hop(300, Method::GET, "/x").is_none());
        let current = Url::parse("http://a.example/").unwrap();
        let target = Target::of(&current).unwrap();
        let none = next_hop(
            StatusCode::FOUND,
            &HeaderMap::new(),
            &current,
            &target,
            &Method::GET,
        );
        assert!(none.is_none());
    }

    #[test]
    fn a_redirect_out_of_http_is_denied() {
        match hop(302, Method::GET, "file:///etc/passwd") {
            Some(Err(ApiError::Denied(message))) => {
                assert!(message.contains("redirect"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn credentials_stay_with_their_origin() {
        let a = Target::of(&Url::parse("http://a.example/").unwrap()).unwrap();
        let b = Target::of(&Url::parse("http://a.example:81/").unwrap()).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, "Bearer t".parse().unwrap());
        headers.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        headers.insert("x-kept", "1".parse().unwrap());
        let mut same = headers.clone();
        headers_for_next_hop(&mut same, true, &a, &a);
        assert_eq!(same, headers);
        headers_for_next_hop(&mut headers, false, &a, &b);
        assert!(headers.get(header::AUTHORIZATION).is_none());
        assert!(headers.get(header::CONTENT_TYPE).is_none());
        assert!(headers.get("x-kept").is_some());
    }
}
