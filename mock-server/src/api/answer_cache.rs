//! Rendered answers of `GET /crm/…` calls, kept until the next write, so a repeated read costs
//! its authentication and a lookup instead of SQL and JSON.
//!
//! An answer is kept under everything it is made from: the caller (org and user, whose profile
//! and scopes were already checked), the `Host`, the path and query as parsed, and the org's "now"
//! (to the second: no answer outlives the second it was rendered in, so an answer that shows a
//! time, or a token or job that expires, is never served stale). Every write to the store, by a
//! request, the job worker or the control plane, moves the store's generation
//! ([`Store::generation`](crate::store::Store::generation)); an entry is served only while the
//! generation it was rendered at is still current. The journal, faults and limits are applied
//! around the handler, so they see every request as before; only the handler's work is saved.
//!
//! Kept: 200 and 204 answers of `GET` requests without a body; at most [`MAX_BYTES`] of bodies
//! (then everything is dropped and it fills again). `--answer-cache off` turns it off.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::api::auth::Caller;
use crate::http::{ApiRequest, ApiResponse, Method};

/// The most body bytes kept at once (a users page of 200 is ≈60 KB).
pub const MAX_BYTES: usize = 4 << 20;

/// What an answer is kept under (see [`AnswerCache::key`]).
pub type Key = Vec<u8>;

/// The most answers kept at once.
const MAX_ENTRIES: usize = 4096;

/// The kept answers, each with the store generation it was rendered at.
#[derive(Debug)]
pub struct AnswerCache {
    enabled: bool,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// The store generation every kept answer was rendered at.
    generation: u64,
    answers: HashMap<Key, ApiResponse>,
    /// Bytes of keys and bodies kept.
    bytes: usize,
}

impl AnswerCache {
    /// A cache, on or off.
    pub fn new(enabled: bool) -> AnswerCache {
        AnswerCache {
            enabled,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// The key of a request that may be answered from the cache (`None`: it may not).
    pub fn key(&self, request: &ApiRequest, caller: &Caller) -> Option<Key> {
        if !self.enabled || request.method != Method::Get || !request.body.is_empty() {
            return None;
        }
        let host = request.host.as_deref().unwrap_or("");
        // Room for the usual key (a path of six segments, no query) without growing it.
        let mut key = Vec::with_capacity(256);
        // Each part with its length first: no two different requests make the same key.
        let mut part = |text: &str| {
            key.extend_from_slice(&text.len().to_le_bytes());
            key.extend_from_slice(text.as_bytes());
        };
        part(&caller.org_id);
        part(&caller.user_id);
        part(host);
        for segment in request.segments.iter() {
            part(segment);
        }
        // The query after the path's segments, told apart by a count no segment length has.
        part("");
        for (name, value) in &request.query {
            part(name);
            part(value);
        }
        key.extend_from_slice(&caller.now.to_le_bytes());
        Some(key)
    }

    /// The answer kept under `key` at `generation`, if any.
    pub fn get(&self, key: &[u8], generation: u64) -> Option<ApiResponse> {
        let inner = self.lock();
        if inner.generation != generation {
            return None;
        }
        inner.answers.get(key).cloned()
    }

    /// Keeps `answer` under `key`, rendered at `generation` (the one read before the handler
    /// ran), when it is an answer worth keeping.
    pub fn put(&self, key: Key, generation: u64, answer: &ApiResponse) {
        if !matches!(answer.status, 200 | 204) {
            return;
        }
        let size = |key: &[u8], answer: &ApiResponse| {
            key.len() + answer.body.as_ref().map_or(0, |body| body.len())
        };
        let added = size(&key, answer);
        if added > MAX_BYTES / 4 {
            return;
        }
        let mut inner = self.lock();
        // Rendered before a write that another answer already saw: stale already.
        if generation < inner.generation {
            return;
        }
        // Answers of an older generation are never served again: drop them all at once, and
        // everything when full.
        if generation > inner.generation
            || inner.bytes + added > MAX_BYTES
            || inner.answers.len() >= MAX_ENTRIES
        {
            inner.answers.clear();
            inner.bytes = 0;
            inner.generation = generation;
        }
        if let Some(old) = inner.answers.get(&key) {
            let removed = size(&key, old);
            inner.bytes -= removed;
        }
        inner.answers.insert(key, answer.clone());
        inner.bytes += added;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
