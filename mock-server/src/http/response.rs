//! `ApiResponse`: what a handler answers, and its conversion into a hyper response.

use std::borrow::Cow;

use bytes::Bytes;
use http_body_util::Full;
use serde_json::Value;

use crate::api::error::ApiError;

/// The exact content type Zoho sends (the Python SDK rejects a header with two parameters).
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// One answer: a status, an optional JSON body, and any extra headers.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiResponse {
    pub status: u16,
    /// The serialised JSON body; `None` for 204 (no body and no content type).
    pub body: Option<Bytes>,
    /// Extra headers (name, value); a `Content-Type` among them replaces the JSON one.
    pub headers: Vec<(Cow<'static, str>, String)>,
}

impl ApiResponse {
    /// A JSON answer, serialised compactly in the key order the value holds.
    pub fn json(status: u16, value: &Value) -> ApiResponse {
        let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
        ApiResponse {
            status,
            body: Some(Bytes::from(body)),
            headers: Vec::new(),
        }
    }

    /// A JSON answer serialised straight from a typed value (fields in declaration order),
    /// without building a [`Value`] first: for large bodies such as a page of users.
    pub fn json_from<T: serde::Serialize>(status: u16, value: &T) -> ApiResponse {
        let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
        ApiResponse {
            status,
            body: Some(Bytes::from(body)),
            headers: Vec::new(),
        }
    }

    /// A static text answer of its own content type (the dashboard's page, stylesheet and
    /// script): `content_type` replaces the JSON one.
    pub fn text(status: u16, content_type: &'static str, body: &'static str) -> ApiResponse {
        ApiResponse {
            status,
            body: Some(Bytes::from_static(body.as_bytes())),
            headers: vec![("content-type".into(), content_type.to_owned())],
        }
    }

    /// 204 No Content: no body, no content type.
    pub fn no_content() -> ApiResponse {
        ApiResponse {
            status: 204,
            body: None,
            headers: Vec::new(),
        }
    }

    /// The body as a JSON value (for tests and the journal).
    pub fn json_body(&self) -> Option<Value> {
        self.body
            .as_ref()
            .and_then(|body| serde_json::from_slice(body).ok())
    }
}

impl From<ApiError> for ApiResponse {
    fn from(error: ApiError) -> ApiResponse {
        ApiResponse::json(error.status(), &error.body())
    }
}

/// Converts an [`ApiResponse`] into the hyper response sent on the wire.
pub fn into_hyper(response: ApiResponse) -> hyper::Response<Full<Bytes>> {
    // Most answers are a status and a JSON body (or none): built without the builder's checks.
    if response.headers.is_empty()
        && let Ok(status) = hyper::StatusCode::from_u16(response.status)
    {
        let json = response.body.is_some();
        let mut answer = hyper::Response::new(Full::new(response.body.unwrap_or_default()));
        *answer.status_mut() = status;
        if json {
            answer.headers_mut().insert(
                hyper::header::CONTENT_TYPE,
                hyper::header::HeaderValue::from_static(JSON_CONTENT_TYPE),
            );
        }
        return answer;
    }
    built(response)
}

/// [`into_hyper`] through hyper's builder: any status and extra headers (an invalid one makes
/// an empty 200, as it always did).
fn built(response: ApiResponse) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder().status(response.status);
    let own_content_type = response
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
    if response.body.is_some() && !own_content_type {
        builder = builder.header(hyper::header::CONTENT_TYPE, JSON_CONTENT_TYPE);
    }
    for (name, value) in &response.headers {
        builder = builder.header(name.as_ref(), value.as_str());
    }
    builder
        .body(Full::new(response.body.unwrap_or_default()))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_answers_are_built_as_the_builder_builds_them() {
        let answers = [
            ApiResponse::json(200, &serde_json::json!({"a": 1})),
            ApiResponse::json(404, &serde_json::json!({})),
            ApiResponse::no_content(),
            ApiResponse {
                status: 1000,
                body: Some(Bytes::from_static(b"{}")),
                headers: Vec::new(),
            },
        ];
        for answer in answers {
            let (fast, slow) = (into_hyper(answer.clone()), built(answer));
            assert_eq!(fast.status(), slow.status());
            assert_eq!(fast.headers(), slow.headers());
            assert_eq!(fast.version(), slow.version());
        }
    }
}
