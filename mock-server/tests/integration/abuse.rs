//! Abusive and broken clients over raw TCP: bytes that are not HTTP, duplicate and garbled
//! headers, slowloris (headers that never finish), bodies that never finish, clients that hang
//! up mid-request, and more connections than the cap. The server stays up, answers what it can
//! as documented, drops what it cannot, and never applies half a request.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

use portals_mock::{Clock, Config};

use crate::common::{ADMIN, BLANK, TestServer, assert_seeded_portals, start, start_with};

const PORTALS: &str = "/crm/v8/settings/portals";

fn addr(server: &TestServer) -> String {
    server.base.trim_start_matches("http://").to_owned()
}

fn connect(server: &TestServer) -> TcpStream {
    let stream = TcpStream::connect(addr(server)).unwrap();
    // A bound for the test, not a timed assertion: a correct server answers far sooner.
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
}

/// Reads one response: `Some((status, headers, body))`, or `None` if the server closed the
/// connection without answering.
fn read_response(stream: &mut TcpStream) -> Option<(u16, String, Vec<u8>)> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match stream.read(&mut chunk) {
            Ok(0) => return None,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return None,
            Err(e) => panic!("no answer and no close: {e}"),
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let status: u16 = head[9..12].parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    while buffer.len() < head_end + length {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            Err(e) => panic!("body cut: {e}"),
        }
    }
    Some((status, head, buffer[head_end..].to_vec()))
}

/// The server closes the connection (EOF or reset) without a further answer.
#[track_caller]
fn assert_closed(stream: &mut TcpStream) {
    let mut rest = Vec::new();
    match stream.read_to_end(&mut rest) {
        Ok(_) => assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest)),
        Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{e}"),
    }
}

fn send(server: &TestServer, bytes: &[u8]) -> Option<(u16, String, Vec<u8>)> {
    let mut stream = connect(server);
    stream.write_all(bytes).unwrap();
    read_response(&mut stream)
}

#[test]
fn bytes_that_are_not_http_get_a_400_and_the_server_keeps_serving() {
    let server = start();
    for raw in [
        &b"GET /crm/v8/settings/portals/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n"[..],
        b"GET /crm/v8/settings/portals?type=\xc3 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /crm/v8/settings/portals HTTP/1.1\r\nHost: x\r\nX-\xff: y\r\n\r\n",
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
        b"POST /crm/v8/settings/portals HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}",
        b"POST /crm/v8/settings/portals HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    ] {
        let (status, _, _) = send(&server, raw)
            .unwrap_or_else(|| panic!("no answer to {}", String::from_utf8_lossy(raw)));
        assert_eq!(status, 400, "{}", String::from_utf8_lossy(raw));
    }
    // Limits of the HTTP layer: a request target over 64 KiB, more than 100 headers.
    let long_target = format!(
        "GET {PORTALS}/{} HTTP/1.1\r\nHost: x\r\n\r\n",
        "x".repeat(70_000)
    );
    let many_headers = format!(
        "GET {PORTALS} HTTP/1.1\r\nHost: x\r\n{}\r\n",
        (0..200)
            .map(|i| format!("X-H{i}: v\r\n"))
            .collect::<String>()
    );
    for (raw, expected) in [(long_target, 414), (many_headers, 431)] {
        let (status, _, _) = send(&server, raw.as_bytes()).expect("an answer");
        assert_eq!(status, expected, "{}", &raw[..60]);
    }
    // Broken chunked framing is a body that cannot be read, answered as such.
    let (status, _, body) = send(
        &server,
        format!("POST {PORTALS} HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken {BLANK}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").as_bytes(),
    )
    .expect("an answer");
    assert_eq!(status, 400);
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["code"], "JSON_PARSE_ERROR");
    // Methods no HTTP library sends are refused like any other wrong method.
    for (path, status, code) in [
        (PORTALS, 400, "INVALID_REQUEST_METHOD"),
        ("/nowhere", 404, "INVALID_URL_PATTERN"),
    ] {
        for method in ["FOO", "M-SEARCH", "PROPFIND"] {
            let request = format!(
                "{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken {ADMIN}\r\n\r\n"
            );
            let (got, _, body) = send(&server, request.as_bytes()).expect("an answer");
            let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(
                (got, body["code"].as_str()),
                (status, Some(code)),
                "{method}"
            );
        }
    }
    assert_seeded_portals(&server);
}

#[test]
fn garbled_header_values_are_read_as_sent_and_refused_as_documented() {
    let server = start();
    let cases: &[(&[u8], u16, &str)] = &[
        (b"Authorization: Zoho-oauthtoken 1000.zylker.\xff\r\n", 401, "INVALID_TOKEN"),
        (b"Authorization: \xffZoho-oauthtoken 1000.zylker.admin\r\n", 401, "AUTHENTICATION_FAILURE"),
        (
            b"Authorization: Zoho-oauthtoken 1000.zylker.admin\r\nAuthorization: Zoho-oauthtoken 1000.zylker.admin\r\n",
            401,
            "INVALID_TOKEN",
        ),
        (b"Authorization: Zoho-oauthtoken\t1000.zylker.admin\r\n", 401, "AUTHENTICATION_FAILURE"),
        (b"Authorization: Zoho-oauthtoken 1000.zylker.admin\r\nContent-Type: \xff\xfe\r\n", 200, ""),
        (b"Authorization: Zoho-oauthtoken 1000.zylker.admin\r\nHost: \xff\r\n", 200, ""),
    ];
    for (headers, status, code) in cases {
        let mut request = b"GET /crm/v8/settings/portals HTTP/1.1\r\n".to_vec();
        if !headers.windows(5).any(|w| w.eq_ignore_ascii_case(b"host:")) {
            request.extend_from_slice(b"Host: x\r\n");
        }
        request.extend_from_slice(headers);
        request.extend_from_slice(b"\r\n");
        let (got, head, body) = send(&server, &request).expect("an answer");
        let shown = String::from_utf8_lossy(headers);
        assert_eq!(got, *status, "{shown}: {}", String::from_utf8_lossy(&body));
        assert!(
            head.contains("content-type: application/json;charset=utf-8"),
            "{shown}"
        );
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        if !code.is_empty() {
            assert_eq!(body["code"], *code, "{shown}");
        }
    }
}

fn impatient(header_ms: u64, body_ms: u64, max_connections: usize) -> TestServer {
    start_with(
        Clock::real(),
        Config {
            header_read_timeout: Duration::from_millis(header_ms),
            body_read_timeout: Duration::from_millis(body_ms),
            max_connections,
            job_interval: None,
            ..Config::default()
        },
    )
}

#[test]
fn slowloris_clients_are_disconnected_and_others_still_served() {
    let server = impatient(300, 60_000, 64);
    // Connects and sends nothing.
    let mut silent = connect(&server);
    // Starts its headers and never finishes them.
    let mut slow = connect(&server);
    slow.write_all(b"GET /crm/v8/settings/portals HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    // Trickles a byte at a time, slower than the header timeout allows in total.
    let mut trickle = connect(&server);
    trickle.write_all(b"GET /crm/v8/").unwrap();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for byte in b"settings/portals HTTP/1.1\r\nHost: x\r\n".iter() {
                if trickle.write_all(&[*byte]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
    });
    assert_closed(&mut silent);
    assert_closed(&mut slow);
    assert_closed(&mut trickle);
    // A well-behaved client is served meanwhile and after.
    assert_eq!(server.get(PORTALS, ADMIN).status, 200);
}

#[test]
fn a_body_that_never_finishes_is_dropped_and_nothing_is_applied() {
    let server = impatient(60_000, 300, 64);
    let body = br#"{"portals":[{"name":"Unfinished1"}]}"#;
    let mut stream = connect(&server);
    let head = format!(
        "POST {PORTALS} HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken {BLANK}\r\nContent-Length: {}\r\n\r\n",
        body.len() + 10
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    // Ten bytes short: the server waits for them, then gives up and hangs up.
    assert!(
        read_response(&mut stream).is_none(),
        "answered a partial body"
    );
    assert_eq!(server.get(PORTALS, BLANK).status, 204);
    // The same body, complete, is applied.
    let done = server.post(PORTALS, BLANK, std::str::from_utf8(body).unwrap());
    assert_eq!(done.status, 200, "{}", done.body);
}

#[test]
fn a_client_that_hangs_up_mid_request_leaves_no_half_written_state() {
    let server = start();
    let user_types = "/crm/v8/settings/portals/ZylkerAutos/user_type";
    let before = server.get(user_types, ADMIN).body;
    let jobs_before = server.get("/__mock/orgs/zylker/jobs", ADMIN).body;
    let bodies: [(&str, &str, &[u8]); 3] = [
        (PORTALS, BLANK, br#"{"portals":[{"name":"HungUp123"}]}"#),
        (
            user_types,
            ADMIN,
            br#"{"user_type":[{"name":"HungUp","personality_module":{"api_name":"Contacts"},"modules":[{"id":"1306462000000000129","shared_type":"private","permissions":{"view":true}},{"id":"1306462000000000147","shared_type":"private","permissions":{"view":true}}]}]}"#,
        ),
        (
            "/crm/v8/Contacts/actions/portal_invite",
            ADMIN,
            br#"{"portal_invite":[{"data":[{"id":"1306462000000670001","user_type_id":"1306462000001813022","type":"invite"}]}]}"#,
        ),
    ];
    for (path, token, body) in bodies {
        for cut in [0, 1, body.len() / 2, body.len() - 1] {
            let mut stream = connect(&server);
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken {token}\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(&body[..cut]).unwrap();
            stream.shutdown(Shutdown::Both).unwrap();
        }
    }
    // A chunked body that stops before its last chunk.
    let mut stream = connect(&server);
    stream
        .write_all(
            format!("POST {PORTALS} HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken {BLANK}\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{{\"portals\":[{{\"n\r\n")
                .as_bytes(),
        )
        .unwrap();
    drop(stream);
    // Give the server time to see every hang-up (a correct server never applies them, however
    // long it is given; this only lets a wrong one show it).
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(server.get(PORTALS, BLANK).status, 204);
    assert_eq!(server.get(user_types, ADMIN).body, before);
    assert_eq!(
        server.get("/__mock/orgs/zylker/jobs", ADMIN).body,
        jobs_before
    );
}

#[test]
fn connections_over_the_cap_wait_until_one_closes() {
    let server = impatient(60_000, 60_000, 2);
    let request = format!(
        "GET {PORTALS} HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken {ADMIN}\r\n\r\n"
    );
    // Two keep-alive connections hold both slots.
    let mut first = connect(&server);
    let mut second = connect(&server);
    for stream in [&mut first, &mut second] {
        stream.write_all(request.as_bytes()).unwrap();
        assert_eq!(read_response(stream).unwrap().0, 200);
    }
    // A third is accepted by the kernel but not served while both are open.
    let mut third = connect(&server);
    third.write_all(request.as_bytes()).unwrap();
    third
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut byte = [0u8; 1];
    let waited = third.read(&mut byte).unwrap_err();
    assert!(
        matches!(waited.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{waited}"
    );
    // One closes: the third is served.
    drop(first);
    third
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    assert_eq!(read_response(&mut third).unwrap().0, 200);
    second.write_all(request.as_bytes()).unwrap();
    assert_eq!(read_response(&mut second).unwrap().0, 200);
}
