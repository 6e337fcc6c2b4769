//! Where scenarios run: the embedded mock (in process, an org per scenario as a fresh copy of
//! its fixture would be: a new one, or one an earlier scenario left unchanged or that was put
//! back as it was), another
//! portals-mock at a URL (its control plane makes a fresh org when it has one), or a live Zoho
//! org (an API domain and a token).

use std::time::Duration;

use serde_json::{Value, json};

use crate::credentials::Credentials;
use crate::scenario::Scenario;
use embedded::Embedded;

mod embedded;

/// A target and how to reach it.
pub struct Target {
    /// `http://127.0.0.1:PORT` or the API domain.
    pub base: String,
    /// The credentials given on the command line or in the environment (never printed).
    credentials: Option<Credentials>,
    /// The target serves `/__mock/` (orgs from fixtures, jobs/run, …).
    pub control_plane: bool,
    /// A live production org, or what may be one: any target without a control plane that is
    /// not a sandbox or developer domain. Writes need `--allow-writes`.
    pub production: bool,
    /// A Zoho sandbox (or a mock answering as one): only scenarios for sandboxes, or for any
    /// org, run.
    pub sandbox: bool,
    /// What to call it in reports.
    pub label: String,
    agent: ureq::Agent,
    embedded: Option<Embedded>,
}

/// What one scenario runs with.
#[derive(Debug, Clone)]
pub struct Session {
    /// Base URL.
    pub base: String,
    /// The token requests carry by default (`None`: the target's credentials, if any).
    pub token: Option<String>,
    /// The org created for it, when the target has a control plane.
    pub org_id: Option<String>,
    /// What the control plane answered about the org beside its token, as variables for the
    /// scenario: `client_id`, `client_secret`, `redirect_uri`, `refresh_token` (the org's own
    /// OAuth credentials, so runs sharing a server never spend each other's).
    pub credentials: Vec<(&'static str, String)>,
}

/// The keys of an org's creation answer that become variables, and whether each is a secret.
const ORG_CREDENTIALS: [(&str, bool); 4] = [
    ("client_id", false),
    ("client_secret", true),
    ("redirect_uri", false),
    ("refresh_token", true),
];

/// An answer's body as JSON, if it is JSON.
fn read_json(answer: &mut ureq::http::Response<ureq::Body>) -> Option<Value> {
    let text = answer.body_mut().read_to_string().ok()?;
    serde_json::from_str(&text).ok()
}

/// The agent of the first request to a URL target: a server that does not answer within 15 s is
/// reported as unreachable before any scenario runs.
fn probe_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(15)))
        .build()
        .into()
}

/// An HTTP agent that reports every status as an answer and never follows redirects. Each
/// phase of a call (connecting, sending, awaiting the answer, reading its body) has 60 s. The
/// host's lookup has no timeout of ureq's: with one, ureq looks up every call's host on a thread
/// it starts for it, an IP address too (a thread per request); the system resolver's own
/// limits apply, and the target's host was looked up once already by the probe.
pub fn agent() -> ureq::Agent {
    let phase = Some(Duration::from_secs(60));
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(phase)
        .timeout_send_request(phase)
        .timeout_send_body(phase)
        .timeout_recv_response(phase)
        .timeout_recv_body(phase)
        .build()
        .into()
}

impl Target {
    /// Starts the mock in process on 127.0.0.1:0 with the built-in fixtures. The background job
    /// worker is off: scenarios run jobs through the control plane.
    pub fn embedded() -> Result<Target, String> {
        let embedded = Embedded::start()?;
        Ok(Target {
            base: embedded.base_url(),
            credentials: None,
            control_plane: true,
            production: false,
            sandbox: false,
            label: "the embedded mock".into(),
            agent: agent(),
            embedded: Some(embedded),
        })
    }

    /// Any server at a URL. Fails at once, in one line, when the server cannot be reached, when
    /// it is not a portals-mock with a control plane and no credentials were given, or when no
    /// token can be had from them. Probes `GET /__mock/orgs` (a control plane), and whether the
    /// target is a Zoho sandbox: a `sandbox.` host, or a Portals call answered with the
    /// sandbox's `API_NOT_SUPPORTED`.
    pub fn url(base: &str, credentials: Option<Credentials>) -> Result<Target, String> {
        let base = base.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(format!(
                "--target {base:?}: expected mock or an http(s):// URL"
            ));
        }
        let agent = agent();
        let control_plane = match probe_agent().get(format!("{base}/__mock/orgs")).call() {
            Ok(mut answer) => {
                answer.status().as_u16() == 200
                    && read_json(&mut answer).is_some_and(|body| body["orgs"].is_array())
            }
            Err(error) => return Err(format!("cannot reach {base}: {error}")),
        };
        if !control_plane && credentials.is_none() {
            return Err(format!(
                "{base} has no portals-mock control plane, so the scenarios need a token for \
                 the org: pass --token, or set ZOHO_ACCESS_TOKEN, or ZOHO_CLIENT_ID, \
                 ZOHO_CLIENT_SECRET and ZOHO_REFRESH_TOKEN (with ZOHO_ACCOUNTS_URL for your data \
                 centre's accounts server)"
            ));
        }
        let host = base
            .split("://")
            .nth(1)
            .unwrap_or_default()
            .split('/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        // Without a control plane nothing says the org is not someone's live one (a proxy to
        // Zoho, a mock with its control plane off): writes wait for --allow-writes.
        let production =
            !control_plane && !host.starts_with("sandbox.") && !host.starts_with("developer.");
        let mut target = Target {
            label: base.clone(),
            base,
            credentials,
            control_plane,
            production,
            sandbox: host.starts_with("sandbox."),
            agent,
            embedded: None,
        };
        if !target.sandbox {
            target.sandbox = target.answers_as_a_sandbox()?;
        }
        Ok(target)
    }

    /// Whether a Portals call answers the sandbox's `API_NOT_SUPPORTED`: with the given token,
    /// or on a control plane with the token of an org made for the probe (deleted after).
    fn answers_as_a_sandbox(&self) -> Result<bool, String> {
        let (token, probe) = match self.token()? {
            Some(token) => (token, None),
            None => {
                let session = self.session_for_fixture(&self.first_fixture()?)?;
                (session.token.clone().unwrap_or_default(), Some(session))
            }
        };
        let answer = self
            .agent
            .get(format!("{}/crm/v8/settings/portals", self.base))
            .header("Authorization", format!("Zoho-oauthtoken {token}"))
            .call();
        if let Some(probe) = &probe {
            self.end_session(probe, false)?;
        }
        let mut answer = answer.map_err(|error| format!("cannot reach {}: {error}", self.base))?;
        let body = read_json(&mut answer).unwrap_or_default();
        Ok(body["code"] == "API_NOT_SUPPORTED"
            && body["details"]["unsupported_environment"] == "sandbox")
    }

    /// The fixture of the first org a control plane lists (the probe's org is made from it).
    fn first_fixture(&self) -> Result<String, String> {
        let url = format!("{}/__mock/orgs", self.base);
        let mut answer = self
            .agent
            .get(&url)
            .call()
            .map_err(|error| format!("GET {url}: {error}"))?;
        let body = read_json(&mut answer).unwrap_or_default();
        body["orgs"][0]["fixture"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("GET {url} lists no org to take a fixture from"))
    }

    /// The token of the given credentials, refreshed when about to expire.
    pub fn token(&self) -> Result<Option<String>, String> {
        self.credentials
            .as_ref()
            .map(Credentials::token)
            .transpose()
    }

    /// The HTTP agent.
    pub fn agent(&self) -> &ureq::Agent {
        &self.agent
    }

    /// Whether the target is the in-process mock.
    pub fn is_embedded(&self) -> bool {
        self.embedded.is_some()
    }

    /// Why a scenario cannot run here, if it cannot.
    pub fn missing_capability(&self, scenario: &Scenario) -> Option<String> {
        for requirement in &scenario.requires {
            if !self.control_plane {
                return Some(format!(
                    "requires {requirement}, which {} does not offer",
                    self.label
                ));
            }
        }
        None
    }

    /// On a portals-mock (embedded, or by URL with its control plane), the invariants of the
    /// org made for the scenario once it has run (`GET /__mock/orgs/{id}/check`): `None` when
    /// they hold (or the mock predates the check), else what is broken.
    pub fn broken_invariants(&self, session: &Session) -> Option<String> {
        let org_id = session.org_id.as_ref().filter(|_| self.control_plane)?;
        // An org left as it was handed out is as sound as a new copy of its fixture.
        if self.embedded.as_ref().is_some_and(|e| e.unchanged(org_id)) {
            return None;
        }
        let path = format!("/__mock/orgs/{org_id}/check");
        let url = format!("{}{path}", self.base);
        let (status, text) = match &self.embedded {
            Some(embedded) => embedded.control("GET", &path, String::new()),
            None => {
                let mut answer = match self.agent.get(&url).call() {
                    Ok(answer) => answer,
                    Err(e) => return Some(format!("GET {url} failed: {e}")),
                };
                // 200: sound. Anything but 409 on a URL target: a mock without the route.
                if answer.status().as_u16() != 409 {
                    return None;
                }
                let text = answer.body_mut().read_to_string().unwrap_or_default();
                (answer.status(), text)
            }
        };
        // 200: sound. 409: broken. Anything else on the embedded mock: broken too.
        if status.as_u16() == 200 {
            return None;
        }
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        let violations: Vec<String> = body["violations"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| {
                format!(
                    "{}: {}",
                    v["rule"].as_str().unwrap_or("?"),
                    v["message"].as_str().unwrap_or("?")
                )
            })
            .collect();
        Some(if violations.is_empty() {
            format!("the state check answered {status}: {body}")
        } else {
            format!(
                "the org's state breaks its invariants:\n    {}",
                violations.join("\n    ")
            )
        })
    }

    /// Prepares a scenario: a fresh org from its fixture (default `zylker`) when the target has a
    /// control plane and no token was given, else the given token.
    pub fn session(&self, scenario: &Scenario) -> Result<Session, String> {
        let wants_org =
            self.control_plane && (self.credentials.is_none() || !scenario.requires.is_empty());
        if !wants_org {
            return Ok(Session {
                base: self.base.clone(),
                token: None,
                org_id: None,
                credentials: Vec::new(),
            });
        }
        let fixture = scenario
            .requires
            .iter()
            .find_map(|r| r.strip_prefix("fixture:"))
            .unwrap_or("zylker");
        self.session_for_fixture(fixture)
    }

    /// A fresh org from `fixture` on the control plane, with its token and credentials.
    fn session_for_fixture(&self, fixture: &str) -> Result<Session, String> {
        // Its jobs run when a scenario asks (`jobs/run`), not when the mock's worker wakes:
        // what a job sees is what the scenario set up.
        let order = json!({ "fixture": fixture, "jobs": "manual" }).to_string();
        let text = match &self.embedded {
            Some(embedded) => embedded.lend_org(fixture, order).1,
            None => {
                let mut response = self
                    .agent
                    .post(format!("{}/__mock/orgs", self.base))
                    .send(order)
                    .map_err(|e| format!("cannot create an org from fixture {fixture:?}: {e}"))?;
                response.body_mut().read_to_string().unwrap_or_default()
            }
        };
        let body: Value = serde_json::from_str(&text)
            .map_err(|e| format!("the control plane answered no JSON ({e}): {text}"))?;
        let token = body["access_token"].as_str().map(str::to_owned);
        let org_id = body["org_id"].as_str().map(str::to_owned);
        let (Some(_), Some(org_id)) = (&token, org_id) else {
            return Err(format!(
                "creating an org from fixture {fixture:?} failed: {}",
                body["error"]
            ));
        };
        crate::cleanup::created(&self.base, &org_id);
        let credentials = ORG_CREDENTIALS
            .iter()
            .filter_map(|(key, _)| Some((*key, body[*key].as_str()?.to_owned())))
            .collect();
        Ok(Session {
            base: self.base.clone(),
            token,
            org_id: Some(org_id),
            credentials,
        })
    }

    /// Deletes the org made for a scenario, if one was (`Err` says why it could not be); on the
    /// embedded mock, an org the scenario left unchanged or that can be put back as it was is
    /// kept for the next scenario instead, when `reusable` (the scenario passed).
    pub fn end_session(&self, session: &Session, reusable: bool) -> Result<(), String> {
        match &session.org_id {
            Some(org_id) => match &self.embedded {
                Some(embedded) => {
                    crate::cleanup::forget(&self.base, org_id);
                    // Unchanged or put back as it was, the org waits for the next scenario; else
                    // it is deleted.
                    match embedded.give_back(org_id, reusable) {
                        None => Ok(()),
                        Some(status) => crate::cleanup::deleted::<String>(
                            &format!("{}/__mock/orgs/{org_id}", self.base),
                            Ok(status),
                        ),
                    }
                }
                None => crate::cleanup::delete(&self.agent, &self.base, org_id),
            },
            None => Ok(()),
        }
    }
}

/// Whether the variable an org's creation answer sets is a secret (redacted from output).
pub fn is_secret_credential(name: &str) -> bool {
    ORG_CREDENTIALS
        .iter()
        .any(|(key, secret)| *key == name && *secret)
}
