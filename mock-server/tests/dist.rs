//! The static binaries of `make dist`: statically linked (an ELF without an interpreter and
//! without a shared library it needs) and working from an empty directory with an empty
//! environment, as in a `FROM scratch` container: the mock starts, answers its health check, and
//! the conformance runner passes a part of the suite against it.
//!
//! The checks of the binaries are ignored by `cargo test` (they need the release build of
//! `make dist`, which takes minutes); `make dist` runs them with `--ignored`, pointing
//! `PORTALS_DIST_DIR` at its output. The ELF reader itself is tested here on every run, against
//! this test's own (dynamically linked) executable, so the check can fail. So is the
//! `Containerfile` (no engine is needed): the static binary alone, a numeric user that is not
//! root, port 8089, and a `HEALTHCHECK` in exec form whose arguments this binary takes.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// What a static binary must not have: a program interpreter (`PT_INTERP`, the dynamic loader)
/// or a `DT_NEEDED` entry (a shared library to load). Reads an x86-64 little-endian ELF file.
fn shared_dependencies(elf: &[u8]) -> Result<Vec<String>, String> {
    const PT_DYNAMIC: u32 = 2;
    const PT_INTERP: u32 = 3;
    const DT_NEEDED: u64 = 1;
    if elf.get(..4) != Some(b"\x7fELF".as_slice()) {
        return Err("not an ELF file".into());
    }
    if elf.get(4) != Some(&2) || elf.get(5) != Some(&1) || u16_at(elf, 18)? != 62 {
        return Err("not a 64-bit little-endian x86-64 ELF file".into());
    }
    let (phoff, phentsize, phnum) = (u64_at(elf, 32)?, u16_at(elf, 54)?, u16_at(elf, 56)?);
    let mut found = Vec::new();
    for index in 0..u64::from(phnum) {
        let header = to_usize(phoff + index * u64::from(phentsize))?;
        let (kind, offset, size) = (
            u32_at(elf, header)?,
            u64_at(elf, header + 8)?,
            u64_at(elf, header + 32)?,
        );
        if kind == PT_INTERP {
            let path = elf
                .get(to_usize(offset)?..to_usize(offset + size)?)
                .ok_or("PT_INTERP out of the file")?;
            let path = String::from_utf8_lossy(path)
                .trim_end_matches('\0')
                .to_owned();
            found.push(format!("interpreter {path}"));
        }
        if kind == PT_DYNAMIC {
            for entry in (0..size / 16).map(|n| to_usize(offset + n * 16)) {
                let entry = entry?;
                match u64_at(elf, entry)? {
                    0 => break,
                    DT_NEEDED => found.push(format!("needed library #{}", u64_at(elf, entry + 8)?)),
                    _ => {}
                }
            }
        }
    }
    Ok(found)
}

fn bytes_at<const N: usize>(elf: &[u8], at: usize) -> Result<[u8; N], String> {
    elf.get(at..at + N)
        .and_then(|slice| slice.try_into().ok())
        .ok_or_else(|| format!("the ELF file ends before byte {}", at + N))
}
fn u16_at(elf: &[u8], at: usize) -> Result<u16, String> {
    bytes_at(elf, at).map(u16::from_le_bytes)
}
fn u32_at(elf: &[u8], at: usize) -> Result<u32, String> {
    bytes_at(elf, at).map(u32::from_le_bytes)
}
fn u64_at(elf: &[u8], at: usize) -> Result<u64, String> {
    bytes_at(elf, at).map(u64::from_le_bytes)
}
fn to_usize(n: u64) -> Result<usize, String> {
    usize::try_from(n).map_err(|_| format!("offset {n} too large"))
}

#[test]
fn the_elf_check_finds_the_interpreter_and_libraries_of_a_dynamic_executable() {
    // This test's own executable is a normal (dynamically linked) Rust build.
    let own = std::fs::read(std::env::current_exe().unwrap()).unwrap();

    let found = shared_dependencies(&own).unwrap();

    assert!(
        found.iter().any(|f| f.starts_with("interpreter /")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|f| f.starts_with("needed library")),
        "{found:?}"
    );
    assert!(shared_dependencies(b"#!/bin/sh\necho hi\n").is_err());
    assert!(shared_dependencies(&own[..64]).is_err());
}

/// `make dist`'s output directory.
fn dist_dir() -> PathBuf {
    std::env::var_os("PORTALS_DIST_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/dist"),
        PathBuf::from,
    )
}

/// A command of a dist binary, run from a new empty directory with an empty environment.
fn isolated(binary: &str, empty: &Path) -> Command {
    let mut command = Command::new(dist_dir().join(binary));
    command.current_dir(empty).env_clear();
    command
}

/// A new empty directory under the system's temporary one.
fn empty_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("portals-dist-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
#[ignore = "needs the static binaries: `make dist` runs it"]
fn the_dist_binaries_are_statically_linked_and_listed_in_the_checksums() {
    let sums = std::fs::read_to_string(dist_dir().join("SHA256SUMS")).unwrap();
    for binary in ["portals-mock", "portals-conformance"] {
        let elf = std::fs::read(dist_dir().join(binary)).unwrap();
        assert_eq!(
            shared_dependencies(&elf),
            Ok(vec![]),
            "{binary} is not statically linked"
        );
        assert!(
            sums.lines()
                .any(|line| line.ends_with(&format!("  {binary}"))
                    && line
                        .split_whitespace()
                        .next()
                        .is_some_and(|h| h.len() == 64)),
            "SHA256SUMS has no line for {binary}:\n{sums}"
        );
    }
}

#[test]
#[ignore = "needs the static binaries: `make dist` runs it"]
fn the_static_mock_serves_and_checks_its_health_from_an_empty_directory_and_environment() {
    let empty = empty_dir("mock");
    let version = isolated("portals-mock", &empty)
        .arg("--version")
        .output()
        .unwrap();
    assert!(version.status.success(), "{version:?}");
    assert!(String::from_utf8_lossy(&version.stdout).contains(env!("CARGO_PKG_VERSION")));

    let (mut mock, base) = start_mock(&empty);
    let health = isolated("portals-mock", &empty)
        .args(["health", "--url", &base])
        .output()
        .unwrap();
    let conformance = isolated("portals-conformance", &empty)
        .args([
            "--target",
            &base,
            "--area",
            "portals",
            "--progress",
            "off",
            "--",
            "--quiet",
        ])
        .output()
        .unwrap();
    mock.kill().unwrap();
    mock.wait().unwrap();

    assert!(health.status.success(), "{health:?}");
    assert!(String::from_utf8_lossy(&health.stdout).contains(r#""status":"ok""#));
    assert!(
        conformance.status.success(),
        "the static runner against the static mock:\n{}\n{}",
        String::from_utf8_lossy(&conformance.stdout),
        String::from_utf8_lossy(&conformance.stderr)
    );
    assert_eq!(
        std::fs::read_dir(&empty).unwrap().count(),
        0,
        "they wrote files"
    );
    std::fs::remove_dir(&empty).unwrap();
}

/// Starts the static mock on 127.0.0.1, port 0; the process and its address.
fn start_mock(dir: &Path) -> (Child, String) {
    let mut mock = isolated("portals-mock", dir)
        .args(["--port", "0", "--log-level", "warn"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let stdout = mock.stdout.take().unwrap();
    let reader =
        std::thread::spawn(move || BufReader::new(stdout).read_line(&mut line).map(|_| line));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !reader.is_finished() {
        assert!(
            std::time::Instant::now() < deadline,
            "no listening line in 20 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let line = reader.join().unwrap().unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_owned();
    (mock, base)
}

/// The Containerfile's instructions, continuation lines joined, comments dropped.
fn containerfile() -> Vec<String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Containerfile"))
        .expect("Containerfile");
    text.replace("\\\n", " ")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_containerfile_is_the_static_binary_alone_as_a_user_that_is_not_root() {
    let lines = containerfile();
    let has = |prefix: &str| lines.iter().find(|line| line.starts_with(prefix));

    assert_eq!(lines.first().map(String::as_str), Some("FROM scratch"));
    assert_eq!(
        has("COPY").map(String::as_str),
        Some("COPY portals-mock /portals-mock")
    );
    let user = has("USER ").expect("a USER line");
    let uid: u32 = user[5..]
        .split(':')
        .next()
        .unwrap()
        .parse()
        .expect("a numeric user");
    assert_ne!(uid, 0, "{user}");
    assert_eq!(has("EXPOSE").map(String::as_str), Some("EXPOSE 8089"));
    assert_eq!(
        has("CMD").map(String::as_str),
        Some(r#"CMD ["--bind", "0.0.0.0:8089"]"#)
    );
}

#[test]
fn the_containerfiles_healthcheck_runs_the_binarys_own_check_without_a_shell() {
    let lines = containerfile();
    let healthcheck = lines
        .iter()
        .find(|line| line.starts_with("HEALTHCHECK"))
        .expect("a HEALTHCHECK");
    // The exec form (a JSON array): no /bin/sh, which a scratch image does not have.
    let exec = healthcheck
        .split_once(" CMD ")
        .expect("HEALTHCHECK … CMD […]")
        .1;
    let argv: Vec<String> = serde_json::from_str(exec).expect("the exec form, a JSON array");
    assert_eq!(argv[0], "/portals-mock");

    // The same arguments, given to this build's binary, are a health check: exit 0 (something
    // answers on 8089) or 1 (nothing does), never 2 (clap refusing them).
    let run = Command::new(env!("CARGO_BIN_EXE_portals-mock"))
        .args(&argv[1..])
        .output()
        .unwrap();
    assert!(matches!(run.status.code(), Some(0 | 1)), "{run:?}");
    if run.status.code() == Some(1) {
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            stderr.contains("http://127.0.0.1:8089/__mock/health"),
            "{stderr}"
        );
    }
}
