//! Requirement-by-requirement tests of Statement validation (named after the requirement's anchor
//! in the Data part), and property tests across the module.

use jiff::Timestamp;
use serde_json::{json, Value};
use uuid::Uuid;

use super::*;

fn minimal() -> Value {
    // Data 2.4.s2: "the simplest possible Statement using all properties that MUST or SHOULD be used".
    json!({
        "id": "12345678-1234-5678-1234-567812345678",
        "actor": {"mbox": "mailto:xapi@adlnet.gov"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/created", "display": {"en-US": "created"}},
        "object": {"id": "http://example.adlnet.gov/xapi/example/activity"}
    })
}

fn with(change: impl FnOnce(&mut Value)) -> Value {
    let mut v = minimal();
    change(&mut v);
    v
}

fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().unwrap().remove(key);
}

#[track_caller]
fn refused(v: &Value, path: &str, reason_part: &str) {
    match validate_statement(v) {
        Ok(_) => panic!("accepted, but expected {path} to be refused: {v}"),
        Err(e) => {
            assert_eq!(e.path(), path, "{e}");
            assert!(e.reason().contains(reason_part), "reason {:?} lacks {reason_part:?}", e.reason());
        }
    }
}

#[track_caller]
fn accepted(v: &Value) -> Statement {
    validate_statement(v).unwrap_or_else(|e| panic!("refused: {e}\n{v}"))
}

/// Data Appendix A, the long example "showcasing most of the properties available".
fn appendix_a_long() -> Value {
    json!({
        "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "actor": {
            "name": "Team PB",
            "mbox": "mailto:teampb@example.com",
            "member": [
                {"name": "Andrew Downes", "account": {"homePage": "http://www.example.com", "name": "13936749"}, "objectType": "Agent"},
                {"name": "Toby Nichols", "openid": "http://toby.openid.example.org/", "objectType": "Agent"},
                {"name": "Ena Hills", "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9", "objectType": "Agent"}
            ],
            "objectType": "Group"
        },
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-GB": "attended", "en-US": "attended"}},
        "result": {
            "extensions": {"http://example.com/profiles/meetings/resultextensions/minuteslocation": "X:\\meetings\\minutes\\examplemeeting.one"},
            "success": true,
            "completion": true,
            "response": "We agreed on some example actions.",
            "duration": "PT1H0M0S"
        },
        "context": {
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "contextActivities": {
                "parent": [{"id": "http://www.example.com/meetings/series/267", "objectType": "Activity"}],
                "category": [{
                    "id": "http://www.example.com/meetings/categories/teammeeting",
                    "objectType": "Activity",
                    "definition": {
                        "name": {"en": "team meeting"},
                        "description": {"en": "A category of meeting used for regular team meetings."},
                        "type": "http://example.com/expapi/activities/meetingcategory"
                    }
                }],
                "other": [
                    {"id": "http://www.example.com/meetings/occurances/34257", "objectType": "Activity"},
                    {"id": "http://www.example.com/meetings/occurances/3425567", "objectType": "Activity"}
                ]
            },
            "instructor": {"name": "Andrew Downes", "account": {"homePage": "http://www.example.com", "name": "13936749"}, "objectType": "Agent"},
            "team": {"name": "Team PB", "mbox": "mailto:teampb@example.com", "objectType": "Group"},
            "platform": "Example virtual meeting software",
            "language": "tlh",
            "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}
        },
        "timestamp": "2013-05-18T05:32:34.804+00:00",
        "stored": "2013-05-18T05:32:34.804+00:00",
        "authority": {"account": {"homePage": "http://cloud.scorm.com/", "name": "anonymous"}, "objectType": "Agent"},
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
    })
}

fn sub_statement() -> Value {
    // Data 2.4.4.3.s9, the example SubStatement.
    json!({
        "objectType": "SubStatement",
        "actor": {"objectType": "Agent", "mbox": "mailto:test@example.com"},
        "verb": {"id": "http://example.com/visited", "display": {"en-US": "will visit"}},
        "object": {"objectType": "Activity", "id": "http://example.com/website", "definition": {"name": {"en-US": "Some Awesome Website"}}}
    })
}

#[test]
fn the_specifications_examples_are_accepted() {
    let s = accepted(&minimal());
    assert_eq!(s.id(), Some(Uuid::parse_str("12345678-1234-5678-1234-567812345678").unwrap()));
    let long = accepted(&appendix_a_long());
    assert_eq!(long.version(), Some("1.0.0"));
    assert_eq!(long.context().unwrap().context_activities.other.len(), 2);
    accepted(&with(|v| v["object"] = sub_statement()));
    accepted(&with(|v| {
        v["verb"] = json!({"id": VOIDED_VERB, "display": {"en-US": "voided"}});
        v["object"] = json!({"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"});
    }));
}

// --- Data 2.2: formatting requirements -----------------------------------------------------------

#[test]
fn data_2_2_s2_b3_actor_verb_and_object_are_required() {
    for key in ["actor", "verb", "object"] {
        refused(&with(|v| remove(v, key)), key, "is required");
    }
    refused(&json!([]), "", "must be a JSON object");
}

#[test]
fn data_2_2_s4_b1_b1_null_values_are_refused_except_in_extensions() {
    refused(&with(|v| v["actor"]["name"] = Value::Null), "actor.name", "must not be null");
    refused(&with(|v| v["result"] = Value::Null), "result", "must not be null");
    refused(&with(|v| v["verb"]["display"]["en-US"] = Value::Null), "verb.display.en-US", "must be a string");
    accepted(&with(|v| v["result"] = json!({"extensions": {"http://example.com/ext": null}})));
}

#[test]
fn data_2_2_s4_b1_b2_wrong_data_types_are_refused() {
    refused(&with(|v| v["result"] = json!({"success": "true"})), "result.success", "must be true or false");
    refused(&with(|v| v["result"] = json!({"score": {"raw": "5"}})), "result.score.raw", "must be a number");
    refused(&with(|v| v["result"] = json!({"response": 5})), "result.response", "must be a string");
    refused(&with(|v| v["verb"] = json!("http://example.com/verb")), "verb", "must be a JSON object");
}

#[test]
fn data_2_2_s4_b1_b4_empty_strings_are_refused_where_a_format_is_required() {
    refused(&with(|v| v["id"] = json!("")), "id", "must be a UUID");
    refused(&with(|v| v["verb"]["id"] = json!("")), "verb.id", "not an empty string");
    refused(&with(|v| v["actor"]["mbox"] = json!("")), "actor.mbox", "mailto");
}

#[test]
fn data_2_2_s4_b1_b5_keys_in_the_wrong_case_are_refused() {
    let v = with(|v| {
        let actor = v["actor"].take();
        remove(v, "actor");
        v["Actor"] = actor;
    });
    refused(&v, "Actor", "did you mean \"actor\"");
    refused(&with(|v| v["object"]["objectType"] = json!("activity")), "object.objectType", "case sensitive");
}

#[test]
fn data_2_2_s4_b1_b7_properties_not_in_the_specification_are_refused() {
    refused(&with(|v| v["extra"] = json!(1)), "extra", "is not a property allowed here");
    refused(&with(|v| v["verb"]["name"] = json!("x")), "verb.name", "is not a property allowed here");
    refused(
        &with(|v| v["object"]["definition"] = json!({"title": {"en": "x"}})),
        "object.definition.title",
        "not a property",
    );
    // Anything goes inside extensions.
    accepted(&with(|v| {
        v["object"]["definition"] = json!({"extensions": {"http://example.com/x": {"any": [1, null]}}})
    }));
}

#[test]
fn data_2_2_s4_b1_b8_iris_without_a_scheme_are_refused() {
    refused(&with(|v| v["verb"]["id"] = json!("example.com/verbs/did")), "verb.id", "absolute IRI");
    refused(&with(|v| v["object"]["id"] = json!("/activity")), "object.id", "absolute IRI");
}

#[test]
fn data_2_2_s4_b2_language_map_keys_must_be_rfc_5646_tags() {
    refused(&with(|v| v["verb"]["display"] = json!({"en_US": "created"})), "verb.display.en_US", "RFC 5646");
    refused(&with(|v| v["verb"]["display"] = json!({"en-US-x": "created"})), "verb.display.en-US-x", "language");
    refused(&with(|v| v["verb"]["display"] = json!(["created"])), "verb.display", "must be a JSON object");
}

// --- Data 2.4.1: id -----------------------------------------------------------------------------

#[test]
fn data_2_4_1_the_id_is_a_uuid_in_standard_form_of_any_version() {
    accepted(&with(|v| v["id"] = json!("E05AA883-ACAF-40AD-BF54-02C8CE485FB0")));
    accepted(&with(|v| v["id"] = json!("00000000-0000-0000-0000-000000000000")));
    refused(&with(|v| v["id"] = json!("e05aa883acaf40adbf5402c8ce485fb0")), "id", "standard form");
    refused(&with(|v| v["id"] = json!(12)), "id", "must be a string");
    assert_eq!(accepted(&with(|v| remove(v, "id"))).id(), None);
}

// --- Data 2.4.2: actor ---------------------------------------------------------------------------

#[test]
fn data_2_4_2_the_actor_is_an_agent_or_a_group() {
    refused(&with(|v| v["actor"]["objectType"] = json!("Person")), "actor.objectType", "\"Agent\" or \"Group\"");
    refused(&with(|v| v["actor"] = json!({"objectType": "Group"})), "actor", "anonymous Group");
    refused(
        &with(|v| {
            v["actor"] = json!({"mbox": "mailto:a@b.c", "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"})
        }),
        "actor",
        "exactly one inverse functional identifier",
    );
    refused(&with(|v| v["actor"]["member"] = json!([])), "actor.member", "not a property allowed here");
}

// --- Data 2.4.3: verb ----------------------------------------------------------------------------

#[test]
fn data_2_4_3_the_verb_has_an_iri_id_and_a_display_language_map() {
    refused(&with(|v| remove(&mut v["verb"], "id")), "verb.id", "is required");
    accepted(&with(|v| remove(&mut v["verb"], "display")));
}

// --- Data 2.3.2: voiding -------------------------------------------------------------------------

#[test]
fn data_2_3_2_s2_b1_a_voiding_statement_has_a_statement_ref_object() {
    refused(&with(|v| v["verb"]["id"] = json!(VOIDED_VERB)), "object", "StatementRef");
    let voiding = accepted(&with(|v| {
        v["verb"]["id"] = json!(VOIDED_VERB);
        v["object"] = json!({"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"});
    }));
    assert_eq!(voiding.voided_statement(), Uuid::parse_str("e05aa883-acaf-40ad-bf54-02c8ce485fb0").ok());
    assert_eq!(accepted(&minimal()).voided_statement(), None);
}

// --- Data 2.4.4: object --------------------------------------------------------------------------

#[test]
fn data_2_4_4_s2_an_object_without_object_type_is_an_activity() {
    assert!(matches!(accepted(&minimal()).object(), StatementObject::Activity(_)));
    refused(&with(|v| v["object"]["objectType"] = json!("Thing")), "object.objectType", "must be one of");
}

#[test]
fn data_2_4_4_1_an_activity_has_an_iri_id_and_a_definition() {
    refused(&with(|v| remove(&mut v["object"], "id")), "object.id", "is required");
    let v = with(|v| {
        v["object"]["definition"] = json!({
            "name": {"en-GB": "Leading change"},
            "description": {"en-GB": "A course"},
            "type": "http://adlnet.gov/expapi/activities/course",
            "moreInfo": "https://example.org/courses/leading-change"
        })
    });
    let s = accepted(&v);
    let StatementObject::Activity(a) = s.object() else { panic!() };
    assert_eq!(a.definition.as_ref().unwrap().name.as_ref().unwrap().get("en-gb"), Some("Leading change"));
    refused(&with(|v| v["object"]["definition"] = json!({"type": "course"})), "object.definition.type", "absolute IRI");
    refused(
        &with(|v| v["object"]["definition"] = json!({"moreInfo": "www.x.org"})),
        "object.definition.moreInfo",
        "IRI",
    );
    refused(&with(|v| v["object"]["definition"] = json!({"name": "Course"})), "object.definition.name", "JSON object");
    // A definition with nothing in it is refused, in a sub-statement too (conformance
    // requirements, Data 2.4.4.1).
    refused(&with(|v| v["object"]["definition"] = json!({})), "object.definition", "must not be empty");
    refused(
        &with(|v| {
            v["object"] = json!({"objectType": "SubStatement", "actor": {"mbox": "mailto:a@example.com"},
                "verb": {"id": "http://example.com/v"}, "object": {"id": "http://example.com/a", "definition": {}}});
        }),
        "object.object.definition",
        "must not be empty",
    );
}

#[test]
fn data_4_1_s3_b1_extension_keys_must_be_iris() {
    refused(
        &with(|v| v["object"]["definition"] = json!({"extensions": {"room": 1}})),
        "object.definition.extensions.room",
        "extension key",
    );
    refused(&with(|v| v["result"] = json!({"extensions": []})), "result.extensions", "JSON object");
}

fn interaction(definition: Value) -> Value {
    with(|v| v["object"]["definition"] = definition)
}

#[test]
fn data_2_4_4_1_s13_b1_interactions_need_a_valid_interaction_type() {
    refused(
        &interaction(json!({"interactionType": "multiple-choice"})),
        "object.definition.interactionType",
        "must be one of",
    );
    refused(&interaction(json!({"interactionType": "Choice"})), "object.definition.interactionType", "case sensitive");
    refused(
        &interaction(json!({"correctResponsesPattern": ["a"]})),
        "object.definition.interactionType",
        "is required",
    );
    refused(&interaction(json!({"choices": []})), "object.definition.interactionType", "is required");
}

#[test]
fn data_2_4_4_1_s8_correct_responses_pattern_is_an_array_of_strings() {
    accepted(&interaction(json!({"interactionType": "true-false", "correctResponsesPattern": ["true"]})));
    accepted(&interaction(json!({"interactionType": "fill-in", "correctResponsesPattern": []})));
    refused(
        &interaction(json!({"interactionType": "numeric", "correctResponsesPattern": "4[:]"})),
        "object.definition.correctResponsesPattern",
        "must be an array",
    );
    refused(
        &interaction(json!({"interactionType": "numeric", "correctResponsesPattern": ["1", 4]})),
        "object.definition.correctResponsesPattern[1]",
        "must be a string",
    );
}

#[test]
fn data_2_4_4_1_s15_component_lists_match_the_interaction_type() {
    let choices = json!([{"id": "a", "description": {"en": "A"}}, {"id": "b"}]);
    accepted(&interaction(json!({"interactionType": "choice", "choices": choices.clone()})));
    accepted(&interaction(json!({"interactionType": "sequencing", "choices": choices.clone()})));
    accepted(&interaction(json!({"interactionType": "likert", "scale": choices.clone()})));
    accepted(&interaction(
        json!({"interactionType": "matching", "source": choices.clone(), "target": choices.clone()}),
    ));
    accepted(&interaction(json!({"interactionType": "performance", "steps": choices.clone()})));
    refused(
        &interaction(json!({"interactionType": "likert", "choices": choices.clone()})),
        "object.definition.choices",
        "supports \"scale\"",
    );
    refused(
        &interaction(json!({"interactionType": "true-false", "steps": choices})),
        "object.definition.steps",
        "no component lists",
    );
}

#[test]
fn data_2_4_4_1_s16_component_ids_are_distinct_strings() {
    let v = interaction(json!({"interactionType": "choice", "choices": [{"id": "a"}, {"id": "b"}, {"id": "a"}]}));
    refused(&v, "object.definition.choices[2].id", "repeats the id of choices[0]");
    let v = interaction(json!({"interactionType": "choice", "choices": [{"id": "a"}, {"id": 2}]}));
    refused(&v, "object.definition.choices[1].id", "must be a string");
    let v = interaction(json!({"interactionType": "choice", "choices": [{"description": {"en": "x"}}]}));
    refused(&v, "object.definition.choices[0].id", "is required");
    let v = interaction(json!({"interactionType": "choice", "choices": [{"id": "a", "description": {"en-": "x"}}]}));
    refused(&v, "object.definition.choices[0].description.en-", "language");
}

#[test]
fn data_2_4_4_2_s1_b1_an_agent_or_group_object_needs_object_type() {
    refused(&with(|v| v["object"] = json!({"mbox": "mailto:a@b.c"})), "object.mbox", "not a property allowed here");
    let s = accepted(&with(|v| v["object"] = json!({"objectType": "Agent", "mbox": "mailto:a@b.c"})));
    assert!(matches!(s.object(), StatementObject::Agent(_)));
    accepted(&with(|v| v["object"] = json!({"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]})));
}

#[test]
fn data_2_4_4_3_s4_a_statement_ref_has_a_uuid_id() {
    refused(&with(|v| v["object"] = json!({"objectType": "StatementRef", "id": "x"})), "object.id", "UUID");
    refused(&with(|v| v["object"] = json!({"objectType": "StatementRef"})), "object.id", "is required");
    refused(
        &with(|v| {
            v["object"] =
                json!({"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0", "definition": {}})
        }),
        "object.definition",
        "not a property",
    );
}

#[test]
fn data_2_4_4_3_s8_b2_a_sub_statement_is_validated_as_a_statement() {
    refused(
        &with(|v| {
            v["object"] = sub_statement();
            remove(&mut v["object"], "verb");
        }),
        "object.verb",
        "is required",
    );
    refused(
        &with(|v| {
            v["object"] = sub_statement();
            v["object"]["actor"]["mbox"] = json!("test@example.com");
        }),
        "object.actor.mbox",
        "mailto",
    );
    // Data 2.4.7.s3.b5: a SubStatement MAY have a timestamp (in the future too).
    accepted(&with(|v| {
        v["object"] = sub_statement();
        v["object"]["timestamp"] = json!("2999-01-01T00:00:00Z");
    }));
}

#[test]
fn data_2_4_4_3_s8_b3_a_sub_statement_has_no_id_stored_version_or_authority() {
    for (key, value) in [
        ("id", json!("e05aa883-acaf-40ad-bf54-02c8ce485fb0")),
        ("stored", json!("2024-01-01T00:00:00Z")),
        ("version", json!("1.0.0")),
        ("authority", json!({"mbox": "mailto:a@b.c"})),
    ] {
        let v = with(|v| {
            v["object"] = sub_statement();
            v["object"][key] = value;
        });
        refused(&v, &format!("object.{key}"), "a SubStatement must not have");
    }
}

#[test]
fn data_2_4_4_3_s8_b4_sub_statements_do_not_nest() {
    let v = with(|v| {
        v["object"] = sub_statement();
        v["object"]["object"] = sub_statement();
    });
    refused(&v, "object.object.objectType", "must not contain another SubStatement");
}

// --- Data 2.4.5: result --------------------------------------------------------------------------

#[test]
fn data_2_4_5_1_scores_keep_their_bounds() {
    accepted(&with(|v| v["result"] = json!({"score": {"scaled": -1, "raw": 0, "min": 0, "max": 10}})));
    accepted(&with(|v| v["result"] = json!({"score": {"scaled": 1.0, "raw": 10.0, "max": 10}})));
    refused(&with(|v| v["result"] = json!({"score": {"scaled": 1.01}})), "result.score.scaled", "between -1 and 1");
    refused(&with(|v| v["result"] = json!({"score": {"raw": 11, "max": 10}})), "result.score.raw", "more than max");
    refused(&with(|v| v["result"] = json!({"score": {"raw": -1, "min": 0}})), "result.score.raw", "less than min");
    refused(&with(|v| v["result"] = json!({"score": {"min": 10, "max": 10}})), "result.score.min", "less than max");
    refused(&with(|v| v["result"] = json!({"score": {"percent": 10}})), "result.score.percent", "not a property");
}

#[test]
fn data_4_6_result_duration_is_an_iso_8601_duration() {
    accepted(&with(|v| v["result"] = json!({"duration": "PT4H35M59.14S"})));
    refused(&with(|v| v["result"] = json!({"duration": "4 hours"})), "result.duration", "ISO 8601 duration");
    refused(&with(|v| v["result"] = json!({"duration": "P4W1D"})), "result.duration", "weeks cannot be combined");
}

// --- Data 2.4.6: context -------------------------------------------------------------------------

#[test]
fn data_2_4_6_context_properties_have_their_types() {
    refused(&with(|v| v["context"] = json!({"registration": "abc"})), "context.registration", "UUID");
    refused(&with(|v| v["context"] = json!({"instructor": {"name": "x"}})), "context.instructor", "identifier");
    refused(
        &with(|v| v["context"] = json!({"team": {"mbox": "mailto:a@b.c"}})),
        "context.team.objectType",
        "\"Group\"",
    );
    refused(&with(|v| v["context"] = json!({"language": "en_GB"})), "context.language", "RFC 5646");
    refused(
        &with(|v| v["context"] = json!({"statement": {"id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"}})),
        "context.statement.objectType",
        "StatementRef",
    );
    refused(&with(|v| v["context"] = json!({"revision": 2})), "context.revision", "must be a string");
    accepted(&with(|v| {
        v["context"] = json!({"instructor": {"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]}})
    }));
}

#[test]
fn data_2_4_6_s4_b1_b2_revision_and_platform_only_with_an_activity_object() {
    accepted(&with(|v| v["context"] = json!({"revision": "2", "platform": "Web"})));
    for key in ["revision", "platform"] {
        let v = with(|v| {
            v["object"] = json!({"objectType": "Agent", "mbox": "mailto:a@b.c"});
            v["context"] = json!({key: "x"});
        });
        refused(&v, &format!("context.{key}"), "only when the Statement's object is an Activity");
    }
}

#[test]
fn data_2_4_6_2_s4_context_activities_are_activities_and_become_arrays() {
    let v =
        with(|v| v["context"] = json!({"contextActivities": {"parent": {"id": "http://example.org/p"}, "other": []}}));
    let s = accepted(&v);
    assert_eq!(s.json()["context"]["contextActivities"]["parent"], json!([{"id": "http://example.org/p"}]));
    assert_eq!(s.context().unwrap().context_activities.parent.len(), 1);
    refused(
        &with(|v| v["context"] = json!({"contextActivities": {"sibling": []}})),
        "context.contextActivities.sibling",
        "not a property",
    );
    refused(
        &with(|v| v["context"] = json!({"contextActivities": {"parent": "http://example.org/p"}})),
        "context.contextActivities.parent",
        "Activity object or an array",
    );
    refused(
        &with(|v| {
            v["context"] = json!({"contextActivities": {"grouping": [{"objectType": "Agent", "mbox": "mailto:a@b.c"}]}})
        }),
        "context.contextActivities.grouping[0].objectType",
        "must be \"Activity\"",
    );
    // In a SubStatement too.
    let v = with(|v| {
        v["object"] = sub_statement();
        v["object"]["context"] = json!({"contextActivities": {"category": {"id": "http://example.org/c"}}});
    });
    assert!(accepted(&v).json()["object"]["context"]["contextActivities"]["category"].is_array());
}

// --- Data 2.4.7, 2.4.8, 4.5: timestamps ----------------------------------------------------------

#[test]
fn data_4_5_timestamps_are_iso_8601_with_a_time_zone() {
    let s = accepted(&with(|v| v["timestamp"] = json!("2015-11-18T12:17:00+00:00")));
    assert_eq!(s.timestamp().unwrap().as_second(), 1_447_849_020);
    refused(&with(|v| v["timestamp"] = json!("2015-11-18T12:17:00")), "timestamp", "time zone");
    refused(&with(|v| v["stored"] = json!("18/11/2015")), "stored", "ISO 8601");
    refused(&with(|v| v["timestamp"] = json!(1_447_849_020)), "timestamp", "must be a string");
}

// --- Data 2.4.9: authority -----------------------------------------------------------------------

#[test]
fn data_2_4_9_s3_b1_authority_is_an_agent_or_a_group_of_two() {
    accepted(&with(|v| {
        v["authority"] = json!({"objectType": "Group", "member": [
            {"account": {"homePage": "http://example.com/xAPI/OAuth/Token", "name": "oauth_consumer_x75db"}},
            {"mbox": "mailto:bob@example.com"}
        ]})
    }));
    refused(
        &with(|v| v["authority"] = json!({"objectType": "Group", "member": [{"mbox": "mailto:bob@example.com"}]})),
        "authority",
        "exactly two Agents",
    );
}

// Data 2.4.9.s3.b3 (XAPI-00100): a Group as authority is an OAuth pair, so it has no identifier.
#[test]
fn data_2_4_9_s3_b3_an_authority_group_is_anonymous() {
    for ifi in [
        json!({"mbox": "mailto:pair@example.com"}),
        json!({"mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975"}),
        json!({"openid": "http://example.com/pair"}),
        json!({"account": {"homePage": "http://example.com", "name": "pair"}}),
    ] {
        let mut group = json!({"objectType": "Group", "member": [
            {"account": {"homePage": "http://example.com/xAPI/OAuth/Token", "name": "oauth_consumer_x75db"}},
            {"mbox": "mailto:bob@example.com"}
        ]});
        group.as_object_mut().unwrap().extend(ifi.as_object().unwrap().clone());
        refused(&with(|v| v["authority"] = group.clone()), "authority", "must not have an mbox");
    }
}

// --- Data 2.4.10: version ------------------------------------------------------------------------

#[test]
fn data_2_4_10_s3_the_version_starts_with_1_0() {
    // "1.0" alone too, as the conformance requirements have it (XAPI-00101).
    for ok in ["1.0.0", "1.0.3", "1.0.10", "1.0"] {
        accepted(&with(|v| v["version"] = json!(ok)));
    }
    for bad in ["1.1.0", "0.95", "1.", "1.0.", "1.0.x", "2.0.0", "1.0.01", "should fail", "0.9.9"] {
        refused(&with(|v| v["version"] = json!(bad)), "version", "1.0.x version");
    }
}

// --- Data 2.4.11: attachments --------------------------------------------------------------------

fn attachment() -> Value {
    json!({
        "usageType": "http://adlnet.gov/expapi/attachments/certificate",
        "display": {"en-GB": "Certificate"},
        "description": {"en-GB": "The certificate of completion"},
        "contentType": "application/pdf",
        "length": 65536,
        "sha2": "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634",
        "fileUrl": "https://example.org/certificates/1.pdf"
    })
}

#[test]
fn data_2_4_11_attachments_have_the_required_properties() {
    let s = accepted(&with(|v| v["attachments"] = json!([attachment()])));
    assert_eq!(s.attachments()[0].length, 65536);
    for key in ["usageType", "display", "contentType", "length", "sha2"] {
        let v = with(|v| {
            let mut a = attachment();
            remove(&mut a, key);
            v["attachments"] = json!([a]);
        });
        refused(&v, &format!("attachments[0].{key}"), "is required");
    }
    let change = |key: &str, value: Value| {
        with(|v| {
            let mut a = attachment();
            a[key] = value;
            v["attachments"] = json!([a]);
        })
    };
    refused(&change("length", json!(1.5)), "attachments[0].length", "whole number");
    refused(&change("length", json!("10")), "attachments[0].length", "whole number");
    refused(&change("contentType", json!("pdf")), "attachments[0].contentType", "Internet Media Type");
    accepted(&change("contentType", json!("text/plain; charset=utf-8")));
    refused(&change("fileUrl", json!("certificates/1.pdf")), "attachments[0].fileUrl", "IRI");
    refused(&change("usageType", json!("certificate")), "attachments[0].usageType", "IRI");
    refused(&change("display", json!({"en_GB": "x"})), "attachments[0].display.en_GB", "language");
    refused(&with(|v| v["attachments"] = attachment()), "attachments", "must be an array");
}

// Data 2.6.s4.b1: a signature attachment is application/octet-stream.
#[test]
fn data_2_6_s4_b1_signatures_are_octet_streams() {
    let v = with(|v| {
        let mut a = attachment();
        a["usageType"] = json!(SIGNATURE_USAGE_TYPE);
        v["attachments"] = json!([a]);
    });
    refused(&v, "attachments[0].contentType", "application/octet-stream");
}

// --- Batches and storage -------------------------------------------------------------------------

#[test]
fn communication_2_1_2_a_batch_is_an_array_or_one_statement() {
    assert_eq!(into_statements(minimal()).unwrap().len(), 1);
    assert_eq!(into_statements(json!([minimal(), appendix_a_long()])).unwrap().len(), 2);
    assert!(into_statements(json!([])).unwrap().is_empty());
    let e = into_statements(json!([minimal(), with(|v| v["verb"]["id"] = json!("nope"))])).unwrap_err();
    assert_eq!(e.path(), "[1].verb.id");
    assert!(e.to_string().starts_with("[1].verb.id: must be an absolute IRI"), "{e}");
}

// Communication 2.1.2.s2.b6.
#[test]
fn communication_2_1_2_s2_b6_a_batch_must_not_repeat_an_id() {
    let upper = with(|v| v["id"] = json!("12345678-1234-5678-1234-567812345678".to_uppercase()));
    let e = into_statements(json!([minimal(), appendix_a_long(), upper])).unwrap_err();
    assert_eq!(e.path(), "[2].id");
    assert!(e.reason().contains("Statement [0]"));
}

fn lrs() -> Authority {
    Authority::Agent(
        parse_agent_parameter(r#"{"account":{"homePage":"https://goldthread.example","name":"lrs"}}"#).unwrap(),
    )
}

// Data 2.4.1.s2.b1, 2.4.7.s3.b2, 2.4.8.s3.b2, 2.4.9.s3.b3, 2.4.10.s3.b3.
#[test]
fn the_lrs_sets_id_timestamp_stored_authority_and_version() {
    let stored_at: Timestamp = "2024-05-01T09:00:00.123456Z".parse().unwrap();
    let id = Uuid::from_u128(7);
    let received = with(|v| {
        remove(v, "id");
        v["stored"] = json!("2000-01-01T00:00:00Z");
        v["authority"] = json!({"mbox": "mailto:claims@example.org"});
    });
    let s = accepted(&received).complete_for_storage(id, stored_at, &lrs());
    assert_eq!(s.id(), Some(id));
    assert_eq!(s.json()["id"], json!(id.to_string()));
    assert_eq!(s.json()["stored"], json!("2024-05-01T09:00:00.123Z"));
    assert_eq!(s.json()["timestamp"], s.json()["stored"]);
    assert_eq!(s.json()["version"], json!("1.0.0"));
    assert_eq!(s.json()["authority"]["account"]["name"], json!("lrs"));
    assert_eq!(s.timestamp(), s.stored());
    // The stored form is itself valid, and reads back as the same Statement.
    assert_eq!(accepted(s.json()), s);
}

#[test]
fn the_lrs_keeps_what_the_provider_set() {
    let stored_at = Timestamp::UNIX_EPOCH;
    let received = with(|v| {
        v["timestamp"] = json!("2015-11-18T12:17:00+00:00");
        v["version"] = json!("1.0.3");
    });
    let s = accepted(&received).complete_for_storage(Uuid::from_u128(9), stored_at, &lrs());
    assert_eq!(s.json()["id"], json!("12345678-1234-5678-1234-567812345678"));
    assert_eq!(s.json()["timestamp"], json!("2015-11-18T12:17:00+00:00"));
    assert_eq!(s.json()["version"], json!("1.0.3"));
}

// Data 2.4.9.s3.b1: 3-legged OAuth authority is a Group of the application and the user.
#[test]
fn an_oauth_authority_is_a_group_of_two() {
    let application = parse_agent_parameter(
        r#"{"account":{"homePage":"http://example.com/xAPI/OAuth/Token","name":"oauth_consumer_x75db"}}"#,
    )
    .unwrap();
    let user = parse_agent_parameter(r#"{"mbox":"mailto:bob@example.com"}"#).unwrap();
    let s = accepted(&minimal()).complete_for_storage(
        Uuid::nil(),
        Timestamp::UNIX_EPOCH,
        &Authority::OAuth { application, user },
    );
    assert_eq!(s.json()["authority"]["member"].as_array().unwrap().len(), 2);
    accepted(s.json());
}

#[test]
fn agent_and_activity_filters_see_related_properties_only_when_asked() {
    let s = accepted(&appendix_a_long());
    let keys = |related| s.agent_identifiers(related).into_iter().map(Ifi::key).collect::<Vec<_>>();
    assert!(keys(false).contains(&"openid:http://toby.openid.example.org/".to_owned()));
    assert!(!keys(false).contains(&"account:http://cloud.scorm.com/|anonymous".to_owned()));
    assert!(keys(true).contains(&"account:http://cloud.scorm.com/|anonymous".to_owned()));
    let ids = |related| s.activity_ids(related).into_iter().map(|i| i.to_string()).collect::<Vec<_>>();
    assert_eq!(ids(false), vec!["http://www.example.com/meetings/occurances/34534"]);
    assert_eq!(ids(true).len(), 5);
}

#[test]
fn errors_name_the_property_and_the_rule() {
    let v = interaction(json!({"interactionType": "choice", "choices": [{"id": "a"}, {"id": "b"}, {"id": 3}]}));
    let e = validate_statement(&v).unwrap_err();
    assert_eq!(e.to_string(), "object.definition.choices[2].id: must be a string, not a number");
}

// --- Property tests ------------------------------------------------------------------------------

mod properties {
    use proptest::prelude::*;
    use serde_json::{json, Map, Value};

    use super::super::*;

    fn tag() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["en", "en-GB", "en-US", "cy", "fr", "fr-CA", "de", "zh-Hant-TW", "es-419", "und"])
    }

    fn language_map() -> impl Strategy<Value = Value> {
        prop::collection::btree_map(tag(), "[a-zA-Z ]{0,12}", 1..5)
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), json!(v))).collect()))
    }

    fn ifi() -> impl Strategy<Value = (&'static str, Value)> {
        prop_oneof![
            "[a-z]{1,8}@[a-z]{1,8}\\.(org|uk)".prop_map(|a| ("mbox", json!(format!("mailto:{a}")))),
            "[0-9a-f]{40}".prop_map(|s| ("mbox_sha1sum", json!(s))),
            "[a-z]{1,8}".prop_map(|s| ("openid", json!(format!("https://openid.example.org/{s}")))),
            ("[a-z]{1,8}", "[A-Za-z0-9 |:]{0,10}")
                .prop_map(|(h, n)| ("account", json!({"homePage": format!("https://{h}.example.org"), "name": n}))),
        ]
    }

    fn agent() -> impl Strategy<Value = Value> {
        (ifi(), prop::option::of("[A-Za-z ]{1,10}"), any::<bool>()).prop_map(|((k, v), name, typed)| {
            let mut m = Map::new();
            m.insert(k.to_owned(), v);
            if let Some(n) = name {
                m.insert("name".into(), json!(n));
            }
            if typed {
                m.insert("objectType".into(), json!("Agent"));
            }
            Value::Object(m)
        })
    }

    fn actor() -> impl Strategy<Value = Value> {
        prop_oneof![
            agent(),
            prop::collection::vec(agent(), 1..4).prop_map(|members| json!({"objectType": "Group", "member": members})),
            (ifi(), prop::collection::vec(agent(), 0..3)).prop_map(|((k, v), members)| {
                let mut g = json!({"objectType": "Group", "member": members});
                g[k] = v;
                g
            }),
        ]
    }

    fn activity() -> impl Strategy<Value = Value> {
        (
            "[a-z]{1,10}",
            prop::option::of((language_map(), language_map())),
            prop::option::of(prop::collection::vec(
                (prop::sample::select(vec!["a", "b", "c", "d", "e"]), language_map()),
                0..4,
            )),
        )
            .prop_map(|(id, definition, choices)| {
                let mut a = json!({"id": format!("https://example.org/activities/{id}")});
                if let Some((name, description)) = definition {
                    a["definition"] = json!({"name": name, "description": description});
                    if let Some(choices) = choices {
                        let mut seen = std::collections::BTreeSet::new();
                        let choices: Vec<Value> = choices
                            .into_iter()
                            .filter(|(id, _)| seen.insert(*id))
                            .map(|(id, d)| json!({"id": id, "description": d}))
                            .collect();
                        a["definition"]["interactionType"] = json!("choice");
                        a["definition"]["choices"] = json!(choices);
                    }
                }
                a
            })
    }

    fn statement() -> impl Strategy<Value = Value> {
        (
            actor(),
            "[a-z]{1,10}",
            prop::option::of(language_map()),
            prop_oneof![activity(), agent().prop_map(|mut a| {
                a["objectType"] = json!("Agent");
                a
            })],
            prop::option::of((prop::option::of(-1.0..=1.0f64), any::<bool>(), prop::option::of("PT[1-9][0-9]?M[0-9]{1,2}\\.[0-9]{1,4}S"))),
            prop::option::of((actor(), prop::collection::vec(activity(), 0..3))),
            prop::option::of(0i64..4_000_000_000_000),
        )
            .prop_map(|(actor, verb, display, object, result, context, at)| {
                let mut s = json!({"actor": actor, "verb": {"id": format!("https://example.org/verbs/{verb}")}, "object": object});
                if let Some(d) = display {
                    s["verb"]["display"] = d;
                }
                if let Some((scaled, success, duration)) = result {
                    s["result"] = json!({"success": success});
                    if let Some(scaled) = scaled {
                        s["result"]["score"] = json!({"scaled": scaled});
                    }
                    if let Some(d) = duration {
                        s["result"]["duration"] = json!(d);
                    }
                }
                if let Some((instructor, parents)) = context {
                    s["context"] = json!({"instructor": instructor, "contextActivities": {"parent": parents}});
                }
                if let Some(ms) = at {
                    let t = jiff::Timestamp::from_millisecond(ms).unwrap();
                    s["timestamp"] = json!(t.to_string());
                }
                s
            })
    }

    fn language_maps_in(statement: &Value) -> Vec<&Value> {
        let mut out = Vec::new();
        if let Some(d) = statement.pointer("/verb/display") {
            out.push(d);
        }
        let mut activities: Vec<&Value> = statement.get("object").into_iter().collect();
        if let Some(Value::Array(parents)) = statement.pointer("/context/contextActivities/parent") {
            activities.extend(parents);
        }
        for a in activities {
            if let Some(def) = a.get("definition") {
                out.extend(def.get("name"));
                out.extend(def.get("description"));
                for c in def.get("choices").and_then(Value::as_array).into_iter().flatten() {
                    out.extend(c.get("description"));
                }
            }
        }
        out
    }

    proptest! {
        // Failures are not saved to files: this module keeps to its own folder.
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn generated_statements_are_valid_and_read_back_the_same(s in statement()) {
            let parsed = validate_statement(&s).unwrap();
            prop_assert_eq!(&validate_statement(parsed.json()).unwrap(), &parsed);
            prop_assert!(same_statement(&parsed, &parsed));
        }

        // A batch read in two parts (as the LRS reads one on two threads), each part stopping at
        // its own first invalid statement, gives what reading it in order gives: the same
        // statements, or the same error.
        #[test]
        fn a_batch_read_in_two_parts_is_the_batch_read_in_order(
            items in prop::collection::vec(
                prop_oneof![
                    3 => statement(),
                    1 => Just(super::with(|v| v["verb"]["id"] = json!("not an IRI"))),
                    1 => Just(super::minimal()),
                ],
                0..12,
            ),
            split in 0usize..12,
        ) {
            let whole = into_statements(Value::Array(items.clone()));
            let split = split.min(items.len());
            let part = |items: Vec<Value>, first: usize| {
                let mut out = Vec::new();
                for (i, v) in items.into_iter().enumerate() {
                    let item = read_batch_item(v, first + i);
                    let stop = item.is_err();
                    out.push(item);
                    if stop {
                        break;
                    }
                }
                out
            };
            let mut first = items;
            let second = first.split_off(split);
            let mut read = part(first, 0);
            read.extend(part(second, split));
            prop_assert_eq!(assemble_batch(read), whole);
        }

        #[test]
        fn stored_statements_are_valid_and_the_same_as_received(s in statement(), ms in 0i64..4_000_000_000_000) {
            let received = validate_statement(&s).unwrap();
            let authority = Authority::Agent(parse_agent_parameter(r#"{"mbox":"mailto:lrs@example.org"}"#).unwrap());
            let stored = received.clone().complete_for_storage(
                uuid::Uuid::from_u128(1), jiff::Timestamp::from_millisecond(ms).unwrap(), &authority);
            prop_assert!(validate_statement(stored.json()).is_ok());
            prop_assert!(stored.id().is_some() && stored.stored().is_some() && stored.timestamp().is_some());
            prop_assert!(same_statement(&stored, &received));
        }

        #[test]
        fn canonical_never_has_more_than_one_language_per_map(s in statement(), header in "[a-zA-Z*;=,. 0-9-]{0,30}") {
            let parsed = validate_statement(&s).unwrap();
            let canonical = format_statement(&parsed, Format::Canonical, &AcceptLanguage::parse(&header), &|_| None);
            let before = language_maps_in(parsed.json());
            let after = language_maps_in(&canonical);
            prop_assert_eq!(before.len(), after.len());
            for (b, a) in before.iter().zip(&after) {
                let (b, a) = (b.as_object().unwrap(), a.as_object().unwrap());
                prop_assert_eq!(a.len(), b.len().min(1));
                for (k, v) in a {
                    prop_assert_eq!(b.get(k), Some(v));
                }
            }
        }

        #[test]
        fn ids_keeps_only_identifiers(s in statement()) {
            let parsed = validate_statement(&s).unwrap();
            let ids = format_statement(&parsed, Format::Ids, &AcceptLanguage::default(), &|_| None);
            prop_assert!(language_maps_in(&ids).is_empty());
            let agent_keys = ["objectType", "mbox", "mbox_sha1sum", "openid", "account", "member"];
            let mut actors = vec![&ids["actor"]];
            actors.extend(ids.pointer("/context/instructor"));
            if ids["object"]["objectType"] == "Agent" { actors.push(&ids["object"]); }
            for a in actors {
                prop_assert!(a.as_object().unwrap().keys().all(|k| agent_keys.contains(&k.as_str())));
                for m in a.get("member").and_then(Value::as_array).into_iter().flatten() {
                    prop_assert!(m.as_object().unwrap().keys().all(|k| agent_keys[..5].contains(&k.as_str())));
                }
            }
            prop_assert!(ids["verb"].as_object().unwrap().keys().all(|k| k == "id"));
            // The ids form still validates, and identifies the same Agents and Activities.
            let again = validate_statement(&ids).unwrap();
            // (an identified Group loses its members, which are not needed to identify it)
            let before = parsed.agent_identifiers(true);
            prop_assert!(again.agent_identifiers(true).iter().all(|i| before.contains(i)));
            prop_assert_eq!(again.activity_ids(true), parsed.activity_ids(true));
        }

        #[test]
        fn member_order_and_time_zones_do_not_change_a_statement(
            members in prop::collection::vec(agent(), 2..5),
            offset_minutes in -(23 * 60 + 59)..(23 * 60 + 59),
            ms in 0i64..4_000_000_000_000,
        ) {
            let t = jiff::Timestamp::from_millisecond(ms).unwrap();
            let zoned = t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::Offset::from_seconds(offset_minutes * 60).unwrap()));
            let base = json!({
                "actor": {"objectType": "Group", "member": members.clone()},
                "verb": {"id": "https://example.org/verbs/met"},
                "object": {"id": "https://example.org/meeting"},
                "timestamp": t.to_string(),
            });
            let mut reversed = members;
            reversed.reverse();
            let mut other = base.clone();
            other["actor"]["member"] = json!(reversed);
            other["timestamp"] = json!(zoned.strftime("%Y-%m-%dT%H:%M:%S%.f%:z").to_string());
            let (a, b) = (validate_statement(&base).unwrap(), validate_statement(&other).unwrap());
            prop_assert!(same_statement(&a, &b));
        }

        #[test]
        fn validation_never_panics_on_arbitrary_json(v in arbitrary_json()) {
            let _ = validate_statement(&v);
            let _ = into_statements(v.clone());
        }

        #[test]
        fn parsers_never_panic(text in "\\PC{0,40}") {
            let _ = Iri::parse(&text);
            let _ = LanguageTag::parse(&text);
            let _ = parse_timestamp(&text);
            let _ = Duration::parse(&text);
            let _ = parse_uuid(&text);
            let _ = parse_agent_parameter(&text);
            let _ = AcceptLanguage::parse(&text).choose(["en", "fr"]);
        }

        #[test]
        fn timestamps_round_trip_to_the_millisecond(ms in -60_000_000_000_000i64..250_000_000_000_000) {
            let t = jiff::Timestamp::from_millisecond(ms).unwrap();
            let text = format_timestamp(t);
            if text.len() == 24 {
                prop_assert_eq!(parse_timestamp(&text).unwrap(), t);
            }
        }

        #[test]
        fn merging_keeps_stored_keys_and_takes_posted_ones(
            stored in prop::collection::btree_map("[a-d]", 0i32..9, 0..4),
            posted in prop::collection::btree_map("[a-d]", 0i32..9, 0..4),
        ) {
            let merged = merge_json_documents(
                "application/json", &serde_json::to_vec(&stored).unwrap(),
                "application/json", &serde_json::to_vec(&posted).unwrap(),
            ).unwrap();
            let merged: std::collections::BTreeMap<String, i32> = serde_json::from_slice(&merged).unwrap();
            for (k, v) in &merged {
                prop_assert_eq!(Some(v), posted.get(k).or(stored.get(k)));
            }
            prop_assert_eq!(merged.len(), stored.keys().chain(posted.keys()).collect::<std::collections::BTreeSet<_>>().len());
        }
    }

    fn arbitrary_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(|n| json!(n)),
            prop::sample::select(vec![
                "Agent",
                "Group",
                "SubStatement",
                "StatementRef",
                "mailto:a@b.c",
                "http://x.org/y",
                "en",
                "2024-01-01T00:00:00Z",
                "e05aa883-acaf-40ad-bf54-02c8ce485fb0",
                "choice",
                "",
            ])
            .prop_map(|s| json!(s)),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop::sample::select(vec![
                        "actor",
                        "verb",
                        "object",
                        "id",
                        "objectType",
                        "mbox",
                        "member",
                        "definition",
                        "context",
                        "contextActivities",
                        "parent",
                        "display",
                        "name",
                        "result",
                        "score",
                        "raw",
                        "min",
                        "max",
                        "interactionType",
                        "choices",
                        "timestamp",
                        "authority",
                        "attachments",
                    ]),
                    inner,
                    0..6,
                )
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
            ]
        })
    }
}
