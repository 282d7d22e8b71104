//! The Learning Record Store's storage, on both backends.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on any error it did not expect")]

use domain::ids::OrganisationId;
use goldthread_store::backend_test;
use goldthread_store::xapi::{LrsScope, NewStatement, StatementQuery};
use goldthread_store::{Backend, StoreError};
use jiff::Timestamp;
use uuid::Uuid;

fn statement(id: Uuid, stored: &str, verb: &str) -> NewStatement {
    NewStatement {
        id,
        stored: stored.parse::<Timestamp>().unwrap(),
        body: format!("{{\"id\":\"{id}\"}}"),
        terms: vec![format!("v:{verb}"), "a:mbox:mailto:jo@example.org".to_owned()],
        mboxes: Vec::new(),
        voids: None,
        targets: None,
        person: None,
        organisation: None,
        definitions: Vec::new(),
        entry: None,
        pending: None,
    }
}

backend_test!(statements_of_different_months_are_stored_queried_and_ids_stay_unique, |db| {
    let store = &db.store;
    let org = OrganisationId::from_uuid(Uuid::from_u128(9));
    let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
    let mut first = statement(a, "2026-10-31T23:59:59Z", "completed");
    first.organisation = Some(org);
    let mut second = statement(b, "2026-11-01T00:00:00Z", "completed");
    second.organisation = Some(org);
    store.insert_statements(&[first.clone(), second], &[]).await.unwrap();
    if store.backend() == Backend::Postgres {
        assert_eq!(
            store.statement_partitions().await.unwrap(),
            ["xapi_statements_y2026m10", "xapi_statements_y2026m11"],
            "one partition per month, so that old months can be detached"
        );
    }
    let page = store
        .query_statements(&StatementQuery {
            scope: LrsScope::Organisation(org),
            terms: vec![vec!["a:mbox:mailto:jo@example.org".to_owned()], vec!["v:completed".to_owned()]],
            since: None,
            until: None,
            ascending: true,
            limit: 10,
            through_seq: None,
            after_seq: None,
        })
        .await
        .unwrap();
    assert_eq!(page.statements.iter().map(|s| s.id).collect::<Vec<_>>(), [a, b]);
    // The same id again, in another month, is refused across partitions and stores nothing.
    let mut again = statement(a, "2026-12-01T00:00:00Z", "completed");
    again.organisation = Some(org);
    assert!(matches!(store.insert_statements(&[again], &[]).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.statements_by_id(&[a]).await.unwrap().len(), 1);
});
