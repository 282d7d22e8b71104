//! The Activities resource (Communication 2.5) and the Agents resource (2.4).

use serde_json::{json, Value};

use crate::app_test;
use crate::*;

app_test!(the_activities_resource_returns_the_activity_definition, |app| {
    let lrs = Lrs::new(app).await;
    let id = "http://www.example.com/activities/quiz";
    let definition = json!({
        "name": {"en-US": "Quiz"},
        "description": {"en-US": "A quiz"},
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "interactionType": "choice",
        "correctResponsesPattern": ["a"],
        "choices": [{"id": "a", "description": {"en-US": "Yes"}}, {"id": "b", "description": {"en-US": "No"}}]
    });
    lrs.store(&json!({"actor": agent("ann@example.com"), "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                      "object": {"objectType": "Activity", "id": id, "definition": definition}}))
        .await;
    // Communication 2.5.s1: 200 and the complete Activity object.
    let r = lrs.get(&format!("/xapi/activities?{}", q(&[("activityId", id)]))).await;
    r.expect(200);
    assert_eq!(r.media_type(), "application/json");
    let activity = r.json();
    assert_eq!(activity["id"], json!(id));
    assert_eq!(activity.get("objectType").map_or("Activity", |t| t.as_str().unwrap()), "Activity");
    assert!(same_json(&activity["definition"], &definition), "{activity}");

    // Activities seen only in context, or in a SubStatement, are known too.
    let parent = "http://www.example.com/courses/parent";
    lrs.store(&json!({"actor": agent("ann@example.com"), "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
                      "object": {"id": "http://www.example.com/activities/other"},
                      "context": {"contextActivities": {"parent": [{"id": parent, "definition": {"name": {"en-US": "Parent"}}}]}}}))
        .await;
    let r = lrs.get(&format!("/xapi/activities?{}", q(&[("activityId", parent)]))).await;
    assert_eq!(r.json()["definition"]["name"], json!({"en-US": "Parent"}));
    let (planned, grouping) = ("http://www.example.com/activities/planned", "http://www.example.com/programmes/p");
    lrs.store(&json!({"actor": agent("ann@example.com"), "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
                      "object": {"objectType": "SubStatement", "actor": agent("ann@example.com"),
                                 "verb": {"id": "http://example.com/verbs/will-complete"},
                                 "object": {"id": planned, "definition": {"name": {"en-US": "Planned"}}},
                                 "context": {"contextActivities": {"grouping": [
                                     {"id": grouping, "definition": {"name": {"en-US": "Programme"}}}]}}}}))
        .await;
    let r = lrs.get(&format!("/xapi/activities?{}", q(&[("activityId", planned)]))).await;
    assert_eq!(r.json()["definition"]["name"], json!({"en-US": "Planned"}), "the SubStatement's object");
    let r = lrs.get(&format!("/xapi/activities?{}", q(&[("activityId", grouping)]))).await;
    assert_eq!(r.json()["definition"]["name"], json!({"en-US": "Programme"}), "the SubStatement's context");

    // Data 2.4.4.1.s4.b3: a later definition from the same provider updates the LRS's.
    let mut changed = definition.clone();
    changed["name"] = json!({"en-US": "Quiz", "fr-FR": "Questionnaire"});
    lrs.store(&json!({"actor": agent("ann@example.com"), "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                      "object": {"id": id, "definition": changed}}))
        .await;
    let r = lrs.get(&format!("/xapi/activities?{}", q(&[("activityId", id)]))).await;
    assert_eq!(r.json()["definition"]["name"], json!({"en-US": "Quiz", "fr-FR": "Questionnaire"}));

    // XAPI-00254: the Activity holds all that statements said of it. Two in one batch, the second
    // without the first's language: both languages are kept, the second's other properties win.
    let merged = "http://www.example.com/activities/two-languages";
    let said = |name: Value, ty: &str| {
        json!({"actor": agent("ann@example.com"), "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
               "object": {"id": merged, "definition": {"name": name, "type": ty}}})
    };
    lrs.post_json(
        "/xapi/statements",
        &json!([
            said(json!({"en-US": "Module"}), "http://t.org/first"),
            said(json!({"fr-FR": "Module (fr)"}), "http://t.org/second")
        ]),
    )
    .await
    .expect(200);
    let r = lrs.get(&format!("/xapi/activities?{}", q(&[("activityId", merged)]))).await;
    assert_eq!(
        r.json()["definition"],
        json!({"name": {"en-US": "Module", "fr-FR": "Module (fr)"}, "type": "http://t.org/second"})
    );
    // And across requests: a third language later adds to the two.
    lrs.store(&said(json!({"de-DE": "Modul"}), "http://t.org/second")).await;
    let r = lrs.get(&format!("/xapi/activities?{}", q(&[("activityId", merged)]))).await;
    assert_eq!(r.json()["definition"]["name"], json!({"en-US": "Module", "fr-FR": "Module (fr)", "de-DE": "Modul"}));

    // Communication 2.5.s2.b1 (SHOULD*): an unknown activity is still an Activity object.
    let unknown = "http://www.example.com/activities/never-seen";
    let r = lrs.get(&format!("/xapi/activities?{}", q(&[("activityId", unknown)]))).await;
    r.expect(200);
    assert_eq!(r.json()["id"], json!(unknown));

    // activityId is required (2.5.s1.table1.row1) and an IRI (Data 2.2.s4.b4); nothing else is
    // accepted (Communication 3.2.s3.b7, b8).
    lrs.get("/xapi/activities").await.refused(400, "activityId");
    lrs.get(&format!("/xapi/activities?{}", q(&[("activityId", "not an iri")]))).await.refused(400, "activityId");
    lrs.get(&format!("/xapi/activities?{}", q(&[("activityId", id), ("foo", "bar")]))).await.refused(400, "foo");
    lrs.get(&format!("/xapi/activities?{}", q(&[("activityID", id)]))).await.refused(400, "activityID");
});

app_test!(the_agents_resource_returns_a_person_object, |app| {
    let lrs = Lrs::new(app).await;
    // Communication 2.4.s3.b3: an agent the LRS knows nothing of is still a Person, with what the
    // request gave.
    let asked = json!({"objectType": "Agent", "name": "Una Known", "mbox": "mailto:unknown@example.com"});
    let r = lrs.get(&format!("/xapi/agents?{}", q(&[("agent", &asked.to_string())]))).await;
    r.expect(200);
    assert_eq!(r.media_type(), "application/json");
    let person = r.json();
    assert_eq!(person["objectType"], json!("Person"));
    assert_eq!(person["mbox"], json!(["mailto:unknown@example.com"]));
    // 2.4.s3.b3 note: "a Person object containing the information about the Agent it received".
    assert!(person["name"].as_array().is_some_and(|n| n.contains(&json!("Una Known"))), "{person}");
    // Communication 2.4.s6.b1, b2: arrays only, and only the Person properties.
    for (key, value) in person.as_object().unwrap() {
        assert!(
            ["objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"].contains(&key.as_str()),
            "a Person has no {key}"
        );
        if key != "objectType" {
            assert!(value.is_array(), "{key} is an array: {person}");
        }
    }

    // An agent seen in a statement: still a Person with its identifier (the names the LRS knows MAY
    // come back too).
    let named = json!({"name": "Andrew Downes", "account": {"homePage": "http://www.example.com", "name": "13936749"}});
    lrs.store(&did(named.clone(), "http://adlnet.gov/expapi/verbs/attended", "http://e.org/meeting")).await;
    let asked = json!({"account": {"homePage": "http://www.example.com", "name": "13936749"}});
    let person = lrs.get(&format!("/xapi/agents?{}", q(&[("agent", &asked.to_string())]))).await.json();
    assert_eq!(person["objectType"], json!("Person"));
    assert_eq!(person["account"], json!([{"homePage": "http://www.example.com", "name": "13936749"}]));
    if let Some(names) = person.get("name") {
        assert!(names.as_array().is_some_and(|n| n.iter().all(Value::is_string)), "{person}");
    }

    // The agent parameter is required, and is one Agent with one identifier (2.4.s2).
    lrs.get("/xapi/agents").await.refused(400, "agent");
    for bad in [
        "not json",
        "{\"mbox\":\"unknown@example.com\"}",
        "{\"mbox\":\"mailto:a@example.com\",\"openid\":\"http://o.example.org/a\"}",
        "{\"objectType\":\"Group\",\"member\":[{\"mbox\":\"mailto:a@example.com\"}]}",
        "{\"objectType\":\"Person\",\"mbox\":[\"mailto:a@example.com\"]}",
    ] {
        lrs.get(&format!("/xapi/agents?{}", q(&[("agent", bad)]))).await.refused(400, "agent");
    }
    let fine = json!({"mbox": "mailto:a@example.com"}).to_string();
    lrs.get(&format!("/xapi/agents?{}", q(&[("agent", &fine), ("profileId", "p")]))).await.refused(400, "profileId");
});
