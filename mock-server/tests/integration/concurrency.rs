//! Many clients at once over real HTTP, each on its own connection, released together by a
//! barrier: one winner when they race for one name or one record, the documented error for the
//! rest, never a 500 or `database is locked`; and after a bounded random workload of invites,
//! transfers and deletes, the users are exactly what the answers said.

use std::collections::{BTreeMap, HashMap};
use std::sync::Barrier;
use std::time::Duration;

use portals_mock::{Clock, Config, FixtureSet, Store};
use serde_json::Value;

use crate::common::{
    ADMIN, TestServer, agent_within, start, start_with_fixtures, start_with_store,
};
use crate::jobs::{customer_id, fixtures_with_customers};

const CLIENTS: usize = 64;
const TYPE: &str = "1306462000001813022";
const USER_TYPES: &str = "/crm/v8/settings/portals/ZylkerAutos/user_type";

/// Sends one request: (status, body).
fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    token: &str,
    body: Option<&str>,
) -> (u16, String) {
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Authorization", format!("Zoho-oauthtoken {token}"))
        .body(body.unwrap_or("").to_owned())
        .unwrap();
    let mut response = agent.run(request).unwrap();
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    assert!(
        !body.contains("locked") && status != 500,
        "{method} {url}: {status} {body}"
    );
    (status, body)
}

/// The `code` of an answer, top level or in the first item of the resource's array.
fn code(body: &str) -> String {
    let value: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    if let Some(code) = value["code"].as_str() {
        return code.to_owned();
    }
    value
        .as_object()
        .and_then(|object| object.values().find_map(Value::as_array))
        .and_then(|items| items.first())
        .and_then(|item| item["code"].as_str())
        .unwrap_or_default()
        .to_owned()
}

/// Runs `f(i)` on `CLIENTS` threads released at once; answers (status, code) counts.
fn race(f: impl Fn(usize, &ureq::Agent) -> (u16, String) + Sync) -> BTreeMap<(u16, String), usize> {
    let barrier = Barrier::new(CLIENTS);
    let outcomes: Vec<(u16, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|i| {
                let (barrier, f) = (&barrier, &f);
                scope.spawn(move || {
                    let agent = agent_within(Duration::from_secs(60));
                    barrier.wait();
                    let (status, body) = f(i, &agent);
                    (status, code(&body))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut counts = BTreeMap::new();
    for outcome in outcomes {
        *counts.entry(outcome).or_insert(0) += 1;
    }
    counts
}

fn new_org(server: &TestServer, fixture: &str) -> String {
    crate::common::new_org(server, fixture)["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn many_clients_creating_one_portal_in_one_fresh_org_one_wins() {
    let server = start();
    let token = new_org(&server, "blank");
    let url = format!("{}/crm/v8/settings/portals", server.base);
    let counts = race(|i, agent| {
        let body = format!(r#"{{"portals":[{{"name":"Race{i:04}x"}}]}}"#);
        send(agent, "POST", &url, &token, Some(&body))
    });
    let expected = BTreeMap::from([
        ((200, "SUCCESS".to_owned()), 1),
        ((400, "INVALID_DATA".to_owned()), CLIENTS - 1),
    ]);
    assert_eq!(counts, expected);
    let portals = server.get("/crm/v8/settings/portals", &token).json();
    assert_eq!(portals["portals"].as_array().unwrap().len(), 1);
    // The org got exactly one default user type with its portal.
    let types = server
        .get(
            &format!(
                "/crm/v8/settings/portals/{}/user_type",
                portals["portals"][0]["name"].as_str().unwrap()
            ),
            &token,
        )
        .json();
    assert_eq!(types["user_type"].as_array().unwrap().len(), 1, "{types}");
}

#[test]
fn many_clients_creating_the_same_portal_name_in_fresh_orgs_one_wins() {
    same_portal_name_race(&start());
}

#[test]
fn with_a_file_database_racing_clients_see_one_winner_and_never_a_locked_database() {
    let dir = crate::common::fresh_dir("concurrency");
    let store = Store::open(&dir.join("mock.sqlite"), FixtureSet::embedded().unwrap()).unwrap();
    let server = start_with_store(
        store,
        Clock::real(),
        Config {
            job_interval: None,
            ..Config::default()
        },
    );
    same_portal_name_race(&server);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

fn same_portal_name_race(server: &TestServer) {
    let tokens: Vec<String> = (0..CLIENTS).map(|_| new_org(server, "blank")).collect();
    let url = format!("{}/crm/v8/settings/portals", server.base);
    let counts = race(|i, agent| {
        send(
            agent,
            "POST",
            &url,
            &tokens[i],
            Some(r#"{"portals":[{"name":"SameName7"}]}"#),
        )
    });
    let expected = BTreeMap::from([
        ((200, "SUCCESS".to_owned()), 1),
        ((400, "ALREADY_USED".to_owned()), CLIENTS - 1),
    ]);
    assert_eq!(counts, expected);
    let with_portal = tokens
        .iter()
        .filter(|token| server.get("/crm/v8/settings/portals", token).status == 200)
        .count();
    assert_eq!(with_portal, 1);
}

#[test]
fn many_clients_creating_the_same_user_type_one_wins() {
    let server = start();
    let url = format!("{}{USER_TYPES}", server.base);
    let before = server.get(USER_TYPES, ADMIN).json()["user_type"]
        .as_array()
        .unwrap()
        .len();
    let counts = race(|_, agent| {
        send(
            agent,
            "POST",
            &url,
            ADMIN,
            Some(
                r#"{"user_type":[{"name":"Raced","personality_module":{"api_name":"Contacts"},"modules":[{"id":"1306462000000000129","shared_type":"private","permissions":{"view":true}},{"id":"1306462000000000147","shared_type":"private","permissions":{"view":true}}]}]}"#,
            ),
        )
    });
    let expected = BTreeMap::from([
        ((201, String::new()), 1),
        ((400, "DUPLICATE_DATA".to_owned()), CLIENTS - 1),
    ]);
    assert_eq!(counts, expected);
    let after = server.get(USER_TYPES, ADMIN).json()["user_type"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before + 1);
}

#[test]
fn many_clients_inviting_one_record_one_wins() {
    let server = start();
    let ravi = "1306462000000670001";
    let url = format!(
        "{}/crm/v8/Contacts/{ravi}/actions/portal_invite?user_type_id={TYPE}&type=invite",
        server.base
    );
    let counts = race(|_, agent| send(agent, "POST", &url, ADMIN, None));
    let expected = BTreeMap::from([
        ((200, "SUCCESS".to_owned()), 1),
        ((400, "CANNOT_PROCESS".to_owned()), CLIENTS - 1),
    ]);
    assert_eq!(counts, expected);
    let users = server
        .get(&format!("{USER_TYPES}/{TYPE}/users?per_page=200"), ADMIN)
        .json();
    let listed = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["personality_id"] == ravi)
        .count();
    assert_eq!(listed, 1);
}

/// A tiny repeatable generator for the workload.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn counts_stay_consistent_under_concurrent_invites_transfers_and_deletes() {
    const THREADS: usize = 8;
    const RECORDS_EACH: usize = 6;
    const OPS_EACH: usize = 40;
    let server = start_with_fixtures(
        fixtures_with_customers(THREADS * RECORDS_EACH, false),
        Clock::real(),
        Config {
            job_interval: None,
            ..Config::default()
        },
    );
    let created = server.post(
        USER_TYPES,
        ADMIN,
        r#"{"user_type":[{"name":"Second","personality_module":{"api_name":"Contacts"},"modules":[{"id":"1306462000000000129","shared_type":"private","permissions":{"view":true}},{"id":"1306462000000000147","shared_type":"private","permissions":{"view":true}}]}]}"#,
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let second = created.json()["user_type"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let types = [TYPE.to_owned(), second];
    let base = format!("{}{USER_TYPES}", server.base);
    let barrier = Barrier::new(THREADS);

    // Each thread owns its records, so it knows what each of its calls must answer; the
    // threads still race each other in the store.
    let models: Vec<HashMap<String, Option<usize>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (barrier, types, base, server) = (&barrier, &types, &base, &server);
                scope.spawn(move || {
                    let agent = agent_within(Duration::from_secs(60));
                    let mine: Vec<String> = (0..RECORDS_EACH)
                        .map(|r| customer_id(t * RECORDS_EACH + r))
                        .collect();
                    let mut model: HashMap<String, Option<usize>> =
                        mine.iter().map(|id| (id.clone(), None)).collect();
                    let mut rng = Rng(0x9E37_79B9 + t as u64);
                    barrier.wait();
                    for _ in 0..OPS_EACH {
                        let record = mine[rng.below(mine.len())].clone();
                        match (rng.below(3), model[&record]) {
                            (0, current) => {
                                let into = rng.below(2);
                                let url = format!(
                                    "{}/crm/v8/Contacts/{record}/actions/portal_invite?user_type_id={}&type=invite",
                                    server.base, types[into]
                                );
                                let (status, body) = send(&agent, "POST", &url, ADMIN, None);
                                match current {
                                    None => {
                                        assert_eq!(status, 200, "{body}");
                                        model.insert(record, Some(into));
                                    }
                                    Some(_) => assert_eq!(status, 400, "{body}"),
                                }
                            }
                            (1, Some(from)) => {
                                let to = 1 - from;
                                let url = format!(
                                    "{base}/{}/users/action/transfer?transfer_To={}&personality_ids={record}",
                                    types[from], types[to]
                                );
                                let (status, body) = send(&agent, "POST", &url, ADMIN, None);
                                assert_eq!(status, 200, "{body}");
                                model.insert(record, Some(to));
                            }
                            (_, Some(from)) => {
                                let url = format!(
                                    "{base}/{}/users?personality_ids={record}",
                                    types[from]
                                );
                                let (status, body) = send(&agent, "DELETE", &url, ADMIN, None);
                                assert_eq!(status, 200, "{body}");
                                model.insert(record, None);
                            }
                            (_, None) => {}
                        }
                        // Whatever the threads interleave, the org's whole state stays sound.
                        let (status, body) = send(
                            &agent,
                            "GET",
                            &format!("{}/__mock/orgs/zylker/check", server.base),
                            ADMIN,
                            None,
                        );
                        assert_eq!(status, 200, "after a step: {body}");
                    }
                    model
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    // What the answers said must be exactly what the store holds.
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    for model in &models {
        for (record, at) in model {
            if let Some(at) = at {
                expected.insert(record.clone(), *at);
            }
        }
    }
    let mut actual: BTreeMap<String, usize> = BTreeMap::new();
    for (index, type_id) in types.iter().enumerate() {
        let reply = server.get(&format!("{USER_TYPES}/{type_id}/users?per_page=200"), ADMIN);
        // The type's own counts agree with its users.
        let counted = server.get(&format!("{USER_TYPES}/{type_id}"), ADMIN).json();
        let counted = &counted["user_type"][0];
        let counted = counted["active_user_count"].as_u64().unwrap()
            + counted["deactive_user_count"].as_u64().unwrap();
        if reply.status == 204 {
            assert_eq!(counted, 0);
            continue;
        }
        let page = reply.json();
        let users = page["users"].as_array().unwrap();
        assert_eq!(page["info"]["total_count"], users.len(), "{page}");
        assert_eq!(
            counted,
            users.len() as u64,
            "{type_id}: counts and users disagree"
        );
        for user in users {
            let id = user["personality_id"].as_str().unwrap().to_owned();
            if id.starts_with("13064620001") {
                assert!(
                    actual.insert(id.clone(), index).is_none(),
                    "{id} is in two types"
                );
            }
        }
    }
    assert_eq!(actual, expected);
}
