//! The three formats in which the Statements resource returns Statements (Communication 2.1.3,
//! the `format` parameter).

use serde_json::{Map, Value};

use super::language::AcceptLanguage;
use super::statement::Statement;

/// The value of the `format` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Agents, Groups, Activities and Verbs only as far as needed to identify them.
    Ids,
    /// As received.
    #[default]
    Exact,
    /// Activities with their canonical definitions and Verbs with their display, each language map
    /// reduced to the one language that best suits the request.
    Canonical,
}

impl Format {
    /// Reads the parameter, which must be exactly `ids`, `exact` or `canonical`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ids" => Some(Self::Ids),
            "exact" => Some(Self::Exact),
            "canonical" => Some(Self::Canonical),
            _ => None,
        }
    }
}

/// The Statement in the given format. `canonical_definition` gives the LRS's canonical definition
/// of an Activity by id, if it has one (used only by [`Format::Canonical`]; otherwise the definition
/// in the Statement is used).
pub fn format_statement(
    statement: &Statement,
    format: Format,
    languages: &AcceptLanguage,
    canonical_definition: &dyn Fn(&str) -> Option<Value>,
) -> Value {
    let mut json = statement.json().clone();
    if let Value::Object(map) = &mut json {
        match format {
            Format::Exact => {}
            Format::Ids => ids_statement(map),
            Format::Canonical => canonical_statement(map, languages, canonical_definition),
        }
    }
    json
}

const IFI_KEYS: [&str; 4] = ["mbox", "mbox_sha1sum", "openid", "account"];

fn is_activity(object: &Map<String, Value>) -> bool {
    matches!(object.get("objectType").and_then(Value::as_str), None | Some("Activity"))
}

fn ids_statement(map: &mut Map<String, Value>) {
    for key in ["actor", "authority"] {
        if let Some(actor) = map.get_mut(key) {
            ids_actor(actor);
        }
    }
    if let Some(Value::Object(verb)) = map.get_mut("verb") {
        verb.retain(|k, _| k == "id");
    }
    if let Some(Value::Object(object)) = map.get_mut("object") {
        match object.get("objectType").and_then(Value::as_str) {
            None | Some("Activity") => object.retain(|k, _| k == "id"),
            Some("Agent" | "Group") => ids_actor_map(object),
            Some("SubStatement") => ids_statement(object),
            _ => {}
        }
    }
    if let Some(Value::Object(context)) = map.get_mut("context") {
        for key in ["instructor", "team"] {
            if let Some(actor) = context.get_mut(key) {
                ids_actor(actor);
            }
        }
        if let Some(Value::Object(activities)) = context.get_mut("contextActivities") {
            for list in activities.values_mut() {
                for activity in list.as_array_mut().into_iter().flatten() {
                    if let Value::Object(a) = activity {
                        a.retain(|k, _| k == "id");
                    }
                }
            }
        }
    }
}

fn ids_actor(actor: &mut Value) {
    if let Value::Object(map) = actor {
        ids_actor_map(map);
    }
}

/// An Agent or identified Group keeps its identifier; an anonymous Group keeps its members, each
/// reduced to their identifier.
fn ids_actor_map(map: &mut Map<String, Value>) {
    let identified = IFI_KEYS.iter().any(|k| map.contains_key(*k));
    map.retain(|k, _| k == "objectType" || IFI_KEYS.contains(&k.as_str()) || (!identified && k == "member"));
    if let Some(Value::Array(members)) = map.get_mut("member") {
        members.iter_mut().for_each(ids_actor);
    }
}

fn canonical_statement(
    map: &mut Map<String, Value>,
    languages: &AcceptLanguage,
    canonical_definition: &dyn Fn(&str) -> Option<Value>,
) {
    if let Some(display) = map.get_mut("verb").and_then(|v| v.get_mut("display")) {
        choose_language(display, languages);
    }
    if let Some(Value::Object(object)) = map.get_mut("object") {
        if object.get("objectType").and_then(Value::as_str) == Some("SubStatement") {
            canonical_statement(object, languages, canonical_definition);
        } else if is_activity(object) {
            canonical_activity(object, languages, canonical_definition);
        }
    }
    if let Some(Value::Object(activities)) = map.get_mut("context").and_then(|c| c.get_mut("contextActivities")) {
        for list in activities.values_mut() {
            for activity in list.as_array_mut().into_iter().flatten() {
                if let Value::Object(a) = activity {
                    canonical_activity(a, languages, canonical_definition);
                }
            }
        }
    }
}

fn canonical_activity(
    activity: &mut Map<String, Value>,
    languages: &AcceptLanguage,
    canonical_definition: &dyn Fn(&str) -> Option<Value>,
) {
    if let Some(definition) = activity.get("id").and_then(Value::as_str).and_then(canonical_definition) {
        activity.insert("definition".into(), definition);
    }
    let Some(Value::Object(definition)) = activity.get_mut("definition") else { return };
    for key in ["name", "description"] {
        if let Some(map) = definition.get_mut(key) {
            choose_language(map, languages);
        }
    }
    for list in ["choices", "scale", "source", "target", "steps"] {
        for component in definition.get_mut(list).and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(description) = component.get_mut("description") {
                choose_language(description, languages);
            }
        }
    }
}

/// Keeps the one entry of a language map that best matches the request (Communication
/// 2.1.3.s4.b1, b5).
fn choose_language(map: &mut Value, languages: &AcceptLanguage) {
    let Value::Object(entries) = map else { return };
    if entries.len() <= 1 {
        return;
    }
    let chosen = languages.choose(entries.keys().map(String::as_str)).map(str::to_owned);
    entries.retain(|k, _| Some(k) == chosen.as_ref());
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::xapi::statement::validate_statement;

    fn statement() -> Statement {
        validate_statement(&json!({
            "actor": {"objectType": "Agent", "name": "Jo", "mbox": "mailto:jo@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-GB": "completed", "fr": "a terminé"}},
            "object": {
                "id": "http://example.org/course",
                "definition": {
                    "name": {"en-GB": "Course", "fr": "Cours"},
                    "description": {"en-GB": "A course"},
                    "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                    "interactionType": "choice",
                    "choices": [{"id": "a", "description": {"en-GB": "A", "fr": "Un"}}]
                }
            },
            "context": {
                "instructor": {"objectType": "Group", "name": "Tutors", "member": [{"name": "Sam", "openid": "http://o.org/sam"}]},
                "team": {"objectType": "Group", "name": "Ward 7", "mbox": "mailto:ward7@example.org", "member": [{"mbox": "mailto:a@example.org"}]},
                "contextActivities": {"parent": {"id": "http://example.org/programme", "definition": {"name": {"en-GB": "P", "cy": "R"}}}}
            }
        }))
        .unwrap()
    }

    fn no_definitions(_: &str) -> Option<Value> {
        None
    }

    #[test]
    fn format_parameter_values_are_exact() {
        assert_eq!(Format::parse("ids"), Some(Format::Ids));
        assert_eq!(Format::parse("canonical"), Some(Format::Canonical));
        assert_eq!(Format::parse("exact"), Some(Format::Exact));
        assert_eq!(Format::parse("Exact"), None);
    }

    // Communication 2.1.3.s1 (format=exact) and Data 2.4.6.2.s4.b3: as received, context activities as arrays.
    #[test]
    fn exact_returns_the_statement_as_received() {
        let s = statement();
        let exact = format_statement(&s, Format::Exact, &AcceptLanguage::default(), &no_definitions);
        assert_eq!(exact["verb"]["display"]["fr"], "a terminé");
        assert!(exact["context"]["contextActivities"]["parent"].is_array());
    }

    // Communication 2.1.3.s1 (format=ids) and Data 2.4.3.s6.b2: only what identifies each object.
    #[test]
    fn ids_keeps_only_identifiers() {
        let ids = format_statement(&statement(), Format::Ids, &AcceptLanguage::default(), &no_definitions);
        assert_eq!(ids["actor"], json!({"objectType": "Agent", "mbox": "mailto:jo@example.org"}));
        assert_eq!(ids["verb"], json!({"id": "http://adlnet.gov/expapi/verbs/completed"}));
        assert_eq!(ids["object"], json!({"id": "http://example.org/course"}));
        assert_eq!(
            ids["context"]["instructor"],
            json!({"objectType": "Group", "member": [{"openid": "http://o.org/sam"}]})
        );
        assert_eq!(ids["context"]["team"], json!({"objectType": "Group", "mbox": "mailto:ward7@example.org"}));
        assert_eq!(ids["context"]["contextActivities"]["parent"], json!([{"id": "http://example.org/programme"}]));
    }

    // An Activity is identified by its id alone, whether or not it was sent with its objectType
    // (conformance requirement XAPI-00171 counts the keys).
    #[test]
    fn ids_leaves_an_activity_with_its_id_alone() {
        let mut v = statement().into_json();
        v["object"]["objectType"] = json!("Activity");
        v["context"]["contextActivities"]["parent"][0]["objectType"] = json!("Activity");
        let s = validate_statement(&v).unwrap();
        let ids = format_statement(&s, Format::Ids, &AcceptLanguage::default(), &no_definitions);
        assert_eq!(ids["object"], json!({"id": "http://example.org/course"}));
        assert_eq!(ids["context"]["contextActivities"]["parent"], json!([{"id": "http://example.org/programme"}]));
    }

    // Communication 2.1.3.s4.b1 and b5: one language per map, chosen by Accept-Language.
    #[test]
    fn canonical_keeps_one_language_per_map() {
        let fr = AcceptLanguage::parse("fr, en;q=0.5");
        let c = format_statement(&statement(), Format::Canonical, &fr, &no_definitions);
        assert_eq!(c["verb"]["display"], json!({"fr": "a terminé"}));
        assert_eq!(c["object"]["definition"]["name"], json!({"fr": "Cours"}));
        assert_eq!(c["object"]["definition"]["description"], json!({"en-GB": "A course"}));
        assert_eq!(c["object"]["definition"]["choices"][0]["description"], json!({"fr": "Un"}));
        assert_eq!(c["context"]["contextActivities"]["parent"][0]["definition"]["name"], json!({"en-GB": "P"}));
        // Agents and Groups are returned as in exact.
        assert_eq!(c["context"]["team"]["name"], "Ward 7");
    }

    #[test]
    fn canonical_uses_the_lrs_definition_of_an_activity() {
        let lookup = |id: &str| {
            (id == "http://example.org/course").then(|| json!({"name": {"en-GB": "Course (v2)", "de": "Kurs"}}))
        };
        let c = format_statement(&statement(), Format::Canonical, &AcceptLanguage::parse("en"), &lookup);
        assert_eq!(c["object"]["definition"], json!({"name": {"en-GB": "Course (v2)"}}));
    }
}
