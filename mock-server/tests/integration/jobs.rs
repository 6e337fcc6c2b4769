//! Scheduled jobs: the 200/201 transfer and 499/500 delete thresholds, bulk invites of 10,000
//! users, the licence limits, and running jobs from the control plane.

use portals_mock::fixtures::{CrmSource, RecordFixture};
use portals_mock::{Clock, Config, FixtureSet};
use serde_json::{Value, json};

use crate::common::{
    ADMIN, DEFAULT_TYPE, TestServer, USERS, start_configured, start_with_fixtures,
};

/// Record ids of the generated customers: `1306462000100000000 + n`.
pub(crate) fn customer_id(n: usize) -> String {
    format!("{}", 1_306_462_000_100_000_000u64 + n as u64)
}

/// The built-in fixtures, with `count` extra Contacts customers in the zylker CRM; `trial`
/// turns zylker into a trial org (10 portal users at most).
pub(crate) fn fixtures_with_customers(count: usize, trial: bool) -> FixtureSet {
    let set = FixtureSet::embedded().unwrap();
    let mut zylker = set.org("zylker").unwrap().clone();
    zylker.org.trial = trial;
    let mut crm = zylker.crm().unwrap().clone();
    for n in 0..count {
        crm.records.push(RecordFixture {
            id: customer_id(n),
            module: "Contacts".into(),
            name: format!("Customer {n}"),
            email: Some(format!("customer{n}@example.com")),
            approval: "approved".into(),
            gdpr_consent: true,
            state: "active".into(),
            note: String::new(),
            data: Default::default(),
            created_time: None,
            created_by: None,
            modified_time: None,
            modified_by: None,
        });
    }
    zylker.crm = CrmSource::Inline(Box::new(crm));
    set.with_org("zylker", zylker)
}

fn server(count: usize, trial: bool) -> TestServer {
    start_with_fixtures(
        fixtures_with_customers(count, trial),
        Clock::real(),
        Config {
            job_interval: None,
            ..Config::default()
        },
    )
}

/// Invites customers `0..count` with bulk invites of 100 groups of 100 and runs the job.
fn bulk_invite(server: &TestServer, count: usize) -> String {
    let groups: Vec<Value> = (0..count)
        .collect::<Vec<_>>()
        .chunks(100)
        .map(|chunk| {
            let data: Vec<Value> = chunk
                .iter()
                .map(|n| json!({"id": customer_id(*n), "user_type_id": DEFAULT_TYPE, "type": "invite"}))
                .collect();
            json!({ "data": data })
        })
        .collect();
    let reply = server.post(
        "/crm/v7/Contacts/actions/portal_invite",
        ADMIN,
        &json!({ "portal_invite": groups }).to_string(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let job_id = reply.json()["portal_invite"][0]["details"]["job_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ran = server.call("POST", "/__mock/orgs/zylker/jobs/run", None, None);
    assert_eq!(ran.json()["jobs_run"], 1);
    job_id
}

fn ids(range: std::ops::Range<usize>) -> String {
    range.map(customer_id).collect::<Vec<_>>().join(",")
}

fn create_second_type(server: &TestServer) -> String {
    let reply = server.post(
        "/crm/v4/settings/portals/ZylkerAutos/user_type",
        ADMIN,
        r#"{"user_type":[{"name":"Premium","personality_module":{"api_name":"Contacts"},"modules":[{"id":"1306462000000000129","shared_type":"private","permissions":{"view":true}},{"id":"1306462000000000147","shared_type":"private","permissions":{"view":true}}]}]}"#,
    );
    reply.json()["user_type"][0]["details"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", reply.body))
        .to_owned()
}

fn no_of_users(server: &TestServer, type_id: &str) -> i64 {
    let types = server
        .get("/crm/v4/settings/portals/ZylkerAutos/user_type", ADMIN)
        .json();
    types["user_type"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == type_id)
        .map(|t| t["no_of_users"].as_i64().unwrap())
        .unwrap()
}

#[test]
fn ten_thousand_users_invited_in_bulk_can_be_paged_through() {
    // Arrange: 9,999 customers plus Jennifer make the 10,000 users the licence allows.
    let server = server(9_999, false);
    // Act
    let job_id = bulk_invite(&server, 9_999);
    // Assert: every item succeeded.
    let status = server
        .get(
            &format!("/crm/v7/Contacts/actions/portal_invite?job_id={job_id}"),
            ADMIN,
        )
        .json();
    let job = &status["portal_invite"][0];
    assert_eq!(job["status"], "completed");
    let data = job["data"].as_array().unwrap();
    assert_eq!(data.len(), 9_999);
    assert!(
        data.iter().all(|item| item["code"] == "SUCCESS"),
        "{}",
        data[0]
    );
    // Paging: 50 pages of 200, the last one without more records.
    let mut seen = 0;
    for page in 1..=50 {
        let body = server
            .get(
                &format!("{USERS}?type=AllUsers&page={page}&per_page=200"),
                ADMIN,
            )
            .json();
        let count = body["users"].as_array().unwrap().len();
        seen += count;
        assert_eq!(body["info"]["total_count"], 10_000);
        assert_eq!(body["info"]["page"], page);
        assert_eq!(body["info"]["more_records"], page < 50);
        assert_eq!(count, 200);
    }
    assert_eq!(seen, 10_000);
    assert_eq!(server.get(&format!("{USERS}?page=51"), ADMIN).status, 204);
    // The licence is full: one more invitation is refused.
    let one_more = server.post(
        "/crm/v4/Contacts/1306462000000670001/actions/portal_invite?user_type_id=1306462000001813022&type=invite",
        ADMIN,
        "",
    );
    assert_eq!(
        one_more.body,
        r#"{"code":"LICENSE_LIMIT_EXCEEDED","details":{},"message":"License limit exceeded.","status":"error"}"#
    );
}

#[test]
fn a_trial_org_allows_ten_portal_users() {
    let server = server(12, true);
    // Jennifer is the first; nine more fit.
    for n in 0..9 {
        let reply = server.post(
            &format!(
                "/crm/v4/Contacts/{}/actions/portal_invite?user_type_id={DEFAULT_TYPE}&type=invite",
                customer_id(n)
            ),
            ADMIN,
            "",
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let eleventh = server.post(
        &format!(
            "/crm/v4/Contacts/{}/actions/portal_invite?user_type_id={DEFAULT_TYPE}&type=invite",
            customer_id(9)
        ),
        ADMIN,
        "",
    );
    assert_eq!(eleventh.status, 400);
    assert_eq!(eleventh.json()["code"], "LICENSE_LIMIT_EXCEEDED");
}

#[test]
fn transferring_200_users_is_immediate_and_201_is_a_job() {
    let server = server(401, false);
    bulk_invite(&server, 401);
    let premium = create_second_type(&server);
    let transfer = |range: std::ops::Range<usize>| {
        server.call(
            "POST",
            &format!(
                "{USERS}/action/transfer?transfer_To={premium}&personality_ids={}",
                ids(range)
            ),
            Some(ADMIN),
            None,
        )
    };
    // 200: answered per id at once.
    let reply = transfer(0..200);
    assert_eq!(reply.status, 200);
    let items = reply.json()["users"].as_array().unwrap().clone();
    assert_eq!(items.len(), 200);
    assert_eq!(
        items[0],
        json!({"code":"SUCCESS","details":{"personality_id":customer_id(0)},"message":"User has been transferred successfully","status":"success"})
    );
    assert_eq!(no_of_users(&server, &premium), 200);
    // 201: scheduled; nothing moves until the job runs.
    let reply = transfer(200..401);
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body["users"][0]["code"], "SCHEDULED");
    assert_eq!(
        body["users"][0]["message"],
        "Portal user transfer scheduled successfully"
    );
    assert!(body["users"][0]["details"]["job_id"].is_string());
    assert_eq!(no_of_users(&server, &premium), 200);
    server.call("POST", "/__mock/orgs/zylker/jobs/run", None, None);
    assert_eq!(no_of_users(&server, &premium), 401);
    assert_eq!(no_of_users(&server, DEFAULT_TYPE), 1);
    // The job's results are per id.
    let jobs = server
        .call("GET", "/__mock/orgs/zylker/jobs", None, None)
        .json();
    let transfer_job = jobs["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["kind"] == "transfer")
        .unwrap()
        .clone();
    assert_eq!(transfer_job["status"], "completed");
    assert_eq!(transfer_job["data"].as_array().unwrap().len(), 201);
}

#[test]
fn deleting_499_users_is_immediate_and_500_is_a_job() {
    let server = server(999, false);
    bulk_invite(&server, 999);
    let delete = |range: std::ops::Range<usize>| {
        server.call(
            "DELETE",
            &format!("{USERS}?personality_ids={}", ids(range)),
            Some(ADMIN),
            None,
        )
    };
    let reply = delete(0..499);
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body["users"].as_array().unwrap().len(), 499);
    assert_eq!(
        body["users"][0]["message"],
        "Portal user deleted successfully."
    );
    assert_eq!(no_of_users(&server, DEFAULT_TYPE), 501);
    let reply = delete(499..999);
    let body = reply.json();
    assert_eq!(body["users"][0]["code"], "SCHEDULED");
    assert_eq!(
        body["users"][0]["message"],
        "Portal user delete scheduled successfully"
    );
    assert_eq!(no_of_users(&server, DEFAULT_TYPE), 501);
    server.call("POST", "/__mock/orgs/zylker/jobs/run", None, None);
    assert_eq!(no_of_users(&server, DEFAULT_TYPE), 1);
}

#[test]
fn the_background_worker_runs_scheduled_jobs_by_itself() {
    let server = start_with_fixtures(
        fixtures_with_customers(3, false),
        Clock::real(),
        Config {
            job_interval: Some(std::time::Duration::from_millis(50)),
            ..Config::default()
        },
    );
    let data: Vec<Value> = (0..3)
        .map(|n| json!({"id": customer_id(n), "user_type_id": DEFAULT_TYPE, "type": "invite"}))
        .collect();
    let reply = server.post(
        "/crm/v7/Contacts/actions/portal_invite",
        ADMIN,
        &json!({"portal_invite": [{"data": data}]}).to_string(),
    );
    let job_id = reply.json()["portal_invite"][0]["details"]["job_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Bounded wait: the worker runs every 50 ms.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let status = server
            .get(
                &format!("/crm/v7/Contacts/actions/portal_invite?job_id={job_id}"),
                ADMIN,
            )
            .json();
        if status["portal_invite"][0]["status"] == "completed" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the job never ran: {status}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(no_of_users(&server, DEFAULT_TYPE), 4);
}

#[test]
fn an_org_made_with_manual_jobs_is_left_alone_by_the_worker_until_jobs_run() {
    let server =
        start_configured(|config| config.job_interval = Some(std::time::Duration::from_millis(50)));
    let create = |jobs: &str| {
        let body = json!({"fixture": "zylker", "jobs": jobs}).to_string();
        server.control("POST", "/__mock/orgs", &body)
    };
    let refused = create("sometimes");
    assert_eq!(refused.status, 400, "{}", refused.body);
    let created = create("manual");
    assert_eq!(created.status, 201, "{}", created.body);
    let created = created.json();
    let (org, token) = (
        created["org_id"].as_str().unwrap().to_owned(),
        created["access_token"].as_str().unwrap().to_owned(),
    );
    let data =
        json!([{"id": "1306462000000670001", "user_type_id": DEFAULT_TYPE, "type": "invite"}]);
    let reply = server.post(
        "/crm/v7/Contacts/actions/portal_invite",
        &token,
        &json!({"portal_invite": [{"data": data}]}).to_string(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let status = |server: &TestServer| {
        server
            .call("GET", &format!("/__mock/orgs/{org}/jobs"), None, None)
            .json()["jobs"][0]["status"]
            .clone()
    };
    // Ten of the worker's ticks later, the job still waits.
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(status(&server), "scheduled");
    let ran = server.call("POST", &format!("/__mock/orgs/{org}/jobs/run"), None, None);
    assert_eq!(ran.status, 200, "{}", ran.body);
    assert_eq!(status(&server), "completed");
}
