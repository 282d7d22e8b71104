//! Store tests for the portfolio and its share links; each runs on SQLite and PostgreSQL.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on any error it did not expect")]

use domain::ids::{EntryId, PersonId, ShareId};
use domain::learning::{Activity, LearningKind, Reflection, TimeSpent, Title};
use domain::people::import::PersonRecord;
use domain::people::{Email, PersonName};
use domain::portfolio::{Period, Recipient, ShareDays, ShareStatus};
use goldthread_store::backend_test;
use goldthread_store::learning::EntryFields;
use goldthread_store::portfolio::NewShare;
use goldthread_store::{Store, StoreError};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

fn now() -> Timestamp {
    Timestamp::from_second(1_780_000_000).unwrap()
}

async fn person(store: &Store, n: u128, name: &str) -> PersonId {
    let id = PersonId::from_uuid(Uuid::from_u128(1000 + n));
    let record = PersonRecord {
        id,
        staff_number: None,
        name: PersonName::parse(name).unwrap(),
        email: Email::parse(&format!("p{n}@example.org")).unwrap(),
        job_title: None,
        profession: None,
        level: None,
        organisation: None,
        manager: None,
        start_date: None,
    };
    store.create_person(&record, now()).await.unwrap();
    id
}

fn entry(n: usize, on: Date) -> EntryFields {
    EntryFields {
        title: Title::parse(&format!("Entry {n:03}")).unwrap(),
        activity: Activity::Shadowing,
        kind: LearningKind::ALL[n % 3],
        occurred_on: on,
        time: TimeSpent::minutes(30).unwrap(),
        reflection: Reflection::new("Listening before deciding, said Siobhán", "In huddles").unwrap(),
        behaviours: vec!["compassion".to_owned()],
        resource: None,
    }
}

fn share(person: PersonId, n: u128, period: Period, days: i64) -> NewShare {
    NewShare {
        id: ShareId::from_uuid(Uuid::from_u128(n)),
        person,
        token_hash: format!("hash-{n}"),
        recipient: Recipient::parse("Appraiser, Zoë Ødegård").unwrap(),
        recipient_email: Some(Email::parse("zoe@example.org").unwrap()),
        period,
        expires_at: ShareDays::new(days).unwrap().expires_at(now()),
    }
}

backend_test!(a_portfolio_holds_every_entry_of_its_period_exactly_once, |db| {
    let store = &db.store;
    let me = person(store, 1, "Zoë Ødegård").await;
    let other = person(store, 2, "Someone Else").await;
    let start = Date::constant(2026, 1, 1);
    // Many entries on the same days, loaded together (one creation time): the order must still
    // be total so that none is lost or repeated.
    let mut rows = Vec::new();
    for n in 0..250 {
        let on = start.checked_add(jiff::Span::new().days(i64::try_from(n % 20).unwrap())).unwrap();
        rows.push((EntryId::from_uuid(Uuid::new_v4()), me, entry(n, on), None));
    }
    rows.push((EntryId::from_uuid(Uuid::new_v4()), other, entry(999, start), None));
    store.load_entries(&rows, now()).await.unwrap();

    let all = store.portfolio_entries(me, Period::ALL).await.unwrap();
    assert_eq!(all.len(), 250);
    let mut titles: Vec<&str> = all.iter().map(|e| e.fields.title.as_str()).collect();
    assert!(all.windows(2).all(|w| w[0].fields.occurred_on >= w[1].fields.occurred_on), "newest first");
    titles.sort_unstable();
    titles.dedup();
    assert_eq!(titles.len(), 250, "no entry repeated");
    assert!(all.iter().all(|e| e.person == me));
    assert_eq!(all[0].fields.reflection.learned(), "Listening before deciding, said Siobhán");

    let period = Period::new(Some(Date::constant(2026, 1, 5)), Some(Date::constant(2026, 1, 6))).unwrap();
    let some = store.portfolio_entries(me, period).await.unwrap();
    assert_eq!(some.len(), 26);
    assert!(some.iter().all(|e| period.contains(e.fields.occurred_on)));
    let open = Period::new(Some(Date::constant(2026, 1, 19)), None).unwrap();
    assert_eq!(store.portfolio_entries(me, open).await.unwrap().len(), 24);
});

backend_test!(share_links_are_made_listed_found_by_hash_and_revoked_by_their_owner, |db| {
    let store = &db.store;
    let me = person(store, 1, "Siobhán Ní Bhriain").await;
    let other = person(store, 2, "Someone Else").await;
    let period = Period::new(Some(Date::constant(2026, 1, 1)), None).unwrap();
    let a = share(me, 1, period, 30);
    store.create_share(&a, now()).await.unwrap();
    store.create_share(&share(me, 2, Period::ALL, 1), now() + SignedDuration::from_secs(1)).await.unwrap();

    let listed = store.shares_of(me).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].id, ShareId::from_uuid(Uuid::from_u128(2)), "newest first");
    assert!(store.shares_of(other).await.unwrap().is_empty());

    let found = store.share_by_token_hash("hash-1").await.unwrap().unwrap();
    assert_eq!(found.period, period);
    assert_eq!(found.recipient, "Appraiser, Zoë Ødegård");
    assert_eq!(found.recipient_email.as_deref(), Some("zoe@example.org"));
    assert_eq!(found.status(now()), ShareStatus::Live);
    assert!(store.live_share("hash-1", now()).await.unwrap().is_some());
    assert!(store.share_by_token_hash("no-such-hash").await.unwrap().is_none());

    // A token hash is unique.
    let mut dup = share(me, 3, Period::ALL, 5);
    dup.token_hash = "hash-1".to_owned();
    assert!(matches!(store.create_share(&dup, now()).await, Err(StoreError::Conflict(_))));

    // Only the owner revokes; someone else's attempt is not found and changes nothing.
    assert!(matches!(store.revoke_share(a.id, other, now()).await, Err(StoreError::NotFound)));
    assert!(store.live_share("hash-1", now()).await.unwrap().is_some());
    let later = now() + SignedDuration::from_mins(5);
    store.revoke_share(a.id, me, later).await.unwrap();
    store.revoke_share(a.id, me, later + SignedDuration::from_mins(5)).await.unwrap();
    let revoked = store.share(a.id).await.unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(later), "revoking again keeps the first time");
    assert_eq!(revoked.status(later), ShareStatus::Revoked);
    assert!(store.live_share("hash-1", later).await.unwrap().is_none());
    assert!(matches!(
        store.revoke_share(ShareId::from_uuid(Uuid::from_u128(77)), me, later).await,
        Err(StoreError::NotFound)
    ));
});

backend_test!(views_are_logged_only_while_a_link_works, |db| {
    let store = &db.store;
    let me = person(store, 1, "Zoë Ødegård").await;
    let a = share(me, 1, Period::ALL, 1);
    store.create_share(&a, now()).await.unwrap();
    let b = share(me, 2, Period::ALL, 10);
    store.create_share(&b, now()).await.unwrap();

    assert!(store.log_share_view(a.id, now() + SignedDuration::from_secs(1), "page").await.unwrap());
    assert!(store.log_share_view(a.id, now() + SignedDuration::from_secs(2), "pdf").await.unwrap());
    assert!(store.log_share_view(b.id, now() + SignedDuration::from_secs(3), "page").await.unwrap());
    // After a day, link a has expired: nothing more is logged for it.
    let day = now() + SignedDuration::from_hours(24);
    assert!(store.live_share("hash-1", day).await.unwrap().is_none());
    assert!(!store.log_share_view(a.id, day, "page").await.unwrap());

    let views = store.share_views(a.id).await.unwrap();
    assert_eq!(views.len(), 2);
    assert_eq!(views[0].note.as_deref(), Some("pdf"), "newest first");
    let all = store.share_views_of(me, 100).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].share, b.id);
    assert_eq!(store.share(a.id).await.unwrap().unwrap().views, 2);

    store.revoke_share(b.id, me, now() + SignedDuration::from_secs(4)).await.unwrap();
    assert!(!store.log_share_view(b.id, now() + SignedDuration::from_secs(5), "page").await.unwrap());
    assert_eq!(store.share_views_of(me, 100).await.unwrap().len(), 3);
});
