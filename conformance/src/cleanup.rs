//! The orgs a run creates on a target's control plane, deleted when their scenario ends and, on
//! Ctrl-C or SIGTERM, all at once before the process exits: a run leaves the server's org list
//! as it found it (unless `--keep-orgs`).

use std::sync::Mutex;

/// The orgs created and not yet deleted: (base URL, org id).
static LIVE: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// Notes an org the run created on `base`.
pub fn created(base: &str, org_id: &str) {
    live().push((base.to_owned(), org_id.to_owned()));
}

/// Deletes an org the run created (`DELETE /__mock/orgs/{id}`) and forgets it; answers why it
/// could not be deleted, if it could not (an org already gone counts as deleted).
pub fn delete(agent: &ureq::Agent, base: &str, org_id: &str) -> Result<(), String> {
    forget(base, org_id);
    let url = format!("{base}/__mock/orgs/{org_id}");
    let answer = agent.delete(&url).call().map(|answer| answer.status());
    deleted(&url, answer)
}

/// Forgets an org the run deleted by other means (the embedded mock's, in process).
pub fn forget(base: &str, org_id: &str) {
    live().retain(|(b, id)| !(b == base && id == org_id));
}

/// Whether the answer to `DELETE url` says the org is gone (200, or 404: already gone), else
/// why not.
pub fn deleted<E: std::fmt::Display>(
    url: &str,
    answer: Result<ureq::http::StatusCode, E>,
) -> Result<(), String> {
    match answer {
        Ok(status) if matches!(status.as_u16(), 200 | 404) => Ok(()),
        Ok(status) => Err(format!("DELETE {url} answered {status}")),
        Err(error) => Err(format!("DELETE {url} failed: {error}")),
    }
}

/// On Ctrl-C or SIGTERM: deletes every org still live, says how many, and exits with 130.
pub fn delete_on_interrupt(agent: ureq::Agent) {
    let spawned = std::thread::Builder::new()
        .name("interrupt".into())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(interrupted());
            let orgs = std::mem::take(&mut *live());
            for (base, org_id) in &orgs {
                if let Err(problem) = delete(&agent, base, org_id) {
                    eprintln!("portals-conformance: {problem}");
                }
            }
            eprintln!(
                "portals-conformance: interrupted; deleted the {} org(s) this run had created",
                orgs.len()
            );
            std::process::exit(130);
        });
    if let Err(error) = spawned {
        eprintln!("portals-conformance: cannot watch for Ctrl-C ({error}); orgs may be left");
    }
}

async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn live() -> std::sync::MutexGuard<'static, Vec<(String, String)>> {
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
