//! Framework files: reading YAML or JSON, checking the whole file, and writing it back.
//!
//! The file is read into a plain tree first and checked by walking it, so that one pass reports
//! every problem with the path of the field it is in, instead of stopping at the first one as a
//! derived deserialiser would. The format is documented in `docs/frameworks.md` and on
//! [`parse_framework`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use super::model::{Behaviour, Domain, Framework, Scale, ScalePoint, Slug};

/// How a framework or crosswalk file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    /// The format a file name's extension names (`.json`, `.yaml`, `.yml`), if any.
    pub fn from_file_name(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Some(Self::Json)
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Some(Self::Yaml)
        } else {
            None
        }
    }
}

/// One problem in a file: where (`domains[1].behaviours[0].id`; empty for the file as a whole)
/// and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// A file that was refused, with every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FileError {
    pub problems: Vec<FileProblem>,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(f, "the file has {n} problem{}", if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            write!(f, "\n- {p}")?;
        }
        Ok(())
    }
}

/// At most this many problems are listed; a file with more is usually the wrong file.
pub const MAX_PROBLEMS: usize = 100;

pub(super) const NAME_MAX: usize = 200;
pub(super) const TEXT_MAX: usize = 2000;

/// Reads the text into a tree; a syntax error is the only problem reported then.
pub(super) fn read_tree(text: &str, format: Format) -> Result<Value, FileError> {
    let tree = match format {
        Format::Json => serde_json::from_str::<Value>(text).map_err(|e| e.to_string()),
        Format::Yaml => yaml_serde::from_str::<Value>(text).map_err(|e| e.to_string()),
    };
    tree.map_err(|e| {
        let what = match format {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
        };
        FileError {
            problems: vec![FileProblem { path: String::new(), message: format!("this is not valid {what}: {e}") }],
        }
    })
}

/// Walks a tree, collecting problems against paths.
pub(super) struct Checker {
    pub(super) problems: Vec<FileProblem>,
}

impl Checker {
    pub(super) fn new() -> Self {
        Self { problems: Vec::new() }
    }

    pub(super) fn problem(&mut self, path: &str, message: impl Into<String>) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(FileProblem { path: path.to_owned(), message: message.into() });
        }
    }

    pub(super) fn finish<T>(self, value: Option<T>) -> Result<T, FileError> {
        match value {
            Some(v) if self.problems.is_empty() => Ok(v),
            _ => Err(FileError { problems: self.problems }),
        }
    }

    /// The tree as a mapping with only the keys allowed; unknown keys are problems (usually typos).
    pub(super) fn object<'v>(
        &mut self,
        value: &'v Value,
        path: &str,
        allowed: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        let Some(map) = value.as_object() else {
            self.problem(path, format!("should be a mapping of fields, but is {}", kind(value)));
            return None;
        };
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                self.problem(&join(path, key), format!("unknown field: the fields here are {}", allowed.join(", ")));
            }
        }
        Some(map)
    }

    /// A required list.
    pub(super) fn list<'v>(&mut self, map: &'v Map<String, Value>, path: &str, key: &str) -> Option<&'v [Value]> {
        let at = join(path, key);
        match map.get(key) {
            None | Some(Value::Null) => {
                self.problem(&at, "missing");
                None
            }
            Some(Value::Array(items)) => Some(items),
            Some(other) => {
                self.problem(&at, format!("should be a list, but is {}", kind(other)));
                None
            }
        }
    }

    /// A required or optional line of text: trimmed, not empty, at most `max` characters.
    pub(super) fn text(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
        max: usize,
        required: bool,
    ) -> Option<String> {
        let at = join(path, key);
        let raw = match map.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.problem(&at, "missing");
                }
                return None;
            }
            Some(Value::String(s)) => s.trim().to_owned(),
            // YAML reads `version: 2` as a number; a whole number is taken as its digits.
            Some(Value::Number(n)) if n.is_u64() => n.to_string(),
            Some(other) => {
                self.problem(&at, format!("should be text, but is {}; put it in quotes", kind(other)));
                return None;
            }
        };
        self.check_text(&at, raw, max)
    }

    pub(super) fn check_text(&mut self, at: &str, raw: String, max: usize) -> Option<String> {
        if raw.is_empty() {
            self.problem(at, "is empty");
            None
        } else if raw.chars().count() > max {
            self.problem(at, format!("is longer than {max} characters"));
            None
        } else if raw.chars().any(|c| c.is_control() && c != '\n') {
            self.problem(at, "holds a control character");
            None
        } else {
            Some(raw)
        }
    }

    pub(super) fn slug(&mut self, map: &Map<String, Value>, path: &str, key: &str) -> Option<Slug> {
        let text = self.text(map, path, key, Slug::MAX * 2, true)?;
        match Slug::parse(&text) {
            Ok(s) => Some(s),
            Err(e) => {
                self.problem(&join(path, key), e.to_string());
                None
            }
        }
    }
}

pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

pub(super) fn index(path: &str, key: &str, i: usize) -> String {
    format!("{}[{i}]", join(path, key))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Reads a framework from a file's text, checking all of it.
///
/// The format (YAML shown; JSON has the same fields):
///
/// ```yaml
/// id: leadership-way             # a slug: lower-case letters, digits, single hyphens
/// name: Our leadership way
/// version: "2025.1"               # text; quote it in YAML
/// publisher: goldthread
/// summary: One paragraph.         # optional
/// scale:                          # 2 to 10 points, values strictly rising, labels distinct
///   - { value: 1, label: Essential }
///   - { value: 2, label: Proficient }
/// domains:                        # at least one
///   - id: compassion
///     name: Compassion
///     summary: Optional text.
///     behaviours:                 # at least one
///       - id: listening           # unique across the whole framework
///         name: Listening with care
///         question: Do I give people my full attention?   # ends with "?"
///         descriptors:            # optional: one per scale point, lowest first
///           - ...
///           - ...
/// ```
///
/// Every problem is reported with the path of its field, for example
/// `domains[1].behaviours[0].id: duplicated behaviour id "listening"` or `scale: missing`.
pub fn parse_framework(text: &str, format: Format) -> Result<Framework, FileError> {
    let tree = read_tree(text, format)?;
    let mut c = Checker::new();
    let framework = check_framework(&mut c, &tree);
    c.finish(framework)
}

const FRAMEWORK_FIELDS: &[&str] = &["id", "name", "version", "publisher", "summary", "scale", "domains"];

fn check_framework(c: &mut Checker, tree: &Value) -> Option<Framework> {
    let map = c.object(tree, "", FRAMEWORK_FIELDS)?;
    let id = c.slug(map, "", "id");
    let name = c.text(map, "", "name", NAME_MAX, true);
    let version = c.text(map, "", "version", 40, true);
    let publisher = c.text(map, "", "publisher", NAME_MAX, true);
    let summary = c.text(map, "", "summary", TEXT_MAX, false);
    let scale = check_scale(c, map);
    let levels = scale.as_ref().map(|s| s.points.len());
    let domains = check_domains(c, map, levels);
    Some(Framework {
        id: id?,
        name: name?,
        version: version?,
        publisher: publisher?,
        summary,
        scale: scale?,
        domains: domains?,
    })
}

fn check_scale(c: &mut Checker, map: &Map<String, Value>) -> Option<Scale> {
    let items = c.list(map, "", "scale")?;
    if !(Scale::MIN_POINTS..=Scale::MAX_POINTS).contains(&items.len()) {
        c.problem(
            "scale",
            format!("has {} points; a scale has {} to {}", items.len(), Scale::MIN_POINTS, Scale::MAX_POINTS),
        );
    }
    let mut points = Vec::new();
    let mut labels = BTreeSet::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let at = index("", "scale", i);
        let Some(point) = c.object(item, &at, &["value", "label"]) else {
            ok = false;
            continue;
        };
        let value = match point.get("value") {
            Some(Value::Number(n)) => match n.as_u64().and_then(|v| u8::try_from(v).ok()) {
                Some(v) => Some(v),
                None => {
                    c.problem(&join(&at, "value"), "should be a whole number from 0 to 255");
                    None
                }
            },
            None | Some(Value::Null) => {
                c.problem(&join(&at, "value"), "missing");
                None
            }
            Some(_) => {
                c.problem(&join(&at, "value"), "should be a whole number from 0 to 255");
                None
            }
        };
        let label = c.text(point, &at, "label", 60, true);
        if let Some(l) = &label {
            if !labels.insert(l.to_lowercase()) {
                c.problem(&join(&at, "label"), format!("duplicated label {l:?}"));
            }
        }
        if let (Some(v), Some(prev)) = (value, points.last().map(|p: &ScalePoint| p.value)) {
            if v <= prev {
                c.problem(
                    &join(&at, "value"),
                    format!("{v} does not rise above the point before ({prev}): list points lowest first"),
                );
            }
        }
        match (value, label) {
            (Some(value), Some(label)) => points.push(ScalePoint { value, label }),
            _ => ok = false,
        }
    }
    ok.then_some(Scale { points })
}

fn check_domains(c: &mut Checker, map: &Map<String, Value>, levels: Option<usize>) -> Option<Vec<Domain>> {
    let items = c.list(map, "", "domains")?;
    if items.is_empty() {
        c.problem("domains", "is empty: a framework needs at least one domain");
    }
    let mut domain_ids: BTreeMap<Slug, usize> = BTreeMap::new();
    let mut behaviour_ids: BTreeMap<Slug, String> = BTreeMap::new();
    let mut domains = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let at = index("", "domains", i);
        let Some(d) = c.object(item, &at, &["id", "name", "summary", "behaviours"]) else {
            ok = false;
            continue;
        };
        let id = c.slug(d, &at, "id");
        if let Some(id) = &id {
            if let Some(first) = domain_ids.insert(id.clone(), i) {
                c.problem(&join(&at, "id"), format!("duplicated domain id {:?} (also domains[{first}])", id.as_str()));
            }
        }
        let name = c.text(d, &at, "name", NAME_MAX, true);
        let summary = c.text(d, &at, "summary", TEXT_MAX, false);
        let behaviours = check_behaviours(c, d, &at, levels, &mut behaviour_ids);
        match (id, name, behaviours) {
            (Some(id), Some(name), Some(behaviours)) => domains.push(Domain { id, name, summary, behaviours }),
            _ => ok = false,
        }
    }
    ok.then_some(domains)
}

fn check_behaviours(
    c: &mut Checker,
    d: &Map<String, Value>,
    path: &str,
    levels: Option<usize>,
    seen: &mut BTreeMap<Slug, String>,
) -> Option<Vec<Behaviour>> {
    let items = c.list(d, path, "behaviours")?;
    if items.is_empty() {
        c.problem(&join(path, "behaviours"), "is empty: a domain needs at least one behaviour");
    }
    let mut out = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let at = index(path, "behaviours", i);
        let Some(b) = c.object(item, &at, &["id", "name", "question", "descriptors"]) else {
            ok = false;
            continue;
        };
        let id = c.slug(b, &at, "id");
        if let Some(id) = &id {
            if let Some(first) = seen.get(id) {
                c.problem(&join(&at, "id"), format!("duplicated behaviour id {:?} (also {first})", id.as_str()));
            } else {
                seen.insert(id.clone(), at.clone());
            }
        }
        let name = c.text(b, &at, "name", NAME_MAX, true);
        let question = c.text(b, &at, "question", 500, true);
        if let Some(q) = &question {
            if !q.ends_with('?') {
                c.problem(&join(&at, "question"), "should be a question ending with \"?\", such as \"Do I ...?\"");
            }
        }
        let descriptors = match b.get("descriptors") {
            None | Some(Value::Null) => Some(Vec::new()),
            Some(Value::Array(list)) => {
                if let Some(n) = levels {
                    if list.len() != n {
                        c.problem(
                            &join(&at, "descriptors"),
                            format!("has {} descriptors but the scale has {n} points: give one per point, lowest first, or none", list.len()),
                        );
                    }
                }
                let mut texts = Vec::new();
                for (j, v) in list.iter().enumerate() {
                    let dat = index(&at, "descriptors", j);
                    match v {
                        Value::String(s) => texts.extend(c.check_text(&dat, s.trim().to_owned(), TEXT_MAX)),
                        other => c.problem(&dat, format!("should be text, but is {}", kind(other))),
                    }
                }
                (texts.len() == list.len()).then_some(texts)
            }
            Some(other) => {
                c.problem(&join(&at, "descriptors"), format!("should be a list, but is {}", kind(other)));
                None
            }
        };
        match (id, name, question, descriptors) {
            (Some(id), Some(name), Some(question), Some(descriptors)) => {
                out.push(Behaviour { id, name, question, descriptors })
            }
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

#[derive(Serialize)]
struct FrameworkDoc<'a> {
    id: &'a str,
    name: &'a str,
    version: &'a str,
    publisher: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    scale: Vec<PointDoc<'a>>,
    domains: Vec<DomainDoc<'a>>,
}

#[derive(Serialize)]
struct PointDoc<'a> {
    value: u8,
    label: &'a str,
}

#[derive(Serialize)]
struct DomainDoc<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    behaviours: Vec<BehaviourDoc<'a>>,
}

#[derive(Serialize)]
struct BehaviourDoc<'a> {
    id: &'a str,
    name: &'a str,
    question: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    descriptors: &'a [String],
}

/// Writes a framework in the format [`parse_framework`] reads; reading it back gives the same
/// framework.
pub fn export_framework(framework: &Framework, format: Format) -> String {
    let doc = FrameworkDoc {
        id: framework.id().as_str(),
        name: framework.name(),
        version: framework.version(),
        publisher: framework.publisher(),
        summary: framework.summary(),
        scale: framework.scale().points().iter().map(|p| PointDoc { value: p.value, label: &p.label }).collect(),
        domains: framework
            .domains()
            .iter()
            .map(|d| DomainDoc {
                id: d.id.as_str(),
                name: &d.name,
                summary: d.summary.as_deref(),
                behaviours: d
                    .behaviours
                    .iter()
                    .map(|b| BehaviourDoc {
                        id: b.id.as_str(),
                        name: &b.name,
                        question: &b.question,
                        descriptors: &b.descriptors,
                    })
                    .collect(),
            })
            .collect(),
    };
    write_doc(&doc, format)
}

pub(super) fn write_doc<T: Serialize>(doc: &T, format: Format) -> String {
    // Plain structs of strings, numbers and lists always serialise; an empty string would only
    // ever show up as a failed round-trip test.
    match format {
        Format::Json => serde_json::to_string_pretty(doc).map(|s| s + "\n").unwrap_or_default(),
        Format::Yaml => yaml_serde::to_string(doc).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id: test-way
name: A test way
version: "1"
publisher: goldthread tests
scale:
  - { value: 1, label: Starting }
  - { value: 2, label: Growing }
  - { value: 3, label: Leading }
domains:
  - id: care
    name: Care
    behaviours:
      - id: listening
        name: Listening
        question: Do I listen?
        descriptors: [I sometimes listen., I usually listen., I always listen.]
  - id: grip
    name: Grip
    summary: Keeping hold of things.
    behaviours:
      - id: deciding
        name: Deciding
        question: Do I decide?
"#;

    fn problems(text: &str, format: Format) -> Vec<String> {
        parse_framework(text, format).unwrap_err().problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_good_file_reads_and_round_trips_in_both_formats() {
        let f = parse_framework(GOOD, Format::Yaml).unwrap();
        assert_eq!(f.id().as_str(), "test-way");
        assert_eq!(f.behaviours().count(), 2);
        assert_eq!(f.behaviour("deciding").map(|(d, _)| d.id.as_str()), Some("grip"));
        for format in [Format::Json, Format::Yaml] {
            let text = export_framework(&f, format);
            assert_eq!(parse_framework(&text, format).as_ref(), Ok(&f), "{text}");
        }
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let bad = r#"{
          "id": "Bad Id", "name": "", "version": 1.5, "publisher": "p", "colour": "red",
          "domains": [
            {"id": "care", "name": "Care", "behaviours": [
              {"id": "listening", "name": "L", "question": "Do I listen?", "descriptors": ["only one"]}
            ]},
            {"id": "care", "name": "Again", "behaviours": [
              {"id": "listening", "name": "L2", "question": "I listen."},
              {"name": "No id", "question": "Do I?"}
            ]},
            {"id": "empty", "name": "Empty", "behaviours": []}
          ]
        }"#;
        let got = problems(bad, Format::Json);
        let expected = [
            "colour: unknown field: the fields here are id, name, version, publisher, summary, scale, domains",
            "id: \"Bad Id\" is not an id: use 1 to 64 lower-case letters, digits and single hyphens, such as \"leading-with-care\"",
            "name: is empty",
            "version: should be text, but is a number; put it in quotes",
            "scale: missing",
            "domains[1].id: duplicated domain id \"care\" (also domains[0])",
            "domains[1].behaviours[0].id: duplicated behaviour id \"listening\" (also domains[0].behaviours[0])",
            "domains[1].behaviours[0].question: should be a question ending with \"?\", such as \"Do I ...?\"",
            "domains[1].behaviours[1].id: missing",
            "domains[2].behaviours: is empty: a domain needs at least one behaviour",
        ];
        for e in expected {
            assert!(got.iter().any(|g| g == e), "missing {e:?} in {got:#?}");
        }
        assert_eq!(got.len(), expected.len(), "{got:#?}");
    }

    #[test]
    fn descriptors_must_match_the_scale_and_scales_must_rise() {
        let text = GOOD
            .replace("{ value: 3, label: Leading }", "{ value: 2, label: growing }")
            .replace("I always listen.]", "I always listen., Extra.]");
        let got = problems(&text, Format::Yaml);
        assert!(
            got.contains(
                &"scale[2].value: 2 does not rise above the point before (2): list points lowest first".to_owned()
            ),
            "{got:#?}"
        );
        assert!(got.contains(&"scale[2].label: duplicated label \"growing\"".to_owned()), "{got:#?}");
        assert!(
            got.iter().any(|g| g.starts_with("domains[0].behaviours[0].descriptors: has 4 descriptors")),
            "{got:#?}"
        );
    }

    #[test]
    fn a_scale_needs_two_to_ten_points() {
        let one = GOOD.replace("  - { value: 2, label: Growing }\n  - { value: 3, label: Leading }\n", "");
        let got = problems(&one, Format::Yaml);
        assert!(got.contains(&"scale: has 1 points; a scale has 2 to 10".to_owned()), "{got:#?}");
    }

    #[test]
    fn syntax_errors_are_one_problem_naming_the_format() {
        let got = problems("id: [unclosed", Format::Yaml);
        assert_eq!(got.len(), 1);
        assert!(got[0].starts_with("this is not valid YAML"), "{got:?}");
        assert!(problems("{", Format::Json)[0].starts_with("this is not valid JSON"));
        assert_eq!(problems("[]", Format::Json), vec!["should be a mapping of fields, but is a list"]);
    }

    #[test]
    fn file_names_pick_the_format() {
        assert_eq!(Format::from_file_name("way.YML"), Some(Format::Yaml));
        assert_eq!(Format::from_file_name("way.json"), Some(Format::Json));
        assert_eq!(Format::from_file_name("way.txt"), None);
    }
}
