//! HTTP tests for the portfolio: PDF and JSON exports, period filtering, share links (working
//! without sign-in, logged, revoked, expired) and the refusals, on both backends.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on any error it did not expect")]

mod support;

use domain::accounts::NewPassword;
use domain::ids::{EntryId, OrganisationId, PersonId, ShareId};
use domain::learning::{Activity, LearningKind, Reflection, TimeSpent, Title};
use domain::people::import::PersonRecord;
use domain::people::{Email, PersonName};
use domain::portfolio::{Period, Recipient};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use store::learning::EntryFields;
use store::portfolio::NewShare;
use support::{hidden_value, TestApp, PASSWORD};

/// A learner with a name that is not plain ASCII, signed up and confirmed.
async fn learner(app: &TestApp, email: &str, name: &str, org: Option<OrganisationId>) -> PersonId {
    let now = Timestamp::now();
    let record = PersonRecord {
        id: PersonId::from_uuid(uuid::Uuid::new_v4()),
        staff_number: None,
        name: PersonName::parse(name).unwrap(),
        email: Email::parse(email).unwrap(),
        job_title: None,
        profession: None,
        level: None,
        organisation: org,
        manager: None,
        start_date: None,
    };
    app.store.create_person(&record, now).await.unwrap();
    let hash = goldthread_web::hash_password(&NewPassword::parse(PASSWORD, None).unwrap());
    app.store.set_account(record.id, &hash, Some(now), now).await.unwrap();
    record.id
}

fn title(n: usize) -> String {
    format!("Entry {n:03}: shadowing the ward manager at Riverside")
}

/// A long reflection in several paragraphs, so that entries wrap across lines and pages.
fn long_reflection(n: usize) -> String {
    let para = "Siobhán showed how to hold a difficult conversation with compassion: listen first, name \
                what you heard, agree the next step together and write it down. ";
    format!("Reflection {n}.\n{}\n\n{}end-of-reflection-{n}", para.repeat(6), para.repeat(5))
}

/// Loads `count` entries, one a day back from 2026-06-30, every tenth with a long reflection.
async fn load(app: &TestApp, person: PersonId, count: usize) {
    let last = Date::constant(2026, 6, 30);
    let rows: Vec<_> = (0..count)
        .map(|n| {
            let on = last.checked_sub(jiff::Span::new().days(i64::try_from(n).unwrap())).unwrap();
            let learned = if n % 10 == 0 { long_reflection(n) } else { format!("Listening first, entry {n}") };
            let fields = EntryFields {
                title: Title::parse(&title(n)).unwrap(),
                activity: Activity::ALL[1 + n % (Activity::ALL.len() - 1)],
                kind: LearningKind::ALL[n % 3],
                occurred_on: on,
                time: TimeSpent::minutes(i64::try_from(15 + n % 200).unwrap()).unwrap(),
                reflection: Reflection::new(&learned, "In the morning huddle, with Zoë's team").unwrap(),
                behaviours: vec!["compassion".to_owned(), "curiosity".to_owned()],
                resource: None,
            };
            (EntryId::from_uuid(uuid::Uuid::new_v4()), person, fields, None)
        })
        .collect();
    app.store.load_entries(&rows, Timestamp::now()).await.unwrap();
}

/// All the text of a PDF, as a reader extracts it.
fn pdf_text(bytes: &[u8]) -> (usize, String) {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    (pages.len(), doc.extract_text(&pages).unwrap())
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

app_test!(a_pdf_of_200_entries_is_valid_and_holds_every_entry_in_full, |app| {
    let org = app.organisation("RX1", "riverside.nhs.uk").await;
    let me = learner(app, "zoe@riverside.nhs.uk", "Zoë Ødegård", Some(org)).await;
    load(app, me, 200).await;
    let c = app.signed_in("zoe@riverside.nhs.uk").await;

    let r = app.get(&c, "/portfolio.pdf").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let (pages, text) = pdf_text(&bytes);
    assert!(pages > 3, "a title page, a summary and pages of entries: {pages}");
    // Each page ends with its footer; a reflection running on to the next page reads on past it.
    let mut text = squash(&text);
    for page in 1..=pages {
        text = text.replace(
            &squash(&format!("Zoë Ødegård · Learning portfolio · The whole record Page {page} of {pages}")),
            "",
        );
    }
    assert!(text.contains(&squash("Zoë Ødegård")), "the name prints as written");
    assert!(text.contains(&squash("RX1 Organisation")));
    assert!(text.contains(&squash("200 entries")));
    for n in 0..200 {
        assert!(text.contains(&squash(&title(n))), "entry {n} is in the PDF");
    }
    for n in (0..200).step_by(10) {
        assert!(text.contains(&squash(&long_reflection(n))), "reflection {n} is whole");
    }
    assert!(text.contains(&squash("Learning from experience")) && text.contains(&squash("in the model")));

    // The same through the API, for the owner only.
    let token = app.token(me).await;
    let r = app.api_get(&token, &format!("/api/v1/people/{me}/portfolio.pdf")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let (_, text) = pdf_text(&r.bytes().await.unwrap());
    assert!(squash(&text).contains(&squash(&title(199))));
});

app_test!(the_json_export_holds_every_entry_and_periods_filter_it, |app| {
    let me = learner(app, "siobhan@riverside.nhs.uk", "Siobhán Ní Bhriain", None).await;
    load(app, me, 60).await;
    let c = app.signed_in("siobhan@riverside.nhs.uk").await;

    let r = app.get(&c, "/portfolio.json").await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["person"]["name"], "Siobhán Ní Bhriain");
    assert_eq!(body["entries"].as_array().unwrap().len(), 60);
    assert_eq!(body["summary"]["entries"], 60);
    assert_eq!(body["period"]["description"], "The whole record");
    let titles: Vec<&str> = body["entries"].as_array().unwrap().iter().map(|e| e["title"].as_str().unwrap()).collect();
    for n in 0..60 {
        assert!(titles.contains(&title(n).as_str()));
    }

    // 2026-06-01 to 2026-06-30 is entries 0 to 29.
    let r = app.get(&c, "/portfolio.json?from=2026-06-01&to=2026-06-30").await;
    let body: serde_json::Value = r.json().await.unwrap();
    let entries = body["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 30);
    assert!(entries.iter().all(|e| e["occurred_on"].as_str().unwrap().starts_with("2026-06")));
    assert_eq!(body["period"]["from"], "2026-06-01");
    let (_, text) = pdf_text(&app.get(&c, "/portfolio.pdf?from=2026-06-01&to=2026-06-30").await.bytes().await.unwrap());
    let text = squash(&text);
    assert!(text.contains(&squash(&title(29))) && !text.contains(&squash(&title(30))));

    // The API gives the same, to the owner only; anyone else is refused with a problem.
    let token = app.token(me).await;
    let r = app.api_get(&token, &format!("/api/v1/people/{me}/portfolio.json?from=2026-06-01")).await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["entries"].as_array().unwrap().len(), 30);
    let other = learner(app, "other@riverside.nhs.uk", "Other Person", None).await;
    let theirs = app.token(other).await;
    for path in [format!("/api/v1/people/{me}/portfolio.json"), format!("/api/v1/people/{me}/portfolio.pdf")] {
        let r = app.api_get(&theirs, &path).await;
        assert_eq!(r.status(), 403, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    let r = reqwest::Client::new().get(app.url(&format!("/api/v1/people/{me}/portfolio.json"))).send().await.unwrap();
    assert_eq!(r.status(), 401);
});

app_test!(bad_periods_and_share_forms_get_clear_messages_and_change_nothing, |app| {
    let me = learner(app, "zoe@riverside.nhs.uk", "Zoë Ødegård", None).await;
    load(app, me, 5).await;
    let c = app.signed_in("zoe@riverside.nhs.uk").await;

    for (query, message) in [
        ("from=2026-05-01&to=2026-04-01", "The start date must be the same as or before the end date"),
        ("from=31-31-2026", "Enter the start date as a real date"),
        ("to=tomorrow", "Enter the end date as a real date"),
    ] {
        for path in ["/portfolio.pdf", "/portfolio.json"] {
            let r = app.get(&c, &format!("{path}?{query}")).await;
            assert_eq!(r.status(), 422, "{path}?{query}");
            let html = r.text().await.unwrap();
            assert!(html.contains("There is a problem") && html.contains(message), "{html}");
        }
    }
    let token = app.token(me).await;
    let r = app.api_get(&token, &format!("/api/v1/people/{me}/portfolio.json?from=2026-05-01&to=2026-04-01")).await;
    assert_eq!(r.status(), 422);
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "to");

    let good = [("recipient", "Appraiser, Riverside Council"), ("days", "30")];
    for (field, value, message) in [
        ("days", "0", "The link must work for at least 1 day"),
        ("days", "400", "The link can work for 90 days at most"),
        ("days", "soon", "as a whole number from 1 to 90"),
        ("share_from", "2026-02-30", "Enter the start date as a real date"),
        ("recipient", " ", "Enter who the link is for"),
        ("recipient_email", "not-an-email", "Enter their email address in the correct format"),
    ] {
        let mut form: Vec<(&str, &str)> = good.iter().copied().filter(|(k, _)| *k != field).collect();
        form.push((field, value));
        let r = app.post(&c, "/portfolio/shares", &form).await;
        assert_eq!(r.status(), 422, "{field}={value}");
        let html = r.text().await.unwrap();
        assert!(html.contains(message), "{field}={value}: {html}");
        assert!(!html.contains("/shared/"), "no link is shown");
    }
    let r = app
        .post(
            &c,
            "/portfolio/shares",
            &[("recipient", "Appraiser"), ("days", "5"), ("share_from", "2026-06-01"), ("share_to", "2026-01-01")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("The start date must be the same as or before the end date"));
    assert!(app.store.shares_of(me).await.unwrap().is_empty(), "nothing was made");

    // Without the form's security token, nothing is made either.
    let r = c.post(app.url("/portfolio/shares")).form(&good).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(app.store.shares_of(me).await.unwrap().is_empty());
});

/// Makes a share link through the page and returns the link shown (once) to the learner.
async fn share(app: &TestApp, c: &reqwest::Client, fields: &[(&str, &str)]) -> String {
    let r = app.post(c, "/portfolio/shares", fields).await;
    assert_eq!(r.status(), 201);
    let html = r.text().await.unwrap();
    let start = html.find(&app.url("/shared/")).expect("the link is shown");
    html[start..].split('"').next().unwrap().to_owned()
}

app_test!(a_share_link_works_without_sign_in_logs_every_view_and_stops_at_once_when_revoked, |app| {
    let me = learner(app, "zoe@riverside.nhs.uk", "Zoë Ødegård", None).await;
    load(app, me, 40).await;
    let c = app.signed_in("zoe@riverside.nhs.uk").await;
    let link = share(
        app,
        &c,
        &[
            ("recipient", "Hiring manager, Northgate Care"),
            ("days", "14"),
            ("share_from", "2026-06-11"),
            ("share_to", ""),
        ],
    )
    .await;
    let token = link.rsplit('/').next().unwrap().to_owned();
    assert_eq!(token.len(), 64);
    let shares = app.store.shares_of(me).await.unwrap();
    assert_eq!(shares.len(), 1);
    assert_ne!(goldthread_web::auth::hash_secret(&token), token);
    assert!(app.store.share_by_token_hash(&token).await.unwrap().is_none(), "the secret itself is not stored");

    // Anyone with the link sees the shared period, read-only, without signing in.
    let stranger = app.client();
    let path = format!("/shared/{token}");
    let r = app.get(&stranger, &path).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    let html = r.text().await.unwrap();
    assert!(html.contains("Zoë Ødegård") && html.contains(&title(19)), "entries from 11 June are shown");
    assert!(!html.contains(&title(20)), "earlier entries are not shared");
    assert!(!html.contains("<form action=\"/portfolio"), "nothing to change");
    let r = app.get(&stranger, &format!("{path}/portfolio.pdf")).await;
    assert_eq!(r.status(), 200);
    let (_, text) = pdf_text(&r.bytes().await.unwrap());
    assert!(squash(&text).contains(&squash(&title(0))));
    assert_eq!(app.get(&stranger, &path).await.status(), 200);

    // Every view is logged and shown to the learner.
    assert_eq!(app.store.share_views(shares[0].id).await.unwrap().len(), 3);
    let page = app.get(&c, "/portfolio").await.text().await.unwrap();
    assert!(page.contains("Hiring manager, Northgate Care") && page.contains("Downloaded the PDF"), "{page}");
    assert_eq!(page.matches("Viewed the web page").count(), 2);
    assert!(!page.contains(&token), "the link is shown only once");

    // Someone else cannot revoke it.
    learner(app, "other@riverside.nhs.uk", "Other Person", None).await;
    let other = app.signed_in("other@riverside.nhs.uk").await;
    let revoke = format!("/portfolio/shares/{}/revoke", shares[0].id);
    assert_eq!(app.post(&other, &revoke, &[]).await.status(), 404);
    assert_eq!(app.get(&stranger, &path).await.status(), 200);

    // Its owner can, and the very next request is refused.
    let r = app.post(&c, &revoke, &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/portfolio?revoked=1");
    let r = app.get(&stranger, &path).await;
    assert_eq!(r.status(), 410);
    let html = r.text().await.unwrap();
    assert!(html.contains("This link has been revoked") && html.contains("nhsuk-header"), "{html}");
    assert!(!html.contains(&title(0)));
    assert_eq!(app.get(&stranger, &format!("{path}/portfolio.pdf")).await.status(), 410);
    assert_eq!(app.store.share_views(shares[0].id).await.unwrap().len(), 4, "refused views are not logged");
    let page = app.get(&c, "/portfolio?revoked=1").await.text().await.unwrap();
    assert!(page.contains("Revoked") && page.contains("it stopped working at once"));

    // A link that never existed is refused too.
    let r = app.get(&stranger, &format!("/shared/{}", "0".repeat(64))).await;
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("This link does not work"));
});

app_test!(an_expired_link_is_refused, |app| {
    let me = learner(app, "zoe@riverside.nhs.uk", "Zoë Ødegård", None).await;
    load(app, me, 3).await;
    let token = goldthread_web::auth::new_secret();
    let made = Timestamp::now() - SignedDuration::from_hours(48);
    let share = NewShare {
        id: ShareId::from_uuid(uuid::Uuid::new_v4()),
        person: me,
        token_hash: goldthread_web::auth::hash_secret(&token),
        recipient: Recipient::parse("Appraiser").unwrap(),
        recipient_email: None,
        period: Period::ALL,
        expires_at: made + SignedDuration::from_hours(24),
    };
    app.store.create_share(&share, made).await.unwrap();
    let stranger = app.client();
    for path in [format!("/shared/{token}"), format!("/shared/{token}/portfolio.pdf")] {
        let r = app.get(&stranger, &path).await;
        assert_eq!(r.status(), 410);
        assert!(r.text().await.unwrap().contains("This link has expired"));
    }
    assert!(app.store.share_views(share.id).await.unwrap().is_empty());
    let c = app.signed_in("zoe@riverside.nhs.uk").await;
    let page = app.get(&c, "/portfolio").await.text().await.unwrap();
    assert!(page.contains("Expired") && !page.contains("/revoke"), "an expired link has nothing to revoke");
});

app_test!(a_share_form_posted_twice_makes_one_link, |app| {
    let me = learner(app, "zoe@riverside.nhs.uk", "Zoë Ødegård", None).await;
    let c = app.signed_in("zoe@riverside.nhs.uk").await;
    let html = app.get(&c, "/portfolio").await.text().await.unwrap();
    let submission = hidden_value(&html, "submission").unwrap();
    let form = [("recipient", "Appraiser"), ("days", "30"), ("submission", submission.as_str())];
    assert_eq!(app.post(&c, "/portfolio/shares", &form).await.status(), 201);
    let r = app.post(&c, "/portfolio/shares", &form).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/portfolio?already=1");
    assert_eq!(app.store.shares_of(me).await.unwrap().len(), 1);
    // Signed out, the page asks for sign-in.
    assert_eq!(app.get(&app.client(), "/portfolio").await.status(), 303);
});
