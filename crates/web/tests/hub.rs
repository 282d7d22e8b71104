//! HTTP tests for the knowledge hub (topics, case studies, their review and search, pages and
//! API), on both backends.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on any error it did not expect")]

mod support;

use domain::hub::ReviewState;
use domain::ids::{CaseStudyId, OrganisationId, ResourceId};
use domain::learning::{EstimatedMinutes, ResourceKind, Summary, Title};
use domain::people::{Role, RoleGrant, RoleScope};
use jiff::Timestamp;
use store::learning::ResourceFields;
use support::{hidden_value, TestApp};

const TITLE: &str = "Rotas planned with the team";
const OUTCOMES: &str = "Sickness absence fell by a third within six months, and agency shifts halved.";

fn org_admin(org: OrganisationId) -> RoleGrant {
    RoleGrant { role: Role::OrganisationAdmin, scope: RoleScope::Organisation(org) }
}

fn fields<'a>(title: &'a str, outcomes: &'a str, submission: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("context", "A home care service in a market town, short of carers and with sickness absence rising."),
        ("what_was_done", "Team leaders met carers every week to plan the rota together and swap visits fairly."),
        ("outcomes", outcomes),
        ("contact", "Sam Jones, registered manager, sam@riverside.example.org"),
        ("tags", "Retention, co-production"),
        ("submission", submission),
    ]
}

/// Submits a case study through the form as `client`, returning its id.
async fn submit(app: &TestApp, client: &reqwest::Client, title: &str) -> CaseStudyId {
    let form = app.get(client, "/hub/case-studies/new").await;
    assert_eq!(form.status(), 200);
    let key = hidden_value(&form.text().await.unwrap(), "submission").unwrap();
    let r = app.post(client, "/hub/case-studies/new", &fields(title, OUTCOMES, &key)).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    id_from(&r)
}

fn id_from(r: &reqwest::Response) -> CaseStudyId {
    let location = r.headers()["location"].to_str().unwrap();
    let id = location.trim_start_matches("/hub/case-studies/").split('?').next().unwrap();
    id.parse().unwrap()
}

async fn state_of(app: &TestApp, id: CaseStudyId) -> ReviewState {
    app.store.case_study(id).await.unwrap().unwrap().state
}

async fn api_post(app: &TestApp, token: &str, path: &str, body: &serde_json::Value) -> reqwest::Response {
    reqwest::Client::new().post(app.url(path)).bearer_auth(token).json(body).send().await.unwrap()
}

app_test!(a_case_study_is_hidden_until_a_reviewer_publishes_it_then_found_by_search, |app| {
    let org = app.organisation("RX1", "riverside.example.org").await;
    app.user("author@riverside.example.org", Some(org), None, &[]).await;
    let reader = app.user("reader@riverside.example.org", Some(org), None, &[]).await;
    app.user("admin@riverside.example.org", Some(org), None, &[org_admin(org)]).await;
    let author = app.signed_in("author@riverside.example.org").await;
    let other = app.signed_in("reader@riverside.example.org").await;
    let admin = app.signed_in("admin@riverside.example.org").await;
    let token = app.token(reader).await;

    let id = submit(app, &author, TITLE).await;
    let page = app.get(&author, &format!("/hub/case-studies/{id}?submitted=1")).await.text().await.unwrap();
    assert!(page.contains("sent for review") && page.contains("Waiting for review"), "{page}");
    let hub = app.get(&author, "/hub").await.text().await.unwrap();
    assert!(hub.contains(TITLE), "the author sees their own case study on the hub");

    // Not visible to others, on pages or through the API.
    assert_eq!(app.get(&other, &format!("/hub/case-studies/{id}")).await.status(), 403);
    let search = app.get(&other, "/hub/case-studies?q=rotas").await.text().await.unwrap();
    assert!(!search.contains(TITLE) && search.contains("No case studies match"));
    assert_eq!(app.api_get(&token, &format!("/api/v1/case-studies/{id}")).await.status(), 403);
    let list: serde_json::Value = app.api_get(&token, "/api/v1/case-studies?q=rotas").await.json().await.unwrap();
    assert_eq!(list["total"], 0);

    // The organisation's admin finds it in the queue and publishes it.
    let queue = app.get(&admin, "/hub/review").await.text().await.unwrap();
    assert!(queue.contains(TITLE) && queue.contains("1 waiting"), "{queue}");
    let page = app.get(&admin, &format!("/hub/case-studies/{id}")).await.text().await.unwrap();
    assert!(page.contains("Your decision") && page.contains("Publish it"));
    let r = app.post(&admin, &format!("/hub/case-studies/{id}/review"), &[("decision", "publish"), ("note", "")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(state_of(app, id).await, ReviewState::Published);
    assert!(app.get(&admin, "/hub/review").await.text().await.unwrap().contains("No case studies are waiting"));

    // Now everyone signed in sees it, and search finds it by title, story and tag.
    let page = app.get(&other, &format!("/hub/case-studies/{id}")).await.text().await.unwrap();
    assert!(page.contains(TITLE) && page.contains("agency shifts halved") && page.contains("RX1 Organisation"));
    assert!(!page.contains("Your decision"), "a reader gets no review form");
    for q in ["rotas", "sickness+absence", "retent"] {
        let search = app.get(&other, &format!("/hub/case-studies?q={q}")).await.text().await.unwrap();
        assert!(search.contains(TITLE) && search.contains("1 case study match"), "searching {q}: {search}");
    }
    let tagged = app.get(&other, "/hub/case-studies?tag=co-production").await.text().await.unwrap();
    assert!(tagged.contains(TITLE) && tagged.contains("1 case study tagged"), "{tagged}");
    let list: serde_json::Value = app.api_get(&token, "/api/v1/case-studies?q=rota").await.json().await.unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["title"], TITLE);
    assert_eq!(list["items"][0]["tags"], serde_json::json!(["retention", "co-production"]));
    let one = app.api_get(&token, &format!("/api/v1/case-studies/{id}")).await;
    assert_eq!(one.status(), 200);
    let one: serde_json::Value = one.json().await.unwrap();
    assert_eq!((one["status"].as_str(), one["outcomes"].as_str()), (Some("published"), Some(OUTCOMES)));

    // Unpublishing takes it back out of search.
    let r = app.post(&admin, &format!("/hub/case-studies/{id}/review"), &[("decision", "unpublish")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.get(&other, &format!("/hub/case-studies/{id}")).await.status(), 403);
});

app_test!(a_reviewer_sends_a_case_study_back_with_a_note_and_the_author_sends_it_again, |app| {
    let org = app.organisation("RX1", "riverside.example.org").await;
    app.user("author@riverside.example.org", Some(org), None, &[]).await;
    app.user("reader@riverside.example.org", Some(org), None, &[]).await;
    app.user("sys@example.org", None, None, &[RoleGrant { role: Role::SystemAdmin, scope: RoleScope::System }]).await;
    let author = app.signed_in("author@riverside.example.org").await;
    let other = app.signed_in("reader@riverside.example.org").await;
    let sys = app.signed_in("sys@example.org").await;
    let id = submit(app, &author, TITLE).await;
    let review = format!("/hub/case-studies/{id}/review");

    // Sending back needs a note; without one, nothing changes.
    let r = app.post(&sys, &review, &[("decision", "reject"), ("note", "  ")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Say why the case study is being sent back"));
    let r = app.post(&sys, &review, &[("note", "fine")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Choose whether to publish"));
    assert_eq!(state_of(app, id).await, ReviewState::Submitted);

    let note = "Please take out the names of the two residents in the second paragraph.";
    let r = app.post(&sys, &review, &[("decision", "reject"), ("note", note)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(state_of(app, id).await, ReviewState::Rejected);
    let page = app.get(&author, &format!("/hub/case-studies/{id}")).await.text().await.unwrap();
    assert!(page.contains("Not published") && page.contains("Why it was sent back") && page.contains(note), "{page}");
    assert_eq!(app.get(&other, &format!("/hub/case-studies/{id}")).await.status(), 403);

    // A sent-back case study cannot be published until its author sends it again.
    let r = app.post(&sys, &review, &[("decision", "publish")]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("must send it again"));
    assert_eq!(state_of(app, id).await, ReviewState::Rejected);

    // Only the author may change it.
    assert_eq!(app.get(&other, &format!("/hub/case-studies/{id}/edit")).await.status(), 403);
    let edit = app.get(&author, &format!("/hub/case-studies/{id}/edit")).await.text().await.unwrap();
    assert!(edit.contains(note) && edit.contains(TITLE));
    let r = app.post(&author, &format!("/hub/case-studies/{id}/edit"), &fields(TITLE, "", "")).await;
    assert_eq!(r.status(), 422);
    let changed = "Absence fell by a third within six months; residents' names removed as asked.";
    let r = app.post(&author, &format!("/hub/case-studies/{id}/edit"), &fields(TITLE, changed, "")).await;
    assert_eq!(r.status(), 303);
    let cs = app.store.case_study(id).await.unwrap().unwrap();
    assert_eq!((cs.state, cs.fields.outcomes.as_str()), (ReviewState::Submitted, changed));
    assert_eq!(app.get(&author, &format!("/hub/case-studies/{id}/edit")).await.status(), 409, "only once sent back");

    // Publishing twice: the second is refused with a clear message.
    assert_eq!(app.post(&sys, &review, &[("decision", "publish")]).await.status(), 303);
    let again = app.post(&sys, &review, &[("decision", "publish")]).await;
    assert_eq!(again.status(), 409);
    assert!(again.text().await.unwrap().contains("already published"));
    let r = app.post(&sys, &review, &[("decision", "reject"), ("note", "Too late")]).await;
    assert_eq!(r.status(), 409, "a published case study is unpublished before being sent back");
    assert_eq!(state_of(app, id).await, ReviewState::Published);
});

app_test!(only_system_admins_and_the_organisations_admins_review, |app| {
    let a = app.organisation("RXA", "a.example.org").await;
    let b = app.organisation("RXB", "b.example.org").await;
    app.user("author@a.example.org", Some(a), None, &[]).await;
    app.user("learner@a.example.org", Some(a), None, &[]).await;
    let lead = RoleGrant { role: Role::ProgrammeLead, scope: RoleScope::Organisation(a) };
    app.user("lead@a.example.org", Some(a), None, &[lead]).await;
    app.user("admin@b.example.org", Some(b), None, &[org_admin(b)]).await;
    let author = app.signed_in("author@a.example.org").await;
    let learner = app.signed_in("learner@a.example.org").await;
    let lead = app.signed_in("lead@a.example.org").await;
    let other_admin = app.signed_in("admin@b.example.org").await;
    let id = submit(app, &author, TITLE).await;
    let review = format!("/hub/case-studies/{id}/review");

    for client in [&learner, &lead, &other_admin, &author] {
        let r = app.post(client, &review, &[("decision", "publish")]).await;
        assert_eq!(r.status(), 403);
    }
    assert_eq!(state_of(app, id).await, ReviewState::Submitted);
    assert_eq!(app.get(&learner, "/hub/review").await.status(), 403);
    assert_eq!(app.get(&lead, "/hub/review").await.status(), 403);
    let queue = app.get(&other_admin, "/hub/review").await.text().await.unwrap();
    assert!(!queue.contains(TITLE), "another organisation's admin does not see it waiting");
    assert_eq!(app.get(&other_admin, &format!("/hub/case-studies/{id}")).await.status(), 403);
    let hub = app.get(&learner, "/hub").await.text().await.unwrap();
    assert!(!hub.contains("/hub/review"), "no queue link for those who do not review");
    assert_eq!(app.get(&learner, "/hub/case-studies/not-an-id").await.status(), 404);
    let nobody = CaseStudyId::from_uuid(uuid::Uuid::new_v4());
    assert_eq!(app.get(&learner, &format!("/hub/case-studies/{nobody}")).await.status(), 404);
});

app_test!(bad_case_studies_get_clear_messages_and_change_nothing, |app| {
    let org = app.organisation("RX1", "riverside.example.org").await;
    let me = app.user("me@riverside.example.org", Some(org), None, &[]).await;
    let c = app.signed_in("me@riverside.example.org").await;
    let token = app.token(me).await;

    let r = app.post(&c, "/hub/case-studies/new", &fields(TITLE, "", "key-1")).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("There is a problem") && html.contains("Describe the outcomes"), "{html}");
    assert!(html.contains(TITLE), "what was typed is kept");
    let long_title = "t".repeat(201);
    let long_contact = "c".repeat(301);
    let mut bad = fields(&long_title, OUTCOMES, "key-2");
    bad.retain(|(k, _)| *k != "contact");
    bad.push(("contact", &long_contact));
    bad.retain(|(k, _)| *k != "tags");
    bad.push(("tags", "ok, <b>"));
    let r = app.post(&c, "/hub/case-studies/new", &bad).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Title must be 200 characters or fewer"), "{html}");
    assert!(html.contains("Contact must be 300 characters or fewer"));
    assert!(html.contains("is not a tag") && !html.contains("<b>"), "tags are explained and escaped");

    let r = api_post(
        app,
        &token,
        "/api/v1/case-studies",
        &serde_json::json!({
            "title": TITLE, "context": "A home care service short of carers in a market town.",
            "what_was_done": "Weekly rota planning with carers.", "outcomes": "", "contact": "Sam Jones"
        }),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "outcomes");
    let r = api_post(app, &token, "/api/v1/case-studies", &serde_json::json!({"title": 4})).await;
    assert_eq!(r.status(), 400);
    assert!(app.store.case_studies_submitted_by(me).await.unwrap().is_empty(), "nothing was stored");
    // The keys of refused forms stay free, so the corrected form goes through.
    let r = app.post(&c, "/hub/case-studies/new", &fields(TITLE, OUTCOMES, "key-1")).await;
    assert_eq!(r.status(), 303);
});

app_test!(a_case_study_posted_twice_is_submitted_once, |app| {
    let org = app.organisation("RX1", "riverside.example.org").await;
    let me = app.user("me@riverside.example.org", Some(org), None, &[]).await;
    let c = app.signed_in("me@riverside.example.org").await;
    let form = app.get(&c, "/hub/case-studies/new").await.text().await.unwrap();
    let key = hidden_value(&form, "submission").unwrap();
    let first = app.post(&c, "/hub/case-studies/new", &fields(TITLE, OUTCOMES, &key)).await;
    let second = app.post(&c, "/hub/case-studies/new", &fields(TITLE, OUTCOMES, &key)).await;
    assert_eq!((first.status().as_u16(), second.status().as_u16()), (303, 303));
    assert_eq!(first.headers()["location"], second.headers()["location"], "the second is shown the first");
    assert_eq!(app.store.case_studies_submitted_by(me).await.unwrap().len(), 1);
});

app_test!(the_api_submits_and_shows_case_studies_within_scope, |app| {
    let org = app.organisation("RX1", "riverside.example.org").await;
    let me = app.user("me@riverside.example.org", Some(org), None, &[]).await;
    let other = app.user("other@riverside.example.org", Some(org), None, &[]).await;
    let admin = app.user("admin@riverside.example.org", Some(org), None, &[org_admin(org)]).await;
    let (mine, theirs, admins) = (app.token(me).await, app.token(other).await, app.token(admin).await);
    assert_eq!(reqwest::get(app.url("/api/v1/case-studies")).await.unwrap().status(), 401);

    let r = api_post(
        app,
        &mine,
        "/api/v1/case-studies",
        &serde_json::json!({
            "title": TITLE,
            "context": "A home care service in a market town, short of carers.",
            "what_was_done": "Team leaders planned the rota with carers every week.",
            "outcomes": OUTCOMES,
            "contact": "Sam Jones, registered manager",
            "tags": ["Retention", "retention", "rotas"]
        }),
    )
    .await;
    assert_eq!(r.status(), 201);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "submitted");
    assert_eq!(body["organisation"], "RX1 Organisation");
    assert_eq!(body["tags"], serde_json::json!(["retention", "rotas"]));
    assert_eq!(location, format!("/api/v1/case-studies/{}", body["id"].as_str().unwrap()));

    assert_eq!(app.api_get(&mine, &location).await.status(), 200);
    assert_eq!(app.api_get(&theirs, &location).await.status(), 403);
    assert_eq!(app.api_get(&admins, &location).await.status(), 200, "a reviewer reads what is waiting");
    let missing = format!("/api/v1/case-studies/{}", uuid::Uuid::new_v4());
    assert_eq!(app.api_get(&mine, &missing).await.status(), 404);
    assert_eq!(app.api_get(&mine, "/api/v1/case-studies/nope").await.status(), 404);
    let list: serde_json::Value = app.api_get(&mine, "/api/v1/case-studies").await.json().await.unwrap();
    assert_eq!(list["total"], 0, "only published case studies are listed");
});

async fn resource(app: &TestApp, title: &str) -> ResourceId {
    let id = ResourceId::from_uuid(uuid::Uuid::new_v4());
    let fields = ResourceFields {
        title: Title::parse(title).unwrap(),
        summary: Summary::parse("How boards get assurance that care is safe, and what to ask.").unwrap(),
        kind: ResourceKind::Article,
        url: None,
        body: None,
        estimated: EstimatedMinutes::new(20).unwrap(),
        levels: vec![],
        sectors: vec![],
        behaviours: vec![],
        publisher: None,
        review_on: None,
    };
    app.store.create_resource(id, &fields, None, Timestamp::now()).await.unwrap();
    id
}

app_test!(topics_list_the_six_topics_and_gather_resources, |app| {
    let org = app.organisation("RX1", "riverside.example.org").await;
    app.user("learner@riverside.example.org", Some(org), None, &[]).await;
    let lead = RoleGrant { role: Role::ProgrammeLead, scope: RoleScope::Organisation(org) };
    app.user("lead@riverside.example.org", Some(org), None, &[lead]).await;
    let learner = app.signed_in("learner@riverside.example.org").await;
    let lead = app.signed_in("lead@riverside.example.org").await;
    let id = resource(app, "Board assurance explained").await;

    let hub = app.get(&learner, "/hub").await.text().await.unwrap();
    for title in [
        "Approaches to leadership",
        "Leadership for personalisation and integration",
        "Leadership roles and skills",
        "Organisational culture and the learning organisation",
        "Governance",
        "Training and development",
    ] {
        assert!(hub.contains(title), "{title} is missing from the hub");
    }
    assert!(hub.contains("href=\"/hub/topics/governance\""));
    assert_eq!(app.get(&learner, "/hub/topics/nothing-here").await.status(), 404);
    assert_eq!(app.get(&learner, "/hub/topics/Not%20a%20slug").await.status(), 404);

    let page = app.get(&learner, "/hub/topics/governance").await.text().await.unwrap();
    assert!(page.contains("No resources have been added") && !page.contains("Add a resource"));
    let add = "/hub/topics/governance/resources";
    assert_eq!(app.post(&learner, add, &[("resource", &id.to_string())]).await.status(), 403);

    let r = app.post(&lead, add, &[("resource", "leadership")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Enter a resource id"));
    let r = app.post(&lead, add, &[("resource", &uuid::Uuid::new_v4().to_string())]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("No resource in the catalogue has that id"));
    let r = app.post(&lead, add, &[("resource", &app.url(&format!("/learning/resources/{id}")))]).await;
    assert_eq!(r.status(), 303);
    let r = app.post(&lead, add, &[("resource", &id.to_string())]).await;
    assert_eq!(r.headers()["location"], "/hub/topics/governance?already=1");

    let page = app.get(&learner, "/hub/topics/governance").await.text().await.unwrap();
    assert!(page.contains(&format!("href=\"/learning/resources/{id}\"")) && page.contains("Board assurance explained"));
    assert!(app.get(&learner, "/hub").await.text().await.unwrap().contains("1 resource<"));

    let remove = format!("/hub/topics/governance/resources/{id}/remove");
    assert_eq!(app.post(&learner, &remove, &[]).await.status(), 403);
    assert_eq!(app.post(&lead, &remove, &[]).await.status(), 303);
    assert_eq!(app.post(&lead, &remove, &[]).await.status(), 404);
    let page = app.get(&learner, "/hub/topics/governance").await.text().await.unwrap();
    assert!(!page.contains("Board assurance explained"));
});
