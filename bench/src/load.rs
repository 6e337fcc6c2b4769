//! Load: N keep-alive connections, closed-loop (each sends its next request when the last one
//! is answered) for a fixed time, or paced (open-loop) at a fixed rate.
//!
//! A unit of work is one request, or two for the write scenarios (create then delete, invite
//! then remove). Every request's latency is recorded; an unexpected status, a malformed answer
//! or a broken connection is an error (and the connection is replaced).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Barrier;

use crate::client::{self, Conn, Reply};
use crate::stats::Samples;

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// What each unit of work does.
#[derive(Debug, Clone)]
pub enum Work {
    /// One authenticated GET answering `expect`.
    Get {
        /// Path and query.
        path: String,
        /// Access token.
        token: String,
        /// The status a success answers.
        expect: u16,
    },
    /// Create a user type (201), then delete it (200). Connection `c` uses `tokens[c % len]`
    /// (an org of its own: an edition allows only a few user types).
    CreateDeleteUserType {
        /// The portal's name.
        portal: String,
        /// One token per org.
        tokens: Vec<String>,
    },
    /// Invite a Contacts record (200), then remove the user (200). Connection `c` invites
    /// `records[c % len]`.
    InviteDelete {
        /// The portal's name.
        portal: String,
        /// The user type invited into.
        user_type: String,
        /// Access token.
        token: String,
        /// Record ids, one per connection.
        records: Vec<String>,
    },
    /// One GET answering 200, with an `Authorization` header given whole (a peer's own scheme:
    /// Prism wants `Bearer …`, WireMock's stub ignores it): what `portals-bench peers` sends.
    GetAs {
        /// Path and query.
        path: String,
        /// The `Authorization` header's value.
        authorization: String,
    },
    /// `POST /oauth/v2/token` with a refresh-token grant (200).
    Refresh {
        /// The form body.
        body: String,
    },
}

impl Work {
    /// Requests per unit of work.
    pub fn requests_per_unit(&self) -> usize {
        match self {
            Work::Get { .. } | Work::GetAs { .. } | Work::Refresh { .. } => 1,
            Work::CreateDeleteUserType { .. } | Work::InviteDelete { .. } => 2,
        }
    }
}

/// One connection's state: its index, how many units it has done, and the host header.
struct Worker {
    work: Arc<Work>,
    index: usize,
    units: u64,
    host: String,
    /// The bare hello server answers 200 to everything and has no ids to return.
    hello: bool,
}

/// The connections of a run: `conns` of them to `addr` (`hello`: the bare server).
struct Connections {
    addr: SocketAddr,
    conns: usize,
    hello: bool,
}

impl Connections {
    /// Opens each connection in a task of its own that waits at one barrier until every
    /// connection is open (so they all start together) and then runs `body` with its worker;
    /// answers the tasks once they have all passed the barrier.
    async fn spawn<T, F, Fut>(&self, work: &Work, body: F) -> Vec<tokio::task::JoinHandle<T>>
    where
        F: Fn(Worker, std::io::Result<Conn>) -> Fut + Clone + Send + 'static,
        Fut: std::future::Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let work = Arc::new(work.clone());
        let barrier = Arc::new(Barrier::new(self.conns + 1));
        let mut tasks = Vec::with_capacity(self.conns);
        for index in 0..self.conns {
            let (work, barrier, body) = (Arc::clone(&work), Arc::clone(&barrier), body.clone());
            let (addr, hello) = (self.addr, self.hello);
            tasks.push(tokio::spawn(async move {
                let worker = Worker {
                    work,
                    index,
                    units: 0,
                    host: addr.to_string(),
                    hello,
                };
                let conn = Conn::connect(addr).await;
                barrier.wait().await;
                body(worker, conn).await
            }));
        }
        barrier.wait().await;
        tasks
    }
}

impl Worker {
    /// Sends one request and records it; `Err` when the connection broke.
    async fn one(
        &self,
        conn: &mut Conn,
        samples: &mut Samples,
        request: &[u8],
        expect: u16,
        record: bool,
    ) -> Result<Option<Reply>, ()> {
        let started = Instant::now();
        match conn.send(request).await {
            Ok(reply) => {
                let wanted = if self.hello { 200 } else { expect };
                if record {
                    if reply.status == wanted {
                        samples.ok(started.elapsed());
                    } else {
                        let mut text = reply.text();
                        text.truncate(200);
                        samples.error(format!("status {} (wanted {wanted}): {text}", reply.status));
                    }
                }
                Ok((reply.status == wanted).then_some(reply))
            }
            Err(error) => {
                if record {
                    samples.error(format!("connection: {error}"));
                }
                Err(())
            }
        }
    }

    /// One unit of work.
    async fn unit(
        &mut self,
        conn: &mut Conn,
        samples: &mut Samples,
        record: bool,
    ) -> Result<(), ()> {
        self.units += 1;
        let work = Arc::clone(&self.work);
        match &*work {
            Work::Get {
                path,
                token,
                expect,
            } => {
                let request = client::request("GET", &self.host, path, Some(token), None);
                self.one(conn, samples, &request, *expect, record).await?;
            }
            Work::GetAs {
                path,
                authorization,
            } => {
                let request = client::get_as(&self.host, path, authorization);
                self.one(conn, samples, &request, 200, record).await?;
            }
            Work::CreateDeleteUserType { portal, tokens } => {
                let token = &tokens[self.index % tokens.len()];
                let body = format!(
                    r#"{{"user_type":[{{"name":"Bench {} {}","personality_module":{{"api_name":"Contacts"}},"modules":[{{"id":"1306462000000000129","shared_type":"private","permissions":{{"view":true}}}},{{"id":"1306462000000000147","shared_type":"private","permissions":{{"view":true}}}}]}}]}}"#,
                    self.index, self.units
                );
                let path = format!("/crm/v8/settings/portals/{portal}/user_type");
                let create =
                    client::request("POST", &self.host, &path, Some(token), Some((JSON, &body)));
                let reply = self.one(conn, samples, &create, 201, record).await?;
                let id = match (&reply, self.hello) {
                    (_, true) => "0".to_owned(),
                    (Some(reply), false) => match created_id(&reply.text()) {
                        Some(id) => id,
                        None => {
                            samples.error(format!("no id in {}", reply.text()));
                            return Ok(());
                        }
                    },
                    (None, false) => return Ok(()),
                };
                let delete = client::request(
                    "DELETE",
                    &self.host,
                    &format!("{path}/{id}"),
                    Some(token),
                    None,
                );
                self.one(conn, samples, &delete, 200, record).await?;
            }
            Work::InviteDelete {
                portal,
                user_type,
                token,
                records,
            } => {
                let record_id = &records[self.index % records.len()];
                let invite = client::request(
                    "POST",
                    &self.host,
                    &format!(
                        "/crm/v8/Contacts/{record_id}/actions/portal_invite?user_type_id={user_type}&type=invite"
                    ),
                    Some(token),
                    None,
                );
                // When the invitation failed (an error was counted), the removal still runs, so
                // the next unit starts clean, but it is not recorded.
                let invited = self.one(conn, samples, &invite, 200, record).await?;
                let delete = client::request(
                    "DELETE",
                    &self.host,
                    &format!(
                        "/crm/v8/settings/portals/{portal}/user_type/{user_type}/users?personality_ids={record_id}"
                    ),
                    Some(token),
                    None,
                );
                let record_delete = record && invited.is_some();
                self.one(conn, samples, &delete, 200, record_delete).await?;
            }
            Work::Refresh { body } => {
                let request = client::request(
                    "POST",
                    &self.host,
                    "/oauth/v2/token",
                    None,
                    Some((FORM, body)),
                );
                self.one(conn, samples, &request, 200, record).await?;
            }
        }
        Ok(())
    }
}

/// The id in a create answer: `details.id` (v4–v7) or the created type's own `id` (v8).
pub fn created_id(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let created = &value["user_type"][0];
    created["details"]["id"]
        .as_str()
        .or_else(|| created["id"].as_str())
        .map(str::to_owned)
}

/// Runs `work` closed-loop on `conns` connections for `warmup` (not recorded) then `window`.
pub async fn closed_loop(
    addr: SocketAddr,
    work: &Work,
    conns: usize,
    warmup: Duration,
    window: Duration,
    hello: bool,
) -> Samples {
    let connections = Connections { addr, conns, hello };
    let tasks = connections
        .spawn(work, move |mut worker, conn| async move {
            let mut samples = Samples::default();
            let mut conn = match conn {
                Ok(conn) => conn,
                Err(error) => {
                    samples.error(format!("connect: {error}"));
                    return (samples, Instant::now());
                }
            };
            let start = Instant::now();
            let record_from = start + warmup;
            let end = record_from + window;
            loop {
                let now = Instant::now();
                if now >= end {
                    break;
                }
                let record = now >= record_from;
                if worker.unit(&mut conn, &mut samples, record).await.is_err()
                    && conn.reconnect().await.is_err()
                {
                    samples.error("cannot reconnect");
                    break;
                }
            }
            (samples, Instant::now())
        })
        .await;
    let record_from = Instant::now() + warmup;
    let mut total = Samples::default();
    let mut last = record_from;
    for task in tasks {
        match task.await {
            Ok((samples, finished)) => {
                last = last.max(finished);
                total.merge(samples);
            }
            Err(error) => total.error(format!("a load task failed: {error}")),
        }
    }
    total.elapsed = last.saturating_duration_since(record_from);
    total
}

/// What a paced run measured, and how many units started later than scheduled because their
/// connection was still busy (queueing the server caused).
pub struct Paced {
    /// The samples (latency from the actual send).
    pub samples: Samples,
    /// Units whose connection was still busy more than 1 ms after their scheduled start.
    pub late: u64,
    /// Units scheduled.
    pub scheduled: u64,
}

/// Runs `work` open-loop at `rate` requests per second, spread over `conns` connections, for
/// `window` (after a warm-up of `warmup` at the same rate, not recorded).
pub async fn paced(
    addr: SocketAddr,
    work: &Work,
    rate: f64,
    conns: usize,
    warmup: Duration,
    window: Duration,
    hello: bool,
) -> Paced {
    let unit_rate = rate / work.requests_per_unit() as f64;
    let interval = Duration::from_secs_f64(1.0 / unit_rate);
    let connections = Connections { addr, conns, hello };
    let tasks = connections
        .spawn(work, move |mut worker, conn| async move {
            let index = worker.index;
            let mut samples = Samples::default();
            let mut late = 0u64;
            let mut scheduled = 0u64;
            let Ok(mut conn) = conn else {
                samples.error("connect failed");
                return (samples, late, scheduled);
            };
            let start = tokio::time::Instant::now();
            let record_from = start + warmup;
            let end = record_from + window;
            let mut k: u32 = 0;
            loop {
                let at = start + interval * (index as u32 + k * conns as u32);
                k += 1;
                if at >= end {
                    break;
                }
                let record = at >= record_from;
                let now = tokio::time::Instant::now();
                if now < at {
                    tokio::time::sleep_until(at).await;
                } else if record && now.duration_since(at) > Duration::from_millis(1) {
                    late += 1;
                }
                if record {
                    scheduled += 1;
                }
                if worker.unit(&mut conn, &mut samples, record).await.is_err()
                    && conn.reconnect().await.is_err()
                {
                    samples.error("cannot reconnect");
                    break;
                }
            }
            (samples, late, scheduled)
        })
        .await;
    let mut out = Paced {
        samples: Samples::default(),
        late: 0,
        scheduled: 0,
    };
    for task in tasks {
        match task.await {
            Ok((samples, late, scheduled)) => {
                out.samples.merge(samples);
                out.late += late;
                out.scheduled += scheduled;
            }
            Err(error) => out.samples.error(format!("a load task failed: {error}")),
        }
    }
    out.samples.elapsed = window;
    out
}

/// One request on a fresh connection (set-up calls).
pub async fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Result<Reply, String> {
    let mut conn = Conn::connect(addr)
        .await
        .map_err(|error| format!("connect to {addr}: {error}"))?;
    let request = client::request(
        method,
        &addr.to_string(),
        path,
        token,
        body.map(|body| (JSON, body)),
    );
    conn.send(&request)
        .await
        .map_err(|error| format!("{method} {path}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_created_id_is_read_from_details() {
        let body = r#"{"user_type":[{"code":"SUCCESS","details":{"id":"1306462000001856005"},"message":"User Type created","status":"success"}]}"#;
        assert_eq!(created_id(body).as_deref(), Some("1306462000001856005"));
        // v8 answers the whole created type.
        let v8 = r#"{"user_type":[{"name":"Bench","id":"1306462000001856006","modules":[]}]}"#;
        assert_eq!(created_id(v8).as_deref(), Some("1306462000001856006"));
        assert_eq!(created_id(r#"{"user_type":[]}"#), None);
        assert_eq!(created_id("not json"), None);
    }
}
