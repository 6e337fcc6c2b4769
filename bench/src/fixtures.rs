//! The fixture directory the load runs use: the built-in seed, plus an org `bench10k` (a copy
//! of `zylker` under its own portal name and token) whose CRM holds 10,000 more Contacts
//! customers that can be invited.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// The org fixture with the extra customers.
pub const ORG: &str = "bench10k";
/// Its admin token.
pub const TOKEN: &str = "1000.bench10k.admin";
/// Its portal's name.
pub const PORTAL: &str = "BenchAutos";
/// How many customers it adds.
pub const CUSTOMERS: usize = 10_000;

/// Record id of customer `n` (0-based).
pub fn customer_id(n: usize) -> String {
    format!("{}", 1_306_462_000_100_000_000u64 + n as u64)
}

/// Writes the fixture directory into `dir` (created) from the workspace's `seed` directory.
pub fn write(seed: &Path, dir: &Path) -> Result<PathBuf, String> {
    let io = |what: &Path, error: std::io::Error| format!("{}: {error}", what.display());
    for sub in ["orgs", "crm"] {
        let from = seed.join(sub);
        let to = dir.join(sub);
        std::fs::create_dir_all(&to).map_err(|e| io(&to, e))?;
        for entry in std::fs::read_dir(&from).map_err(|e| io(&from, e))? {
            let path = entry.map_err(|e| io(&from, e))?.path();
            if path.extension().is_some_and(|ext| ext == "json") {
                let target = to.join(path.file_name().unwrap_or_default());
                std::fs::copy(&path, &target).map_err(|e| io(&path, e))?;
            }
        }
    }
    let read = |path: PathBuf| -> Result<Value, String> {
        let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let mut org = read(seed.join("orgs/zylker.json"))?;
    let crm_name = org["crm"]
        .as_str()
        .ok_or("zylker.json: \"crm\" is not a name")?
        .to_owned();
    let mut crm = read(seed.join(format!("crm/{crm_name}.json")))?;
    bench_org(&mut org, &mut crm)?;
    org["crm"] = crm;
    let path = dir.join(format!("orgs/{ORG}.json"));
    let text = serde_json::to_string(&org).map_err(|e| e.to_string())?;
    std::fs::write(&path, text).map_err(|e| io(&path, e))?;
    Ok(dir.to_path_buf())
}

/// Turns a copy of the zylker org and its CRM into the bench org.
fn bench_org(org: &mut Value, crm: &mut Value) -> Result<(), String> {
    org["description"] = json!("make bench: zylker with 10,000 more Contacts customers");
    // Token strings and OAuth clients are server-wide: keep one admin token of our own.
    let admin = org["tokens"]
        .as_array()
        .and_then(|tokens| tokens.iter().find(|t| t["token"] == "1000.zylker.admin"))
        .cloned()
        .ok_or("zylker.json has no 1000.zylker.admin token")?;
    let mut admin = admin;
    admin["token"] = json!(TOKEN);
    org["tokens"] = json!([admin]);
    org["oauth_clients"] = json!([]);
    // Portal names are global.
    org["portal"]["name"] = json!(PORTAL);
    let records = crm["records"]
        .as_array_mut()
        .ok_or("the zylker CRM has no records")?;
    for n in 0..CUSTOMERS {
        records.push(json!({
            "id": customer_id(n),
            "module": "Contacts",
            "name": format!("Customer {n}"),
            "email": format!("customer{n}@example.com"),
        }));
    }
    Ok(())
}
