//! `ApiRequest`: an owned, decoded view of one HTTP request, built once per request.

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;

use crate::api::error::ApiError;
use crate::http::{Headers, Packed};

/// The request methods the router distinguishes; anything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
    /// HEAD
    Head,
    /// OPTIONS
    Options,
    /// Any other method.
    Other,
}

/// A method a path serves, and how its route is built from the path's captures.
pub type Served<P, R> = (Method, fn(P) -> R);

impl Method {
    /// Every method, [`Method::Other`] last.
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
        Method::Head,
        Method::Options,
        Method::Other,
    ];

    /// The route a path serves for this method, built from the path's captures; a method the
    /// path does not serve answers `INVALID_REQUEST_METHOD`. Routers match the path first, then
    /// call this once per path with the methods it serves.
    pub fn pick<P, R>(self, path: P, served: &[Served<P, R>]) -> Result<R, ApiError> {
        served
            .iter()
            .find(|(method, _)| *method == self)
            .map(|(_, route)| route(path))
            .ok_or(ApiError::InvalidRequestMethod)
    }
}

/// One request, decoded: what every layer below the HTTP edge reads.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub method: Method,
    /// The raw path, as sent (for logs and the journal).
    pub path: String,
    /// The path split on `/`, each segment percent-decoded; empty segments dropped.
    pub segments: Packed,
    /// The query pairs in order, decoded as a form (`+` is a space).
    pub query: Vec<(String, String)>,
    /// `Authorization` header, if sent. Several are joined with `, ` (as a proxy would combine
    /// them), which no token matches: a client that sends two gets `INVALID_TOKEN`.
    pub authorization: Option<String>,
    /// `Host` header (or the URI authority for HTTP/2), used to build `api_domain`.
    pub host: Option<String>,
    /// `Content-Type` header, if sent.
    pub content_type: Option<String>,
    /// Every header as sent (names lower-case, as hyper gives them), for the journal.
    pub headers: Headers,
    /// The body, collected once.
    pub body: Bytes,
    /// The client's address (the control plane is loopback-only by default).
    pub peer: SocketAddr,
    /// It came in on the `--admin-bind` listener, which serves the control plane to anyone.
    pub admin_listener: bool,
}

impl ApiRequest {
    /// Builds a request from its parts (used by [`read_request`] and by unit tests).
    pub fn new(method: Method, path_and_query: &str, body: Bytes, peer: SocketAddr) -> ApiRequest {
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path, query),
            None => (path_and_query, ""),
        };
        let mut segments = Packed::with_capacity(path.len() / 4 + 1, path.len());
        // Split and scanned byte by byte: paths are short, and a search per segment costs more.
        let escaped = path.bytes().any(|byte| byte == b'%');
        // (`['/']` walks the characters; `'/'` would search each segment with `memchr`.)
        for segment in path.split(['/']).filter(|segment| !segment.is_empty()) {
            if escaped && segment.bytes().any(|byte| byte == b'%') {
                segments.push(&percent_encoding::percent_decode_str(segment).decode_utf8_lossy());
            } else {
                segments.push(segment);
            }
        }
        let query = form_urlencoded::parse(query.as_bytes())
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect();
        ApiRequest {
            method,
            path: path.to_owned(),
            segments,
            query,
            authorization: None,
            host: None,
            content_type: None,
            headers: Headers::default(),
            body,
            peer,
            admin_listener: false,
        }
    }

    /// The first value of a query parameter (names are case-sensitive, as at Zoho).
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The path segments as `&str`, for matching.
    pub fn segment_strs(&self) -> Vec<&str> {
        self.segments.iter().collect()
    }

    /// Calls `f` with the path segments as `&str`, on the stack for a path of the usual length
    /// (the routers match on a slice).
    pub fn with_segments<T>(&self, f: impl FnOnce(&[&str]) -> T) -> T {
        let mut slots = [""; 16];
        if self.segments.len() > slots.len() {
            return f(&self.segment_strs());
        }
        for (slot, segment) in slots.iter_mut().zip(self.segments.iter()) {
            *slot = segment;
        }
        f(&slots[..self.segments.len()])
    }
}

/// Reads a hyper request (its parts, borrowed: the caller keeps them for its logs, and its
/// body) into an [`ApiRequest`], collecting at most `body_limit` bytes of body within
/// `body_timeout`.
///
/// A larger body answers the 413 `REQUEST_ENTITY_TOO_LARGE` error, broken chunked framing
/// `JSON_PARSE_ERROR`; a body that fails to arrive
/// (the client went away, or is slower than `body_timeout`) answers `None`, and nothing is
/// applied.
pub async fn read_request(
    parts: &hyper::http::request::Parts,
    body: Incoming,
    peer: SocketAddr,
    body_limit: usize,
    body_timeout: std::time::Duration,
) -> Result<Option<ApiRequest>, ApiError> {
    let method = match parts.method {
        hyper::Method::GET => Method::Get,
        hyper::Method::POST => Method::Post,
        hyper::Method::PUT => Method::Put,
        hyper::Method::PATCH => Method::Patch,
        hyper::Method::DELETE => Method::Delete,
        hyper::Method::HEAD => Method::Head,
        hyper::Method::OPTIONS => Method::Options,
        _ => Method::Other,
    };
    // A request that says it has no body (a GET without `Content-Length`) is not waited for.
    let body = if hyper::body::Body::is_end_stream(&body) {
        Bytes::new()
    } else {
        match tokio::time::timeout(body_timeout, collect_body(body, body_limit)).await {
            Ok(BodyOutcome::Complete(body)) => body,
            Ok(BodyOutcome::TooLarge) => {
                return Err(ApiError::RequestEntityTooLarge { limit: body_limit });
            }
            // Broken framing (a bad chunk size): the body cannot be read.
            Ok(BodyOutcome::Malformed) => return Err(ApiError::JsonParseError),
            Ok(BodyOutcome::Aborted) | Err(_) => return Ok(None),
        }
    };
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    let mut api_request = ApiRequest::new(method, path_and_query, body, peer);
    let bytes = parts
        .headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    let mut headers = Headers::with_capacity(parts.headers.len(), bytes);
    for (name, value) in &parts.headers {
        // hyper gives every name lower-case already; a value that is not UTF-8 gets U+FFFD.
        match std::str::from_utf8(value.as_bytes()) {
            Ok(value) => headers.push_lowercase(name.as_str(), value),
            Err(_) => {
                headers.push_lowercase(name.as_str(), &String::from_utf8_lossy(value.as_bytes()));
            }
        }
    }
    // The headers the API reads, copied from the text just made (a name's values come in the
    // order sent).
    let mut authorizations = headers
        .iter()
        .filter(|(name, _)| *name == "authorization")
        .map(|(_, value)| value);
    api_request.authorization = authorizations.next().map(|first| {
        let mut joined = first.to_owned();
        for more in authorizations {
            joined.push_str(", ");
            joined.push_str(more);
        }
        joined
    });
    api_request.content_type = headers.get("content-type").map(str::to_owned);
    api_request.host = headers
        .get("host")
        .map(str::to_owned)
        .or_else(|| parts.uri.authority().map(|a| a.to_string()));
    api_request.headers = headers;
    Ok(Some(api_request))
}

/// How much of an oversized body is read (and dropped) so the client can read the 413 answer
/// instead of seeing its upload cut off; past this the connection is closed.
const DRAIN_FACTOR: usize = 16;

enum BodyOutcome {
    Complete(Bytes),
    TooLarge,
    Malformed,
    Aborted,
}

async fn collect_body(mut body: Incoming, limit: usize) -> BodyOutcome {
    let mut collected = bytes::BytesMut::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = match frame {
            Ok(frame) => frame,
            Err(error) => {
                let framing = std::error::Error::source(&error)
                    .and_then(|cause| cause.downcast_ref::<std::io::Error>())
                    .is_some_and(|cause| {
                        matches!(
                            cause.kind(),
                            std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput
                        )
                    });
                return if framing {
                    BodyOutcome::Malformed
                } else {
                    BodyOutcome::Aborted
                };
            }
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(data.len());
        if total > limit.saturating_mul(DRAIN_FACTOR) {
            return BodyOutcome::TooLarge;
        }
        if total <= limit {
            collected.extend_from_slice(&data);
        }
    }
    if total > limit {
        BodyOutcome::TooLarge
    } else {
        BodyOutcome::Complete(collected.freeze())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str) -> ApiRequest {
        ApiRequest::new(
            Method::Get,
            path,
            Bytes::new(),
            "127.0.0.1:1".parse().unwrap(),
        )
    }

    #[test]
    fn plus_in_the_query_decodes_to_a_space_and_percent_escapes_decode() {
        let req = request("/crm/v8/x?filters=%5B%7B%22a%22%3A1%7D%5D&name=a+b");
        assert_eq!(req.query_param("filters"), Some(r#"[{"a":1}]"#));
        assert_eq!(req.query_param("name"), Some("a b"));
        assert_eq!(req.query_param("missing"), None);
    }

    #[test]
    fn path_segments_are_split_and_percent_decoded() {
        let req = request("/crm/v8/settings/portals/Zylker%20Autos/");
        assert_eq!(
            req.segment_strs(),
            ["crm", "v8", "settings", "portals", "Zylker Autos"]
        );
    }
}
