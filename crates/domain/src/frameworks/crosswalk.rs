//! Crosswalks: which behaviours of one framework correspond to behaviours of another, so that a
//! resource or a learning entry tagged against one counts for the others.
//!
//! A crosswalk says "these behaviours are about the same thing". Correspondence is taken both ways
//! and followed transitively: if A maps to B and B maps to C, a resource tagged A counts for C.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::file::{index, join, read_tree, write_doc, Checker, FileError, Format};
use super::model::{BehaviourRef, Framework};

/// One behaviour mapped onto corresponding behaviours of other frameworks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crosswalk {
    pub from: BehaviourRef,
    pub to: Vec<BehaviourRef>,
}

/// Reads crosswalks from a file and checks each end against the frameworks we know.
///
/// ```yaml
/// crosswalks:
///   - from: leadership-way:listening-with-care
///     to: [healthcare-leadership:caring-for-people]
/// ```
///
/// A reference to a framework or behaviour that does not exist, a mapping of a behaviour onto
/// its own framework, and an empty `to` are each reported with their path.
pub fn parse_crosswalks(text: &str, format: Format, known: &[Framework]) -> Result<Vec<Crosswalk>, FileError> {
    let tree = read_tree(text, format)?;
    let mut c = Checker::new();
    let out = check_crosswalks(&mut c, &tree, known);
    c.finish(out)
}

fn check_crosswalks(c: &mut Checker, tree: &Value, known: &[Framework]) -> Option<Vec<Crosswalk>> {
    let map = c.object(tree, "", &["crosswalks"])?;
    let items = c.list(map, "", "crosswalks")?;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = index("", "crosswalks", i);
        let Some(m) = c.object(item, &at, &["from", "to"]) else { continue };
        let from = c.text(m, &at, "from", 200, true).and_then(|t| check_ref(c, &join(&at, "from"), &t, known));
        let to_at = join(&at, "to");
        let to: Vec<BehaviourRef> = match m.get("to") {
            Some(Value::Array(list)) if !list.is_empty() => list
                .iter()
                .enumerate()
                .filter_map(|(j, v)| {
                    let p = format!("{to_at}[{j}]");
                    match v {
                        Value::String(s) => check_ref(c, &p, s, known),
                        _ => {
                            c.problem(&p, "should be a behaviour reference such as \"framework:behaviour\"");
                            None
                        }
                    }
                })
                .collect(),
            Some(Value::String(s)) => check_ref(c, &to_at, s, known).into_iter().collect(),
            None | Some(Value::Null) => {
                c.problem(&to_at, "missing");
                Vec::new()
            }
            Some(_) => {
                c.problem(&to_at, "should be a list of behaviour references");
                Vec::new()
            }
        };
        if let Some(from) = from {
            for (j, t) in to.iter().enumerate() {
                if t.framework == from.framework {
                    c.problem(
                        &format!("{to_at}[{j}]"),
                        format!("maps {from} onto its own framework: a crosswalk joins two frameworks"),
                    );
                }
            }
            out.push(Crosswalk { from, to });
        }
    }
    Some(out)
}

fn check_ref(c: &mut Checker, path: &str, text: &str, known: &[Framework]) -> Option<BehaviourRef> {
    match resolve(text, known) {
        Ok(r) => Some(r),
        Err(message) => {
            c.problem(path, message);
            None
        }
    }
}

/// Reads `framework:behaviour` and checks that both exist.
fn resolve(text: &str, known: &[Framework]) -> Result<BehaviourRef, String> {
    let r: BehaviourRef = text.parse().map_err(|e: super::model::BehaviourRefError| e.to_string())?;
    let framework = known
        .iter()
        .find(|f| f.id() == &r.framework)
        .ok_or_else(|| format!("no framework has the id {:?}", r.framework.as_str()))?;
    if framework.behaviour(r.behaviour.as_str()).is_none() {
        return Err(format!("{:?} has no behaviour {:?}", r.framework.as_str(), r.behaviour.as_str()));
    }
    Ok(r)
}

/// Checks crosswalks made in code (or read earlier) against the frameworks known now: a
/// framework may have changed since. Each problem names the crosswalk by its position.
pub fn check_crosswalk_refs(crosswalks: &[Crosswalk], known: &[Framework]) -> Result<(), FileError> {
    let mut c = Checker::new();
    for (i, cw) in crosswalks.iter().enumerate() {
        let at = index("", "crosswalks", i);
        if let Err(e) = resolve(&cw.from.to_string(), known) {
            c.problem(&join(&at, "from"), e);
        }
        for (j, t) in cw.to.iter().enumerate() {
            if let Err(e) = resolve(&t.to_string(), known) {
                c.problem(&format!("{at}.to[{j}]"), e);
            }
        }
    }
    c.finish(Some(()))
}

#[derive(Serialize)]
struct CrosswalksDoc {
    crosswalks: Vec<CrosswalkDoc>,
}

#[derive(Serialize)]
struct CrosswalkDoc {
    from: String,
    to: Vec<String>,
}

/// Writes crosswalks in the format [`parse_crosswalks`] reads.
pub fn export_crosswalks(crosswalks: &[Crosswalk], format: Format) -> String {
    let doc = CrosswalksDoc {
        crosswalks: crosswalks
            .iter()
            .map(|c| CrosswalkDoc { from: c.from.to_string(), to: c.to.iter().map(ToString::to_string).collect() })
            .collect(),
    };
    write_doc(&doc, format)
}

/// Every behaviour equivalent to one of `refs` through the crosswalks, taken both ways and
/// followed transitively, `refs` themselves included.
pub fn equivalents<'a>(
    refs: impl IntoIterator<Item = &'a BehaviourRef>,
    crosswalks: &[Crosswalk],
) -> BTreeSet<BehaviourRef> {
    let mut links: BTreeMap<&BehaviourRef, Vec<&BehaviourRef>> = BTreeMap::new();
    for cw in crosswalks {
        for t in &cw.to {
            links.entry(&cw.from).or_default().push(t);
            links.entry(t).or_default().push(&cw.from);
        }
    }
    let mut seen: BTreeSet<BehaviourRef> = BTreeSet::new();
    let mut todo: Vec<BehaviourRef> = refs.into_iter().cloned().collect();
    while let Some(r) = todo.pop() {
        if let Some(next) = links.get(&r) {
            todo.extend(next.iter().filter(|n| !seen.contains(**n)).map(|n| (*n).clone()));
        }
        seen.insert(r);
    }
    seen
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn r(s: &str) -> BehaviourRef {
        s.parse().unwrap()
    }

    fn cw(from: &str, to: &[&str]) -> Crosswalk {
        Crosswalk { from: r(from), to: to.iter().map(|t| r(t)).collect() }
    }

    #[test]
    fn equivalence_is_symmetric_and_transitive() {
        let walks = [cw("a:x", &["b:y"]), cw("c:z", &["b:y", "b:w"]), cw("d:q", &["e:q"])];
        let got: Vec<String> = equivalents([&r("a:x")], &walks).iter().map(ToString::to_string).collect();
        assert_eq!(got, ["a:x", "b:w", "b:y", "c:z"]);
        assert_eq!(equivalents([&r("f:lonely")], &walks).len(), 1);
    }

    #[test]
    fn a_crosswalk_to_a_behaviour_that_does_not_exist_is_refused() {
        let known = super::super::shipped::frameworks();
        let text = "crosswalks:\n  - from: leadership-way:no-such-thing\n    to: [nowhere:at-all, healthcare-leadership:Bad]\n";
        let problems: Vec<String> = parse_crosswalks(text, Format::Yaml, &known)
            .unwrap_err()
            .problems
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            problems,
            [
                "crosswalks[0].from: \"leadership-way\" has no behaviour \"no-such-thing\"",
                "crosswalks[0].to[0]: no framework has the id \"nowhere\"",
                "crosswalks[0].to[1]: \"healthcare-leadership:Bad\" is not a behaviour reference: write the framework's id and the behaviour's id with a colon between, such as \"leadership-way:listening-with-care\"",
            ]
        );
    }

    fn slow_closure(start: &BehaviourRef, walks: &[Crosswalk]) -> BTreeSet<BehaviourRef> {
        let mut set: BTreeSet<BehaviourRef> = [start.clone()].into();
        loop {
            let before = set.len();
            for w in walks {
                for t in &w.to {
                    if set.contains(&w.from) || set.contains(t) {
                        set.insert(w.from.clone());
                        set.insert(t.clone());
                    }
                }
            }
            if set.len() == before {
                return set;
            }
        }
    }

    proptest! {
        #[test]
        fn equivalents_match_a_slow_fixed_point(edges in proptest::collection::vec((0u8..8, 0u8..8), 0..12), start in 0u8..8) {
            let name = |n: u8| r(&format!("f{}:b{n}", n % 3));
            let walks: Vec<Crosswalk> = edges.iter().map(|(a, b)| Crosswalk { from: name(*a), to: vec![name(*b)] }).collect();
            prop_assert_eq!(equivalents([&name(start)], &walks), slow_closure(&name(start), &walks));
        }
    }
}
