//! SQL for OAuth clients and tokens (access, refresh, grant).

use rusqlite::{Connection, OptionalExtension, params};

use super::row::{from_row, row};
use super::{StoreError, flag};

/// Who an access token acts for, with everything authorisation needs.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessGrant {
    /// The org the token selects.
    pub org_id: String,
    /// The CRM user it acts for.
    pub user_id: String,
    /// Its scopes.
    pub scopes: Vec<String>,
    /// Expiry in Unix seconds (`None`: never).
    pub expires_at: Option<i64>,
    /// The user's profile has "Manage Portal".
    pub manage_portal: bool,
    /// The user's profile has "Manage Portal Users".
    pub manage_portal_users: bool,
    /// The org is a sandbox.
    pub sandbox: bool,
    /// The org's clock setting `(fixed, shift)` (see [`super::orgs::clock`]).
    pub clock: (Option<i64>, i64),
}

/// Looks up an access token.
pub fn access(conn: &Connection, token: &str) -> Result<Option<AccessGrant>, StoreError> {
    row(
        conn,
        "SELECT t.org_id, t.user_id, t.scopes, t.expires_at, p.manage_portal,
                    p.manage_portal_users, o.sandbox, o.clock_fixed, o.clock_shift
             FROM tokens t
             JOIN orgs o ON o.id = t.org_id
             LEFT JOIN users u ON u.org_id = t.org_id AND u.id = t.user_id
             LEFT JOIN profiles p ON p.org_id = u.org_id AND p.id = u.profile_id
             WHERE t.token = ?1 AND t.kind = 'access'",
        [token],
        |row| {
            // A user without a profile has neither permission.
            let permission = |value: Option<i64>| flag(value.unwrap_or(0));
            from_row!(row => AccessGrant {
                org_id, user_id, scopes: split_scopes, expires_at,
                manage_portal: permission, manage_portal_users: permission,
                sandbox: flag, clock: (_, _),
            })
        },
    )
}

/// A refresh or grant token, as the token endpoint needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientToken {
    /// The org.
    pub org_id: String,
    /// The user.
    pub user_id: String,
    /// The client it belongs to.
    pub client_id: Option<String>,
    /// Its scopes.
    pub scopes: Vec<String>,
    /// Grant tokens: the redirect URI they were issued for.
    pub redirect_uri: Option<String>,
    /// Expiry in Unix seconds (`None`: never).
    pub expires_at: Option<i64>,
}

/// Looks up a refresh (`kind = "refresh"`) or grant (`kind = "grant"`) token.
pub fn client_token(
    conn: &Connection,
    token: &str,
    kind: &str,
) -> Result<Option<ClientToken>, StoreError> {
    row(
        conn,
        "SELECT org_id, user_id, client_id, scopes, redirect_uri, expires_at
             FROM tokens WHERE token = ?1 AND kind = ?2",
        params![token, kind],
        |row| {
            from_row!(row => ClientToken {
                org_id, user_id, client_id, scopes: split_scopes, redirect_uri, expires_at,
            })
        },
    )
}

/// A client's secret, if the client exists.
pub fn client_secret(conn: &Connection, client_id: &str) -> Result<Option<String>, StoreError> {
    row(
        conn,
        "SELECT client_secret FROM oauth_clients WHERE client_id = ?1",
        [client_id],
        |row| row.get(0),
    )
}

/// An OAuth client as registered: its id, secret and redirect URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRegistration {
    /// The client id (`1000.…`).
    pub client_id: String,
    /// The client secret.
    pub client_secret: String,
    /// The redirect URI grant codes are issued for.
    pub redirect_uri: Option<String>,
}

/// The first registered OAuth client (in client-id order), if any.
pub fn first_client(conn: &Connection) -> Result<Option<ClientRegistration>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT client_id, client_secret, redirect_uri FROM oauth_clients
             ORDER BY client_id LIMIT 1",
        )?
        .query_row(
            [],
            |row| from_row!(row => ClientRegistration { client_id, client_secret, redirect_uri }),
        )
        .optional()?)
}

/// A registered OAuth client by its id.
pub fn client(
    conn: &Connection,
    client_id: &str,
) -> Result<Option<ClientRegistration>, StoreError> {
    row(
        conn,
        "SELECT client_id, client_secret, redirect_uri FROM oauth_clients WHERE client_id = ?1",
        [client_id],
        |row| from_row!(row => ClientRegistration { client_id, client_secret, redirect_uri }),
    )
}

/// A token to insert.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    /// The token string.
    pub token: &'a str,
    /// `access`, `refresh` or `grant`.
    pub kind: &'a str,
    /// The org.
    pub org_id: &'a str,
    /// The user.
    pub user_id: &'a str,
    /// The client, for refresh tokens.
    pub client_id: Option<&'a str>,
    /// Scopes.
    pub scopes: &'a [String],
    /// Expiry in Unix seconds.
    pub expires_at: Option<i64>,
    /// The redirect URI a grant code was issued for.
    pub redirect_uri: Option<&'a str>,
}

/// Stores a token issued at run time.
pub fn insert(conn: &Connection, new: &NewToken<'_>) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO tokens (token, kind, org_id, user_id, client_id, scopes, expires_at,
                             redirect_uri, from_fixture)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)",
    )?
    .execute(params![
        new.token,
        new.kind,
        new.org_id,
        new.user_id,
        new.client_id,
        new.scopes.join(" "),
        new.expires_at,
        new.redirect_uri
    ])?;
    Ok(())
}

/// Deletes a token (a used grant code, a revoked refresh token); answers whether it existed.
pub fn delete(conn: &Connection, token: &str, kind: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("DELETE FROM tokens WHERE token = ?1 AND kind = ?2")?
        .execute(params![token, kind])?
        > 0)
}

/// The first admin user of an org (a user whose profile has both portal permissions).
pub fn admin_user(conn: &Connection, org_id: &str) -> Result<Option<String>, StoreError> {
    row(
        conn,
        "SELECT u.id FROM users u JOIN profiles p ON p.org_id = u.org_id AND p.id = u.profile_id
             WHERE u.org_id = ?1 AND p.manage_portal = 1 AND p.manage_portal_users = 1
             ORDER BY u.rowid LIMIT 1",
        [org_id],
        |row| row.get(0),
    )
}

fn split_scopes(text: String) -> Vec<String> {
    text.split([' ', ','])
        .filter(|scope| !scope.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The org a token (of any kind) belongs to.
pub fn org_of(conn: &Connection, token: &str) -> Result<Option<String>, StoreError> {
    row(
        conn,
        "SELECT org_id FROM tokens WHERE token = ?1",
        [token],
        |row| row.get(0),
    )
}

/// Whether a token's user is a client-portal user of its org (a portal user's personality id)
/// rather than a CRM user.
pub fn acts_for_portal_user(
    conn: &Connection,
    org_id: &str,
    user_id: &str,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM portal_users WHERE org_id = ?1 AND personality_id = ?2
             AND NOT EXISTS (SELECT 1 FROM users WHERE org_id = ?1 AND id = ?2)",
        )?
        .query_row([org_id, user_id], |_| Ok(()))
        .optional()?
        .is_some())
}
