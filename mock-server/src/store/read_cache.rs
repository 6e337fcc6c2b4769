//! A cache of the two lookups every API call makes, its token and its org, so a read costs no
//! SQL for them; of modules' metadata (a search or a page of records reads it each time); and
//! of the users a listing matched (paging through them reads them once). It lives under the store's connection lock and every write empties it before
//! the lock is released, so it can never answer something the database no longer holds.

use std::collections::HashMap;
use std::sync::Arc;

use super::crm::ModuleMeta;
use super::orgs::OrgRow;
use super::tokens::AccessGrant;

/// Past this many entries the cache is emptied (a client trying random tokens cannot grow it).
const MAX_ENTRIES: usize = 4096;

/// Tokens and orgs, as last read (`None`: known to be absent), shared with whoever asked.
#[derive(Debug, Default)]
pub struct ReadCache {
    tokens: HashMap<String, Option<Arc<AccessGrant>>>,
    orgs: HashMap<String, Option<Arc<OrgRow>>>,
    /// Modules with their fields, layouts and views, by org and module id.
    metas: HashMap<(String, String), Arc<ModuleMeta>>,
    /// The matching users of recent listings (`store::user_pages`).
    pub seqs: super::user_pages::SeqMemo,
}

impl ReadCache {
    /// Forgets everything (after a write).
    pub fn clear(&mut self) {
        self.tokens.clear();
        self.orgs.clear();
        self.metas.clear();
        self.seqs.clear();
    }

    /// An access token's grant, from the cache or from `load`.
    pub fn token<E>(
        &mut self,
        token: &str,
        load: impl FnOnce() -> Result<Option<AccessGrant>, E>,
    ) -> Result<Option<Arc<AccessGrant>>, E> {
        cached(&mut self.tokens, token, load)
    }

    /// A module's metadata, from the cache or from `load`.
    pub fn module_meta<E>(
        &mut self,
        org_id: &str,
        module_id: &str,
        load: impl FnOnce() -> Result<ModuleMeta, E>,
    ) -> Result<Arc<ModuleMeta>, E> {
        let key = (org_id.to_owned(), module_id.to_owned());
        if let Some(hit) = self.metas.get(&key) {
            return Ok(Arc::clone(hit));
        }
        let loaded = Arc::new(load()?);
        if self.metas.len() >= MAX_ENTRIES {
            self.metas.clear();
        }
        self.metas.insert(key, Arc::clone(&loaded));
        Ok(loaded)
    }

    /// An org's row, from the cache or from `load`.
    pub fn org<E>(
        &mut self,
        org_id: &str,
        load: impl FnOnce() -> Result<Option<OrgRow>, E>,
    ) -> Result<Option<Arc<OrgRow>>, E> {
        cached(&mut self.orgs, org_id, load)
    }
}

/// `key`'s entry of `map`, or what `load` reads (kept, unless it failed).
fn cached<T, E>(
    map: &mut HashMap<String, Option<Arc<T>>>,
    key: &str,
    load: impl FnOnce() -> Result<Option<T>, E>,
) -> Result<Option<Arc<T>>, E> {
    if let Some(hit) = map.get(key) {
        return Ok(hit.clone());
    }
    let loaded = load()?.map(Arc::new);
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(key.to_owned(), loaded.clone());
    Ok(loaded)
}
