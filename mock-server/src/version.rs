//! `ApiVersion`: the `{version}` segment of `/crm/{version}/…`, and which operations each serves.
//!
//! The Portals API is documented on v4 to v8 (docs/api.md §1). v2, v2.1 and v3 exist at Zoho
//! without it: there, only the single invite (I1, a record action) is served, as on v4; every other
//! operation answers `API_NOT_SUPPORTED` with `supported_version: 4.0` (fixtures/FIDELITY.md,
//! "Versions before v4"). `v1` answers the same; anything else is not a Zoho path at all
//! (`INVALID_URL_PATTERN`).

use crate::api::error::ApiError;

/// An API version of a `/crm/` path. Responses differ per version where that version's
/// documentation does; the versions before v4 answer what they serve as v4 does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ApiVersion {
    /// v2: no Portals API but the single invite.
    V2,
    /// v2.1: as v2.
    V2_1,
    /// v3: as v2.
    V3,
    /// v4: the Kaizen #72/#73 posts; the first version of the Portals API.
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

/// The first version of the Portals API, as `API_NOT_SUPPORTED` names it.
const PORTALS_SINCE: f64 = 4.0;

impl ApiVersion {
    /// Parses `v2`, `v2.1` and `v3`…`v8`; `v1` is "not supported", anything else is unknown.
    pub fn parse(segment: &str) -> Result<ApiVersion, ApiError> {
        match segment {
            "v2" => Ok(ApiVersion::V2),
            "v2.1" => Ok(ApiVersion::V2_1),
            "v3" => Ok(ApiVersion::V3),
            "v4" => Ok(ApiVersion::V4),
            "v5" => Ok(ApiVersion::V5),
            "v6" => Ok(ApiVersion::V6),
            "v7" => Ok(ApiVersion::V7),
            "v8" => Ok(ApiVersion::V8),
            "v1" => Err(unsupported()),
            _ => Err(ApiError::InvalidUrlPattern),
        }
    }

    /// Whether the version has the whole Portals API (v4 and later).
    pub fn has_portals_api(self) -> bool {
        self >= ApiVersion::V4
    }

    /// Ok on a version with the Portals API; otherwise the version error, unless the operation
    /// is one the older versions serve too (`served_before_v4`).
    pub fn require_portals_api(self, served_before_v4: bool) -> Result<(), ApiError> {
        if self.has_portals_api() || served_before_v4 {
            Ok(())
        } else {
            Err(unsupported())
        }
    }
}

fn unsupported() -> ApiError {
    ApiError::UnsupportedVersion {
        supported_version: PORTALS_SINCE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_in_order_and_only_v4_on_have_the_portals_api() {
        let parsed: Vec<ApiVersion> = ["v2", "v2.1", "v3", "v4", "v5", "v6", "v7", "v8"]
            .iter()
            .map(|v| ApiVersion::parse(v).unwrap())
            .collect();
        assert!(parsed.windows(2).all(|pair| pair[0] < pair[1]));
        let with_portals: Vec<bool> = parsed.iter().map(|v| v.has_portals_api()).collect();
        assert_eq!(
            with_portals,
            [false, false, false, true, true, true, true, true]
        );
        assert_eq!(ApiVersion::parse("v1"), Err(unsupported()));
        for unknown in ["v9", "v2.2", "V2", "2", ""] {
            assert_eq!(ApiVersion::parse(unknown), Err(ApiError::InvalidUrlPattern));
        }
        assert_eq!(
            ApiVersion::V3.require_portals_api(false),
            Err(unsupported())
        );
        assert_eq!(ApiVersion::V2.require_portals_api(true), Ok(()));
        assert_eq!(ApiVersion::V4.require_portals_api(false), Ok(()));
    }
}
