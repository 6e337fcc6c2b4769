//! Embeds `fixtures/scenarios/` in the binary: generates a table of (path under
//! fixtures/scenarios, contents) with `include_str!`, so an installed `portals-conformance` runs the
//! suite it was built with even where the checkout is gone. Cargo rebuilds when a scenario changes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let scenarios_dir = manifest_dir.join("..").join("fixtures").join("scenarios");
    println!("cargo:rerun-if-changed={}", scenarios_dir.display());
    let mut files = Vec::new();
    collect(&scenarios_dir, &scenarios_dir, &mut files);
    files.sort();
    let mut out = String::from(
        "/// The scenarios embedded at build time: (path under fixtures/scenarios, contents).\n",
    );
    out.push_str("pub static EMBEDDED_SCENARIOS: &[(&str, &str)] = &[\n");
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
        .join("embedded_scenarios.rs");
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
