//! Build-time embedding shared by the `build.rs` of mock-server (the seed fixtures) and of
//! conformance (the scenarios): writes a table of (path under the directory, contents) with
//! `include_str!` into `OUT_DIR`, and asks Cargo to rebuild when any file of it changes.
//! Included by each build script with `#[path]`; it is no crate of its own.
//!
//! Each crate reaches the workspace's `fixtures/` and this folder through symbolic links of its
//! own (`<crate>/fixtures`, `<crate>/build-support`), which `cargo package` follows: the packaged
//! crate carries the files, so it builds where the workspace is gone.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Embeds every `.json` file under `fixtures/<dir>` (the crate's link to the workspace's) as the static
/// `name` in `OUT_DIR/<file>`, documented with `doc`.
pub fn embed(dir: &str, name: &str, file: &str, doc: &str) {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let root = manifest_dir.join("fixtures").join(dir);
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let mut out = format!("/// {doc}\npub static {name}: &[(&str, &str)] = &[\n");
    for (relative, absolute) in &files {
        println!("cargo:rerun-if-changed={}", absolute.display());
        writeln!(
            out,
            "    ({relative:?}, include_str!({:?})),",
            absolute.display().to_string()
        )
        .expect("writing to a String");
    }
    out.push_str("];\n");
    let out_path = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join(file);
    std::fs::write(out_path, out).expect("OUT_DIR is writable");
}

/// The `.json` files under `dir`, as (path relative to `root` with `/`, absolute path).
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(root, &path, files);
        } else if path.extension().is_some_and(|ext| ext == "json") {
            let relative = path
                .strip_prefix(root)
                .expect("walked from root")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.push((relative, path));
        }
    }
}
