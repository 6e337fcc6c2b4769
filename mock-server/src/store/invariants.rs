//! The invariants of an org's state, checked over the whole of it: every foreign key (what
//! `PRAGMA foreign_key_check` finds), and the rules SQL keys cannot express. Served as
//! `GET /__mock/orgs/{id}/check`, run after every scenario of the suite on the embedded mock
//! and after every step of the random-workload test, and used to refuse a database upgrade
//! that would keep broken rows.

use rusqlite::{Connection, params};
use serde::Serialize;
use serde_json::Value;

use super::StoreError;
use super::row::rows;

/// One broken rule, with the rows it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Which rule: `foreign_key`, `one_default_type`, `user_counts`, `unique_email`,
    /// `personality_module`, `job_types`, `job_results`.
    pub rule: &'static str,
    /// What is wrong, naming the rows by their keys.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.rule, self.message)
    }
}

/// Every invariant of one org; empty when its state is sound.
pub fn check_org(conn: &Connection, org_id: &str) -> Result<Vec<Violation>, StoreError> {
    let mut found = foreign_keys(conn, Some(org_id))?;
    found.extend(one_default_type(conn, org_id)?);
    found.extend(user_counts(conn, org_id)?);
    found.extend(unique_emails(conn, org_id)?);
    found.extend(personality_modules(conn, org_id)?);
    found.extend(job_types(conn, org_id)?);
    found.extend(job_results(conn, org_id)?);
    Ok(found)
}

/// Rows whose foreign key names no row, of one org or of the whole database.
///
/// For one org, only that org's rows are read (through the parents' keys), so checking an org
/// costs what the org holds, not what the whole database holds.
pub fn foreign_keys(conn: &Connection, org_id: Option<&str>) -> Result<Vec<Violation>, StoreError> {
    let broken = match org_id {
        None => {
            let mut check = conn.prepare("PRAGMA foreign_key_check")?;
            check
                .query_map([], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })?
                .collect::<Result<Vec<_>, _>>()?
        }
        Some(org_id) => broken_keys_of_org(conn, org_id)?,
    };
    let mut found = Vec::new();
    for (table, rowid, parent, key_id) in broken {
        let mut key = conn.prepare(
            "SELECT \"from\", \"to\" FROM pragma_foreign_key_list(?1) WHERE id = ?2 ORDER BY seq",
        )?;
        let columns: Vec<(String, Option<String>)> = key
            .query_map(params![table, key_id], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let Some(rowid) = rowid else { continue };
        let from: Vec<&str> = columns.iter().map(|(from, _)| from.as_str()).collect();
        let values: Vec<String> = from
            .iter()
            .map(|column| {
                conn.query_row(
                    &format!("SELECT quote(\"{column}\") FROM \"{table}\" WHERE rowid = ?1"),
                    [rowid],
                    |row| row.get::<_, String>(0),
                )
            })
            .collect::<Result<_, _>>()?;
        found.push(Violation {
            rule: "foreign_key",
            message: format!(
                "{table} row {} refers to a {parent} row ({}) = ({}) that does not exist",
                describe_row(conn, &table, rowid)?,
                columns
                    .iter()
                    .map(|(from, to)| to.clone().unwrap_or_else(|| from.clone()))
                    .collect::<Vec<_>>()
                    .join(", "),
                values.join(", ")
            ),
        });
    }
    Ok(found)
}

/// A row whose key names no parent: (table, rowid, parent table, key id), as
/// `PRAGMA foreign_key_check` answers it.
type BrokenKey = (String, Option<i64>, String, i64);

/// What `PRAGMA foreign_key_check` answers, for the rows of one
/// org only: for each key of each org-scoped table, the org's rows whose parent is missing.
fn broken_keys_of_org(conn: &Connection, org_id: &str) -> Result<Vec<BrokenKey>, StoreError> {
    let mut broken = Vec::new();
    for key in org_keys(conn)? {
        let mut rows = conn.prepare_cached(&key.sql)?;
        for rowid in rows.query_map([org_id], |row| row.get::<_, i64>(0))? {
            broken.push((key.table.clone(), Some(rowid?), key.parent.clone(), key.id));
        }
    }
    Ok(broken)
}

/// One foreign key of an org-scoped table, and the query for the org's rows that break it.
struct OrgKey {
    table: String,
    /// Its id in `pragma_foreign_key_list`.
    id: i64,
    parent: String,
    /// The rowids of org `?1`'s rows whose parent is missing.
    sql: String,
}

/// Every key of every org-scoped table: read from the schema once (it is the same for every
/// connection of this build once migrated), its queries then prepared once per connection.
fn org_keys(conn: &Connection) -> Result<&'static [OrgKey], StoreError> {
    static KEYS: std::sync::OnceLock<Vec<OrgKey>> = std::sync::OnceLock::new();
    if let Some(keys) = KEYS.get() {
        return Ok(keys);
    }
    let keys = read_org_keys(conn)?;
    Ok(KEYS.get_or_init(|| keys))
}

fn read_org_keys(conn: &Connection) -> Result<Vec<OrgKey>, StoreError> {
    let mut tables = conn.prepare(
        "SELECT m.name FROM sqlite_master m
         WHERE m.type = 'table'
           AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.name = 'org_id')
         ORDER BY m.name",
    )?;
    let tables: Vec<String> = tables
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let mut found = Vec::new();
    for table in tables {
        let mut keys = conn.prepare(
            "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1)
             ORDER BY id, seq",
        )?;
        let columns: Vec<(i64, String, String, Option<String>)> = keys
            .query_map([&table], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut key_ids: Vec<i64> = columns.iter().map(|c| c.0).collect();
        key_ids.dedup();
        for key_id in key_ids {
            let key: Vec<&(i64, String, String, Option<String>)> =
                columns.iter().filter(|c| c.0 == key_id).collect();
            let parent = key[0].1.clone();
            let parent_key = primary_key(conn, &parent)?;
            let mut present = Vec::new();
            let mut matches = Vec::new();
            for (index, (_, _, from, to)) in key.iter().enumerate() {
                let to = to.clone().or_else(|| parent_key.get(index).cloned());
                let to = to.unwrap_or_else(|| from.clone());
                present.push(format!("c.\"{from}\" IS NOT NULL"));
                matches.push(format!("p.\"{to}\" = c.\"{from}\""));
            }
            let sql = format!(
                "SELECT c.rowid FROM \"{table}\" c WHERE c.org_id = ?1 AND {}
                 AND NOT EXISTS (SELECT 1 FROM \"{parent}\" p WHERE {})",
                present.join(" AND "),
                matches.join(" AND ")
            );
            found.push(OrgKey {
                table: table.clone(),
                id: key_id,
                parent,
                sql,
            });
        }
    }
    Ok(found)
}

/// A table's primary key columns, in key order.
fn primary_key(conn: &Connection, table: &str) -> Result<Vec<String>, StoreError> {
    let mut key =
        conn.prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")?;
    let columns = key.query_map([table], |row| row.get(0))?;
    Ok(columns.collect::<Result<_, _>>()?)
}

/// A row named by its primary key columns (`(org_id='zylker', id='1')`).
fn describe_row(conn: &Connection, table: &str, rowid: i64) -> Result<String, StoreError> {
    let mut parts = Vec::new();
    for column in primary_key(conn, table)? {
        let value: String = conn.query_row(
            &format!("SELECT quote(\"{column}\") FROM \"{table}\" WHERE rowid = ?1"),
            [rowid],
            |row| row.get(0),
        )?;
        parts.push(format!("{column}={value}"));
    }
    Ok(format!("({})", parts.join(", ")))
}

/// A portal with user types has exactly one default type.
fn one_default_type(conn: &Connection, org_id: &str) -> Result<Vec<Violation>, StoreError> {
    let (types, defaults): (i64, i64) = conn
        .prepare_cached(
            "SELECT COUNT(*), COALESCE(SUM(is_default), 0) FROM user_types WHERE org_id = ?1",
        )?
        .query_row([org_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok((types > 0 && defaults != 1)
        .then(|| Violation {
            rule: "one_default_type",
            message: format!("the portal has {defaults} default user types (one expected)"),
        })
        .into_iter()
        .collect())
}

/// The user counts the API shows with each type are the users that type holds.
fn user_counts(conn: &Connection, org_id: &str) -> Result<Vec<Violation>, StoreError> {
    let mut found = Vec::new();
    for row in super::user_types::list(conn, org_id)? {
        let (active, inactive): (i64, i64) = conn
            .prepare_cached(
                "SELECT COALESCE(SUM(active = 1), 0), COALESCE(SUM(active = 0), 0)
                 FROM portal_users WHERE org_id = ?1 AND user_type_id = ?2",
            )?
            .query_row(params![org_id, row.id], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;
        if (active, inactive) != (row.active_users, row.inactive_users) {
            found.push(Violation {
                rule: "user_counts",
                message: format!(
                    "user type {} shows {} active and {} inactive users but holds {active} and {inactive}",
                    row.id, row.active_users, row.inactive_users
                ),
            });
        }
    }
    Ok(found)
}

/// No two portal users of the portal have one email (compared as Zoho does, ignoring case).
fn unique_emails(conn: &Connection, org_id: &str) -> Result<Vec<Violation>, StoreError> {
    rows(
        conn,
        "SELECT lower(r.email), group_concat(p.personality_id, ', ')
         FROM portal_users p JOIN records r ON r.org_id = p.org_id AND r.id = p.personality_id
         WHERE p.org_id = ?1 AND r.email IS NOT NULL AND r.email <> ''
         GROUP BY lower(r.email) HAVING COUNT(*) > 1",
        [org_id],
        |row| {
            Ok(Violation {
                rule: "unique_email",
                message: format!(
                    "portal users {} share the email {}",
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(0)?
                ),
            })
        },
    )
}

/// A portal user's record is of its type's personality module.
fn personality_modules(conn: &Connection, org_id: &str) -> Result<Vec<Violation>, StoreError> {
    rows(
        conn,
        "SELECT p.personality_id, p.user_type_id, r.module_id, t.personality_module_id
         FROM portal_users p
         JOIN records r ON r.org_id = p.org_id AND r.id = p.personality_id
         JOIN user_types t ON t.org_id = p.org_id AND t.id = p.user_type_id
         WHERE p.org_id = ?1 AND r.module_id <> t.personality_module_id",
        [org_id],
        |row| {
            Ok(Violation {
                rule: "personality_module",
                message: format!(
                    "portal user {} is a record of module {} in user type {} of module {}",
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(3)?
                ),
            })
        },
    )
}

/// A job's type columns are the types its payload names (the keys prove they existed when it
/// was scheduled), or NULL once a type was deleted; never another type.
fn job_types(conn: &Connection, org_id: &str) -> Result<Vec<Violation>, StoreError> {
    let mut found = Vec::new();
    for job in super::jobs::all(conn, org_id)? {
        let payload: Value = match serde_json::from_str(&job.payload) {
            Ok(payload) => payload,
            Err(e) => {
                found.push(Violation {
                    rule: "job_types",
                    message: format!("job {} has an unreadable payload: {e}", job.id),
                });
                continue;
            }
        };
        let named = |key: &str| payload.get(key).and_then(Value::as_str).map(str::to_owned);
        let (source, target) = match job.kind.as_str() {
            "invite" => (None, None),
            "transfer" => (named("user_type_id"), named("transfer_To")),
            _ => (named("user_type_id"), None),
        };
        for (column, named, linked) in [
            ("user_type_id", source, &job.user_type_id),
            ("target_type_id", target, &job.target_type_id),
        ] {
            let consistent = match (&named, linked) {
                (_, None) => true,
                (Some(named), Some(linked)) => named == linked,
                (None, Some(_)) => false,
            };
            if !consistent || (named.is_none() && job.kind != "invite" && column == "user_type_id")
            {
                found.push(Violation {
                    rule: "job_types",
                    message: format!(
                        "job {} ({}) has {column} {linked:?} where its payload names {named:?}",
                        job.id, job.kind
                    ),
                });
            }
        }
    }
    Ok(found)
}

/// A completed job has one result per item; a job not yet completed has none.
fn job_results(conn: &Connection, org_id: &str) -> Result<Vec<Violation>, StoreError> {
    let mut found = Vec::new();
    for job in super::jobs::all(conn, org_id)? {
        let payload: Value = serde_json::from_str(&job.payload).unwrap_or(Value::Null);
        let items = ["items", "users", "personality_ids"]
            .iter()
            .find_map(|key| payload.get(*key).and_then(Value::as_array))
            .map_or(0, Vec::len);
        let results = job
            .results
            .as_deref()
            .map(|text| serde_json::from_str::<Value>(text).ok());
        let problem = match (job.status.as_str(), results) {
            ("completed", Some(Some(Value::Array(results)))) if results.len() == items => None,
            ("completed", Some(Some(Value::Array(results)))) => {
                Some(format!("has {} results for {items} items", results.len()))
            }
            ("completed", _) => Some("is completed without a list of results".to_owned()),
            (_, None) => None,
            (status, Some(_)) => Some(format!("is {status} but already has results")),
        };
        if let Some(problem) = problem {
            found.push(Violation {
                rule: "job_results",
                message: format!("job {} ({}) {problem}", job.id, job.kind),
            });
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::FixtureSet;
    use crate::store::Store;

    const DEFAULT_TYPE: &str = "1306462000001813022";

    fn crowded() -> Store {
        Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap()
    }

    /// Runs raw SQL on the store with foreign keys off, as a careless tool would.
    fn corrupt(store: &Store, sql: &str) {
        store
            .read(|conn| {
                conn.execute_batch(&format!(
                    "PRAGMA foreign_keys = OFF; {sql}; PRAGMA foreign_keys = ON;"
                ))
            })
            .unwrap();
    }

    fn rules(store: &Store) -> Vec<Violation> {
        store.read(|conn| check_org(conn, "crowded")).unwrap()
    }

    #[test]
    fn every_built_in_org_keeps_every_invariant() {
        let store = crowded();
        for org in ["zylker", "blank", "trial", "crowded"] {
            assert_eq!(
                store.read(|conn| check_org(conn, org)).unwrap(),
                vec![],
                "{org}"
            );
        }
    }

    #[test]
    fn a_portal_user_in_a_type_that_does_not_exist_is_named() {
        let store = crowded();
        corrupt(
            &store,
            "UPDATE portal_users SET user_type_id = '42'
             WHERE org_id = 'crowded' AND personality_id = '1306462000300000007'",
        );
        let found = rules(&store);
        assert!(
            found.iter().any(|v| v.rule == "foreign_key"
                && v.message.contains(
                    "portal_users row (org_id='crowded', personality_id='1306462000300000007')"
                )
                && v.message
                    .contains("user_types row (org_id, id) = ('crowded', '42')")),
            "{found:?}"
        );
        // Another org's state is not this org's problem.
        assert_eq!(
            store.read(|conn| check_org(conn, "zylker")).unwrap(),
            vec![]
        );
    }

    #[test]
    fn the_rules_sql_cannot_express_are_named() {
        let store = crowded();
        // A second default type; a user of a Leads record in a Contacts type; two users with
        // one email; a job linked to a type its payload does not name; results of a job that
        // has not run.
        store
            .write(|tx| {
                tx.execute_batch(&format!(
                    "INSERT INTO user_types (org_id, id, name, personality_module_id,
                                             invitation_field_id, active, is_default,
                                             created_time, created_by, modified_time, modified_by)
                     SELECT org_id, '1306462000001813099', 'Second', personality_module_id,
                            invitation_field_id, 1, 1, created_time, created_by, modified_time,
                            modified_by
                     FROM user_types WHERE org_id = 'crowded' AND id = '{DEFAULT_TYPE}';
                     UPDATE records SET module_id = (SELECT id FROM modules
                                                     WHERE org_id = 'crowded' AND api_name = 'Leads')
                     WHERE org_id = 'crowded' AND id = '1306462000300000001';
                     UPDATE records SET email = (SELECT upper(email) FROM records
                                                 WHERE org_id = 'crowded' AND id = '1306462000300000003')
                     WHERE org_id = 'crowded' AND id = '1306462000300000004';
                     INSERT INTO jobs (org_id, id, kind, module, status, user_id, created_time,
                                       payload, results, user_type_id, target_type_id)
                     SELECT 'crowded', '1306462000001899001', 'transfer', NULL, 'scheduled', id, 0,
                            '{{\"user_type_id\":\"{DEFAULT_TYPE}\",\"transfer_To\":\"1\",\"personality_ids\":[\"1\"]}}',
                            '[]', '1306462000001813099', NULL
                     FROM users WHERE org_id = 'crowded' LIMIT 1;"
                ))?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let found = rules(&store);
        let named = |rule: &str, text: &str| {
            assert!(
                found
                    .iter()
                    .any(|v| v.rule == rule && v.message.contains(text)),
                "no {rule} naming {text:?} in {found:#?}"
            );
        };
        named("one_default_type", "2 default user types");
        named("personality_module", "portal user 1306462000300000001");
        named("unique_email", "1306462000300000003, 1306462000300000004");
        named(
            "job_types",
            "job 1306462000001899001 (transfer) has user_type_id",
        );
        named(
            "job_results",
            "job 1306462000001899001 (transfer) is scheduled but already has results",
        );
    }

    /// Each user type's kept counts (active, inactive), and the same counted over its users.
    fn kept_and_counted(store: &Store) -> Vec<((i64, i64), (i64, i64))> {
        store
            .read(|conn| {
                rows(
                    conn,
                    "SELECT t.active_users, t.inactive_users,
                            (SELECT COUNT(*) FROM portal_users p
                             WHERE p.org_id = t.org_id AND p.user_type_id = t.id AND p.active = 1),
                            (SELECT COUNT(*) FROM portal_users p
                             WHERE p.org_id = t.org_id AND p.user_type_id = t.id AND p.active = 0)
                     FROM user_types t WHERE t.org_id = 'crowded' ORDER BY t.id",
                    [],
                    |row| Ok(((row.get(0)?, row.get(1)?), (row.get(2)?, row.get(3)?))),
                )
            })
            .unwrap()
    }

    #[test]
    fn kept_user_counts_equal_counted_ones_after_every_kind_of_write() {
        use crate::store::{Requester, portal_users, snapshots, user_types};
        let store = crowded();
        let check = |after: &str| {
            let found = kept_and_counted(&store);
            assert!(
                found.iter().all(|(kept, counted)| kept == counted),
                "after {after}: {found:?}"
            );
            assert_eq!(rules(&store), vec![], "after {after}");
            found
        };
        assert_eq!(check("seeding")[0].0, (601, 0));
        let user = |n: u32| format!("130646200030000000{n}");
        let write = |f: &dyn Fn(&Connection) -> Result<(), StoreError>| {
            store.write(|tx| f(tx)).unwrap();
        };
        // A second type of the default type's personality module, to move users to.
        let second = store
            .write(|tx| {
                let (module, _) = user_types::personality(tx, "crowded", DEFAULT_TYPE)?
                    .expect("the default type");
                let by = Requester {
                    org_id: "crowded",
                    user_id: "1306462000083528405",
                    now: 0,
                };
                user_types::insert(
                    tx,
                    &user_types::NewUserType {
                        by,
                        name: "Second",
                        personality_module_id: &module,
                        invitation_field_id: None,
                        active: true,
                        is_default: false,
                        modules: &[],
                    },
                )
            })
            .unwrap();
        check("a new type");
        write(&|tx| portal_users::set_active(tx, "crowded", &user(1), false));
        assert_eq!(check("a deactivation")[0].0, (600, 1));
        write(&|tx| portal_users::set_type(tx, "crowded", &user(1), &second));
        write(&|tx| portal_users::set_type(tx, "crowded", &user(2), &second));
        check("two transfers");
        write(&|tx| {
            portal_users::delete_of_type(tx, "crowded", &user(3), DEFAULT_TYPE).map(|_| ())
        });
        check("a removal");
        write(&|tx| portal_users::insert(tx, "crowded", &user(3), &second, "en_US", 0));
        write(&|tx| portal_users::set_active(tx, "crowded", &user(2), false));
        check("an invitation and another deactivation");
        let snapshot = store.write(|tx| snapshots::take(tx, "crowded", 0)).unwrap();
        let before = kept_and_counted(&store);
        write(&|tx| user_types::move_users(tx, "crowded", &second, DEFAULT_TYPE).map(|_| ()));
        write(&|tx| portal_users::set_active(tx, "crowded", &user(4), false));
        let moved = check("a whole type's users moved");
        assert_ne!(moved, before);
        write(&|tx| snapshots::restore(tx, "crowded", &snapshot).map(|_| ()));
        assert_eq!(check("a snapshot put back"), before);
        // A count that drifts from the users is named.
        corrupt(
            &store,
            "UPDATE user_types SET active_users = active_users + 1 WHERE org_id = 'crowded'",
        );
        assert!(
            rules(&store).iter().any(|v| v.rule == "user_counts"),
            "{:?}",
            rules(&store)
        );
    }
}
