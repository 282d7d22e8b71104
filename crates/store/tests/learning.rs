//! Store tests for the catalogue and the learning record; each runs on SQLite and PostgreSQL.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on any error it did not expect")]

use domain::ids::{EntryId, PersonId, ResourceId};
use domain::learning::{
    Activity, EstimatedMinutes, LearningKind, Reflection, ResourceKind, SearchTerms, Summary, TimeSpent, Title,
};
use domain::paging::PageRequest;
use domain::people::import::PersonRecord;
use domain::people::{Email, Level, PersonName, Sector};
use goldthread_store::learning::{EntryFields, Evidence, ResourceFields, ResourceFilter};
use goldthread_store::{backend_test, Store};
use jiff::civil::Date;
use jiff::Timestamp;
use uuid::Uuid;

fn now() -> Timestamp {
    Timestamp::from_second(1_780_000_000).unwrap()
}

fn resource(
    title: &str,
    summary: &str,
    kind: ResourceKind,
    minutes: u32,
    levels: &[Level],
    behaviours: &[&str],
) -> ResourceFields {
    ResourceFields {
        title: Title::parse(title).unwrap(),
        summary: Summary::parse(summary).unwrap(),
        kind,
        url: Some("https://example.org/r".to_owned()),
        body: None,
        estimated: EstimatedMinutes::new(minutes).unwrap(),
        levels: levels.to_vec(),
        sectors: vec![Sector::Health, Sector::SocialCare],
        behaviours: behaviours.iter().map(|b| (*b).to_owned()).collect(),
        publisher: Some("Leadership Academy".to_owned()),
        review_on: None,
    }
}

fn rid(n: u128) -> ResourceId {
    ResourceId::from_uuid(Uuid::from_u128(n))
}

async fn person(store: &goldthread_store::Store, n: u128, manager: Option<PersonId>) -> PersonId {
    let id = PersonId::from_uuid(Uuid::from_u128(1000 + n));
    let record = PersonRecord {
        id,
        staff_number: None,
        name: PersonName::parse(&format!("Person {n}")).unwrap(),
        email: Email::parse(&format!("p{n}@example.org")).unwrap(),
        job_title: None,
        profession: None,
        level: None,
        organisation: None,
        manager,
        start_date: None,
    };
    store.create_person(&record, now()).await.unwrap();
    id
}

fn entry(title: &str, kind: LearningKind, on: Date, minutes: i64, resource: Option<ResourceId>) -> EntryFields {
    EntryFields {
        title: Title::parse(title).unwrap(),
        activity: if resource.is_some() { Activity::Resource } else { Activity::Shadowing },
        kind,
        occurred_on: on,
        time: TimeSpent::minutes(minutes).unwrap(),
        reflection: Reflection::new("Listening before deciding", "Team huddles").unwrap(),
        behaviours: vec!["Compassion".to_owned(), "compassion".to_owned(), "curiosity".to_owned()],
        resource,
    }
}

backend_test!(search_ranks_titles_first_and_filters, |db| {
    let store = &db.store;
    store
        .create_resource(
            rid(1),
            &resource(
                "Compassionate leadership in practice",
                "How leaders create cultures of care for staff and patients alike.",
                ResourceKind::Video,
                20,
                &[Level::Band7],
                &["compassion"],
            ),
            None,
            now(),
        )
        .await
        .unwrap();
    store
        .create_resource(
            rid(2),
            &resource(
                "Running effective meetings",
                "A short guide to meetings, touching on compassionate leadership briefly.",
                ResourceKind::Article,
                5,
                &[Level::Band5],
                &["engaging the team"],
            ),
            None,
            now(),
        )
        .await
        .unwrap();
    store
        .create_resource(
            rid(3),
            &resource(
                "Budgets for new managers",
                "Understanding the money: budgets, forecasts and variance for first-line managers.",
                ResourceKind::Course,
                600,
                &[Level::Band6],
                &[],
            ),
            None,
            now(),
        )
        .await
        .unwrap();
    let search = |text: &str| ResourceFilter { terms: SearchTerms::parse(text), ..ResourceFilter::default() };
    let page = store.search_resources(&search("compassionate leadership"), PageRequest::default()).await.unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items[0].id, rid(1), "a match in the title ranks first");
    let page = store.search_resources(&search("budg"), PageRequest::default()).await.unwrap();
    assert_eq!(page.items.len(), 1, "the last word matches as a prefix");
    let filtered = ResourceFilter { kind: Some(ResourceKind::Article), ..search("leadership") };
    assert_eq!(store.search_resources(&filtered, PageRequest::default()).await.unwrap().total, 1);
    let short = ResourceFilter { max_minutes: Some(30), ..ResourceFilter::default() };
    assert_eq!(store.search_resources(&short, PageRequest::default()).await.unwrap().total, 2);
    let level = ResourceFilter { level: Some(Level::Band6), ..ResourceFilter::default() };
    assert_eq!(store.search_resources(&level, PageRequest::default()).await.unwrap().items[0].id, rid(3));
    let behaviour = ResourceFilter { behaviour: Some("Compassion".to_owned()), ..ResourceFilter::default() };
    assert_eq!(store.search_resources(&behaviour, PageRequest::default()).await.unwrap().total, 1);
    store.set_resource_retired(rid(1), true, now()).await.unwrap();
    assert_eq!(
        store.search_resources(&search("compassionate"), PageRequest::default()).await.unwrap().total,
        1,
        "retired resources leave search"
    );
    // Editing a title re-indexes it.
    let mut f = store.resource(rid(3)).await.unwrap().unwrap().fields;
    f.title = Title::parse("Finance for first-line managers").unwrap();
    store.update_resource(rid(3), &f, now()).await.unwrap();
    assert_eq!(store.search_resources(&search("finance"), PageRequest::default()).await.unwrap().total, 1);
});

backend_test!(two_servers_sharing_a_database_search_the_same_catalogue, |db| {
    // Each server keeps its own search index; a change made through one is found through the
    // other on its next search, and an index built from scratch agrees with one kept in step.
    let one = &db.store;
    let two = Store::connect(&db.url).await.unwrap();
    let search = |text: &str| ResourceFilter { terms: SearchTerms::parse(text), ..ResourceFilter::default() };
    assert_eq!(two.search_resources(&search("coaching"), PageRequest::default()).await.unwrap().total, 0);
    let f = resource("Coaching conversations", "Asking, not telling.", ResourceKind::Video, 20, &[], &["listening"]);
    one.create_resource(rid(7), &f, None, now()).await.unwrap();
    assert_eq!(two.search_resources(&search("coaching"), PageRequest::default()).await.unwrap().total, 1);
    let mut g = f.clone();
    g.title = Title::parse("Mentoring conversations").unwrap();
    one.update_resource(rid(7), &g, now()).await.unwrap();
    assert_eq!(two.search_resources(&search("coaching"), PageRequest::default()).await.unwrap().total, 0);
    assert_eq!(two.search_resources(&search("mentor"), PageRequest::default()).await.unwrap().total, 1);
    one.set_resource_retired(rid(7), true, now()).await.unwrap();
    assert_eq!(two.search_resources(&search("mentor"), PageRequest::default()).await.unwrap().total, 0);
    let all = ResourceFilter { include_retired: true, behaviour: Some("listening".to_owned()), ..search("mentor") };
    assert_eq!(two.search_resources(&all, PageRequest::default()).await.unwrap().total, 1, "tags travel too");
    let three = Store::connect(&db.url).await.unwrap();
    let fresh = three.search_resources(&all, PageRequest::default()).await.unwrap();
    let kept = two.search_resources(&all, PageRequest::default()).await.unwrap();
    assert_eq!(fresh.items, kept.items);
    two.close().await;
    three.close().await;
});

backend_test!(ratings_average_and_replace, |db| {
    let store = &db.store;
    store
        .create_resource(
            rid(1),
            &resource(
                "Coaching conversations",
                "Using a coaching approach in everyday conversations with your team.",
                ResourceKind::Podcast,
                30,
                &[],
                &[],
            ),
            None,
            now(),
        )
        .await
        .unwrap();
    let a = person(store, 1, None).await;
    let b = person(store, 2, None).await;
    store.rate_resource(rid(1), a, 2, None, now()).await.unwrap();
    store.rate_resource(rid(1), a, 4, Some("Useful"), now()).await.unwrap();
    store.rate_resource(rid(1), b, 5, None, now()).await.unwrap();
    let r = store.resource(rid(1)).await.unwrap().unwrap();
    assert_eq!(r.ratings, 2);
    assert_eq!(r.rating, Some(4.5));
    assert_eq!(store.reviews(rid(1)).await.unwrap().len(), 2);
});

backend_test!(the_timer_keeps_the_first_open_and_recording_clears_it, |db| {
    let store = &db.store;
    store
        .create_resource(
            rid(1),
            &resource(
                "Coaching conversations",
                "Using a coaching approach in everyday conversations with your team.",
                ResourceKind::Podcast,
                30,
                &[],
                &[],
            ),
            None,
            now(),
        )
        .await
        .unwrap();
    let p = person(store, 1, None).await;
    let first = store.open_resource(p, rid(1), now()).await.unwrap();
    let later = Timestamp::from_second(now().as_second() + 600).unwrap();
    assert_eq!(store.open_resource(p, rid(1), later).await.unwrap(), first, "reopening does not restart the timer");
    assert_eq!(store.open_resources(p, 5).await.unwrap().len(), 1);
    store
        .record_entry(
            EntryId::from_uuid(Uuid::from_u128(1)),
            p,
            &entry("Coaching conversations", LearningKind::Formal, Date::constant(2026, 5, 1), 30, Some(rid(1))),
            None,
            later,
        )
        .await
        .unwrap();
    assert_eq!(store.opened_at(p, rid(1)).await.unwrap(), None);
});

backend_test!(entries_keep_their_history_and_stay_with_their_owner, |db| {
    let store = &db.store;
    let p = person(store, 1, None).await;
    let other = person(store, 2, None).await;
    let id = EntryId::from_uuid(Uuid::from_u128(7));
    let f = entry("Shadowed the director", LearningKind::Others, Date::constant(2026, 4, 2), 90, None);
    store.record_entry(id, p, &f, None, now()).await.unwrap();
    let got = store.entry(id).await.unwrap().unwrap();
    assert_eq!(got.fields.behaviours, ["compassion", "curiosity"], "tags are normalised");
    let changed = EntryFields { time: TimeSpent::minutes(120).unwrap(), ..f.clone() };
    assert!(
        matches!(store.update_entry(id, other, &changed, now()).await, Err(goldthread_store::StoreError::NotFound)),
        "only the owner edits"
    );
    store.update_entry(id, p, &changed, now()).await.unwrap();
    store.set_entry_hidden(id, p, true, now()).await.unwrap();
    assert!(store.delete_entry(id, other, now()).await.is_err());
    store
        .put_evidence(
            id,
            p,
            &Evidence { file_name: "notes.txt".into(), content_type: "text/plain".into(), content: b"notes".to_vec() },
        )
        .await
        .unwrap();
    assert_eq!(store.evidence(id).await.unwrap().unwrap().content, b"notes");
    assert!(store.entry(id).await.unwrap().unwrap().has_evidence);
    store.delete_entry(id, p, now()).await.unwrap();
    assert!(store.entry(id).await.unwrap().is_none());
    let history: Vec<String> = store.entry_history(id).await.unwrap().into_iter().map(|c| c.change).collect();
    assert_eq!(history, ["created", "edited", "hidden", "deleted"]);
});

backend_test!(a_manager_sees_entries_from_the_day_the_line_began, |db| {
    let store = &db.store;
    let old_boss = person(store, 1, None).await;
    let new_boss = person(store, 2, None).await;
    let p = person(store, 3, Some(old_boss)).await;
    let (m, _) = store.current_manager_since(p).await.unwrap().unwrap();
    assert_eq!(m, old_boss);
    for (n, day) in [(1u128, 1i8), (2, 10), (3, 20)] {
        store
            .record_entry(
                EntryId::from_uuid(Uuid::from_u128(n)),
                p,
                &entry("Action learning set", LearningKind::Others, Date::constant(2026, 5, day), 60, None),
                None,
                now(),
            )
            .await
            .unwrap();
    }
    store.set_entry_hidden(EntryId::from_uuid(Uuid::from_u128(3)), p, true, now()).await.unwrap();
    let mut record = store.person(p).await.unwrap().unwrap().record();
    record.manager = Some(new_boss);
    store.update_person(&record, Date::constant(2026, 5, 5), now()).await.unwrap();
    let (m, since) = store.current_manager_since(p).await.unwrap().unwrap();
    assert_eq!((m, since), (new_boss, Date::constant(2026, 5, 5)));
    let visible = store.entries(p, None, None, Some(since), PageRequest::default()).await.unwrap();
    assert_eq!(visible.total, 1, "only the entry after the line began and not hidden");
    assert_eq!(
        store.entries(p, None, None, None, PageRequest::default()).await.unwrap().total,
        3,
        "the owner sees everything"
    );
    let minutes = store.learning_minutes(p, Date::constant(2026, 1, 1), Date::constant(2026, 12, 31)).await.unwrap();
    assert_eq!(minutes, vec![("2026-05".to_owned(), LearningKind::Others, 180)]);
    let covered = store.behaviours_covered(p).await.unwrap();
    assert_eq!(covered[0], ("compassion".to_owned(), 3));
});
