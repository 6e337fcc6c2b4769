//! `ApiVersion`: the `{version}` segment of `/crm/{version}/…`.
//!
//! The Portals API is served on v4 to v8 (docs/api.md §1). v2, v2.1 and v3 exist at Zoho but
//! have no Portals API: they answer `API_NOT_SUPPORTED` with `supported_version: 4.0`. Anything
//! else is not a Zoho path at all (`INVALID_URL_PATTERN`).

use crate::api::error::ApiError;

/// A served API version. Responses differ per version where that version's documentation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ApiVersion {
    /// v4: the Kaizen #72/#73 posts.
    V4,
    /// v5
    V5,
    /// v6
    V6,
    /// v7
    V7,
    /// v8: the OpenAPI files and the current SDKs.
    V8,
}

impl ApiVersion {
    /// Parses `v4`…`v8`; older Zoho versions are "not supported", anything else is unknown.
    pub fn parse(segment: &str) -> Result<ApiVersion, ApiError> {
        match segment {
            "v4" => Ok(ApiVersion::V4),
            "v5" => Ok(ApiVersion::V5),
            "v6" => Ok(ApiVersion::V6),
            "v7" => Ok(ApiVersion::V7),
            "v8" => Ok(ApiVersion::V8),
            "v1" | "v2" | "v2.1" | "v3" => Err(ApiError::UnsupportedVersion {
                supported_version: 4.0,
            }),
            _ => Err(ApiError::InvalidUrlPattern),
        }
    }
}
