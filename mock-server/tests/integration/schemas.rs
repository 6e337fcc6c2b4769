//! The JSON Schemas in `fixtures/schema/` (for editors) against every built-in fixture, the
//! example org, the orgs' dumps and every scenario, so schema and files cannot drift; and a
//! wrong file fails. The validator is the small subset of JSON Schema 2020-12 the schemas use
//! (`type`, `properties`, `required`, `additionalProperties`, `items`, `enum`, `oneOf`,
//! `pattern`, `minimum`, `maximum`, `$ref` within a file or to a sibling file): written here
//! rather than adding a validator crate and its dependency tree for one test.

use std::path::{Path, PathBuf};

use regex_lite::Regex;
use serde_json::{Value, json};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// A schema file and the directory its sibling references resolve in.
struct Schema {
    dir: PathBuf,
    root: Value,
}

impl Schema {
    fn load(name: &str) -> Schema {
        let dir = Path::new(ROOT).join("fixtures/schema");
        Schema {
            root: read(&dir.join(name)),
            dir,
        }
    }

    /// Every way `value` breaks the schema, as `path: why`.
    fn errors(&self, value: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        check(&self.dir, &self.root, &self.root, value, "$", &mut errors);
        errors
    }
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn check(
    dir: &Path,
    root: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    errors: &mut Vec<String>,
) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let (file, pointer) = reference.split_once('#').unwrap_or((reference, ""));
        let other;
        let base = if file.is_empty() {
            root
        } else {
            other = read(&dir.join(file));
            &other
        };
        let target = base
            .pointer(pointer)
            .unwrap_or_else(|| panic!("unresolved $ref {reference}"));
        check(dir, base, target, value, at, errors);
    }
    if let Some(types) = schema.get("type") {
        let actual = type_of(value);
        let allowed: Vec<&str> = match types {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            other => panic!("bad type {other}"),
        };
        let fits = allowed
            .iter()
            .any(|t| *t == actual || (*t == "number" && actual == "integer"));
        if !fits {
            errors.push(format!(
                "{at}: is {actual}, expected {}",
                allowed.join(" or ")
            ));
            return;
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        errors.push(format!(
            "{at}: {value} is not one of {}",
            Value::from(options.clone())
        ));
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let fitting = options
            .iter()
            .filter(|option| {
                let mut inner = Vec::new();
                check(dir, root, option, value, at, &mut inner);
                inner.is_empty()
            })
            .count();
        if fitting != 1 {
            errors.push(format!(
                "{at}: fits {fitting} of the oneOf options, not one"
            ));
        }
    }
    if let (Some(pattern), Some(text)) = (
        schema.get("pattern").and_then(Value::as_str),
        value.as_str(),
    ) && !Regex::new(pattern).unwrap().is_match(text)
    {
        errors.push(format!("{at}: {text:?} does not match {pattern}"));
    }
    if let Some(number) = value.as_f64() {
        if schema
            .get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|min| number < min)
        {
            errors.push(format!("{at}: {number} is below the minimum"));
        }
        if schema
            .get("maximum")
            .and_then(Value::as_f64)
            .is_some_and(|max| number > max)
        {
            errors.push(format!("{at}: {number} is above the maximum"));
        }
    }
    if let Value::Object(object) = value {
        let properties = schema.get("properties").and_then(Value::as_object);
        for key in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = key.as_str().unwrap();
            if !object.contains_key(key) {
                errors.push(format!("{at}: missing required key {key:?}"));
            }
        }
        for (key, item) in object {
            let path = format!("{at}.{key}");
            match (
                properties.and_then(|p| p.get(key)),
                schema.get("additionalProperties"),
            ) {
                (Some(sub), _) => check(dir, root, sub, item, &path, errors),
                (None, Some(Value::Bool(false))) => {
                    errors.push(format!("{at}: unknown key {key:?}"));
                }
                (None, Some(sub @ Value::Object(_))) => check(dir, root, sub, item, &path, errors),
                (None, _) => {}
            }
        }
    }
    if let (Value::Array(items), Some(sub)) = (value, schema.get("items")) {
        for (index, item) in items.iter().enumerate() {
            check(dir, root, sub, item, &format!("{at}[{index}]"), errors);
        }
    }
}

/// The `.json` files under a directory, recursively, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(json_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[track_caller]
fn assert_valid(schema: &Schema, files: &[PathBuf]) {
    assert!(
        !files.is_empty(),
        "no files: a wrong directory must not pass"
    );
    let broken: Vec<String> = files
        .iter()
        .flat_map(|path| {
            schema
                .errors(&read(path))
                .into_iter()
                .map(move |error| format!("{}: {error}", path.display()))
        })
        .collect();
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn every_built_in_fixture_and_the_example_org_fit_the_fixture_schemas() {
    let root = Path::new(ROOT);
    let mut orgs = json_files(&root.join("fixtures/seed/orgs"));
    orgs.extend(json_files(&root.join("fixtures/examples/orgs")));
    assert_valid(&Schema::load("org.schema.json"), &orgs);
    assert_valid(
        &Schema::load("crm.schema.json"),
        &json_files(&root.join("fixtures/seed/crm")),
    );
}

#[test]
fn every_orgs_dump_fits_the_org_schema() {
    let server = crate::common::start();
    // A few optional keys set, as a dump after a test run has them.
    server.control(
        "POST",
        "/__mock/orgs/zylker/clock/advance",
        r#"{"by":"1d"}"#,
    );
    let schema = Schema::load("org.schema.json");
    for org in ["blank", "crowded", "trial", "zylker"] {
        let dump = server
            .call("GET", &format!("/__mock/orgs/{org}/state"), None, None)
            .json();
        assert_eq!(schema.errors(&dump), Vec::<String>::new(), "{org}");
    }
}

#[test]
fn every_scenario_fits_the_scenario_schema() {
    let files = json_files(&Path::new(ROOT).join("fixtures/scenarios"));
    assert!(files.len() > 100, "{} scenarios", files.len());
    assert_valid(&Schema::load("scenario.schema.json"), &files);
}

#[test]
fn a_wrong_fixture_or_scenario_breaks_its_schema() {
    let org_schema = Schema::load("org.schema.json");
    let mut org = read(&Path::new(ROOT).join("fixtures/examples/orgs/minimal.json"));
    assert!(org_schema.errors(&org).is_empty());
    org["portal"]["colour"] = json!("red");
    org["org"]["id_prefix"] = json!("123");
    org["tokens"][0]["kind"] = json!("bearer");
    org.as_object_mut().unwrap().remove("users");
    assert_eq!(
        org_schema.errors(&org),
        [
            "$: missing required key \"users\"",
            "$.org.id_prefix: \"123\" does not match ^[0-9]{10}$",
            "$.tokens[0].kind: \"bearer\" is not one of [\"access\",\"refresh\",\"grant\"]",
            "$.portal: fits 0 of the oneOf options, not one",
        ]
    );
    let scenario = json!({
        "description": "d", "source": "s",
        "steps": [{"request": {"method": "GET"}, "expect": {"status": "200"}}]
    });
    assert_eq!(
        Schema::load("scenario.schema.json").errors(&scenario),
        [
            "$.steps[0].request: missing required key \"path\"",
            "$.steps[0].expect.status: is string, expected integer or null",
        ]
    );
}

#[test]
fn the_fixture_reference_documents_every_key_and_shows_the_example_org_as_it_is() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("fixtures/README.md")).unwrap();
    let schema = Schema::load("org.schema.json").root;
    let mut objects = vec![&schema];
    objects.extend(schema["$defs"].as_object().unwrap().values());
    let undocumented: Vec<&String> = objects
        .iter()
        .filter_map(|object| object["properties"].as_object())
        .flat_map(|properties| properties.keys())
        .filter(|key| !readme.contains(&format!("| `{key}` |")))
        .collect();
    assert!(
        undocumented.is_empty(),
        "not in fixtures/README.md: {undocumented:?}"
    );
    // The example in the README is the file the tests load.
    let start = readme.find("## A minimal complete org").unwrap();
    let block = &readme[start..];
    let json_start = block.find("```json\n").unwrap() + "```json\n".len();
    let json_end = json_start + block[json_start..].find("```").unwrap();
    let shown: Value = serde_json::from_str(&block[json_start..json_end]).unwrap();
    let file = read(&Path::new(ROOT).join("fixtures/examples/orgs/minimal.json"));
    assert_eq!(shown, file);
}
