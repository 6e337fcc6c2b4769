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
//!   `ApiRequest` (`http::request`, with `Method::pick` for the routers), an `ApiResponse` becomes
//!   a hyper response (`http::response`); `http::form` parses URL-encoded and multipart forms;
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
//! * [`dump_command`]: `portals-mock dump`, an org of a database file as fixture JSON;
//! * `fuzz` (hidden): fuzz targets over these modules and the seeded mutation fuzzer that
//!   drives them, for the tests and `make fuzz`; not a stable API.
//!
//! # Embedding
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
pub mod fixtures;
#[doc(hidden)]
pub mod fuzz;
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
pub use fixtures::FixtureSet;
pub use server::{Listener, MockServer, exposure_warning, serve, serve_as};
pub use state::AppState;
pub use store::{Store, StoreError};
