//! Fuzz targets, and the small seeded mutation fuzzer that drives them on stable Rust.
//!
//! Each target takes arbitrary bytes, runs them through the mock's own code (the request
//! parser, the router, a whole request with a JSON or query body against a real in-memory store)
//! and panics if an invariant breaks: a 500, a body that is not a JSON object, an error answer
//! without a Zoho `code`. [`run`] replays a seed corpus and then mutates it for a number of
//! iterations, keeping inputs that reach an outcome not seen before (a cheap stand-in for
//! coverage feedback). A panicking input is written to `target/fuzz-crashes/` and the run fails
//! naming that file; it then becomes a regression input under `fuzz/<target>/` of the package.
//!
//! `make test` runs each target briefly with a fixed seed (repeatable); `make fuzz` runs them
//! longer (`FUZZ_ITERATIONS`, `FUZZ_SEED`). Not part of the stable API.
mod mutate;
mod targets;

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

pub use mutate::{Rng, mutate};
pub use targets::{BodyTarget, body_seeds, check_answer, request_target, router_target};

/// How long a run is: from `FUZZ_ITERATIONS` and `FUZZ_SEED`, or the defaults given.
pub fn settings(default_iterations: usize) -> (usize, u64) {
    let iterations = std::env::var("FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_iterations);
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED);
    (iterations, seed)
}

/// Replays `seeds` and every regression input in `regressions` (one file per input), then
/// runs `iterations` mutated inputs through `target`. The target answers an outcome signature;
/// inputs with a new outcome join the corpus. A panic fails the run, naming the saved input.
pub fn run(
    name: &str,
    seeds: impl IntoIterator<Item = impl AsRef<[u8]>>,
    regressions: &Path,
    iterations: usize,
    seed: u64,
    mut target: impl FnMut(&[u8]) -> u64,
) {
    let mut corpus: Vec<Vec<u8>> = seeds.into_iter().map(|s| s.as_ref().to_vec()).collect();
    if let Ok(entries) = std::fs::read_dir(regressions) {
        let mut files: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
        files.sort();
        corpus.extend(files.iter().filter_map(|path| std::fs::read(path).ok()));
    }
    let mut seen = HashSet::new();
    let mut rng = Rng::new(seed);
    let mut check = |input: &[u8], seen: &mut HashSet<u64>| -> bool {
        match catch_unwind(AssertUnwindSafe(|| target(input))) {
            Ok(outcome) => seen.insert(outcome),
            Err(panic) => {
                let saved = save_crash(name, input);
                let reason = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                panic!(
                    "fuzz target {name} failed on {:?} (saved as {}): {reason}",
                    String::from_utf8_lossy(&input[..input.len().min(300)]),
                    saved.display()
                );
            }
        }
    };
    for input in corpus.clone() {
        check(&input, &mut seen);
    }
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    for _ in 0..iterations {
        let base = corpus[rng.below(corpus.len())].clone();
        let input = mutate(&mut rng, &base, &corpus);
        if check(&input, &mut seen) && corpus.len() < 4096 {
            corpus.push(input);
        }
    }
    report(name, iterations, seen.len(), corpus.len());
}

/// One line per run (shown by `make fuzz`, which runs the tests with `--nocapture`).
#[allow(clippy::print_stderr)]
fn report(name: &str, iterations: usize, outcomes: usize, corpus: usize) {
    eprintln!(
        "fuzz {name}: {iterations} mutated inputs, {outcomes} distinct outcomes, corpus {corpus}"
    );
}

fn save_crash(name: &str, input: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-crashes");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{name}-{:016x}", signature(&input)));
    let _ = std::fs::write(&path, input);
    path
}

/// A hash of anything, for outcome signatures.
pub fn signature(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}
