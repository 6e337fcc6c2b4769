//! The README describes the command line `portals-conformance --help`, `diff --help` and
//! `record --help` print: every flag they list appears in the README.

use std::process::Command;

#[test]
fn every_flag_of_the_help_is_in_the_readme() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let mut help = String::new();
    for args in [&["--help"][..], &["diff", "--help"], &["record", "--help"]] {
        let output = Command::new(env!("CARGO_BIN_EXE_portals-conformance"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        help += &String::from_utf8_lossy(&output.stdout);
        help += &String::from_utf8_lossy(&output.stderr);
    }
    let mut flags: Vec<&str> = help
        .split(|c: char| c.is_whitespace() || c == '|' || c == '[' || c == ']' || c == ',')
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(|w| w.trim_end_matches(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|f| {
            ![
                "--help",
                "--exact",
                "--list",
                "--ignored",
                "--include-ignored",
                "--test-threads",
                "--quiet",
                "--format",
            ]
            .contains(f)
        })
        .collect();
    flags.sort_unstable();
    flags.dedup();
    assert!(flags.len() >= 8, "{flags:?}");
    assert!(flags.contains(&"--mask"), "{flags:?}");
    for flag in flags {
        assert!(
            readme.contains(flag),
            "`portals-conformance --help` lists {flag}, which README.md does not mention"
        );
    }
}
