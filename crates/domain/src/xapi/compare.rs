//! Whether a Statement sent again with an id the LRS already holds is the same Statement (Data
//! 2.3.1.s9, used by Communication 2.1.1.s2.b3 and 2.1.2.s2.b5).
//!
//! Differences that the exceptions to immutability (Data 2.3.1.b1-b7) could explain are ignored:
//!
//! - b1, properties the LRS assigns: `id`, `authority`, `stored` and `version` are ignored, and so
//!   is `timestamp` when either Statement lacks one (the LRS fills it in); two timestamps are
//!   compared as points in time.
//! - b2, Activity definitions, and b3, Verb `display`, are not part of the Statement.
//! - b4, timestamps may come back in another time zone or cut to milliseconds (Data 4.5.s1.b7), so
//!   they are compared as instants to the millisecond.
//! - b5, the members of a Group are an unordered list.
//! - b6, attachments are not part of the Statement.
//! - b7, case-insensitive values: the domain of an mbox, UUIDs and `mbox_sha1sum` hex digits.
//!
//! Everything else must match as sent (Data 2.3.1.s9.b2), including `result.duration`, which is
//! compared as a string to 0.01 s (Data 2.3.1.b8, 4.6.s1.b5). A single context Activity and an
//! array of one are the same, as the LRS returns both as an array (Data 2.4.6.2.s4.b3). JSON
//! numbers are compared by value (`1` and `1.0` are the same number).

use serde_json::{Map, Value};

use super::iri::Mbox;
use super::statement::Statement;
use super::time::{parse_timestamp, Duration};

/// True when `a` and `b` are the same Statement under the comparison rules above.
pub fn same_statement(a: &Statement, b: &Statement) -> bool {
    let (ta, tb) = (a.timestamp(), b.timestamp());
    if let (Some(ta), Some(tb)) = (ta, tb) {
        if ta.as_millisecond() != tb.as_millisecond() {
            return false;
        }
    }
    json_equal(&comparison_form(a.json()), &comparison_form(b.json()))
}

fn comparison_form(statement: &Value) -> Value {
    let mut json = statement.clone();
    if let Value::Object(map) = &mut json {
        for key in ["id", "authority", "stored", "version", "timestamp"] {
            map.remove(key);
        }
        normalise_statement(map);
    }
    json
}

fn normalise_statement(map: &mut Map<String, Value>) {
    map.remove("attachments");
    if let Some(Value::String(t)) = map.get("timestamp") {
        if let Ok(at) = parse_timestamp(t) {
            map.insert("timestamp".into(), Value::from(at.as_millisecond()));
        }
    }
    if let Some(Value::Object(verb)) = map.get_mut("verb") {
        verb.remove("display");
    }
    if let Some(actor) = map.get_mut("actor") {
        normalise_actor(actor);
    }
    if let Some(Value::Object(object)) = map.get_mut("object") {
        match object.get("objectType").and_then(Value::as_str) {
            None | Some("Activity") => {
                object.remove("definition");
            }
            Some("Agent" | "Group") => normalise_actor_map(object),
            Some("StatementRef") => lowercase(object.get_mut("id")),
            Some("SubStatement") => normalise_statement(object),
            _ => {}
        }
    }
    if let Some(Value::Object(context)) = map.get_mut("context") {
        lowercase(context.get_mut("registration"));
        if let Some(Value::Object(reference)) = context.get_mut("statement") {
            lowercase(reference.get_mut("id"));
        }
        for key in ["instructor", "team"] {
            if let Some(actor) = context.get_mut(key) {
                normalise_actor(actor);
            }
        }
        if let Some(Value::Object(activities)) = context.get_mut("contextActivities") {
            for value in activities.values_mut() {
                if value.is_object() {
                    *value = Value::Array(vec![value.take()]);
                }
                for activity in value.as_array_mut().into_iter().flatten() {
                    if let Value::Object(a) = activity {
                        a.remove("definition");
                    }
                }
            }
        }
    }
    if let Some(Value::String(duration)) = map.get_mut("result").and_then(|r| r.get_mut("duration")) {
        if let Ok(d) = Duration::parse(duration) {
            *duration = d.comparison_form();
        }
    }
}

fn lowercase(value: Option<&mut Value>) {
    if let Some(Value::String(s)) = value {
        *s = s.to_ascii_lowercase();
    }
}

fn normalise_actor(actor: &mut Value) {
    if let Value::Object(map) = actor {
        normalise_actor_map(map);
    }
}

fn normalise_actor_map(map: &mut Map<String, Value>) {
    if let Some(Value::String(mbox)) = map.get_mut("mbox") {
        if let Ok(m) = Mbox::parse(mbox) {
            *mbox = m.normalised();
        }
    }
    lowercase(map.get_mut("mbox_sha1sum"));
    if let Some(Value::Array(members)) = map.get_mut("member") {
        members.iter_mut().for_each(normalise_actor);
        members.sort_by_cached_key(|m| m.to_string());
    }
}

/// JSON equality with numbers compared by value.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;
    use serde_json::json;
    use uuid::Uuid;

    use super::*;
    use crate::xapi::agent::parse_agent_parameter;
    use crate::xapi::statement::{validate_statement, Authority};

    fn base() -> Value {
        json!({
            "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0",
            "actor": {"mbox": "mailto:Jo@Example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-GB": "completed"}},
            "object": {"id": "http://example.org/course", "definition": {"name": {"en-GB": "Course"}}},
            "result": {"score": {"raw": 1}, "duration": "PT1M2.345S"},
            "context": {
                "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
                "team": {"objectType": "Group", "member": [{"mbox": "mailto:a@example.org"}, {"mbox": "mailto:b@example.org"}]},
                "contextActivities": {"parent": {"id": "http://example.org/programme"}}
            },
            "timestamp": "2024-05-18T05:32:34.804Z"
        })
    }

    fn same(a: &Value, b: &Value) -> bool {
        same_statement(&validate_statement(a).unwrap(), &validate_statement(b).unwrap())
    }

    fn with(change: impl FnOnce(&mut Value)) -> Value {
        let mut v = base();
        change(&mut v);
        v
    }

    #[test]
    fn a_statement_is_the_same_as_itself() {
        assert!(same(&base(), &base()));
    }

    // Data 2.3.1.b1: properties the LRS assigns.
    #[test]
    fn properties_the_lrs_sets_are_ignored() {
        let without_timestamp = with(|v| {
            v.as_object_mut().unwrap().remove("timestamp");
        });
        let authority = Authority::Agent(parse_agent_parameter(r#"{"mbox":"mailto:lrs@example.org"}"#).unwrap());
        let stored = validate_statement(&without_timestamp).unwrap().complete_for_storage(
            Uuid::nil(),
            Timestamp::UNIX_EPOCH,
            &authority,
        );
        assert!(same_statement(&stored, &validate_statement(&without_timestamp).unwrap()));
        assert!(same(&base(), &without_timestamp));
        assert!(same(&base(), &with(|v| v["version"] = json!("1.0.0"))));
        assert!(same(
            &base(),
            &with(|v| {
                v.as_object_mut().unwrap().remove("id");
            })
        ));
    }

    // Data 2.3.1.b4 and 4.5.s1.b5: the same instant in another zone.
    #[test]
    fn timestamps_compare_as_instants() {
        assert!(same(&base(), &with(|v| v["timestamp"] = json!("2024-05-18T06:32:34.804+01:00"))));
        assert!(!same(&base(), &with(|v| v["timestamp"] = json!("2024-05-18T05:32:35.804Z"))));
    }

    // Data 2.3.1.b2 and b3: definitions and verb display are not part of the Statement.
    #[test]
    fn definitions_and_verb_display_are_ignored() {
        assert!(same(
            &base(),
            &with(|v| {
                v["verb"]["display"] = json!({"fr": "a terminé"});
                v["object"]["definition"] = json!({"name": {"fr": "Cours"}});
                v["context"]["contextActivities"]["parent"]["definition"] = json!({"name": {"en": "P"}});
            })
        ));
    }

    // Data 2.3.1.b5: the members of a Group are unordered.
    #[test]
    fn group_member_order_is_ignored() {
        assert!(same(
            &base(),
            &with(|v| {
                v["context"]["team"]["member"] =
                    json!([{"mbox": "mailto:b@example.org"}, {"mbox": "mailto:a@example.org"}]);
            })
        ));
    }

    // Data 2.3.1.b6: attachments are not part of the Statement.
    #[test]
    fn attachments_are_ignored() {
        assert!(same(
            &base(),
            &with(|v| {
                v["attachments"] = json!([{"usageType": "http://example.org/cert", "display": {"en": "Certificate"},
                "contentType": "application/pdf", "length": 10, "sha2": "abc"}]);
            })
        ));
    }

    // Data 2.3.1.b7: case-insensitive values.
    #[test]
    fn case_insensitive_values_are_compared_without_case() {
        assert!(same(
            &base(),
            &with(|v| {
                v["actor"]["mbox"] = json!("mailto:Jo@EXAMPLE.ORG");
                v["context"]["registration"] = json!("EC531277-B57B-4C15-8D91-D292C5B2B8F7");
            })
        ));
        assert!(!same(&base(), &with(|v| v["actor"]["mbox"] = json!("mailto:jo@example.org"))));
    }

    // Data 2.4.6.2.s4.b3: a single context Activity is returned as an array of one.
    #[test]
    fn a_single_context_activity_equals_an_array_of_one() {
        assert!(same(
            &base(),
            &with(|v| {
                v["context"]["contextActivities"]["parent"] = json!([{"id": "http://example.org/programme"}]);
            })
        ));
    }

    // Data 4.6.s1.b5: precision beyond 0.01 s is not compared; 2.3.1.b8: otherwise as a string.
    #[test]
    fn durations_compare_as_strings_to_hundredths() {
        assert!(same(&base(), &with(|v| v["result"]["duration"] = json!("PT1M2.34S"))));
        assert!(!same(&base(), &with(|v| v["result"]["duration"] = json!("PT62.34S"))));
    }

    // Data 2.3.1.s9.b2: any other difference counts.
    #[test]
    fn other_differences_count() {
        assert!(!same(&base(), &with(|v| v["result"]["score"]["raw"] = json!(2))));
        assert!(same(&base(), &with(|v| v["result"]["score"]["raw"] = json!(1.0))));
        assert!(!same(&base(), &with(|v| v["actor"]["name"] = json!("Jo"))));
        assert!(!same(&base(), &with(|v| v["verb"]["id"] = json!("http://adlnet.gov/expapi/verbs/passed"))));
        assert!(!same(
            &base(),
            &with(|v| {
                v.as_object_mut().unwrap().remove("result");
            })
        ));
        assert!(!same(
            &base(),
            &with(|v| v["context"]["contextActivities"]["parent"] = json!([
                {"id": "http://example.org/programme"}, {"id": "http://example.org/other"}
            ]))
        ));
    }
}
