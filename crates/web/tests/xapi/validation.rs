//! Statement validation over HTTP (Data 2.2 to 2.4, 4.0; Communication 3.2.s2.b1): every malformed
//! statement is refused with 400 and a message naming the property, and changes nothing; every
//! valid shape the Data part describes is accepted and read back as sent.

use serde_json::{json, Value};

use crate::app_test;
use crate::*;

type Change = fn(&mut Value);

fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().unwrap().remove(key);
}

fn attachment() -> Value {
    json!({
        "usageType": "http://example.com/attachment-usage/test",
        "display": {"en-US": "A test attachment"},
        "contentType": "text/plain; charset=ascii",
        "length": 27,
        "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
        "fileUrl": "http://www.example.com/files/attachment.txt"
    })
}

fn sub_statement() -> Value {
    json!({
        "objectType": "SubStatement",
        "actor": {"objectType": "Agent", "mbox": "mailto:test@example.com"},
        "verb": {"id": "http://example.com/visited", "display": {"en-US": "will visit"}},
        "object": {"objectType": "Activity", "id": "http://example.com/website"}
    })
}

/// The malformed statements: (the rule, the change to a valid statement, the property the
/// refusal must name).
fn malformed() -> Vec<(&'static str, Change, &'static str)> {
    vec![
        // Data 2.2.s2.b3 / 2.4.s1: actor, verb and object are required.
        ("2.4.s1 actor required", |s| remove(s, "actor"), "actor"),
        ("2.4.s1 verb required", |s| remove(s, "verb"), "verb"),
        ("2.4.s1 object required", |s| remove(s, "object"), "object"),
        // Data 2.2.s4.b1.b1: no nulls outside extensions.
        ("2.2.s4.b1.b1 null name", |s| s["actor"]["name"] = Value::Null, "actor.name"),
        ("2.2.s4.b1.b1 null result", |s| s["result"] = Value::Null, "result"),
        ("2.2.s4.b1.b1 null display", |s| s["verb"]["display"]["en-US"] = Value::Null, "verb.display"),
        ("2.2.s4.b1.b1 null registration", |s| s["context"] = json!({"registration": null}), "context.registration"),
        // Data 2.2.s4.b1.b2: the wrong data type.
        ("2.2.s4.b1.b2 string for boolean", |s| s["result"] = json!({"success": "true"}), "result.success"),
        ("2.2.s4.b1.b2 number for boolean", |s| s["result"] = json!({"completion": 1}), "result.completion"),
        ("2.2.s4.b1.b2 string for number", |s| s["result"] = json!({"score": {"raw": "5"}}), "result.score.raw"),
        ("2.2.s4.b1.b2 number for string", |s| s["result"] = json!({"response": 5}), "result.response"),
        ("2.2.s4.b1.b2 verb as a string", |s| s["verb"] = json!("http://adlnet.gov/expapi/verbs/attempted"), "verb"),
        ("2.2.s4.b1.b2 actor as an array", |s| s["actor"] = json!([agent("a@example.com")]), "actor"),
        (
            "2.2.s4.b1.b2 name as a string",
            |s| s["object"]["definition"]["name"] = json!("Course"),
            "object.definition.name",
        ),
        ("2.2.s4.b1.b2 attachments as an object", |s| s["attachments"] = attachment(), "attachments"),
        ("2.2.s4.b1.b2 timestamp as a number", |s| s["timestamp"] = json!(1_447_849_020), "timestamp"),
        ("2.2.s4.b1.b2 statement as a string", |s| *s = json!("statement"), ""),
        // Data 2.2.s4.b1.b4: formatted strings, including the empty string.
        ("2.2.s4.b1.b4 empty id", |s| s["id"] = json!(""), "id"),
        ("2.4.1 id not a UUID", |s| s["id"] = json!("not-a-uuid"), "id"),
        ("2.4.1 id without hyphens", |s| s["id"] = json!("e05aa883acaf40adbf5402c8ce485fb0"), "id"),
        ("2.4.1 id as a number", |s| s["id"] = json!(12), "id"),
        ("2.2.s4.b1.b4 empty verb id", |s| s["verb"]["id"] = json!(""), "verb.id"),
        ("2.2.s4.b1.b4 empty mbox", |s| s["actor"]["mbox"] = json!(""), "actor.mbox"),
        ("2.4.2.3 mbox without mailto:", |s| s["actor"]["mbox"] = json!("sample.agent@example.com"), "actor.mbox"),
        ("2.4.2.3 mbox with another scheme", |s| s["actor"]["mbox"] = json!("http://example.com"), "actor.mbox"),
        (
            "2.4.2.3 mbox_sha1sum not a SHA1",
            |s| s["actor"] = json!({"mbox_sha1sum": "not-a-hash"}),
            "actor.mbox_sha1sum",
        ),
        ("2.4.2.3 openid not a URI", |s| s["actor"] = json!({"openid": "ann"}), "actor.openid"),
        (
            "2.4.2.4 account without homePage",
            |s| s["actor"] = json!({"account": {"name": "ann"}}),
            "actor.account.homePage",
        ),
        (
            "2.4.2.4 account without name",
            |s| s["actor"] = json!({"account": {"homePage": "http://e.org"}}),
            "actor.account.name",
        ),
        (
            "2.4.2.4 homePage not an IRL",
            |s| s["actor"] = json!({"account": {"homePage": "e.org", "name": "a"}}),
            "actor.account.homePage",
        ),
        ("2.4.6 registration not a UUID", |s| s["context"] = json!({"registration": "abc"}), "context.registration"),
        // Data 2.2.s4.b1.b5: keys in the wrong case.
        (
            "2.2.s4.b1.b5 Actor",
            |s| {
                let actor = s["actor"].take();
                remove(s, "actor");
                s["Actor"] = actor;
            },
            "Actor",
        ),
        ("2.2.s4.b1.b5 verb ID", |s| s["verb"] = json!({"ID": "http://adlnet.gov/expapi/verbs/attempted"}), "verb.ID"),
        // Data 2.2.s4.b1.b6: enumerated values in the wrong case.
        ("2.2.s4.b1.b6 objectType activity", |s| s["object"]["objectType"] = json!("activity"), "object.objectType"),
        ("2.2.s4.b1.b6 objectType agent", |s| s["actor"]["objectType"] = json!("agent"), "actor.objectType"),
        (
            "2.2.s4.b1.b6 interactionType Choice",
            |s| s["object"]["definition"]["interactionType"] = json!("Choice"),
            "object.definition.interactionType",
        ),
        // Data 2.2.s4.b1.b7 / b8 of 2.2.s4: properties the specification does not allow.
        ("2.2.s4.b1.b7 extra top-level property", |s| s["extra"] = json!(1), "extra"),
        ("2.2.s4.b1.b7 verb.name", |s| s["verb"]["name"] = json!("attempted"), "verb.name"),
        ("2.2.s4.b1.b7 actor.age", |s| s["actor"]["age"] = json!(40), "actor.age"),
        ("2.2.s4.b1.b7 score.percent", |s| s["result"] = json!({"score": {"percent": 10}}), "result.score.percent"),
        (
            "2.2.s4.b1.b7 definition.title",
            |s| s["object"]["definition"]["title"] = json!({"en": "x"}),
            "object.definition.title",
        ),
        (
            "2.2.s4.b1.b7 contextActivities.sibling",
            |s| s["context"] = json!({"contextActivities": {"sibling": []}}),
            "context.contextActivities.sibling",
        ),
        // Data 2.2.s4.b1.b8: IRIs and IRLs without a scheme.
        ("2.2.s4.b1.b8 verb id", |s| s["verb"]["id"] = json!("example.com/verbs/did"), "verb.id"),
        ("2.2.s4.b1.b8 activity id", |s| s["object"]["id"] = json!("/activity"), "object.id"),
        (
            "2.2.s4.b1.b8 activity type",
            |s| s["object"]["definition"]["type"] = json!("course"),
            "object.definition.type",
        ),
        (
            "2.2.s4.b1.b8 moreInfo",
            |s| s["object"]["definition"]["moreInfo"] = json!("www.example.com"),
            "object.definition.moreInfo",
        ),
        (
            "2.2.s4.b1.b8 parent id",
            |s| s["context"] = json!({"contextActivities": {"parent": [{"id": "parent"}]}}),
            "context.contextActivities.parent[0].id",
        ),
        // Data 2.2.s4.b2: language map keys are RFC 5646 tags.
        ("2.2.s4.b2 display key en_US", |s| s["verb"]["display"] = json!({"en_US": "attempted"}), "verb.display"),
        (
            "2.2.s4.b2 name key not a tag",
            |s| s["object"]["definition"]["name"] = json!({"english please": "x"}),
            "object.definition.name",
        ),
        ("2.2.s4.b2 display as an array", |s| s["verb"]["display"] = json!(["attempted"]), "verb.display"),
        ("2.4.6 context language en_GB", |s| s["context"] = json!({"language": "en_GB"}), "context.language"),
        ("2.2.s4.b2 display value not a string", |s| s["verb"]["display"] = json!({"en-US": 1}), "verb.display"),
        // Data 2.4.2: Agents and Groups.
        ("2.4.2.1 two IFIs", |s| s["actor"]["openid"] = json!("http://openid.example.org/a"), "actor"),
        ("2.4.2.1 no IFI", |s| s["actor"] = json!({"objectType": "Agent", "name": "Nobody"}), "actor"),
        ("2.4.2 actor objectType Person", |s| s["actor"]["objectType"] = json!("Person"), "actor.objectType"),
        (
            "2.4.2.2 anonymous Group without member",
            |s| s["actor"] = json!({"objectType": "Group", "name": "G"}),
            "actor",
        ),
        (
            "2.4.2.2 Group member is a Group",
            |s| {
                s["actor"] = json!({"objectType": "Group", "member": [
            {"objectType": "Group", "mbox": "mailto:g@example.com"}]})
            },
            "actor.member[0]",
        ),
        (
            "2.4.2.2 member without IFI",
            |s| s["actor"] = json!({"objectType": "Group", "member": [{"name": "x"}]}),
            "actor.member[0]",
        ),
        (
            "2.4.2.2 identified Group with two IFIs",
            |s| {
                s["actor"] = json!({"objectType": "Group",
            "mbox": "mailto:g@example.com", "openid": "http://openid.example.org/g"})
            },
            "actor",
        ),
        ("2.4.2.1 Agent with member", |s| s["actor"]["member"] = json!([]), "actor.member"),
        // Data 2.4.3: the Verb.
        ("2.4.3 verb without id", |s| s["verb"] = json!({"display": {"en-US": "x"}}), "verb.id"),
        // Data 2.4.4: the Object.
        ("2.4.4.s2 unknown objectType", |s| s["object"]["objectType"] = json!("Thing"), "object.objectType"),
        ("2.4.4.1 activity without id", |s| remove(&mut s["object"], "id"), "object.id"),
        (
            "2.4.4.2 agent object without objectType",
            |s| s["object"] = json!({"mbox": "mailto:a@example.com"}),
            "object",
        ),
        (
            "2.4.4.3 StatementRef id not a UUID",
            |s| s["object"] = json!({"objectType": "StatementRef", "id": "x"}),
            "object.id",
        ),
        ("2.4.4.3 StatementRef without id", |s| s["object"] = json!({"objectType": "StatementRef"}), "object.id"),
        (
            "2.4.4.3.s8.b4 nested SubStatement",
            |s| {
                let mut sub = sub_statement();
                sub["object"] = sub_statement();
                s["object"] = sub;
            },
            "object.object",
        ),
        (
            "2.4.4.3.s8.b3 SubStatement with id",
            |s| {
                s["object"] = sub_statement();
                s["object"]["id"] = json!(new_id());
            },
            "object.id",
        ),
        (
            "2.4.4.3.s8.b3 SubStatement with stored",
            |s| {
                s["object"] = sub_statement();
                s["object"]["stored"] = json!("2013-05-18T05:32:34.804Z");
            },
            "object.stored",
        ),
        (
            "2.4.4.3.s8.b3 SubStatement with version",
            |s| {
                s["object"] = sub_statement();
                s["object"]["version"] = json!("1.0.0");
            },
            "object.version",
        ),
        (
            "2.4.4.3.s8.b3 SubStatement with authority",
            |s| {
                s["object"] = sub_statement();
                s["object"]["authority"] = agent("a@example.com");
            },
            "object.authority",
        ),
        (
            "2.4.4.3.s8.b2 SubStatement bad verb",
            |s| {
                s["object"] = sub_statement();
                s["object"]["verb"]["id"] = json!("visited");
            },
            "object.verb.id",
        ),
        (
            "2.4.4.3.s8.b2 SubStatement without actor",
            |s| {
                s["object"] = sub_statement();
                remove(&mut s["object"], "actor");
            },
            "object.actor",
        ),
        // Data 2.4.4.1: interaction activities.
        (
            "2.4.4.1.s13 unknown interactionType",
            |s| s["object"]["definition"]["interactionType"] = json!("essay"),
            "object.definition.interactionType",
        ),
        (
            "2.4.4.1.s15 choices on true-false",
            |s| {
                s["object"]["definition"] = json!({"interactionType": "true-false",
            "choices": [{"id": "a"}]})
            },
            "object.definition.choices",
        ),
        (
            "2.4.4.1.s16 repeated component ids",
            |s| {
                s["object"]["definition"] = json!({"interactionType": "choice",
            "choices": [{"id": "a"}, {"id": "a"}]})
            },
            "object.definition.choices[1].id",
        ),
        (
            "2.4.4.1.s8 correctResponsesPattern not an array",
            |s| {
                s["object"]["definition"] = json!({
            "interactionType": "choice", "correctResponsesPattern": "a"})
            },
            "object.definition.correctResponsesPattern",
        ),
        (
            "2.4.4.1.s8 correctResponsesPattern of numbers",
            |s| {
                s["object"]["definition"] = json!({
            "interactionType": "numeric", "correctResponsesPattern": [4]})
            },
            "object.definition.correctResponsesPattern[0]",
        ),
        // Data 2.4.5: the Result and its Score.
        ("2.4.5.1 scaled above 1", |s| s["result"] = json!({"score": {"scaled": 1.5}}), "result.score.scaled"),
        ("2.4.5.1 scaled below -1", |s| s["result"] = json!({"score": {"scaled": -1.01}}), "result.score.scaled"),
        ("2.4.5.1 raw above max", |s| s["result"] = json!({"score": {"raw": 11, "max": 10}}), "result.score.raw"),
        ("2.4.5.1 raw below min", |s| s["result"] = json!({"score": {"raw": -1, "min": 0}}), "result.score.raw"),
        ("2.4.5.1 min above max", |s| s["result"] = json!({"score": {"min": 10, "max": 5}}), "result.score.min"),
        ("4.6 duration not ISO 8601", |s| s["result"] = json!({"duration": "4 hours"}), "result.duration"),
        ("4.6 duration weeks with days", |s| s["result"] = json!({"duration": "P4W1D"}), "result.duration"),
        (
            "4.6 duration alternative format",
            |s| s["result"] = json!({"duration": "P0000-00-01T00:00:00"}),
            "result.duration",
        ),
        // Data 2.4.6: the Context.
        (
            "2.4.6.s4.b1 revision with an Agent object",
            |s| {
                s["object"] = agent("a@example.com");
                s["context"] = json!({"revision": "2"});
            },
            "context.revision",
        ),
        (
            "2.4.6.s4.b2 platform with a StatementRef object",
            |s| {
                s["object"] = json!({"objectType": "StatementRef", "id": new_id()});
                s["context"] = json!({"platform": "Web"});
            },
            "context.platform",
        ),
        ("2.4.6 revision as a number", |s| s["context"] = json!({"revision": 2}), "context.revision"),
        ("2.4.6 instructor without IFI", |s| s["context"] = json!({"instructor": {"name": "x"}}), "context.instructor"),
        ("2.4.6 team is an Agent", |s| s["context"] = json!({"team": agent("a@example.com")}), "context.team"),
        (
            "2.4.6 statement not a StatementRef",
            |s| s["context"] = json!({"statement": {"id": new_id()}}),
            "context.statement",
        ),
        (
            "2.4.6.2 context activity as a string",
            |s| s["context"] = json!({"contextActivities": {"parent": "http://e.org/p"}}),
            "context.contextActivities.parent",
        ),
        // Data 4.5: timestamps.
        ("4.5 timestamp not a date", |s| s["timestamp"] = json!("should fail"), "timestamp"),
        ("4.5 timestamp day first", |s| s["timestamp"] = json!("01/011/2015"), "timestamp"),
        ("4.5 timestamp month 13", |s| s["timestamp"] = json!("2015-13-01T00:00:00Z"), "timestamp"),
        ("4.5 offset -00", |s| s["timestamp"] = json!("2008-09-15T15:53:00.601-00"), "timestamp"),
        ("4.5 offset -0000", |s| s["timestamp"] = json!("2008-09-15T15:53:00.601-0000"), "timestamp"),
        ("4.5 offset -00:00", |s| s["timestamp"] = json!("2008-09-15T15:53:00.601-00:00"), "timestamp"),
        ("4.5 stored not a date", |s| s["stored"] = json!("18/11/2015"), "stored"),
        (
            "4.5 SubStatement timestamp",
            |s| {
                s["object"] = sub_statement();
                s["object"]["timestamp"] = json!("should fail");
            },
            "object.timestamp",
        ),
        // Data 4.1: extension keys are IRIs; extensions are objects.
        (
            "4.1.s3.b1 extension key not an IRI",
            |s| s["object"]["definition"]["extensions"] = json!({"room": 1}),
            "object.definition.extensions",
        ),
        (
            "4.1.s3.b1 context extension key empty",
            |s| s["context"] = json!({"extensions": {"": 1}}),
            "context.extensions",
        ),
        ("4.1 extensions as an array", |s| s["result"] = json!({"extensions": []}), "result.extensions"),
        // Data 2.4.9: the authority.
        (
            "2.4.9.s3.b1 authority Group of one",
            |s| {
                s["authority"] = json!({"objectType": "Group",
            "member": [agent("a@example.com")]})
            },
            "authority",
        ),
        ("2.4.9 authority without IFI", |s| s["authority"] = json!({"name": "x"}), "authority"),
        // Data 2.4.10: the version.
        ("2.4.10.s3.b2 version 2.0.0", |s| s["version"] = json!("2.0.0"), "version"),
        ("2.4.10.s3.b2 version 1.1.0", |s| s["version"] = json!("1.1.0"), "version"),
        ("2.4.10.s3.b2 version as a number", |s| s["version"] = json!(1.0), "version"),
        // Data 2.4.11: attachments.
        (
            "2.4.11 attachment without usageType",
            |s| {
                s["attachments"] = json!([attachment()]);
                remove(&mut s["attachments"][0], "usageType");
            },
            "attachments[0].usageType",
        ),
        (
            "2.4.11 attachment without display",
            |s| {
                s["attachments"] = json!([attachment()]);
                remove(&mut s["attachments"][0], "display");
            },
            "attachments[0].display",
        ),
        (
            "2.4.11 attachment without contentType",
            |s| {
                s["attachments"] = json!([attachment()]);
                remove(&mut s["attachments"][0], "contentType");
            },
            "attachments[0].contentType",
        ),
        (
            "2.4.11 attachment without length",
            |s| {
                s["attachments"] = json!([attachment()]);
                remove(&mut s["attachments"][0], "length");
            },
            "attachments[0].length",
        ),
        (
            "2.4.11 attachment without sha2",
            |s| {
                s["attachments"] = json!([attachment()]);
                remove(&mut s["attachments"][0], "sha2");
            },
            "attachments[0].sha2",
        ),
        (
            "2.4.11 length as a string",
            |s| {
                s["attachments"] = json!([attachment()]);
                s["attachments"][0]["length"] = json!("27");
            },
            "attachments[0].length",
        ),
        (
            "2.4.11 contentType not a media type",
            |s| {
                s["attachments"] = json!([attachment()]);
                s["attachments"][0]["contentType"] = json!("pdf");
            },
            "attachments[0].contentType",
        ),
        (
            "2.4.11 relative fileUrl",
            |s| {
                s["attachments"] = json!([attachment()]);
                s["attachments"][0]["fileUrl"] = json!("files/attachment.txt");
            },
            "attachments[0].fileUrl",
        ),
        ("2.4.11 attachment as a number", |s| s["attachments"] = json!([12345]), "attachments[0]"),
        ("2.4.11 attachment as a string", |s| s["attachments"] = json!(["should fail"]), "attachments[0]"),
        (
            "2.4.11 sha2 as a number",
            |s| {
                s["attachments"] = json!([attachment()]);
                s["attachments"][0]["sha2"] = json!(12345);
            },
            "attachments[0].sha2",
        ),
        (
            "2.4.11 contentType a sentence",
            |s| {
                s["attachments"] = json!([attachment()]);
                s["attachments"][0]["contentType"] = json!("should fail");
            },
            "attachments[0].contentType",
        ),
        (
            "2.4.11 fileUrl a sentence",
            |s| {
                s["attachments"] = json!([attachment()]);
                s["attachments"][0]["fileUrl"] = json!("should fail");
            },
            "attachments[0].fileUrl",
        ),
        (
            "2.4.11 description as a number",
            |s| {
                s["attachments"] = json!([attachment()]);
                s["attachments"][0]["description"] = json!(12345);
            },
            "attachments[0].description",
        ),
        (
            "2.4.11 description as a string",
            |s| {
                s["attachments"] = json!([attachment()]);
                s["attachments"][0]["description"] = json!("should error");
            },
            "attachments[0].description",
        ),
        (
            "2.4.11 usageType not an IRI",
            |s| {
                s["attachments"] = json!([attachment()]);
                s["attachments"][0]["usageType"] = json!("certificate");
            },
            "attachments[0].usageType",
        ),
    ]
}

app_test!(malformed_statements_are_refused_with_400_naming_the_property, |app| {
    let lrs = Lrs::new(app).await;
    let mut failures = Vec::new();
    for (rule, change, property) in malformed() {
        let mut s = statement();
        s["id"] = json!(new_id());
        change(&mut s);
        for (how, r) in [
            ("POST", lrs.post_json("/xapi/statements", &s).await),
            ("POST in a batch", lrs.post_json("/xapi/statements", &json!([statement(), s.clone()])).await),
        ] {
            let text = r.text();
            if r.status != 400 || !text.contains(property) || r.header("x-experience-api-version").is_none() {
                failures.push(format!("Data {rule} ({how}): {} {text}", r.status));
            }
        }
        if let Some(id) = s.get("id").and_then(Value::as_str).filter(|id| uuid::Uuid::parse_str(id).is_ok()) {
            let r = lrs.put_json(&format!("/xapi/statements?statementId={id}"), &s).await;
            if r.status != 400 || !(r.text().contains(property) || r.text().contains("statementId")) {
                failures.push(format!("Data {rule} (PUT): {} {}", r.status, r.text()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} malformed statements not refused as required:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Nothing was stored.
    assert!(lrs.ids("").await.is_empty(), "a refused request changes nothing");
});

/// Valid statements the Data part describes, in every shape it allows.
fn valid() -> Vec<(&'static str, Value)> {
    let appendix_a = json!({
        "actor": {
            "name": "Team PB", "mbox": "mailto:teampb@example.com", "objectType": "Group",
            "member": [
                {"name": "Andrew Downes", "account": {"homePage": "http://www.example.com", "name": "13936749"}, "objectType": "Agent"},
                {"name": "Toby Nichols", "openid": "http://toby.openid.example.org/", "objectType": "Agent"},
                {"name": "Ena Hills", "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9", "objectType": "Agent"}
            ]
        },
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-GB": "attended", "en-US": "attended"}},
        "result": {
            "extensions": {"http://example.com/profiles/meetings/resultextensions/minuteslocation": "X:\\meetings\\minutes\\examplemeeting.one"},
            "success": true, "completion": true, "response": "We agreed on some example actions.", "duration": "PT1H0M0S"
        },
        "context": {
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "contextActivities": {
                "parent": [{"id": "http://www.example.com/meetings/series/267", "objectType": "Activity"}],
                "category": [{"id": "http://www.example.com/meetings/categories/teammeeting", "objectType": "Activity",
                    "definition": {"name": {"en": "team meeting"}, "description": {"en": "A category of meeting used for regular team meetings."},
                    "type": "http://example.com/expapi/activities/meetingcategory"}}],
                "other": [{"id": "http://www.example.com/meetings/occurances/34257", "objectType": "Activity"}]
            },
            "instructor": {"name": "Andrew Downes", "account": {"homePage": "http://www.example.com", "name": "13936749"}, "objectType": "Agent"},
            "team": {"name": "Team PB", "mbox": "mailto:teampb@example.com", "objectType": "Group"},
            "platform": "Example virtual meeting software",
            "language": "tlh",
            "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}
        },
        "timestamp": "2013-05-18T05:32:34.804Z",
        "version": "1.0.0",
        "object": {
            "id": "http://www.example.com/meetings/occurances/34534",
            "definition": {
                "extensions": {"http://example.com/profiles/meetings/activitydefinitionextensions/room": {"name": "Kilby", "id": "http://example.com/rooms/342"}},
                "name": {"en-GB": "example meeting", "en-US": "example meeting"},
                "description": {"en-GB": "An example meeting.", "en-US": "An example meeting."},
                "type": "http://adlnet.gov/expapi/activities/meeting",
                "moreInfo": "http://virtualmeeting.example.com/345256"
            },
            "objectType": "Activity"
        }
    });
    let likert = json!({
        "id": "http://www.example.com/activities/likert",
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "interactionType": "likert",
            "correctResponsesPattern": ["likert_3"],
            "scale": [
                {"id": "likert_0", "description": {"en-US": "It's OK"}},
                {"id": "likert_3", "description": {"en-US": "It's Gonna Change the World"}}
            ]
        }
    });
    let matching = json!({
        "id": "http://www.example.com/activities/matching",
        "definition": {
            "interactionType": "matching",
            "correctResponsesPattern": ["ben[.]3[,]chris[.]2"],
            "source": [{"id": "ben", "description": {"en-US": "Ben"}}, {"id": "chris", "description": {"en-US": "Chris"}}],
            "target": [{"id": "2", "description": {"en-US": "Swimming"}}, {"id": "3", "description": {"en-US": "Fencing"}}]
        }
    });
    let performance = json!({
        "id": "http://www.example.com/activities/performance",
        "definition": {
            "interactionType": "performance",
            "correctResponsesPattern": ["pong[.]1:[,]dg[.]:10[,]lunch[.]"],
            "steps": [{"id": "pong", "description": {"en-US": "Net pong"}}, {"id": "dg", "description": {"en-US": "Dungeon"}},
                      {"id": "lunch", "description": {"en-US": "Lunch"}}]
        }
    });
    let with = |change: fn(&mut Value)| statement_with(change);
    vec![
        (
            "Data 2.4.s2 the simplest statement",
            did(
                agent("xapi@adlnet.gov"),
                "http://adlnet.gov/expapi/verbs/created",
                "http://example.adlnet.gov/xapi/example/activity",
            ),
        ),
        ("Data Appendix A", appendix_a),
        (
            "Data 2.4.4.2 an Agent object",
            with(|s| s["object"] = json!({"objectType": "Agent", "mbox": "mailto:b@example.com"})),
        ),
        (
            "Data 2.4.4.2 an anonymous Group object",
            with(|s| s["object"] = json!({"objectType": "Group", "member": [agent("a@example.com")]})),
        ),
        (
            "Data 2.4.4.3 a StatementRef",
            with(|s| s["object"] = json!({"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"})),
        ),
        ("Data 2.4.4.3.s9 a SubStatement", with(|s| s["object"] = sub_statement())),
        (
            "Data 2.4.4.1 likert",
            with(|s| {
                s["object"] = json!({"id": "http://www.example.com/activities/likert", "definition": {
            "interactionType": "likert", "scale": [{"id": "likert_0"}]}})
            }),
        ),
        ("Data 2.4.4.1 likert example", {
            let mut s = statement();
            s["object"] = likert;
            s
        }),
        ("Data 2.4.4.1 matching example", {
            let mut s = statement();
            s["object"] = matching;
            s
        }),
        ("Data 2.4.4.1 performance example", {
            let mut s = statement();
            s["object"] = performance;
            s
        }),
        (
            "Data 2.4.4.1 fill-in",
            with(|s| {
                s["object"]["definition"] = json!({"interactionType": "fill-in",
            "correctResponsesPattern": ["{case_matters=false}{lang=en}To store and provide access to learning experiences."]})
            }),
        ),
        (
            "Data 2.4.4.1 other with no pattern",
            with(|s| s["object"]["definition"] = json!({"interactionType": "other"})),
        ),
        (
            "Data 2.4.5 a full result",
            with(|s| {
                s["result"] = json!({"score": {"scaled": 0.95, "raw": 95, "min": 0, "max": 100},
            "success": true, "completion": true, "response": "We agreed", "duration": "P1Y2M10DT2H30M15.25S"})
            }),
        ),
        (
            "Data 2.4.5.1 boundaries of a score",
            with(|s| s["result"] = json!({"score": {"scaled": -1, "raw": 10, "min": 10, "max": 10.5}})),
        ),
        (
            "Data 4.1 null inside extensions",
            with(|s| s["result"] = json!({"extensions": {"http://example.com/ext": null}})),
        ),
        (
            "Data 2.4.2.3 mbox_sha1sum",
            with(|s| s["actor"] = json!({"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"})),
        ),
        ("Data 2.4.2.3 openid", with(|s| s["actor"] = json!({"openid": "http://toby.openid.example.org/"}))),
        (
            "Data 2.4.2.4 account",
            with(|s| s["actor"] = json!({"account": {"homePage": "http://www.example.com", "name": "1625378"}})),
        ),
        (
            "Data 2.4.2.2 identified Group",
            with(|s| s["actor"] = json!({"objectType": "Group", "account": {"homePage": "http://e.org", "name": "g"}})),
        ),
        ("Data 2.4.10 version 1.0.x", with(|s| s["version"] = json!("1.0.3"))),
        (
            "Data 2.4.6.2 one context activity as an object",
            with(|s| s["context"] = json!({"contextActivities": {"parent": {"id": "http://e.org/p"}}})),
        ),
        ("Data 2.4.7 timestamps with offsets", with(|s| s["timestamp"] = json!("2015-11-18T12:17:00.123+05:30"))),
        (
            "Data 2.4.4.1 verb without display, activity without definition",
            did(agent("a@example.com"), "http://e.org/verb", "urn:uuid:8f87ccde-bb56-4c2e-ab83-44982ef22df0"),
        ),
        ("Communication 1.5.1.s1.b2 attachment with fileUrl", with(|s| s["attachments"] = json!([attachment()]))),
        (
            "Data 2.2.s4.b2 language tags",
            with(|s| {
                s["verb"]["display"] = json!({"zh-Hant-TW": "x", "sr-Latn-RS": "y", "de-CH-1901": "z", "und": "u"})
            }),
        ),
    ]
}

app_test!(valid_statements_of_every_shape_are_accepted_and_read_back_as_sent, |app| {
    let lrs = Lrs::new(app).await;
    for (rule, s) in valid() {
        let r = lrs.post_json("/xapi/statements", &s).await;
        assert_eq!(r.status, 200, "{rule} refused: {}", r.text());
        let id = r.json()[0].as_str().unwrap().to_owned();
        let got = lrs.statement(&id).await;
        for key in ["actor", "verb", "object", "result", "context", "attachments"] {
            if key == "context" && s["context"]["contextActivities"]["parent"].is_object() {
                // Data 2.4.6.2.s5: a single Activity is returned as an array of one.
                assert_eq!(
                    got["context"]["contextActivities"]["parent"],
                    json!([s["context"]["contextActivities"]["parent"]])
                );
                continue;
            }
            let same = match (got.get(key), s.get(key)) {
                (Some(a), Some(b)) => same_json(a, b),
                (a, b) => a == b,
            };
            assert!(same, "{rule}: {key} read back differently: {:?} for {:?}", got.get(key), s.get(key));
        }
        if let Some(t) = s.get("timestamp") {
            assert_eq!(time(got["timestamp"].as_str().unwrap()), time(t.as_str().unwrap()), "{rule}");
        }
    }
});
