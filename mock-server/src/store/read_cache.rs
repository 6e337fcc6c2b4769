//! A cache of the two lookups every API call makes, its token and its org, so a read costs no
//! SQL for them. It lives under the store's connection lock and every write empties it before
//! the lock is released, so it can never answer something the database no longer holds.

use std::collections::HashMap;

use super::orgs::OrgRow;
use super::tokens::AccessGrant;

/// Past this many entries the cache is emptied (a client trying random tokens cannot grow it).
const MAX_ENTRIES: usize = 4096;

/// Tokens and orgs, as last read (`None`: known to be absent).
#[derive(Debug, Default)]
pub struct ReadCache {
    tokens: HashMap<String, Option<AccessGrant>>,
    orgs: HashMap<String, Option<OrgRow>>,
}

impl ReadCache {
    /// Forgets everything (after a write).
    pub fn clear(&mut self) {
        self.tokens.clear();
        self.orgs.clear();
    }

    /// An access token's grant, from the cache or from `load`.
    pub fn token<E>(
        &mut self,
        token: &str,
        load: impl FnOnce() -> Result<Option<AccessGrant>, E>,
    ) -> Result<Option<AccessGrant>, E> {
        if let Some(hit) = self.tokens.get(token) {
            return Ok(hit.clone());
        }
        let loaded = load()?;
        if self.tokens.len() >= MAX_ENTRIES {
            self.tokens.clear();
        }
        self.tokens.insert(token.to_owned(), loaded.clone());
        Ok(loaded)
    }

    /// An org's row, from the cache or from `load`.
    pub fn org<E>(
        &mut self,
        org_id: &str,
        load: impl FnOnce() -> Result<Option<OrgRow>, E>,
    ) -> Result<Option<OrgRow>, E> {
        if let Some(hit) = self.orgs.get(org_id) {
            return Ok(hit.clone());
        }
        let loaded = load()?;
        if self.orgs.len() >= MAX_ENTRIES {
            self.orgs.clear();
        }
        self.orgs.insert(org_id.to_owned(), loaded.clone());
        Ok(loaded)
    }
}
