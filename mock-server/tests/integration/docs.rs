//! The README describes the command line `--help` prints: every flag of `portals-mock` (and of
//! its `dump` and `health` commands) appears in the README, so the two cannot drift apart.

use std::process::Command;

fn flags(help: &str) -> Vec<String> {
    let mut found: Vec<String> = help
        .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
        .filter(|word| word.starts_with("--") && word.len() > 2)
        .map(|word| {
            word.split(['=', '<', '.'])
                .next()
                .unwrap_or(word)
                .trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_owned()
        })
        .filter(|flag| flag.len() > 2 && flag != "--help" && flag != "--version")
        .collect();
    found.sort();
    found.dedup();
    found
}

#[test]
fn every_flag_of_the_help_is_in_the_readme() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    for args in [
        &["--help"][..],
        &["dump", "--help"][..],
        &["health", "--help"][..],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_portals-mock"))
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success());
        let help = String::from_utf8_lossy(&output.stdout);
        let flags = flags(&help);
        assert!(flags.len() >= 2, "no flags found in: {help}");
        for flag in flags {
            assert!(
                readme.contains(&flag),
                "`portals-mock {}` lists {flag}, which README.md does not mention",
                args.join(" ")
            );
        }
    }
}
