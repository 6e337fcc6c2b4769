//! The integration tests: one binary, every test starts its own server on 127.0.0.1:0 with its
//! own in-memory database, and talks to it over real HTTP.

mod common; // start_server(), a small HTTP client, exact-body assertions
mod control_plane; // /__mock/orgs: create from a fixture, isolation, reset
mod invitations; // I1-I3: every invitation rule and failure reason, bulk invites, job status
mod jobs; // scheduled jobs: 200/201 and 499/500 thresholds, jobs/run, 10,000 users
mod oauth; // /oauth/v2/token: refresh and authorization-code grants
mod persistence; // --db FILE: restarts keep state, newer schemas are refused
mod portal_users; // U1-U5: listing, filters, paging, delete, transfer, status changes
mod portals; // P1-P4: list, get, create, rename, and every error body
mod portals_meta; // M1: the catalogue a user type is built from
mod routing_and_auth; // unknown paths, wrong methods, versions, tokens, scopes, permissions
mod sdk_compat; // what Zoho's SDKs send and expect: users/org after a token fetch, multipart, …
mod server_process; // the binary: first stdout line, --port 0, SIGTERM
mod user_types; // UT1-UT5: list, get, create, update, delete, every rule and error body
