//! About (Communication 2.8), the version header (3.3), HEAD (1.1) and the shape of refusals (3.2).

use reqwest::Method;
use serde_json::json;

use crate::app_test;
use crate::*;

app_test!(about_answers_without_credentials_or_a_version_header, |app| {
    let lrs = Lrs::new(app).await;
    // Communication 2.8.s5.b3: SHOULD allow unauthenticated access; 2.8.s5.b4: MUST NOT reject on the
    // version header.
    for r in [
        Lrs::send(lrs.bare(Method::GET, "/xapi/about")).await,
        Lrs::send(lrs.bare(Method::GET, "/xapi/about").header("X-Experience-API-Version", "0.9")).await,
        Lrs::send(lrs.bare(Method::GET, "/xapi/about").header("X-Experience-API-Version", "2.0.0")).await,
        lrs.get("/xapi/about").await,
    ] {
        r.expect(200);
        assert_eq!(r.media_type(), "application/json");
        let about = r.json();
        // Communication 2.8.s5.b1: "version" includes the latest patch version of 1.0.
        let versions = about["version"].as_array().expect("version is an array of strings");
        assert!(versions.contains(&json!("1.0.3")), "{about}");
        assert!(versions.iter().all(|v| v.as_str().is_some_and(|v| v.starts_with("1.0.") || v.starts_with("0.9"))));
        // Communication 2.8.s5.b2: nothing outside extensions.
        for key in about.as_object().unwrap().keys() {
            assert!(key == "version" || key == "extensions", "about has an extra property {key}");
        }
        if let Some(extensions) = about.get("extensions") {
            assert!(extensions.is_object());
        }
    }
});

app_test!(every_resource_but_about_refuses_a_request_without_the_version_header, |app| {
    let lrs = Lrs::new(app).await;
    let agent = agent("sample.agent@example.com").to_string();
    let state = format!(
        "/xapi/activities/state?{}",
        q(&[("activityId", "http://www.example.com/a"), ("agent", &agent), ("stateId", "s")])
    );
    let activity_profile =
        format!("/xapi/activities/profile?{}", q(&[("activityId", "http://www.example.com/a"), ("profileId", "p")]));
    let agent_profile = format!("/xapi/agents/profile?{}", q(&[("agent", &agent), ("profileId", "p")]));
    let activities = format!("/xapi/activities?{}", q(&[("activityId", "http://www.example.com/a")]));
    let agents = format!("/xapi/agents?{}", q(&[("agent", &agent)]));
    let id = new_id();
    let by_id = format!("/xapi/statements?statementId={id}");
    let cases: Vec<(Method, String)> = vec![
        (Method::GET, "/xapi/statements".to_owned()),
        (Method::GET, by_id.clone()),
        (Method::POST, "/xapi/statements".to_owned()),
        (Method::PUT, by_id.clone()),
        (Method::GET, state.clone()),
        (Method::PUT, state.clone()),
        (Method::POST, state.clone()),
        (Method::DELETE, state),
        (Method::GET, activity_profile.clone()),
        (Method::PUT, activity_profile),
        (Method::GET, agent_profile.clone()),
        (Method::PUT, agent_profile),
        (Method::GET, activities),
        (Method::GET, agents),
    ];
    for (method, path) in &cases {
        let body = if *method == Method::PUT || *method == Method::POST {
            statement_with(|s| s["id"] = json!(id)).to_string()
        } else {
            String::new()
        };
        // Communication 3.3.s3.b4.1 and b7: 400 with a short description, credentials or not.
        let with_auth = lrs
            .http_without_version(method.clone(), path)
            .header("Content-Type", "application/json")
            .body(body.clone());
        Lrs::send(with_auth).await.refused(400, "X-Experience-API-Version");
        // The conformance suite sends neither header and still expects 400 (XAPI-00331, XAPI-00153).
        let bare = lrs.bare(method.clone(), path).header("Content-Type", "application/json").body(body);
        Lrs::send(bare).await.refused(400, "X-Experience-API-Version");
    }
    // Nothing was stored by the refused PUT and POST.
    lrs.get(&by_id).await.expect(404);
});

app_test!(version_headers_of_1_0_x_are_accepted_and_others_refused, |app| {
    let lrs = Lrs::new(app).await;
    // Communication 3.3.s3.b4 (before 1.0.0), b6 (1.1.0 or greater), b7 (400 with a description).
    for version in ["0.9", "0.95", "0.9.5", "1.1.0", "1.1", "2.0.0", "1", "abc", ""] {
        let s = statement_with(|s| s["id"] = json!(new_id()));
        let id = s["id"].as_str().unwrap().to_owned();
        let r = Lrs::send(
            lrs.http_without_version(Method::POST, "/xapi/statements")
                .header("X-Experience-API-Version", version)
                .json(&s),
        )
        .await;
        r.refused(400, "version");
        let r = Lrs::send(
            lrs.http_without_version(Method::GET, "/xapi/statements").header("X-Experience-API-Version", version),
        )
        .await;
        r.refused(400, "version");
        lrs.get(&format!("/xapi/statements?statementId={id}")).await.expect(404);
    }
    // Communication 3.3.s3.b3: "1.0" as "1.0.0"; b5: any "1.0.x".
    for version in ["1.0", "1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.0.9", "1.0.10"] {
        let r = Lrs::send(
            lrs.http_without_version(Method::GET, "/xapi/statements?limit=1")
                .header("X-Experience-API-Version", version),
        )
        .await;
        r.expect(200);
        // Communication 3.3.s3.b2: the LRS answers with the latest patch version whatever was asked.
        assert_eq!(r.header("x-experience-api-version").as_deref(), Some(VERSION));
        let s = statement_with(|s| s["id"] = json!(new_id()));
        let r = Lrs::send(
            lrs.http_without_version(Method::POST, "/xapi/statements")
                .header("X-Experience-API-Version", version)
                .json(&s),
        )
        .await;
        r.expect(200);
    }
});

app_test!(head_answers_as_get_would_without_a_body, |app| {
    let lrs = Lrs::new(app).await;
    let id = lrs.store(&statement()).await;
    // Communication 1.1.s3.b1: as GET, but the message body omitted.
    let get = lrs.get(&format!("/xapi/statements?statementId={id}")).await;
    let head = Lrs::send(lrs.request(Method::HEAD, &format!("/xapi/statements?statementId={id}"))).await;
    head.expect(200);
    assert!(head.body.is_empty());
    assert_eq!(head.media_type(), get.media_type());
    assert!(head.header("x-experience-api-consistent-through").is_some());
    let missing = Lrs::send(lrs.request(Method::HEAD, &format!("/xapi/statements?statementId={}", new_id()))).await;
    missing.expect(404);
    assert!(missing.body.is_empty());

    let list = Lrs::send(lrs.request(Method::HEAD, "/xapi/statements")).await;
    list.expect(200);
    assert!(list.body.is_empty());

    let agent = agent("sample.agent@example.com").to_string();
    let path = format!(
        "/xapi/activities/state?{}",
        q(&[("activityId", "http://www.example.com/a"), ("agent", &agent), ("stateId", "head")])
    );
    lrs.put_json(&path, &json!({"a": 1})).await.expect(204);
    let get = lrs.get(&path).await;
    let head = Lrs::send(lrs.request(Method::HEAD, &path)).await;
    head.expect(200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), get.header("etag"), "the same ETag as GET");
    assert!(head.header("etag").is_some());

    for path in [
        format!("/xapi/activities?{}", q(&[("activityId", "http://www.example.com/activities/one")])),
        format!("/xapi/agents?{}", q(&[("agent", &agent)])),
        format!("/xapi/activities/state?{}", q(&[("activityId", "http://www.example.com/a"), ("agent", &agent)])),
        format!("/xapi/activities/profile?{}", q(&[("activityId", "http://www.example.com/a")])),
        format!("/xapi/agents/profile?{}", q(&[("agent", &agent)])),
    ] {
        let get = lrs.get(&path).await;
        let head = Lrs::send(lrs.request(Method::HEAD, &path)).await;
        head.expect(get.status);
        assert!(head.body.is_empty(), "{path}");
    }
    let about = Lrs::send(lrs.bare(Method::HEAD, "/xapi/about")).await;
    about.expect(200);
    assert!(about.body.is_empty());
});

app_test!(refusals_explain_themselves_and_carry_the_version, |app| {
    let lrs = Lrs::new(app).await;
    // Communication 3.2.s3.b1, b2: the most appropriate code and a message; 3.3.s3.b1: the header on
    // every response, refusals included.
    let r =
        Lrs::send(lrs.request(Method::POST, "/xapi/statements").header("Content-Type", "application/json").body("{"))
            .await;
    r.refused(400, "");
    lrs.get(&format!("/xapi/statements?statementId={}", new_id())).await.expect(404);
    lrs.get("/xapi/statements?statementId=not-a-uuid").await.refused(400, "UUID");
    // A resource the specification does not define.
    lrs.get("/xapi/nowhere").await.refused(404, "");
    let none = Lrs::with_auth(app, "");
    none.get("/xapi/statements").await.refused(401, "");
});

impl Lrs<'_> {
    /// A request with the credentials but no version header.
    pub fn http_without_version(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let r = self.bare(method, path);
        if self.auth.is_empty() {
            r
        } else {
            r.header("Authorization", &self.auth)
        }
    }
}

app_test!(methods_a_resource_does_not_define_are_405, |app| {
    let lrs = Lrs::new(app).await;
    let who = agent("sample.agent@example.com").to_string();
    let statements = format!("/xapi/statements?statementId={}", new_id());
    let activities =
        format!("/xapi/activities?{}", q(&[("activityId", "http://www.example.com/meetings/occurances/34534")]));
    let agents = format!("/xapi/agents?{}", q(&[("agent", &who)]));
    // Communication 3.2.s3.b1 (the conformance suite's "405 Method Not Allowed" checks): with
    // credentials, and without them, as the suite sends its DELETEs.
    for (method, path) in [
        (Method::DELETE, &statements),
        (Method::DELETE, &activities),
        (Method::POST, &activities),
        (Method::PUT, &activities),
        (Method::DELETE, &agents),
        (Method::POST, &agents),
        (Method::PUT, &agents),
        (Method::DELETE, &"/xapi/about".to_owned()),
    ] {
        let r = Lrs::send(lrs.request(method.clone(), path).json(&json!({}))).await;
        r.expect(405);
        let r = Lrs::send(lrs.bare(method.clone(), path).header("X-Experience-API-Version", "1.0.1")).await;
        assert_eq!(r.status, 405, "{method} {path} without credentials: {}", r.text());
    }
    // PUT with a statementId in another case is refused (Communication 3.2.s3.b8, XAPI-00325).
    let s = statement_with(|s| s["id"] = json!(new_id()));
    let path = format!("/xapi/statements?StatementId={}", s["id"].as_str().unwrap());
    lrs.put_json(&path, &s).await.refused(400, "StatementId");
});
