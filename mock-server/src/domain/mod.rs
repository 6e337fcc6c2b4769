//! The domain: rules shared by several handlers that are not handlers themselves.
//!
//! * [`criteria`]: the criteria grammar of the Search Records API, parsed into a tree.
//! * [`membership`]: invite, transfer, delete and change the status of one portal user, and the
//!   preconditions of a whole call; the synchronous endpoints and the job runner share them.
//! * [`jobs`]: scheduled jobs (bulk invites, status changes, transfers, deletes), their runner
//!   and the worker that runs them on a timer.

pub mod criteria;
pub mod jobs;
pub mod membership;
