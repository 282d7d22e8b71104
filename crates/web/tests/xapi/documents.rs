//! The document resources: State (Communication 2.3), Agent Profile (2.6) and Activity Profile
//! (2.7), what they share (2.2) and their concurrency rules (3.1).

use reqwest::Method;
use serde_json::json;

use crate::app_test;
use crate::*;

const ACTIVITY: &str = "http://www.example.com/activityId/hashset";

fn account_agent() -> String {
    json!({"objectType": "Agent", "account": {"homePage": "http://www.example.com/agentId/1", "name": "Rick James"}})
        .to_string()
}

/// A path with its query.
fn at(resource: &str, params: &[(&str, &str)]) -> String {
    format!("/xapi/{resource}?{}", q(params))
}

fn state(extra: &[(&str, &str)]) -> String {
    let agent = account_agent();
    let mut params = vec![("activityId", ACTIVITY), ("agent", agent.as_str())];
    params.extend_from_slice(extra);
    at("activities/state", &params)
}

async fn put(lrs: &Lrs<'_>, path: &str, content_type: &str, body: &[u8], headers: &[(&str, &str)]) -> Reply {
    let mut r = lrs.request(Method::PUT, path).header("Content-Type", content_type).body(body.to_vec());
    for (name, value) in headers {
        r = r.header(*name, *value);
    }
    Lrs::send(r).await
}

async fn post(lrs: &Lrs<'_>, path: &str, content_type: &str, body: &[u8], headers: &[(&str, &str)]) -> Reply {
    let mut r = lrs.request(Method::POST, path).header("Content-Type", content_type).body(body.to_vec());
    for (name, value) in headers {
        r = r.header(*name, *value);
    }
    Lrs::send(r).await
}

async fn delete(lrs: &Lrs<'_>, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut r = lrs.request(Method::DELETE, path);
    for (name, value) in headers {
        r = r.header(*name, *value);
    }
    Lrs::send(r).await
}

/// GETs a document, expecting 200, and checks what every document GET carries: the contents as
/// stored, their content type, the ETag (Communication 3.1.s4.b1, b2, b4) and Last-Modified
/// (2.2.s6.b1, SHOULD*). Returns the ETag.
#[track_caller]
fn check_document(r: &Reply, content_type: &str, body: &[u8]) -> String {
    r.expect(200);
    assert_eq!(r.body, body, "the document as stored");
    assert_eq!(r.media_type(), content_type.split(';').next().unwrap());
    let etag = r.header("etag").expect("Communication 3.1.s4.b1: a GET answers an ETag");
    assert_eq!(etag, format!("\"{}\"", sha1_hex(body)), "3.1.s4.b2, b4: the quoted SHA-1 of the contents, lowercase");
    assert!(r.header("last-modified").is_some(), "2.2.s6.b1 (SHOULD*): Last-Modified");
    etag
}

/// The ids a multiple-document GET answers, sorted.
async fn ids(lrs: &Lrs<'_>, path: &str) -> Vec<String> {
    let r = lrs.get(path).await;
    r.expect(200);
    assert_eq!(r.media_type(), "application/json");
    let mut ids: Vec<String> =
        r.json().as_array().expect("an array of ids").iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    ids.sort();
    ids
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

app_test!(state_documents_are_stored_fetched_replaced_and_deleted, |app| {
    let lrs = Lrs::new(app).await;
    let json_doc = br#"{"name":"a","location":{"name":"b"}}"#;
    // Communication 2.3.s3: PUT answers 204, GET 200 with the document.
    let r = put(&lrs, &state(&[("stateId", "json")]), "application/json", json_doc, &[]).await;
    r.expect(204);
    assert!(r.body.is_empty());
    check_document(&lrs.get(&state(&[("stateId", "json")])).await, "application/json", json_doc);
    // Communication 1.5.b1: documents can have any content type, and any octets.
    let binary: Vec<u8> = (0..=255u8).collect();
    put(&lrs, &state(&[("stateId", "binary")]), "application/octet-stream", &binary, &[]).await.expect(204);
    check_document(&lrs.get(&state(&[("stateId", "binary")])).await, "application/octet-stream", &binary);
    put(&lrs, &state(&[("stateId", "text")]), "text/plain; charset=utf-8", "crème brûlée".as_bytes(), &[])
        .await
        .expect(204);
    check_document(&lrs.get(&state(&[("stateId", "text")])).await, "text/plain", "crème brûlée".as_bytes());
    // A state id can be any string.
    let odd = "state id/with ?&= and ünïcode";
    put(&lrs, &state(&[("stateId", odd)]), "application/json", b"{}", &[]).await.expect(204);
    check_document(&lrs.get(&state(&[("stateId", odd)])).await, "application/json", b"{}");

    // Communication 3.1.s3: PUT to the State resource needs no concurrency header to replace.
    put(&lrs, &state(&[("stateId", "json")]), "application/json", br#"{"x":1}"#, &[]).await.expect(204);
    check_document(&lrs.get(&state(&[("stateId", "json")])).await, "application/json", br#"{"x":1}"#);

    // A registration is part of the context (2.3.s3.table1.row3): the same id is another document.
    let registration = new_id();
    lrs.get(&state(&[("stateId", "json"), ("registration", &registration)])).await.refused(404, "");
    put(&lrs, &state(&[("stateId", "json"), ("registration", &registration)]), "application/json", b"{\"r\":1}", &[])
        .await
        .expect(204);
    check_document(
        &lrs.get(&state(&[("stateId", "json"), ("registration", &registration)])).await,
        "application/json",
        b"{\"r\":1}",
    );
    check_document(&lrs.get(&state(&[("stateId", "json")])).await, "application/json", br#"{"x":1}"#);
    // So is the agent, and the activity.
    let other_agent = agent("someone.else@example.com").to_string();
    let other = at("activities/state", &[("activityId", ACTIVITY), ("agent", &other_agent), ("stateId", "json")]);
    lrs.get(&other).await.expect(404);
    let other = at(
        "activities/state",
        &[("activityId", "http://www.example.com/other"), ("agent", &account_agent()), ("stateId", "json")],
    );
    lrs.get(&other).await.expect(404);

    // Communication 2.3.s3: DELETE answers 204, and the document is gone (3.2.s2.b4: 404).
    let r = lrs.delete(&state(&[("stateId", "binary")])).await;
    r.expect(204);
    lrs.get(&state(&[("stateId", "binary")])).await.refused(404, "");
    // Deleting what is not there changes nothing.
    let r = lrs.delete(&state(&[("stateId", "never-stored")])).await;
    assert!(r.status == 204 || r.status == 404, "{}", r.status);
});

app_test!(state_ids_are_listed_since_a_time_and_deleted_together, |app| {
    let lrs = Lrs::new(app).await;
    let registration = new_id();
    for id in ["a", "b"] {
        put(&lrs, &state(&[("stateId", id)]), "application/json", b"{}", &[]).await.expect(204);
    }
    put(&lrs, &state(&[("stateId", "r"), ("registration", &registration)]), "application/json", b"{}", &[])
        .await
        .expect(204);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let between = Timestamp::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    put(&lrs, &state(&[("stateId", "c")]), "application/json", b"{}", &[]).await.expect(204);
    post(&lrs, &state(&[("stateId", "a")]), "application/json", b"{\"later\":true}", &[]).await.expect(204);

    // Communication 2.3.s4: the ids of the context; with a registration, only its own.
    let all = ids(&lrs, &state(&[])).await;
    assert!(all.starts_with(&strings(&["a", "b", "c"])), "{all:?}");
    assert_eq!(ids(&lrs, &state(&[("registration", &registration)])).await, strings(&["r"]));
    // since: stored or updated after the time, exclusive (2.3.s4.table1.row4).
    let since = between.to_string();
    assert_eq!(ids(&lrs, &state(&[("since", &since)])).await, strings(&["a", "c"]));
    assert!(ids(&lrs, &state(&[("since", "2099-01-01T00:00:00Z")])).await.is_empty());
    // No documents: an empty array.
    let nobody = agent("nobody@example.com").to_string();
    assert!(ids(&lrs, &at("activities/state", &[("activityId", ACTIVITY), ("agent", &nobody)])).await.is_empty());

    // Communication 2.3.s5: DELETE without stateId deletes the context's documents.
    lrs.delete(&state(&[("registration", &registration)])).await.expect(204);
    lrs.get(&state(&[("stateId", "r"), ("registration", &registration)])).await.expect(404);
    lrs.get(&state(&[("stateId", "a")])).await.expect(200);
    lrs.delete(&state(&[])).await.expect(204);
    for id in ["a", "b", "c"] {
        lrs.get(&state(&[("stateId", id)])).await.expect(404);
    }
    assert!(ids(&lrs, &state(&[])).await.is_empty());
});

app_test!(posting_json_merges_it_into_the_stored_document, |app| {
    let lrs = Lrs::new(app).await;
    let path = state(&[("stateId", "merge")]);
    // Posting to a new document stores it, whatever it holds (Communication 2.2.s4.b2 and s7; the
    // conformance suite posts "1" and "true" as forms to new documents).
    for (i, body) in [&b"1"[..], b"true"].iter().enumerate() {
        let fresh = state(&[("stateId", &format!("fresh-{i}"))]);
        post(&lrs, &fresh, "application/x-www-form-urlencoded", body, &[]).await.expect(204);
        assert_eq!(lrs.get(&fresh).await.body, *body);
        let fresh = at("activities/profile", &[("activityId", ACTIVITY), ("profileId", &format!("fresh-{i}"))]);
        post(&lrs, &fresh, "application/x-www-form-urlencoded", body, &[]).await.expect(204);
        assert_eq!(lrs.get(&fresh).await.body, *body);
    }
    post(&lrs, &path, "application/json", br#"{"x":"foo","y":"bar"}"#, &[]).await.expect(204);
    // Communication 2.2.s7 (the specification's example) and 2.2.s8.b2: 204.
    let r = post(&lrs, &path, "application/json", br#"{"x":"bash","z":"faz"}"#, &[]).await;
    r.expect(204);
    let got = lrs.get(&path).await;
    got.expect(200);
    assert_eq!(got.json(), json!({"x": "bash", "y": "bar", "z": "faz"}));
    let etag = got.header("etag").unwrap();
    assert_eq!(etag, format!("\"{}\"", sha1_hex(&got.body)), "the ETag of the merged document");
    // Only top-level properties are merged.
    post(&lrs, &path, "application/json; charset=utf-8", br#"{"y":{"deep":1}}"#, &[]).await.expect(204);
    post(&lrs, &path, "application/json", br#"{"y":{"other":2}}"#, &[]).await.expect(204);
    assert_eq!(lrs.get(&path).await.json(), json!({"x": "bash", "y": {"other": 2}, "z": "faz"}));

    // Communication 2.2.s8.b1: both must be application/json and JSON objects, or 400 and no change.
    let before = lrs.get(&path).await.body;
    for (content_type, body) in [
        ("application/json", &b"[1, 2]"[..]),
        ("application/json", b"\"text\""),
        ("application/json", b"{not json"),
        ("text/plain", br#"{"x":"plain"}"#),
        ("application/octet-stream", br#"{"x":"octets"}"#),
    ] {
        post(&lrs, &path, content_type, body, &[]).await.refused(400, "");
        assert_eq!(lrs.get(&path).await.body, before, "unchanged after a refused merge of {content_type}");
    }
    let text = state(&[("stateId", "text")]);
    put(&lrs, &text, "text/plain", b"just words", &[]).await.expect(204);
    post(&lrs, &text, "application/json", br#"{"x":1}"#, &[]).await.refused(400, "");
    assert_eq!(lrs.get(&text).await.body, b"just words");
    let array = state(&[("stateId", "array")]);
    put(&lrs, &array, "application/json", b"[1]", &[]).await.expect(204);
    post(&lrs, &array, "application/json", br#"{"x":1}"#, &[]).await.refused(400, "");
    assert_eq!(lrs.get(&array).await.body, b"[1]");

    // The Activity and Agent Profile resources merge the same way (2.2.s3).
    let profile = at("activities/profile", &[("activityId", ACTIVITY), ("profileId", "merge")]);
    post(&lrs, &profile, "application/json", br#"{"x":"foo","y":"bar"}"#, &[]).await.expect(204);
    post(&lrs, &profile, "application/json", br#"{"x":"bash","z":"faz"}"#, &[]).await.expect(204);
    assert_eq!(lrs.get(&profile).await.json(), json!({"x": "bash", "y": "bar", "z": "faz"}));
    post(&lrs, &profile, "text/plain", b"x", &[]).await.refused(400, "");
    let agent_profile = at("agents/profile", &[("agent", &account_agent()), ("profileId", "merge")]);
    post(&lrs, &agent_profile, "application/json", br#"{"x":"foo","y":"bar"}"#, &[]).await.expect(204);
    post(&lrs, &agent_profile, "application/json", br#"{"x":"bash","z":"faz"}"#, &[]).await.expect(204);
    assert_eq!(lrs.get(&agent_profile).await.json(), json!({"x": "bash", "y": "bar", "z": "faz"}));
    post(&lrs, &agent_profile, "application/json", b"[]", &[]).await.refused(400, "");
});

app_test!(state_parameters_are_required_and_validated, |app| {
    let lrs = Lrs::new(app).await;
    let who = account_agent();
    let agent: &str = &who;
    type Case<'a> = (Method, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        // Communication 2.3.s3.table1: activityId, agent and (for one document) stateId are required.
        (Method::GET, vec![("agent", agent), ("stateId", "s")], "activityId"),
        (Method::GET, vec![("activityId", ACTIVITY), ("stateId", "s")], "agent"),
        (Method::PUT, vec![("activityId", ACTIVITY), ("agent", agent)], "stateId"),
        (Method::POST, vec![("activityId", ACTIVITY), ("agent", agent)], "stateId"),
        (Method::DELETE, vec![("agent", agent)], "activityId"),
        // Data 2.2.s4.b4: parameter values validated like statement values.
        (Method::GET, vec![("activityId", "not an iri"), ("agent", agent), ("stateId", "s")], "activityId"),
        (Method::GET, vec![("activityId", ACTIVITY), ("agent", "not json"), ("stateId", "s")], "agent"),
        (
            Method::GET,
            vec![("activityId", ACTIVITY), ("agent", "{\"mbox\":\"a@example.com\"}"), ("stateId", "s")],
            "agent",
        ),
        (
            Method::PUT,
            vec![
                ("activityId", ACTIVITY),
                ("agent", "{\"mbox\":\"mailto:a@example.com\",\"openid\":\"http://o.example.org/a\"}"),
                ("stateId", "s"),
            ],
            "agent",
        ),
        (
            Method::PUT,
            vec![("activityId", ACTIVITY), ("agent", agent), ("stateId", "s"), ("registration", "nope")],
            "registration",
        ),
        (Method::GET, vec![("activityId", ACTIVITY), ("agent", agent), ("since", "last week")], "since"),
        // Communication 3.2.s3.b7, b8: unknown parameters, and known ones in another case.
        (
            Method::GET,
            vec![("activityId", ACTIVITY), ("agent", agent), ("stateId", "s"), ("profileId", "p")],
            "profileId",
        ),
        (Method::PUT, vec![("activityId", ACTIVITY), ("agent", agent), ("stateID", "s")], "stateID"),
        (Method::GET, vec![("activityID", ACTIVITY), ("agent", agent)], "activityID"),
    ];
    for (method, params, needle) in cases {
        let path = at("activities/state", &params);
        let mut r = lrs.request(method.clone(), &path);
        if method == Method::PUT || method == Method::POST {
            r = r.json(&json!({"a": 1}));
        }
        Lrs::send(r).await.refused(400, needle);
    }
    // As the conformance suite sends them: values of other JSON types, or "undefined", on every
    // method (Communication 2.3.s3.table1, XAPI State tests).
    for method in [Method::GET, Method::PUT, Method::POST, Method::DELETE] {
        for bad in ["1", "true", "undefined", "{\"key\":\"value\"}"] {
            let path = at("activities/state", &[("activityId", bad), ("agent", agent), ("stateId", "s")]);
            let mut r = lrs.request(method.clone(), &path);
            if method == Method::PUT || method == Method::POST {
                r = r.json(&json!({"a": 1}));
            }
            Lrs::send(r).await.refused(400, "activityId");
            let path = at("activities/state", &[("activityId", ACTIVITY), ("agent", bad), ("stateId", "s")]);
            let mut r = lrs.request(method.clone(), &path);
            if method == Method::PUT || method == Method::POST {
                r = r.json(&json!({"a": 1}));
            }
            Lrs::send(r).await.refused(400, "agent");
        }
        let path = at(
            "activities/state",
            &[("activityId", ACTIVITY), ("agent", agent), ("stateId", "s"), ("registration", "1")],
        );
        let mut r = lrs.request(method.clone(), &path);
        if method == Method::PUT || method == Method::POST {
            r = r.json(&json!({"a": 1}));
        }
        Lrs::send(r).await.refused(400, "registration");
    }
    assert!(ids(&lrs, &state(&[])).await.is_empty(), "nothing was stored");
    // Communication 2.2.s4.b2: unknown activities and agents are not a reason to refuse.
    put(&lrs, &state(&[("stateId", "s")]), "application/json", b"{}", &[]).await.expect(204);
});

app_test!(state_honours_if_match_and_if_none_match, |app| {
    let lrs = Lrs::new(app).await;
    let path = state(&[("stateId", "concurrency")]);
    put(&lrs, &path, "application/json", br#"{"v":1}"#, &[]).await.expect(204);
    let etag = check_document(&lrs.get(&path).await, "application/json", br#"{"v":1}"#);
    // Communication 3.1.s4.b5, b9, b10 (XAPI-00322): a stale ETag is 412, and nothing changes.
    let stale = "\"1111111111111111111111111111111111111111\"";
    put(&lrs, &path, "application/json", br#"{"v":2}"#, &[("If-Match", stale)]).await.refused(412, "");
    assert_eq!(lrs.get(&path).await.body, br#"{"v":1}"#);
    // 3.1.s4.b6: If-None-Match: * when the document exists.
    put(&lrs, &path, "application/json", br#"{"v":2}"#, &[("If-None-Match", "*")]).await.refused(412, "");
    assert_eq!(lrs.get(&path).await.body, br#"{"v":1}"#);
    // The current ETag goes ahead.
    put(&lrs, &path, "application/json", br#"{"v":2}"#, &[("If-Match", &etag)]).await.expect(204);
    assert_eq!(lrs.get(&path).await.body, br#"{"v":2}"#);
    // 3.1.s4.b7, b11, b12 (SHOULD*): POST and DELETE honour a stale If-Match too.
    post(&lrs, &path, "application/json", br#"{"w":1}"#, &[("If-Match", stale)]).await.refused(412, "");
    delete(&lrs, &path, &[("If-Match", stale)]).await.refused(412, "");
    assert_eq!(lrs.get(&path).await.body, br#"{"v":2}"#);
    // If-None-Match: * for a new document goes ahead; If-Match for a missing one fails.
    put(&lrs, &state(&[("stateId", "new")]), "application/json", b"{}", &[("If-None-Match", "*")]).await.expect(204);
    put(&lrs, &state(&[("stateId", "missing")]), "application/json", b"{}", &[("If-Match", stale)])
        .await
        .refused(412, "");
    lrs.get(&state(&[("stateId", "missing")])).await.expect(404);
});

/// The rules both profile resources share, on the documents at `base` (the query without
/// profileId) in `resource`.
async fn profile_rules(lrs: &Lrs<'_>, resource: &str, base: &[(&str, &str)]) {
    let path = |id: &str| {
        let mut p = base.to_vec();
        p.push(("profileId", id));
        at(resource, &p)
    };
    let doc = br#"{"name":"profile"}"#;
    let stale = "\"1111111111111111111111111111111111111111\"";
    // A PUT creating a document without either header is refused (conformance requirement
    // XAPI-00273), and creates nothing.
    let r = put(lrs, &path("p1"), "application/json", doc, &[]).await;
    r.refused(400, "If-None-Match");
    lrs.get(&path("p1")).await.expect(404);
    // Communication 3.1.s4.b6: If-None-Match: * creates a new document.
    put(lrs, &path("p1"), "application/json", doc, &[("If-None-Match", "*")]).await.expect(204);
    let etag = check_document(&lrs.get(&path("p1")).await, "application/json", doc);
    // 3.1.s4.b13-b15: a PUT to an existing document without either header is 409, explaining that
    // the provider should check the current state and send If-Match with its ETag; no change.
    let r = put(lrs, &path("p1"), "application/json", br#"{"name":"blind"}"#, &[]).await;
    r.refused(409, "If-Match");
    assert_eq!(lrs.get(&path("p1")).await.body, doc);
    // 3.1.s4.b5, b9, b10: a stale If-Match is 412; b6: If-None-Match: * on an existing one too.
    put(lrs, &path("p1"), "application/json", br#"{"name":"stale"}"#, &[("If-Match", stale)]).await.refused(412, "");
    put(lrs, &path("p1"), "application/json", br#"{"name":"exists"}"#, &[("If-None-Match", "*")])
        .await
        .refused(412, "");
    assert_eq!(lrs.get(&path("p1")).await.body, doc);
    // The current ETag (and *) goes ahead.
    put(lrs, &path("p1"), "application/json", br#"{"name":"v2"}"#, &[("If-Match", &etag)]).await.expect(204);
    let etag = check_document(&lrs.get(&path("p1")).await, "application/json", br#"{"name":"v2"}"#);
    put(lrs, &path("p1"), "application/json", br#"{"name":"v3"}"#, &[("If-Match", "*")]).await.expect(204);
    put(lrs, &path("p1"), "application/json", br#"{"name":"v4"}"#, &[("If-Match", &etag)]).await.refused(412, "");
    let etag = check_document(&lrs.get(&path("p1")).await, "application/json", br#"{"name":"v3"}"#);
    // 3.1.s4.b7, b8, b11, b12 (SHOULD*): POST and DELETE honour the headers too.
    post(lrs, &path("p1"), "application/json", br#"{"more":1}"#, &[("If-Match", stale)]).await.refused(412, "");
    post(lrs, &path("p1"), "application/json", br#"{"more":1}"#, &[("If-None-Match", "*")]).await.refused(412, "");
    post(lrs, &path("p1"), "application/json", br#"{"more":1}"#, &[("If-Match", &etag)]).await.expect(204);
    let merged = lrs.get(&path("p1")).await;
    assert_eq!(merged.json(), json!({"name": "v3", "more": 1}));
    let etag = merged.header("etag").unwrap();
    delete(lrs, &path("p1"), &[("If-Match", stale)]).await.refused(412, "");
    lrs.get(&path("p1")).await.expect(200);
    let r = delete(lrs, &path("p1"), &[("If-Match", &etag)]).await;
    r.expect(204);
    assert!(r.body.is_empty());
    lrs.get(&path("p1")).await.refused(404, "");

    // Other content types, and ids listed with since (2.6.s4, 2.7.s4).
    put(lrs, &path("text"), "text/plain", b"plain profile", &[("If-None-Match", "*")]).await.expect(204);
    check_document(&lrs.get(&path("text")).await, "text/plain", b"plain profile");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let between = Timestamp::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    put(lrs, &path("later"), "application/json", b"{}", &[("If-None-Match", "*")]).await.expect(204);
    assert_eq!(ids(lrs, &at(resource, base)).await, strings(&["later", "text"]));
    let mut since = base.to_vec();
    let between = between.to_string();
    since.push(("since", &between));
    assert_eq!(ids(lrs, &at(resource, &since)).await, strings(&["later"]));
    // A DELETE without If-Match is allowed (3.1.s3.b3 is a SHOULD* for clients).
    delete(lrs, &path("later"), &[]).await.expect(204);
    lrs.get(&path("later")).await.expect(404);

    // Required and unknown parameters (Communication 2.6.s3, 2.7.s3; 3.2.s3.b7).
    lrs.get(&at(resource, &[("profileId", "p")])).await.refused(400, base[0].0);
    let mut unknown = base.to_vec();
    unknown.push(("profileId", "p"));
    unknown.push(("stateId", "s"));
    lrs.get(&at(resource, &unknown)).await.refused(400, "stateId");
    let r = lrs.request(Method::PUT, &at(resource, base)).header("If-None-Match", "*").json(&json!({"a": 1}));
    Lrs::send(r).await.refused(400, "profileId");
    let r = lrs.request(Method::DELETE, &at(resource, base));
    Lrs::send(r).await.refused(400, "profileId");
    let mut bad_since = base.to_vec();
    bad_since.push(("since", "soon"));
    lrs.get(&at(resource, &bad_since)).await.refused(400, "since");
}

app_test!(activity_profile_documents_follow_the_concurrency_rules, |app| {
    let lrs = Lrs::new(app).await;
    profile_rules(&lrs, "activities/profile", &[("activityId", ACTIVITY)]).await;
    // Data 2.2.s4.b4: activityId is an IRI.
    lrs.get(&at("activities/profile", &[("activityId", "not an iri"), ("profileId", "p")]))
        .await
        .refused(400, "activityId");
    // Another activity is another set of documents.
    let other = at("activities/profile", &[("activityId", "http://www.example.com/other")]);
    assert!(ids(&lrs, &other).await.is_empty());
});

app_test!(agent_profile_documents_follow_the_concurrency_rules, |app| {
    let lrs = Lrs::new(app).await;
    let who = account_agent();
    profile_rules(&lrs, "agents/profile", &[("agent", &who)]).await;
    // The agent is an Agent with one identifier (Communication 2.6.s3 note: not a Group).
    for bad in [
        "not json",
        "{\"mbox\":\"rick@example.com\"}",
        "{\"mbox\":\"mailto:a@example.com\",\"account\":{\"homePage\":\"http://e.org\",\"name\":\"a\"}}",
        "{\"objectType\":\"Group\",\"mbox\":\"mailto:group@example.com\"}",
        "{\"objectType\":\"Group\",\"member\":[{\"mbox\":\"mailto:a@example.com\"}]}",
    ] {
        lrs.get(&at("agents/profile", &[("agent", bad), ("profileId", "p")])).await.refused(400, "agent");
    }
    // The same person identified by another property is another agent.
    let other = agent("rick@example.com").to_string();
    assert!(ids(&lrs, &at("agents/profile", &[("agent", &other)])).await.is_empty());
});
