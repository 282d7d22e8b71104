//! Store tests for the knowledge hub (topics, case studies, their review and search); each runs
//! on SQLite and PostgreSQL.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on any error it did not expect")]

use domain::hub::{CaseStudyFields, CaseStudyText, ReviewAction, ReviewNote, ReviewState, TopicSlug};
use domain::ids::{CaseStudyId, OrganisationId, PersonId, ResourceId};
use domain::learning::{EstimatedMinutes, ResourceKind, SearchTerms, Summary, Title};
use domain::paging::PageRequest;
use domain::people::import::PersonRecord;
use domain::people::{
    Email, EmailDomain, OrganisationCode, OrganisationKind, OrganisationName, Ownership, PersonName, Sector,
};
use goldthread_store::hub::{CaseStudyFilter, NewCaseStudy};
use goldthread_store::learning::ResourceFields;
use goldthread_store::people::OrganisationFields;
use goldthread_store::{backend_test, Store, StoreError};
use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

fn now() -> Timestamp {
    Timestamp::from_second(1_780_000_000).unwrap()
}

fn slug(s: &str) -> TopicSlug {
    TopicSlug::parse(s).unwrap()
}

fn cid(n: u128) -> CaseStudyId {
    CaseStudyId::from_uuid(Uuid::from_u128(500 + n))
}

async fn organisation(store: &Store, code: &str) -> OrganisationId {
    let id = OrganisationId::from_uuid(Uuid::new_v4());
    let fields = OrganisationFields {
        code: OrganisationCode::parse(code).unwrap(),
        name: OrganisationName::parse(&format!("{code} Care")).unwrap(),
        kind: OrganisationKind::NhsTrust,
        sector: Sector::SocialCare,
        ownership: Ownership::Independent,
        email_domains: vec![EmailDomain::parse(&format!("{}.example.org", code.to_lowercase())).unwrap()],
        place: None,
        system: None,
    };
    store.create_organisation(id, &fields, now()).await.unwrap();
    id
}

async fn person(store: &Store, n: u128, organisation: Option<OrganisationId>) -> PersonId {
    let id = PersonId::from_uuid(Uuid::from_u128(1000 + n));
    let record = PersonRecord {
        id,
        staff_number: None,
        name: PersonName::parse(&format!("Person {n}")).unwrap(),
        email: Email::parse(&format!("p{n}@example.org")).unwrap(),
        job_title: None,
        profession: None,
        level: None,
        organisation,
        manager: None,
        start_date: None,
    };
    store.create_person(&record, now()).await.unwrap();
    id
}

async fn resource(store: &Store, n: u128, title: &str) -> ResourceId {
    let id = ResourceId::from_uuid(Uuid::from_u128(n));
    let fields = ResourceFields {
        title: Title::parse(title).unwrap(),
        summary: Summary::parse("A practical guide for leaders in health and social care.").unwrap(),
        kind: ResourceKind::Article,
        url: None,
        body: None,
        estimated: EstimatedMinutes::new(15).unwrap(),
        levels: vec![],
        sectors: vec![],
        behaviours: vec![],
        publisher: None,
        review_on: None,
    };
    store.create_resource(id, &fields, None, now()).await.unwrap();
    id
}

fn study(title: &str, outcomes: &str, tags: &[&str]) -> CaseStudyFields {
    CaseStudyFields::parse(&CaseStudyText {
        title,
        context: "A domiciliary care agency covering villages, with long travel times between visits.",
        what_was_done: "Carers planned their own rounds in small teams and shared cars for the longest routes.",
        outcomes,
        contact: "Alex Patel, operations manager",
        tags,
    })
    .unwrap()
}

backend_test!(the_six_topics_are_there_in_order, |db| {
    let topics = db.store.topics().await.unwrap();
    let slugs: Vec<&str> = topics.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "approaches-to-leadership",
            "personalisation-and-integration",
            "roles-and-skills",
            "culture-and-learning-organisation",
            "governance",
            "training-and-development"
        ]
    );
    assert!(topics.iter().all(|t| t.resources == 0 && t.summary.len() > 100));
    assert!(db.store.topic(&slug("no-such-topic")).await.unwrap().is_none());
});

backend_test!(resources_are_added_to_topics_once_and_removed, |db| {
    let store = &db.store;
    let r1 = resource(store, 1, "Board assurance in practice").await;
    let r2 = resource(store, 2, "A guide to risk registers").await;
    let governance = slug("governance");
    assert!(store.add_topic_resource(&governance, r1, None, now()).await.unwrap());
    assert!(!store.add_topic_resource(&governance, r1, None, now()).await.unwrap(), "adding twice keeps one");
    assert!(store.add_topic_resource(&governance, r2, None, now()).await.unwrap());
    let missing = ResourceId::from_uuid(Uuid::from_u128(99));
    assert!(matches!(store.add_topic_resource(&governance, missing, None, now()).await, Err(StoreError::NotFound)));
    assert!(matches!(store.add_topic_resource(&slug("nope"), r1, None, now()).await, Err(StoreError::NotFound)));

    let topic = store.topic(&governance).await.unwrap().unwrap();
    let titles: Vec<&str> = topic.resources.iter().map(|r| r.resource.title.as_str()).collect();
    assert_eq!(titles, ["A guide to risk registers", "Board assurance in practice"]);
    store.set_resource_retired(r2, true, now()).await.unwrap();
    let topic = store.topic(&governance).await.unwrap().unwrap();
    assert_eq!(topic.resources[1].resource.id, r2, "retired resources come last");
    assert!(topic.resources[1].retired);
    let counts = store.topics().await.unwrap();
    assert_eq!(counts.iter().find(|t| t.slug == governance).unwrap().resources, 1, "only offered ones count");
    assert_eq!(store.topics_of_resource(r1).await.unwrap(), vec![(governance.clone(), "Governance".to_owned())]);

    store.remove_topic_resource(&governance, r1).await.unwrap();
    assert!(matches!(store.remove_topic_resource(&governance, r1).await, Err(StoreError::NotFound)));
    assert_eq!(store.topic(&governance).await.unwrap().unwrap().resources.len(), 1);

    store.load_topic_resources(&[(slug("roles-and-skills"), r1), (slug("roles-and-skills"), r1)], now()).await.unwrap();
    assert_eq!(store.topic(&slug("roles-and-skills")).await.unwrap().unwrap().resources.len(), 1);
});

backend_test!(a_case_study_is_searchable_only_once_published, |db| {
    let store = &db.store;
    let org = organisation(store, "HC1").await;
    let author = person(store, 1, Some(org)).await;
    let reviewer = person(store, 2, None).await;
    let fields = study(
        "Carers planning their own rounds",
        "Missed visits halved and mileage fell, and carers said they felt trusted.",
        &["Rural care", "self-organising teams"],
    );
    store.submit_case_study(cid(1), &fields, author, Some(org), now()).await.unwrap();

    let cs = store.case_study(cid(1)).await.unwrap().unwrap();
    assert_eq!(cs.state, ReviewState::Submitted);
    assert_eq!(cs.fields, fields);
    assert_eq!(cs.organisation_name.as_deref(), Some("HC1 Care"));
    assert_eq!(cs.submitter_name.as_deref(), Some("Person 1"));
    assert_eq!(cs.published_at, None);

    let search = |q: &str| CaseStudyFilter { terms: SearchTerms::parse(q), tag: None };
    assert_eq!(store.search_case_studies(&search("carers"), PageRequest::default()).await.unwrap().total, 0);
    assert_eq!(store.search_case_studies(&search(""), PageRequest::default()).await.unwrap().total, 0);
    assert_eq!(store.case_studies_submitted_by(author).await.unwrap().len(), 1);

    let later = now() + SignedDuration::from_hours(1);
    let to = ReviewState::Submitted.apply(ReviewAction::Publish).unwrap();
    store.review_case_study(cid(1), ReviewState::Submitted, to, None, reviewer, later).await.unwrap();
    let cs = store.case_study(cid(1)).await.unwrap().unwrap();
    assert_eq!(cs.state, ReviewState::Published);
    assert_eq!(cs.published_at, Some(later));
    assert_eq!(cs.reviewer_name.as_deref(), Some("Person 2"));

    for q in ["carers rounds", "plan", "missed visits", "rural", "self organising", "mileag"] {
        let page = store.search_case_studies(&search(q), PageRequest::default()).await.unwrap();
        assert_eq!(page.total, 1, "searching {q}");
        assert_eq!(page.items[0].id, cid(1));
    }
    assert_eq!(store.search_case_studies(&search("budgets"), PageRequest::default()).await.unwrap().total, 0);
    let tagged = |t: &str| CaseStudyFilter { terms: SearchTerms::default(), tag: Some(t.to_owned()) };
    assert_eq!(store.search_case_studies(&tagged("Rural  Care"), PageRequest::default()).await.unwrap().total, 1);
    assert_eq!(store.search_case_studies(&tagged("rural"), PageRequest::default()).await.unwrap().total, 0);
    assert_eq!(store.search_case_studies(&tagged("%"), PageRequest::default()).await.unwrap().total, 0);
    let item = &store.search_case_studies(&search(""), PageRequest::default()).await.unwrap().items[0];
    assert_eq!(item.tags, ["rural care", "self-organising teams"]);
    assert!(item.excerpt.starts_with("A domiciliary care agency"));
});

backend_test!(titles_rank_above_passing_mentions, |db| {
    let store = &db.store;
    let author = person(store, 1, None).await;
    let reviewer = person(store, 2, None).await;
    let mention = study(
        "Rotas made with the team",
        "Staff turnover fell, and the team began to talk about wellbeing in every handover.",
        &[],
    );
    let titled = study("Wellbeing conversations in handovers", "Sickness absence fell by a fifth in a year.", &[]);
    store.submit_case_study(cid(1), &mention, author, None, now()).await.unwrap();
    store.submit_case_study(cid(2), &titled, author, None, now()).await.unwrap();
    for id in [cid(1), cid(2)] {
        store
            .review_case_study(id, ReviewState::Submitted, ReviewState::Published, None, reviewer, now())
            .await
            .unwrap();
    }
    let page = store
        .search_case_studies(
            &CaseStudyFilter { terms: SearchTerms::parse("wellbeing"), tag: None },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items[0].id, cid(2));
    let second =
        store.search_case_studies(&CaseStudyFilter::default(), PageRequest::new(Some(2), Some(1))).await.unwrap();
    assert_eq!((second.total, second.items.len()), (2, 1));
});

backend_test!(the_review_queue_is_scoped_and_reviews_do_not_cross, |db| {
    let store = &db.store;
    let a = organisation(store, "HCA").await;
    let b = organisation(store, "HCB").await;
    let author = person(store, 1, Some(a)).await;
    let other = person(store, 2, Some(b)).await;
    let reviewer = person(store, 3, None).await;
    let f = study("Rotas made with the team", "Sickness absence fell by a third within six months.", &[]);
    store.submit_case_study(cid(1), &f, author, Some(a), now()).await.unwrap();
    store.submit_case_study(cid(2), &f, other, Some(b), now() + SignedDuration::from_secs(5)).await.unwrap();
    store.submit_case_study(cid(3), &f, reviewer, None, now() + SignedDuration::from_secs(9)).await.unwrap();

    let all = store.case_studies_for_review(None, PageRequest::default()).await.unwrap();
    assert_eq!(all.items.iter().map(|c| c.id).collect::<Vec<_>>(), [cid(1), cid(2), cid(3)], "oldest first");
    let only_a = store.case_studies_for_review(Some(&[a]), PageRequest::default()).await.unwrap();
    assert_eq!(only_a.items.iter().map(|c| c.id).collect::<Vec<_>>(), [cid(1)]);
    assert_eq!(store.case_studies_for_review(Some(&[]), PageRequest::default()).await.unwrap().total, 0);

    // Sent back with a note: out of the queue, the note kept.
    let note = ReviewNote::parse("Please take out the residents' names.").unwrap();
    store
        .review_case_study(cid(1), ReviewState::Submitted, ReviewState::Rejected, Some(&note), reviewer, now())
        .await
        .unwrap();
    let cs = store.case_study(cid(1)).await.unwrap().unwrap();
    assert_eq!((cs.state, cs.review_note.as_deref()), (ReviewState::Rejected, Some(note.as_str())));
    assert_eq!(store.case_studies_for_review(Some(&[a]), PageRequest::default()).await.unwrap().total, 0);

    // A second reviewer acting on what they saw before is refused, and nothing changes.
    let late =
        store.review_case_study(cid(1), ReviewState::Submitted, ReviewState::Published, None, reviewer, now()).await;
    assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");
    assert_eq!(store.case_study(cid(1)).await.unwrap().unwrap().state, ReviewState::Rejected);
    let missing =
        store.review_case_study(cid(9), ReviewState::Submitted, ReviewState::Published, None, reviewer, now()).await;
    assert!(matches!(missing, Err(StoreError::NotFound)));

    // Only the author can change it and send it again.
    let changed = study("Rotas made with the team", "Absence fell by a third; names removed as asked.", &["rotas"]);
    let wrong =
        store.resubmit_case_study(cid(1), other, &changed, ReviewState::Rejected, ReviewState::Submitted, now()).await;
    assert!(matches!(wrong, Err(StoreError::Conflict(_))));
    store
        .resubmit_case_study(cid(1), author, &changed, ReviewState::Rejected, ReviewState::Submitted, now())
        .await
        .unwrap();
    let cs = store.case_study(cid(1)).await.unwrap().unwrap();
    assert_eq!((cs.state, &cs.fields), (ReviewState::Submitted, &changed));
    assert_eq!(cs.review_note.as_deref(), Some(note.as_str()), "the next reviewer sees what was asked");
    assert_eq!(store.case_studies_for_review(Some(&[a]), PageRequest::default()).await.unwrap().total, 1);

    // Published, then unpublished: back in the queue and out of search.
    store
        .review_case_study(cid(1), ReviewState::Submitted, ReviewState::Published, None, reviewer, now())
        .await
        .unwrap();
    assert_eq!(store.search_case_studies(&CaseStudyFilter::default(), PageRequest::default()).await.unwrap().total, 1);
    store
        .review_case_study(cid(1), ReviewState::Published, ReviewState::Submitted, None, reviewer, now())
        .await
        .unwrap();
    assert_eq!(store.search_case_studies(&CaseStudyFilter::default(), PageRequest::default()).await.unwrap().total, 0);
    assert_eq!(store.case_study(cid(1)).await.unwrap().unwrap().published_at, None);
});

backend_test!(the_demo_loads_published_case_studies, |db| {
    let store = &db.store;
    let org = organisation(store, "HC1").await;
    let reviewer = person(store, 1, None).await;
    let studies: Vec<NewCaseStudy> = (0..3)
        .map(|n| NewCaseStudy {
            id: cid(n),
            fields: study(&format!("Case study number {n}"), "Outcomes worth sharing with others.", &["demo"]),
            submitted_by: None,
            organisation: Some(org),
            published: n != 2,
            reviewed_by: Some(reviewer),
        })
        .collect();
    store.load_case_studies(&studies, now()).await.unwrap();
    let page = store
        .search_case_studies(
            &CaseStudyFilter { terms: SearchTerms::default(), tag: Some("demo".into()) },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(store.case_studies_for_review(None, PageRequest::default()).await.unwrap().total, 1);
    let dup = store.submit_case_study(cid(0), &studies[0].fields, reviewer, None, now()).await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))));
});
