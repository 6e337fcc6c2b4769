//! Embedding in Rust tests: [`PortalsMock`] starts a mock on 127.0.0.1 (a free port, built-in
//! fixtures, in memory) on a thread of its own, hands out fresh orgs, and answers what the control
//! plane would (the journal, faults, the clock) by calling it in process: no HTTP to write.
//! Dropping it stops the server.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use portals_mock::{Fault, PortalsMock};
//!
//! let mock = PortalsMock::start().await;
//! let org = mock.org("zylker").await; // a fresh copy of the zylker fixture, its own token
//! // … the code under test calls org.base_url with org.access_token …
//! # let _ = (&org.base_url, &org.access_token);
//! mock.fault(&org, Fault::error("INTERNAL_ERROR").path_pattern("/settings/portals$").times(1))
//!     .await;
//! mock.set_clock(&org, "2023-02-07T20:13:20+05:30").await;
//! assert!(mock.received_requests(&org).await.is_empty());
//! # }
//! ```
//!
//! Synchronous tests use [`PortalsMock::start_blocking`], whose [`BlockingPortalsMock`] has the
//! same methods without `.await`. Both serve from their own thread and runtime, so any HTTP
//! client works against them, blocking or async, whatever runtime the test runs on.
//!
//! * `mock` ([`PortalsMock`], [`BlockingPortalsMock`]): the handles and their methods;
//! * `control` ([`control_in_process`], [`ControlAnswer`]): a control-plane request answered in process;
//! * `reuse` ([`org_image`], [`org_image_since`], [`restore_org`], [`forget_org_activity`]):
//!   whether an org is as it
//!   was handed out, putting back what a test changed, and forgetting what its requests left
//!   outside the store, to hand it to the next test;
//! * `running`: the server's thread, stopped and joined on drop;
//! * `types` ([`MockOrg`], [`ReceivedRequest`], [`Fault`]): what the methods take and give.

mod control;
mod mock;
mod reuse;
mod running;
mod types;

pub use control::{ControlAnswer, control_in_process};
pub use mock::{BlockingPortalsMock, PortalsMock};
pub use reuse::{forget_org_activity, org_image, org_image_since, restore_org};
pub use types::{Fault, MockOrg, ReceivedRequest};
