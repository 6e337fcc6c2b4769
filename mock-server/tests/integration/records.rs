//! The Records API subset over real HTTP: add Contacts with per-record results, read one back,
//! delete to the recycle bin, and what the invitation rules then make of those records.

use crate::common::{ADMIN, assert_reply, start};
use portals_mock::{Clock, Config};

const CONTACTS: &str = "/crm/v8/Contacts";

#[test]
fn an_added_contact_reads_back_and_can_be_invited() {
    let server = start_with_fixed_clock();
    let reply = server.post(
        CONTACTS,
        ADMIN,
        r#"{"data":[{"First_Name":"Ada","Last_Name":"Lovelace","Email":"ada@example.com","Mailing_City":"London","Unknown_Key":1}]}"#,
    );
    assert_reply(
        &reply,
        201,
        r#"{"data":[{"code":"SUCCESS","details":{"Modified_Time":"2023-02-07T20:13:20+05:30","Modified_By":{"name":"Patricia Boyle","id":"1306462000083528405"},"Created_Time":"2023-02-07T20:13:20+05:30","id":"1306462000001856005","Created_By":{"name":"Patricia Boyle","id":"1306462000083528405"},"$approval_state":"approved"},"message":"record added","status":"success"}]}"#,
    );
    let read = server.get(&format!("{CONTACTS}/1306462000001856005"), ADMIN);
    assert_reply(
        &read,
        200,
        r#"{"data":[{"Last_Name":"Lovelace","First_Name":"Ada","Email":"ada@example.com","Mailing_City":"London","Created_Time":"2023-02-07T20:13:20+05:30","Created_By":{"name":"Patricia Boyle","id":"1306462000083528405"},"Modified_Time":"2023-02-07T20:13:20+05:30","Modified_By":{"name":"Patricia Boyle","id":"1306462000083528405"},"$approval_state":"approved","id":"1306462000001856005"}]}"#,
    );
    let invite = server.post(
        "/crm/v8/Contacts/1306462000001856005/actions/portal_invite?user_type_id=1306462000001813022&type=invite",
        ADMIN,
        "",
    );
    assert_eq!(invite.status, 200, "{}", invite.body);
}

#[test]
fn each_record_gets_its_own_result_and_only_valid_ones_are_added() {
    let server = start_with_fixed_clock();
    let reply = server.post(
        CONTACTS,
        ADMIN,
        r#"{"data":[{"First_Name":"No Last Name"},{"Last_Name":"Bad","Email":"not-an-email"},{"Last_Name":"Good"},{"Last_Name":7},"text"]}"#,
    );
    assert_eq!(reply.status, 207);
    let body = reply.json();
    let items = body["data"].as_array().unwrap();
    assert_eq!(
        items[0],
        serde_json::json!({"code":"MANDATORY_NOT_FOUND","details":{"api_name":"Last_Name","json_path":"$.data[0].Last_Name"},"message":"required field not found","status":"error"})
    );
    assert_eq!(
        items[1],
        serde_json::json!({"code":"INVALID_DATA","details":{"expected_data_type":"email","api_name":"Email","json_path":"$.data[1].Email"},"message":"invalid data","status":"error"})
    );
    assert_eq!(items[2]["code"], "SUCCESS");
    assert_eq!(items[3]["details"]["expected_data_type"], "text");
    assert_eq!(items[4]["details"]["expected_data_type"], "jsonobject");
    // Only the valid record took an id: the next one is the sequence's second.
    let next = server.post(CONTACTS, ADMIN, r#"{"data":[{"Last_Name":"Next"}]}"#);
    assert_eq!(
        next.json()["data"][0]["details"]["id"],
        "1306462000001856006"
    );
}

#[test]
fn body_errors_are_top_level_and_add_nothing() {
    let server = start();
    assert_reply(
        &server.post(CONTACTS, ADMIN, "{}"),
        400,
        r#"{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"data","json_path":"$.data"},"message":"required field not found","status":"error"}"#,
    );
    assert_reply(
        &server.post(CONTACTS, ADMIN, r#"{"data":{"Last_Name":"x"}}"#),
        400,
        r#"{"code":"INVALID_DATA","details":{"expected_data_type":"jsonarray"},"message":"body","status":"error"}"#,
    );
    assert_reply(
        &server.post(CONTACTS, ADMIN, "{not json"),
        400,
        r#"{"code":"JSON_PARSE_ERROR","details":{},"message":"body","status":"error"}"#,
    );
    assert_reply(
        &server.post("/crm/v8/Widgets", ADMIN, r#"{"data":[{"Name":"x"}]}"#),
        400,
        r#"{"code":"INVALID_MODULE","details":{},"message":"the module name given seems to be invalid","status":"error"}"#,
    );
    let first = server.post(CONTACTS, ADMIN, r#"{"data":[{"Last_Name":"First"}]}"#);
    assert_eq!(
        first.json()["data"][0]["details"]["id"],
        "1306462000001856005"
    );
}

#[test]
fn delete_moves_records_to_the_recycle_bin_one_result_each() {
    let server = start();
    let added = server.post(CONTACTS, ADMIN, r#"{"data":[{"Last_Name":"Gone"}]}"#);
    let id = added.json()["data"][0]["details"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = server.call(
        "DELETE",
        &format!("{CONTACTS}?ids={id},1306462000000999999"),
        Some(ADMIN),
        None,
    );
    assert_reply(
        &reply,
        207,
        &format!(
            r#"{{"data":[{{"code":"SUCCESS","details":{{"id":"{id}"}},"message":"record deleted","status":"success"}},{{"code":"INVALID_DATA","details":{{"id":"1306462000000999999"}},"message":"record not deleted","status":"error"}}]}}"#
        ),
    );
    assert_eq!(server.get(&format!("{CONTACTS}/{id}"), ADMIN).status, 204);
    // A record in the recycle bin cannot be invited, and cannot be deleted twice.
    let invite = server.post(
        &format!("/crm/v8/Contacts/{id}/actions/portal_invite?user_type_id=1306462000001813022&type=invite"),
        ADMIN,
        "",
    );
    assert_eq!(invite.status, 400);
    let again = server.call("DELETE", &format!("{CONTACTS}/{id}"), Some(ADMIN), None);
    assert_eq!(again.status, 400);
    assert_reply(
        &server.call("DELETE", CONTACTS, Some(ADMIN), None),
        400,
        r#"{"code":"REQUIRED_PARAM_MISSING","details":{"param":"ids"},"message":"One of the expected parameter is missing","status":"error"}"#,
    );
}

#[test]
fn records_need_a_module_scope() {
    let server = start();
    let reply = server.post(
        CONTACTS,
        "1000.zylker.readonly",
        r#"{"data":[{"Last_Name":"x"}]}"#,
    );
    assert_reply(
        &reply,
        401,
        r#"{"code":"OAUTH_SCOPE_MISMATCH","details":{},"message":"invalid oauth scope to access this URL","status":"error"}"#,
    );
    assert_eq!(
        server
            .get(&format!("{CONTACTS}/1306462000000670001"), ADMIN)
            .json()["data"][0]["Email"],
        "ravi.kumar@example.com"
    );
}

fn start_with_fixed_clock() -> crate::common::TestServer {
    let at = portals_mock::clock::parse_timestamp("2023-02-07T20:13:20+05:30").unwrap();
    crate::common::start_with(Clock::fixed(at), Config::default())
}
