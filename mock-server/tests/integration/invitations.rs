//! I1–I3 over real HTTP: single invitations and every failure reason of fixtures/README.md,
//! bulk invitations, their job status, and invitation expiry through the control plane.

use portals_mock::fixtures::PortalUserFixture;
use portals_mock::{Clock, Config, FixtureSet};

use crate::common::{
    ADMIN, ASHA, BEN, DEFAULT_TYPE, FIRST_ID, IN_RECYCLE_BIN, JENNIFER, NOPERM, NOW, RAVI,
    READONLY, Reply, SECOND_ID, TestServer, USERS, assert_reply, fixed_clock, start, start_with,
    start_with_fixtures,
};

/// The bulk-invite and job-status path of Contacts.
const BULK: &str = "/crm/v4/Contacts/actions/portal_invite";

const SAM_ON_COMPANY_DOMAIN: &str = "1306462000000670002";
const NO_EMAIL: &str = "1306462000000670003";
const AWAITING_APPROVAL: &str = "1306462000000670004";
const UNDER_REVIEW: &str = "1306462000000670005";
const NO_GDPR_CONSENT: &str = "1306462000000670006";
const UNSUPPORTED_CHARACTERS: &str = "1306462000000670007";
const ANONYMOUS_DOMAIN: &str = "1306462000000670008";
const DELETED: &str = "1306462000000670010";
const EMMA: &str = "1306462000000670015";
const EMMA_DUPLICATE: &str = "1306462000000670016";
const HANNAH_CUSTOMER: &str = "1306462000000680001";

/// A user type on Contacts besides the default (Kaizen #73 style; the first id the org makes).
const EMPLOYEES_TYPE: &str = r#"{"user_type":[{"name":"Employees","personality_module":{"api_name":"Contacts"},"modules":[{"id":"1306462000000000129","shared_type":"private","permissions":{"view":true}},{"id":"1306462000000000147","shared_type":"private","permissions":{"view":true}}]}]}"#;
/// A user type on the custom personality module Customer.
const CUSTOMER_TYPE: &str = r#"{"user_type":[{"name":"Customers","personality_module":{"api_name":"Customer"},"modules":[{"id":"1306462000000000125","shared_type":"private","permissions":{"view":true}},{"id":"1306462000000000147","shared_type":"private","permissions":{"view":true}}]}]}"#;

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

fn sent(record: &str) -> String {
    format!(
        r#"{{"portal_invite":[{{"code":"SUCCESS","details":{{"record_id":"{record}"}},"message":"An Invite has been sent to the personality.","status":"success"}}]}}"#
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

fn invalid(message: &str) -> String {
    error("INVALID_DATA", "{}", message)
}

const CANNOT_PROCESS: &str = r#"{"code":"CANNOT_PROCESS","details":{},"message":"Invalid type for the portal invite","status":"error"}"#;
const INVALID_MODULE: &str = r#"{"code":"INVALID_MODULE","details":{},"message":"the module name given seems to be invalid","status":"error"}"#;
const INVALID_METHOD: &str = r#"{"code":"INVALID_REQUEST_METHOD","details":{},"message":"The http request method type is not a valid one","status":"error"}"#;

/// Creates a user type with the v4 API and answers its id.
fn create_type(server: &TestServer, body: &str, expected_id: &str) {
    let reply = server.post(
        "/crm/v4/settings/portals/ZylkerAutos/user_type",
        ADMIN,
        body,
    );
    assert_reply(
        &reply,
        200,
        &format!(
            r#"{{"user_type":[{{"code":"SUCCESS","details":{{"id":"{expected_id}"}},"message":"user type created successfully.","status":"success"}}]}}"#
        ),
    );
}

/// One listed user, keys in the Kaizen #72 order.
fn user(id: &str, confirm: bool, invited: &str, name: &str, email: &str) -> String {
    format!(
        r#"{{"personality_id":"{id}","confirm":{confirm},"status_reason__s":null,"invited_time":"{invited}","module":"Contacts","name":"{name}","active":true,"email":"{email}"}}"#
    )
}

fn jennifer() -> String {
    user(
        JENNIFER,
        true,
        "2023-02-08T18:03:10+05:30",
        "Jennifer Spears",
        "jennifer.spears@abc.com",
    )
}

/// A users page holding all of `users`.
fn users_page(users: &[String]) -> String {
    let n = users.len();
    format!(
        r#"{{"users":[{}],"info":{{"per_page":200,"total_count":{n},"count":{n},"page":1,"more_records":false}}}}"#,
        users.join(",")
    )
}

fn control(server: &TestServer, path: &str) -> Reply {
    server.call("POST", &format!("/__mock/orgs/zylker/{path}"), None, None)
}

// ---------------------------------------------------------------------------------------------
// I1: single invitations
// ---------------------------------------------------------------------------------------------

#[test]
fn inviting_a_customer_answers_the_kaizen_72_sample_and_lists_them_unconfirmed() {
    // Arrange: a fixed clock, so invited_time is known.
    let server = start_with(fixed_clock(), Config::default());
    // Act
    let reply = invite(&server, RAVI);
    // Assert: the Kaizen #72 invite sample, then Ravi after Jennifer, unconfirmed and active.
    assert_reply(&reply, 200, &sent(RAVI));
    assert_reply(
        &server.get(USERS, ADMIN),
        200,
        &users_page(&[
            jennifer(),
            user(RAVI, false, NOW, "Ravi Kumar", "ravi.kumar@example.com"),
        ]),
    );
}

#[test]
fn the_module_in_the_path_ignores_case_and_every_version_invites() {
    let server = start();
    for (version, record) in [("v4", RAVI), ("v6", ASHA), ("v8", BEN)] {
        let reply = server.call(
            "POST",
            &format!(
                "/crm/{version}/contacts/{record}/actions/portal_invite?user_type_id={DEFAULT_TYPE}&type=invite"
            ),
            Some(ADMIN),
            None,
        );
        assert_reply(&reply, 200, &sent(record));
    }
}

#[test]
fn reinviting_an_unconfirmed_user_answers_that_the_invite_was_resent() {
    // Arrange
    let server = start();
    assert_reply(&invite(&server, RAVI), 200, &sent(RAVI));
    // Act
    let reply = invite_in(
        &server,
        "Contacts",
        RAVI,
        &format!("user_type_id={DEFAULT_TYPE}&type=reinvite&language=fr_FR"),
    );
    // Assert: resent, and still one user for Ravi.
    assert_reply(&reply, 200, &resent(RAVI));
    assert_eq!(server.get(USERS, ADMIN).json()["info"]["total_count"], 2);
}

#[test]
fn every_invitation_failure_reason_answers_its_documented_body_and_writes_nothing() {
    let server = start();
    let before = server.get(USERS, ADMIN).body;
    let cases: &[(&str, String)] = &[
        (
            SAM_ON_COMPANY_DOMAIN,
            invalid(
                "Invitation sent has failed as users of your organization's domain cannot be invited to the Client Portal user type.",
            ),
        ),
        (
            NO_EMAIL,
            invalid(
                "Invitation sent has failed as provided personality record does not have email id.",
            ),
        ),
        (
            UNSUPPORTED_CHARACTERS,
            invalid(
                "Invitation sent has failed as email id of the personality record has unsupported characters.",
            ),
        ),
        (
            ANONYMOUS_DOMAIN,
            invalid(
                "Invitation sent has failed as email id of the personality record belongs to an anonymous domain.",
            ),
        ),
        (
            AWAITING_APPROVAL,
            error(
                "NOT_APPROVED",
                &format!(r#"{{"record_id":"{AWAITING_APPROVAL}"}}"#),
                "Entity has not approved to invite yet.",
            ),
        ),
        (
            UNDER_REVIEW,
            error(
                "NOT_REVIEWED",
                &format!(r#"{{"record_id":"{UNDER_REVIEW}"}}"#),
                "You cannot sent portal invitation since the record is waiting for approval under review process.",
            ),
        ),
        (
            NO_GDPR_CONSENT,
            invalid(
                "Invitation sent has failed as the personality record has not given GDPR consent.",
            ),
        ),
        (
            IN_RECYCLE_BIN,
            invalid("Invitation sent has failed as provided personality record is in recycle bin."),
        ),
        (DELETED, invalid("the id given seems to be invalid")),
        (
            "1306462000009999999",
            invalid("the id given seems to be invalid"),
        ),
    ];
    for (record, expected) in cases {
        let reply = invite(&server, record);
        assert_reply(&reply, 400, expected);
    }
    assert_eq!(server.get(USERS, ADMIN).body, before, "no partial write");
}

#[test]
fn a_second_record_with_the_email_of_a_portal_user_is_duplicate_data() {
    // Arrange: Emma's first record becomes a portal user.
    let server = start();
    assert_reply(&invite(&server, EMMA), 200, &sent(EMMA));
    // Act
    let reply = invite(&server, EMMA_DUPLICATE);
    // Assert
    assert_reply(
        &reply,
        400,
        &error(
            "DUPLICATE_DATA",
            &format!(r#"{{"record_id":"{EMMA_DUPLICATE}"}}"#),
            "Invitation sent has failed as a portal user exists with same email id",
        ),
    );
    assert_eq!(server.get(USERS, ADMIN).json()["info"]["total_count"], 2);
}

#[test]
fn the_invite_type_must_fit_the_state_of_the_portal_user() {
    let server = start();
    let query = |kind: &str| format!("user_type_id={DEFAULT_TYPE}&type={kind}");
    // invite of an existing user (Jennifer), reinvite of a record that is not a user (Ravi),
    // reinvite of a confirmed user (Jennifer).
    for (record, kind) in [
        (JENNIFER, "invite"),
        (RAVI, "reinvite"),
        (JENNIFER, "reinvite"),
    ] {
        let reply = invite_in(&server, "Contacts", record, &query(kind));
        assert_reply(&reply, 400, CANNOT_PROCESS);
    }
    assert_eq!(server.get(USERS, ADMIN).json()["info"]["total_count"], 1);
}

#[test]
fn missing_or_invalid_query_parameters_answer_the_documented_errors() {
    let server = start();
    let missing = |param: &str| {
        error(
            "REQUIRED_PARAM_MISSING",
            &format!(r#"{{"param":"{param}"}}"#),
            "One of the expected parameter is missing",
        )
    };
    let bad = |param: &str| {
        error(
            "INVALID_DATA",
            &format!(r#"{{"param_name":"{param}","api_name":"{param}"}}"#),
            "invalid data",
        )
    };
    let cases: &[(&str, String)] = &[
        ("type=invite", missing("user_type_id")),
        ("user_type_id=&type=invite", missing("user_type_id")),
        (&format!("user_type_id={DEFAULT_TYPE}"), missing("type")),
        (
            &format!("user_type_id={DEFAULT_TYPE}&type="),
            missing("type"),
        ),
        (
            &format!("user_type_id={DEFAULT_TYPE}&type=Invite"),
            bad("type"),
        ),
        (
            &format!("user_type_id={DEFAULT_TYPE}&type=resend"),
            bad("type"),
        ),
        (
            &format!("user_type_id={DEFAULT_TYPE}&type=invite&language=en_us"),
            bad("language"),
        ),
        (
            &format!("user_type_id={DEFAULT_TYPE}&type=invite&language=English"),
            bad("language"),
        ),
        (
            "user_type_id=1306462000009999999&type=invite",
            bad("user_type_id"),
        ),
    ];
    for (query, expected) in cases {
        let reply = invite_in(&server, "Contacts", RAVI, query);
        assert_reply(&reply, 400, expected);
    }
    assert_eq!(server.get(USERS, ADMIN).json()["info"]["total_count"], 1);
}

#[test]
fn every_documented_language_code_is_accepted() {
    let server = start();
    for (record, language) in [(RAVI, "en_US"), (ASHA, "ja_JP"), (BEN, "iw_IL")] {
        let reply = invite_in(
            &server,
            "Contacts",
            record,
            &format!("user_type_id={DEFAULT_TYPE}&type=invite&language={language}"),
        );
        assert_reply(&reply, 200, &sent(record));
    }
}

#[test]
fn an_unknown_module_or_a_user_type_of_another_personality_module_is_invalid_module() {
    // Arrange: a Customer user type besides the default Contacts one.
    let server = start();
    create_type(&server, CUSTOMER_TYPE, FIRST_ID);
    let cases = [
        ("Widgets", RAVI, DEFAULT_TYPE),
        // a Customer record into the Contacts type
        ("Customer", HANNAH_CUSTOMER, DEFAULT_TYPE),
        // a Contacts record into the Customer type
        ("Contacts", RAVI, FIRST_ID),
        // a personality module without a user type
        ("Leads", "1306462000000681001", DEFAULT_TYPE),
    ];
    for (module, record, user_type) in cases {
        // Act
        let reply = invite_in(
            &server,
            module,
            record,
            &format!("user_type_id={user_type}&type=invite"),
        );
        // Assert
        assert_reply(&reply, 400, INVALID_MODULE);
    }
}

#[test]
fn a_customer_record_can_be_invited_into_a_user_type_of_the_customer_module() {
    let server = start();
    create_type(&server, CUSTOMER_TYPE, FIRST_ID);
    let reply = invite_in(
        &server,
        "Customer",
        HANNAH_CUSTOMER,
        &format!("user_type_id={FIRST_ID}&type=invite"),
    );
    assert_reply(&reply, 200, &sent(HANNAH_CUSTOMER));
}

#[test]
fn the_company_domain_rule_applies_only_to_the_default_client_portal_type() {
    // Arrange: a second Contacts type; Sam (on zylker.com) is refused by the default one.
    let server = start_with(fixed_clock(), Config::default());
    create_type(&server, EMPLOYEES_TYPE, FIRST_ID);
    assert_eq!(invite(&server, SAM_ON_COMPANY_DOMAIN).status, 400);
    // Act
    let reply = invite_in(
        &server,
        "Contacts",
        SAM_ON_COMPANY_DOMAIN,
        &format!("user_type_id={FIRST_ID}&type=invite"),
    );
    // Assert: invited, and listed under the new type only.
    assert_reply(&reply, 200, &sent(SAM_ON_COMPANY_DOMAIN));
    assert_reply(
        &server.get(
            &format!("/crm/v4/settings/portals/ZylkerAutos/user_type/{FIRST_ID}/users"),
            ADMIN,
        ),
        200,
        &users_page(&[user(
            SAM_ON_COMPANY_DOMAIN,
            false,
            NOW,
            "Sam Rivera",
            "sam.rivera@zylker.com",
        )]),
    );
    assert_reply(&server.get(USERS, ADMIN), 200, &users_page(&[jennifer()]));
}

#[test]
fn a_user_of_one_type_cannot_be_invited_into_another() {
    let server = start();
    create_type(&server, EMPLOYEES_TYPE, FIRST_ID);
    let reply = invite_in(
        &server,
        "Contacts",
        JENNIFER,
        &format!("user_type_id={FIRST_ID}&type=invite"),
    );
    assert_reply(&reply, 400, CANNOT_PROCESS);
}

#[test]
fn an_org_without_a_portal_answers_the_no_portal_error() {
    let server = start();
    let reply = server.call(
        "POST",
        &format!(
            "/crm/v4/Contacts/{RAVI}/actions/portal_invite?user_type_id={DEFAULT_TYPE}&type=invite"
        ),
        Some(crate::common::BLANK),
        None,
    );
    assert_reply(
        &reply,
        400,
        &invalid("No portal exists with the given portal name."),
    );
}

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

#[test]
fn a_wrong_method_on_the_invitation_paths_is_invalid_request_method() {
    let server = start();
    let single = format!("/crm/v4/Contacts/{RAVI}/actions/portal_invite");
    for method in ["GET", "PUT", "DELETE", "PATCH"] {
        let reply = server.call(method, &single, Some(ADMIN), None);
        assert_reply(&reply, 400, INVALID_METHOD);
    }
    for method in ["PUT", "DELETE", "PATCH"] {
        let reply = server.call(method, BULK, Some(ADMIN), None);
        assert_reply(&reply, 400, INVALID_METHOD);
    }
}

// ---------------------------------------------------------------------------------------------
// Invitation expiry and confirmation (control plane)
// ---------------------------------------------------------------------------------------------

#[test]
fn an_invitation_younger_than_seven_days_does_not_expire_and_can_be_confirmed_once() {
    // Arrange: invited "now" under a fixed clock, so no time has passed.
    let server = start_with(fixed_clock(), Config::default());
    assert_reply(&invite(&server, RAVI), 200, &sent(RAVI));
    // Act
    let expired = control(&server, "invitations/expire");
    let confirmed = control(&server, &format!("users/{RAVI}/confirm"));
    let again = control(&server, &format!("users/{RAVI}/confirm"));
    // Assert
    assert_reply(&expired, 200, r#"{"org_id":"zylker","expired":0}"#);
    assert_reply(
        &confirmed,
        200,
        &format!(r#"{{"personality_id":"{RAVI}","confirm":true}}"#),
    );
    assert_reply(
        &again,
        409,
        &format!(
            r#"{{"error":{{"code":"NO_PENDING_INVITATION","message":"{RAVI} has no pending invitation (not a portal user, already confirmed, or expired)"}}}}"#
        ),
    );
    assert_reply(
        &server.get(USERS, ADMIN),
        200,
        &users_page(&[
            jennifer(),
            user(RAVI, true, NOW, "Ravi Kumar", "ravi.kumar@example.com"),
        ]),
    );
    // A confirmed user can no longer be reinvited.
    let reinvite = invite_in(
        &server,
        "Contacts",
        RAVI,
        &format!("user_type_id={DEFAULT_TYPE}&type=reinvite"),
    );
    assert_reply(&reinvite, 400, CANNOT_PROCESS);
}

#[test]
fn confirming_a_record_that_is_not_a_portal_user_answers_409() {
    let server = start();
    let reply = control(&server, &format!("users/{RAVI}/confirm"));
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert_eq!(reply.json()["error"]["code"], "NO_PENDING_INVITATION");
}

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
}

// ---------------------------------------------------------------------------------------------
// I2 / I3: bulk invitations and their job status
// ---------------------------------------------------------------------------------------------

fn scheduled(job_id: &str) -> String {
    format!(
        r#"{{"portal_invite":[{{"code":"SCHEDULED","details":{{"job_id":"{job_id}"}},"message":"Portal bulk invite scheduled successfully","status":"success"}}]}}"#
    )
}

/// One item of a completed invite job, keys in the documented order.
fn item(details: &str, code: &str, message: &str, status: &str) -> String {
    format!(r#"{{"details":{details},"code":"{code}","message":"{message}","status":"{status}"}}"#)
}

fn item_ok(record: &str, message: &str) -> String {
    item(
        &format!(r#"{{"id":"{record}"}}"#),
        "SUCCESS",
        message,
        "success",
    )
}

#[test]
fn a_bulk_invite_is_scheduled_shows_null_data_until_it_runs_and_then_every_items_result() {
    // Arrange: no background worker, so the job waits for the control plane.
    let server = start_with(Clock::real(), manual_jobs());
    let body = format!(
        r#"{{"portal_invite":[{{"data":[
            {{"id":"{RAVI}","user_type_id":"{DEFAULT_TYPE}","type":"invite","language":"en_US"}},
            {{"id":"{ASHA}","user_type_id":"{DEFAULT_TYPE}","type":"invite"}}
        ]}},{{"data":[
            {{"id":"{SAM_ON_COMPANY_DOMAIN}","user_type_id":"{DEFAULT_TYPE}","type":"invite"}},
            {{"id":"{AWAITING_APPROVAL}","user_type_id":"{DEFAULT_TYPE}","type":"invite"}},
            {{"id":"{JENNIFER}","user_type_id":"{DEFAULT_TYPE}","type":"reinvite"}}
        ]}}]}}"#
    );
    // Act: schedule it, look at it, run it, look again.
    let reply = server.post(BULK, ADMIN, &body);
    let before = server.get(&format!("{BULK}?job_id={FIRST_ID}"), ADMIN);
    let users_before = server.get(USERS, ADMIN).json()["info"]["total_count"].clone();
    let ran = control(&server, "jobs/run");
    let after = server.get(&format!("{BULK}?job_id={FIRST_ID}"), ADMIN);
    // Assert
    assert_reply(&reply, 200, &scheduled(FIRST_ID));
    assert_reply(
        &before,
        200,
        &format!(
            r#"{{"portal_invite":[{{"data":null,"job_id":"{FIRST_ID}","status":"scheduled"}}]}}"#
        ),
    );
    assert_eq!(users_before, 1, "nothing is applied before the job runs");
    assert_reply(&ran, 200, r#"{"org_id":"zylker","jobs_run":1}"#);
    // The successful items byte for byte; the failed ones by code, message and status (their
    // `details` are checked by the next test).
    let after = after.json();
    assert_eq!(after["portal_invite"][0]["job_id"], FIRST_ID);
    assert_eq!(after["portal_invite"][0]["status"], "completed");
    let data = after["portal_invite"][0]["data"].as_array().unwrap();
    assert_eq!(data.len(), 5);
    assert_eq!(
        data[0].to_string(),
        item_ok(RAVI, "An Invite has been sent to the personality.")
    );
    assert_eq!(
        data[1].to_string(),
        item_ok(ASHA, "An Invite has been sent to the personality.")
    );
    let failures = [
        (
            "INVALID_DATA",
            "Invitation sent has failed as users of your organization's domain cannot be invited to the Client Portal user type.",
        ),
        ("NOT_APPROVED", "Entity has not approved to invite yet."),
        ("CANNOT_PROCESS", "Invalid type for the portal invite"),
    ];
    for (result, (code, message)) in data[2..].iter().zip(failures) {
        let keys: Vec<&String> = result.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["details", "code", "message", "status"], "{result}");
        assert_eq!(
            (
                result["code"].as_str(),
                result["message"].as_str(),
                result["status"].as_str()
            ),
            (Some(code), Some(message), Some("error")),
        );
    }
    assert_eq!(server.get(USERS, ADMIN).json()["info"]["total_count"], 3);
    // A `type` other than invite or reinvite is refused before anything is scheduled.
    let bad_type = format!(
        r#"{{"portal_invite":[{{"data":[{{"id":"{BEN}","user_type_id":"{DEFAULT_TYPE}","type":"resend"}}]}}]}}"#
    );
    assert_reply(
        &server.post(BULK, ADMIN, &bad_type),
        400,
        r#"{"portal_invite":[{"code":"INVALID_DATA","details":{"supported_values":["invite","reinvite"],"api_name":"type","json_path":"$.portal_invite[0].data[0].type"},"message":"invalid data","status":"error"}]}"#,
    );
}

#[test]
fn every_item_of_a_completed_invite_job_names_its_record_in_details_id() {
    let server = start_with(Clock::real(), manual_jobs());
    let body = format!(
        r#"{{"portal_invite":[{{"data":[
            {{"id":"{RAVI}","user_type_id":"{DEFAULT_TYPE}","type":"invite"}},
            {{"id":"{SAM_ON_COMPANY_DOMAIN}","user_type_id":"{DEFAULT_TYPE}","type":"invite"}},
            {{"id":"{AWAITING_APPROVAL}","user_type_id":"{DEFAULT_TYPE}","type":"invite"}},
            {{"id":"{JENNIFER}","user_type_id":"{DEFAULT_TYPE}","type":"reinvite"}}
        ]}}]}}"#
    );
    assert_reply(&server.post(BULK, ADMIN, &body), 200, &scheduled(FIRST_ID));
    control(&server, "jobs/run");
    let status = server
        .get(&format!("{BULK}?job_id={FIRST_ID}"), ADMIN)
        .json();
    let data = status["portal_invite"][0]["data"]
        .as_array()
        .unwrap()
        .clone();
    for (result, record) in
        data.iter()
            .zip([RAVI, SAM_ON_COMPANY_DOMAIN, AWAITING_APPROVAL, JENNIFER])
    {
        assert_eq!(
            result["details"].to_string(),
            format!(r#"{{"id":"{record}"}}"#),
            "{result}"
        );
    }
}

#[test]
fn a_bulk_reinvite_of_an_unconfirmed_user_is_resent() {
    let server = start_with(Clock::real(), manual_jobs());
    assert_reply(&invite(&server, RAVI), 200, &sent(RAVI));
    let body = format!(
        r#"{{"portal_invite":[{{"data":[{{"id":{RAVI},"user_type_id":{DEFAULT_TYPE},"type":"reinvite","language":"de_DE"}}]}}]}}"#
    );
    assert_reply(&server.post(BULK, ADMIN, &body), 200, &scheduled(FIRST_ID));
    control(&server, "jobs/run");
    assert_reply(
        &server.get(&format!("{BULK}?job_id={FIRST_ID}"), ADMIN),
        200,
        &format!(
            r#"{{"portal_invite":[{{"data":[{}],"job_id":"{FIRST_ID}","status":"completed"}}]}}"#,
            item_ok(RAVI, "Invite has been resent to personality")
        ),
    );
}

#[test]
fn job_status_without_a_job_id_lists_every_invite_job_of_the_module() {
    // Arrange: two bulk invites.
    let server = start_with(Clock::real(), manual_jobs());
    for (record, job_id) in [(RAVI, FIRST_ID), (ASHA, SECOND_ID)] {
        let body = format!(
            r#"{{"portal_invite":[{{"data":[{{"id":"{record}","user_type_id":"{DEFAULT_TYPE}","type":"invite"}}]}}]}}"#
        );
        assert_reply(&server.post(BULK, ADMIN, &body), 200, &scheduled(job_id));
    }
    // Act
    let reply = server.get(BULK, ADMIN);
    // Assert: both, oldest first.
    assert_reply(
        &reply,
        200,
        &format!(
            r#"{{"portal_invite":[{{"data":null,"job_id":"{FIRST_ID}","status":"scheduled"}},{{"data":null,"job_id":"{SECOND_ID}","status":"scheduled"}}]}}"#
        ),
    );
    // An empty job_id is the same as none.
    assert_eq!(
        server.get(&format!("{BULK}?job_id="), ADMIN).body,
        reply.body
    );
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

#[test]
fn bulk_invites_and_job_status_of_an_unknown_module_are_invalid_module() {
    let server = start_with(Clock::real(), manual_jobs());
    let body = format!(
        r#"{{"portal_invite":[{{"data":[{{"id":"{RAVI}","user_type_id":"{DEFAULT_TYPE}","type":"invite"}}]}}]}}"#
    );
    let path = "/crm/v4/Widgets/actions/portal_invite";
    assert_reply(&server.post(path, ADMIN, &body), 400, INVALID_MODULE);
    assert_reply(&server.get(path, ADMIN), 400, INVALID_MODULE);
    assert_eq!(server.get(BULK, ADMIN).status, 204, "nothing scheduled");
}

#[test]
fn bulk_invite_validation_errors_are_the_documented_bodies_and_schedule_nothing() {
    let server = start_with(Clock::real(), manual_jobs());
    let wrapped = |inner: String| format!(r#"{{"portal_invite":[{inner}]}}"#);
    let mandatory = |api_name: &str, json_path: &str| {
        error(
            "MANDATORY_NOT_FOUND",
            &format!(r#"{{"api_name":"{api_name}","json_path":"{json_path}"}}"#),
            "required field not found",
        )
    };
    let expected_type = |expected: &str, api_name: &str, json_path: &str| {
        error(
            "INVALID_DATA",
            &format!(
                r#"{{"expected_data_type":"{expected}","api_name":"{api_name}","json_path":"{json_path}"}}"#
            ),
            "invalid data",
        )
    };
    let languages = r#"["en_US","en_GB","bg_BG","zh_CN","zh_TW","hr_HR","ar_EG","in_ID","cs_CZ","da_DK","nl_NL","fr_FR","de_DE","hu_HU","hi_IN","it_IT","ja_JP","pl_PL","pt_BR","pt_PT","ru_RU","es_ES","sv_SE","th_TH","tr_TR","vi_VN","ko_KR","iw_IL"]"#;
    let cases: Vec<(String, String)> = vec![
        (
            format!(
                r#"{{"portal_invite":[{{"data":[{{"id":"{RAVI}","type":"invite","language":"en_US"}}]}}]}}"#
            ),
            wrapped(mandatory(
                "user_type_id",
                "$.portal_invite[0].data[0].user_type_id",
            )),
        ),
        (
            format!(
                r#"{{"portal_invite":[{{"data":[{{"id":"{RAVI}","user_type_id":"{DEFAULT_TYPE}","type":"invite"}},{{"user_type_id":"{DEFAULT_TYPE}","type":"invite"}}]}}]}}"#
            ),
            wrapped(mandatory("id", "$.portal_invite[0].data[1].id")),
        ),
        (
            format!(
                r#"{{"portal_invite":[{{"data":[{{"id":"{RAVI}","user_type_id":"{DEFAULT_TYPE}"}}]}}]}}"#
            ),
            wrapped(mandatory("type", "$.portal_invite[0].data[0].type")),
        ),
        (
            format!(
                r#"{{"portal_invite":[{{"data":[{{"id":"{RAVI}","user_type_id":"{DEFAULT_TYPE}","type":1}}]}}]}}"#
            ),
            wrapped(expected_type(
                "string",
                "type",
                "$.portal_invite[0].data[0].type",
            )),
        ),
        (
            format!(
                r#"{{"portal_invite":[{{"data":[{{"id":true,"user_type_id":"{DEFAULT_TYPE}","type":"invite"}}]}}]}}"#
            ),
            wrapped(expected_type(
                "string",
                "id",
                "$.portal_invite[0].data[0].id",
            )),
        ),
        (
            format!(
                r#"{{"portal_invite":[{{"data":[{{"id":"{RAVI}","user_type_id":"{DEFAULT_TYPE}","type":"invite","language":"en_us"}}]}}]}}"#
            ),
            wrapped(error(
                "INVALID_DATA",
                &format!(
                    r#"{{"supported_values":{languages},"api_name":"language","json_path":"$.portal_invite[0].data[0].language"}}"#
                ),
                "invalid data",
            )),
        ),
        (
            r#"{"portal_invite":[{"data":[]}]}"#.to_owned(),
            wrapped(mandatory("data", "$.portal_invite[0].data")),
        ),
        (
            r#"{"portal_invite":[{}]}"#.to_owned(),
            wrapped(mandatory("data", "$.portal_invite[0].data")),
        ),
        (
            r#"{"portal_invite":[{"data":{}}]}"#.to_owned(),
            wrapped(expected_type(
                "jsonarray",
                "data",
                "$.portal_invite[0].data",
            )),
        ),
        (
            r#"{"portal_invite":[{"data":["x"]}]}"#.to_owned(),
            wrapped(expected_type(
                "jsonobject",
                "data",
                "$.portal_invite[0].data[0]",
            )),
        ),
        (
            "{}".to_owned(),
            mandatory("portal_invite", "$.portal_invite"),
        ),
        ("".to_owned(), mandatory("portal_invite", "$.portal_invite")),
        (
            r#"{"portal_invite":[]}"#.to_owned(),
            mandatory("portal_invite", "$.portal_invite"),
        ),
        (
            r#"{"portal_invite":{}}"#.to_owned(),
            expected_type("jsonarray", "portal_invite", "$.portal_invite"),
        ),
        ("{oops".to_owned(), error("JSON_PARSE_ERROR", "{}", "body")),
    ];
    for (body, expected) in &cases {
        let reply = server.post(BULK, ADMIN, body);
        assert_reply(&reply, 400, expected);
    }
    assert_eq!(server.get(BULK, ADMIN).status, 204, "nothing scheduled");
}

#[test]
fn a_bulk_invite_holds_at_most_100_items_per_data_array() {
    let server = start_with(Clock::real(), manual_jobs());
    let data: Vec<String> = (0..101)
        .map(|n| {
            format!(
                r#"{{"id":"{}","user_type_id":"{DEFAULT_TYPE}","type":"invite"}}"#,
                1_306_462_000_100_000_000u64 + n
            )
        })
        .collect();
    let body = format!(r#"{{"portal_invite":[{{"data":[{}]}}]}}"#, data.join(","));
    let reply = server.post(BULK, ADMIN, &body);
    assert_reply(
        &reply,
        400,
        r#"{"portal_invite":[{"code":"INVALID_DATA","details":{"api_name":"data","json_path":"$.portal_invite[0].data","maximum_length":100},"message":"invalid data","status":"error"}]}"#,
    );
}
