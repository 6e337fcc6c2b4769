//! P1–P4 over real HTTP, for what the scenarios (fixtures/scenarios/portals/) cannot send or see:
//! a stopped clock behind `created_time`, and a request without any `Content-Type` header.

use crate::common::{BLANK, NOW, assert_reply, compact, start, start_fixed};

const PORTALS: &str = "/crm/v4/settings/portals";

#[test]
fn creating_a_portal_answers_the_kaizen_72_sample_and_the_portal_appears() {
    // Arrange: a stopped clock, so created_time is known.
    let server = start_fixed();
    // Act
    let reply = server.post(
        PORTALS,
        BLANK,
        r#"{"portals":[{"name":"ZylkerAutomobiles"}]}"#,
    );
    // Assert: the Kaizen #72 create sample, then the portal in the list, created now.
    assert_reply(
        &reply,
        200,
        &compact(
            r#"{"portals":[{"code":"SUCCESS","details":{"name":"ZylkerAutomobiles"},
                "message":"Portal created successfully with given name.","status":"success"}]}"#,
        ),
    );
    assert_reply(
        &server.get(PORTALS, BLANK),
        200,
        &format!(
            r#"{{"portals":[{{"created_time":"{NOW}","modified_time":"{NOW}","modified_by":{{"name":"Patricia Boyle","id":"1306462000083528405"}},"name":"ZylkerAutomobiles","active":true,"zaid":"10052946889","created_by":{{"name":"Patricia Boyle","id":"1306462000083528405"}}}}]}}"#
        ),
    );
}

#[test]
fn a_body_without_content_type_is_parsed_as_json() {
    let server = start();
    let reply = server.call_with_headers(
        "POST",
        PORTALS,
        &[("Authorization", "Zoho-oauthtoken 1000.blank.admin")],
        Some(r#"{"portals":[{"name":"NoContentType"}]}"#),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
}
