//! The Records API over real HTTP, for what scenarios (fixtures/scenarios/records/) cannot see:
//! the exact answer under a stopped clock, the ids a fresh server hands out, and odd input on
//! every route (undecodable escapes, 5,000 nested parentheses, SQL in values) answering
//! documented errors without writing.

use crate::common::{
    ADMIN, DEFAULT_TYPE, FIRST_ID, NOW, SECOND_ID, assert_documented, assert_odd_query_answered,
    assert_reply, start_fixed,
};

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

/// Odd queries and bodies on every Records API route: each answer is a documented status with a
/// Zoho body (never a 500), and no refused update or upsert changes a record.
#[test]
fn odd_input_on_every_records_route_is_a_documented_error_and_writes_nothing() {
    let server = start_fixed();
    let listing = format!("{CONTACTS}?fields=Last_Name,Email,Mailing_City&per_page=200");
    let before = server.get(&listing, ADMIN).body;
    let deep = format!("{}Email:equals:a{}", "(".repeat(5_000), ")".repeat(5_000));
    let wide = format!("(Email:in:{})", ",".repeat(5_000));
    let long = format!("(Last_Name:equals:{})", "x".repeat(10_000));
    let searches = [
        "criteria=%ff".to_owned(),
        "criteria=%".to_owned(),
        "criteria=(Last_Name:equals:x')%20OR%201=1--)".to_owned(),
        "criteria=(Last_Name:equals:%25)".to_owned(),
        "criteria=(Last_Name:starts_with:_)".to_owned(),
        "criteria=(Owner:equals:abc)".to_owned(),
        "criteria=(id:equals:1306462000000670001)".to_owned(),
        format!("criteria={deep}"),
        format!("criteria={wide}"),
        format!("criteria={long}"),
        "email=%00@x.com".to_owned(),
        "phone=%27".to_owned(),
        "word=%25".to_owned(),
        "email=a@b.com&page=99999999999999999999999".to_owned(),
        "email=a@b.com&per_page=1e3".to_owned(),
    ];
    for query in &searches {
        assert_odd_query_answered(&server, &format!("{CONTACTS}/search?"), query);
    }
    for query in [
        "fields=Email&page_token=%ff%fe",
        "fields=Email&page=0",
        "fields=Email&per_page=-5",
        "fields=Email&sort_by=id;DROP%20TABLE%20records",
        "fields=Email&cvid=1'",
        "fields=,,,,",
    ] {
        let reply = server.get(&format!("{CONTACTS}?{query}"), ADMIN);
        assert_eq!(reply.status, 400, "{query}: {}", reply.body);
        assert_documented(&reply);
    }
    let bodies = [
        "not json",
        "[]",
        r#"{"data":"x"}"#,
        r#"{"data":[[]]}"#,
        r#"{"data":[{"id":"1306462000000670001","Last_Name":null}]}"#,
        r#"{"data":[{"id":"1306462000000670001","Email":7}]}"#,
        r#"{"data":[{"Last_Name":"x"}],"duplicate_check_fields":[7]}"#,
        r#"{"data":[{"Last_Name":"x"}],"duplicate_check_fields":{"a":1}}"#,
    ];
    for body in bodies {
        for (method, path) in [
            ("PUT", CONTACTS.to_owned()),
            ("POST", format!("{CONTACTS}/upsert")),
        ] {
            let reply = server.call(method, &path, Some(ADMIN), Some(body));
            assert_eq!(reply.status, 400, "{method} {body}: {}", reply.body);
            assert_documented(&reply);
        }
    }
    // An id that is no id: refused by update (upsert ignores `id`, which is no field).
    let reply = server.put(
        CONTACTS,
        ADMIN,
        r#"{"data":[{"id":{"a":1},"Last_Name":"x"}]}"#,
    );
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_documented(&reply);
    let deleted = server.get(&format!("{CONTACTS}/deleted?type=%ff"), ADMIN);
    assert_eq!(deleted.status, 400, "{}", deleted.body);
    assert_eq!(
        server.get(&listing, ADMIN).body,
        before,
        "a refused write changed a record"
    );
}
