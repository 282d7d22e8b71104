//! HTTP tests for frameworks, self-assessment, 360° feedback and the plan, on both backends: a
//! whole 360 through the pages, the refusals the issue names, and proof that nobody (an admin
//! included) can learn how a named rater answered.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on any error it did not expect")]

mod support;

use domain::frameworks::{shipped, Format, Invitation, InvitationId, Rater, RaterGroup};
use domain::ids::ResourceId;
use domain::learning::{EstimatedMinutes, ResourceKind, Summary, Title};
use domain::people::{Email, Role, RoleGrant, RoleScope};
use jiff::{SignedDuration, Timestamp};
use store::frameworks::{FeedbackId, NewFeedback, NewInvitation};
use store::learning::ResourceFields;
use support::{MailCatcher, TestApp};

fn system_admin() -> RoleGrant {
    RoleGrant { role: Role::SystemAdmin, scope: RoleScope::System }
}

/// Every behaviour of a shipped framework rated `value`, every domain's importance `importance`.
fn ratings(framework: &str, value: u8, importance: u8) -> Vec<(String, String)> {
    let f = shipped::frameworks().into_iter().find(|f| f.id().as_str() == framework).unwrap();
    let mut out: Vec<(String, String)> =
        f.behaviours().map(|(_, b)| (format!("r.{}", b.id), value.to_string())).collect();
    out.extend(f.domains().iter().map(|d| (format!("i.{}", d.id), importance.to_string())));
    out
}

async fn post_pairs(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post(client, path, &pairs).await
}

fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").unwrap().to_str().unwrap().to_owned()
}

async fn invite(app: &TestApp, c: &reqwest::Client, feedback: &str, group: &str, email: &str) -> reqwest::Response {
    app.post(c, &format!("{feedback}/invitations"), &[("group", group), ("email", email)]).await
}

/// A resource tagged against every behaviour of the leadership way, for recommendations.
async fn tagged_resource(app: &TestApp) -> ResourceId {
    let f = shipped::frameworks().into_iter().next().unwrap();
    let fields = ResourceFields {
        title: Title::parse("Compassionate conversations").unwrap(),
        summary: Summary::parse("Listening first, then acting to help.").unwrap(),
        kind: ResourceKind::Video,
        url: Some("https://example.org/compassion".to_owned()),
        body: None,
        estimated: EstimatedMinutes::new(15).unwrap(),
        levels: vec![],
        sectors: vec![],
        behaviours: f.behaviours().map(|(_, b)| f.behaviour_ref(b).to_string()).collect(),
        publisher: None,
        review_on: None,
    };
    let id = ResourceId::from_uuid(uuid::Uuid::new_v4());
    app.store.create_resource(id, &fields, None, Timestamp::now()).await.unwrap();
    id
}

app_test!(a_whole_360_reports_by_pool_and_never_by_rater, |app| {
    let org = app.organisation("RX1", "trust.nhs.uk").await;
    let manager = app.user("manager@trust.nhs.uk", Some(org), None, &[]).await;
    let subject = app.user("subject@trust.nhs.uk", Some(org), Some(manager), &[]).await;
    app.user("peer1@trust.nhs.uk", Some(org), None, &[]).await;
    app.user("peer2@trust.nhs.uk", Some(org), None, &[]).await;
    app.user("report1@trust.nhs.uk", Some(org), Some(subject), &[]).await;
    app.user("report2@trust.nhs.uk", Some(org), Some(subject), &[]).await;
    app.user("admin@trust.nhs.uk", Some(org), None, &[system_admin()]).await;
    tagged_resource(app).await;

    let s = app.signed_in("subject@trust.nhs.uk").await;
    let r = app.post(&s, "/feedback", &[("framework", "leadership-way")]).await;
    assert_eq!(r.status(), 303);
    let feedback = location(&r);

    // Bad invitations change nothing.
    let r = invite(app, &s, &feedback, "peer", "subject@trust.nhs.uk").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("You cannot invite the person the 360 is about"));
    let r = invite(app, &s, &feedback, "line-manager", "peer1@trust.nhs.uk").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Only the line manager"));
    let r = app.post(&s, &format!("{feedback}/close"), &[]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("nothing to report"));

    for (group, email) in [
        ("line-manager", "manager@trust.nhs.uk"),
        ("peer", "peer1@trust.nhs.uk"),
        ("peer", "peer2@trust.nhs.uk"),
        ("direct-report", "report1@trust.nhs.uk"),
        ("direct-report", "report2@trust.nhs.uk"),
        ("other", "friend@elsewhere.org"),
    ] {
        let r = invite(app, &s, &feedback, group, email).await;
        assert_eq!(r.status(), 200, "{email}");
    }
    let r = invite(app, &s, &feedback, "peer", "peer1@trust.nhs.uk").await;
    assert!(r.text().await.unwrap().contains("already invited"));

    // Each rater answers; the manager rates 4, peers 2, reports 5, the outsider 3.
    for (email, value) in [
        ("manager@trust.nhs.uk", 4),
        ("peer1@trust.nhs.uk", 2),
        ("peer2@trust.nhs.uk", 2),
        ("report1@trust.nhs.uk", 5),
        ("report2@trust.nhs.uk", 5),
    ] {
        let mail = app.mail.last_to(email).await;
        let link = MailCatcher::link(&mail, &app.url("/feedback/invitations/"));
        let path = link.trim_start_matches(&app.base).to_owned();
        let c = app.signed_in(email).await;
        let page = app.get(&c, &path).await;
        assert_eq!(page.status(), 200);
        let mut fields = ratings("leadership-way", value, 3);
        fields.push(("comment".to_owned(), format!("Comment from {email}")));
        let r = post_pairs(app, &c, &path, &fields).await;
        assert_eq!(r.status(), 200, "{email}");
        let again = post_pairs(app, &c, &path, &fields).await;
        assert_eq!(again.status(), 410, "an invitation is answered once");
        // Someone else cannot use another's invitation.
        let other = app.signed_in("admin@trust.nhs.uk").await;
        assert_eq!(app.get(&other, &path).await.status(), 404);
    }
    let mail = app.mail.last_to("friend@elsewhere.org").await;
    let link = MailCatcher::link(&mail, &app.url("/rate/"));
    let path = link.trim_start_matches(&app.base).to_owned();
    let outsider = app.client();
    assert_eq!(app.get(&outsider, &path).await.status(), 200, "no account needed");
    let bad = post_pairs(app, &outsider, &path, &[("r.listening-with-care".to_owned(), "9".to_owned())]).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("Choose one of the scale"));
    let r = post_pairs(app, &outsider, &path, &ratings("leadership-way", 3, 2)).await;
    assert_eq!(r.status(), 200);
    let used = post_pairs(app, &outsider, &path, &ratings("leadership-way", 1, 1)).await;
    assert_eq!(used.status(), 410, "a link is single-use");
    assert!(used.text().await.unwrap().contains("already been given"));

    // The subject's page names the raters but not who answered.
    let page = app.get(&s, &feedback).await.text().await.unwrap();
    assert!(page.contains("Person peer1"));
    assert!(!page.contains("Answered"), "no per-rater answered state");

    let r = app.post(&s, &format!("{feedback}/close"), &[]).await;
    assert_eq!(r.status(), 303);
    // Answers after the close are refused: the subject's own, never given.
    let report_path = format!("{feedback}/report");
    let report = app.get(&s, &report_path).await;
    assert_eq!(report.status(), 200);
    let html = report.text().await.unwrap();
    assert!(html.contains("Line manager"));
    assert!(html.contains("4.0"), "the manager's answers are shown as the manager's");
    assert!(!html.contains(">Peers<"), "two peers are folded into others");
    assert!(html.contains(">Others<"));
    assert!(html.contains("3.4"), "others: two peers at 2, two reports at 5 and the outsider at 3");
    assert!(html.contains("Comment from peer1@trust.nhs.uk"), "comments are shown");
    assert!(!html.contains("Person peer1") && !html.contains("Person report1"), "but never with a name");
    assert!(html.contains("<svg"), "charts are drawn");
    assert!(html.contains("Add to your plan"));

    let mail = app.mail.last_to("subject@trust.nhs.uk").await;
    assert!(mail.contains("report is ready"), "the subject is told: {mail}");
    let csv = app.get(&s, &format!("{report_path}.csv")).await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("measure,id,name,group,value,count\r\n"));
    assert!(csv.contains("rating,listening-with-care,Listening with care,Line manager,4.00,1"));
    assert!(csv.contains("rating,listening-with-care,Listening with care,Others,3.40,5"));
    assert!(!csv.contains(",Peers,"), "the export folds peers as the page does");
    assert!(csv.contains("Comment from peer1@trust.nhs.uk"), "comments, unattributed");
    assert!(!csv.contains("Person peer1") && !csv.contains(&subject.to_string()), "no names or ids in the export");

    // Nobody else can read the report, its export or the 360's page: not the manager, a rater, or
    // an admin.
    for email in ["manager@trust.nhs.uk", "peer1@trust.nhs.uk", "admin@trust.nhs.uk"] {
        let c = app.signed_in(email).await;
        assert_eq!(app.get(&c, &report_path).await.status(), 404, "{email}");
        assert_eq!(app.get(&c, &format!("{report_path}.csv")).await.status(), 404, "{email}");
        assert_eq!(app.get(&c, &feedback).await.status(), 404, "{email}");
    }
    let late = post_pairs(app, &app.client(), &path, &ratings("leadership-way", 1, 1)).await;
    assert_eq!(late.status(), 410);
    let r = invite(app, &s, &feedback, "peer", "someone@trust.nhs.uk").await;
    assert!(r.text().await.unwrap().contains("has closed"));

    // The subject adds a recommendation to their plan.
    let title = "Compassionate conversations";
    let start = html.find("name=\"behaviours\" value=\"").unwrap() + "name=\"behaviours\" value=\"".len();
    let behaviours = html[start..].split('"').next().unwrap().to_owned();
    let start = html.find("name=\"resource\" value=\"").unwrap() + "name=\"resource\" value=\"".len();
    let resource = html[start..].split('"').next().unwrap().to_owned();
    let target = (jiff::Zoned::now().date() + jiff::Span::new().days(30)).to_string();
    let r = app
        .post(
            &s,
            "/plan/goals",
            &[("title", title), ("target", &target), ("behaviours", &behaviours), ("resource", &resource)],
        )
        .await;
    assert_eq!(r.status(), 200);
    let plan = r.text().await.unwrap();
    assert!(plan.contains("was added to your plan"));
    assert!(plan.contains("<td class=\"nhsuk-table__cell\">Compassionate conversations</td>"));

    // The line manager sees the plan and comments; a peer cannot.
    let m = app.signed_in("manager@trust.nhs.uk").await;
    let plan_path = format!("/people/{subject}/plan");
    assert_eq!(app.get(&m, &plan_path).await.status(), 200);
    let r = app.post(&m, &format!("{plan_path}/comments"), &[("comment", "A good place to start")]).await;
    assert_eq!(r.status(), 303);
    assert!(app.get(&s, "/plan").await.text().await.unwrap().contains("A good place to start"));
    let p = app.signed_in("peer1@trust.nhs.uk").await;
    assert_eq!(app.get(&p, &plan_path).await.status(), 404);
});

app_test!(an_expired_link_is_refused_and_changes_nothing, |app| {
    let subject = app.user("subject@example.org", None, None, &[]).await;
    let f = app.store.framework("four-way-focus").await.unwrap().unwrap();
    let id = FeedbackId::from_uuid(uuid::Uuid::new_v4());
    let secret = "an-expired-secret";
    let new = NewFeedback {
        id,
        subject,
        started_by: subject,
        facilitator: None,
        framework: f.id().clone(),
        version: f.version().to_owned(),
    };
    let invitation = NewInvitation {
        invitation: Invitation {
            id: InvitationId::from_uuid(uuid::Uuid::new_v4()),
            group: RaterGroup::Other,
            rater: Rater::Outside(Email::parse("late@elsewhere.org").unwrap()),
        },
        token_hash: Some(goldthread_web::auth::hash_secret(secret)),
        expires_at: Some(Timestamp::now() - SignedDuration::from_hours(1)),
    };
    app.store.create_feedback(&new, &[invitation], Timestamp::now()).await.unwrap();
    let c = app.client();
    let r = app.get(&c, &format!("/rate/{secret}")).await;
    assert_eq!(r.status(), 410);
    assert!(r.text().await.unwrap().contains("This link has expired"));
    let r = post_pairs(app, &c, &format!("/rate/{secret}"), &ratings("four-way-focus", 3, 3)).await;
    assert_eq!(r.status(), 410);
    assert_eq!(app.store.feedback(id).await.unwrap().unwrap().answered, 0);
    assert_eq!(app.get(&c, "/rate/not-a-link").await.status(), 404);
});

async fn upload(app: &TestApp, c: &reqwest::Client, kind: &str, name: &str, text: &str) -> reqwest::Response {
    let csrf = app.csrf(c).await;
    let form = reqwest::multipart::Form::new()
        .text("kind", kind.to_owned())
        .part("file", reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name(name.to_owned()));
    c.post(app.url(&format!("/frameworks/import?csrf={csrf}"))).multipart(form).send().await.unwrap()
}

const BROKEN: &str = r#"
id: broken-way
name: A broken way
version: "1"
publisher: Test
domains:
  - id: care
    name: Care
    behaviours:
      - { id: listening, name: Listening, question: Do I listen? }
      - { id: listening, name: Listening again, question: Do I listen again? }
"#;

app_test!(framework_files_import_whole_or_not_at_all_and_round_trip, |app| {
    app.user("admin@example.org", None, None, &[system_admin()]).await;
    app.user("learner@example.org", None, None, &[]).await;
    let a = app.signed_in("admin@example.org").await;
    let r = upload(app, &a, "framework", "broken.yaml", BROKEN).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("scale: missing"), "{html}");
    assert!(html.contains("domains[0].behaviours[1].id: duplicated behaviour id"), "{html}");
    assert_eq!(app.store.frameworks().await.unwrap().len(), 3, "nothing was imported");

    let walk = "crosswalks:\n  - from: leadership-way:listening-with-care\n    to: [healthcare-leadership:no-such-behaviour]\n";
    let r = upload(app, &a, "crosswalks", "walk.yaml", walk).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("crosswalks[0].to[0]"));

    // Each shipped framework exports and imports back unchanged, in both formats.
    for f in shipped::frameworks() {
        for (format, ext) in [(Format::Yaml, "yaml"), (Format::Json, "json")] {
            let r = app.get(&a, &format!("/frameworks/{}/export?format={ext}", f.id())).await;
            assert_eq!(r.status(), 200);
            let text = r.text().await.unwrap();
            assert_eq!(text, domain::frameworks::export_framework(&f, format));
            let r = upload(app, &a, "framework", &format!("{}.{ext}", f.id()), &text).await;
            assert_eq!(r.status(), 200);
            assert!(r.text().await.unwrap().contains("exactly the same: nothing changed"));
        }
    }
    let changed = BROKEN
        .replace("- { id: listening, name: Listening again", "- { id: noticing, name: Noticing")
        .replace("domains:", "scale:\n  - { value: 1, label: Rarely }\n  - { value: 2, label: Often }\ndomains:");
    let r = upload(app, &a, "framework", "fixed.yml", &changed).await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.store.frameworks().await.unwrap().len(), 4);
    assert_eq!(app.get(&a, "/frameworks/broken-way").await.status(), 200);

    let l = app.signed_in("learner@example.org").await;
    assert_eq!(upload(app, &l, "framework", "fixed.yml", &changed).await.status(), 403);
    assert_eq!(app.get(&l, "/frameworks").await.status(), 200);
});

/// One learning-record entry of `person`'s, titled `title`.
async fn entry(app: &TestApp, person: domain::ids::PersonId, title: &str) -> domain::ids::EntryId {
    let id = domain::ids::EntryId::from_uuid(uuid::Uuid::new_v4());
    let fields = store::learning::EntryFields {
        title: Title::parse(title).unwrap(),
        activity: domain::learning::Activity::Shadowing,
        kind: domain::learning::LearningKind::Experience,
        occurred_on: jiff::civil::date(2026, 5, 1),
        time: domain::learning::TimeSpent::minutes(60).unwrap(),
        reflection: domain::learning::Reflection::new("Asking before telling", "In supervision").unwrap(),
        behaviours: vec![],
        resource: None,
    };
    app.store.load_entries(&[(id, person, fields, None)], Timestamp::now()).await.unwrap();
    id
}

app_test!(a_self_assessment_is_saved_finished_and_compared, |app| {
    let boss = app.user("boss@example.org", None, None, &[]).await;
    let me = app.user("me@example.org", None, Some(boss), &[]).await;
    let someone = app.user("someone@example.org", None, None, &[]).await;
    let mine = entry(app, me, "Shadowing the ward manager").await;
    let theirs = entry(app, someone, "Someone else's secret entry").await;
    let c = app.signed_in("me@example.org").await;
    let mut ids = Vec::new();
    for value in [1, 3] {
        let r = app.post(&c, "/assessments", &[("framework", "four-way-focus")]).await;
        assert_eq!(r.status(), 303);
        let path = location(&r);
        let mut fields =
            vec![("r.knowing-myself".to_owned(), value.to_string()), ("action".to_owned(), "save".to_owned())];
        fields.push(("n.knowing-myself".to_owned(), "I keep a journal".to_owned()));
        assert_eq!(post_pairs(app, &c, &path, &fields).await.status(), 303);
        let page = app.get(&c, &path).await.text().await.unwrap();
        assert!(page.contains("I keep a journal"), "a draft keeps what was saved");
        fields.retain(|(k, _)| k != "action");
        fields.push(("action".to_owned(), "finish".to_owned()));
        let r = post_pairs(app, &c, &path, &fields).await;
        assert_eq!(r.status(), 422, "finishing needs every behaviour rated");
        let mut all = ratings("four-way-focus", value, 3);
        all.retain(|(k, _)| k.starts_with("r."));
        all.push(("e.knowing-myself".to_owned(), mine.to_string()));
        all.push(("e.knowing-myself".to_owned(), theirs.to_string()));
        all.push(("action".to_owned(), "finish".to_owned()));
        assert_eq!(post_pairs(app, &c, &path, &all).await.status(), 303);
        ids.push(path);
    }
    let page = app.get(&c, &ids[1]).await.text().await.unwrap();
    assert!(page.contains("How your ratings moved"));
    assert!(page.contains(">Up<"));
    assert!(page.contains(&format!("<a href=\"/record/{mine}\">Shadowing the ward manager</a>")), "evidence is linked");
    assert!(!page.contains("secret entry"), "only the person's own entries count as evidence");
    app.user("other@example.org", None, None, &[]).await;
    let o = app.signed_in("other@example.org").await;
    assert_eq!(app.get(&o, &ids[1]).await.status(), 404, "a self-assessment is its owner's alone");
    assert!(app.get(&c, "/plan").await.text().await.unwrap().contains("Recommended for you"));
    // Shared, it is shown to the line manager from the plan; unshared, it is not.
    let r = app.post(&c, &format!("{}/share", ids[1]), &[("shared", "yes")]).await;
    assert_eq!(r.status(), 303);
    let plan = app.get(&o, &format!("/people/{me}/plan")).await;
    assert_eq!(plan.status(), 404, "someone who is not the line manager sees no plan");
    let b = app.signed_in("boss@example.org").await;
    let plan = app.get(&b, &format!("/people/{me}/plan")).await.text().await.unwrap();
    assert!(plan.contains(&format!("href=\"{}\">Shared self-assessment", ids[1])));
    assert!(!plan.contains(&ids[0]), "an unshared assessment is not listed");
    assert_eq!(app.get(&b, &ids[1]).await.status(), 200);
    assert_eq!(app.get(&b, &ids[0]).await.status(), 404);
});

async fn api_post(app: &TestApp, token: &str, path: &str, body: serde_json::Value) -> reqwest::Response {
    reqwest::Client::new().post(app.url(path)).bearer_auth(token).json(&body).send().await.unwrap()
}

app_test!(the_api_keeps_the_pages_rules_and_never_names_a_rater, |app| {
    let manager = app.user("boss@example.org", None, None, &[]).await;
    let subject = app.user("me@example.org", None, Some(manager), &[]).await;
    let peers = [
        app.user("p1@example.org", None, None, &[]).await,
        app.user("p2@example.org", None, None, &[]).await,
        app.user("p3@example.org", None, None, &[]).await,
    ];
    let admin = app.user("admin@example.org", None, None, &[system_admin()]).await;
    let me = app.token(subject).await;
    let boss = app.token(manager).await;
    let root = app.token(admin).await;

    let list: serde_json::Value = app.api_get(&me, "/api/v1/frameworks").await.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 3);
    let one: serde_json::Value = app.api_get(&me, "/api/v1/frameworks/leadership-way").await.json().await.unwrap();
    assert_eq!(one["domains"].as_array().unwrap().len(), 6);
    let yaml = app.api_get(&me, "/api/v1/frameworks/leadership-way/export").await.text().await.unwrap();
    assert_eq!(yaml, domain::frameworks::export_framework(&shipped::frameworks()[0], Format::Yaml));

    let r = api_post(app, &me, "/api/v1/feedback", serde_json::json!({ "framework": "leadership-way" })).await;
    assert_eq!(r.status(), 201);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let invitations = format!("/api/v1/feedback/{id}/invitations");
    let r = api_post(app, &me, &invitations, serde_json::json!({ "group": "peer", "email": "me@example.org" })).await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["errors"][0]["field"], "email");
    for (group, email) in [
        ("line-manager", "boss@example.org"),
        ("peer", "p1@example.org"),
        ("peer", "p2@example.org"),
        ("peer", "p3@example.org"),
    ] {
        let r = api_post(app, &me, &invitations, serde_json::json!({ "group": group, "email": email })).await;
        assert_eq!(r.status(), 201, "{email}");
        assert!(r.json::<serde_json::Value>().await.unwrap()["link"].is_null(), "people in goldthread need no link");
    }
    let r = api_post(app, &me, &invitations, serde_json::json!({ "group": "other", "email": "x@elsewhere.org" })).await;
    assert!(r.json::<serde_json::Value>().await.unwrap()["link"].as_str().unwrap().contains("/rate/"));
    let r = api_post(app, &me, &format!("/api/v1/feedback/{id}/close"), serde_json::json!({})).await;
    assert_eq!(r.status(), 422, "nothing to report yet");

    // Reminders go only a day after an invitation.
    let s = app.signed_in("me@example.org").await;
    let r = app.post(&s, &format!("/feedback/{id}/remind"), &[]).await;
    assert!(r.text().await.unwrap().contains("Nobody needed a reminder"));
    let r = api_post(app, &me, &format!("/api/v1/feedback/{id}/reminders"), serde_json::json!({})).await;
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["reminded"], 0);
    let r = api_post(app, &boss, &format!("/api/v1/feedback/{id}/reminders"), serde_json::json!({})).await;
    assert_eq!(r.status(), 404, "a rater does not administer the 360");

    for (email, value) in [("boss@example.org", 2), ("p1@example.org", 3), ("p2@example.org", 4), ("p3@example.org", 5)]
    {
        let mail = app.mail.last_to(email).await;
        let link = MailCatcher::link(&mail, &app.url("/feedback/invitations/"));
        let c = app.signed_in(email).await;
        let r = post_pairs(app, &c, link.trim_start_matches(&app.base), &ratings("leadership-way", value, 3)).await;
        assert_eq!(r.status(), 200);
    }
    let r = api_post(app, &me, &format!("/api/v1/feedback/{id}/close"), serde_json::json!({})).await;
    assert_eq!(r.status(), 200);
    let r = api_post(app, &me, &format!("/api/v1/feedback/{id}/close"), serde_json::json!({})).await;
    assert_eq!(r.status(), 409, "a 360 is reported once");
    let r = api_post(app, &me, &format!("/api/v1/feedback/{id}/reminders"), serde_json::json!({})).await;
    assert_eq!(r.status(), 409, "a closed 360 has nobody to remind");

    let report = app.api_get(&me, &format!("/api/v1/feedback/{id}/report")).await;
    assert_eq!(report.status(), 200);
    let text = report.text().await.unwrap();
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    let pools: Vec<(String, Option<u64>)> = body["pools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["source"].as_str().unwrap().to_owned(), p["answered"].as_u64()))
        .collect();
    assert!(pools.contains(&("peers".to_owned(), Some(3))), "three peers invited make a pool: {pools:?}");
    assert!(pools.contains(&("others".to_owned(), None)), "the outsider did not answer: withheld");
    let first = &body["behaviours"][0]["figures"];
    assert!(first.as_array().unwrap().iter().any(|f| f["source"] == "line-manager" && f["mean"] == 2.0));
    for p in peers {
        assert!(!text.contains(&p.to_string()), "no rater's id is in the report");
    }
    assert!(!text.contains("p1@example.org"));

    // Nobody else reaches the report or the 360: not the manager who rated, not an admin.
    for token in [&boss, &root] {
        assert_eq!(app.api_get(token, &format!("/api/v1/feedback/{id}/report")).await.status(), 404);
        assert_eq!(app.api_get(token, &format!("/api/v1/feedback/{id}")).await.status(), 404);
        let mine: serde_json::Value = app.api_get(token, "/api/v1/feedback").await.json().await.unwrap();
        assert!(mine.as_array().unwrap().is_empty());
    }
    assert_eq!(app.api_get(&root, &format!("/api/v1/people/{subject}/assessments")).await.status(), 403);
    assert_eq!(app.api_get(&me, &format!("/api/v1/people/{subject}/assessments")).await.status(), 200);
    assert_eq!(app.api_get(&boss, &format!("/api/v1/people/{subject}/plan")).await.status(), 200);
    assert_eq!(app.api_get(&root, &format!("/api/v1/people/{subject}/plan")).await.status(), 404);
});

app_test!(a_team_heatmap_shows_only_figures_over_three_people, |app| {
    let boss = app.user("boss@example.org", None, None, &[]).await;
    for n in 1..=3 {
        let email = format!("r{n}@example.org");
        app.user(&email, None, Some(boss), &[]).await;
        if n == 3 {
            // The third finishes only after the first look.
            continue;
        }
        finish_assessment(app, &email, 2 + n as u8).await;
    }
    let b = app.signed_in("boss@example.org").await;
    let page = app.get(&b, "/team/heatmap?framework=four-way-focus").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("2 of your team have finished"));
    assert!(!html.contains("3.5"), "two people's average is withheld");
    assert!(html.contains("Withheld"));
    finish_assessment(app, "r3@example.org", 1).await;
    let html = app.get(&b, "/team/heatmap?framework=four-way-focus").await.text().await.unwrap();
    assert!(html.contains("<td class=\"nhsuk-table__cell\">2.7</td>"), "(3 + 4 + 1) / 3");
    let r = app.signed_in("r1@example.org").await;
    assert_eq!(app.get(&r, "/team/heatmap").await.status(), 403, "only line managers");
});

/// Signs in as `email` and finishes a self-assessment of the four-way focus, every behaviour `value`.
async fn finish_assessment(app: &TestApp, email: &str, value: u8) {
    let c = app.signed_in(email).await;
    let r = app.post(&c, "/assessments", &[("framework", "four-way-focus")]).await;
    let path = location(&r);
    let mut all = ratings("four-way-focus", value, 3);
    all.retain(|(k, _)| k.starts_with("r."));
    all.push(("action".to_owned(), "finish".to_owned()));
    assert_eq!(post_pairs(app, &c, &path, &all).await.status(), 303);
}

app_test!(a_manager_starts_a_360_for_a_report_but_only_the_report_and_facilitator_read_it, |app| {
    let boss = app.user("boss@example.org", None, None, &[]).await;
    app.user("report@example.org", None, Some(boss), &[]).await;
    let coach = app.user("coach@example.org", None, None, &[]).await;
    for n in 1..=3 {
        app.user(&format!("peer{n}@example.org"), None, None, &[]).await;
    }
    let report = app.store.person_by_email(&Email::parse("report@example.org").unwrap()).await.unwrap().unwrap();
    let b = app.signed_in("boss@example.org").await;
    let r = app
        .post(
            &b,
            "/feedback",
            &[
                ("framework", "four-way-focus"),
                ("subject", &report.id.to_string()),
                ("facilitator", "coach@example.org"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let feedback = location(&r);
    for n in 1..=3 {
        let r = invite(app, &b, &feedback, "peer", &format!("peer{n}@example.org")).await;
        assert_eq!(r.status(), 200);
    }
    let c = app.signed_in("coach@example.org").await;
    let page = app.get(&c, &feedback).await;
    assert_eq!(page.status(), 200, "the facilitator sees the 360");
    assert!(!page.text().await.unwrap().contains("Person peer1"), "but not whom it invited");
    for n in 1..=3 {
        let email = format!("peer{n}@example.org");
        let mail = app.mail.last_to(&email).await;
        let link = MailCatcher::link(&mail, &app.url("/feedback/invitations/"));
        let p = app.signed_in(&email).await;
        let r = post_pairs(app, &p, link.trim_start_matches(&app.base), &ratings("four-way-focus", 1 + n, 3)).await;
        assert_eq!(r.status(), 200);
    }
    assert_eq!(app.post(&b, &format!("{feedback}/close"), &[]).await.status(), 303);
    let report_path = format!("{feedback}/report");
    assert_eq!(app.get(&b, &report_path).await.status(), 404, "the manager who started it does not read it");
    let html = app.get(&c, &report_path).await.text().await.unwrap();
    assert!(html.contains(">Peers<"), "three peers invited make their own group");
    assert!(html.contains("3.0"), "(2 + 3 + 4) / 3");
    let r = app.signed_in("report@example.org").await;
    assert_eq!(app.get(&r, &report_path).await.status(), 200);
    assert!(app.mail.last_to("coach@example.org").await.contains("report is ready"));
    let _ = coach;
});
