//! Store tests for people and organisations; each runs on SQLite and on PostgreSQL.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on any error it did not expect")]

use std::collections::HashMap;

use domain::accounts::EmailTokenPurpose;
use domain::ids::{OrganisationId, PersonId};
use domain::paging::PageRequest;
use domain::people::import::{plan_people, read_organisations, read_people, PersonRecord};
use domain::people::{
    Email, EmailDomain, OrganisationCode, OrganisationKind, OrganisationName, Ownership, PersonName, Role, RoleGrant,
    RoleScope, Sector,
};
use goldthread_store::people::{OrganisationFields, PeopleFilter};
use goldthread_store::{backend_test, StoreError};
use jiff::civil::Date;
use jiff::Timestamp;
use uuid::Uuid;

fn now() -> Timestamp {
    Timestamp::from_second(1_780_000_000).unwrap()
}

fn today() -> Date {
    Date::constant(2026, 5, 1)
}

fn org_fields(code: &str, domain: &str) -> OrganisationFields {
    OrganisationFields {
        code: OrganisationCode::parse(code).unwrap(),
        name: OrganisationName::parse(&format!("Organisation {code}")).unwrap(),
        kind: OrganisationKind::NhsTrust,
        sector: Sector::Health,
        ownership: Ownership::Public,
        email_domains: vec![EmailDomain::parse(domain).unwrap()],
        place: Some("Riverside".to_owned()),
        system: Some("North ICS".to_owned()),
    }
}

fn person(n: u128, org: Option<OrganisationId>, manager: Option<PersonId>) -> PersonRecord {
    PersonRecord {
        id: PersonId::from_uuid(Uuid::from_u128(n)),
        staff_number: None,
        name: PersonName::parse(&format!("Person {n}")).unwrap(),
        email: Email::parse(&format!("p{n}@example.nhs.uk")).unwrap(),
        job_title: None,
        profession: None,
        level: None,
        organisation: org,
        manager,
        start_date: None,
    }
}

fn org_id(n: u128) -> OrganisationId {
    OrganisationId::from_uuid(Uuid::from_u128(10_000 + n))
}

backend_test!(organisations_round_trip_and_refuse_duplicate_codes, |db| {
    let store = &db.store;
    store.create_organisation(org_id(1), &org_fields("RX1", "rx1.nhs.uk"), now()).await.unwrap();
    let got = store.organisation(org_id(1)).await.unwrap().unwrap();
    assert_eq!(got.code.as_str(), "RX1");
    assert_eq!(got.place.as_deref(), Some("Riverside"));
    assert_eq!(got.system.as_deref(), Some("North ICS"));
    assert_eq!(store.organisation_for_domain("RX1.nhs.uk").await.unwrap(), Some(org_id(1)));

    let again = store.create_organisation(org_id(2), &org_fields("RX1", "other.nhs.uk"), now()).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let domain_taken = store.create_organisation(org_id(3), &org_fields("RX3", "rx1.nhs.uk"), now()).await;
    assert!(matches!(domain_taken, Err(StoreError::Conflict(_))), "{domain_taken:?}");
    // Nothing of the refused organisations was kept.
    assert!(store.organisation(org_id(3)).await.unwrap().is_none());
    let page = store.list_organisations(None, None, PageRequest::default()).await.unwrap();
    assert_eq!(page.total, 1);
});

backend_test!(a_move_between_organisations_keeps_the_history, |db| {
    let store = &db.store;
    store.create_organisation(org_id(1), &org_fields("RX1", "rx1.nhs.uk"), now()).await.unwrap();
    store.create_organisation(org_id(2), &org_fields("LA2", "la2.gov.uk"), now()).await.unwrap();
    let p = person(1, Some(org_id(1)), None);
    store.create_person(&p, now()).await.unwrap();
    let moved = PersonRecord { organisation: Some(org_id(2)), ..p.clone() };
    store.update_person(&moved, today(), now()).await.unwrap();
    let history = store.employment_history(p.id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].organisation.id, org_id(2));
    assert_eq!(history[1].ended_on, Some(today()));
    assert_eq!(store.person(p.id).await.unwrap().unwrap().organisation.unwrap().id, org_id(2));
});

backend_test!(a_team_is_everyone_below_a_manager, |db| {
    let store = &db.store;
    store.create_organisation(org_id(1), &org_fields("RX1", "rx1.nhs.uk"), now()).await.unwrap();
    let boss = person(1, Some(org_id(1)), None);
    let mid = person(2, Some(org_id(1)), Some(boss.id));
    let low = person(3, Some(org_id(1)), Some(mid.id));
    let other = person(4, Some(org_id(1)), None);
    for p in [&boss, &mid, &low, &other] {
        store.create_person(p, now()).await.unwrap();
    }
    let team = store.team(boss.id, PageRequest::default()).await.unwrap();
    let ids: Vec<_> = team.items.iter().map(|p| p.id).collect();
    assert_eq!(team.total, 2);
    assert!(ids.contains(&mid.id) && ids.contains(&low.id));
    assert_eq!(store.manager_chain(low.id).await.unwrap(), vec![mid.id, boss.id]);
    assert!(store.has_reports(mid.id).await.unwrap());
    assert!(!store.has_reports(low.id).await.unwrap());
    let found = store
        .list_people(&PeopleFilter { query: Some("person 3".into()), organisation: None }, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
});

backend_test!(an_import_applies_whole_and_a_second_run_changes_nothing, |db| {
    let store = &db.store;
    let orgs = read_organisations(b"code,name,kind,sector,ownership,email_domains\nRX1,Riverside Trust,nhs-trust,health,public,riverside.nhs.uk\n").unwrap();
    let mut n = 0u128;
    let counts = store
        .import_organisations(
            &orgs,
            || {
                n += 1;
                OrganisationId::from_uuid(Uuid::from_u128(n))
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(counts.created, 1);
    let again = store.import_organisations(&orgs, || OrganisationId::from_uuid(Uuid::new_v4()), now()).await.unwrap();
    assert_eq!(again.unchanged, 1);

    let file = "staff_number,name,email,level,organisation,line_manager_staff_number\n1,Ada Okafor,ada@riverside.nhs.uk,vsm,RX1,\n2,Ben Shah,ben@riverside.nhs.uk,8a,RX1,1\n";
    let rows = read_people(file.as_bytes()).unwrap();
    let codes: HashMap<_, _> = store.organisation_codes().await.unwrap();
    let plan =
        plan_people(&rows, &codes, &store.person_records().await.unwrap(), || PersonId::from_uuid(Uuid::new_v4()))
            .unwrap();
    let counts = store.apply_people_plan(&plan, today(), now()).await.unwrap();
    assert_eq!(counts.created, 2);
    let plan =
        plan_people(&rows, &codes, &store.person_records().await.unwrap(), || PersonId::from_uuid(Uuid::new_v4()))
            .unwrap();
    assert_eq!((plan.creates.len(), plan.updates.len(), plan.unchanged), (0, 0, 2));
    assert_eq!(store.count_people().await.unwrap(), 2);
});

backend_test!(a_failed_import_writes_nothing, |db| {
    let store = &db.store;
    store.create_organisation(org_id(1), &org_fields("RX1", "rx1.nhs.uk"), now()).await.unwrap();
    store.create_person(&person(1, Some(org_id(1)), None), now()).await.unwrap();
    // The second create collides with the stored email: the whole batch must roll back.
    let plan = domain::people::import::PeoplePlan {
        creates: vec![
            person(2, Some(org_id(1)), None),
            PersonRecord { id: PersonId::from_uuid(Uuid::from_u128(3)), ..person(1, Some(org_id(1)), None) },
        ],
        updates: vec![],
        unchanged: 0,
    };
    let result = store.apply_people_plan(&plan, today(), now()).await;
    assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
    assert_eq!(store.count_people().await.unwrap(), 1);
});

backend_test!(grants_are_scoped_and_idempotent, |db| {
    let store = &db.store;
    store.create_organisation(org_id(1), &org_fields("RX1", "rx1.nhs.uk"), now()).await.unwrap();
    let p = person(1, Some(org_id(1)), None);
    store.create_person(&p, now()).await.unwrap();
    let g = RoleGrant { role: Role::OrganisationAdmin, scope: RoleScope::Organisation(org_id(1)) };
    store.grant(p.id, g, now()).await.unwrap();
    store.grant(p.id, g, now()).await.unwrap();
    store.grant(p.id, RoleGrant { role: Role::SystemAdmin, scope: RoleScope::System }, now()).await.unwrap();
    assert_eq!(store.grants(p.id).await.unwrap().len(), 2);
});

backend_test!(sessions_tokens_and_email_tokens_behave, |db| {
    let store = &db.store;
    let p = person(1, None, None);
    store.create_person(&p, now()).await.unwrap();
    store.set_account(p.id, "hash", None, now()).await.unwrap();
    let account = store.account_by_email("p1@example.nhs.uk").await.unwrap().unwrap();
    assert!(!account.email_confirmed);

    let later = Timestamp::from_second(now().as_second() + 3600).unwrap();
    store.create_session("s1", p.id, now(), later).await.unwrap();
    assert_eq!(store.session_person("s1", now()).await.unwrap(), Some(p.id));
    assert_eq!(store.session_person("s1", later).await.unwrap(), None, "expired sessions do not count");
    store.end_session("s1").await.unwrap();
    assert_eq!(store.session_person("s1", now()).await.unwrap(), None);

    store.create_email_token("e1", EmailTokenPurpose::ConfirmEmail, p.id, now()).await.unwrap();
    assert_eq!(
        store.use_email_token("e1", EmailTokenPurpose::ResetPassword, now()).await.unwrap(),
        None,
        "wrong purpose"
    );
    assert_eq!(store.use_email_token("e1", EmailTokenPurpose::ConfirmEmail, now()).await.unwrap(), Some(p.id));
    assert_eq!(store.use_email_token("e1", EmailTokenPurpose::ConfirmEmail, now()).await.unwrap(), None, "single use");

    let t = goldthread_store::accounts::new_token_id();
    store.create_api_token(t, p.id, "scripts", "h1", now()).await.unwrap();
    assert_eq!(store.api_token_person("h1", now()).await.unwrap(), Some(p.id));
    store.revoke_api_token(p.id, t, now()).await.unwrap();
    assert_eq!(store.api_token_person("h1", now()).await.unwrap(), None);

    assert_eq!(store.claim_submission("k1", "/done", now()).await.unwrap(), None);
    assert_eq!(store.claim_submission("k1", "/other", now()).await.unwrap().as_deref(), Some("/done"));

    store.record_sign_in_failure("p1@example.nhs.uk", "127.0.0.1", now()).await.unwrap();
    let since = Timestamp::from_second(now().as_second() - 60).unwrap();
    assert_eq!(store.sign_in_failures("p1@example.nhs.uk", "127.0.0.1", since).await.unwrap(), (1, 1));
    assert_eq!(store.purge_sign_in_failures(now()).await.unwrap(), 1);
    assert_eq!(store.sign_in_failures("p1@example.nhs.uk", "127.0.0.1", since).await.unwrap(), (0, 0));
    store.create_session("s2", p.id, now(), later).await.unwrap();
    assert_eq!(store.purge_expired_sessions(later).await.unwrap(), 1);
    assert_eq!(store.session_person("s2", now()).await.unwrap(), None);
});
