//! `portals-mock dump --db FILE --org ID [--fixtures DIR | --only-fixtures DIR]`: one org of a database file as the
//! fixture JSON that `GET /__mock/orgs/{id}/state` answers, offline. The file is opened
//! read-only: a missing file is refused, never created, seeded or upgraded.

use std::path::Path;

use crate::fixtures::FixtureSet;
use crate::store::dump;

/// The org's fixture JSON (pretty, with a final newline), or a message naming what is wrong.
/// `fixtures` supplies the description and notes of the org's fixture (the built-in
/// fixtures, plus or instead of a directory: [`FixtureSet::for_command_line`]), as the server
/// that wrote the file had them.
pub fn run(db: &Path, org_id: &str, fixtures: &FixtureSet) -> Result<String, String> {
    let fixture = dump::dump_file(db, org_id, fixtures).map_err(|error| error.to_string())?;
    let mut text = serde_json::to_string_pretty(&fixture)
        .map_err(|error| format!("cannot serialise the org: {error}"))?;
    text.push('\n');
    Ok(text)
}
