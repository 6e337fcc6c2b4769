//! A cache of the two lookups every API call makes, its token and its org, so a read costs no
//! SQL for them; of whether a token's user is a client-portal user (every v8 user-type call
//! asks); of modules' metadata (a search or a page of records reads it each time); and of the
//! users a listing matched (paging through them reads them once). It lives under the store's
//! connection lock, and a write forgets, before the lock is released, every entry that depends
//! on a table it changed (`store::touched`), so it never answers something the database no
//! longer holds.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
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
    /// Whether a user (by org, then user id) is a client-portal user rather than a CRM user;
    /// by org first so a lookup borrows both ids instead of copying them into a key.
    portal_users: HashMap<String, HashMap<String, bool>>,
    /// How many users `portal_users` holds, over all orgs.
    portal_user_count: usize,
    /// Modules with their fields, layouts and views, by org and module id.
    metas: HashMap<(String, String), Arc<ModuleMeta>>,
    /// The matching users of recent listings (`store::user_pages`).
    pub seqs: super::user_pages::SeqMemo,
}

impl ReadCache {
    /// Forgets what depends on the tables a write changed (`changed`: bits of
    /// [`super::touched`]).
    pub fn forget(&mut self, changed: u32) {
        use super::touched::{MODULE_META, ORGS, PORTAL_USERS, PROFILES, TOKENS, USERS};
        if changed & (TOKENS | ORGS | USERS | PROFILES) != 0 {
            self.tokens.clear();
        }
        if changed & ORGS != 0 {
            self.orgs.clear();
        }
        if changed & (PORTAL_USERS | USERS) != 0 {
            self.portal_users.clear();
            self.portal_user_count = 0;
        }
        if changed & MODULE_META != 0 {
            self.metas.clear();
        }
        if changed & PORTAL_USERS != 0 {
            self.seqs.clear();
        }
    }

    /// Whether a user acts for a client-portal user of its org, from the cache or from `load`.
    pub fn portal_user<E>(
        &mut self,
        org_id: &str,
        user_id: &str,
        load: impl FnOnce() -> Result<bool, E>,
    ) -> Result<bool, E> {
        if let Some(&hit) = self
            .portal_users
            .get(org_id)
            .and_then(|users| users.get(user_id))
        {
            return Ok(hit);
        }
        let loaded = load()?;
        if self.portal_user_count >= MAX_ENTRIES {
            self.portal_users.clear();
            self.portal_user_count = 0;
        }
        let users = self.portal_users.entry(org_id.to_owned()).or_default();
        users.insert(user_id.to_owned(), loaded);
        self.portal_user_count += 1;
        Ok(loaded)
    }

    /// An access token's grant, from the cache or from `load`.
    pub fn token<E>(
        &mut self,
        token: &str,
        load: impl FnOnce() -> Result<Option<AccessGrant>, E>,
    ) -> Result<Option<Arc<AccessGrant>>, E> {
        remembered(&mut self.tokens, token, MAX_ENTRIES, || {
            load().map(|found| found.map(Arc::new))
        })
    }

    /// A module's metadata, from the cache or from `load`.
    pub fn module_meta<E>(
        &mut self,
        org_id: &str,
        module_id: &str,
        load: impl FnOnce() -> Result<ModuleMeta, E>,
    ) -> Result<Arc<ModuleMeta>, E> {
        let key = (org_id.to_owned(), module_id.to_owned());
        remembered(&mut self.metas, &key, MAX_ENTRIES, || load().map(Arc::new))
    }

    /// An org's row, from the cache or from `load`.
    pub fn org<E>(
        &mut self,
        org_id: &str,
        load: impl FnOnce() -> Result<Option<OrgRow>, E>,
    ) -> Result<Option<Arc<OrgRow>>, E> {
        remembered(&mut self.orgs, org_id, MAX_ENTRIES, || {
            load().map(|found| found.map(Arc::new))
        })
    }
}

/// `key`'s entry of `map`, or what `load` reads (kept, unless it failed; a map of `limit`
/// entries is emptied first, so no client can grow it without bound).
pub(super) fn remembered<K, Q, V, E>(
    map: &mut HashMap<K, V>,
    key: &Q,
    limit: usize,
    load: impl FnOnce() -> Result<V, E>,
) -> Result<V, E>
where
    K: Borrow<Q> + Eq + Hash,
    Q: ToOwned<Owned = K> + Eq + Hash + ?Sized,
    V: Clone,
{
    if let Some(hit) = map.get(key) {
        return Ok(hit.clone());
    }
    let loaded = load()?;
    if map.len() >= limit {
        map.clear();
    }
    map.insert(key.to_owned(), loaded.clone());
    Ok(loaded)
}
