//! Orgs handed from one test to the next: [`org_image`] tells whether anything changed an org
//! in the store (compare two images of it with `==`; [`org_image_since`] reads again only the
//! tables written since an earlier one), [`restore_org`] copies anew from its
//! fixture only the tables a test changed, [`forget_org_activity`] forgets what its requests
//! left outside the store (journal, credits, faults). An org whose image after a test is the
//! image it was handed out with (or holds its rows again once restored), its activity
//! forgotten, answers every request as a new copy of its fixture would, under its own id and
//! tokens: the conformance runner's embedded target hands it to the next scenario instead of
//! deleting it and copying a new one.

use crate::state::AppState;
use crate::store::StoreError;
use crate::store::org_copy;
use crate::store::org_image::OrgImage;

/// Every row org `org_id` holds, in every table (its tokens and jobs included), as one value.
pub fn org_image(state: &AppState, org_id: &str) -> Result<OrgImage, StoreError> {
    state.store.org_image(org_id)
}

/// [`org_image`] now, given an earlier image of the org: only the tables some write changed
/// since are read again (none when nothing was written).
pub fn org_image_since(
    state: &AppState,
    org_id: &str,
    before: &OrgImage,
) -> Result<OrgImage, StoreError> {
    state.store.org_image_since(org_id, before)
}

/// Puts org `org_id`, made from fixture `fixture` and at `handed_out` then, back as it was
/// after it became `now`: the tables whose rows changed, and the tables under them, copied
/// anew from the fixture. The org's image after, when it then holds the rows it held at
/// `handed_out` (at other rowids where copied anew); `None` when it cannot be put back so
/// (its tokens or snapshots changed, or it is not a copy of `fixture`): delete it instead.
/// Its activity outside the store is not touched ([`forget_org_activity`]).
pub fn restore_org(
    state: &AppState,
    org_id: &str,
    fixture: &str,
    handed_out: &OrgImage,
    now: &OrgImage,
) -> Result<Option<OrgImage>, StoreError> {
    let changed = now.changed_tables(handed_out);
    let restored = state
        .store
        .write(|tx| org_copy::restore_tables(tx, org_id, fixture, &changed))?;
    if !restored {
        return Ok(None);
    }
    let image = org_image_since(state, org_id, now)?;
    Ok(image.same_rows(handed_out).then_some(image))
}

/// Forgets what requests and control-plane calls about org `org_id` left outside the store:
/// its journal, the API credits it used and any override of them, its faults. How it was made
/// (manual jobs, an inline fixture) stays.
pub fn forget_org_activity(state: &AppState, org_id: &str) {
    crate::control::forget_activity(state, org_id);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::config::Config;
    use crate::embed::control_in_process;
    use crate::fixtures::FixtureSet;
    use crate::store::Store;
    use serde_json::Value;

    fn call(state: &AppState, method: &str, path: &str, body: &str) -> (u16, Value) {
        let answer = control_in_process(state, method, path, body.to_owned());
        let body = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        (answer.status, body)
    }

    /// A change the store keeps (the org's clock) changes the image; a fault does not, and is
    /// forgotten with the org's activity.
    #[test]
    fn an_org_changed_by_a_request_has_another_image() {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        let state = AppState::new(store, Clock::real(), Config::default());
        let (status, made) = call(&state, "POST", "/__mock/orgs", r#"{"fixture":"zylker"}"#);
        assert_eq!(status, 201, "{made}");
        let org = made["org_id"].as_str().unwrap();
        let fresh = org_image(&state, org).unwrap();

        let fault = r#"{"error":{"code":"INTERNAL_ERROR"},"times":1}"#;
        let (status, added) = call(&state, "POST", &format!("/__mock/orgs/{org}/faults"), fault);
        assert_eq!(status, 201, "{added}");
        assert_eq!(
            org_image(&state, org).unwrap(),
            fresh,
            "faults are not in the store"
        );
        let advance = format!("/__mock/orgs/{org}/clock/advance");
        let (status, moved) = call(&state, "POST", &advance, r#"{"seconds":60}"#);
        assert_eq!(status, 200, "{moved}");
        assert_ne!(
            org_image(&state, org).unwrap(),
            fresh,
            "the org's clock moved"
        );

        forget_org_activity(&state, org);
        let (_, faults) = call(&state, "GET", &format!("/__mock/orgs/{org}/faults"), "");
        assert_eq!(faults["faults"], Value::Array(vec![]), "{faults}");
    }

    fn write(state: &AppState, sql: &str) {
        state
            .store
            .write(|tx| tx.execute_batch(sql).map_err(StoreError::from))
            .unwrap();
    }

    /// What a scenario changed is put back: the org holds the rows it was handed out with
    /// (its state as the control plane dumps it, its invariants); changed tokens cannot be.
    #[test]
    fn a_changed_org_is_restored_to_the_rows_it_was_handed_out_with() {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        let state = AppState::new(store, Clock::real(), Config::default());
        let (_, made) = call(&state, "POST", "/__mock/orgs", r#"{"fixture":"zylker"}"#);
        let org = made["org_id"].as_str().unwrap();
        let handed_out = org_image(&state, org).unwrap();
        let state_path = format!("/__mock/orgs/{org}/state");
        let (_, dumped) = call(&state, "GET", &state_path, "");

        // A user type renamed, a portal user removed (its type's kept count moves), ids drawn.
        write(
            &state,
            &format!(
                "UPDATE user_types SET name = 'Renamed' WHERE org_id = '{org}';
                 DELETE FROM portal_users WHERE org_id = '{org}';
                 UPDATE orgs SET next_seq = next_seq + 7 WHERE id = '{org}';"
            ),
        );
        let now = org_image(&state, org).unwrap();
        assert!(!now.same_rows(&handed_out));
        let restored = restore_org(&state, org, "zylker", &handed_out, &now).unwrap();
        let restored = restored.expect("restored");
        assert!(restored.same_rows(&handed_out));
        assert_eq!(call(&state, "GET", &state_path, "").1, dumped);
        let (status, checked) = call(&state, "GET", &format!("/__mock/orgs/{org}/check"), "");
        assert_eq!(status, 200, "{checked}");

        // Nothing changed since: nothing to put back, and the same image.
        let again = restore_org(&state, org, "zylker", &restored, &restored).unwrap();
        assert_eq!(again, Some(restored.clone()));

        // A token revoked: no template holds tokens.
        write(
            &state,
            &format!("DELETE FROM tokens WHERE org_id = '{org}'"),
        );
        let now = org_image(&state, org).unwrap();
        assert_eq!(
            restore_org(&state, org, "zylker", &restored, &now).unwrap(),
            None
        );
        // Nor can an org be put back as a copy of a fixture it is not made from.
        assert_eq!(
            restore_org(&state, org, "nope", &handed_out, &restored).unwrap(),
            None
        );
    }
}
