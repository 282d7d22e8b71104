//! One record: learning-record entries are statements, and statements from other systems about a
//! person wait in their record for a reflection.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on any error it did not expect")]

mod support;

use serde_json::{json, Value};

const V: (&str, &str) = ("X-Experience-API-Version", "1.0.3");

async fn lrs_get(app: &support::TestApp, auth: &Auth, query: &str) -> (u16, Value) {
    let r = auth.apply(reqwest::Client::new().get(app.url(&format!("/xapi/statements{query}")))).header(V.0, V.1);
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// POSTs statements as JSON with an LRS credential (key, secret).
async fn lrs_post(
    app: &support::TestApp,
    lrs: &reqwest::Client,
    (key, secret): (&str, &str),
    body: &impl serde::Serialize,
) -> reqwest::Response {
    lrs.post(app.url("/xapi/statements"))
        .basic_auth(key, Some(secret))
        .header(V.0, V.1)
        .json(body)
        .send()
        .await
        .unwrap()
}

enum Auth {
    Basic(String, String),
    Bearer(String),
}

impl Auth {
    fn apply(&self, r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Auth::Basic(k, s) => r.basic_auth(k, Some(s)),
            Auth::Bearer(t) => r.bearer_auth(t),
        }
    }
}

fn agent(email: &str) -> String {
    json!({ "mbox": format!("mailto:{email}") }).to_string()
}

app_test!(an_entry_is_a_statement_kept_in_step_with_it, |app| {
    let org = app.organisation("RX1", "trust.example").await;
    let me = app.user("jo@trust.example", Some(org), None, &[]).await;
    let token = app.token(me).await;
    let (key, secret) = app.lrs_credentials(org, true, false).await;
    let client = app.signed_in("jo@trust.example").await;
    let entry = json!({"title": "Shadowing the chief nurse", "activity": "shadowing", "kind": "others",
        "occurred_on": "2026-02-01", "minutes": 90, "learned": "How hard news is framed", "behaviours": ["compassion"]});
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/people/{me}/learning")))
        .bearer_auth(&token)
        .json(&entry)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();

    // The person's own token and their organisation's credential both read it, as the mapping says.
    let q = format!("?agent={}", urlencode(&agent("jo@trust.example")));
    for auth in [Auth::Bearer(token.clone()), Auth::Basic(key.clone(), secret.clone())] {
        let (status, body) = lrs_get(app, &auth, &q).await;
        assert_eq!(status, 200);
        let s = &body["statements"].as_array().unwrap()[0];
        assert_eq!(s["verb"]["id"], "http://adlnet.gov/expapi/verbs/experienced");
        assert_eq!(s["object"]["id"], format!("urn:goldthread:entry:{id}"));
        assert_eq!(s["object"]["definition"]["type"], "urn:goldthread:activity-type:shadowing");
        assert_eq!(s["result"]["response"], "How hard news is framed");
        assert_eq!(s["result"]["duration"], "PT90M");
        assert_eq!(s["result"]["extensions"]["urn:goldthread:xapi:learning-kind"], "others");
        assert_eq!(s["authority"]["account"]["name"], "goldthread");
    }
    let (_, body) = lrs_get(app, &Auth::Bearer(token.clone()), &q).await;
    let first = body["statements"][0]["id"].as_str().unwrap().to_owned();

    // Editing supersedes: a new statement, and the old one is voided.
    let csrf = app.csrf(&client).await;
    let r = client
        .post(app.url(&format!("/record/{id}/edit")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("title", "Shadowing the chief nurse"),
            ("activity", "shadowing"),
            ("kind", "others"),
            ("date", "2026-02-01"),
            ("hours", "2"),
            ("minutes", "0"),
            ("learned", "How hard news is framed, and when"),
            ("apply", "At my next team brief"),
            ("behaviours", "compassion"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, body) = lrs_get(app, &Auth::Bearer(token.clone()), &q).await;
    let statements = body["statements"].as_array().unwrap();
    let current: Vec<&Value> =
        statements.iter().filter(|s| s["verb"]["id"] != "http://adlnet.gov/expapi/verbs/voided").collect();
    assert_eq!(current.len(), 1, "only the new statement is current: {body}");
    assert_eq!(current[0]["result"]["duration"], "PT120M");
    assert!(current[0]["result"]["response"].as_str().unwrap().contains("At my next team brief"));
    let (status, voided) = lrs_get(app, &Auth::Bearer(token.clone()), &format!("?voidedStatementId={first}")).await;
    assert_eq!(status, 200);
    assert_eq!(voided["id"], first.as_str());

    // Hiding and deleting void it too.
    let csrf = app.csrf(&client).await;
    let r = client
        .post(app.url(&format!("/record/{id}/visibility")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, body) = lrs_get(
        app,
        &Auth::Bearer(token.clone()),
        &format!("{q}&verb={}", urlencode("http://adlnet.gov/expapi/verbs/experienced")),
    )
    .await;
    // Voiding statements match too (they target a matching statement: Communication 2.1.3.s3).
    assert_eq!(current_count(&body), 0, "a hidden entry has no current statement: {body}");
    let r = client
        .post(app.url(&format!("/record/{id}/visibility")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, body) = lrs_get(
        app,
        &Auth::Bearer(token.clone()),
        &format!("{q}&verb={}", urlencode("http://adlnet.gov/expapi/verbs/experienced")),
    )
    .await;
    assert_eq!(current_count(&body), 1, "shown again, it has one again");
    let r =
        client.post(app.url(&format!("/record/{id}/delete"))).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let (_, body) = lrs_get(
        app,
        &Auth::Bearer(token),
        &format!("{q}&verb={}", urlencode("http://adlnet.gov/expapi/verbs/experienced")),
    )
    .await;
    assert_eq!(current_count(&body), 0, "a deleted entry's statement is voided: {body}");
});

app_test!(a_completion_from_another_system_waits_for_a_reflection, |app| {
    let org = app.organisation("RX1", "trust.example").await;
    let other = app.organisation("RX2", "other.example").await;
    let me = app.user("jo@trust.example", Some(org), None, &[]).await;
    let (key, secret) = app.lrs_credentials(org, false, true).await;
    let (other_key, other_secret) = app.lrs_credentials(other, true, true).await;
    let statement = |id: &str| {
        json!({
            "id": id,
            "actor": { "mbox": "mailto:jo@trust.example", "name": "Jo" },
            "verb": { "id": "http://adlnet.gov/expapi/verbs/completed", "display": { "en-GB": "completed" } },
            "object": { "id": "https://elearning.example/courses/safeguarding-3",
                "definition": { "name": { "en-GB": "Safeguarding adults level 3" } } },
            "result": { "completion": true, "duration": "PT1H15M" },
            "timestamp": "2026-03-02T10:00:00Z"
        })
    };
    let lrs = reqwest::Client::new();
    let id = uuid::Uuid::new_v4().to_string();
    // Another organisation's credential cannot write about this organisation's people.
    let r = lrs_post(app, &lrs, (&other_key, &other_secret), &statement(&id)).await;
    assert_eq!(r.status(), 403);
    let r = lrs_post(app, &lrs, (&key, &secret), &statement(&id)).await;
    assert_eq!(r.status(), 200);
    // Nor read them.
    let (_, body) = lrs_get(app, &Auth::Basic(other_key, other_secret), &format!("?statementId={id}")).await;
    assert_eq!(body["error"]["status"], 404);

    let client = app.signed_in("jo@trust.example").await;
    let page = app.get(&client, "/dashboard").await.text().await.unwrap();
    assert!(page.contains("waiting for your reflection"), "{page}");
    assert!(page.contains("Safeguarding adults level 3"));
    assert!(page.contains("75 minutes"));
    let form = app.get(&client, &format!("/record/new?from={id}")).await.text().await.unwrap();
    assert!(form.contains("value=\"Safeguarding adults level 3\""));
    assert_eq!(app.get(&client, &format!("/record/new?from={}", uuid::Uuid::new_v4())).await.status(), 404);

    // Adding it with a reflection takes it off the dashboard and into the record.
    let csrf = app.csrf(&client).await;
    let submission = support::hidden_value(&form, "submission").unwrap();
    let multipart = reqwest::multipart::Form::new()
        .text("title", "Safeguarding adults level 3")
        .text("activity", "course")
        .text("kind", "formal")
        .text("date", "2026-03-02")
        .text("hours", "1")
        .text("minutes", "15")
        .text("learned", "When to escalate a concern")
        .text("apply", "")
        .text("behaviours", "")
        .text("submission", submission)
        .text("from", id.clone());
    let r = client.post(app.url(&format!("/record/new?csrf={csrf}"))).multipart(multipart).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let page = app.get(&client, "/dashboard").await.text().await.unwrap();
    assert!(!page.contains("waiting for your reflection"), "resolved once added");
    let record = app.get(&client, "/record").await.text().await.unwrap();
    assert!(record.contains("Safeguarding adults level 3"));
    assert_eq!(app.store.pending_statements(me).await.unwrap().len(), 0);

    // A second one is dismissed instead.
    let second = uuid::Uuid::new_v4().to_string();
    let r = lrs
        .put(app.url(&format!("/xapi/statements?statementId={second}")))
        .basic_auth(&key, Some(&secret))
        .header(V.0, V.1)
        .json(&statement(&second))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(app.store.pending_statements(me).await.unwrap().len(), 1);
    let csrf = app.csrf(&client).await;
    let r = client
        .post(app.url(&format!("/record/from-other-systems/{second}/dismiss")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(app.store.pending_statements(me).await.unwrap().len(), 0);

    // An attempt that is not a completion, about an activity not in the catalogue, does not wait.
    let mut attempt = statement(&uuid::Uuid::new_v4().to_string());
    attempt["verb"]["id"] = json!("http://adlnet.gov/expapi/verbs/attempted");
    attempt["result"] = json!({ "completion": false });
    let r = lrs_post(app, &lrs, (&key, &secret), &attempt).await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.store.pending_statements(me).await.unwrap().len(), 0);

    // An attempt at an activity in the catalogue does wait, with its resource: found by the
    // resource's web address or by its URN, for every statement of a batch.
    let (by_url, by_urn) = (
        catalogue_resource(app, Some(attempt["object"]["id"].as_str().unwrap())).await,
        catalogue_resource(app, None).await,
    );
    let mut at_urn = attempt.clone();
    at_urn["object"]["id"] = json!(format!("urn:goldthread:resource:{by_urn}"));
    let batch = json!([with_id(&attempt), with_id(&at_urn), with_id(&attempt)]);
    let r = lrs_post(app, &lrs, (&key, &secret), &batch).await;
    assert_eq!(r.status(), 200);
    let mut linked: Vec<_> =
        app.store.pending_statements(me).await.unwrap().into_iter().map(|p| p.facts.resource).collect();
    linked.sort();
    let mut expected = vec![Some(by_url), Some(by_url), Some(by_urn)];
    expected.sort();
    assert_eq!(linked, expected);
});

fn with_id(statement: &Value) -> Value {
    let mut s = statement.clone();
    s["id"] = json!(uuid::Uuid::new_v4().to_string());
    s
}

/// A catalogue resource, at a web address or none.
async fn catalogue_resource(app: &support::TestApp, url: Option<&str>) -> domain::ids::ResourceId {
    use domain::learning::{EstimatedMinutes, ResourceKind, Summary, Title};
    let id = domain::ids::ResourceId::from_uuid(uuid::Uuid::new_v4());
    let fields = store::learning::ResourceFields {
        title: Title::parse("Safeguarding adults level 3").unwrap(),
        summary: Summary::parse("Recognising and responding to abuse and neglect of adults.").unwrap(),
        kind: ResourceKind::Course,
        url: url.map(str::to_owned),
        body: None,
        estimated: EstimatedMinutes::new(75).unwrap(),
        levels: vec![],
        sectors: vec![],
        behaviours: vec![],
        publisher: None,
        review_on: None,
    };
    app.store.create_resource(id, &fields, None, jiff::Timestamp::now()).await.unwrap();
    id
}

/// Statements in a result that are not voiding statements.
fn current_count(body: &Value) -> usize {
    body["statements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["verb"]["id"] != "http://adlnet.gov/expapi/verbs/voided")
        .count()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

app_test!(an_erased_agent_cannot_be_read_through_any_resource, |app| {
    let org = app.organisation("RX1", "trust.example").await;
    let (key, secret) = app.lrs_credentials(org, true, true).await;
    let lrs = reqwest::Client::new();
    let gone = json!({ "mbox": "mailto:leaver@elsewhere.example" });
    let kept = json!({ "mbox": "mailto:stayer@elsewhere.example" });
    let verb = json!({ "id": "http://adlnet.gov/expapi/verbs/completed" });
    let object = json!({ "id": "https://elearning.example/courses/1" });
    let ids: Vec<String> = (0..4).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    // 0: the agent as actor, with an attachment; 1: as instructor in another's statement;
    // 2: a statement that targets 0; 3: someone else's, which stays.
    let attachment = b"certificate of completion";
    let sha2 = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(attachment))
    };
    let first = json!({ "id": ids[0], "actor": gone, "verb": verb, "object": object,
        "attachments": [{ "usageType": "http://id.tincanapi.com/attachment/certificate", "display": { "en-GB": "Certificate" },
            "contentType": "text/plain", "length": attachment.len(), "sha2": sha2 }] });
    let boundary = "erasure-test-boundary";
    let mut body = format!("--{boundary}\r\nContent-Type: application/json\r\n\r\n{first}\r\n--{boundary}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n").into_bytes();
    body.extend_from_slice(attachment);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = lrs
        .post(app.url("/xapi/statements"))
        .basic_auth(&key, Some(&secret))
        .header(V.0, V.1)
        .header("Content-Type", format!("multipart/mixed; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let others = [
        json!({ "id": ids[1], "actor": kept, "verb": verb, "object": object, "context": { "instructor": gone } }),
        json!({ "id": ids[2], "actor": kept, "verb": { "id": "http://adlnet.gov/expapi/verbs/experienced" },
            "object": { "objectType": "StatementRef", "id": ids[0] } }),
        json!({ "id": ids[3], "actor": kept, "verb": verb, "object": object }),
    ];
    let r = lrs_post(app, &lrs, (&key, &secret), &others).await;
    assert_eq!(r.status(), 200);
    let activity = urlencode("https://elearning.example/courses/1");
    let agent_q = urlencode(&gone.to_string());
    for path in [
        format!("/xapi/activities/state?activityId={activity}&agent={agent_q}&stateId=bookmark"),
        format!("/xapi/agents/profile?agent={agent_q}&profileId=preferences"),
    ] {
        let r = lrs
            .put(app.url(&path))
            .basic_auth(&key, Some(&secret))
            .header(V.0, V.1)
            .header("If-None-Match", "*")
            .json(&json!({"x": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204, "{path}");
    }

    let erased =
        goldthread_web::erase_agent(&app.store, &gone.to_string(), None, jiff::Timestamp::now()).await.unwrap();
    assert_eq!((erased.statements, erased.documents), (3, 2));
    assert_eq!(app.store.erasure_count().await.unwrap(), 1);

    let auth = Auth::Basic(key.clone(), secret.clone());
    for q in [format!("?agent={agent_q}"), format!("?agent={agent_q}&related_agents=true")] {
        let (status, body) = lrs_get(app, &auth, &q).await;
        assert_eq!(status, 200);
        assert!(body["statements"].as_array().unwrap().is_empty(), "{q}: {body}");
    }
    for id in &ids[..3] {
        for p in ["statementId", "voidedStatementId"] {
            let (status, _) = lrs_get(app, &auth, &format!("?{p}={id}")).await;
            assert_eq!(status, 404, "{p}={id}");
        }
    }
    let (status, body) = lrs_get(app, &auth, &format!("?statementId={}", ids[3])).await;
    assert_eq!(status, 200, "someone else's statement stays: {body}");
    let (_, all) = lrs_get(app, &auth, "?attachments=false").await;
    let text = all.to_string();
    assert!(
        !text.contains("leaver@elsewhere.example") && !text.contains(&sha2),
        "nothing of the agent is left: {text}"
    );
    for path in [
        format!("/xapi/activities/state?activityId={activity}&agent={agent_q}&stateId=bookmark"),
        format!("/xapi/agents/profile?agent={agent_q}&profileId=preferences"),
    ] {
        let r = lrs.get(app.url(&path)).basic_auth(&key, Some(&secret)).header(V.0, V.1).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    let r = lrs
        .get(app.url(&format!("/xapi/activities/state?activityId={activity}&agent={agent_q}")))
        .basic_auth(&key, Some(&secret))
        .header(V.0, V.1)
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap(), json!([]));
});

app_test!(an_organisation_admin_issues_and_revokes_lrs_credentials, |app| {
    use domain::people::{Role, RoleGrant, RoleScope};
    let org = app.organisation("RX1", "trust.example").await;
    let other = app.organisation("RX2", "other.example").await;
    let admin = |o| [RoleGrant { role: Role::OrganisationAdmin, scope: RoleScope::Organisation(o) }];
    app.user("admin@trust.example", Some(org), None, &admin(org)).await;
    app.user("admin@other.example", Some(other), None, &admin(other)).await;
    app.user("jo@trust.example", Some(org), None, &[]).await;
    let client = app.signed_in("admin@trust.example").await;
    let base = format!("/organisations/{org}/lrs-credentials");
    assert_eq!(app.get(&client, &base).await.status(), 200);
    let outsider = app.signed_in("admin@other.example").await;
    assert_eq!(app.get(&outsider, &base).await.status(), 403);
    let learner = app.signed_in("jo@trust.example").await;
    assert_eq!(app.get(&learner, &base).await.status(), 403);

    let r = app.post(&client, &format!("{base}/new"), &[("label", ""), ("access", "sideways")]).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("Enter the name of the system") && page.contains("Choose what the system may do"));
    assert!(app.store.lrs_credentials(org).await.unwrap().is_empty(), "nothing issued on bad input");

    let r = app.post(&client, &format!("{base}/new"), &[("label", "E-learning platform"), ("access", "write")]).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    let grab = |label: &str| page.split(label).nth(1).unwrap().split('<').next().unwrap().trim().to_owned();
    let (key, secret) = (grab("Key: "), grab("Secret: "));
    let send = || {
        reqwest::Client::new()
            .post(app.url("/xapi/statements"))
            .basic_auth(&key, Some(&secret))
            .header(V.0, V.1)
            .json(&json!({ "actor": { "mbox": "mailto:jo@trust.example" },
                "verb": { "id": "http://adlnet.gov/expapi/verbs/completed" }, "object": { "id": "https://e.example/1" } }))
            .send()
    };
    assert_eq!(send().await.unwrap().status(), 200);
    let listed = app.get(&client, &base).await.text().await.unwrap();
    assert!(listed.contains("E-learning platform") && listed.contains("Write only") && !listed.contains(&secret));
    let r = app.post(&client, &format!("{base}/{key}/revoke"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(send().await.unwrap().status(), 401, "a revoked credential stops working at once");
    let r = app.post(&outsider, &format!("{base}/{key}/revoke"), &[]).await;
    assert_eq!(r.status(), 403);
});

app_test!(an_erasure_finds_an_agent_under_its_mbox_and_under_its_mbox_sha1sum, |app| {
    let org = app.organisation("RX1", "trust.example").await;
    let (key, secret) = app.lrs_credentials(org, true, true).await;
    let auth = Auth::Basic(key.clone(), secret.clone());
    let lrs = reqwest::Client::new();
    let sha1_of = |email: &str| {
        let mbox = domain::xapi::Mbox::parse(&format!("mailto:{email}")).unwrap();
        domain::xapi::MboxSha1Sum::of(&mbox).as_str().to_owned()
    };
    let verb = json!({ "id": "http://adlnet.gov/expapi/verbs/completed" });
    let object = json!({ "id": "https://elearning.example/courses/2" });
    let bystander = json!({ "mbox": "mailto:bystander@elsewhere.example" });
    // Two leavers, each named once by mbox (once as actor, once as a team member) and once by
    // mbox_sha1sum; one is erased by mbox, the other by mbox_sha1sum.
    let mut statements = Vec::new();
    for email in ["one@elsewhere.example", "two@elsewhere.example"] {
        let by_mbox = json!({ "mbox": format!("mailto:{email}") });
        let by_sum = json!({ "mbox_sha1sum": sha1_of(email) });
        statements.push(json!({ "actor": by_mbox, "verb": verb, "object": object }));
        statements.push(json!({ "actor": by_sum, "verb": verb, "object": object }));
        statements.push(json!({ "actor": bystander, "verb": verb, "object": object,
            "context": { "team": { "objectType": "Group", "member": [by_mbox] } } }));
    }
    statements.push(json!({ "actor": bystander, "verb": verb, "object": object }));
    let r = lrs_post(app, &lrs, (&key, &secret), &statements).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let ids: Vec<String> = r.json().await.unwrap();

    let one = json!({ "mbox": "mailto:one@elsewhere.example" }).to_string();
    let erased = goldthread_web::erase_agent(&app.store, &one, None, jiff::Timestamp::now()).await.unwrap();
    assert_eq!(erased.statements, 3, "by mbox: the mbox, its sum and the team membership");
    let two = json!({ "mbox_sha1sum": sha1_of("two@elsewhere.example") }).to_string();
    let erased = goldthread_web::erase_agent(&app.store, &two, None, jiff::Timestamp::now()).await.unwrap();
    assert_eq!(erased.statements, 3, "by mbox_sha1sum: the sum and the mbox behind it, wherever it was named");

    for id in &ids[..6] {
        let (status, _) = lrs_get(app, &auth, &format!("?statementId={id}")).await;
        assert_eq!(status, 404, "{id} is erased");
    }
    let (status, _) = lrs_get(app, &auth, &format!("?statementId={}", ids[6])).await;
    assert_eq!(status, 200, "the bystander's own statement stays");
    let (_, all) = lrs_get(app, &auth, "").await;
    let text = all.to_string();
    assert!(!text.contains("one@elsewhere") && !text.contains("two@elsewhere"), "{text}");
    assert!(!text.contains(&sha1_of("one@elsewhere.example")) && !text.contains(&sha1_of("two@elsewhere.example")));
});

app_test!(entries_loaded_without_statements_are_given_them_once, |app| {
    use domain::ids::EntryId;
    use domain::learning::{Activity, LearningKind, Reflection, TimeSpent, Title};
    use store::learning::EntryFields;

    let org = app.organisation("RX1", "trust.example").await;
    let me = app.user("jo@trust.example", Some(org), None, &[]).await;
    let token = app.token(me).await;
    // Entries loaded straight into the store (as the demo does, or as they were before the LRS):
    // no statement mirrors them.
    let rows: Vec<_> = (0..1_203)
        .map(|n: i64| {
            let fields = EntryFields {
                title: Title::parse(&format!("Ward round {n}")).unwrap(),
                activity: Activity::ALL[1],
                kind: LearningKind::ALL[usize::try_from(n % 3).unwrap()],
                occurred_on: jiff::civil::Date::constant(2026, 3, 1),
                time: TimeSpent::minutes(30 + n % 60).unwrap(),
                reflection: Reflection::new(&format!("What round {n} taught me"), "").unwrap(),
                behaviours: vec!["compassion".to_owned()],
                resource: None,
            };
            (EntryId::from_uuid(uuid::Uuid::new_v4()), me, fields, None)
        })
        .collect();
    app.store.load_entries(&rows, jiff::Timestamp::now()).await.unwrap();
    let hidden = rows[0].0;
    app.store.set_entry_hidden(hidden, me, true, jiff::Timestamp::now()).await.unwrap();
    // Every statement about jo, page after page (a page holds at most 500).
    let all = |token: String| async move {
        let mut out: Vec<Value> = Vec::new();
        let mut query = format!("?agent={}", urlencode(&agent("jo@trust.example")));
        loop {
            let (status, body) = lrs_get(app, &Auth::Bearer(token.clone()), &query).await;
            assert_eq!(status, 200);
            out.extend(body["statements"].as_array().unwrap().iter().cloned());
            match body["more"].as_str().filter(|m| !m.is_empty()) {
                Some(more) => query = more.trim_start_matches("/xapi/statements").to_owned(),
                None => return out,
            }
        }
    };
    assert!(all(token.clone()).await.is_empty());

    // Every shown entry gets its statement (over more than one batch), the hidden one none.
    let written = goldthread_web::backfill_entry_statements(&app.store, &app.base).await.unwrap();
    assert_eq!(written, 1_202);
    let statements = all(token.clone()).await;
    assert_eq!(statements.len(), 1_202);
    let objects: std::collections::BTreeSet<String> =
        statements.iter().map(|s| s["object"]["id"].as_str().unwrap().to_owned()).collect();
    assert!(!objects.contains(&format!("urn:goldthread:entry:{hidden}")));
    assert!(objects.contains(&format!("urn:goldthread:entry:{}", rows[1].0)));
    let one = &statements[0];
    assert!(one["result"]["response"].as_str().unwrap().starts_with("What round"), "{one}");

    // A second run has nothing to do, and an entry changed since is kept in step as before.
    assert_eq!(goldthread_web::backfill_entry_statements(&app.store, &app.base).await.unwrap(), 0);
    app.store.set_entry_hidden(hidden, me, false, jiff::Timestamp::now()).await.unwrap();
    assert_eq!(goldthread_web::backfill_entry_statements(&app.store, &app.base).await.unwrap(), 1);
    assert_eq!(all(token).await.len(), 1_203);
});
