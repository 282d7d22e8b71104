//! HTTP tests for the catalogue, "Record your learning" and the learning record, on both backends.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on any error it did not expect")]

mod support;

use domain::ids::ResourceId;
use domain::learning::{EstimatedMinutes, ResourceKind, Summary, Title};
use domain::people::{Role, RoleGrant, RoleScope};
use jiff::{SignedDuration, Timestamp};
use store::learning::ResourceFields;
use support::hidden_value;

async fn resource(app: &support::TestApp, title: &str, minutes: u32) -> ResourceId {
    let id = ResourceId::from_uuid(uuid::Uuid::new_v4());
    let fields = ResourceFields {
        title: Title::parse(title).unwrap(),
        summary: Summary::parse("A practical look at leading teams with compassion in health and care.").unwrap(),
        kind: ResourceKind::Video,
        url: None,
        body: Some("Watch and reflect.".to_owned()),
        estimated: EstimatedMinutes::new(minutes).unwrap(),
        levels: vec![],
        sectors: vec![],
        behaviours: vec!["compassion".to_owned()],
        publisher: None,
        review_on: None,
    };
    app.store.create_resource(id, &fields, None, Timestamp::now()).await.unwrap();
    id
}

async fn multipart(
    app: &support::TestApp,
    c: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let csrf = app.csrf(c).await;
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    if let Some((name, bytes)) = file {
        form = form.part("evidence", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    }
    c.post(app.url(&format!("{path}?csrf={csrf}"))).multipart(form).send().await.unwrap()
}

app_test!(a_programme_lead_adds_resources_and_learners_find_them, |app| {
    let org = app.organisation("RX1", "riverside.nhs.uk").await;
    app.user(
        "lead@riverside.nhs.uk",
        Some(org),
        None,
        &[RoleGrant { role: Role::ProgrammeLead, scope: RoleScope::Organisation(org) }],
    )
    .await;
    app.user("learner@riverside.nhs.uk", Some(org), None, &[]).await;
    let lead = app.signed_in("lead@riverside.nhs.uk").await;
    let learner = app.signed_in("learner@riverside.nhs.uk").await;
    let fields = [
        ("title", "Leading through change"),
        ("summary", "How to lead a team through service change."),
        ("kind", "podcast"),
        ("minutes", "25"),
        ("levels", "band-7, band-8a"),
        ("sectors", "health"),
        ("behaviours", "Engaging the team"),
    ];
    let r = app.post(&learner, "/learning/resources/new", &fields).await;
    assert_eq!(r.status(), 403, "a learner cannot add to the catalogue");
    let bad = app
        .post(
            &lead,
            "/learning/resources/new",
            &[("title", "x"), ("summary", "short"), ("kind", "lecture"), ("minutes", "-3"), ("levels", "band-12")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("Choose the type") && html.contains("Estimated time") && html.contains("band-12"), "{html}");
    let r = app.post(&lead, "/learning/resources/new", &fields).await;
    assert_eq!(r.status(), 303);
    let page = app.get(&learner, "/learning?q=leading+chang").await.text().await.unwrap();
    assert!(page.contains("Leading through change") && page.contains("1 resources match"), "{page}");
    let none = app.get(&learner, "/learning?q=leading&kind=book").await.text().await.unwrap();
    assert!(none.contains("No resources match"));
    let filtered = app.get(&learner, "/learning?level=band-7&sector=health&duration=30").await.text().await.unwrap();
    assert!(filtered.contains("Leading through change"));
});

app_test!(recording_waits_for_the_timer_and_records_once, |app| {
    let org = app.organisation("RX1", "riverside.nhs.uk").await;
    let me = app.user("me@riverside.nhs.uk", Some(org), None, &[]).await;
    let c = app.signed_in("me@riverside.nhs.uk").await;
    let id = resource(app, "Compassionate leadership", 1).await;

    let page = app.get(&c, &format!("/learning/resources/{id}")).await.text().await.unwrap();
    assert!(page.contains("Open the resource first"));
    assert_eq!(app.get(&c, &format!("/learning/resources/{id}/record")).await.status(), 409);
    let r = app.get(&c, &format!("/learning/resources/{id}/open")).await;
    assert_eq!(r.status(), 303);
    let page = app.get(&c, &format!("/learning/resources/{id}")).await.text().await.unwrap();
    assert!(page.contains("till you can record this learning activity"), "{page}");
    // Forcing the request early is refused, whatever the client sends.
    let r = app
        .post(&c, &format!("/learning/resources/{id}/record"), &[("learned", "Something"), ("kind", "formal")])
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("till you can record"));
    assert_eq!(app.store.entries(me, None, None, None, Default::default()).await.unwrap().total, 0);

    // Time passes (the timer is moved back rather than the test waiting).
    app.store.reset_open_for_tests(me, id, Timestamp::now() - SignedDuration::from_mins(3)).await.unwrap();
    let form = app.get(&c, &format!("/learning/resources/{id}/record")).await;
    assert_eq!(form.status(), 200);
    let html = form.text().await.unwrap();
    let submission = hidden_value(&html, "submission").unwrap();
    let r = app
        .post(
            &c,
            &format!("/learning/resources/{id}/record"),
            &[("learned", "  "), ("kind", "formal"), ("submission", &submission)],
        )
        .await;
    assert_eq!(r.status(), 422, "a record with no reflection is refused");
    assert!(r.text().await.unwrap().contains("Write what you learned"));
    let fields = [
        ("learned", "Start with listening"),
        ("apply", "At handovers"),
        ("kind", "formal"),
        ("behaviours", "compassion, curiosity"),
        ("submission", submission.as_str()),
    ];
    let first = app.post(&c, &format!("/learning/resources/{id}/record"), &fields).await;
    let second = app.post(&c, &format!("/learning/resources/{id}/record"), &fields).await;
    assert_eq!(first.status(), 303);
    assert_eq!(second.status(), 303);
    assert_eq!(first.headers()["location"], second.headers()["location"], "a double click records once");
    let entries = app.store.entries(me, None, None, None, Default::default()).await.unwrap();
    assert_eq!(entries.total, 1);
    assert!(entries.items[0].fields.time.get() >= 3, "the real time spent is kept");
    let dash = app.get(&c, "/dashboard").await.text().await.unwrap();
    assert!(
        dash.contains("<svg") && dash.contains("Hours of learning by month") && dash.contains("Formal learning"),
        "{dash}"
    );
    assert!(dash.contains("Compassionate leadership"));
});

app_test!(other_learning_is_checked_and_evidence_sniffed, |app| {
    let me = app.user("me@example.org", None, None, &[]).await;
    let c = app.signed_in("me@example.org").await;
    let good = [
        ("title", "Shadowed the director of nursing"),
        ("activity", "shadowing"),
        ("kind", "others"),
        ("date", "2026-01-15"),
        ("hours", "3"),
        ("minutes", "30"),
        ("learned", "How board papers are shaped"),
        ("apply", "Writing my SBARs"),
        ("behaviours", "influencing"),
    ];
    let r =
        multipart(app, &c, "/record/new", &good, Some(("notes.pdf", b"MZ\x90\x00 this is a program".to_vec()))).await;
    assert_eq!(r.status(), 422, "a renamed executable is refused");
    assert!(r.text().await.unwrap().contains("must be a PDF"));
    let mut too_long = good.to_vec();
    too_long[4] = ("hours", "25");
    let r = multipart(app, &c, "/record/new", &too_long, None).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("24 hours"));
    let mut no_reflection = good.to_vec();
    no_reflection[7] = ("learned", "");
    assert_eq!(multipart(app, &c, "/record/new", &no_reflection, None).await.status(), 422);
    assert_eq!(
        app.store.entries(me, None, None, None, Default::default()).await.unwrap().total,
        0,
        "nothing was recorded"
    );
    let r = multipart(app, &c, "/record/new", &good, Some(("notes.txt", b"Notes from the day".to_vec()))).await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let entry_path = location.split('?').next().unwrap().to_owned();
    let page = app.get(&c, &entry_path).await.text().await.unwrap();
    assert!(page.contains("How board papers are shaped") && page.contains("3 h 30 min"), "{page}");
    let file = app.get(&c, &format!("{entry_path}/evidence")).await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"Notes from the day");
    // Edits are kept in the history.
    let r = app
        .post(
            &c,
            &format!("{entry_path}/edit"),
            &[
                ("title", "Shadowed the director"),
                ("activity", "shadowing"),
                ("kind", "others"),
                ("date", "2026-01-15"),
                ("hours", "2"),
                ("minutes", "0"),
                ("learned", "Board papers"),
                ("apply", ""),
                ("behaviours", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = app.get(&c, &entry_path).await.text().await.unwrap();
    assert!(page.contains("edited") && page.contains("created"));
});

app_test!(entries_are_seen_by_their_owner_and_current_manager_only, |app| {
    let org = app.organisation("RX1", "riverside.nhs.uk").await;
    let boss = app.user("boss@riverside.nhs.uk", Some(org), None, &[]).await;
    let me = app.user("me@riverside.nhs.uk", Some(org), Some(boss), &[]).await;
    app.user("peer@riverside.nhs.uk", Some(org), None, &[]).await;
    let new_boss = app.user("newboss@riverside.nhs.uk", Some(org), None, &[]).await;
    let c = app.signed_in("me@riverside.nhs.uk").await;
    let today = Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date().to_string();
    let fields = [
        ("title", "Action learning set"),
        ("activity", "action-learning"),
        ("kind", "others"),
        ("date", today.as_str()),
        ("hours", "1"),
        ("minutes", ""),
        ("learned", "Asking better questions"),
    ];
    let r = multipart(app, &c, "/record/new", &fields, None).await;
    let entry = r.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_owned();
    let peer = app.signed_in("peer@riverside.nhs.uk").await;
    assert_eq!(app.get(&peer, &entry).await.status(), 403);
    let boss_c = app.signed_in("boss@riverside.nhs.uk").await;
    assert_eq!(app.get(&boss_c, &entry).await.status(), 200);
    assert_eq!(app.get(&boss_c, &format!("/people/{me}/record")).await.status(), 200);
    // Hidden: the manager no longer sees it.
    app.post(&c, &format!("{entry}/visibility"), &[]).await;
    assert_eq!(app.get(&boss_c, &entry).await.status(), 403);
    app.post(&c, &format!("{entry}/visibility"), &[]).await;
    // A change of manager: the old one loses sight, the new one sees from today.
    let mut record = app.store.person(me).await.unwrap().unwrap().record();
    record.manager = Some(new_boss);
    app.store
        .update_person(&record, Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date(), Timestamp::now())
        .await
        .unwrap();
    assert_eq!(app.get(&boss_c, &entry).await.status(), 403);
    let new_c = app.signed_in("newboss@riverside.nhs.uk").await;
    assert_eq!(app.get(&new_c, &entry).await.status(), 200);
    // Only the owner changes it.
    assert_eq!(app.post(&new_c, &format!("{entry}/delete"), &[]).await.status(), 403);
    assert_eq!(app.post(&c, &format!("{entry}/delete"), &[]).await.status(), 303);
    assert_eq!(app.get(&c, &entry).await.status(), 404);
});

app_test!(the_learning_api_keeps_the_same_rules, |app| {
    let org = app.organisation("RX1", "riverside.nhs.uk").await;
    let boss = app.user("boss@riverside.nhs.uk", Some(org), None, &[]).await;
    let me = app.user("me@riverside.nhs.uk", Some(org), Some(boss), &[]).await;
    let peer = app.user("peer@riverside.nhs.uk", Some(org), None, &[]).await;
    resource(app, "Compassionate leadership", 10).await;
    let token = app.token(me).await;
    let page: serde_json::Value =
        app.api_get(&token, "/api/v1/resources?q=compassion&per_page=5").await.json().await.unwrap();
    assert_eq!(page["total"], 1);
    let rid = page["items"][0]["id"].as_str().unwrap().to_owned();
    let one: serde_json::Value = app.api_get(&token, &format!("/api/v1/resources/{rid}")).await.json().await.unwrap();
    assert_eq!(one["behaviours"][0], "compassion");
    assert_eq!(app.api_get(&token, "/api/v1/resources?kind=lecture").await.status(), 422);
    let client = reqwest::Client::new();
    let r = client
        .post(app.url("/api/v1/resources"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"title": "T", "summary": "S", "kind": "video", "estimated_minutes": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let entry = serde_json::json!({"title": "Coaching session", "activity": "coaching", "kind": "others", "occurred_on": "2026-02-01", "minutes": 45, "learned": "Open questions"});
    let r = client
        .post(app.url(&format!("/api/v1/people/{me}/learning")))
        .bearer_auth(&token)
        .json(&entry)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let mut absurd = entry.clone();
    absurd["minutes"] = serde_json::json!(2000);
    absurd["learned"] = serde_json::json!("");
    let r = client
        .post(app.url(&format!("/api/v1/people/{me}/learning")))
        .bearer_auth(&token)
        .json(&absurd)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2, "{problem}");
    let r = client
        .post(app.url(&format!("/api/v1/people/{peer}/learning")))
        .bearer_auth(&token)
        .json(&entry)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "nobody records into another person's record");
    let mine: serde_json::Value =
        app.api_get(&token, &format!("/api/v1/people/{me}/learning")).await.json().await.unwrap();
    assert_eq!(mine["total"], 1);
    assert_eq!(app.api_get(&token, &format!("/api/v1/people/{peer}/learning")).await.status(), 403);
    let boss_token = app.token(boss).await;
    let seen: serde_json::Value =
        app.api_get(&boss_token, &format!("/api/v1/people/{me}/learning")).await.json().await.unwrap();
    assert_eq!(seen["total"], 0, "the entry predates the reporting line's start");
});

app_test!(a_catalogue_import_is_all_or_nothing_and_idempotent, |app| {
    let org = app.organisation("RX1", "riverside.nhs.uk").await;
    app.user(
        "lead@riverside.nhs.uk",
        Some(org),
        None,
        &[RoleGrant { role: Role::ProgrammeLead, scope: RoleScope::Organisation(org) }],
    )
    .await;
    app.user("learner@riverside.nhs.uk", Some(org), None, &[]).await;
    let lead = app.signed_in("lead@riverside.nhs.uk").await;
    let upload = |c: reqwest::Client, kind: &'static str, bytes: Vec<u8>| async move {
        let csrf = app.csrf(&c).await;
        let form = reqwest::multipart::Form::new()
            .text("kind", kind)
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name("f"));
        c.post(app.url(&format!("/admin/import?csrf={csrf}"))).multipart(form).send().await.unwrap()
    };
    let csv = "title,summary,kind,url,estimated_minutes,levels,behaviours\nCompassionate leadership,Leading with care for staff and the people they support.,video,https://example.org/v,20,band-7;band-8a,compassion\nBad row,short,lecture,,0,,\n";
    let r = upload(lead.clone(), "resources", csv.as_bytes().to_vec()).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("line 3, column kind"), "{html}");
    assert_eq!(app.store.search_resources(&Default::default(), Default::default()).await.unwrap().total, 0);
    let fixed = csv.replace(
        "Bad row,short,lecture,,0,,",
        "Budgets made plain,Money for first-line managers: budgets and variance.,course,,300,,",
    );
    let r = upload(lead.clone(), "resources", fixed.clone().into_bytes()).await;
    assert!(r.text().await.unwrap().contains("2 created"));
    let r = upload(lead.clone(), "resources", fixed.into_bytes()).await;
    assert!(r.text().await.unwrap().contains("0 created, 0 updated, 2 unchanged"));
    let json = br#"[{"title": "Coaching conversations", "summary": "Using a coaching approach with your team.", "kind": "podcast", "estimated_minutes": 30, "sectors": ["social-care"]}]"#;
    let r = upload(lead.clone(), "resources", json.to_vec()).await;
    assert!(r.text().await.unwrap().contains("1 created"));
    // A programme lead may import resources but not people.
    let r = upload(lead.clone(), "people", b"name,email,organisation\nA,a@b.org,RX1\n".to_vec()).await;
    assert_eq!(r.status(), 403);
    let learner = app.signed_in("learner@riverside.nhs.uk").await;
    let r = upload(learner, "resources", json.to_vec()).await;
    assert_eq!(r.status(), 403);
});

app_test!(a_person_who_moves_organisation_keeps_every_entry_and_only_the_new_manager_sees_them, |app| {
    let old_org = app.organisation("RX1", "riverside.nhs.uk").await;
    let new_org = app.organisation("CC9", "county.gov.uk").await;
    let old_boss = app.user("boss@riverside.nhs.uk", Some(old_org), None, &[]).await;
    let new_boss = app.user("head@county.gov.uk", Some(new_org), None, &[]).await;
    let me = app.user("me@riverside.nhs.uk", Some(old_org), Some(old_boss), &[]).await;
    let c = app.signed_in("me@riverside.nhs.uk").await;
    let today = Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date().to_string();
    let mut entries = Vec::new();
    for title in ["Shadowing the ward manager", "Budgeting course"] {
        let fields = [
            ("title", title),
            ("activity", "shadowing"),
            ("kind", "others"),
            ("date", today.as_str()),
            ("hours", "2"),
            ("minutes", ""),
            ("learned", "How the rota is balanced"),
        ];
        let r = multipart(app, &c, "/record/new", &fields, None).await;
        entries.push(r.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_owned());
    }
    let old_c = app.signed_in("boss@riverside.nhs.uk").await;
    assert_eq!(app.get(&old_c, &entries[0]).await.status(), 200);

    // The move: a new organisation and a new line manager there.
    let mut record = app.store.person(me).await.unwrap().unwrap().record();
    record.organisation = Some(new_org);
    record.manager = Some(new_boss);
    app.store
        .update_person(&record, Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date(), Timestamp::now())
        .await
        .unwrap();

    let mine = app.get(&c, "/record").await.text().await.unwrap();
    assert!(
        mine.contains("Shadowing the ward manager") && mine.contains("Budgeting course"),
        "the record moved with them"
    );
    for e in &entries {
        assert_eq!(app.get(&c, e).await.status(), 200);
        assert_eq!(app.get(&old_c, e).await.status(), 403, "the old manager no longer sees {e}");
    }
    assert_eq!(app.get(&old_c, &format!("/people/{me}/record")).await.status(), 403);
    let new_c = app.signed_in("head@county.gov.uk").await;
    for e in &entries {
        assert_eq!(app.get(&new_c, e).await.status(), 200, "the new manager sees {e}");
    }
});
