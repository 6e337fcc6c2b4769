//! I1–I3 over real HTTP, for what scenarios (fixtures/scenarios/invitations/) cannot express:
//! invitations aged in Rust-built fixtures, the fixture's read-only and no-permission tokens on
//! the admin's own org, and the job list of a fresh server with its background worker off.

use portals_mock::fixtures::PortalUserFixture;
use portals_mock::{Clock, Config, FixtureSet};

use crate::common::{
    ADMIN, ASHA, BEN, DEFAULT_TYPE, FIRST_ID, NOPERM, NOW, RAVI, READONLY, Reply, TestServer,
    USERS, assert_reply, fixed_clock, start, start_with, start_with_fixtures,
};

/// The bulk-invite and job-status path of Contacts.
const BULK: &str = "/crm/v4/Contacts/actions/portal_invite";

/// No background worker: jobs run only when the control plane says so.
fn manual_jobs() -> Config {
    Config {
        job_interval: None,
        ..Config::default()
    }
}

/// `POST /crm/v4/{module}/{record}/actions/portal_invite?{query}` as the admin.
fn invite_in(server: &TestServer, module: &str, record: &str, query: &str) -> Reply {
    server.call(
        "POST",
        &format!("/crm/v4/{module}/{record}/actions/portal_invite?{query}"),
        Some(ADMIN),
        None,
    )
}

/// Invites a Contacts record into the default type.
fn invite(server: &TestServer, record: &str) -> Reply {
    invite_in(
        server,
        "Contacts",
        record,
        &format!("user_type_id={DEFAULT_TYPE}&type=invite"),
    )
}

fn resent(record: &str) -> String {
    format!(
        r#"{{"portal_invite":[{{"code":"SUCCESS","details":{{"record_id":"{record}"}},"message":"Invite has been resent to personality","status":"success"}}]}}"#
    )
}

/// A top-level error body.
fn error(code: &str, details: &str, message: &str) -> String {
    format!(r#"{{"code":"{code}","details":{details},"message":"{message}","status":"error"}}"#)
}

const CANNOT_PROCESS: &str = r#"{"code":"CANNOT_PROCESS","details":{},"message":"Invalid type for the portal invite","status":"error"}"#;

fn control(server: &TestServer, path: &str) -> Reply {
    server.call("POST", &format!("/__mock/orgs/zylker/{path}"), None, None)
}

// ---------------------------------------------------------------------------------------------
// I1: single invitations
// ---------------------------------------------------------------------------------------------

#[test]
fn invitations_need_the_create_scope_and_the_manage_portal_users_permission() {
    let server = start();
    let single = format!(
        "/crm/v4/Contacts/{RAVI}/actions/portal_invite?user_type_id={DEFAULT_TYPE}&type=invite"
    );
    let bulk_body = format!(
        r#"{{"portal_invite":[{{"data":[{{"id":"{RAVI}","user_type_id":"{DEFAULT_TYPE}","type":"invite"}}]}}]}}"#
    );
    let scope_mismatch = error(
        "OAUTH_SCOPE_MISMATCH",
        "{}",
        "invalid oauth scope to access this URL",
    );
    let no_permission = r#"{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_Manage_ClientPortal_Users"]},"message":"NO_PERMISSION","status":"error"}"#;
    for (token, status, expected) in [
        (READONLY, 401, scope_mismatch.as_str()),
        (NOPERM, 403, no_permission),
    ] {
        assert_reply(
            &server.call("POST", &single, Some(token), None),
            status,
            expected,
        );
        assert_reply(&server.post(BULK, token, &bulk_body), status, expected);
    }
    // The job status only reads: the read-only token may ask, the profile still may not.
    assert_eq!(server.get(BULK, READONLY).status, 204);
    assert_reply(&server.get(BULK, NOPERM), 403, no_permission);
    assert_eq!(server.get(USERS, ADMIN).json()["info"]["total_count"], 1);
}

// ---------------------------------------------------------------------------------------------
// Invitation expiry and confirmation (control plane)
// ---------------------------------------------------------------------------------------------

/// zylker with three unconfirmed users invited 9, exactly 7 and 4 days before [`NOW`].
fn fixtures_with_old_invitations() -> FixtureSet {
    let set = FixtureSet::embedded().unwrap();
    let mut zylker = set.org("zylker").unwrap().clone();
    for (id, invited) in [
        (RAVI, "2023-02-20T10:00:00+05:30"),
        (ASHA, "2023-02-22T10:00:00+05:30"),
        (BEN, "2023-02-25T10:00:00+05:30"),
    ] {
        zylker.portal_users.push(PortalUserFixture {
            personality_id: id.into(),
            user_type_id: DEFAULT_TYPE.into(),
            confirm: false,
            active: true,
            status_reason: None,
            invited_time: invited.into(),
            language: "en_US".into(),
            invite_expired: false,
            source: "CRM".into(),
            created_time: None,
        });
    }
    set.with_org("zylker", zylker)
}

#[test]
fn invitations_of_seven_days_or_more_expire_cannot_be_confirmed_and_reinvite_renews_them() {
    // Arrange: now is 2023-03-01; Ravi was invited 9 days ago, Asha exactly 7, Ben 4.
    let server = start_with_fixtures(
        fixtures_with_old_invitations(),
        fixed_clock(),
        Config::default(),
    );
    // Act
    let expired = control(&server, "invitations/expire");
    // Assert: Ravi's and Asha's invitations expired; Ben's did not.
    assert_reply(&expired, 200, r#"{"org_id":"zylker","expired":2}"#);
    assert_reply(
        &control(&server, "invitations/expire"),
        200,
        r#"{"org_id":"zylker","expired":0}"#,
    );
    for id in [RAVI, ASHA] {
        assert_eq!(control(&server, &format!("users/{id}/confirm")).status, 409);
    }
    assert_eq!(
        control(&server, &format!("users/{BEN}/confirm")).status,
        200
    );
    // An expired user is still a portal user: invite is refused, reinvite renews the 7 days.
    assert_reply(&invite(&server, RAVI), 400, CANNOT_PROCESS);
    let reinvite = invite_in(
        &server,
        "Contacts",
        RAVI,
        &format!("user_type_id={DEFAULT_TYPE}&type=reinvite"),
    );
    assert_reply(&reinvite, 200, &resent(RAVI));
    assert_eq!(
        control(&server, &format!("users/{RAVI}/confirm")).status,
        200
    );
    let users = server.get(USERS, ADMIN).json();
    let ravi = &users["users"][1];
    assert_eq!(ravi["personality_id"], RAVI);
    assert_eq!(ravi["confirm"], true);
    assert_eq!(
        ravi["invited_time"], NOW,
        "the reinvite renewed invited_time"
    );
    // v8 shows when the portal user was created: its first invitation, which the reinvite
    // left alone.
    let v8_users = server
        .get(&USERS.replace("/crm/v4/", "/crm/v8/"), ADMIN)
        .json();
    let ravi = &v8_users["users"][1];
    assert_eq!(ravi["personality_id"], RAVI);
    assert_eq!(ravi["created_time"], "2023-02-20T10:00:00+05:30");
    assert_eq!(ravi["Source__s"], "CRM");
}

// ---------------------------------------------------------------------------------------------
// I2 / I3: bulk invitations and their job status
// ---------------------------------------------------------------------------------------------

fn scheduled(job_id: &str) -> String {
    format!(
        r#"{{"portal_invite":[{{"code":"SCHEDULED","details":{{"job_id":"{job_id}"}},"message":"Portal bulk invite scheduled successfully","status":"success"}}]}}"#
    )
}

#[test]
fn an_unknown_job_or_a_job_of_another_module_answers_204_with_no_body() {
    let server = start_with(Clock::real(), manual_jobs());
    let body = format!(
        r#"{{"portal_invite":[{{"data":[{{"id":"{RAVI}","user_type_id":"{DEFAULT_TYPE}","type":"invite"}}]}}]}}"#
    );
    assert_reply(&server.post(BULK, ADMIN, &body), 200, &scheduled(FIRST_ID));
    for path in [
        format!("{BULK}?job_id=1306462000009999999"),
        format!("/crm/v4/Customer/actions/portal_invite?job_id={FIRST_ID}"),
        "/crm/v4/Customer/actions/portal_invite".to_owned(),
    ] {
        let reply = server.get(&path, ADMIN);
        assert_eq!(reply.status, 204, "{path}: {}", reply.body);
        assert_eq!(reply.body, "");
        assert_eq!(reply.content_type, None);
    }
    // A fresh server has no jobs at all.
    let fresh = start_with(Clock::real(), manual_jobs());
    assert_eq!(fresh.get(BULK, ADMIN).status, 204);
}
