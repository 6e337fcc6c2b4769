//! portals-mock: a stateful mock of the Zoho CRM Portals API (portals, user types, portal users,
//! invitations, meta), backed by SQLite and seeded from fixtures.
//!
//! # Layout
//!
//! A request flows one way through these modules:
//!
//! * [`server`]: the accept loop (hyper over tokio), graceful shutdown, [`MockServer`];
//! * [`http`]: hyper request -> owned [`http::ApiRequest`]; [`http::ApiResponse`] -> hyper;
//! * [`router`]: one match on (method, path segments) into a typed [`router::Route`];
//! * [`auth`]: `Zoho-oauthtoken` -> org, user, scopes, profile permissions;
//! * `handlers`: one module per resource (parse, validate, apply, render), the token endpoint
//!   and the control plane;
//! * [`store`]: SQL, and nothing else; [`fixtures`]: the seed format;
//! * [`error`]: [`ApiError`], every documented Zoho error body; [`clock`], [`version`],
//!   [`config`], [`state`]: the small pieces everything shares;
//! * [`dump_command`]: `portals-mock dump`, an org of a database file as fixture JSON.
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
