//! Embeds `fixtures/scenarios/` in the binary (see `build-support/embed_dir.rs`), so an installed
//! `portals-conformance` runs the suite it was built with even where the checkout is gone.

#[path = "build-support/embed_dir.rs"]
mod embed_dir;

fn main() {
    embed_dir::embed(
        "scenarios",
        "EMBEDDED_SCENARIOS",
        "embedded_scenarios.rs",
        "The scenarios embedded at build time: (path under fixtures/scenarios, contents).",
    );
}
