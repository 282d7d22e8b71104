//! The definition the LRS keeps for an activity, gathered from every statement that carried one
//! (Communication 2.5: the Activities resource returns "all available information" about an
//! activity, XAPI-00254).

use serde_json::{Map, Value};

/// The language maps of a definition and of each interaction component.
const LANGUAGE_MAPS: [&str; 2] = ["name", "description"];
/// The lists of interaction components, each component named by its `id`.
const COMPONENT_LISTS: [&str; 5] = ["choices", "scale", "source", "target", "steps"];

/// `incoming` laid over `stored`: language maps and extensions gain the incoming keys (a language
/// sent again takes the new text, one not sent again is kept); any other property takes the
/// incoming value; a list of interaction components takes the incoming list, each component
/// keeping the descriptions in other languages that the stored component of the same id had.
/// Both are definitions as validated (JSON objects); anything else leaves `incoming` as it is.
pub fn merge_definitions(stored: &Value, incoming: &Value) -> Value {
    let (Value::Object(old), Value::Object(new)) = (stored, incoming) else {
        return incoming.clone();
    };
    let mut merged = old.clone();
    for (key, value) in new {
        let combined = match (key.as_str(), old.get(key)) {
            (k, Some(before)) if LANGUAGE_MAPS.contains(&k) || k == "extensions" => union(before, value),
            (k, Some(Value::Array(before))) if COMPONENT_LISTS.contains(&k) => components(before, value),
            _ => value.clone(),
        };
        merged.insert(key.clone(), combined);
    }
    Value::Object(merged)
}

/// The keys of both objects, `new`'s value where both have one.
fn union(old: &Value, new: &Value) -> Value {
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            let mut out: Map<String, Value> = o.clone();
            out.extend(n.iter().map(|(k, v)| (k.clone(), v.clone())));
            Value::Object(out)
        }
        _ => new.clone(),
    }
}

fn components(old: &[Value], new: &Value) -> Value {
    let Value::Array(items) = new else { return new.clone() };
    let before = |id: &Value| old.iter().find(|c| c.get("id") == Some(id));
    Value::Array(
        items
            .iter()
            .map(|item| match (item, item.get("id").and_then(before)) {
                (Value::Object(component), Some(was)) => {
                    let mut out = component.clone();
                    if let (Some(d_old), Some(d_new)) = (was.get("description"), component.get("description")) {
                        out.insert("description".to_owned(), union(d_old, d_new));
                    }
                    Value::Object(out)
                }
                _ => item.clone(),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    // XAPI-00254: two statements about one activity, the second dropping a language the first had.
    #[test]
    fn languages_from_every_statement_are_kept() {
        let first = json!({"name": {"en-US": "Course"}, "description": {"en-US": "About"}, "type": "http://t.org/a"});
        let second = json!({"name": {"fr-FR": "Cours"}, "type": "http://t.org/b", "moreInfo": "http://m.org"});
        let merged = merge_definitions(&first, &second);
        assert_eq!(
            merged,
            json!({"name": {"en-US": "Course", "fr-FR": "Cours"}, "description": {"en-US": "About"},
                "type": "http://t.org/b", "moreInfo": "http://m.org"})
        );
        // A language sent again takes the new text.
        let again = merge_definitions(&merged, &json!({"name": {"en-US": "Course, revised"}}));
        assert_eq!(again["name"], json!({"en-US": "Course, revised", "fr-FR": "Cours"}));
    }

    #[test]
    fn components_take_the_new_list_and_keep_each_ones_other_languages() {
        let first = json!({"interactionType": "choice", "choices": [
            {"id": "a", "description": {"en-US": "Apple"}}, {"id": "b", "description": {"en-US": "Banana"}}]});
        let second = json!({"interactionType": "choice", "choices": [
            {"id": "a", "description": {"fr-FR": "Pomme"}}, {"id": "c", "description": {"fr-FR": "Cerise"}}]});
        assert_eq!(
            merge_definitions(&first, &second)["choices"],
            json!([{"id": "a", "description": {"en-US": "Apple", "fr-FR": "Pomme"}},
                {"id": "c", "description": {"fr-FR": "Cerise"}}])
        );
    }

    #[test]
    fn extensions_gain_keys() {
        let merged = merge_definitions(
            &json!({"extensions": {"http://e.org/x": 1}}),
            &json!({"extensions": {"http://e.org/y": 2}}),
        );
        assert_eq!(merged["extensions"], json!({"http://e.org/x": 1, "http://e.org/y": 2}));
    }

    fn language_map() -> impl Strategy<Value = Map<String, Value>> {
        prop::collection::btree_map("[a-z]{2}(-[A-Z]{2})?", "[a-z ]{0,8}", 0..4)
            .prop_map(|m| m.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
    }

    proptest! {
        // Whatever the two names, the merge has every language of both, with the incoming text
        // where both have one; merging the same definition again changes nothing.
        #[test]
        fn a_merged_name_has_every_language(old in language_map(), new in language_map()) {
            let merged = merge_definitions(&json!({"name": old.clone()}), &json!({"name": new.clone()}));
            let name = merged["name"].as_object().unwrap();
            for (k, v) in &old {
                prop_assert_eq!(name.get(k), Some(new.get(k).unwrap_or(v)));
            }
            for (k, v) in &new {
                prop_assert_eq!(name.get(k), Some(v));
            }
            prop_assert_eq!(name.len(), old.keys().chain(new.keys()).collect::<std::collections::BTreeSet<_>>().len());
            prop_assert_eq!(merge_definitions(&merged, &json!({"name": new})), merged);
        }
    }
}
