//! Embeds `fixtures/seed/` in the binary: generates a table of (relative path, contents) with
//! `include_str!`, and asks Cargo to rebuild when any fixture changes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let seed_dir = manifest_dir.join("..").join("fixtures").join("seed");
    println!("cargo:rerun-if-changed={}", seed_dir.display());
    let mut files = Vec::new();
    collect(&seed_dir, &seed_dir, &mut files);
    files.sort();
    let mut out = String::from(
        "/// The seed fixtures embedded at build time: (path under fixtures/seed, contents).\n",
    );
    out.push_str("pub static EMBEDDED: &[(&str, &str)] = &[\n");
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
    let out_path = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"))
        .join("embedded_fixtures.rs");
    std::fs::write(out_path, out).expect("OUT_DIR is writable");
}

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
