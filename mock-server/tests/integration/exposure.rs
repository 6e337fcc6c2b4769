//! Exposure: the binary listens on loopback by default and says nothing about exposure there;
//! any other address gets a warning; and no token or secret reaches the log at any level, even
//! `trace`, whatever requests carry them (headers, bodies, queries, answers).

use std::io::Read;
use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use crate::common::{agent, spawn_mock};
use portals_mock::exposure_warning;

#[test]
fn only_a_non_loopback_address_gets_the_exposure_warning() {
    for quiet in ["127.0.0.1:8089", "127.1.2.3:0", "[::1]:8089"] {
        let addr: SocketAddr = quiet.parse().unwrap();
        assert_eq!(exposure_warning(addr), None, "{quiet}");
    }
    for loud in [
        "0.0.0.0:8089",
        "192.0.2.10:80",
        "[::]:8089",
        "[2001:db8::1]:1",
    ] {
        let addr: SocketAddr = loud.parse().unwrap();
        let warning = exposure_warning(addr).unwrap_or_else(|| panic!("{loud}: no warning"));
        assert!(warning.contains("non-loopback"), "{warning}");
    }
}

#[test]
fn tokens_and_secrets_never_appear_in_the_log_even_at_trace_level() {
    let (mut child, base) = spawn_mock(
        &["--log-level", "trace", "--job-interval-ms", "50"],
        Stdio::piped(),
    );
    // Read the log as it comes, so a full pipe never blocks the server.
    let mut stderr = child.stderr.take().unwrap();
    let log_reader = std::thread::spawn(move || {
        let mut log = String::new();
        stderr.read_to_string(&mut log).unwrap();
        log
    });
    assert!(
        base.starts_with("http://127.0.0.1:"),
        "default bind: {base}"
    );
    let agent = agent();
    let mut secrets: Vec<String> = [
        "1000.zylker.admin",
        "1000.zylker.readonly",
        "1000.zylker.expired",
        "1000.zylker.refresh",
        "1000.zylker.grant",
        "mocksecret",
        "1000.not.a.real.token.but.secret",
    ]
    .map(str::to_owned)
    .to_vec();
    let text = |mut response: ureq::http::Response<ureq::Body>| {
        response.body_mut().read_to_string().unwrap_or_default()
    };
    // Tokens in the Authorization header: valid, read-only, expired, unknown; good and bad calls.
    for token in [
        "1000.zylker.admin",
        "1000.zylker.readonly",
        "1000.zylker.expired",
        "1000.not.a.real.token.but.secret",
    ] {
        for path in [
            "/crm/v8/settings/portals",
            "/crm/v8/settings/portals/Nope123",
            "/crm/v2/settings/portals",
            "/crm/v8/Contacts/1306462000000670001/actions/portal_invite?user_type_id=1",
        ] {
            let response = agent
                .get(format!("{base}{path}"))
                .header("Authorization", format!("Zoho-oauthtoken {token}"))
                .call()
                .unwrap();
            text(response);
        }
        let response = agent
            .post(format!(
                "{base}/crm/v8/settings/portals/ZylkerAutos/user_type"
            ))
            .header("Authorization", format!("Zoho-oauthtoken {token}"))
            .send("{broken")
            .unwrap();
        text(response);
    }
    // Secrets in form bodies and queries: the token endpoint, good and bad.
    let refresh = agent
        .post(format!("{base}/oauth/v2/token"))
        .content_type("application/x-www-form-urlencoded")
        .send("grant_type=refresh_token&client_id=1000.MOCKCLIENT&client_secret=mocksecret&refresh_token=1000.zylker.refresh")
        .unwrap();
    let issued: serde_json::Value = serde_json::from_str(&text(refresh)).unwrap();
    let access = issued["access_token"].as_str().unwrap().to_owned();
    secrets.push(access.clone());
    let response = agent
        .post(format!("{base}/oauth/v2/token?client_secret=mocksecret&code=1000.zylker.grant&grant_type=authorization_code&client_id=1000.MOCKCLIENT&redirect_uri=http://127.0.0.1:8089/callback"))
        .send("")
        .unwrap();
    if let Ok(granted) = serde_json::from_str::<serde_json::Value>(&text(response)) {
        for key in ["access_token", "refresh_token"] {
            if let Some(token) = granted[key].as_str() {
                secrets.push(token.to_owned());
            }
        }
    }
    let response = agent
        .post(format!("{base}/oauth/v2/token"))
        .send("grant_type=refresh_token&client_id=1000.MOCKCLIENT&client_secret=wrong&refresh_token=1000.zylker.refresh")
        .unwrap();
    text(response);
    // The token the server issued, used; the control plane issues another.
    let response = agent
        .get(format!("{base}/crm/v8/settings/portals"))
        .header("Authorization", format!("Zoho-oauthtoken {access}"))
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let org = agent
        .post(format!("{base}/__mock/orgs"))
        .send(r#"{"fixture":"blank"}"#)
        .unwrap();
    let org: serde_json::Value = serde_json::from_str(&text(org)).unwrap();
    let org_token = org["access_token"].as_str().unwrap().to_owned();
    let response = agent
        .post(format!("{base}/crm/v8/settings/portals"))
        .header("Authorization", format!("Zoho-oauthtoken {org_token}"))
        .send(r#"{"portals":[{"name":"Logged1"}]}"#)
        .unwrap();
    text(response);
    secrets.push(org_token);
    // A bulk invite, so the job worker logs at trace too.
    let response = agent
        .post(format!("{base}/crm/v8/Contacts/actions/portal_invite"))
        .header("Authorization", "Zoho-oauthtoken 1000.zylker.admin")
        .send(r#"{"portal_invite":[{"data":[{"id":"1306462000000670001","user_type_id":"1306462000001813022","type":"invite"}]}]}"#)
        .unwrap();
    text(response);
    let response = agent
        .post(format!(
            "{base}/oauth/v2/token/revoke?token=1000.zylker.refresh"
        ))
        .send("")
        .unwrap();
    text(response);
    std::thread::sleep(Duration::from_millis(200));

    // Stop it gracefully so every log line is flushed, then read the whole log.
    crate::common::terminate(&mut child, Duration::from_secs(20));
    let log = log_reader.join().unwrap();
    // The log is not empty at trace level: it did log the requests.
    assert!(log.contains("answered"), "{log}");
    assert!(!log.contains("non-loopback"), "warned on loopback: {log}");
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "{secret} is in the log:\n{log}"
        );
    }
}
