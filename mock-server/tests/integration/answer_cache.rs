//! The answer cache of `GET /crm/…` calls (`--answer-cache`): the same answers as without it,
//! whatever writes, tokens, clocks and control-plane calls come between two reads.

use portals_mock::Config;

use crate::common::{Reply, TestServer, fixed_clock, start_with};

const ADMIN: &str = "1000.zylker.admin";
/// The admin's user, with only `ZohoCRM.settings.clientportal.READ`.
const READONLY: &str = "1000.zylker.readonly";
/// The admin's user again, expired.
const EXPIRED: &str = "1000.zylker.expired";
const PORTALS: &str = "/crm/v8/settings/portals";
const RECORDS: &str = "/crm/v8/Contacts?fields=Last_Name,Email&per_page=5";

/// One step: a call and which servers make it.
type Step<'a> = (&'a str, String, Option<&'a str>, Option<String>);

/// A mock with the cache and one without, on the same fixtures and the same stopped clock.
fn pair() -> (TestServer, TestServer) {
    let config = |answer_cache| Config {
        job_interval: None,
        answer_cache,
        ..Config::default()
    };
    (
        start_with(fixed_clock(), config(true)),
        start_with(fixed_clock(), config(false)),
    )
}

/// Runs the steps against both servers and asserts each pair of answers is identical.
fn same_answers(steps: &[Step<'_>]) -> Vec<Reply> {
    let (cached, uncached) = pair();
    let mut replies = Vec::new();
    for (number, (method, path, token, body)) in steps.iter().enumerate() {
        let call = |server: &TestServer| {
            if let Some(method) = method.strip_prefix("CONTROL ") {
                server.control(method, path, body.as_deref().unwrap_or(""))
            } else {
                server.call(method, path, *token, body.as_deref())
            }
        };
        let (with, without) = (call(&cached), call(&uncached));
        assert_eq!(
            (with.status, &with.body),
            (without.status, &without.body),
            "step {number}: {method} {path} answered differently with the cache"
        );
        replies.push(with);
    }
    replies
}

fn get<'a>(path: &str, token: &'a str) -> Step<'a> {
    ("GET", path.to_owned(), Some(token), None)
}

#[test]
fn a_write_between_two_reads_is_seen_by_the_second() {
    let replies = same_answers(&[
        get(PORTALS, ADMIN),
        get(PORTALS, ADMIN),
        (
            "PUT",
            format!("{PORTALS}/ZylkerAutos"),
            Some(ADMIN),
            Some(r#"{"portals":[{"name":"RenamedPortal"}]}"#.to_owned()),
        ),
        get(PORTALS, ADMIN),
        get(PORTALS, ADMIN),
    ]);
    assert_eq!(replies[0].body, replies[1].body);
    assert!(
        replies[3].body.contains("RenamedPortal"),
        "{}",
        replies[3].body
    );
}

#[test]
fn another_token_of_the_same_user_is_still_checked() {
    let replies = same_answers(&[
        get(RECORDS, ADMIN),
        // The same user, the same path: the scope and the expiry of this token decide.
        get(RECORDS, READONLY),
        get(RECORDS, EXPIRED),
        get(RECORDS, ADMIN),
    ]);
    assert_eq!(replies[0].status, 200, "{}", replies[0].body);
    assert_eq!(replies[1].status, 401, "{}", replies[1].body);
    assert!(replies[1].body.contains("OAUTH_SCOPE_MISMATCH"));
    assert_eq!(replies[2].status, 401, "{}", replies[2].body);
    assert!(replies[2].body.contains("INVALID_TOKEN"));
}

#[test]
fn control_plane_writes_and_clock_moves_are_seen() {
    let user_types = format!("{PORTALS}/ZylkerAutos/user_type");
    let replies = same_answers(&[
        get(&user_types, ADMIN),
        (
            "POST",
            user_types.clone(),
            Some(ADMIN),
            Some(
                r#"{"user_type":[{"name":"Cached Or Not","personality_module":{"api_name":"Contacts"},"modules":[{"id":"1306462000000000129","shared_type":"private","permissions":{"view":true}},{"id":"1306462000000000147","shared_type":"private","permissions":{"view":true}}]}]}"#
                    .to_owned(),
            ),
        ),
        get(&user_types, ADMIN),
        (
            "CONTROL POST",
            "/__mock/orgs/zylker/clock/advance".to_owned(),
            None,
            Some(r#"{"seconds":86400}"#.to_owned()),
        ),
        get(&user_types, ADMIN),
        ("CONTROL POST", "/__mock/orgs/zylker/reset".to_owned(), None, None),
        get(&user_types, ADMIN),
        get(&format!("{PORTALS}?unused=1"), ADMIN),
        get(PORTALS, ADMIN),
    ]);
    assert!(!replies[0].body.contains("Cached Or Not"));
    assert_eq!(replies[1].status, 201, "{}", replies[1].body);
    assert!(
        replies[2].body.contains("Cached Or Not"),
        "{}",
        replies[2].body
    );
    assert!(
        !replies[6].body.contains("Cached Or Not"),
        "{}",
        replies[6].body
    );
}
