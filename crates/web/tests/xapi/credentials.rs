//! Authentication (Communication 4.0), permissions (3.2.s3.b10) and goldthread's scoping of
//! credentials to an organisation's people.

use reqwest::Method;
use serde_json::json;

use crate::app_test;
use crate::*;

app_test!(requests_without_good_credentials_are_refused_with_401, |app| {
    let org = app.organisation("LRS", "lrs.example.org").await;
    let (key, secret) = app.lrs_credentials(org, true, true).await;
    let good = Lrs::with_auth(app, &basic(&key, &secret));
    good.get("/xapi/statements").await.expect(200);

    let agent = agent("sample.agent@example.com").to_string();
    let paths = [
        "/xapi/statements".to_owned(),
        format!("/xapi/activities/state?{}", q(&[("activityId", "http://www.example.com/a"), ("agent", &agent)])),
        format!("/xapi/activities/profile?{}", q(&[("activityId", "http://www.example.com/a")])),
        format!("/xapi/agents/profile?{}", q(&[("agent", &agent)])),
        format!("/xapi/activities?{}", q(&[("activityId", "http://www.example.com/a")])),
        format!("/xapi/agents?{}", q(&[("agent", &agent)])),
    ];
    // Communication 3.2.s2.b2, 4.0 (XAPI-00334): authentication required, or the credentials refused.
    let bad = [
        String::new(),
        basic(&key, "not the secret"),
        basic("no-such-key", &secret),
        basic("", ""),
        format!("Basic:{}", base64(format!("{key}:{secret}").as_bytes(), false)),
        "Basic !!!not base64!!!".to_owned(),
        format!("Basic {}", base64(key.as_bytes(), false)),
        "Bearer not-a-token".to_owned(),
        format!("Digest {key}"),
    ];
    for auth in &bad {
        let lrs = Lrs::with_auth(app, auth);
        for path in &paths {
            lrs.get(path).await.refused(401, "");
        }
        let s = statement_with(|s| s["id"] = json!(new_id()));
        lrs.post_json("/xapi/statements", &s).await.refused(401, "");
        let id = s["id"].as_str().unwrap();
        lrs.put_json(&format!("/xapi/statements?statementId={id}"), &s).await.refused(401, "");
        good.get(&format!("/xapi/statements?statementId={id}")).await.expect(404);
    }
    // RFC 7235 section 3.1: a 401 names the scheme to use.
    let r = Lrs::with_auth(app, "").get("/xapi/statements").await;
    r.expect(401);
    let challenge = r.header("www-authenticate").expect("a 401 carries WWW-Authenticate (RFC 7235 3.1)");
    assert!(challenge.to_lowercase().starts_with("basic"), "{challenge}");

    // Revoked credentials are refused like unknown ones.
    let id = good.store(&statement()).await;
    app.store.revoke_lrs_credential(org, &key, Timestamp::now()).await.unwrap();
    good.get(&format!("/xapi/statements?statementId={id}")).await.refused(401, "");
    good.post_json("/xapi/statements", &statement()).await.refused(401, "");
    let other = Lrs::of(app, org, true, true).await;
    other.statement(&id).await;
    assert_eq!(other.ids("").await, vec![id], "nothing was stored with the revoked credentials");
});

app_test!(read_only_credentials_cannot_write_and_write_only_credentials_cannot_read, |app| {
    let org = app.organisation("LRS", "lrs.example.org").await;
    let both = Lrs::of(app, org, true, true).await;
    let read = Lrs::of(app, org, true, false).await;
    let write = Lrs::of(app, org, false, true).await;
    let stored = both.store(&statement()).await;

    // Communication 3.2.s2.b3 and 3.2.s3.b10: validated credentials without the permission get 403.
    let s = statement_with(|s| s["id"] = json!(new_id()));
    let id = s["id"].as_str().unwrap().to_owned();
    read.post_json("/xapi/statements", &s).await.refused(403, "");
    read.put_json(&format!("/xapi/statements?statementId={id}"), &s).await.refused(403, "");
    read.post_json("/xapi/statements", &voiding(&stored)).await.refused(403, "");
    both.get(&format!("/xapi/statements?statementId={id}")).await.expect(404);
    both.statement(&stored).await;
    read.statement(&stored).await;
    assert_eq!(read.ids("").await, vec![stored.clone()]);

    write.get("/xapi/statements").await.refused(403, "");
    write.get(&format!("/xapi/statements?statementId={stored}")).await.refused(403, "");
    write.post_json("/xapi/statements", &s).await.expect(200);
    both.statement(&id).await;

    // The same for documents.
    let agent = agent("sample.agent@example.com").to_string();
    let state = format!(
        "/xapi/activities/state?{}",
        q(&[("activityId", "http://www.example.com/a"), ("agent", &agent), ("stateId", "s")])
    );
    read.put_json(&state, &json!({"a": 1})).await.refused(403, "");
    read.post_json(&state, &json!({"a": 1})).await.refused(403, "");
    both.get(&state).await.expect(404);
    write.put_json(&state, &json!({"a": 1})).await.expect(204);
    write.get(&state).await.refused(403, "");
    read.get(&state).await.expect(200);
    read.delete(&state).await.refused(403, "");
    read.get(&state).await.expect(200);
    let profile =
        format!("/xapi/activities/profile?{}", q(&[("activityId", "http://www.example.com/a"), ("profileId", "p")]));
    let put = read.request(Method::PUT, &profile).header("If-None-Match", "*").json(&json!({"a": 1}));
    Lrs::send(put).await.refused(403, "");
    let agent_profile = format!("/xapi/agents/profile?{}", q(&[("agent", &agent), ("profileId", "p")]));
    let put = read.request(Method::PUT, &agent_profile).header("If-None-Match", "*").json(&json!({"a": 1}));
    Lrs::send(put).await.refused(403, "");
    both.get(&profile).await.expect(404);
    both.get(&agent_profile).await.expect(404);
});

app_test!(a_credential_never_reads_or_writes_statements_about_another_organisations_people, |app| {
    let org_a = app.organisation("ORGA", "orga.example.org").await;
    let org_b = app.organisation("ORGB", "orgb.example.org").await;
    app.user("ann@orga.example.org", Some(org_a), None, &[]).await;
    app.user("bea@orgb.example.org", Some(org_b), None, &[]).await;
    let a = Lrs::of(app, org_a, true, true).await;
    let b = Lrs::of(app, org_b, true, true).await;

    let about_ann = did(agent("ann@orga.example.org"), "http://adlnet.gov/expapi/verbs/completed", "http://e.org/x");
    let about_bea = did(agent("bea@orgb.example.org"), "http://adlnet.gov/expapi/verbs/completed", "http://e.org/x");
    let about_stranger =
        did(agent("stranger@example.com"), "http://adlnet.gov/expapi/verbs/completed", "http://e.org/x");
    let ann = a.store(&about_ann).await;
    let stranger = a.store(&about_stranger).await;
    let bea = b.store(&about_bea).await;

    // Writing about another organisation's person is forbidden (Communication 3.2.s3.b10), by mbox
    // or mbox_sha1sum, alone, by PUT, or in a batch, which is then refused whole (3.2.s3.b9).
    let s = with_new_id(&about_bea);
    a.post_json("/xapi/statements", &s).await.refused(403, "");
    let id = s["id"].as_str().unwrap();
    a.put_json(&format!("/xapi/statements?statementId={id}"), &s).await.refused(403, "");
    let fine = with_new_id(&about_stranger);
    a.post_json("/xapi/statements", &json!([fine.clone(), s.clone()])).await.refused(403, "");
    for id in [&s["id"], &fine["id"]] {
        b.get(&format!("/xapi/statements?statementId={}", id.as_str().unwrap())).await.expect(404);
    }

    // Reading them is forbidden too (403, or 404 so as not to tell that the statement exists:
    // Communication 2.1.3.s2.b3 lets permissions filter), and a query never shows them.
    let r = a.get(&format!("/xapi/statements?statementId={bea}")).await;
    assert!(r.status == 403 || r.status == 404, "{} {}", r.status, r.text());
    r.refused(r.status, "");
    let filter = agent("bea@orgb.example.org").to_string();
    let r = a.get(&format!("/xapi/statements?{}", q(&[("agent", &filter)]))).await;
    assert!(r.status == 403 || r.status == 200 && statement_ids(&r.json()).is_empty(), "{} {}", r.status, r.text());
    let seen = a.ids("").await;
    assert!(seen.contains(&ann) && seen.contains(&stranger), "{seen:?}");
    assert!(!seen.contains(&bea), "organisation A's credential sees B's person's statement");
    let seen = a.ids(&q(&[("verb", "http://adlnet.gov/expapi/verbs/completed")])).await;
    assert!(!seen.contains(&bea));
    assert_eq!(b.statement(&bea).await["id"], json!(bea));
    let r = b.get(&format!("/xapi/statements?statementId={ann}")).await;
    assert!(r.status == 403 || r.status == 404, "{} {}", r.status, r.text());
});

app_test!(a_persons_own_token_reads_only_the_statements_about_them, |app| {
    let org = app.organisation("ORGA", "orga.example.org").await;
    let ann = app.user("ann@orga.example.org", Some(org), None, &[]).await;
    app.user("ali@orga.example.org", Some(org), None, &[]).await;
    let lrs = Lrs::of(app, org, true, true).await;
    let verb = "http://adlnet.gov/expapi/verbs/completed";
    let mine = lrs
        .store_in_turn(&[
            did(agent("ann@orga.example.org"), verb, "http://e.org/1"),
            did(json!({"name": "Ann", "mbox": "mailto:ann@orga.example.org"}), verb, "http://e.org/2"),
        ])
        .await;
    let theirs = lrs
        .store_in_turn(&[
            did(agent("ali@orga.example.org"), verb, "http://e.org/1"),
            did(agent("stranger@example.com"), verb, "http://e.org/1"),
        ])
        .await;

    let token = app.token(ann).await;
    let own = Lrs::with_auth(app, &format!("Bearer {token}"));
    let mut seen = own.ids("").await;
    seen.sort();
    let mut expected = mine.clone();
    expected.sort();
    assert_eq!(seen, expected, "a person's token sees exactly the statements about them");
    assert_eq!(own.statement(&mine[0]).await["id"], json!(mine[0]));
    for id in &theirs {
        let r = own.get(&format!("/xapi/statements?statementId={id}")).await;
        assert!(r.status == 403 || r.status == 404, "{}: {}", r.status, r.text());
    }
    let filter = agent("ali@orga.example.org").to_string();
    let r = own.get(&format!("/xapi/statements?{}", q(&[("agent", &filter)]))).await;
    assert!(r.status == 403 || (r.status == 200 && statement_ids(&r.json()).is_empty()), "{}", r.text());
    // The token still needs the version header.
    let r = Lrs::send(own.http_without_version(Method::GET, "/xapi/statements")).await;
    r.refused(400, "X-Experience-API-Version");
});

app_test!(another_organisations_person_is_out_of_reach_by_any_identifier, |app| {
    // Issue 5: a known person is matched by mbox, account or mbox_sha1sum; a credential never writes
    // statements about people outside its organisation (Communication 3.2.s3.b10: 403).
    let org_a = app.organisation("ORGA", "orga.example.org").await;
    let org_b = app.organisation("ORGB", "orgb.example.org").await;
    app.user("bea@orgb.example.org", Some(org_b), None, &[]).await;
    let a = Lrs::of(app, org_a, true, true).await;
    let b = Lrs::of(app, org_b, true, true).await;
    let hashed = json!({"mbox_sha1sum": sha1_hex(b"mailto:bea@orgb.example.org")});
    let s = with_new_id(&did(hashed.clone(), "http://adlnet.gov/expapi/verbs/completed", "http://e.org/x"));
    a.post_json("/xapi/statements", &s).await.refused(403, "");
    b.get(&format!("/xapi/statements?statementId={}", s["id"].as_str().unwrap())).await.expect(404);
    // Whatever A may write, it never reads B's person's own statements.
    let bea = b.store(&did(hashed.clone(), "http://adlnet.gov/expapi/verbs/completed", "http://e.org/y")).await;
    assert!(!a.ids("").await.contains(&bea));
});
