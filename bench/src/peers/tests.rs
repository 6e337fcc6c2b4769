//! Unit tests of `portals-bench peers`: its flags and its table.

use super::*;

fn args(list: &[&str]) -> Vec<String> {
    list.iter().copied().map(String::from).collect()
}

#[test]
fn peers_are_described_by_the_options_after_each_peer() {
    let root = PathBuf::from("/w");
    let options = parse(
        &args(&[
            "--peer",
            "hello",
            "--version",
            "v",
            "--path",
            "/",
            "--auth",
            "x",
            "--cmd",
            "srv {port}",
            "--peer",
            "mock",
            "--path",
            "/p",
            "--cmd",
            "m",
            "--rounds",
            "2",
        ]),
        &root,
    )
    .unwrap();
    assert_eq!(options.peers.len(), 2);
    assert_eq!(options.peers[0].cmd, "srv {port}");
    let first = &options.peers[0];
    assert_eq!(
        (
            first.version.as_str(),
            first.path.as_str(),
            first.auth.as_str()
        ),
        ("v", "/", "x")
    );
    assert_eq!(options.peers[1].path, "/p");
    assert_eq!(options.rounds, 2);
    assert_eq!(options.out, PathBuf::from("/w/bench/PEERS.md"));
    assert!(parse(&args(&["--version", "v"]), &root).is_err());
    assert!(parse(&args(&[]), &root).is_err());
    assert!(parse(&args(&["--peer", "x", "--cmd", "c"]), &root).is_err());
    assert!(
        parse(&args(&["--peer", "x", "--path", "/", "--cmd", "c"]), &root).is_err(),
        "no peer is the base (hello)"
    );
}

#[test]
fn the_stub_answers_the_path_with_the_body() {
    let stub: serde_json::Value =
        serde_json::from_str(&stub_json("/crm/v8/settings/portals", 200, r#"{"a":1}"#)).unwrap();
    assert_eq!(stub["request"]["url"], "/crm/v8/settings/portals");
    assert_eq!(stub["response"]["status"], 200);
    assert_eq!(stub["response"]["body"], r#"{"a":1}"#);
}
