//! The HTML report's unit tests: escaping, masking, the side-by-side diff.

use super::diff::{align, json_lines};
use super::mask::percent_decode;
use super::*;
use crate::matching::Divergence;
use crate::scenario::Section;
use serde_json::json;

fn step(expected: Value, actual: Value, divergences: Vec<Divergence>) -> StepResult {
    StepResult {
        section: Section::Steps,
        index: 0,
        name: "get portals".into(),
        request:
            "POST /crm/v4/settings/portals?filters=%7B%22a%22%3A1%7D&token=1000.zylker.refresh"
                .into(),
        request_body: Some(r#"{"portals":[{"name":"<script>alert(1)</script>"}]}"#.into()),
        status: 200,
        divergences,
        error: None,
        skipped: None,
        attempts: 1,
        body: Some(actual),
        body_text: None,
        expected_body: Some(expected),
    }
}

fn failed(name: &str, steps: Vec<StepResult>) -> ScenarioResult {
    ScenarioResult {
        name: name.into(),
        area: "portals".into(),
        description: "Get Portals answers the portal".into(),
        source: "Kaizen #72 Get Portals sample".into(),
        file: "fixtures/scenarios/portals/get.json".into(),
        tags: vec!["Get Portals".into()],
        outcome: Outcome::Failed,
        reason: None,
        steps,
        run_id: "r1".into(),
        org_id: None,
        seconds: 0.25,
    }
}

fn context(secrets: &[String]) -> Context<'_> {
    Context {
        target: "mock",
        generated: "2026-11-22T20:00:00Z",
        secrets,
    }
}

#[test]
fn everything_shown_is_escaped_and_the_page_has_no_script_or_external_resource() {
    let divergence = Divergence {
        path: "$.portals[0].name".into(),
        expected: "\"<b>bold</b>\"".into(),
        actual: "\"</td><script>alert(2)</script>\"".into(),
    };
    let result = failed(
        "portals::<script>alert(3)</script>",
        vec![step(
            json!({"portals":[{"name":"<b>bold</b>"}]}),
            json!({"portals":[{"name":"</td><script>alert(2)</script>"}]}),
            vec![divergence],
        )],
    );
    let page = html(&context(&[]), &[result]);
    assert!(!page.to_ascii_lowercase().contains("<script"), "{page}");
    assert!(!page.contains("<b>"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
    assert!(page.contains("portals::&lt;script&gt;alert(3)&lt;/script&gt;"));
    for external in ["http://", "https://", "src=", "@import", "url("] {
        assert!(!page.contains(external), "{external} in the page");
    }
}

#[test]
fn the_diverging_lines_are_highlighted_on_both_sides_and_missing_keys_leave_a_gap() {
    let divergences = vec![
        Divergence {
            path: "$.portals[0].name".into(),
            expected: "\"NotZylker\"".into(),
            actual: "\"ZylkerAutos\"".into(),
        },
        Divergence {
            path: "$.portals[0].login_url".into(),
            expected: "$type \"string\"".into(),
            actual: "(absent)".into(),
        },
    ];
    let result = failed(
        "portals::wrong",
        vec![step(
            json!({"portals":[{"name":"NotZylker","login_url":{"$type":"string"}}]}),
            json!({"portals":[{"name":"ZylkerAutos","zaid":"1"}]}),
            divergences,
        )],
    );
    let page = html(&context(&[]), &[result]);
    let row = page
        .lines()
        .find(|line| line.contains("NotZylker") && line.starts_with("<tr><td class=\"ln"))
        .unwrap();
    assert!(row.contains("class=\"expected\""), "{row}");
    assert!(row.contains("class=\"actual\""), "{row}");
    assert!(
        row.contains("ZylkerAutos"),
        "the two names share a row: {row}"
    );
    let missing = page
        .lines()
        .find(|line| line.contains("&quot;$type&quot;") && line.starts_with("<tr><td class=\"ln"))
        .unwrap();
    assert!(missing.contains("class=\"gap\""), "{missing}");
    let extra = page
        .lines()
        .find(|line| line.contains("&quot;zaid&quot;") && line.starts_with("<tr><td class=\"ln"))
        .unwrap();
    assert!(
        extra.contains("class=\"alone\""),
        "not a divergence: {extra}"
    );
    assert!(page.contains("<td><code>$.portals[0].name</code></td>"));
}

#[test]
fn secrets_never_appear_by_value_name_or_shape() {
    let token = "1000.0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef";
    let mut s = step(
        json!({"access_token":{"$type":"string"}}),
        json!({"access_token": token, "refresh_token":"1000.zylker.refresh", "note": format!("issued {token}.")}),
        vec![Divergence {
            path: "$.note".into(),
            expected: "(absent)".into(),
            actual: format!("\"issued {token}.\""),
        }],
    );
    s.request_body = Some("grant_type=refresh_token&client_secret=mocksecret&refresh_token=1000.zylker.refresh&scope=a%20b".into());
    s.error = Some("sent with 1000.given.secret".into());
    let result = failed("oauth::refresh", vec![s]);
    let secrets = vec!["1000.given.secret".to_owned()];
    let page = html(&context(&secrets), &[result]);
    for secret in [
        token,
        "1000.zylker.refresh",
        "mocksecret",
        "1000.given.secret",
    ] {
        assert!(!page.contains(secret), "{secret} leaked");
    }
    assert!(
        page.contains("grant_type=refresh_token\nclient_secret=[REDACTED]\n"),
        "{page}"
    );
    assert!(page.contains("\nscope=a b</pre>"), "{page}");
    assert!(page.contains("[REDACTED]"));
}

#[test]
fn the_summary_counts_by_area_and_endpoint() {
    let mut passed = failed("users::a", Vec::new());
    passed.area = "users".into();
    passed.outcome = Outcome::Passed;
    let ignored = ScenarioResult {
        outcome: Outcome::Ignored,
        reason: Some("needs the control plane".into()),
        ..failed("portals::b", Vec::new())
    };
    let page = html(
        &context(&[]),
        &[failed("portals::c", Vec::new()), passed, ignored],
    );
    assert!(page.contains(
        "<tr class=\"has-failed\"><th scope=\"row\">portals</th><td>0</td><td>1</td><td>1</td></tr>"
    ));
    assert!(page.contains("<tr><th scope=\"row\">users</th><td>1</td><td>0</td><td>0</td></tr>"));
    assert!(page.contains("<tr class=\"has-failed\"><th scope=\"row\">Get Portals</th><td>1</td><td>1</td><td>1</td></tr>"));
    assert!(page.contains("<code>portals::b</code>: needs the control plane"));
    assert!(page.contains("<title>portals-conformance: 1 failed, 1 passed, 1 ignored</title>"));
}

#[test]
fn a_step_without_an_expected_body_shows_the_answer_alone_labelled_once() {
    let mut s = step(
        json!(null),
        json!({"code":"INVALID_DATA","details":{}}),
        Vec::new(),
    );
    s.expected_body = None;
    s.error = Some("capture id: nothing at $.id".into());
    let page = html(&context(&[]), &[failed("portals::capture", vec![s])]);
    assert_eq!(page.matches("(no body expected)").count(), 1, "{page}");
    assert!(page.contains("<p class=\"error\">capture id: nothing at $.id</p>"));
    assert!(page.contains("&quot;code&quot;: &quot;INVALID_DATA&quot;,"));
}

#[test]
fn lines_align_by_path() {
    let left = json_lines(&json!({"a":1,"b":[1,2],"c":{"$id":true}}));
    let right = json_lines(&json!({"a":2,"b":[1],"d":3}));
    let rows = align(&left, &right);
    let shown: Vec<(Option<&str>, Option<&str>)> = rows
        .iter()
        .map(|(l, r)| {
            (
                l.map(|i| left[i].text.trim()),
                r.map(|j| right[j].text.trim()),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (Some("{"), Some("{")),
            (Some("\"a\": 1,"), Some("\"a\": 2,")),
            (Some("\"b\": ["), Some("\"b\": [")),
            (Some("1,"), Some("1")),
            (Some("2"), None),
            (Some("],"), Some("],")),
            (Some("\"c\": {\"$id\":true}"), None),
            (None, Some("\"d\": 3")),
            (Some("}"), Some("}")),
        ]
    );
}

#[test]
fn percent_decoding_and_token_shapes() {
    assert_eq!(percent_decode("a%20b+c%7B%ZZ%"), "a b c{%ZZ%");
    assert_eq!(
        mask_text("x 1000.0123456789abcdef.0123456789abcdef, 1000.zylker.admin"),
        "x [REDACTED], 1000.zylker.admin"
    );
}

#[test]
fn each_scenario_shows_its_description_and_source_and_endpoints_their_method_and_path() {
    let mut failure = failed("portals::get", Vec::new());
    failure.tags = vec!["P1".into(), "kaizen".into()];
    let mut passed = failed("users::list", Vec::new());
    passed.outcome = Outcome::Passed;
    passed.tags = vec!["U1".into()];
    passed.description = "List users <of a type>".into();
    let page = html(&context(&[]), &[failure, passed]);
    assert!(page.contains("<p class=\"description\">Get Portals answers the portal</p>"));
    assert!(page.contains("<p class=\"source\">source: Kaizen #72 Get Portals sample</p>"));
    assert!(page.contains(
        " · tags <code>P1</code> <code class=\"endpoint\">GET /crm/{version}/settings/portals</code>, <code>kaizen</code>"
    ));
    assert!(page.contains("file <code>fixtures/scenarios/portals/get.json</code>"));
    assert!(page.contains(
        "<th scope=\"row\">P1 <code class=\"endpoint\">GET /crm/{version}/settings/portals</code></th>"
    ));
    assert!(page.contains(
        "<th scope=\"row\">U1 <code class=\"endpoint\">GET /crm/{version}/settings/portals/{portal}/user_type/{user_type_id}/users</code></th>"
    ));
    assert!(page.contains("<th scope=\"row\">kaizen</th>"));
    // Passed scenarios too, escaped.
    assert!(page.contains(
        "<li><code>users::list</code><br><span class=\"description\">List users &lt;of a type&gt;</span> <span class=\"source\">source: Kaizen #72 Get Portals sample</span></li>"
    ));
}
