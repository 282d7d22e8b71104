//! Queries of the Statement resource (Communication 2.1.3): the filters, the formats, the order,
//! paging with `more` (Data 2.5) and the parameter rules.

use serde_json::{json, Value};

use crate::app_test;
use crate::*;

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

app_test!(a_query_without_matches_is_an_empty_statement_result, |app| {
    let lrs = Lrs::new(app).await;
    // Communication 2.1.3.s2.b4 (XAPI-00149).
    let r = lrs.get(&format!("/xapi/statements?{}", q(&[("verb", "http://adlnet.gov/expapi/non/existent")]))).await;
    r.expect(200);
    assert_eq!(r.media_type(), "application/json");
    let result = r.json();
    assert_eq!(result["statements"], json!([]));
    if let Some(more) = result.get("more") {
        assert_eq!(more, &json!(""), "no more results: an empty more, if any");
    }
    for key in result.as_object().unwrap().keys() {
        assert!(key == "statements" || key == "more", "a StatementResult has no {key} (Data 2.5.s2)");
    }
    // Communication 2.1.3.s2.b5 (XAPI-00153): Consistent-Through on every statements response.
    time(&r.header("x-experience-api-consistent-through").unwrap());
});

app_test!(the_agent_filter_matches_actor_object_and_group_members, |app| {
    let lrs = Lrs::new(app).await;
    let verb = "http://adlnet.gov/expapi/verbs/experienced";
    let ann = agent("ann@example.com");
    let ids = lrs
        .store_in_turn(&[
            // 0: actor
            did(ann.clone(), verb, "http://e.org/1"),
            // 1: object
            json!({"actor": agent("bob@example.com"), "verb": {"id": verb}, "object": ann.clone()}),
            // 2: actor is a Group with Ann as a member (Communication 2.1.3.s1.table1.row3)
            did(json!({"objectType": "Group", "member": [ann.clone(), agent("cat@example.com")]}), verb, "http://e.org/1"),
            // 3: someone else
            did(agent("bob@example.com"), verb, "http://e.org/1"),
            // 4: Ann as instructor only
            json!({"actor": agent("bob@example.com"), "verb": {"id": verb}, "object": {"id": "http://e.org/1"},
                   "context": {"instructor": ann.clone()}}),
            // 5: Ann in a team only
            json!({"actor": agent("bob@example.com"), "verb": {"id": verb}, "object": {"id": "http://e.org/1"},
                   "context": {"team": {"objectType": "Group", "member": [ann.clone()]}}}),
            // 6: Ann as the actor of a SubStatement
            json!({"actor": agent("bob@example.com"), "verb": {"id": verb}, "object": {
                "objectType": "SubStatement", "actor": ann.clone(), "verb": {"id": verb}, "object": {"id": "http://e.org/2"}}}),
            // 7: Ann by another identifier: not a match
            did(json!({"account": {"homePage": "http://www.example.com", "name": "ann"}}), verb, "http://e.org/1"),
            // 8: an identified Group that is itself the actor
            did(json!({"objectType": "Group", "name": "Team", "mbox": "mailto:team@example.com"}), verb, "http://e.org/1"),
        ])
        .await;
    let by_ann = q(&[("agent", &ann.to_string())]);
    assert_eq!(sorted(lrs.ids(&by_ann).await), sorted(vec![ids[0].clone(), ids[1].clone(), ids[2].clone()]));
    // related_agents: actor, object, authority, instructor, team, and those in a SubStatement.
    let related = q(&[("agent", &ann.to_string()), ("related_agents", "true")]);
    let expected: Vec<String> = [0, 1, 2, 4, 5, 6].iter().map(|&i| ids[i].clone()).collect();
    assert_eq!(sorted(lrs.ids(&related).await), sorted(expected));
    let explicit_false = q(&[("agent", &ann.to_string()), ("related_agents", "false")]);
    assert_eq!(lrs.ids(&explicit_false).await.len(), 3);
    // Every kind of identifier works as a filter, and an identified Group is an agent filter too.
    let account = json!({"account": {"homePage": "http://www.example.com", "name": "ann"}});
    assert_eq!(lrs.ids(&q(&[("agent", &account.to_string())])).await, vec![ids[7].clone()]);
    let team = json!({"objectType": "Group", "mbox": "mailto:team@example.com"});
    assert_eq!(lrs.ids(&q(&[("agent", &team.to_string())])).await, vec![ids[8].clone()]);
    let hashed = json!({"mbox_sha1sum": sha1_hex(b"mailto:eve@example.com")});
    let eve = lrs.store(&did(hashed.clone(), verb, "http://e.org/1")).await;
    assert_eq!(lrs.ids(&q(&[("agent", &hashed.to_string())])).await, vec![eve]);
    let openid = json!({"openid": "http://openid.example.org/dan"});
    let dan = lrs.store(&did(openid.clone(), verb, "http://e.org/1")).await;
    assert_eq!(lrs.ids(&q(&[("agent", &openid.to_string())])).await, vec![dan]);
    // The authority matches with related_agents.
    let authority = lrs.statement(&ids[3]).await["authority"].clone();
    let by_authority = q(&[("agent", &authority.to_string()), ("related_agents", "true")]);
    assert!(lrs.ids(&by_authority).await.contains(&ids[3]));
    assert!(!lrs.ids(&q(&[("agent", &authority.to_string())])).await.contains(&ids[3]));
});

app_test!(verb_activity_and_registration_filters_and_related_activities, |app| {
    let lrs = Lrs::new(app).await;
    let registration = uuid::Uuid::new_v4().to_string();
    let course = "http://www.example.com/courses/leadership";
    let module = "http://www.example.com/courses/leadership/module-1";
    let ann = agent("ann@example.com");
    let ids = lrs
        .store_in_turn(&[
            // 0: the course is the object
            json!({"actor": ann, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}, "object": {"id": course},
                   "context": {"registration": registration}}),
            // 1: the course is a parent in context
            json!({"actor": ann, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}, "object": {"id": module},
                   "context": {"registration": registration, "contextActivities": {"parent": [{"id": course}]}}}),
            // 2: grouping, other and category count as related too
            json!({"actor": ann, "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"}, "object": {"id": module},
                   "context": {"contextActivities": {"grouping": [{"id": course}]}}}),
            // 3: the course is the object of a SubStatement
            json!({"actor": ann, "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"}, "object": {
                "objectType": "SubStatement", "actor": ann, "verb": {"id": "http://example.com/verbs/will-complete"},
                "object": {"id": course}}}),
            // 4: the course in a SubStatement's context
            json!({"actor": ann, "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"}, "object": {
                "objectType": "SubStatement", "actor": ann, "verb": {"id": "http://example.com/verbs/will-complete"},
                "object": {"id": module}, "context": {"contextActivities": {"category": [{"id": course}]}}}}),
            // 5: unrelated
            json!({"actor": ann, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}, "object": {"id": module}}),
        ])
        .await;
    // activity: only where the object is that Activity (Communication 2.1.3.s1.table1.row5).
    assert_eq!(lrs.ids(&q(&[("activity", course)])).await, vec![ids[0].clone()]);
    // related_activities (row7): object, context activities, and the same in a SubStatement.
    let related = q(&[("activity", course), ("related_activities", "true")]);
    assert_eq!(sorted(lrs.ids(&related).await), sorted(ids[..5].to_vec()));
    // verb (row4), registration (row6), and filters combined (all must hold).
    let completed = q(&[("verb", "http://adlnet.gov/expapi/verbs/completed")]);
    assert_eq!(sorted(lrs.ids(&completed).await), sorted(vec![ids[0].clone(), ids[1].clone(), ids[5].clone()]));
    assert_eq!(sorted(lrs.ids(&q(&[("registration", &registration)])).await), sorted(ids[..2].to_vec()));
    let both = q(&[("registration", &registration), ("activity", module)]);
    assert_eq!(lrs.ids(&both).await, vec![ids[1].clone()]);
    let none = q(&[("verb", "http://adlnet.gov/expapi/verbs/attempted"), ("activity", course)]);
    assert!(lrs.ids(&none).await.is_empty());
    let all_three = q(&[
        ("verb", "http://adlnet.gov/expapi/verbs/completed"),
        ("agent", &ann.to_string()),
        ("activity", module),
        ("related_activities", "true"),
    ]);
    assert_eq!(sorted(lrs.ids(&all_three).await), sorted(vec![ids[1].clone(), ids[5].clone()]));
    // The related flags alone are accepted (XAPI-00153 sends them without agent or activity).
    assert_eq!(lrs.ids(&q(&[("related_activities", "true")])).await.len(), 6);
    assert_eq!(lrs.ids(&q(&[("related_agents", "true")])).await.len(), 6);
    // Filters are exact: no prefix or case-insensitive matching of IRIs (Data 2.2.s4.b5).
    assert!(lrs.ids(&q(&[("activity", "http://www.example.com/courses")])).await.is_empty());
    assert!(lrs.ids(&q(&[("activity", &course.to_uppercase())])).await.is_empty());
});

app_test!(since_until_limit_and_ascending_select_and_order_by_stored_time, |app| {
    let lrs = Lrs::new(app).await;
    let statements: Vec<Value> =
        (0..5).map(|i| statement_with(|s| s["result"] = json!({"response": format!("{i}")}))).collect();
    let ids = lrs.store_in_turn(&statements).await;
    let stored: Vec<Timestamp> = {
        let mut v = Vec::new();
        for id in &ids {
            v.push(time(lrs.statement(id).await["stored"].as_str().unwrap()));
        }
        v
    };
    assert!(stored.windows(2).all(|w| w[0] < w[1]), "stored times increase: {stored:?}");
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    // Communication 2.1.3.s1: reverse chronological order of stored by default; ascending=true
    // (row14) the other way.
    assert_eq!(lrs.ids("").await, newest_first);
    assert_eq!(lrs.ids("ascending=false").await, newest_first);
    assert_eq!(lrs.ids("ascending=true").await, ids);
    // since is exclusive (row9), until inclusive (row10).
    let since = q(&[("since", &stored[1].to_string())]);
    assert_eq!(lrs.ids(&since).await, newest_first[..3].to_vec());
    let until = q(&[("until", &stored[2].to_string())]);
    assert_eq!(lrs.ids(&until).await, vec![ids[2].clone(), ids[1].clone(), ids[0].clone()]);
    let window = q(&[("since", &stored[0].to_string()), ("until", &stored[3].to_string()), ("ascending", "true")]);
    assert_eq!(lrs.ids(&window).await, ids[1..4].to_vec());
    // Any ISO 8601 form of the same instant selects the same statements.
    let offset = stored[1]
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(2)))
        .strftime("%Y-%m-%dT%H:%M:%S%.f%:z")
        .to_string();
    assert_eq!(lrs.ids(&q(&[("since", &offset)])).await, newest_first[..3].to_vec());
    let before = q(&[("until", "2001-01-01T00:00:00Z")]);
    assert!(lrs.ids(&before).await.is_empty());
    // limit (row11): at most that many, 0 meaning the server's maximum.
    let two = lrs.query("limit=2").await;
    assert_eq!(statement_ids(&two), newest_first[..2].to_vec());
    assert_eq!(statement_ids(&lrs.query("limit=0").await), newest_first);
    assert_eq!(statement_ids(&lrs.query("limit=1&ascending=true").await), vec![ids[0].clone()]);
    // Statements come back in the exact format by default (row12) and with the stored times.
    let first = &lrs.query("limit=1&ascending=true").await["statements"][0];
    assert_eq!(first["result"], json!({"response": "0"}));
    assert_eq!(time(first["stored"].as_str().unwrap()), stored[0]);
});

app_test!(more_links_page_through_a_query_and_stay_consistent_while_statements_arrive, |app| {
    let lrs = Lrs::new(app).await;
    let verb = "http://adlnet.gov/expapi/verbs/experienced";
    let batch: Vec<Value> =
        (0..7).map(|i| did(agent("ann@example.com"), verb, &format!("http://e.org/activity/{i}"))).collect();
    let ids = lrs.store_in_turn(&batch).await;
    lrs.store(&did(agent("ann@example.com"), "http://adlnet.gov/expapi/verbs/completed", "http://e.org/x")).await;
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();

    // Data 2.5.s2.table1.row2: a relative IRL with the full path and no scheme, host or port.
    let page = lrs.query(&q(&[("verb", verb), ("limit", "3")])).await;
    assert_eq!(statement_ids(&page), newest_first[..3].to_vec());
    let more = page["more"].as_str().expect("more is required when the list was limited").to_owned();
    assert!(more.starts_with("/xapi/statements"), "more is a relative IRL under the resource: {more}");
    assert!(!more.contains("://"));

    // New statements arriving between pages do not shift the pages: nothing is repeated or missed
    // (the newer statements belong before the first page of a newest-first query).
    let arrived = lrs
        .store_in_turn(&[
            did(agent("ann@example.com"), verb, "http://e.org/activity/new-1"),
            did(agent("ann@example.com"), verb, "http://e.org/activity/new-2"),
        ])
        .await;
    let r = lrs.get(&more).await;
    r.expect(200);
    let second = r.json();
    assert_eq!(statement_ids(&second), newest_first[3..6].to_vec(), "the second page keeps the query's filter");
    let more = second["more"].as_str().unwrap().to_owned();
    let third = lrs.get(&more).await.json();
    assert_eq!(statement_ids(&third), newest_first[6..].to_vec());
    let end = third.get("more").and_then(Value::as_str).unwrap_or("");
    assert_eq!(end, "", "an empty more at the end (Data 2.5.s2)");

    // The more link works again later (Data 2.5.s3.b1), with the same credentials.
    let again = lrs.get(page["more"].as_str().unwrap()).await;
    again.expect(200);
    assert_eq!(statement_ids(&again.json()), newest_first[3..6].to_vec());
    // A fresh query sees the new statements first.
    assert_eq!(
        statement_ids(&lrs.query(&q(&[("verb", verb), ("limit", "2")])).await),
        vec![arrived[1].clone(), arrived[0].clone()]
    );

    // Ascending pages reach the end and carry the other parameters, such as the format.
    let first = lrs.query(&q(&[("verb", verb), ("limit", "4"), ("ascending", "true"), ("format", "ids")])).await;
    assert_eq!(statement_ids(&first), ids[..4].to_vec());
    assert!(first["statements"][0]["verb"].get("display").is_none());
    let next = lrs.get(first["more"].as_str().unwrap()).await.json();
    assert_eq!(statement_ids(&next)[..3], ids[4..]);
    assert!(next["statements"][0]["actor"].get("objectType").is_none_or(|t| t == "Agent"));
    // Another credential cannot use the more link.
    let stranger = Lrs::with_auth(app, "");
    stranger.get(page["more"].as_str().unwrap()).await.refused(401, "");
});

app_test!(query_parameters_are_validated, |app| {
    let lrs = Lrs::new(app).await;
    lrs.store(&statement()).await;
    // Data 2.2.s4.b4: parameter values are validated like the same values in statements;
    // Communication 3.2.s2.b1: 400 for an invalid argument.
    let cases: &[(&str, &str)] = &[
        ("agent", "not json"),
        ("agent", "{\"mbox\": \"ann@example.com\"}"),
        ("agent", "{\"mbox\": \"mailto:a@example.com\", \"openid\": \"http://openid.example.org/a\"}"),
        ("agent", "{\"objectType\": \"Group\", \"member\": [{\"mbox\": \"mailto:a@example.com\"}]}"),
        ("agent", "{\"name\": \"No identifier\"}"),
        ("agent", "[]"),
        ("verb", "not an iri"),
        ("verb", ""),
        ("activity", "www.example.com/no-scheme"),
        ("registration", "not-a-uuid"),
        ("since", "yesterday"),
        ("since", "2015-11-18T12:17:00"),
        ("until", "18/11/2015"),
        ("limit", "-1"),
        ("limit", "ten"),
        ("limit", "1.5"),
        ("format", "full"),
        ("format", "IDS"),
        ("ascending", "yes"),
        ("related_agents", "1"),
        ("related_activities", "maybe"),
        ("attachments", "sometimes"),
    ];
    for (name, value) in cases {
        let r = lrs.get(&format!("/xapi/statements?{}", q(&[(name, value)]))).await;
        r.refused(400, name);
    }
    // Communication 3.2.s3.b7 and b8: unknown parameters, and known ones in another case.
    let who = agent("sample.agent@example.com").to_string();
    for (name, value) in [
        ("foo", "bar"),
        ("LIMIT", "1"),
        ("StatementId", "ec531277-b57b-4c15-8d91-d292c5b2b8f7"),
        ("VoidedStatementId", "ec531277-b57b-4c15-8d91-d292c5b2b8f7"),
        ("Agent", &who),
        ("Verb", "http://adlnet.gov/expapi/verbs/attempted"),
        ("Activity", "http://www.example.com/activities/one"),
        ("Registration", "ec531277-b57b-4c15-8d91-d292c5b2b8f7"),
        ("Related_Activities", "true"),
        ("Related_Agents", "true"),
        ("Since", "2012-06-01T19:09:13.245Z"),
        ("Until", "2012-06-01T19:09:13.245Z"),
        ("Limit", "10"),
        ("Format", "ids"),
        ("Attachments", "true"),
        ("Ascending", "true"),
    ] {
        lrs.get(&format!("/xapi/statements?{}", q(&[(name, value)]))).await.refused(400, name);
    }
    // A parameter given twice is ambiguous.
    let twice = q(&[("verb", "http://e.org/a"), ("verb", "http://e.org/b")]);
    lrs.get(&format!("/xapi/statements?{twice}")).await.refused(400, "verb");
});

app_test!(formats_ids_exact_and_canonical_with_language_negotiation, |app| {
    let lrs = Lrs::new(app).await;
    let s = json!({
        "actor": {"objectType": "Agent", "name": "Ann Example", "mbox": "mailto:ann@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"en-US": "attempted", "fr-FR": "a essayé"}},
        "object": {
            "objectType": "Activity",
            "id": "http://www.example.com/activities/quiz",
            "definition": {
                "name": {"en-US": "Quiz", "fr-FR": "Questionnaire", "de": "Prüfung"},
                "description": {"en-US": "A quiz", "fr-FR": "Un questionnaire"},
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "interactionType": "choice",
                "correctResponsesPattern": ["a"],
                "choices": [
                    {"id": "a", "description": {"en-US": "Yes", "fr-FR": "Oui"}},
                    {"id": "b", "description": {"en-US": "No", "fr-FR": "Non"}}
                ]
            }
        },
        "context": {
            "instructor": {"name": "Ina Structor", "mbox": "mailto:ina@example.com"},
            "team": {"objectType": "Group", "name": "Anonymous team", "member": [
                {"name": "Member One", "mbox": "mailto:one@example.com"},
                {"name": "Member Two", "account": {"homePage": "http://www.example.com", "name": "two"}}
            ]},
            "contextActivities": {"parent": [{"id": "http://www.example.com/courses/c", "definition": {"name": {"en-US": "Course"}}}]}
        }
    });
    let id = lrs.store(&s).await;

    // exact (default): as received (Communication 2.1.3.s1.table1.row12).
    let exact = lrs.statement(&id).await;
    for key in ["actor", "verb", "object", "context"] {
        assert_eq!(exact[key], s[key], "format=exact keeps {key} as received");
    }
    let r = lrs.get(&format!("/xapi/statements?statementId={id}&format=exact")).await;
    assert_eq!(r.json(), exact);

    // ids: only what identifies Agents, Groups (members of an anonymous one), Activities and Verbs.
    let ids = lrs.get(&format!("/xapi/statements?statementId={id}&format=ids")).await.json();
    assert_eq!(ids["id"], json!(id));
    assert!(ids["actor"].get("name").is_none(), "{}", ids["actor"]);
    assert_eq!(ids["actor"]["mbox"], json!("mailto:ann@example.com"));
    assert!(ids["verb"].get("display").is_none(), "{}", ids["verb"]);
    assert_eq!(ids["verb"]["id"], s["verb"]["id"]);
    // An Activity is its id alone (XAPI-00171 counts the keys).
    assert_eq!(ids["object"], json!({"id": s["object"]["id"]}), "{}", ids["object"]);
    assert!(ids["context"]["instructor"].get("name").is_none());
    let team = &ids["context"]["team"];
    assert!(team.get("name").is_none());
    let members = team["member"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    assert!(members.iter().all(|m| m.get("name").is_none()), "{team}");
    assert!(ids["context"]["contextActivities"]["parent"][0].get("definition").is_none());
    // The format applies to a query's statements too.
    let listed = lrs.query("format=ids").await;
    assert!(listed["statements"][0]["object"].get("definition").is_none());

    // canonical: one language per language map, chosen by Accept-Language
    // (Communication 2.1.3.s4.b1, b4, b5); Agents and Groups as in exact.
    for (accept, lang) in
        [("fr-FR", "fr-FR"), ("fr", "fr-FR"), ("en-US, fr-FR;q=0.5", "en-US"), ("de;q=0.1, fr-FR;q=0.9", "fr-FR")]
    {
        let r = lrs
            .request(reqwest::Method::GET, &format!("/xapi/statements?statementId={id}&format=canonical"))
            .header("Accept-Language", accept);
        let c = Lrs::send(r).await;
        c.expect(200);
        let c = c.json();
        let definition = &c["object"]["definition"];
        assert_eq!(definition["name"].as_object().unwrap().len(), 1, "{accept}: {definition}");
        assert!(definition["name"].get(lang).is_some(), "{accept}: {}", definition["name"]);
        assert_eq!(definition["description"].as_object().unwrap().len(), 1);
        assert!(definition["description"].get(lang).is_some());
        for choice in definition["choices"].as_array().unwrap() {
            assert_eq!(choice["description"].as_object().unwrap().len(), 1, "{choice}");
            assert!(choice["description"].get(lang).is_some());
        }
        assert_eq!(c["verb"]["display"].as_object().unwrap().len(), 1, "SHOULD* (2.1.3.s4.b4)");
        assert!(c["verb"]["display"].get(lang).is_some());
        assert_eq!(c["actor"], s["actor"], "canonical returns Agents as in exact");
        assert_eq!(c["context"]["team"], s["context"]["team"]);
        assert_eq!(definition["correctResponsesPattern"], json!(["a"]));
    }
    // Without Accept-Language, or for a language it lacks, still one language each.
    let c = lrs.get(&format!("/xapi/statements?statementId={id}&format=canonical")).await.json();
    assert_eq!(c["object"]["definition"]["name"].as_object().unwrap().len(), 1);
    let r = lrs
        .request(reqwest::Method::GET, &format!("/xapi/statements?statementId={id}&format=canonical"))
        .header("Accept-Language", "ja");
    let c = Lrs::send(r).await.json();
    assert_eq!(c["object"]["definition"]["name"].as_object().unwrap().len(), 1);
    let listed = lrs.query("format=canonical").await;
    assert_eq!(listed["statements"][0]["object"]["definition"]["name"].as_object().unwrap().len(), 1);
});

app_test!(canonical_returns_the_lrs_definition_of_an_activity, |app| {
    let lrs = Lrs::new(app).await;
    let activity = "http://www.example.com/activities/evolving";
    let first = lrs
        .store(&json!({"actor": agent("ann@example.com"), "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
                       "object": {"id": activity, "definition": {"name": {"en-US": "First name"}}}}))
        .await;
    lrs.store(&json!({"actor": agent("ann@example.com"), "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
                      "object": {"id": activity, "definition": {"name": {"en-US": "Better name"}}}}))
        .await;
    // Data 2.3.1.b2: exact keeps the statement as received; canonical gives the LRS's definition
    // (Data 2.4.4.1.s4.b3: updated from a later statement by the same provider).
    let exact = lrs.statement(&first).await;
    assert_eq!(exact["object"]["definition"]["name"], json!({"en-US": "First name"}));
    let canonical = lrs.get(&format!("/xapi/statements?statementId={first}&format=canonical")).await.json();
    assert_eq!(canonical["object"]["definition"]["name"], json!({"en-US": "Better name"}));
});

app_test!(the_agent_filter_compares_the_same_kind_of_identifier, |app| {
    let lrs = Lrs::new(app).await;
    let verb = "http://adlnet.gov/expapi/verbs/experienced";
    // Communication 2.1.3.s1.table1.row3: Agents are equal when the same Inverse Functional
    // Identifier is used in each and the values are equal; an mbox and the mbox_sha1sum of that
    // mbox are different identifiers.
    let by_mbox = lrs.store(&did(agent("cat@example.com"), verb, "http://e.org/1")).await;
    let hashed = json!({"mbox_sha1sum": sha1_hex(b"mailto:cat@example.com")});
    let by_hash = lrs.store(&did(hashed.clone(), verb, "http://e.org/1")).await;
    assert_eq!(lrs.ids(&q(&[("agent", &hashed.to_string())])).await, vec![by_hash]);
    assert_eq!(lrs.ids(&q(&[("agent", &agent("cat@example.com").to_string())])).await, vec![by_mbox]);
});

app_test!(every_filter_at_once_finds_the_statement, |app| {
    let lrs = Lrs::new(app).await;
    // Data 2.5.s1 (the conformance suite's "statements correspond to the filtering criterion").
    let registration = new_id();
    let s = statement_with(|s| {
        s["id"] = json!(new_id());
        s["context"] =
            json!({"registration": registration, "contextActivities": {"parent": [{"id": "http://e.org/parent"}]}});
    });
    let id = lrs.store(&s).await;
    lrs.store(&statement()).await;
    let actor = s["actor"].to_string();
    let query = q(&[
        ("limit", "1"),
        ("agent", &actor),
        ("verb", s["verb"]["id"].as_str().unwrap()),
        ("activity", s["object"]["id"].as_str().unwrap()),
        ("registration", &registration),
        ("related_activities", "true"),
        ("since", "2012-06-01T19:09:13.245Z"),
        ("format", "ids"),
        ("attachments", "false"),
    ]);
    let result = lrs.query(&query).await;
    assert_eq!(statement_ids(&result), vec![id]);
    let by_parent =
        q(&[("activity", "http://e.org/parent"), ("related_activities", "true"), ("registration", &registration)]);
    assert_eq!(lrs.ids(&by_parent).await.len(), 1);
});

app_test!(a_statement_stored_under_a_looser_rule_is_still_returned, |app| {
    // Stored before a rule was tightened (an empty activity definition is refused now): every
    // format still returns it, as stored, rather than failing the page.
    let org = app.organisation("OLD", "old.example.org").await;
    let lrs = Lrs::of(app, org, true, true).await;
    let id = uuid::Uuid::new_v4();
    let verb = "http://example.org/verbs/kept";
    let body = json!({"id": id, "actor": {"mbox": "mailto:old@example.org"}, "verb": {"id": verb},
        "object": {"id": "http://example.org/a", "definition": {}}, "stored": "2026-01-01T00:00:00.000Z",
        "timestamp": "2026-01-01T00:00:00.000Z", "version": "1.0.0",
        "authority": {"mbox": "mailto:lrs@example.org"}});
    let old = store::xapi::NewStatement {
        id,
        stored: "2026-01-01T00:00:00Z".parse().unwrap(),
        body: body.to_string(),
        terms: vec![format!("v:{verb}")],
        mboxes: Vec::new(),
        attachment_hashes: Vec::new(),
        voids: None,
        targets: None,
        person: None,
        organisation: Some(org),
        definitions: Vec::new(),
        entry: None,
        pending: None,
    };
    app.store.insert_statements(&[old], &[]).await.unwrap();
    for format in ["exact", "ids", "canonical"] {
        let r = lrs.get(&format!("/xapi/statements?{}", q(&[("verb", verb), ("format", format)]))).await;
        r.expect(200);
        let statements = r.json()["statements"].as_array().unwrap().clone();
        assert_eq!(statements.len(), 1, "{format}");
        assert_eq!(statements[0]["id"], json!(id.to_string()), "{format}");
    }
});
