//! The learning record as xAPI: each entry is also a statement, and statements from other systems
//! can become entries. The mapping, which is part of goldthread's public contract:
//!
//! | entry activity      | verb                    | activity type                                   |
//! |---------------------|-------------------------|-------------------------------------------------|
//! | resource            | completed               | by the resource's kind (below)                  |
//! | stretch-assignment  | completed               | `http://adlnet.gov/expapi/activities/performance` |
//! | shadowing           | experienced             | `urn:goldthread:activity-type:shadowing`        |
//! | action-learning     | attended                | `http://adlnet.gov/expapi/activities/meeting`   |
//! | coaching            | attended                | `urn:goldthread:activity-type:coaching`         |
//! | conference          | attended                | `http://adlnet.gov/expapi/activities/meeting`   |
//! | course              | completed               | `http://adlnet.gov/expapi/activities/course`    |
//! | reading             | experienced             | `urn:goldthread:activity-type:reading`          |
//! | reflection          | experienced             | `urn:goldthread:activity-type:reflective-practice` |
//! | other               | experienced             | `urn:goldthread:activity-type:other`            |
//!
//! Verbs are ADL's (`http://adlnet.gov/expapi/verbs/...`). A catalogue resource's activity id is
//! its web address when it has one (so that another system's statements about the same address
//! match it), otherwise `urn:goldthread:resource:ID`; any other entry's is
//! `urn:goldthread:entry:ID`. The result carries `completion: true`, the time spent as
//! `duration`, the reflection as `response`, and the 70:20:10 kind and the behaviours as
//! extensions (`urn:goldthread:xapi:learning-kind`, `urn:goldthread:xapi:behaviours`); the
//! context names the entry (`urn:goldthread:xapi:entry`). An edited entry gets a new statement
//! and the old one is voided; a deleted or hidden entry's statement is voided.

use jiff::civil::Date;
use serde_json::{json, Map, Value};

use super::{Activity, LearningKind, ResourceKind};
use crate::ids::{EntryId, ResourceId};

pub const VERB_COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
pub const VERB_EXPERIENCED: &str = "http://adlnet.gov/expapi/verbs/experienced";
pub const VERB_ATTENDED: &str = "http://adlnet.gov/expapi/verbs/attended";
pub const VERB_PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
pub const VERB_MASTERED: &str = "http://adlnet.gov/expapi/verbs/mastered";
pub const EXT_KIND: &str = "urn:goldthread:xapi:learning-kind";
pub const EXT_BEHAVIOURS: &str = "urn:goldthread:xapi:behaviours";
pub const EXT_ENTRY: &str = "urn:goldthread:xapi:entry";

/// The catalogue resource an entry is about, as the statement needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceActivity {
    pub id: ResourceId,
    pub url: Option<String>,
    pub kind: ResourceKind,
}

/// An entry as its statement needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryForStatement<'a> {
    pub entry: EntryId,
    pub name: &'a str,
    pub email: &'a str,
    pub title: &'a str,
    pub activity: Activity,
    pub kind: LearningKind,
    pub occurred_on: Date,
    pub minutes: u32,
    pub reflection: &'a str,
    pub behaviours: &'a [String],
    pub resource: Option<ResourceActivity>,
}

/// What a catalogue resource's activity id starts with when it has no web address of its own.
const RESOURCE_URN: &str = "urn:goldthread:resource:";

/// The activity id of a catalogue resource.
pub fn resource_activity_id(id: ResourceId, url: Option<&str>) -> String {
    match url {
        Some(u) if (u.starts_with("http://") || u.starts_with("https://")) && crate::xapi::Iri::parse(u).is_ok() => {
            u.to_owned()
        }
        _ => format!("{RESOURCE_URN}{id}"),
    }
}

/// The resource an activity id names as `urn:goldthread:resource:ID` (the id in either case);
/// `None` for any other activity id, a web address included.
pub fn resource_in_urn(activity: &str) -> Option<ResourceId> {
    activity.strip_prefix(RESOURCE_URN).and_then(|id| id.parse().ok())
}

fn verb_and_type(activity: Activity, resource: Option<ResourceKind>) -> (&'static str, &'static str) {
    match activity {
        Activity::Resource => (
            VERB_COMPLETED,
            match resource {
                Some(ResourceKind::Course | ResourceKind::ELearning) => "http://adlnet.gov/expapi/activities/course",
                Some(ResourceKind::Video | ResourceKind::Podcast) => "http://adlnet.gov/expapi/activities/media",
                Some(ResourceKind::Event) => "http://adlnet.gov/expapi/activities/meeting",
                _ => "http://adlnet.gov/expapi/activities/link",
            },
        ),
        Activity::StretchAssignment => (VERB_COMPLETED, "http://adlnet.gov/expapi/activities/performance"),
        Activity::Shadowing => (VERB_EXPERIENCED, "urn:goldthread:activity-type:shadowing"),
        Activity::ActionLearning => (VERB_ATTENDED, "http://adlnet.gov/expapi/activities/meeting"),
        Activity::Coaching => (VERB_ATTENDED, "urn:goldthread:activity-type:coaching"),
        Activity::Conference => (VERB_ATTENDED, "http://adlnet.gov/expapi/activities/meeting"),
        Activity::Course => (VERB_COMPLETED, "http://adlnet.gov/expapi/activities/course"),
        Activity::Reading => (VERB_EXPERIENCED, "urn:goldthread:activity-type:reading"),
        Activity::Reflection => (VERB_EXPERIENCED, "urn:goldthread:activity-type:reflective-practice"),
        Activity::Other => (VERB_EXPERIENCED, "urn:goldthread:activity-type:other"),
    }
}

fn verb_display(verb: &str) -> &'static str {
    match verb {
        VERB_COMPLETED => "completed",
        VERB_ATTENDED => "attended",
        _ => "experienced",
    }
}

/// The statement for an entry (without id, stored or authority: the LRS sets those).
pub fn entry_statement(e: &EntryForStatement<'_>) -> Value {
    let (verb, activity_type) = verb_and_type(e.activity, e.resource.as_ref().map(|r| r.kind));
    let object_id = match &e.resource {
        Some(r) => resource_activity_id(r.id, r.url.as_deref()),
        None => format!("urn:goldthread:entry:{}", e.entry),
    };
    let mut result = Map::new();
    result.insert("completion".into(), json!(true));
    result.insert("duration".into(), json!(format!("PT{}M", e.minutes)));
    result.insert("response".into(), json!(e.reflection));
    result.insert("extensions".into(), json!({ EXT_KIND: e.kind.code(), EXT_BEHAVIOURS: e.behaviours }));
    json!({
        "actor": { "objectType": "Agent", "name": e.name, "mbox": format!("mailto:{}", e.email) },
        "verb": { "id": verb, "display": { "en-GB": verb_display(verb) } },
        "object": {
            "objectType": "Activity",
            "id": object_id,
            "definition": { "name": { "en-GB": e.title }, "type": activity_type }
        },
        "result": Value::Object(result),
        "context": {
            "platform": "goldthread",
            "language": "en-GB",
            "extensions": { EXT_ENTRY: e.entry.to_string() }
        },
        "timestamp": format!("{}T12:00:00.000Z", e.occurred_on),
    })
}

/// A statement from another system, as far as deciding whether it belongs in a learning record.
#[derive(Debug, Clone, PartialEq)]
pub struct IncomingFacts<'a> {
    pub verb: &'a str,
    pub completion: Option<bool>,
    /// Whether its object is an activity that matches a catalogue resource.
    pub matches_catalogue: bool,
}

/// Whether another system's statement about a person should wait in their learning record for a
/// reflection: it is about a catalogue resource, or it records a completion of any kind.
pub fn belongs_in_record(f: &IncomingFacts<'_>) -> bool {
    f.matches_catalogue || f.completion == Some(true) || matches!(f.verb, VERB_COMPLETED | VERB_PASSED | VERB_MASTERED)
}

/// The whole minutes in an ISO 8601 duration of days, hours, minutes and seconds (a statement's
/// `result.duration`), rounded to the nearest; years, months and weeks count as nothing, since
/// no learning activity is recorded in them.
pub fn duration_minutes(iso: &str) -> u32 {
    let Some(rest) = iso.strip_prefix('P') else { return 0 };
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut seconds = 0f64;
    let mut take = |part: &str, units: &[(char, f64)]| {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' || c == ',' {
                number.push(if c == ',' { '.' } else { c });
            } else {
                let n: f64 = number.parse().unwrap_or(0.0);
                if let Some((_, factor)) = units.iter().find(|(u, _)| *u == c) {
                    seconds += n * factor;
                }
                number.clear();
            }
        }
    };
    take(date, &[('D', 86_400.0)]);
    take(time, &[('H', 3_600.0), ('M', 60.0), ('S', 1.0)]);
    let minutes = (seconds / 60.0).round();
    if minutes >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        minutes as u32
    }
}

/// The best display text of a language map: English first, then whatever there is.
pub fn display_name(map: Option<&Value>) -> Option<String> {
    let map = map?.as_object()?;
    ["en-GB", "en", "en-US"]
        .iter()
        .find_map(|k| map.get(*k))
        .or_else(|| map.values().next())
        .and_then(Value::as_str)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xapi::validate_statement;
    use proptest::prelude::*;

    fn entry(activity: Activity, resource: Option<ResourceActivity>, behaviours: &[String]) -> Value {
        entry_statement(&EntryForStatement {
            entry: EntryId::from_uuid(uuid::Uuid::from_u128(7)),
            name: "Jo Bloggs",
            email: "jo@trust.nhs.uk",
            title: "Shadowing the director of nursing",
            activity,
            kind: LearningKind::Others,
            occurred_on: Date::constant(2026, 3, 14),
            minutes: 90,
            reflection: "I saw how she framed hard news for the board.",
            behaviours,
            resource,
        })
    }

    #[test]
    fn every_activity_maps_to_a_valid_statement() {
        let behaviours = vec!["compassion".to_owned()];
        for &a in Activity::ALL {
            let s = entry(a, None, &behaviours);
            let v = validate_statement(&s).unwrap_or_else(|e| panic!("{a:?}: {e}"));
            assert_eq!(v.actor().identifiers().len(), 1);
        }
        for &k in ResourceKind::ALL {
            let r = ResourceActivity { id: ResourceId::from_uuid(uuid::Uuid::from_u128(3)), url: None, kind: k };
            validate_statement(&entry(Activity::Resource, Some(r), &[])).unwrap();
        }
    }

    #[test]
    fn a_resource_with_a_web_address_is_that_activity() {
        let id = ResourceId::from_uuid(uuid::Uuid::from_u128(3));
        assert_eq!(resource_activity_id(id, Some("https://learning.example/x")), "https://learning.example/x");
        assert_eq!(resource_activity_id(id, Some("not a url")), format!("urn:goldthread:resource:{id}"));
        // The URN reads back as its resource, in either case; a web address names none.
        let lettered = ResourceId::from_uuid(uuid::Uuid::from_u128(0xfeed_face_cafe));
        assert_eq!(resource_in_urn(&resource_activity_id(lettered, None)), Some(lettered));
        let upper = format!("urn:goldthread:resource:{}", lettered.to_string().to_uppercase());
        assert_ne!(upper, resource_activity_id(lettered, None));
        assert_eq!(resource_in_urn(&upper), Some(lettered));
        assert_eq!(resource_in_urn("https://example.org/courses/1"), None);
        assert_eq!(resource_in_urn("urn:goldthread:resource:not-an-id"), None);
        let s = entry(
            Activity::Resource,
            Some(ResourceActivity { id, url: Some("https://e.example/a".into()), kind: ResourceKind::Video }),
            &[],
        );
        assert_eq!(s["object"]["id"], "https://e.example/a");
        assert_eq!(s["object"]["definition"]["type"], "http://adlnet.gov/expapi/activities/media");
        assert_eq!(s["result"]["response"], "I saw how she framed hard news for the board.");
        assert_eq!(s["result"]["duration"], "PT90M");
    }

    #[test]
    fn durations_become_minutes() {
        assert_eq!(duration_minutes("PT1H30M"), 90);
        assert_eq!(duration_minutes("PT45S"), 1);
        assert_eq!(duration_minutes("P1DT2H"), 26 * 60);
        assert_eq!(duration_minutes("PT0.5M"), 1);
        assert_eq!(duration_minutes("P1Y"), 0);
        assert_eq!(duration_minutes("nonsense"), 0);
    }

    #[test]
    fn completions_and_catalogue_activities_belong_in_the_record() {
        let f = |verb, completion, matches_catalogue| {
            belongs_in_record(&IncomingFacts { verb, completion, matches_catalogue })
        };
        assert!(f(VERB_COMPLETED, None, false));
        assert!(f("http://adlnet.gov/expapi/verbs/experienced", Some(true), false));
        assert!(f("http://adlnet.gov/expapi/verbs/experienced", None, true));
        assert!(!f("http://adlnet.gov/expapi/verbs/attempted", Some(false), false));
    }

    proptest! {
        #[test]
        fn any_reflection_and_behaviours_make_a_valid_statement(
            reflection in "\\PC{1,200}",
            behaviours in proptest::collection::vec("[a-z ]{1,20}", 0..5),
            minutes in 1u32..1440,
        ) {
            let s = entry_statement(&EntryForStatement {
                entry: EntryId::from_uuid(uuid::Uuid::from_u128(1)),
                name: "A",
                email: "a@b.example",
                title: "T",
                activity: Activity::Coaching,
                kind: LearningKind::Others,
                occurred_on: Date::constant(2026, 1, 1),
                minutes,
                reflection: &reflection,
                behaviours: &behaviours,
                resource: None,
            });
            prop_assert!(validate_statement(&s).is_ok());
        }
    }
}
