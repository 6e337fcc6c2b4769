//! The scenarios of a run: what each one sends, with the orgs the write scenarios need, and
//! which of them are read again on a mock whose answer cache is off.

use std::net::SocketAddr;

use serde_json::{Value, json};

use crate::fixtures;
use crate::load::{self, Work};

/// The admin token of the built-in zylker org.
pub const ZYLKER_TOKEN: &str = "1000.zylker.admin";
/// The default user type of the zylker fixture (and of its copies).
pub const CLIENT_PORTAL_TYPE: &str = "1306462000001813022";
/// The most connections a scenario runs with (one user-type org each).
const MOST_CONNECTIONS: usize = 64;
/// `[{"field":"status_reason__s","comparator":"not_equal","value":"spam"}]`, percent-encoded:
/// every invited user matches it, so page 50 of 200 is the last full page.
const FILTER: &str = "%5B%7B%22field%22%3A%22status_reason__s%22%2C%22comparator%22%3A%22not_equal%22%2C%22value%22%3A%22spam%22%7D%5D";

/// A page of 200 of the bench org's 10,000 users, with the filter.
pub fn users_path(portal: &str, page: usize) -> String {
    format!(
        "/crm/v8/settings/portals/{portal}/user_type/{CLIENT_PORTAL_TYPE}/users?type=ActiveUsers&filters={FILTER}&page={page}&per_page=200"
    )
}

/// The read scenarios also measured on a mock started with `--answer-cache off` (every answer
/// rendered anew), under the name this answers.
pub fn uncached(name: &str) -> Option<&'static str> {
    Some(match name {
        "GET portals" => "GET portals, cache off",
        "GET user types" => "GET user types, cache off",
        "GET users p1 of 10k (filter)" => "GET users p1, cache off",
        "GET users p50 of 10k (filter)" => "GET users p50, cache off",
        SEARCH_EMAIL => "search by email, cache off",
        _ => return None,
    })
}

/// Search Records by email among the bench org's 10,000 more Contacts (one match).
pub const SEARCH_EMAIL: &str = "search by email of 10k";
/// Search Records by an email prefix among them (`starts_with`: 11 matches).
pub const SEARCH_PREFIX: &str = "search starts_with of 10k";

/// The scenarios, with the orgs the write scenarios need (one per connection for user types,
/// whose number an edition limits; one bench org copy for invitations).
pub async fn scenarios(m: SocketAddr) -> Result<Vec<(&'static str, Work)>, String> {
    // Orgs of their own for the write scenarios.
    let mut type_tokens = Vec::new();
    for _ in 0..MOST_CONNECTIONS {
        type_tokens.push(new_org(m, "zylker").await?);
    }
    let invite_token = new_org(m, fixtures::ORG).await?;

    Ok(vec![
        (
            "GET portals",
            Work::Get {
                path: "/crm/v8/settings/portals".into(),
                token: ZYLKER_TOKEN.into(),
                expect: 200,
            },
        ),
        (
            "GET user types",
            Work::Get {
                path: "/crm/v8/settings/portals/ZylkerAutos/user_type".into(),
                token: ZYLKER_TOKEN.into(),
                expect: 200,
            },
        ),
        (
            "GET users p1 of 10k (filter)",
            Work::Get {
                path: users_path(fixtures::PORTAL, 1),
                token: fixtures::TOKEN.into(),
                expect: 200,
            },
        ),
        (
            "GET users p50 of 10k (filter)",
            Work::Get {
                path: users_path(fixtures::PORTAL, 50),
                token: fixtures::TOKEN.into(),
                expect: 200,
            },
        ),
        (
            "create+delete user type",
            Work::CreateDeleteUserType {
                portal: "ZylkerAutos".into(),
                tokens: type_tokens,
            },
        ),
        (
            "invite+delete user",
            Work::InviteDelete {
                portal: fixtures::PORTAL.into(),
                user_type: CLIENT_PORTAL_TYPE.into(),
                token: invite_token,
                records: (0..64).map(fixtures::customer_id).collect(),
            },
        ),
        (
            "token refresh",
            Work::Refresh {
                body: "grant_type=refresh_token&client_id=1000.MOCKCLIENT&client_secret=mocksecret&refresh_token=1000.zylker.refresh".into(),
            },
        ),
        (
            SEARCH_EMAIL,
            Work::Get {
                path: "/crm/v8/Contacts/search?email=customer4242%40example.com".into(),
                token: fixtures::TOKEN.into(),
                expect: 200,
            },
        ),
        (
            SEARCH_PREFIX,
            Work::Get {
                path: "/crm/v8/Contacts/search?criteria=(Email%3Astarts_with%3Acustomer4242)".into(),
                token: fixtures::TOKEN.into(),
                expect: 200,
            },
        ),
    ])
}

/// A new org from a fixture; answers its admin token.
pub async fn new_org(m: SocketAddr, fixture: &str) -> Result<String, String> {
    let reply = load::call(
        m,
        "POST",
        "/__mock/orgs",
        None,
        Some(&json!({ "fixture": fixture }).to_string()),
    )
    .await?;
    serde_json::from_slice::<Value>(&reply.body)
        .ok()
        .and_then(|body| body["access_token"].as_str().map(str::to_owned))
        .ok_or_else(|| format!("creating an org: {} {}", reply.status, reply.text()))
}
