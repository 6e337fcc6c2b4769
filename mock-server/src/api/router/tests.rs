//! The router's tests: paths to routes, methods, versions, record ids and the words under a
//! module.

use super::*;
use crate::http::ApiRequest;
use bytes::Bytes;

/// A route of any plane, as the request path classifies it.
#[derive(Debug, PartialEq)]
enum Route {
    Crm {
        version: ApiVersion,
        operation: CrmRoute,
    },
    Oauth(OauthRoute),
}

fn route_of(method: Method, path: &str) -> Result<Route, ApiError> {
    let request = ApiRequest::new(method, path, Bytes::new(), "127.0.0.1:1".parse().unwrap());
    match request.segment_strs().as_slice() {
        ["crm", rest @ ..] => {
            crm(method, rest).map(|(version, operation)| Route::Crm { version, operation })
        }
        ["oauth", rest @ ..] => oauth(method, rest).map(Route::Oauth),
        _ => Err(ApiError::InvalidUrlPattern),
    }
}

fn crm_v8(operation: CrmRoute) -> Result<Route, ApiError> {
    Ok(Route::Crm {
        version: ApiVersion::V8,
        operation,
    })
}

#[test]
fn known_paths_route_for_every_served_version() {
    for v in ["v4", "v5", "v6", "v7", "v8"] {
        let found = route_of(Method::Get, &format!("/crm/{v}/settings/portals")).unwrap();
        assert!(matches!(
            found,
            Route::Crm {
                operation: CrmRoute::ListPortals,
                ..
            }
        ));
    }
}

/// Known paths (the Users and Organization APIs before any module route), wrong methods,
/// unknown paths and versions.
#[test]
fn each_path_and_method_routes_as_documented() {
    use Method::{Delete, Get, Post, Put};
    let update = CrmRoute::UpdatePortal("ZylkerAutos".into());
    let routed = [
        (Put, "/crm/v8/settings/portals/ZylkerAutos", update),
        (Get, "/crm/v8/users?type=CurrentUser", CrmRoute::GetUsers),
        (Get, "/crm/v8/org", CrmRoute::GetOrg),
    ];
    for (method, path, operation) in routed {
        assert_eq!(route_of(method, path), crm_v8(operation), "{path}");
    }
    let wrong_method = [
        (Post, "/crm/v8/org"),
        (Delete, "/crm/v8/settings/portals"),
        (Post, "/crm/v8/settings/portals/ZylkerAutos"),
    ];
    for (method, path) in wrong_method {
        assert_eq!(route_of(method, path), Err(ApiError::InvalidRequestMethod));
    }
    for path in [
        "/crm/v8/settings/portalz",
        "/",
        "/crm/banana/settings/portals",
    ] {
        assert_eq!(route_of(Get, path), Err(ApiError::InvalidUrlPattern));
    }
    let records = [
        (
            Get,
            "/crm/v8/Contacts/search?email=a@b.com",
            CrmRoute::SearchRecords("Contacts".into()),
        ),
        (
            Get,
            "/crm/v8/Contacts",
            CrmRoute::ListRecords("Contacts".into()),
        ),
        (
            Get,
            "/crm/v8/Contacts/deleted",
            CrmRoute::DeletedRecords("Contacts".into()),
        ),
        (
            Post,
            "/crm/v8/Contacts/upsert",
            CrmRoute::UpsertRecords("Contacts".into()),
        ),
        (
            Put,
            "/crm/v8/Contacts",
            CrmRoute::UpdateRecords("Contacts".into()),
        ),
    ];
    for (method, path, operation) in records {
        assert_eq!(route_of(method, path), crm_v8(operation), "{path}");
    }
    // Named actions and words are never record ids.
    for path in [
        "/crm/v8/Contacts/searchx",
        "/crm/v8/Contacts/actions/count",
        "/crm/v8/Contacts/abc",
    ] {
        assert_eq!(
            route_of(Get, path),
            Err(ApiError::InvalidUrlPattern),
            "{path}"
        );
    }
    assert_eq!(
        route_of(Post, "/crm/v8/Contacts/search"),
        Err(ApiError::InvalidRequestMethod)
    );
    assert_eq!(
        route_of(Get, "/crm/v3/settings/portals"),
        Err(ApiError::UnsupportedVersion {
            supported_version: 4.0
        })
    );
}

/// Before v4 the single invite routes (and its wrong methods answer as on v4); every other
/// operation, bulk invite and job status included, is "not supported in this version".
#[test]
fn before_v4_only_the_single_invite_routes() {
    use Method::{Get, Post};
    let unsupported = Err(ApiError::UnsupportedVersion {
        supported_version: 4.0,
    });
    for (v, version) in [
        ("v2", ApiVersion::V2),
        ("v2.1", ApiVersion::V2_1),
        ("v3", ApiVersion::V3),
    ] {
        let invite = format!("/crm/{v}/Contacts/1306462000000670001/actions/portal_invite");
        assert_eq!(
            route_of(Post, &invite),
            Ok(Route::Crm {
                version,
                operation: CrmRoute::Invite(RecordPath {
                    module: "Contacts".into(),
                    id: "1306462000000670001".into(),
                }),
            })
        );
        assert_eq!(route_of(Get, &invite), Err(ApiError::InvalidRequestMethod));
        for (method, path) in [
            (Post, "/Contacts/actions/portal_invite"),
            (Get, "/Contacts/actions/portal_invite"),
            (Get, "/settings/portals"),
            (Get, "/settings/portals/meta"),
            (Get, "/settings/portals/ZylkerAutos/user_type/1/users"),
            (Get, "/users"),
            (Get, "/org"),
            (Post, "/Contacts"),
        ] {
            assert_eq!(
                route_of(method, &format!("/crm/{v}{path}")),
                unsupported,
                "{path}"
            );
        }
    }
}
