//! Embeds `fixtures/seed/` in the binary (see `build-support/embed_dir.rs`), so an installed
//! `portals-mock` seeds its built-in orgs where the checkout is gone.

#[path = "build-support/embed_dir.rs"]
mod embed_dir;

fn main() {
    embed_dir::embed(
        "seed",
        "EMBEDDED",
        "embedded_fixtures.rs",
        "The seed fixtures embedded at build time: (path under fixtures/seed, contents).",
    );
}
