//! `PortalsMock` and `BlockingPortalsMock`: a mock in a Rust test without hand-written HTTP for
//! its tools; fresh orgs, the journal, faults, the clock, jobs; dropping it closes the port.

use std::net::TcpStream;
use std::time::Duration;

use portals_mock::{Fault, MockOrg, PortalsMock};

use crate::common::agent_within;

/// `GET {path}` as the org's admin: the status and the JSON answer.
fn get(org: &MockOrg, path: &str) -> (u16, serde_json::Value) {
    let mut answer = agent_within(Duration::from_secs(10))
        .get(format!("{}{path}", org.base_url))
        .header("Authorization", org.authorization())
        .call()
        .unwrap();
    let status = answer.status().as_u16();
    let body = answer.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&body).unwrap_or_default())
}

/// The org's clock, read over the control plane.
fn clock_of(org: &MockOrg) -> serde_json::Value {
    get(org, &format!("/__mock/orgs/{}/clock", org.id)).1
}

#[tokio::test]
async fn each_org_is_fresh_with_its_own_token_on_the_mocks_loopback_address() {
    let mock = PortalsMock::start().await;
    assert!(mock.addr().ip().is_loopback() && mock.addr().port() != 0);

    let first = mock.org("zylker").await;
    let second = mock.org("zylker").await;

    assert_ne!(first.id, second.id);
    assert_ne!(first.access_token, second.access_token);
    assert_eq!(first.base_url, mock.base_url());
    assert_eq!(first.client_id.as_deref(), Some("1000.MOCKCLIENT"));
    assert!(first.refresh_token.is_some());
    let (status, portals) = get(&first, "/crm/v8/settings/portals");
    assert_eq!(status, 200);
    assert_eq!(portals["portals"][0]["name"], "ZylkerAutos");
    let blank = mock.org("blank").await;
    assert_eq!(get(&blank, "/crm/v8/settings/portals").0, 204);
}

#[tokio::test]
async fn received_requests_are_the_orgs_own_with_their_answers_and_no_secret() {
    let mock = PortalsMock::start().await;
    let org = mock.org("zylker").await;
    let other = mock.org("zylker").await;
    get(&other, "/crm/v8/settings/portals");
    assert!(mock.received_requests(&org).await.is_empty());

    get(&org, "/crm/v8/settings/portals?include=x");

    let sent = mock.received_requests(&org).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].method, "GET");
    assert_eq!(sent[0].path, "/crm/v8/settings/portals");
    assert_eq!(sent[0].query_param("include"), Some("x"));
    assert_eq!(sent[0].status, 200);
    assert_eq!(sent[0].response["portals"][0]["name"], "ZylkerAutos");
    let authorization = sent[0].header("Authorization").unwrap();
    assert!(
        !authorization.contains(&org.access_token),
        "{authorization}"
    );
}

#[tokio::test]
async fn a_fault_hits_the_orgs_next_requests_as_told_then_is_gone() {
    let mock = PortalsMock::start().await;
    let org = mock.org("zylker").await;
    let bystander = mock.org("zylker").await;

    let id = mock
        .fault(
            &org,
            Fault::error("INTERNAL_ERROR")
                .method("GET")
                .path_pattern("/settings/portals$")
                .times(1),
        )
        .await;

    assert!(!id.is_empty());
    assert_eq!(get(&bystander, "/crm/v8/settings/portals").0, 200);
    let (status, body) = get(&org, "/crm/v8/settings/portals");
    assert_eq!(
        (status, body["code"].as_str()),
        (500, Some("INTERNAL_ERROR"))
    );
    assert_eq!(get(&org, "/crm/v8/settings/portals").0, 200);

    mock.fault(&org, Fault::answer(503, serde_json::json!({"down": true})))
        .await;
    assert_eq!(get(&org, "/crm/v8/settings/portals").0, 503);
    mock.clear_faults(&org).await;
    assert_eq!(get(&org, "/crm/v8/settings/portals").0, 200);
}

#[tokio::test]
async fn the_orgs_clock_is_fixed_and_advanced_in_process() {
    let mock = PortalsMock::start().await;
    let org = mock.org("zylker").await;

    mock.set_clock(&org, "2023-02-07T20:13:20+05:30").await;
    assert_eq!(clock_of(&org)["now"], "2023-02-07T20:13:20+05:30");

    mock.advance_clock(&org, Duration::from_secs(2 * 3600))
        .await;
    assert_eq!(clock_of(&org)["now"], "2023-02-07T22:13:20+05:30");
    mock.run_jobs(&org).await;
}

#[tokio::test]
#[should_panic(expected = "UNKNOWN_FIXTURE")]
async fn a_fixture_that_does_not_exist_fails_the_test_with_the_control_planes_message() {
    let mock = PortalsMock::start().await;
    mock.org("no-such-fixture").await;
}

#[test]
fn the_blocking_mock_serves_a_synchronous_test_and_dropping_it_closes_the_port() {
    let mock = PortalsMock::start_blocking();
    let addr = mock.addr();
    let org = mock.org("zylker");
    mock.set_clock(&org, "2024-01-01T00:00:00+05:30");
    mock.fault(&org, Fault::delay(Duration::from_millis(1)));

    assert_eq!(get(&org, "/crm/v8/settings/portals").0, 200);
    assert_eq!(mock.received_requests(&org).len(), 1);
    assert!(TcpStream::connect(addr).is_ok());

    drop(mock);

    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_err(),
        "{addr} still accepts connections after the mock was dropped"
    );
}
