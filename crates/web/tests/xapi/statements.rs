//! The Statement resource: PUT (Communication 2.1.1), POST (2.1.2), GET of one statement (2.1.3),
//! re-sent ids (Data 2.3.1), voiding (Data 2.3.2, Communication 2.1.4) and what the LRS sets
//! (Data 2.4.7 to 2.4.10).

use reqwest::Method;
use serde_json::{json, Value};

use crate::app_test;
use crate::*;

app_test!(put_stores_a_statement_under_its_statement_id, |app| {
    let lrs = Lrs::new(app).await;
    let id = new_id();
    let s = statement_with(|s| s["id"] = json!(id));
    // Communication 2.1.1.s1: 204 No Content.
    let r = lrs.put_json(&format!("/xapi/statements?statementId={id}"), &s).await;
    r.expect(204);
    assert!(r.body.is_empty());

    let r = lrs.get(&format!("/xapi/statements?statementId={id}")).await;
    r.expect(200);
    assert_eq!(r.media_type(), "application/json");
    let got = r.json();
    assert_eq!(got["id"], json!(id));
    assert_eq!(got["actor"], s["actor"]);
    assert_eq!(got["verb"], s["verb"]);
    assert_eq!(got["object"], s["object"]);
    time(&r.header("x-experience-api-consistent-through").expect("Consistent-Through on GET"));
    // Communication 2.1.3.s2.b8 (SHOULD*): Last-Modified matches "stored".
    let modified = r.header("last-modified").expect("Last-Modified on a statement GET");
    let modified = jiff::fmt::rfc2822::DateTimeParser::new().parse_timestamp(&modified).unwrap();
    let stored = time(got["stored"].as_str().unwrap());
    assert_eq!(modified.as_second(), stored.as_second(), "Last-Modified is the stored time");

    // A PUT whose statement has no id is stored under statementId (Communication 2.1.1.s3.b2).
    let id2 = new_id();
    lrs.put_json(&format!("/xapi/statements?statementId={id2}"), &statement()).await.expect(204);
    assert_eq!(lrs.statement(&id2).await["id"], json!(id2));
    // Upper-case hex is a UUID in standard form too (Data 2.4.1, RFC 4122).
    let id3 = new_id().to_uppercase();
    let s3 = statement_with(|s| s["id"] = json!(id3));
    lrs.put_json(&format!("/xapi/statements?statementId={id3}"), &s3).await.expect(204);
    let got = lrs.statement(&id3.to_lowercase()).await;
    assert_eq!(got["id"].as_str().unwrap().to_lowercase(), id3.to_lowercase());
});

app_test!(put_refuses_a_missing_or_mismatched_statement_id, |app| {
    let lrs = Lrs::new(app).await;
    let id = new_id();
    let s = statement_with(|s| s["id"] = json!(id));
    // Communication 2.1.1.s1.table1.row1 (XAPI-00145): statementId is required.
    lrs.put_json("/xapi/statements", &s).await.refused(400, "statementId");
    // Communication 2.1.1.s3.b3: the id must match statementId.
    lrs.put_json(&format!("/xapi/statements?statementId={}", new_id()), &s).await.refused(400, "statementId");
    // statementId must be a UUID (Communication 2.1.1.s1, Data 2.2.s4.b4).
    lrs.put_json("/xapi/statements?statementId=true", &statement()).await.refused(400, "statementId");
    lrs.put_json("/xapi/statements?statementId=", &statement()).await.refused(400, "statementId");
    lrs.put_json(&format!("/xapi/statements?statementId={id}x"), &statement()).await.refused(400, "statementId");
    // PUT stores one statement: not an array, not a broken document.
    lrs.put_json(&format!("/xapi/statements?statementId={id}"), &json!([s])).await.refused(400, "");
    let broken = lrs
        .request(Method::PUT, &format!("/xapi/statements?statementId={id}"))
        .header("Content-Type", "application/json")
        .body("{\"actor\": ");
    Lrs::send(broken).await.refused(400, "");
    let empty = lrs
        .request(Method::PUT, &format!("/xapi/statements?statementId={id}"))
        .header("Content-Type", "application/json");
    Lrs::send(empty).await.refused(400, "");
    // Communication 3.2.s3.b7: an unknown parameter beside statementId.
    lrs.put_json(&format!("/xapi/statements?statementId={id}&extra=1"), &s).await.refused(400, "extra");
    // Nothing was stored.
    lrs.get(&format!("/xapi/statements?statementId={id}")).await.expect(404);
    assert!(lrs.ids("").await.is_empty());
});

app_test!(post_stores_one_statement_or_a_batch_and_answers_their_ids, |app| {
    let lrs = Lrs::new(app).await;
    // Communication 2.1.2.s1: 200 OK and an array of ids, in the order of the statements.
    let r = lrs.post_json("/xapi/statements", &statement()).await;
    r.expect(200);
    assert_eq!(r.media_type(), "application/json");
    let ids = r.json();
    let ids = ids.as_array().unwrap();
    assert_eq!(ids.len(), 1);
    let generated = ids[0].as_str().unwrap();
    // Data 2.4.1: the LRS sets an id where none is given, a UUID.
    assert!(uuid::Uuid::parse_str(generated).is_ok(), "{generated}");
    assert_eq!(lrs.statement(generated).await["id"], json!(generated));

    let id = new_id();
    let r = lrs.post_json("/xapi/statements", &statement_with(|s| s["id"] = json!(id))).await;
    r.expect(200);
    assert_eq!(r.json(), json!([id]));

    let (first, third) = (new_id(), new_id());
    let batch = json!([
        statement_with(|s| s["id"] = json!(first)),
        statement_with(|s| s["verb"]["id"] = json!("http://adlnet.gov/expapi/verbs/experienced")),
        statement_with(|s| s["id"] = json!(third)),
    ]);
    let r = lrs.post_json("/xapi/statements", &batch).await;
    r.expect(200);
    let got = r.json();
    let got: Vec<&str> = got.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(got.len(), 3);
    assert_eq!(got[0], first);
    assert_eq!(got[2], third);
    assert_eq!(lrs.statement(got[1]).await["verb"]["id"], json!("http://adlnet.gov/expapi/verbs/experienced"));
    assert_eq!(lrs.ids("").await.len(), 5);

    // Communication 1.5.1 / 1.4: JSON with a charset, and UTF-8 text kept as sent.
    let id = new_id();
    let s = statement_with(|s| {
        s["id"] = json!(id);
        s["verb"]["display"] = json!({"zh-CN": "尝试", "el": "δοκίμασε", "en-US": "attempted"});
    });
    let r = lrs
        .request(Method::POST, "/xapi/statements")
        .header("Content-Type", "application/json; charset=utf-8")
        .body(s.to_string());
    Lrs::send(r).await.expect(200);
    assert_eq!(lrs.statement(&id).await["verb"]["display"], s["verb"]["display"]);

    // Communication 3.2.s3.b6 (SHOULD*): a body that does not match its content type.
    let r = lrs.request(Method::POST, "/xapi/statements").header("Content-Type", "text/plain").body(s.to_string());
    let r = Lrs::send(r).await;
    assert!(r.status == 400 || r.status == 200 && r.json() == json!([id]), "{} {}", r.status, r.text());
});

app_test!(an_identical_resend_is_accepted_without_a_duplicate_and_a_different_one_conflicts, |app| {
    let lrs = Lrs::new(app).await;
    let id = new_id();
    let s = statement_with(|s| {
        s["id"] = json!(id);
        s["timestamp"] = json!("2024-01-01T12:00:00.000Z");
        s["actor"] = json!({
            "objectType": "Group", "name": "Team",
            "member": [agent("one@example.com"), agent("two@example.com")]
        });
    });
    lrs.put_json(&format!("/xapi/statements?statementId={id}"), &s).await.expect(204);
    let original = lrs.statement(&id).await;

    // Communication 2.1.1.s2.b2/b3 and 2.1.2.s2.b4/b5: the same statement again changes nothing.
    lrs.put_json(&format!("/xapi/statements?statementId={id}"), &s).await.expect(204);
    let r = lrs.post_json("/xapi/statements", &s).await;
    r.expect(200);
    assert_eq!(r.json(), json!([id]));
    // Data 2.3.1.s9.b1: differences allowed by the immutability exceptions are ignored: the
    // timestamp in another time zone, the members of a Group in another order, a provider's
    // "stored" (which the LRS overwrites anyway).
    let same = statement_with(|x| {
        x["id"] = json!(id);
        x["timestamp"] = json!("2024-01-01T13:00:00+01:00");
        x["actor"] = json!({
            "objectType": "Group", "name": "Team",
            "member": [agent("two@example.com"), agent("one@example.com")]
        });
        x["stored"] = json!("2020-01-01T00:00:00Z");
    });
    lrs.put_json(&format!("/xapi/statements?statementId={id}"), &same).await.expect(204);
    lrs.post_json("/xapi/statements", &same).await.expect(200);
    assert_eq!(lrs.ids("").await, vec![id.clone()], "no duplicate");

    // Communication 2.1.1.s2.b3, 2.1.2.s2.b5: a different statement under the same id is 409, and
    // nothing changes (Data 2.3.1.s9.b2: the duration is compared as a string).
    let differs = [
        statement_with(|x| {
            x["id"] = json!(id);
            x["verb"]["id"] = json!("http://adlnet.gov/expapi/verbs/completed");
        }),
        {
            let mut x = s.clone();
            x["result"] = json!({"duration": "PT1H"});
            x
        },
        {
            let mut x = s.clone();
            x["timestamp"] = json!("2024-01-01T12:00:01.000Z");
            x
        },
    ];
    for d in &differs {
        lrs.put_json(&format!("/xapi/statements?statementId={id}"), d).await.refused(409, "");
        lrs.post_json("/xapi/statements", d).await.refused(409, "");
    }
    let mut with_duration = s.clone();
    with_duration["result"] = json!({"duration": "PT1H"});
    lrs.post_json("/xapi/statements", &with_duration).await.refused(409, "");
    // A batch holding a conflict is refused whole (Communication 3.2.s3.b9).
    let new = with_new_id(&statement());
    lrs.post_json("/xapi/statements", &json!([new.clone(), differs[0].clone()])).await.refused(409, "");
    lrs.get(&format!("/xapi/statements?statementId={}", new["id"].as_str().unwrap())).await.expect(404);
    assert_eq!(lrs.statement(&id).await, original, "the stored statement is unchanged");
    assert_eq!(lrs.ids("").await, vec![id]);
});

app_test!(a_batch_repeating_an_id_or_holding_one_bad_statement_is_refused_whole, |app| {
    let lrs = Lrs::new(app).await;
    let good = with_new_id(&statement());
    // Communication 2.1.2.s2.b6 (SHOULD*): two statements with one id.
    let id = new_id();
    let twice = json!([statement_with(|s| s["id"] = json!(id)), statement_with(|s| s["id"] = json!(id))]);
    lrs.post_json("/xapi/statements", &twice).await.refused(400, "id");
    // Communication 3.2.s3.b9 (XAPI-00146): one bad statement rejects the batch.
    let bad = statement_with(|s| s["verb"]["id"] = json!("should fail"));
    lrs.post_json("/xapi/statements", &json!([good.clone(), bad])).await.refused(400, "verb.id");
    lrs.post_json("/xapi/statements", &json!([good.clone(), "not a statement"])).await.refused(400, "");
    lrs.get(&format!("/xapi/statements?statementId={id}")).await.expect(404);
    lrs.get(&format!("/xapi/statements?statementId={}", good["id"].as_str().unwrap())).await.expect(404);
    assert!(lrs.ids("").await.is_empty());
    // A body that is not a statement or an array of statements.
    for body in [json!("statement"), json!(12), json!(null), json!([[statement()]])] {
        lrs.post_json("/xapi/statements", &body).await.refused(400, "");
    }
    assert!(lrs.ids("").await.is_empty());
});

app_test!(a_large_batch_is_stored_in_order_and_refused_at_its_first_bad_statement, |app| {
    // Batches of 16 or more are read on two threads, half each: the ids still come back in the
    // order sent, and a refusal names the first statement in that order that breaks a rule.
    let lrs = Lrs::new(app).await;
    let batch: Vec<Value> = (0..40)
        .map(|i| statement_with(|s| s["object"]["id"] = json!(format!("http://example.com/activities/{i}"))))
        .map(|s| with_new_id(&s))
        .collect();
    let bad_verb = |s: &mut Value| s["verb"]["id"] = json!("should fail");
    // An error only in the second half, after a repeat that is also in the second half.
    let mut refused = batch.clone();
    refused[25]["id"] = refused[21]["id"].clone();
    bad_verb(&mut refused[33]);
    lrs.post_json("/xapi/statements", &json!(refused)).await.refused(400, "[25].id");
    // A repeat across the halves comes before an error later in the second half.
    let mut refused = batch.clone();
    refused[30]["id"] = refused[2]["id"].clone();
    bad_verb(&mut refused[31]);
    lrs.post_json("/xapi/statements", &json!(refused)).await.refused(400, "[30].id");
    // An error in the first half comes before one in the second.
    let mut refused = batch.clone();
    bad_verb(&mut refused[19]);
    bad_verb(&mut refused[5]);
    lrs.post_json("/xapi/statements", &json!(refused)).await.refused(400, "[5].verb.id");
    // Text that is not a statement, in the second half.
    let mut refused = batch.clone();
    refused[39] = json!("not a statement");
    lrs.post_json("/xapi/statements", &json!(refused)).await.refused(400, "[39]");
    assert!(lrs.ids("").await.is_empty(), "nothing of a refused batch is stored");

    let r = lrs.post_json("/xapi/statements", &json!(batch)).await;
    r.expect(200);
    let sent: Vec<Value> = batch.iter().map(|s| s["id"].clone()).collect();
    assert_eq!(r.json(), json!(sent));
    for (i, s) in batch.iter().enumerate().step_by(13) {
        let stored = lrs.statement(s["id"].as_str().unwrap()).await;
        assert_eq!(stored["object"]["id"], json!(format!("http://example.com/activities/{i}")));
    }
    assert_eq!(lrs.ids("").await.len(), 40);
});

app_test!(the_lrs_sets_stored_timestamp_authority_and_version, |app| {
    let lrs = Lrs::new(app).await;
    let before = Timestamp::now();
    let id = lrs.store(&statement()).await;
    let after = Timestamp::now();
    let s = lrs.statement(&id).await;
    // Data 2.4.8.s3.b2: stored set by the LRS; b3: the current or a past time.
    let stored = time(s["stored"].as_str().expect("stored"));
    assert!(stored >= before - jiff::SignedDuration::from_secs(1) && stored <= after, "{stored}");
    // Data 2.4.7.s3.b2 (SHOULD*): a missing timestamp is set to stored.
    assert_eq!(time(s["timestamp"].as_str().expect("timestamp")), stored);
    // Data 2.4.10.s3.b3: a statement without a version gets 1.0.0.
    assert_eq!(s["version"], json!("1.0.0"));
    // Data 2.4.9.s3.b1-b3: an authority that is an Agent, for HTTP Basic credentials.
    let authority = &s["authority"];
    assert_eq!(authority.get("objectType").map_or("Agent", |t| t.as_str().unwrap()), "Agent", "{authority}");
    let ifis = ["mbox", "mbox_sha1sum", "openid", "account"];
    assert_eq!(ifis.iter().filter(|k| authority.get(**k).is_some()).count(), 1, "{authority}");

    // Data 2.4.8.s3.b2: a sent "stored" is overwritten; 2.4.9.s3.b4: so is a sent authority;
    // 2.4.10.s3.b3: a sent version is kept; a sent timestamp is kept (as the same instant).
    let sent = statement_with(|s| {
        s["stored"] = json!("2001-01-01T00:00:00Z");
        s["authority"] = agent("pretender@example.com");
        s["version"] = json!("1.0.3");
        s["timestamp"] = json!("2013-05-18T05:32:34.804+00:00");
    });
    let id = lrs.store(&sent).await;
    let s2 = lrs.statement(&id).await;
    assert!(time(s2["stored"].as_str().unwrap()) >= before - jiff::SignedDuration::from_secs(1));
    assert_eq!(&s2["authority"], authority, "the authority is the credential's, not the sender's claim");
    assert_eq!(s2["version"], json!("1.0.3"));
    assert_eq!(time(s2["timestamp"].as_str().unwrap()), time("2013-05-18T05:32:34.804Z"));
    // Data 2.4.7.s3.b6 (SHOULD* NOT): a timestamp in the future is not refused.
    let future = statement_with(|s| s["timestamp"] = json!("2099-01-01T00:00:00Z"));
    lrs.post_json("/xapi/statements", &future).await.expect(200);
    // Data 2.4.10.s3.b2: a version not starting with 1.0. is refused.
    let bad = statement_with(|s| s["version"] = json!("2.0.0"));
    lrs.post_json("/xapi/statements", &bad).await.refused(400, "version");

    // Communication 2.1.3.s2.b5: Consistent-Through is not before any returned stored time, and recent.
    let r = lrs.get("/xapi/statements").await;
    r.expect(200);
    let through = time(&r.header("x-experience-api-consistent-through").unwrap());
    for s in r.json()["statements"].as_array().unwrap() {
        assert!(time(s["stored"].as_str().unwrap()) <= through, "{through} before {}", s["stored"]);
    }
    assert!(through >= before - jiff::SignedDuration::from_secs(60), "a recent timestamp");
    // Data 4.5.s1.b6 (SHOULD*): timestamps are returned in UTC.
    let utc = |t: &Value| {
        let t = t.as_str().unwrap();
        t.ends_with('Z') || t.ends_with("+00:00")
    };
    assert!(utc(&s["stored"]) && utc(&s2["timestamp"]), "{} {}", s["stored"], s2["timestamp"]);
    let id = lrs.store(&statement_with(|s| s["timestamp"] = json!("2015-11-18T12:17:00.123+05:30"))).await;
    let s3 = lrs.statement(&id).await;
    assert_eq!(time(s3["timestamp"].as_str().unwrap()), time("2015-11-18T06:47:00.123Z"), "the same instant");
    assert!(utc(&s3["timestamp"]), "{}", s3["timestamp"]);
});

app_test!(get_of_one_statement_takes_only_format_and_attachments_beside_its_id, |app| {
    let lrs = Lrs::new(app).await;
    let id = lrs.store(&statement()).await;
    let voided = lrs.store(&statement()).await;
    lrs.store(&voiding(&voided)).await;
    // Communication 2.1.3.s2.b2 (XAPI-00150, -00151): 400 for any other parameter.
    let agent = agent("sample.agent@example.com").to_string();
    let others: [(&str, &str); 10] = [
        ("agent", &agent),
        ("verb", "http://adlnet.gov/expapi/verbs/attempted"),
        ("activity", "http://www.example.com/activities/one"),
        ("registration", "ec531277-b57b-4c15-8d91-d292c5b2b8f7"),
        ("related_activities", "true"),
        ("related_agents", "true"),
        ("since", "2012-06-01T19:09:13.245Z"),
        ("until", "2012-06-01T19:09:13.245Z"),
        ("limit", "1"),
        ("ascending", "true"),
    ];
    for (name, value) in others {
        lrs.get(&format!("/xapi/statements?{}", q(&[("statementId", &id), (name, value)]))).await.refused(400, "");
        lrs.get(&format!("/xapi/statements?{}", q(&[("voidedStatementId", &voided), (name, value)])))
            .await
            .refused(400, "");
    }
    // Communication 2.1.3.s2.b1: not both ids.
    lrs.get(&format!("/xapi/statements?{}", q(&[("statementId", &id), ("voidedStatementId", &voided)])))
        .await
        .refused(400, "");
    for extra in [("format", "ids"), ("format", "canonical"), ("attachments", "false"), ("attachments", "true")] {
        let r = lrs.get(&format!("/xapi/statements?{}", q(&[("statementId", &id), extra]))).await;
        r.expect(200);
        let r = lrs.get(&format!("/xapi/statements?{}", q(&[("voidedStatementId", &voided), extra]))).await;
        r.expect(200);
    }
    // Communication 3.2.s2.b4: an unknown id is 404, with a message.
    lrs.get(&format!("/xapi/statements?statementId={}", new_id())).await.refused(404, "");
    lrs.get(&format!("/xapi/statements?voidedStatementId={}", new_id())).await.refused(404, "");
    // Data 2.2.s4.b4: the ids are validated as UUIDs.
    lrs.get("/xapi/statements?statementId=12345").await.refused(400, "statementId");
    lrs.get("/xapi/statements?voidedStatementId=abc").await.refused(400, "voidedStatementId");
    // Communication 3.2.s3.b7 and b8: unknown parameters, and known ones in the wrong case.
    lrs.get(&format!("/xapi/statements?statementID={id}")).await.refused(400, "statementID");
    lrs.get(&format!("/xapi/statements?statementId={id}&foo=bar")).await.refused(400, "foo");
});

app_test!(a_voided_statement_is_returned_only_by_voided_statement_id, |app| {
    let lrs = Lrs::new(app).await;
    let target = lrs.store(&statement()).await;
    let voider = lrs.store(&voiding(&target)).await;
    // Data 2.3.2.s2.b3 and Communication 2.1.4.s1.b1 (XAPI-00018).
    lrs.get(&format!("/xapi/statements?statementId={target}")).await.refused(404, "");
    let r = lrs.get(&format!("/xapi/statements?voidedStatementId={target}")).await;
    r.expect(200);
    assert_eq!(r.json()["id"], json!(target));
    // The voiding statement is not voided: found by statementId, not by voidedStatementId.
    assert_eq!(lrs.statement(&voider).await["object"], json!({"objectType": "StatementRef", "id": target}));
    lrs.get(&format!("/xapi/statements?voidedStatementId={voider}")).await.expect(404);
    // Queries never return it, but do return the statements targeting it, the voiding statement
    // included (Communication 2.1.4.s1.b2), when the voided statement matches the filter (2.1.3.s3).
    assert_eq!(lrs.ids("").await, vec![voider.clone()]);
    let by_verb = q(&[("verb", "http://adlnet.gov/expapi/verbs/attempted")]);
    assert_eq!(lrs.ids(&by_verb).await, vec![voider.clone()]);
    let by_agent = q(&[("agent", &agent("sample.agent@example.com").to_string())]);
    assert_eq!(lrs.ids(&by_agent).await, vec![voider.clone()]);
    let by_activity = q(&[("activity", "http://www.example.com/activities/one")]);
    assert_eq!(lrs.ids(&by_activity).await, vec![voider.clone()]);
    let by_voided = q(&[("verb", VOIDED)]);
    assert_eq!(lrs.ids(&by_voided).await, vec![voider.clone()]);
    // Re-sending the voided statement's id does not bring it back (Data 2.3.2.s2.b7: reissue under a
    // new id), and the LRS keeps treating it as voided.
    let again = lrs.get(&format!("/xapi/statements?voidedStatementId={target}")).await.json();
    let mut resend = again.clone();
    for key in ["stored", "authority", "version"] {
        resend.as_object_mut().unwrap().remove(key);
    }
    let r = lrs.post_json("/xapi/statements", &resend).await;
    assert!(r.status == 200 || r.status == 204 || r.status == 409, "{} {}", r.status, r.text());
    lrs.get(&format!("/xapi/statements?statementId={target}")).await.expect(404);
});

app_test!(a_voiding_statement_cannot_itself_be_voided, |app| {
    let lrs = Lrs::new(app).await;
    let target = lrs.store(&statement()).await;
    let voider = lrs.store(&voiding(&target)).await;
    // Data 2.3.2.s2.b3: a statement is voided only if it is not itself a voiding statement. The LRS
    // MAY refuse the second voiding statement (XAPI-00016); if it accepts it, it is ignored.
    let second = voiding(&voider);
    let r = lrs.post_json("/xapi/statements", &second).await;
    assert!([200, 400, 403].contains(&r.status), "{} {}", r.status, r.text());
    if r.status != 200 {
        r.refused(r.status, "void");
    }
    assert_eq!(lrs.statement(&voider).await["id"], json!(voider));
    lrs.get(&format!("/xapi/statements?voidedStatementId={voider}")).await.expect(404);
    assert!(lrs.ids("").await.contains(&voider));
    // Voiding an already voided statement again leaves it voided (and retrievable so).
    let r = lrs.post_json("/xapi/statements", &voiding(&target)).await;
    assert!([200, 400, 403].contains(&r.status), "{} {}", r.status, r.text());
    lrs.get(&format!("/xapi/statements?voidedStatementId={target}")).await.expect(200);
    lrs.get(&format!("/xapi/statements?statementId={target}")).await.expect(404);
});

app_test!(voiding_statements_follow_the_rules_of_the_data_part, |app| {
    let lrs = Lrs::new(app).await;
    let target = lrs.store(&statement()).await;
    // Data 2.3.2.s2.b1: the object of a voiding statement is a StatementRef.
    let activity = statement_with(|s| s["verb"]["id"] = json!(VOIDED));
    lrs.post_json("/xapi/statements", &activity).await.refused(400, "object");
    let agent_object = statement_with(|s| {
        s["verb"]["id"] = json!(VOIDED);
        s["object"] = agent("someone@example.com");
    });
    lrs.post_json("/xapi/statements", &agent_object).await.refused(400, "object");
    // Data 2.3.2.s2.b2: ... naming the target by a UUID id.
    let no_id = statement_with(|s| {
        s["verb"]["id"] = json!(VOIDED);
        s["object"] = json!({"objectType": "StatementRef"});
    });
    lrs.post_json("/xapi/statements", &no_id).await.refused(400, "object.id");
    lrs.statement(&target).await;
    // Data 2.3.2.s2.b5 (SHOULD NOT*): voiding a statement the LRS does not hold is not refused.
    let unknown = new_id();
    let v = lrs.store(&voiding(&unknown)).await;
    lrs.statement(&v).await;
    // A voiding statement in the same batch as its target voids it.
    let id = new_id();
    let batch = json!([statement_with(|s| s["id"] = json!(id)), voiding(&id)]);
    lrs.post_json("/xapi/statements", &batch).await.expect(200);
    lrs.get(&format!("/xapi/statements?statementId={id}")).await.expect(404);
    lrs.get(&format!("/xapi/statements?voidedStatementId={id}")).await.expect(200);
});

app_test!(statements_targeting_others_match_filters_through_their_targets, |app| {
    let lrs = Lrs::new(app).await;
    // Communication 2.1.3.s3: "Ben passed explosives training", "Andrew confirmed <that>".
    let explosives = "http://www.example.com/activities/explosives";
    let ben = did(agent("ben@example.com"), "http://adlnet.gov/expapi/verbs/passed", explosives);
    let ids = lrs.store_in_turn(std::slice::from_ref(&ben)).await;
    let passed = ids[0].clone();
    let after_passed = Timestamp::now();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let confirmed = lrs
        .store(&json!({
            "actor": agent("andrew@example.com"),
            "verb": {"id": "http://example.com/verbs/confirmed"},
            "object": {"objectType": "StatementRef", "id": passed}
        }))
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    // The rule applies recursively: a statement targeting the confirmation matches too.
    let noted = lrs
        .store(&json!({
            "actor": agent("carol@example.com"),
            "verb": {"id": "http://example.com/verbs/noted"},
            "object": {"objectType": "StatementRef", "id": confirmed}
        }))
        .await;
    // A StatementRef in context does not count.
    let in_context = lrs
        .store(&json!({
            "actor": agent("dave@example.com"),
            "verb": {"id": "http://example.com/verbs/read"},
            "object": {"id": "http://www.example.com/activities/report"},
            "context": {"statement": {"objectType": "StatementRef", "id": passed}}
        }))
        .await;
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let expected = sorted(vec![passed.clone(), confirmed.clone(), noted.clone()]);
    let by_agent = q(&[("agent", &agent("ben@example.com").to_string())]);
    assert_eq!(sorted(lrs.ids(&by_agent).await), expected);
    assert_eq!(sorted(lrs.ids(&q(&[("activity", explosives)])).await), expected);
    assert_eq!(sorted(lrs.ids(&q(&[("verb", "http://adlnet.gov/expapi/verbs/passed")])).await), expected);
    assert_eq!(lrs.ids(&q(&[("verb", "http://example.com/verbs/confirmed")])).await.len(), 2);
    // Agent and verb together: the targeted statement must match both (Ben passed), not the
    // targeting one's verb with the target's agent.
    let ben_passed =
        q(&[("agent", &agent("ben@example.com").to_string()), ("verb", "http://adlnet.gov/expapi/verbs/passed")]);
    assert_eq!(sorted(lrs.ids(&ben_passed).await), expected);
    let ben_confirmed =
        q(&[("agent", &agent("ben@example.com").to_string()), ("verb", "http://example.com/verbs/confirmed")]);
    assert_eq!(lrs.ids(&ben_confirmed).await, Vec::<String>::new());
    let andrew_confirmed =
        q(&[("agent", &agent("andrew@example.com").to_string()), ("verb", "http://example.com/verbs/confirmed")]);
    assert_eq!(sorted(lrs.ids(&andrew_confirmed).await), sorted(vec![confirmed.clone(), noted.clone()]));
    // Time and sequence parameters apply to the targeting statement itself.
    let since = q(&[("activity", explosives), ("since", &after_passed.to_string())]);
    assert_eq!(sorted(lrs.ids(&since).await), sorted(vec![confirmed.clone(), noted.clone()]));
    let until = q(&[("agent", &agent("ben@example.com").to_string()), ("until", &after_passed.to_string())]);
    assert_eq!(lrs.ids(&until).await, vec![passed.clone()]);
    let limited = lrs.query(&q(&[("activity", explosives), ("limit", "1")])).await;
    assert_eq!(statement_ids(&limited), vec![noted.clone()]);
    assert!(!lrs.ids(&by_agent).await.contains(&in_context));
    // The rules do not apply to statementId (Communication 2.1.3.s3): each is fetched as itself.
    let got: Value = lrs.statement(&confirmed).await;
    assert_eq!(got["object"]["id"], json!(passed));
});

app_test!(every_statement_resource_response_carries_consistent_through, |app| {
    let lrs = Lrs::new(app).await;
    // Communication 2.1.3.s2.b5: "on all responses to Statements Resource requests" (XAPI-00153
    // checks it on a 400 too).
    let id = new_id();
    let s = statement_with(|s| s["id"] = json!(id));
    let no_version = lrs.http_without_version(Method::GET, "/xapi/statements");
    let broken = lrs.request(Method::POST, "/xapi/statements").header("Content-Type", "application/json").body("{");
    let conflict = statement_with(|s| {
        s["id"] = json!(id);
        s["verb"]["id"] = json!("http://adlnet.gov/expapi/verbs/completed");
    });
    let cases = [
        ("PUT 204", lrs.put_json(&format!("/xapi/statements?statementId={id}"), &s).await),
        ("POST 200", lrs.post_json("/xapi/statements", &statement()).await),
        ("GET one 200", lrs.get(&format!("/xapi/statements?statementId={id}")).await),
        ("GET query 200", lrs.get("/xapi/statements?limit=1").await),
        ("GET one 404", lrs.get(&format!("/xapi/statements?statementId={}", new_id())).await),
        ("GET bad parameter 400", lrs.get("/xapi/statements?limit=ten").await),
        ("GET without version 400", Lrs::send(no_version).await),
        ("POST broken JSON 400", Lrs::send(broken).await),
        ("PUT conflict 409", lrs.put_json(&format!("/xapi/statements?statementId={id}"), &conflict).await),
        // Any answer under /xapi/ carries it, so that a client polling for consistency never goes
        // without (the conformance suite polls a misspelt statements path, and expects it).
        ("GET unknown resource 404", lrs.get("/xapi/statementslimit=1").await),
    ];
    let missing: Vec<&str> = cases
        .iter()
        .filter(|(_, r)| {
            r.header("x-experience-api-consistent-through").is_none_or(|t| t.parse::<Timestamp>().is_err())
        })
        .map(|(what, _)| *what)
        .collect();
    assert!(missing.is_empty(), "no ISO 8601 X-Experience-API-Consistent-Through on: {missing:?}");
});
