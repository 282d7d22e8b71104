//! Store tests for frameworks, self-assessments, 360° feedback and plans; each runs on SQLite and
//! PostgreSQL.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on any error it did not expect")]

use std::collections::BTreeMap;

use domain::frameworks::{
    export_framework, parse_framework, release_report, Answer, BehaviourRef, Format, Goal, Importance, Invitation,
    InvitationId, Rater, RaterGroup, ReleaseError, ReleaseRules, SelfAssessment, Source,
};
use domain::ids::{PersonId, ResourceId};
use domain::learning::{EstimatedMinutes, ResourceKind, Summary, Title};
use domain::people::import::PersonRecord;
use domain::people::{Email, Level, PersonName, Sector};
use goldthread_store::frameworks::{
    AnswerRefused, AssessmentId, CloseRefused, FeedbackId, GoalId, Imported, NewFeedback, NewInvitation,
};
use goldthread_store::learning::ResourceFields;
use goldthread_store::{backend_test, Store, StoreError};
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

fn now() -> Timestamp {
    Timestamp::from_second(1_780_000_000).unwrap()
}

async fn person(store: &Store, n: u128) -> PersonId {
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
        manager: None,
        start_date: None,
    };
    store.create_person(&record, now()).await.unwrap();
    id
}

fn inv(n: u128) -> InvitationId {
    InvitationId::from_uuid(Uuid::from_u128(5000 + n))
}

const SMALL: &str = r#"
id: small-way
name: A small way
version: "1"
publisher: Test
scale:
  - { value: 1, label: Rarely }
  - { value: 2, label: Sometimes }
  - { value: 3, label: Often }
domains:
  - id: care
    name: Care
    behaviours:
      - { id: listening, name: Listening, question: Do I listen? }
      - { id: noticing, name: Noticing, question: Do I notice? }
"#;

backend_test!(shipped_frameworks_are_there_and_versions_are_kept, |db| {
    let store = &db.store;
    let list = store.frameworks().await.unwrap();
    let ids: Vec<&str> = list.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids.contains(&"healthcare-leadership"));
    for f in domain::frameworks::shipped::frameworks() {
        let stored = store.framework(f.id().as_str()).await.unwrap().unwrap();
        assert_eq!(stored, f, "a shipped framework comes back exactly");
        assert_eq!(export_framework(&stored, Format::Yaml), export_framework(&f, Format::Yaml));
    }
    assert!(store.crosswalks().await.unwrap().len() >= 10);

    let v1 = parse_framework(SMALL, Format::Yaml).unwrap();
    assert_eq!(store.import_framework(&v1, None, now()).await.unwrap(), Imported::Added);
    assert_eq!(store.import_framework(&v1, None, now()).await.unwrap(), Imported::Unchanged);
    let changed = parse_framework(&SMALL.replace("A small way", "A smaller way"), Format::Yaml).unwrap();
    assert!(matches!(store.import_framework(&changed, None, now()).await, Err(StoreError::Conflict(_))));
    let v2 = parse_framework(&SMALL.replace("version: \"1\"", "version: \"2\""), Format::Yaml).unwrap();
    assert_eq!(store.import_framework(&v2, None, now()).await.unwrap(), Imported::Added);
    assert_eq!(store.framework("small-way").await.unwrap().unwrap().version(), "2", "the newest is current");
    assert_eq!(store.framework_version("small-way", "1").await.unwrap().unwrap(), v1);
    assert_eq!(store.framework_versions("small-way").await.unwrap().len(), 2);
    assert_eq!(store.frameworks().await.unwrap().len(), 4);
});

backend_test!(self_assessments_save_come_back_and_keep_history, |db| {
    let store = &db.store;
    let me = person(store, 1).await;
    let f = store.framework("four-way-focus").await.unwrap().unwrap();
    let first = AssessmentId::from_uuid(Uuid::from_u128(1));
    let mut a = SelfAssessment::start(&f);
    a.rate(&f, "knowing-myself", 1, Some("Early days"), vec![]).unwrap();
    store.save_assessment(first, me, &a, false, now()).await.unwrap();
    let back = store.assessment(first).await.unwrap().unwrap();
    assert_eq!(back.assessment, a);
    assert!(back.completed_at.is_none(), "a draft to come back to");
    a.rate(&f, "seeking-feedback", 2, None, vec![]).unwrap();
    store.save_assessment(first, me, &a, true, now()).await.unwrap();
    assert!(
        matches!(store.save_assessment(first, me, &a, true, now()).await, Err(StoreError::Conflict(_))),
        "a completed assessment is history"
    );
    let someone = person(store, 2).await;
    assert!(matches!(store.save_assessment(first, someone, &a, false, now()).await, Err(StoreError::NotFound)));

    let second = AssessmentId::from_uuid(Uuid::from_u128(2));
    let mut b = SelfAssessment::start(&f);
    b.rate(&f, "knowing-myself", 3, None, vec![]).unwrap();
    store.save_assessment(second, me, &b, true, now() + SignedDuration::from_hours(24)).await.unwrap();
    let history = store.assessments_of(me, Some("four-way-focus")).await.unwrap();
    assert_eq!(history.iter().map(|r| r.id).collect::<Vec<_>>(), [second, first], "newest first");
    assert!(store.assessments_of(me, Some("leadership-way")).await.unwrap().is_empty());
    assert_eq!(store.assessments_of(me, None).await.unwrap().len(), 2);
    assert!(!history[0].shared);
    store.set_assessment_shared(second, me, true).await.unwrap();
    assert!(store.assessment(second).await.unwrap().unwrap().shared);
    assert!(store.set_assessment_shared(second, someone, false).await.is_err());
});

fn answer(id: InvitationId, f: &domain::frameworks::Framework, value: u8, comment: Option<&str>) -> Answer {
    let mut ratings = BTreeMap::new();
    for (_, b) in f.behaviours() {
        ratings.insert(b.id.clone(), f.scale().rating(value).unwrap());
    }
    let mut importance = BTreeMap::new();
    for d in f.domains() {
        importance.insert(d.id.clone(), Importance::new(3).unwrap());
    }
    Answer { invitation: id, ratings, importance, comment: comment.map(str::to_owned) }
}

backend_test!(a_360_takes_answers_until_it_closes_once, |db| {
    let store = &db.store;
    let subject = person(store, 1).await;
    let manager = person(store, 2).await;
    let peers = [person(store, 3).await, person(store, 4).await];
    let reports = [person(store, 5).await, person(store, 6).await];
    let f = store.framework("leadership-way").await.unwrap().unwrap();
    let id = FeedbackId::from_uuid(Uuid::from_u128(9));
    let mut invitations = vec![
        NewInvitation {
            invitation: Invitation { id: inv(0), group: RaterGroup::Myself, rater: Rater::Person(subject) },
            token_hash: None,
            expires_at: None,
        },
        NewInvitation {
            invitation: Invitation { id: inv(1), group: RaterGroup::LineManager, rater: Rater::Person(manager) },
            token_hash: None,
            expires_at: None,
        },
    ];
    for (i, p) in peers.iter().enumerate() {
        invitations.push(NewInvitation {
            invitation: Invitation { id: inv(2 + i as u128), group: RaterGroup::Peer, rater: Rater::Person(*p) },
            token_hash: None,
            expires_at: None,
        });
    }
    for (i, p) in reports.iter().enumerate() {
        invitations.push(NewInvitation {
            invitation: Invitation {
                id: inv(4 + i as u128),
                group: RaterGroup::DirectReport,
                rater: Rater::Person(*p),
            },
            token_hash: None,
            expires_at: None,
        });
    }
    let new = NewFeedback {
        id,
        subject,
        started_by: subject,
        facilitator: None,
        framework: f.id().clone(),
        version: f.version().to_owned(),
    };
    store.create_feedback(&new, &invitations, now()).await.unwrap();
    let outsider = NewInvitation {
        invitation: Invitation {
            id: inv(6),
            group: RaterGroup::Other,
            rater: Rater::Outside(Email::parse("friend@elsewhere.org").unwrap()),
        },
        token_hash: Some("hash-of-the-secret".to_owned()),
        expires_at: Some(now() + SignedDuration::from_hours(24 * 14)),
    };
    store.add_invitations(id, &[outsider], now()).await.unwrap();
    assert_eq!(store.invitations(id).await.unwrap().len(), 7);
    assert_eq!(store.invitations_waiting_for(peers[0]).await.unwrap().len(), 1);
    assert_eq!(store.invitation_by_token_hash("hash-of-the-secret").await.unwrap().unwrap().invitation.id, inv(6));

    // Closing with only the subject's own answer is refused, and changes nothing.
    store.submit_answer(&answer(inv(0), &f, 3, Some("I try")), now()).await.unwrap().unwrap();
    let refused =
        store.close_feedback(id, now(), |f, i, a| release_report(f, i, a, &ReleaseRules::default(), 1)).await.unwrap();
    assert_eq!(refused, Err(CloseRefused::Release(ReleaseError::NoAnswers)));
    assert!(store.feedback(id).await.unwrap().unwrap().is_open());

    for (n, value) in [(1, 4), (2, 2), (3, 2), (4, 5), (5, 5)] {
        store.submit_answer(&answer(inv(n), &f, value, Some(&format!("comment {n}"))), now()).await.unwrap().unwrap();
    }
    assert_eq!(
        store.submit_answer(&answer(inv(1), &f, 1, None), now()).await.unwrap(),
        Err(AnswerRefused::Used),
        "an invitation is answered once"
    );
    let late = now() + SignedDuration::from_hours(24 * 15);
    assert_eq!(store.submit_answer(&answer(inv(6), &f, 1, None), late).await.unwrap(), Err(AnswerRefused::Expired));
    store.submit_answer(&answer(inv(6), &f, 3, Some("from outside")), now()).await.unwrap().unwrap();
    assert_eq!(store.feedback(id).await.unwrap().unwrap().answered, 7);
    assert_eq!(store.invitations_to_remind(now() + SignedDuration::from_hours(1), now()).await.unwrap().len(), 0);

    let report = store
        .close_feedback(id, now(), |f, i, a| release_report(f, i, a, &ReleaseRules::default(), 7))
        .await
        .unwrap()
        .unwrap();
    let first = &report.behaviours[0];
    assert_eq!(first.figure(Source::LineManager).unwrap().mean, 4.0);
    assert!(first.figure(Source::Peers).is_none(), "two peers are folded into others");
    assert_eq!(first.figure(Source::Others).unwrap().answers, 5);
    assert_eq!(store.feedback_report(id).await.unwrap().unwrap(), report, "the stored report is the released one");

    assert_eq!(
        store.close_feedback(id, now(), |f, i, a| release_report(f, i, a, &ReleaseRules::default(), 8)).await.unwrap(),
        Err(CloseRefused::AlreadyClosed),
        "a 360 is reported once"
    );
    store.add_invitations(id, &[], now()).await.unwrap_err();
    assert_eq!(store.submit_answer(&answer(inv(6), &f, 1, None), now()).await.unwrap(), Err(AnswerRefused::Closed));
    assert_eq!(store.submit_answer(&answer(inv(99), &f, 1, None), now()).await.unwrap(), Err(AnswerRefused::Unknown));
    assert_eq!(store.feedbacks_for(subject).await.unwrap().len(), 1);
    assert!(store.invitations_waiting_for(peers[0]).await.unwrap().is_empty());
});

backend_test!(unanswered_invitations_are_reminded_once_a_day, |db| {
    let store = &db.store;
    let subject = person(store, 1).await;
    let peer = person(store, 2).await;
    let f = store.framework("leadership-way").await.unwrap().unwrap();
    let id = FeedbackId::from_uuid(Uuid::from_u128(10));
    let new = NewFeedback {
        id,
        subject,
        started_by: subject,
        facilitator: Some(peer),
        framework: f.id().clone(),
        version: f.version().to_owned(),
    };
    let invitations = [NewInvitation {
        invitation: Invitation { id: inv(1), group: RaterGroup::Peer, rater: Rater::Person(peer) },
        token_hash: None,
        expires_at: None,
    }];
    store.create_feedback(&new, &invitations, now()).await.unwrap();
    let day_later = now() + SignedDuration::from_hours(25);
    let due = store.invitations_to_remind(day_later - SignedDuration::from_hours(24), day_later).await.unwrap();
    assert_eq!(due.len(), 1);
    store.mark_reminded(inv(1), day_later).await.unwrap();
    assert!(store
        .invitations_to_remind(day_later - SignedDuration::from_hours(24), day_later)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.feedbacks_for(peer).await.unwrap().len(), 1, "the facilitator sees it");
    // An outsider's link is renewed for a reminder: the old one stops working.
    let outsider = NewInvitation {
        invitation: Invitation {
            id: inv(2),
            group: RaterGroup::Other,
            rater: Rater::Outside(Email::parse("o@elsewhere.org").unwrap()),
        },
        token_hash: Some("old-hash".to_owned()),
        expires_at: Some(now() + SignedDuration::from_hours(24)),
    };
    store.add_invitations(id, &[outsider], now()).await.unwrap();
    store.renew_link(inv(2), "new-hash", now() + SignedDuration::from_hours(24 * 21)).await.unwrap();
    assert!(store.invitation_by_token_hash("old-hash").await.unwrap().is_none());
    let renewed = store.invitation_by_token_hash("new-hash").await.unwrap().unwrap();
    assert_eq!(renewed.expires_at, Some(now() + SignedDuration::from_hours(24 * 21)));
});

backend_test!(plans_keep_goals_comments_and_find_candidates, |db| {
    let store = &db.store;
    let me = person(store, 1).await;
    let manager = person(store, 2).await;
    let tag: BehaviourRef = "leadership-way:listening-with-care".parse().unwrap();
    let fields = ResourceFields {
        title: Title::parse("Listening well").unwrap(),
        summary: Summary::parse("Giving people your whole attention.").unwrap(),
        kind: ResourceKind::Video,
        url: None,
        body: None,
        estimated: EstimatedMinutes::new(10).unwrap(),
        levels: vec![Level::Band7],
        sectors: vec![Sector::Health],
        behaviours: vec![tag.to_string(), "free text".to_owned()],
        publisher: None,
        review_on: None,
    };
    let rid = ResourceId::from_uuid(Uuid::from_u128(77));
    store.create_resource(rid, &fields, None, now()).await.unwrap();
    let found = store.candidates_tagged(std::slice::from_ref(&tag)).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].behaviours, std::slice::from_ref(&tag));
    assert_eq!((found[0].levels.clone(), found[0].sectors.clone()), (vec![Level::Band7], vec![Sector::Health]));
    assert!(store.candidates_tagged(&["four-way-focus:knowing-myself".parse().unwrap()]).await.unwrap().is_empty());

    let goal = Goal {
        title: "Listen before deciding".to_owned(),
        set_on: date(2026, 6, 1),
        target: date(2026, 9, 1),
        behaviours: vec![tag],
        resources: vec![rid],
    };
    let gid = GoalId::from_uuid(Uuid::from_u128(3));
    store.add_goal(gid, me, &goal, now()).await.unwrap();
    let goals = store.goals_of(me).await.unwrap();
    assert_eq!(goals.len(), 1);
    assert_eq!(goals[0].goal, goal);
    store.add_plan_comment(me, manager, "Good choice", now()).await.unwrap();
    let comments = store.plan_comments(me).await.unwrap();
    assert_eq!(comments[0].author_name.as_deref(), Some("Person 2"));
    assert!(matches!(store.remove_goal(gid, manager).await, Err(StoreError::NotFound)));
    store.remove_goal(gid, me).await.unwrap();
    assert!(store.goals_of(me).await.unwrap().is_empty());
});
