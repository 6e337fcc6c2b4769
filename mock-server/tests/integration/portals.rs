//! P1–P4 over real HTTP: the documented samples, the business rules and every error body.

use crate::common::{ADMIN, BLANK, assert_reply, compact, start, start_with};
use portals_mock::{Clock, Config};

const PORTALS: &str = "/crm/v4/settings/portals";

/// The Kaizen #72 "Get Portals" sample response, as printed in the post.
const K72_GET_PORTALS: &str = r#"{
    "portals": [
        {
            "created_time": "2023-02-07T20:13:20+05:30",
            "modified_time": "2023-02-07T20:13:20+05:30",
            "modified_by": {
                "name": "Patricia Boyle",
                "id": "4876876000000327001"
            },
            "name": "ZylkerAutos",
            "active": true,
            "zaid": "10052946888",
            "created_by": {
                "name": "Patricia Boyle",
                "id": "4875876000000327001"
            }
        }
    ]
 }"#;

#[test]
fn get_portals_reproduces_the_kaizen_72_sample_byte_for_byte_in_every_version() {
    let server = start();
    for version in ["v4", "v5", "v6", "v7", "v8"] {
        let reply = server.get(&format!("/crm/{version}/settings/portals"), ADMIN);
        assert_reply(&reply, 200, &compact(K72_GET_PORTALS));
    }
}

#[test]
fn get_portal_by_name_answers_the_same_item_and_ignores_case() {
    let server = start();
    let expected = compact(K72_GET_PORTALS);
    assert_reply(
        &server.get("/crm/v8/settings/portals/ZylkerAutos", ADMIN),
        200,
        &expected,
    );
    assert_reply(
        &server.get("/crm/v8/settings/portals/zylkerautos", ADMIN),
        200,
        &expected,
    );
}

#[test]
fn get_portal_with_an_unknown_name_is_the_documented_no_portal_error() {
    let server = start();
    let reply = server.get("/crm/v8/settings/portals/NoSuchPortal", ADMIN);
    assert_reply(
        &reply,
        400,
        r#"{"code":"INVALID_DATA","details":{},"message":"No portal exists with the given portal name.","status":"error"}"#,
    );
}

#[test]
fn an_org_without_a_portal_answers_204_with_no_body_and_no_content_type() {
    let server = start();
    let reply = server.get(PORTALS, BLANK);
    assert_eq!(reply.status, 204);
    assert_eq!(reply.body, "");
    assert_eq!(reply.content_type, None);
}

#[test]
fn creating_a_portal_answers_the_kaizen_72_sample_and_the_portal_appears() {
    // Arrange: a fixed clock, so created_time is known.
    let server = start_with(
        Clock::fixed(portals_mock::clock::parse_timestamp("2023-02-07T20:13:20+05:30").unwrap()),
        Config::default(),
    );
    // Act
    let reply = server.post(
        PORTALS,
        BLANK,
        r#"{"portals":[{"name":"ZylkerAutomobiles"}]}"#,
    );
    // Assert: the Kaizen #72 create sample, then the portal in the list.
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
        r#"{"portals":[{"created_time":"2023-02-07T20:13:20+05:30","modified_time":"2023-02-07T20:13:20+05:30","modified_by":{"name":"Patricia Boyle","id":"1306462000083528405"},"name":"ZylkerAutomobiles","active":true,"zaid":"10052946889","created_by":{"name":"Patricia Boyle","id":"1306462000083528405"}}]}"#,
    );
}

#[test]
fn v8_create_answers_the_message_of_the_v8_documentation() {
    let server = start();
    let reply = server.post(
        "/crm/v8/settings/portals",
        BLANK,
        r#"{"portals": [{"name": "ZylkerAutomobiles"}]}"#,
    );
    assert_reply(
        &reply,
        200,
        r#"{"portals":[{"code":"SUCCESS","details":{"name":"ZylkerAutomobiles"},"message":"Portal created successfully","status":"success"}]}"#,
    );
}

#[test]
fn a_second_portal_in_one_org_is_refused_and_nothing_changes() {
    let server = start();
    let before = server.get(PORTALS, ADMIN).body;
    let reply = server.post(PORTALS, ADMIN, r#"{"portals":[{"name":"SecondPortal"}]}"#);
    assert_reply(
        &reply,
        400,
        r#"{"portals":[{"code":"LIMIT_REACHED","details":{},"message":"Only one portal can be created per organization","status":"error"}]}"#,
    );
    assert_eq!(server.get(PORTALS, ADMIN).body, before);
}

#[test]
fn a_name_used_by_any_org_of_the_server_is_already_used_whatever_its_case() {
    let server = start();
    let reply = server.post(PORTALS, BLANK, r#"{"portals":[{"name":"zylkerAUTOS"}]}"#);
    assert_reply(
        &reply,
        400,
        r#"{"portals":[{"code":"ALREADY_USED","details":{"api_name":"name"},"message":"The entered portal name is already in use","status":"error"}]}"#,
    );
    assert_eq!(server.get(PORTALS, BLANK).status, 204, "no partial write");
}

#[test]
fn create_validation_errors_are_the_documented_bodies() {
    let server = start();
    let cases: &[(&str, u16, &str)] = &[
        (
            r#"{"portals":[{}]}"#,
            400,
            r#"{"portals":[{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"name","json_path":"$.portals[0].name"},"message":"required field not found","status":"error"}]}"#,
        ),
        (
            r#"{"portals":[{"name":null}]}"#,
            400,
            r#"{"portals":[{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"name","json_path":"$.portals[0].name"},"message":"required field not found","status":"error"}]}"#,
        ),
        (
            r#"{"portals":[{"name":"abc"}]}"#,
            400,
            r#"{"portals":[{"code":"INVALID_DATA","details":{"api_name":"name","json_path":"$.portals[0].name","minimum_length":6},"message":"invalid data","status":"error"}]}"#,
        ),
        (
            r#"{"portals":[{"name":"A234567890123456789012345678901"}]}"#,
            400,
            r#"{"portals":[{"code":"INVALID_DATA","details":{"api_name":"name","json_path":"$.portals[0].name","maximum_length":30},"message":"invalid data","status":"error"}]}"#,
        ),
        (
            r#"{"portals":[{"name":"Zylker Autos"}]}"#,
            400,
            r#"{"code":"PATTERN_NOT_MATCHED","details":{"api_name":"name"},"message":"Please check whether the input values are correct","status":"error"}"#,
        ),
        (
            r#"{"portals":[{"name":"Zylkér1234"}]}"#,
            400,
            r#"{"code":"PATTERN_NOT_MATCHED","details":{"api_name":"name"},"message":"Please check whether the input values are correct","status":"error"}"#,
        ),
        (
            r#"{"portals":[{"name":123456}]}"#,
            400,
            r#"{"portals":[{"code":"INVALID_DATA","details":{"expected_data_type":"string","api_name":"name","json_path":"$.portals[0].name"},"message":"invalid data","status":"error"}]}"#,
        ),
        (
            r#"{}"#,
            400,
            r#"{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"portals","json_path":"$.portals"},"message":"required field not found","status":"error"}"#,
        ),
        (
            "",
            400,
            r#"{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"portals","json_path":"$.portals"},"message":"required field not found","status":"error"}"#,
        ),
        (
            r#"{"portals":{"name":"ZylkerAutomobiles"}}"#,
            400,
            r#"{"code":"INVALID_DATA","details":{"expected_data_type":"jsonarray"},"message":"body","status":"error"}"#,
        ),
        (
            r#"{"portals":[{"name":"PortalOne1"},{"name":"PortalTwo2"}]}"#,
            400,
            r#"{"code":"INVALID_DATA","details":{"api_name":"portals","json_path":"$.portals","maximum_length":1},"message":"invalid data","status":"error"}"#,
        ),
        (
            r#"{"portals":[{"name":"ZylkerAutomobiles"}"#,
            400,
            r#"{"code":"JSON_PARSE_ERROR","details":{},"message":"body","status":"error"}"#,
        ),
    ];
    for (body, status, expected) in cases {
        let reply = server.post(PORTALS, BLANK, body);
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (*status, *expected),
            "body sent: {body}"
        );
    }
    assert_eq!(
        server.get(PORTALS, BLANK).status,
        204,
        "no error wrote anything"
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

#[test]
fn renaming_moves_the_portal_to_the_new_name_and_frees_the_old_one() {
    let server = start();
    // Act: the Kaizen #72 rename, then back.
    let reply = server.put(
        "/crm/v4/settings/portals/ZylkerAutos",
        ADMIN,
        r#"{"portals":[{"name":"ZylkerMotors"}]}"#,
    );
    assert_reply(
        &reply,
        200,
        r#"{"portals":[{"code":"SUCCESS","details":{"name":"ZylkerMotors"},"message":"Portal updated successfully","status":"success"}]}"#,
    );
    // Assert: the old name stops resolving, the new one works, modified_by is the caller.
    assert_eq!(
        server
            .get("/crm/v4/settings/portals/ZylkerAutos", ADMIN)
            .status,
        400
    );
    let renamed = server
        .get("/crm/v4/settings/portals/ZylkerMotors", ADMIN)
        .json();
    assert_eq!(renamed["portals"][0]["name"], "ZylkerMotors");
    assert_eq!(
        renamed["portals"][0]["modified_by"]["id"],
        "1306462000083528405"
    );
    assert_eq!(
        renamed["portals"][0]["created_by"]["id"],
        "4875876000000327001"
    );
    // The old name is free again for another org.
    let reply = server.post(PORTALS, BLANK, r#"{"portals":[{"name":"ZylkerAutos"}]}"#);
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[test]
fn renaming_checks_length_pattern_uniqueness_and_the_portal_name() {
    let server = start();
    server.post(PORTALS, BLANK, r#"{"portals":[{"name":"TakenName"}]}"#);
    let path = "/crm/v8/settings/portals/ZylkerAutos";
    let cases: &[(&str, &str, &str)] = &[
        (
            path,
            r#"{"portals":[{"name":"TakenName"}]}"#,
            r#"{"portals":[{"code":"ALREADY_USED","details":{"api_name":"name"},"message":"The entered portal name is already in use","status":"error"}]}"#,
        ),
        (
            path,
            r#"{"portals":[{"name":"short"}]}"#,
            r#"{"portals":[{"code":"INVALID_DATA","details":{"api_name":"name","json_path":"$.portals[0].name","minimum_length":6},"message":"invalid data","status":"error"}]}"#,
        ),
        (
            path,
            r#"{"portals":[{"name":"Bad-Name!"}]}"#,
            r#"{"code":"PATTERN_NOT_MATCHED","details":{"api_name":"name"},"message":"Please check whether the input values are correct","status":"error"}"#,
        ),
        (
            path,
            r#"{"portals":[{}]}"#,
            r#"{"portals":[{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"name","json_path":"$.portals[0].name"},"message":"required field not found","status":"error"}]}"#,
        ),
        (
            "/crm/v8/settings/portals/NoSuchPortal",
            r#"{"portals":[{"name":"Whatever1"}]}"#,
            r#"{"code":"INVALID_DATA","details":{},"message":"No portal exists with the given portal name.","status":"error"}"#,
        ),
    ];
    for (path, body, expected) in cases {
        let reply = server.put(path, ADMIN, body);
        assert_reply(&reply, 400, expected);
    }
    // Renaming to its own name (in another case) is allowed.
    let reply = server.put(path, ADMIN, r#"{"portals":[{"name":"ZYLKERAUTOS"}]}"#);
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[test]
fn saml_configuration_is_validated_and_shown_on_get_portal() {
    let server = start();
    let path = "/crm/v8/settings/portals/ZylkerAutos";
    let missing_login = server.put(
        path,
        ADMIN,
        r#"{"portals":[{"saml_configuration":{"logout_url":"https://www.example.com/out","public_key":"-----BEGIN CERTIFICATE-----"}}]}"#,
    );
    assert_reply(
        &missing_login,
        400,
        r#"{"portals":[{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"login_url","json_path":"$.portals[0].saml_configuration.login_url"},"message":"login url is mandatory to configure saml","status":"error"}]}"#,
    );
    let missing_key = server.put(
        path,
        ADMIN,
        r#"{"portals":[{"saml_configuration":{"login_url":"https://www.example.com/in","logout_url":"https://www.example.com/out"}}]}"#,
    );
    assert_reply(
        &missing_key,
        400,
        r#"{"portals":[{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"public_key","json_path":"$.portals[0].saml_configuration.public_key"},"message":"public key is mandatory to configure saml","status":"error"}]}"#,
    );
    let null_login = server.put(
        path,
        ADMIN,
        r#"{"portals":[{"saml_configuration":{"login_url":null,"logout_url":"https://www.example.com/out","public_key":"k"}}]}"#,
    );
    assert_reply(
        &null_login,
        400,
        r#"{"portals":[{"code":"NOT_ALLOWED","details":{"api_name":"login_url","json_path":"$.portals[0].saml_configuration.login_url"},"message":"not allowed to set value as null","status":"error"}]}"#,
    );
    let ok = server.put(
        path,
        ADMIN,
        r#"{"portals":[{"saml_configuration":{"login_url":"https://www.example.com/in","logout_url":"https://www.example.com/out","public_key":"-----BEGIN CERTIFICATE-----","active":true}}]}"#,
    );
    assert_reply(
        &ok,
        200,
        r#"{"portals":[{"code":"SUCCESS","details":{"name":"ZylkerAutos"},"message":"Portal updated successfully","status":"success"}]}"#,
    );
    let portal = server.get(path, ADMIN).json();
    assert_eq!(
        portal["portals"][0]["saml_configuration"]["login_url"],
        "https://www.example.com/in"
    );
    let listed = server.get("/crm/v8/settings/portals", ADMIN).json();
    assert!(listed["portals"][0].get("saml_configuration").is_none());
}

#[test]
fn a_copy_of_a_fixture_may_rename_its_portal_to_its_own_name() {
    // Arrange: a copy of zylker shares the name ZylkerAutos with the zylker org itself.
    let server = start();
    let org = server
        .call(
            "POST",
            "/__mock/orgs",
            None,
            Some(r#"{"fixture":"zylker"}"#),
        )
        .json();
    let token = org["access_token"].as_str().unwrap();
    // Act: its own name, in another case too.
    for name in ["ZylkerAutos", "zylkerautos"] {
        let reply = server.put(
            "/crm/v4/settings/portals/ZylkerAutos",
            token,
            &format!(r#"{{"portals":[{{"name":"{name}"}}]}}"#),
        );
        // Assert: its own portal is no collision.
        assert_reply(
            &reply,
            200,
            &format!(
                r#"{{"portals":[{{"code":"SUCCESS","details":{{"name":"{name}"}},"message":"Portal updated successfully","status":"success"}}]}}"#
            ),
        );
    }
    // Another org's name still is.
    let taken = server.put(
        "/crm/v4/settings/portals/ZylkerAutos",
        token,
        r#"{"portals":[{"name":"ZylkerTrial"}]}"#,
    );
    assert_eq!(taken.json()["portals"][0]["code"], "ALREADY_USED");
}
