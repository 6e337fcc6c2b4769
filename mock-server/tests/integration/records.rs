//! The Records API subset over real HTTP, for what scenarios (fixtures/scenarios/records/)
//! cannot see: the exact answer under a stopped clock, and the ids a fresh server hands out.

use crate::common::{ADMIN, DEFAULT_TYPE, FIRST_ID, NOW, SECOND_ID, assert_reply, start_fixed};

const CONTACTS: &str = "/crm/v8/Contacts";

#[test]
fn an_added_contact_reads_back_and_can_be_invited() {
    let server = start_fixed();
    let reply = server.post(
        CONTACTS,
        ADMIN,
        r#"{"data":[{"First_Name":"Ada","Last_Name":"Lovelace","Email":"ada@example.com","Mailing_City":"London","Unknown_Key":1}]}"#,
    );
    let by = r#"{"name":"Patricia Boyle","id":"1306462000083528405"}"#;
    assert_reply(
        &reply,
        201,
        &format!(
            r#"{{"data":[{{"code":"SUCCESS","details":{{"Modified_Time":"{NOW}","Modified_By":{by},"Created_Time":"{NOW}","id":"{FIRST_ID}","Created_By":{by},"$approval_state":"approved"}},"message":"record added","status":"success"}}]}}"#
        ),
    );
    let read = server.get(&format!("{CONTACTS}/{FIRST_ID}"), ADMIN);
    assert_reply(
        &read,
        200,
        &format!(
            r#"{{"data":[{{"Last_Name":"Lovelace","First_Name":"Ada","Email":"ada@example.com","Mailing_City":"London","Created_Time":"{NOW}","Created_By":{by},"Modified_Time":"{NOW}","Modified_By":{by},"$approval_state":"approved","id":"{FIRST_ID}"}}]}}"#
        ),
    );
    let invite = server.post(
        &format!(
            "/crm/v8/Contacts/{FIRST_ID}/actions/portal_invite?user_type_id={DEFAULT_TYPE}&type=invite"
        ),
        ADMIN,
        "",
    );
    assert_eq!(invite.status, 200, "{}", invite.body);
}

#[test]
fn only_valid_records_take_an_id_from_the_sequence() {
    let server = start_fixed();
    let reply = server.post(
        CONTACTS,
        ADMIN,
        r#"{"data":[{"First_Name":"No Last Name"},{"Last_Name":"Good"},{"Last_Name":7},"text"]}"#,
    );
    assert_eq!(reply.status, 207, "{}", reply.body);
    assert_eq!(reply.json()["data"][1]["details"]["id"], FIRST_ID);
    // The refused records took no id: the next one is the sequence's second.
    let next = server.post(CONTACTS, ADMIN, r#"{"data":[{"Last_Name":"Next"}]}"#);
    assert_eq!(next.json()["data"][0]["details"]["id"], SECOND_ID);
}
