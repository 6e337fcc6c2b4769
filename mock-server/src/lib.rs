//! portals-mock: a stateful mock of the Zoho CRM Portals API (portals, user types, portal users,
//! invitations, meta), backed by SQLite and seeded from fixtures.
//!
//! # Layout
//!
//! In the order a request meets them:
//!
//! * `server`: the accept loop (hyper over tokio), connection limits and timeouts, graceful
//!   shutdown, [`MockServer`], [`serve`] and [`serve_as`];
//! * `http`: the only module (with `server`) that names hyper: a hyper request becomes an owned
//!   `ApiRequest` (`http::request`, with `Method::pick` for the routers; its path segments and
//!   headers kept in one buffer each, `http::packed` and `http::headers`), an `ApiResponse`
//!   becomes a hyper response (`http::response`); `http::form` parses URL-encoded and multipart
//!   forms;
//! * `pipeline`: the request's whole path in one function: classify the path into a plane
//!   (`/crm/`, `/oauth/`, `/__mock/`), admit, look the org up, intercept, handle, journal;
//! * `intercept`: injected faults, then API limits, before an API request is handled;
//! * `api`: the Zoho API: `api::router` (path, then method), `api::auth` (the token),
//!   `api::access` (scopes and profile permissions), `api::body` (JSON parsing), one module per
//!   resource (`portals`, `portals_meta`, `user_types` with `user_types::schema` (the v8
//!   schema table), `user_types::validate`, `user_types::values`, `user_types::invitation` and
//!   `user_types::render`, `user_type_modules`, `portal_users`, `invitations`, `crm_users`, `org`,
//!   `records` with `records::listing`, `records::search`, `records::update`, `records::fields`
//!   and `records::render`, and `fields`, the Fields metadata the SDKs read), the token
//!   endpoint (`api::oauth`), the authorization endpoint (`api::oauth_authorize`), and
//!   [`ApiError`] (`api::error`, with `api::error::details`);
//! * `control`: the control plane: `control::router`, `control::admission`, `control::body`
//!   (its JSON bodies), `control::error` (`ControlError`), and one module per feature: `orgs`,
//!   `server_reset` (every created org at once, the whole server),
//!   `state_dump`, `snapshots`, `invitations`, `jobs`, `journal` (with `journal::routes` and
//!   `journal::verify`), `faults` (with `faults::spec` and `faults::routes`: faults and stubs),
//!   `pattern` (the request patterns faults and verification share, with `pattern::json_path`),
//!   `clock`, `limits` (with `limits::routes`), `environment`, `summary` (an org at a glance)
//!   and `dashboard` (`GET /__mock/ui`: the page, its stylesheet and script, embedded); the
//!   journal, faults and limits engines are the `mod.rs` of their folders;
//! * `domain`: rules several handlers share: `domain::criteria` (the search criteria grammar,
//!   parsed by hand), `domain::membership` (one user's invite,
//!   transfer, delete, status change) and `domain::jobs` (the job runner, and
//!   `domain::jobs::worker` that runs it on a timer);
//! * [`store`] (hidden): SQL, and nothing else (`store::record_queries` compiles a search's filter
//!   to bound SQL; `store::dump` with `dump::crm` and
//!   `dump::portal` reads an org back as fixture JSON);
//! * `state` ([`AppState`]), [`clock`] ([`Clock`]), `version`, [`config`] ([`Config`]),
//!   [`fixtures`] ([`FixtureSet`], the seed format; `fixtures::load`: embedded, a directory,
//!   both, or inline): the small pieces everything shares;
//! * [`redact`]: the one way secrets are hidden, in the journal and in the runner's reports;
//! * `embed` ([`PortalsMock`], [`BlockingPortalsMock`], [`MockOrg`], [`ReceivedRequest`],
//!   [`Fault`], [`control_in_process`]): the mock in a Rust test, on a thread of its own, its control plane called in
//!   process;
//! * [`dump_command`]: `portals-mock dump`, an org of a database file as fixture JSON;
//! * [`health_command`]: `portals-mock health`, a running mock's `GET /__mock/health` (a
//!   container's health check, a CI job's wait);
//! * `fuzz` (hidden): fuzz targets over these modules and the seeded mutation fuzzer that
//!   drives them, for the tests and `make fuzz`; not a stable API.
//!
//! # Embedding
//!
//! In a Rust test, [`PortalsMock`] (or [`PortalsMock::start_blocking`] in a synchronous one):
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use portals_mock::{Fault, PortalsMock};
//!
//! let mock = PortalsMock::start().await; // built-in fixtures, in memory, 127.0.0.1, a free port
//! let org = mock.org("zylker").await; // a fresh, isolated copy of the zylker fixture
//! // … point the code under test at org.base_url with org.access_token; here, by hand:
//! let agent = ureq::Agent::new_with_defaults();
//! let answer = agent
//!     .get(format!("{}/crm/v8/settings/portals", org.base_url))
//!     .header("Authorization", org.authorization())
//!     .call();
//! assert_eq!(answer.unwrap().status(), 200);
//!
//! let sent = mock.received_requests(&org).await;
//! assert_eq!(sent[0].path, "/crm/v8/settings/portals");
//! mock.fault(&org, Fault::error("INTERNAL_ERROR").times(1)).await; // the next call fails
//! mock.set_clock(&org, "2023-02-07T20:13:20+05:30").await;
//! # }
//! // Dropping `mock` stops the server.
//! ```
//!
//! The pieces underneath, for a server on a listener and runtime of your own:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use portals_mock::{AppState, Clock, Config, FixtureSet, MockServer, Store};
//! let store = Store::open_in_memory(FixtureSet::embedded()?)?;
//! let state = AppState::new(store, Clock::real(), Config::default());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let server = MockServer::start(listener, state)?;
//! println!("{}", server.base_url());
//! server.stop().await;
//! # Ok(()) }
//! ```

#![warn(clippy::print_stdout, clippy::print_stderr)]

mod api;
pub mod clock;
pub mod config;
mod control;
mod domain;
pub mod dump_command;
mod embed;
pub mod fixtures;
#[doc(hidden)]
pub mod fuzz;
pub mod health_command;
mod http;
mod intercept;
mod pipeline;
pub mod redact;
mod server;
mod state;
#[doc(hidden)]
pub mod store;
mod version;

pub use api::error::ApiError;
pub use clock::Clock;
pub use config::{Config, ControlPlane};
pub use embed::{
    BlockingPortalsMock, ControlAnswer, Fault, MockOrg, PortalsMock, ReceivedRequest,
    control_in_process, forget_org_activity, org_image, org_image_since, restore_org,
};
pub use fixtures::FixtureSet;
pub use server::{Listener, MockServer, exposure_warning, serve, serve_as};
pub use state::AppState;
pub use store::{Store, StoreError, org_image::OrgImage};

/// The README's Rust examples, compiled and run as doctests (`cargo test --doc`): its
/// "Embedding in Rust tests" section cannot drift from the API. Only fences marked `rust` are
/// Rust to rustdoc here; a bare fence would be too.
#[cfg(doctest)]
#[doc = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))]
pub struct ReadmeDoctests;
