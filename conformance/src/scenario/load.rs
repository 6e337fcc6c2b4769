//! Finding and loading scenario files: a directory walked and sorted, or the copy embedded at
//! build time.

use std::path::{Path, PathBuf};

use super::{LoadedScenario, parse};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_scenarios.rs"));
}

/// Loads every `*.json` under `dir` (sorted; `README`s and other files skipped).
/// Fails when the directory holds no scenario: a wrong path must not pass silently.
///
/// The checkout's directory ([`crate::BUILT_IN_SCENARIOS`]) falls back to the copy embedded at
/// build time when it is gone (a binary from `cargo install`, a cached binary in CI).
pub fn load_dir(dir: &Path) -> Result<Vec<LoadedScenario>, String> {
    if dir == Path::new(crate::BUILT_IN_SCENARIOS) && !dir.is_dir() {
        return load_embedded();
    }
    let mut files = Vec::new();
    collect(dir, &mut files).map_err(|error| format!("{}: {error}", dir.display()))?;
    files.sort();
    let mut loaded = Vec::new();
    for path in files {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        loaded.push((path, text));
    }
    load_texts(dir, loaded)
}

/// `--scenarios PATH`: a directory (every scenario under it) or one scenario file, named
/// `<its folder>::<its stem>` as it would be in its suite.
pub fn load_path(path: &Path) -> Result<Vec<LoadedScenario>, String> {
    if path.is_dir() {
        return load_dir(path);
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let parent = path.parent().unwrap_or(Path::new(""));
    let dir = parent.parent().unwrap_or(Path::new(""));
    load_texts(dir, vec![(path.to_owned(), text)])
}

/// The scenarios embedded at build time, named as if read from `fixtures/scenarios`.
pub fn load_embedded() -> Result<Vec<LoadedScenario>, String> {
    let dir = Path::new("fixtures/scenarios");
    let files = embedded::EMBEDDED_SCENARIOS
        .iter()
        .map(|(relative, text)| (dir.join(relative), (*text).to_owned()))
        .collect();
    load_texts(dir, files)
}

fn load_texts(dir: &Path, files: Vec<(PathBuf, String)>) -> Result<Vec<LoadedScenario>, String> {
    let mut scenarios = Vec::new();
    for (path, text) in files {
        let scenario = parse(&path, &text)?;
        let relative = path.strip_prefix(dir).unwrap_or(&path);
        let area = relative
            .parent()
            .map(|p| p.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "::"))
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| "root".into());
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        scenarios.push(LoadedScenario {
            name: format!("{area}::{stem}"),
            area,
            path,
            scenario,
        });
    }
    if scenarios.is_empty() {
        return Err(format!(
            "{}: no scenario files (*.json) found",
            dir.display()
        ));
    }
    Ok(scenarios)
}

/// Every `*.json` under `dir`, recursively.
pub(super) fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_file_loads_under_its_area() {
        let file = Path::new(crate::BUILT_IN_SCENARIOS)
            .join("oauth/unknown_grant_type_is_unsupported_grant_type.json");
        let loaded = load_path(&file).unwrap();
        assert_eq!(loaded.len(), 1);
        assert_eq!(
            loaded[0].name,
            "oauth::unknown_grant_type_is_unsupported_grant_type"
        );
        let missing = load_path(Path::new("no/such.json")).unwrap_err();
        assert!(missing.contains("no/such.json"), "{missing}");
    }

    #[test]
    fn the_embedded_scenarios_are_the_checkouts() {
        let names = |loaded: Vec<LoadedScenario>| -> Vec<String> {
            loaded.into_iter().map(|s| s.name).collect()
        };
        let embedded = names(load_embedded().unwrap());
        assert!(embedded.len() > 100, "{}", embedded.len());
        assert_eq!(
            embedded,
            names(load_dir(Path::new(crate::BUILT_IN_SCENARIOS)).unwrap())
        );
    }
}
