//! Crash safety with `--db FILE`: the real binary runs a writing workload and is killed with
//! SIGKILL at a random moment, a few rounds in a row. After each kill the file passes
//! `PRAGMA integrity_check`, and after each restart every write that got a success answer is
//! there. Bounded: five rounds of at most a second of writes each.

use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::common::agent;

const ROUNDS: usize = 5;

/// Starts the binary on `db`; answers the child and its base URL.
fn start(db: &Path) -> (Child, String) {
    let db = db.to_str().expect("a UTF-8 temporary path");
    crate::common::spawn_mock(
        &["--job-interval-ms", "0", "--log-level", "error", "--db", db],
        Stdio::null(),
    )
}

/// Every acknowledged write answers through the API of the restarted server at `base`.
fn assert_all_present(base: &str, all_acked: &[Acked], when: &str) {
    let agent = agent();
    for acked in all_acked {
        let mut reply = agent
            .get(format!("{base}/crm/v8/settings/portals"))
            .header("Authorization", format!("Zoho-oauthtoken {}", acked.token))
            .call()
            .unwrap();
        let body = reply.body_mut().read_to_string().unwrap();
        assert_eq!(reply.status().as_u16(), 200, "{when}: {acked:?} lost");
        assert!(
            body.contains(&format!(r#""name":"{}""#, acked.portal)),
            "{when}: {acked:?} lost: {body}"
        );
    }
}

/// One acknowledged write: an org made from the blank fixture, its token, and the portal
/// created in it.
#[derive(Debug, Clone)]
struct Acked {
    token: String,
    portal: String,
}

/// Writes until the server goes away or `stop` is set; answers the writes that were acknowledged.
fn workload(base: &str, round: usize, stop: &AtomicBool) -> Vec<Acked> {
    let agent = agent();
    let mut acked = Vec::new();
    for n in 0.. {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let Ok(mut reply) = agent
            .post(format!("{base}/__mock/orgs"))
            .send(r#"{"fixture":"blank"}"#)
        else {
            break;
        };
        let Ok(body) = reply.body_mut().read_to_string() else {
            break;
        };
        assert_eq!(reply.status().as_u16(), 201, "{body}");
        let org: serde_json::Value = serde_json::from_str(&body).unwrap();
        let token = org["access_token"].as_str().unwrap().to_owned();
        let portal = format!("Crash{round}x{n}");
        let Ok(mut reply) = agent
            .post(format!("{base}/crm/v8/settings/portals"))
            .header("Authorization", format!("Zoho-oauthtoken {token}"))
            .send(format!(r#"{{"portals":[{{"name":"{portal}"}}]}}"#))
        else {
            break;
        };
        let Ok(body) = reply.body_mut().read_to_string() else {
            break;
        };
        assert_eq!(reply.status().as_u16(), 200, "{body}");
        acked.push(Acked { token, portal });
    }
    acked
}

fn integrity_check(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

#[test]
fn every_acknowledged_write_survives_sigkill_and_the_file_stays_sound() {
    let dir = crate::common::fresh_dir("crash");
    let db = dir.join("mock.sqlite");
    let mut all_acked: Vec<Acked> = Vec::new();
    // Kill moments, in milliseconds after the workload starts: spread, and repeatable.
    let mut seed = 0x2545_F491u64;
    for round in 0..ROUNDS {
        let (mut child, base) = start(&db);
        // Everything acknowledged before is still there.
        assert_all_present(&base, &all_acked, &format!("round {round}"));
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let kill_after = Duration::from_millis(150 + seed % 850);
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (base, stop) = (base.clone(), Arc::clone(&stop));
            std::thread::spawn(move || workload(&base, round, &stop))
        };
        std::thread::sleep(kill_after);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        let acked = writer.join().unwrap();
        integrity_check(&db);
        all_acked.extend(acked);
    }
    // A last start checks the writes of the last round.
    let (mut child, base) = start(&db);
    assert_all_present(&base, &all_acked, "after the last round");
    child.kill().unwrap();
    child.wait().unwrap();
    integrity_check(&db);
    assert!(
        !all_acked.is_empty(),
        "no write was acknowledged: the test proved nothing"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
