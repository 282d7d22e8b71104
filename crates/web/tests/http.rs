//! HTTP tests for every route, the refusals included. Each runs on SQLite and on PostgreSQL.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on any error it did not expect")]

mod support;

use domain::people::{Role, RoleGrant, RoleScope};
use support::{hidden_value, MailCatcher, PASSWORD};

fn org_admin(org: domain::ids::OrganisationId) -> RoleGrant {
    RoleGrant { role: Role::OrganisationAdmin, scope: RoleScope::Organisation(org) }
}

const SYSTEM_ADMIN: RoleGrant = RoleGrant { role: Role::SystemAdmin, scope: RoleScope::System };

app_test!(health_metrics_and_openapi_answer, |app| {
    let c = app.client();
    let r = app.get(&c, "/healthz").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap(), serde_json::json!({"status": "ok"}));
    let metrics = app.get(&c, "/metrics").await.text().await.unwrap();
    assert!(metrics.contains("http_requests_total"), "{metrics}");
    assert!(metrics.contains("route=\"/healthz\""), "{metrics}");
    let spec: serde_json::Value = app.get(&c, "/api/openapi.json").await.json().await.unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    assert!(spec["paths"]["/api/v1/people/me"].is_object());
    assert!(spec["paths"]["/api/v1/organisations"].is_object());
});

app_test!(pages_carry_security_headers_and_the_nhs_frontend, |app| {
    let c = app.client();
    let r = app.get(&c, "/sign-in").await;
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers().get("x-request-id").is_some());
    let html = r.text().await.unwrap();
    assert!(html.contains("/assets/nhsuk-frontend.min.css"));
    let css = app.get(&c, "/assets/nhsuk-frontend.min.css").await;
    assert_eq!(css.status(), 200);
    assert!(css.text().await.unwrap().contains(".nhsuk-header"));
    let missing = app.get(&c, "/no-such-page").await;
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("Page not found"));
});

app_test!(sign_up_confirm_sign_in_edit_and_sign_out, |app| {
    let org = app.organisation("RX1", "riverside.nhs.uk").await;
    let c = app.client();
    // Bad input first: every field refused, nothing created.
    let r = app.post(&c, "/sign-up", &[("name", ""), ("email", "not-an-email"), ("password", "short")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("nhsuk-error-summary") && html.contains("Enter your full name") && html.contains("10 characters"),
        "{html}"
    );
    assert_eq!(app.store.count_people().await.unwrap(), 0);

    let r = app
        .post(
            &c,
            "/sign-up",
            &[("name", "Mary Seacole"), ("email", "Mary.Seacole@Riverside.nhs.uk"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Check your email"));
    let person = app
        .store
        .person_by_email(&domain::people::Email::parse("mary.seacole@riverside.nhs.uk").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(person.organisation.map(|o| o.id), Some(org), "the email domain joins the organisation");

    // Not yet confirmed: sign-in is refused and a new link is sent.
    let r = app.post(&c, "/sign-in", &[("email", "mary.seacole@riverside.nhs.uk"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Confirm your email address first"));

    let mail = app.mail.last_to("mary.seacole@riverside.nhs.uk").await;
    let link = MailCatcher::link(&mail, &format!("{}/confirm-email?token=", app.base));
    let page = c.get(&link).send().await.unwrap().text().await.unwrap();
    let token = hidden_value(&page, "token").unwrap();
    let r = app.post(&c, "/confirm-email", &[("token", &token)]).await;
    assert!(r.text().await.unwrap().contains("Email address confirmed"));
    let again = app.post(&c, "/confirm-email", &[("token", &token)]).await;
    assert_eq!(again.status(), 400, "a link works once");

    let r = app
        .post(
            &c,
            "/sign-in",
            &[("email", "mary.seacole@riverside.nhs.uk"), ("password", PASSWORD), ("next", "/profile")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/profile");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("gt_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

    let profile = app.get(&c, "/profile").await.text().await.unwrap();
    assert!(profile.contains("Mary Seacole") && profile.contains("RX1 Organisation"));

    let r = app
        .post(
            &c,
            "/profile/edit",
            &[("name", ""), ("job_title", "Matron"), ("profession", "Nursing"), ("level", "band-8a")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Enter your name"));
    let r = app
        .post(
            &c,
            "/profile/edit",
            &[("name", "Mary Seacole"), ("job_title", "Matron"), ("profession", "Nursing"), ("level", "band-12")],
        )
        .await;
    assert_eq!(r.status(), 422, "a level that does not exist is refused");
    let r = app
        .post(
            &c,
            "/profile/edit",
            &[("name", "Mary J. Seacole"), ("job_title", "Matron"), ("profession", "Nursing"), ("level", "band-8a")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let profile = app.get(&c, "/profile?updated=1").await.text().await.unwrap();
    assert!(
        profile.contains("Mary J. Seacole")
            && profile.contains("Band 8a")
            && profile.contains("Your profile has been updated")
    );

    let r = app.post(&c, "/sign-out", &[]).await;
    assert_eq!(r.status(), 303);
    let r = app.get(&c, "/profile").await;
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/sign-in"));
});

app_test!(a_form_without_its_csrf_token_is_refused_and_changes_nothing, |app| {
    app.user("ada@example.org", None, None, &[]).await;
    let c = app.signed_in("ada@example.org").await;
    let r = c.post(app.url("/profile/edit")).form(&[("name", "Changed"), ("level", "")]).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(app.url("/profile/edit"))
        .form(&[("name", "Changed"), ("level", ""), ("csrf", "0".repeat(64).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let me =
        app.store.person_by_email(&domain::people::Email::parse("ada@example.org").unwrap()).await.unwrap().unwrap();
    assert_eq!(me.name.as_str(), "Person ada");
});

app_test!(wrong_passwords_are_refused_and_throttled, |app| {
    app.user("ada@example.org", None, None, &[]).await;
    let c = app.client();
    for _ in 0..5 {
        let r = app.post(&c, "/sign-in", &[("email", "ada@example.org"), ("password", "wrong password!")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("not right"));
    }
    // Now even the right password waits.
    let r = app.post(&c, "/sign-in", &[("email", "ada@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 429);
    let r = app.post(&c, "/sign-in", &[("email", "nobody@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 422, "an unknown email gets the same answer as a wrong password");
});

app_test!(a_password_reset_works_once_and_ends_sessions, |app| {
    app.user("ada@example.org", None, None, &[]).await;
    let old = app.signed_in("ada@example.org").await;
    let c = app.client();
    let r = app.post(&c, "/reset-password", &[("email", "ada@example.org")]).await;
    assert!(r.text().await.unwrap().contains("Check your email"));
    let r = app.post(&c, "/reset-password", &[("email", "nobody@example.org")]).await;
    assert!(r.text().await.unwrap().contains("Check your email"), "the same answer for an unknown email");
    let mail = app.mail.last_to("ada@example.org").await;
    let link = MailCatcher::link(&mail, &format!("{}/set-password?token=", app.base));
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let r = app.post(&c, "/set-password", &[("token", &token), ("password", "short")]).await;
    assert_eq!(r.status(), 422);
    let r = app.post(&c, "/set-password", &[("token", &token), ("password", "a brand new password")]).await;
    assert_eq!(r.status(), 303);
    let r = app.post(&c, "/set-password", &[("token", &token), ("password", "another new password")]).await;
    assert_eq!(r.status(), 400, "the link works once");
    assert_eq!(app.get(&old, "/profile").await.status(), 303, "old sessions end");
    let r = app.post(&c, "/sign-in", &[("email", "ada@example.org"), ("password", "a brand new password")]).await;
    assert_eq!(r.status(), 303);
});

app_test!(a_learner_cannot_read_or_change_anyone_else, |app| {
    let org = app.organisation("RX1", "riverside.nhs.uk").await;
    let _me = app.user("me@riverside.nhs.uk", Some(org), None, &[]).await;
    let other = app.user("other@riverside.nhs.uk", Some(org), None, &[]).await;
    let c = app.signed_in("me@riverside.nhs.uk").await;
    assert_eq!(app.get(&c, &format!("/people/{other}")).await.status(), 403);
    assert_eq!(app.get(&c, &format!("/people/{other}/edit")).await.status(), 403);
    let r = app
        .post(
            &c,
            &format!("/people/{other}/edit"),
            &[("name", "Hacked"), ("email", "other@riverside.nhs.uk"), ("organisation", "RX1")],
        )
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.get(&c, "/people").await.status(), 403);
    assert_eq!(app.get(&c, "/organisations").await.status(), 403);
    assert_eq!(app.get(&c, "/admin/import").await.status(), 403);
    assert_eq!(app.get(&c, "/team").await.status(), 403);
    assert_eq!(
        app.get(&c, &format!("/organisations/{org}")).await.status(),
        200,
        "a learner sees their own organisation"
    );

    let token = app.token(_me).await;
    assert_eq!(app.api_get(&token, &format!("/api/v1/people/{other}")).await.status(), 403);
    assert_eq!(app.api_get(&token, "/api/v1/people").await.status(), 403);
    let r = reqwest::Client::new()
        .patch(app.url(&format!("/api/v1/people/{other}")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": "Hacked"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let unchanged = app.store.person(other).await.unwrap().unwrap();
    assert_eq!(unchanged.name.as_str(), "Person other");
});

app_test!(an_organisation_admin_cannot_reach_another_organisation, |app| {
    let mine = app.organisation("RX1", "riverside.nhs.uk").await;
    let theirs = app.organisation("LA2", "council.gov.uk").await;
    let admin = app.user("admin@riverside.nhs.uk", Some(mine), None, &[org_admin(mine)]).await;
    let colleague = app.user("colleague@riverside.nhs.uk", Some(mine), None, &[]).await;
    let stranger = app.user("stranger@council.gov.uk", Some(theirs), None, &[]).await;
    let c = app.signed_in("admin@riverside.nhs.uk").await;
    assert_eq!(app.get(&c, &format!("/people/{colleague}")).await.status(), 200);
    assert_eq!(app.get(&c, &format!("/people/{stranger}")).await.status(), 403);
    assert_eq!(app.get(&c, &format!("/organisations/{theirs}")).await.status(), 403);
    assert_eq!(app.get(&c, &format!("/organisations/{theirs}/edit")).await.status(), 403);
    assert_eq!(app.get(&c, &format!("/people?organisation={theirs}")).await.status(), 403);
    let list = app.get(&c, "/people").await.text().await.unwrap();
    assert!(list.contains("Person colleague") && !list.contains("Person stranger"));
    let orgs = app.get(&c, "/organisations").await.text().await.unwrap();
    assert!(orgs.contains("RX1 Organisation") && !orgs.contains("LA2 Organisation"));
    // Adding a person to the other organisation is refused with a field error, and nothing is added.
    let form = app.get(&c, "/people/new").await.text().await.unwrap();
    let submission = hidden_value(&form, "submission").unwrap();
    let r = app
        .post(
            &c,
            "/people/new",
            &[("name", "New"), ("email", "new@council.gov.uk"), ("organisation", "LA2"), ("submission", &submission)],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(app
        .store
        .person_by_email(&domain::people::Email::parse("new@council.gov.uk").unwrap())
        .await
        .unwrap()
        .is_none());

    let token = app.token(admin).await;
    assert_eq!(app.api_get(&token, &format!("/api/v1/people/{stranger}")).await.status(), 403);
    assert_eq!(app.api_get(&token, &format!("/api/v1/organisations/{theirs}")).await.status(), 403);
    assert_eq!(app.api_get(&token, &format!("/api/v1/people/{colleague}")).await.status(), 200);
    let page: serde_json::Value = app.api_get(&token, "/api/v1/people?per_page=10").await.json().await.unwrap();
    let emails: Vec<&str> = page["items"].as_array().unwrap().iter().map(|p| p["email"].as_str().unwrap()).collect();
    assert!(emails.contains(&"colleague@riverside.nhs.uk") && !emails.contains(&"stranger@council.gov.uk"));
});

app_test!(a_line_manager_sees_their_whole_team_but_does_not_edit_it, |app| {
    let org = app.organisation("RX1", "riverside.nhs.uk").await;
    let boss = app.user("boss@riverside.nhs.uk", Some(org), None, &[]).await;
    let mid = app.user("mid@riverside.nhs.uk", Some(org), Some(boss), &[]).await;
    let low = app.user("low@riverside.nhs.uk", Some(org), Some(mid), &[]).await;
    let c = app.signed_in("boss@riverside.nhs.uk").await;
    let team = app.get(&c, "/team").await.text().await.unwrap();
    assert!(team.contains("Person mid") && team.contains("Person low"), "{team}");
    assert_eq!(app.get(&c, &format!("/people/{low}")).await.status(), 200);
    assert_eq!(app.get(&c, &format!("/people/{low}/edit")).await.status(), 403);
    let lowc = app.signed_in("low@riverside.nhs.uk").await;
    assert_eq!(app.get(&lowc, &format!("/people/{boss}")).await.status(), 403, "reports do not see up the line");
});

app_test!(an_admin_cannot_make_the_reporting_line_loop, |app| {
    let org = app.organisation("RX1", "riverside.nhs.uk").await;
    app.user("admin@riverside.nhs.uk", Some(org), None, &[org_admin(org)]).await;
    let boss = app.user("boss@riverside.nhs.uk", Some(org), None, &[]).await;
    let _report = app.user("report@riverside.nhs.uk", Some(org), Some(boss), &[]).await;
    let c = app.signed_in("admin@riverside.nhs.uk").await;
    let r = app
        .post(
            &c,
            &format!("/people/{boss}/edit"),
            &[
                ("name", "Boss"),
                ("email", "boss@riverside.nhs.uk"),
                ("organisation", "RX1"),
                ("line_manager", "report@riverside.nhs.uk"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("loop"));
    assert!(app.store.person(boss).await.unwrap().unwrap().line_manager.is_none());
});

app_test!(a_move_between_organisations_keeps_the_history_on_the_page, |app| {
    let a = app.organisation("RX1", "riverside.nhs.uk").await;
    let _b = app.organisation("LA2", "council.gov.uk").await;
    app.user("admin@example.org", None, None, &[SYSTEM_ADMIN]).await;
    let nurse = app.user("nurse@riverside.nhs.uk", Some(a), None, &[]).await;
    let c = app.signed_in("admin@example.org").await;
    let r = app
        .post(
            &c,
            &format!("/people/{nurse}/edit"),
            &[("name", "Nurse"), ("email", "nurse@riverside.nhs.uk"), ("organisation", "LA2"), ("level", "band-6")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = app.get(&c, &format!("/people/{nurse}")).await.text().await.unwrap();
    assert!(page.contains("RX1 Organisation") && page.contains("LA2 Organisation"), "{page}");
});

app_test!(creating_an_organisation_twice_by_double_click_creates_one, |app| {
    app.user("admin@example.org", None, None, &[SYSTEM_ADMIN]).await;
    let c = app.signed_in("admin@example.org").await;
    let form = app.get(&c, "/organisations/new").await.text().await.unwrap();
    let submission = hidden_value(&form, "submission").unwrap();
    let fields = [
        ("code", "GP1"),
        ("name", "Hill Surgery"),
        ("kind", "gp-practice"),
        ("sector", "health"),
        ("ownership", "independent"),
        ("email_domains", "hill.nhs.uk"),
        ("submission", submission.as_str()),
    ];
    let first = app.post(&c, "/organisations/new", &fields).await;
    let second = app.post(&c, "/organisations/new", &fields).await;
    assert_eq!(first.status(), 303);
    assert_eq!(second.status(), 303);
    assert_eq!(first.headers()["location"], second.headers()["location"]);
    let page = app.store.list_organisations(None, None, domain::paging::PageRequest::default()).await.unwrap();
    assert_eq!(page.total, 1);
    // A new form with a code already taken gets a field error.
    let form = app.get(&c, "/organisations/new").await.text().await.unwrap();
    let submission = hidden_value(&form, "submission").unwrap();
    let r = app
        .post(
            &c,
            "/organisations/new",
            &[
                ("code", "gp1"),
                ("name", "Other"),
                ("kind", "gp-practice"),
                ("sector", "health"),
                ("ownership", "independent"),
                ("submission", submission.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("already taken"));
});

async fn upload(app: &support::TestApp, c: &reqwest::Client, kind: &str, bytes: Vec<u8>) -> reqwest::Response {
    let csrf = app.csrf(c).await;
    let form = reqwest::multipart::Form::new()
        .text("kind", kind.to_owned())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name("file.csv"));
    c.post(app.url(&format!("/admin/import?csrf={csrf}"))).multipart(form).send().await.unwrap()
}

app_test!(an_import_with_one_bad_row_imports_nothing_and_names_the_row, |app| {
    app.user("admin@example.org", None, None, &[SYSTEM_ADMIN]).await;
    let c = app.signed_in("admin@example.org").await;
    let orgs =
        "code,name,kind,sector,ownership,email_domains\nRX1,Riverside Trust,nhs-trust,health,public,riverside.nhs.uk\n";
    let r = upload(app, &c, "organisations", orgs.as_bytes().to_vec()).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("1 created"));
    let bad = "staff_number,first_name,last_name,email,level,organisation,line_manager_staff_number\n1,Ada,Okafor,ada@riverside.nhs.uk,vsm,RX1,\n2,Ben,Shah,ben-at-riverside,8a,RX1,1\n";
    let r = upload(app, &c, "people", bad.as_bytes().to_vec()).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Nothing was imported") && html.contains("line 3, column email"), "{html}");
    assert_eq!(app.store.count_people().await.unwrap(), 1, "only the admin exists");
    let fixed = bad.replace("ben-at-riverside", "ben@riverside.nhs.uk");
    let r = upload(app, &c, "people", fixed.into_bytes()).await;
    assert!(r.text().await.unwrap().contains("2 created"));
    let r = upload(app, &c, "people", bad.replace("ben-at-riverside", "ben@riverside.nhs.uk").into_bytes()).await;
    assert!(r.text().await.unwrap().contains("0 created, 0 updated, 2 unchanged"));
    let r = upload(app, &c, "people", vec![0xff, 0xfe, 0x00, 0x41]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("UTF-8"));
    // An oversized upload is refused from its declared length, before its body is read (sending
    // the whole body would race the server closing the connection).
    assert_eq!(
        app.status_of_declared_upload("/admin/import", 3 * 1024 * 1024).await,
        413,
        "an oversized upload is refused"
    );
    assert_eq!(app.store.count_people().await.unwrap(), 3);
});

app_test!(the_api_answers_with_tokens_and_problems, |app| {
    let org = app.organisation("RX1", "riverside.nhs.uk").await;
    let admin = app.user("admin@riverside.nhs.uk", Some(org), None, &[org_admin(org)]).await;
    let r = reqwest::Client::new().get(app.url("/api/v1/people/me")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert_eq!(app.api_get("gt_not-a-token", "/api/v1/people/me").await.status(), 401);
    // A session cookie is no key to the API.
    let browser = app.signed_in("admin@riverside.nhs.uk").await;
    assert_eq!(browser.get(app.url("/api/v1/people/me")).send().await.unwrap().status(), 401);

    let token = app.token(admin).await;
    let me: serde_json::Value = app.api_get(&token, "/api/v1/people/me").await.json().await.unwrap();
    assert_eq!(me["email"], "admin@riverside.nhs.uk");
    assert_eq!(me["organisation"]["code"], "RX1");

    let client = reqwest::Client::new();
    let create =
        |body: serde_json::Value| client.post(app.url("/api/v1/people")).bearer_auth(&token).json(&body).send();
    let r = create(
        serde_json::json!({"name": "Cy Lee", "email": "cy@riverside.nhs.uk", "organisation": "RX1", "level": "band-5"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    let cy: serde_json::Value = r.json().await.unwrap();
    assert_eq!(cy["level"], "band-5");
    let r = create(serde_json::json!({"name": "Cy Again", "email": "cy@riverside.nhs.uk", "organisation": "RX1"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let r = create(serde_json::json!({"name": "", "email": "bad", "organisation": "RX1", "level": "band-10"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let problem: serde_json::Value = r.json().await.unwrap();
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"name") && fields.contains(&"email") && fields.contains(&"level"), "{problem}");
    let r = client
        .post(app.url("/api/v1/people"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let r = client
        .patch(app.url(&format!("/api/v1/people/{}", cy["id"].as_str().unwrap())))
        .bearer_auth(&token)
        .json(&serde_json::json!({"job_title": "Staff nurse", "level": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cy: serde_json::Value = r.json().await.unwrap();
    assert_eq!(cy["job_title"], "Staff nurse");
    assert!(cy["level"].is_null());

    let page: serde_json::Value = app.api_get(&token, "/api/v1/people?per_page=1&page=2").await.json().await.unwrap();
    assert_eq!(page["total"], 2);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(app.api_get(&token, "/api/v1/organisations").await.status(), 200);
    assert_eq!(app.api_get(&token, "/api/v1/nothing-here").await.status(), 404);

    // Revoked tokens stop working.
    let tokens = app.store.api_tokens(admin).await.unwrap();
    app.store.revoke_api_token(admin, tokens[0].id, jiff::Timestamp::now()).await.unwrap();
    assert_eq!(app.api_get(&token, "/api/v1/people/me").await.status(), 401);
});

app_test!(an_organisation_admin_lets_a_new_account_join, |app| {
    let org = app.organisation("RX1", "riverside.nhs.uk").await;
    app.user("admin@riverside.nhs.uk", Some(org), None, &[org_admin(org)]).await;
    let newcomer = app.user("newcomer@gmail.com", None, None, &[]).await;
    let c = app.signed_in("newcomer@gmail.com").await;
    let r = app.post(&c, "/profile/join", &[("organisation", "NOPE")]).await;
    assert_eq!(r.status(), 422);
    let r = app.post(&c, "/profile/join", &[("organisation", "rx1")]).await;
    assert_eq!(r.status(), 303);
    let admin = app.signed_in("admin@riverside.nhs.uk").await;
    let page = app.get(&admin, &format!("/organisations/{org}")).await.text().await.unwrap();
    assert!(page.contains("newcomer@gmail.com"));
    let r = app.post(&admin, &format!("/organisations/{org}/requests/{newcomer}/approve"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.store.person(newcomer).await.unwrap().unwrap().organisation.map(|o| o.id), Some(org));
});
