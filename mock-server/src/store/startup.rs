//! Start-up seeding: every fixture org the database lacks, written with the kept user counts
//! (schema step 5) counted once per seeded org instead of by a trigger per seeded portal user.
//!
//! Only at start-up: no statement is prepared yet, so dropping and recreating the triggers costs
//! no re-preparation, and nothing else can see the database in between (one transaction).

use rusqlite::Transaction;

use super::{StoreError, orgs, seed};
use crate::fixtures::FixtureSet;

/// The triggers of schema step 5 that keep `user_types`' counts of portal users.
const COUNT_TRIGGERS: &str = "SELECT name, sql FROM sqlite_master
                              WHERE type = 'trigger' AND tbl_name = 'portal_users'
                                AND name LIKE 'portal_users_counted_on_%'";

/// Step 5's own count of an org's user types' portal users.
const RECOUNT: &str = "UPDATE user_types SET
    active_users = (SELECT COUNT(*) FROM portal_users p
                    WHERE p.org_id = user_types.org_id AND p.user_type_id = user_types.id
                      AND p.active = 1),
    inactive_users = (SELECT COUNT(*) FROM portal_users p
                      WHERE p.org_id = user_types.org_id AND p.user_type_id = user_types.id
                        AND p.active = 0)
    WHERE org_id = ?1";

/// Seeds each org of `fixtures` not in the database yet (named after its fixture, with its
/// tokens); the counts come out as the triggers would have kept them.
pub fn seed_missing(tx: &Transaction<'_>, fixtures: &FixtureSet) -> Result<(), StoreError> {
    let mut missing = Vec::new();
    for (name, fixture) in fixtures.orgs() {
        if !orgs::exists(tx, name)? {
            missing.push((name, fixture));
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let triggers: Vec<(String, String)> = {
        let mut statement = tx.prepare(COUNT_TRIGGERS)?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (name, _) in &triggers {
        tx.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))?;
    }
    for (name, fixture) in &missing {
        seed::seed_org(tx, name, name, fixture, seed::Tokens::FromFixture)?;
        tx.execute(RECOUNT, [name])?;
    }
    for (_, sql) in &triggers {
        tx.execute_batch(sql)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::Store;
    use super::*;

    #[test]
    fn seeded_counts_are_the_recounted_ones_and_the_triggers_are_back() {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        store
            .read(|conn| {
                let triggers: i64 = conn.query_row(
                    &format!("SELECT COUNT(*) FROM ({COUNT_TRIGGERS})"),
                    [],
                    |row| row.get(0),
                )?;
                assert_eq!(triggers, 3);
                let (types, off): (i64, i64) = conn.query_row(
                    "SELECT COUNT(*), COALESCE(SUM(
                         active_users <> (SELECT COUNT(*) FROM portal_users p
                                          WHERE p.org_id = t.org_id AND p.user_type_id = t.id
                                            AND p.active = 1)
                         OR inactive_users <> (SELECT COUNT(*) FROM portal_users p
                                               WHERE p.org_id = t.org_id
                                                 AND p.user_type_id = t.id AND p.active = 0)), 0)
                     FROM user_types t",
                    [],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )?;
                assert!(types > 0);
                assert_eq!(off, 0);
                let counted: i64 = conn.query_row(
                    "SELECT COALESCE(SUM(active_users + inactive_users), 0) FROM user_types",
                    [],
                    |row| row.get(0),
                )?;
                assert!(counted > 0);
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }
}
