//! Credentials for a live target: a fixed access token, or a refresh token exchanged at the
//! accounts server and exchanged again shortly before each access token expires.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Refresh this long before the access token expires.
const MARGIN: Duration = Duration::from_secs(60);

/// Where the access token comes from.
pub struct Credentials {
    refresh: Option<Refresh>,
    current: Mutex<(String, Option<Instant>)>,
}

struct Refresh {
    url: String,
    form: String,
}

impl Credentials {
    /// A fixed token.
    pub fn fixed(token: String) -> Credentials {
        Credentials {
            refresh: None,
            current: Mutex::new((token, None)),
        }
    }

    /// `ZOHO_ACCESS_TOKEN`, or a refresh with `ZOHO_CLIENT_ID`, `ZOHO_CLIENT_SECRET` and
    /// `ZOHO_REFRESH_TOKEN` at `ZOHO_ACCOUNTS_URL` (default `https://accounts.zoho.com`).
    pub fn from_environment() -> Result<Option<Credentials>, String> {
        if let Ok(token) = std::env::var("ZOHO_ACCESS_TOKEN") {
            return Ok(Some(Credentials::fixed(token)));
        }
        let (Ok(client_id), Ok(secret), Ok(refresh_token)) = (
            std::env::var("ZOHO_CLIENT_ID"),
            std::env::var("ZOHO_CLIENT_SECRET"),
            std::env::var("ZOHO_REFRESH_TOKEN"),
        ) else {
            return Ok(None);
        };
        let accounts = std::env::var("ZOHO_ACCOUNTS_URL")
            .unwrap_or_else(|_| "https://accounts.zoho.com".into());
        let refresh = Refresh {
            url: format!("{}/oauth/v2/token", accounts.trim_end_matches('/')),
            form: format!(
                "grant_type=refresh_token&client_id={}&client_secret={}&refresh_token={}",
                form_encode(&client_id),
                form_encode(&secret),
                form_encode(&refresh_token)
            ),
        };
        let (token, expiry) = refresh.exchange()?;
        Ok(Some(Credentials {
            refresh: Some(refresh),
            current: Mutex::new((token, expiry)),
        }))
    }

    /// The access token, refreshed first when it is about to expire.
    pub fn token(&self) -> Result<String, String> {
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if let (Some(refresh), Some(expiry)) = (&self.refresh, current.1)
            && Instant::now() + MARGIN >= expiry
        {
            *current = refresh.exchange()?;
        }
        Ok(current.0.clone())
    }

    /// Whether the token came from a refresh token.
    pub fn refreshes(&self) -> bool {
        self.refresh.is_some()
    }
}

impl Refresh {
    fn exchange(&self) -> Result<(String, Option<Instant>), String> {
        let mut response = crate::target::agent()
            .post(&self.url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(self.form.clone())
            .map_err(|e| format!("token refresh at {} failed: {e}", self.url))?;
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let body: Value = serde_json::from_str(&text).unwrap_or_default();
        let token = body["access_token"].as_str().ok_or_else(|| {
            format!(
                "token refresh at {} answered no access_token (error: {})",
                self.url,
                body["error"].as_str().unwrap_or("none given")
            )
        })?;
        let lifetime = body["expires_in"].as_u64().unwrap_or(3600);
        Ok((
            token.to_owned(),
            Some(Instant::now() + Duration::from_secs(lifetime)),
        ))
    }
}

fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
