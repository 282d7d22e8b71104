//! The alternate request syntax (Communication 1.3 and Appendix C): every request a POST, the
//! method in the query string, and headers, parameters and content as form parameters.

use reqwest::Method;
use serde_json::json;

use crate::app_test;
use crate::*;

impl Lrs<'_> {
    /// POSTs `form` to `path?method=METHOD` with only the form's Content-Type as a real header:
    /// the credentials and version travel as form parameters (1.3.s3.b6, b7).
    async fn alternate(&self, path: &str, method: &str, form: &[(&str, &str)]) -> Reply {
        let mut fields: Vec<(&str, &str)> = vec![("Authorization", &self.auth), ("X-Experience-API-Version", VERSION)];
        fields.extend_from_slice(form);
        let r = self.bare(Method::POST, &format!("{path}?method={method}")).form(&fields);
        Lrs::send(r).await
    }
}

app_test!(the_alternate_syntax_reaches_every_method_of_every_resource, |app| {
    let lrs = Lrs::new(app).await;
    // Appendix C: a PUT of a statement (1.3.s3.b15, XAPI-00336).
    let id = new_id();
    let s = statement_with(|s| s["id"] = json!(id));
    let content = s.to_string();
    let length = content.len().to_string();
    let r = lrs
        .alternate(
            "/xapi/statements",
            "PUT",
            &[
                ("statementId", &id),
                ("Content-Type", "application/json"),
                ("Content-Length", &length),
                ("content", &content),
            ],
        )
        .await;
    r.expect(204);
    assert_eq!(lrs.statement(&id).await["verb"], s["verb"]);

    // GET of one statement, and a query with its parameters in the form (2.1.2.s2.b2, b3; XAPI-00148).
    lrs.store(&statement()).await;
    let r = lrs.alternate("/xapi/statements", "GET", &[("statementId", &id)]).await;
    r.expect(200);
    assert_eq!(r.json()["id"], json!(id));
    let r = lrs.alternate("/xapi/statements", "GET", &[("limit", "1")]).await;
    r.expect(200);
    let result = r.json();
    assert_eq!(result["statements"].as_array().unwrap().len(), 1);
    assert!(result["more"].as_str().is_some_and(|m| !m.is_empty()), "{result}");
    time(&r.header("x-experience-api-consistent-through").unwrap());
    let agent_filter = agent("sample.agent@example.com").to_string();
    let r = lrs
        .alternate(
            "/xapi/statements",
            "GET",
            &[("agent", &agent_filter), ("verb", "http://adlnet.gov/expapi/verbs/attempted")],
        )
        .await;
    assert_eq!(r.json()["statements"].as_array().unwrap().len(), 2);
    // The credentials may stay in the real header (1.3.s3.b6 says MAY for the form).
    let r = lrs
        .bare(Method::POST, "/xapi/statements?method=GET")
        .header("Authorization", &lrs.auth)
        .form(&[("X-Experience-API-Version", VERSION), ("statementId", &id)]);
    Lrs::send(r).await.expect(200);

    // The State resource: PUT, GET, POST (merge), DELETE.
    let who = agent("sample.agent@example.com").to_string();
    let params = [("activityId", "http://www.example.com/activities/one"), ("agent", who.as_str()), ("stateId", "alt")];
    let mut put = params.to_vec();
    put.extend([("Content-Type", "application/json"), ("content", "{\"x\":\"foo\",\"y\":\"bar\"}")]);
    lrs.alternate("/xapi/activities/state", "PUT", &put).await.expect(204);
    let mut merge = params.to_vec();
    merge.extend([("Content-Type", "application/json"), ("content", "{\"x\":\"bash\",\"z\":\"faz\"}")]);
    lrs.alternate("/xapi/activities/state", "POST", &merge).await.expect(204);
    let r = lrs.alternate("/xapi/activities/state", "GET", &params).await;
    r.expect(200);
    assert_eq!(r.json(), json!({"x": "bash", "y": "bar", "z": "faz"}));
    assert!(r.header("etag").is_some());
    lrs.alternate("/xapi/activities/state", "DELETE", &params).await.expect(204);
    lrs.alternate("/xapi/activities/state", "GET", &params).await.expect(404);

    // If-Match and If-None-Match as form parameters (1.3.s3.b6, b7) on the Activity Profile resource.
    let params = [("activityId", "http://www.example.com/activities/one"), ("profileId", "alt")];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut v = params.to_vec();
        v.push(("Content-Type", "application/json"));
        v.extend_from_slice(extra);
        v
    };
    lrs.alternate("/xapi/activities/profile", "PUT", &with(&[("If-None-Match", "*"), ("content", "{\"v\":1}")]))
        .await
        .expect(204);
    lrs.alternate("/xapi/activities/profile", "PUT", &with(&[("content", "{\"v\":2}")])).await.refused(409, "If-Match");
    lrs.alternate(
        "/xapi/activities/profile",
        "PUT",
        &with(&[("If-Match", "\"1111111111111111111111111111111111111111\""), ("content", "{\"v\":2}")]),
    )
    .await
    .refused(412, "");
    let etag = lrs.alternate("/xapi/activities/profile", "GET", &params).await.header("etag").unwrap();
    let mut good: Vec<(&str, &str)> = with(&[("content", "{\"v\":3}")]);
    good.push(("If-Match", &etag));
    lrs.alternate("/xapi/activities/profile", "PUT", &good).await.expect(204);
    assert_eq!(lrs.alternate("/xapi/activities/profile", "GET", &params).await.json(), json!({"v": 3}));

    // The Agents and Activities resources and About.
    let r = lrs.alternate("/xapi/agents", "GET", &[("agent", &who)]).await;
    assert_eq!(r.json()["objectType"], json!("Person"));
    let r = lrs.alternate("/xapi/activities", "GET", &[("activityId", "http://www.example.com/activities/one")]).await;
    r.expect(200);
    // The form's version header counts as the request's version (1.3.s3.b7).
    let r = lrs
        .bare(Method::POST, "/xapi/statements?method=GET")
        .form(&[("Authorization", lrs.auth.as_str()), ("X-Experience-API-Version", "0.9")]);
    Lrs::send(r).await.refused(400, "version");
});

app_test!(the_alternate_syntax_is_refused_when_misused, |app| {
    let lrs = Lrs::new(app).await;
    let id = new_id();
    let content = statement_with(|s| s["id"] = json!(id)).to_string();
    // 1.3.s3.b1: only as a POST (the conformance suite sends a GET with method=POST).
    let r = lrs.request(Method::GET, "/xapi/statements?method=POST").form(&[("content", content.as_str())]);
    Lrs::send(r).await.refused(400, "");
    let r = lrs
        .request(Method::PUT, "/xapi/statements?method=PUT")
        .form(&[("statementId", id.as_str()), ("content", &content)]);
    Lrs::send(r).await.refused(400, "");
    // 1.3.s3.b3: no other query string parameter beside method.
    let path = format!("/xapi/statements?statementId={id}&method=PUT");
    let r = lrs.bare(Method::POST, &path).form(&[
        ("Authorization", lrs.auth.as_str()),
        ("X-Experience-API-Version", VERSION),
        ("statementId", &id),
        ("content", &content),
    ]);
    Lrs::send(r).await.refused(400, "");
    // 1.3.s3.b4: a PUT with no content, or content that is not url-encoded as a form.
    lrs.alternate("/xapi/statements", "PUT", &[("statementId", &id)]).await.refused(400, "");
    let r = lrs
        .request(Method::POST, "/xapi/statements?method=PUT")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(json!({"statementId": id, "content": content}).to_string());
    Lrs::send(r).await.refused(400, "");
    // An unknown method, and an unknown form parameter (1.3.s3.b14 makes it a query parameter,
    // which 3.2.s3.b7 refuses).
    let r = lrs.alternate("/xapi/statements", "PATCH", &[("statementId", &id), ("content", &content)]).await;
    assert!(r.status == 400 || r.status == 405, "{} {}", r.status, r.text());
    lrs.alternate("/xapi/statements", "PUT", &[("statementId", &id), ("content", &content), ("happy", "day")])
        .await
        .refused(400, "happy");
    // The credentials in the form are checked like the header (Communication 4.0).
    let r = lrs.bare(Method::POST, "/xapi/statements?method=PUT").form(&[
        ("Authorization", basic("no-such-key", "secret").as_str()),
        ("X-Experience-API-Version", VERSION),
        ("statementId", &id),
        ("content", &content),
    ]);
    Lrs::send(r).await.refused(401, "");
    // The version is required here too (3.3.s3.b4.1).
    let r = lrs.bare(Method::POST, "/xapi/statements?method=PUT").form(&[
        ("Authorization", lrs.auth.as_str()),
        ("statementId", &id),
        ("content", &content),
    ]);
    Lrs::send(r).await.refused(400, "X-Experience-API-Version");
    // The content is validated as any statement is.
    let bad = statement_with(|s| {
        s["id"] = json!(id);
        s["actor"]["mbox"] = json!("sample.agent@example.com");
    })
    .to_string();
    lrs.alternate("/xapi/statements", "PUT", &[("statementId", &id), ("content", &bad)])
        .await
        .refused(400, "actor.mbox");
    lrs.get(&format!("/xapi/statements?statementId={id}")).await.expect(404);
    assert!(lrs.ids("").await.is_empty());
});

app_test!(write_only_credentials_cannot_read_through_the_alternate_syntax, |app| {
    let org = app.organisation("LRS", "lrs.example.org").await;
    let both = Lrs::of(app, org, true, true).await;
    let write = Lrs::of(app, org, false, true).await;
    let stored = both.store(&statement()).await;
    // Communication 3.2.s3.b10: a GET in a POST is still a read.
    write.alternate("/xapi/statements", "GET", &[("statementId", &stored)]).await.refused(403, "");
    write.alternate("/xapi/statements", "GET", &[("limit", "1")]).await.refused(403, "");
    let read = Lrs::of(app, org, true, false).await;
    let content = statement().to_string();
    read.alternate("/xapi/statements", "PUT", &[("statementId", &new_id()), ("content", &content)])
        .await
        .refused(403, "");
});
