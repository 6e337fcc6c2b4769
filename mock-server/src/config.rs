//! `Config`: the server's settings, built once from the command line (or by a test).

/// Who may use the control plane under `/__mock/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ControlPlane {
    /// Clients on a loopback address only (the default).
    #[default]
    Loopback,
    /// Any client (for a mock in a container or on a shared CI host).
    Any,
    /// Nobody: `/__mock/` answers like any unknown path.
    Off,
}

/// The defaults, written once: [`Config::default`] and the command line's flags use them.
/// How many requests the journal keeps unless told otherwise.
pub const DEFAULT_JOURNAL_SIZE: usize = 1000;
/// The largest request body accepted unless told otherwise, in bytes (1 MiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// How often the job worker runs unless told otherwise, in milliseconds.
pub const DEFAULT_JOB_INTERVAL_MS: u64 = 2000;
/// How long a client may take to send its headers, then its body, in milliseconds.
pub const DEFAULT_READ_TIMEOUT_MS: u64 = 30_000;
/// The most connections served at once unless told otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The largest request body accepted, in bytes; larger ones answer 413.
    pub max_body_bytes: usize,
    /// Who may use the control plane.
    pub control_plane: ControlPlane,
    /// How often the background worker runs scheduled jobs; `None`: only when the control plane
    /// says so (`POST /__mock/orgs/{id}/jobs/run`).
    pub job_interval: Option<std::time::Duration>,
    /// How many requests the journal keeps (the oldest are dropped first; 0 keeps none).
    pub journal_size: usize,
    /// Enforce API credits and concurrency limits for every org (otherwise per org, when the
    /// control plane turns them on).
    pub enforce_limits: bool,
    /// Every org answers as a sandbox does (`API_NOT_SUPPORTED` on every Portals call).
    pub sandbox: bool,
    /// A token that opens the control plane to any client that sends it in
    /// `X-Mock-Admin-Token` (besides the `control_plane` rule).
    pub admin_token: Option<String>,
    /// How long a client may take to send a request's headers (and, on a new connection, its
    /// first byte); a slower one is disconnected (slowloris). Also closes idle keep-alive
    /// connections after this long.
    pub header_read_timeout: std::time::Duration,
    /// How long a client may take to send a request's body once its headers arrived; a slower
    /// one is disconnected, and nothing of the request is applied.
    pub body_read_timeout: std::time::Duration,
    /// The most connections served at once; more wait in the listen backlog until one closes.
    pub max_connections: usize,
    /// Keep rendered answers of `GET` calls until the next write (`--answer-cache off`: render
    /// every answer anew).
    pub answer_cache: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            control_plane: ControlPlane::Loopback,
            job_interval: Some(std::time::Duration::from_millis(DEFAULT_JOB_INTERVAL_MS)),
            journal_size: DEFAULT_JOURNAL_SIZE,
            enforce_limits: false,
            sandbox: false,
            admin_token: None,
            header_read_timeout: std::time::Duration::from_millis(DEFAULT_READ_TIMEOUT_MS),
            body_read_timeout: std::time::Duration::from_millis(DEFAULT_READ_TIMEOUT_MS),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            answer_cache: true,
        }
    }
}
