//! The integration tests: one binary, every test starts its own server on 127.0.0.1:0 with its
//! own in-memory database, and talks to it over real HTTP.

mod abuse; // raw sockets: bad bytes, duplicate headers, slowloris, slow bodies, the connection cap
mod admin_listener; // --admin-bind: the control plane alone on a second address
mod answer_cache; // GET answers kept until a write: the same answers as without the cache
mod bad_input; // malformed and mistyped bodies, odd paths and headers: documented errors only
mod common; // start_server(), a small HTTP client, exact-body assertions
mod concurrency; // many clients at once: one winner, no lost updates, consistent counts
mod control_check; // /__mock/orgs/{id}/check: sound, corrupted by another writer, unknown
mod control_dashboard; // GET /__mock/ui and its assets, GET /__mock/orgs/{id}/summary
mod control_errors; // the control plane's error shape, clock truth, environment refusal
mod control_health; // GET /__mock/health in every control-plane mode; `portals-mock health`
mod control_orgs; // bulk delete of created orgs, server reset, inline fixtures, chosen org ids
mod control_plane; // /__mock/orgs: create from a fixture, isolation, reset
mod control_tools; // journal, verification, faults, clock, limits, environment, snapshots
mod crash_safety; // --db FILE under SIGKILL: acknowledged writes survive, integrity holds
mod docs; // README.md mentions every flag --help lists
mod embed; // PortalsMock / BlockingPortalsMock: orgs, journal, faults, clock; drop closes the port
mod exposure; // loopback by default, tokens never in logs at any level
mod fixture_dirs; // --fixtures adds, --only-fixtures replaces; errors name the real path
mod fuzz; // a short seeded pass of every fuzz target
mod invitations; // I1-I3: every invitation rule and failure reason, bulk invites, job status
mod jobs; // scheduled jobs: 200/201 and 499/500 thresholds, jobs/run, 10,000 users
mod migrations; // older schemas upgrade with their data, newer ones are refused
mod oauth; // /oauth/v2/token: refresh and authorization-code grants
mod oauth_authorize; // /oauth/v2/auth: consent, redirect with code, the whole sign-in
mod persistence; // --db FILE: restarts keep state, newer schemas are refused
mod portal_users; // U1-U5: listing, filters, paging, delete, transfer, status changes
mod portals; // P1-P4: what scenarios cannot express (a stopped clock, no Content-Type)
mod records; // the Records API: exact answers, ids, odd input on every route
mod schemas; // fixtures/schema/*.json against every fixture, dump and scenario
mod sdk_compat; // what Zoho's SDKs send and expect: users/org after a token fetch, multipart, …
mod server_process; // the binary: first stdout line, --port 0, SIGTERM, JSON logs
mod state_dump; // /__mock/orgs/{id}/state round trip, DELETE /__mock/orgs/{id}, `portals-mock dump`
mod stubs; // faults as stubs, one pattern language with verification, 429 headers
mod user_types; // UT1-UT5: list, get, create, update, delete, every rule and error body
