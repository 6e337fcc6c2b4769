//! The domain: rules shared by several handlers that are not handlers themselves.
//!
//! * [`membership`]: invite, transfer, delete and change the status of one portal user, and the
//!   preconditions of a whole call; the synchronous endpoints and the job runner share them.
//! * [`jobs`]: scheduled jobs (bulk invites, status changes, transfers, deletes), their runner
//!   and the worker that runs them on a timer.

pub mod jobs;
pub mod membership;
