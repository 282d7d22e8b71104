//! Importing organisations and people: the one path behind the command line and the admin page.
//! The whole file is read and checked before anything is written, and the write is one
//! transaction, so an import is all or nothing.

use domain::ids::{OrganisationId, PersonId};
use domain::people::import::{plan_people, read_organisations, read_people, Problem};
use jiff::Timestamp;
use store::people::ImportCounts;
use store::Store;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has problems; nothing was written.
    #[error("the file has {} problem(s)", .0.len())]
    Problems(Vec<Problem>),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

fn conflict(e: store::StoreError) -> ImportError {
    match e {
        store::StoreError::Conflict(what) => ImportError::Problems(vec![Problem {
            line: 1,
            column: None,
            reason: format!("a {what} in the file is already taken"),
        }]),
        other => ImportError::Store(other),
    }
}

/// Imports an organisations file. `step` hears about each phase, for a progress display.
pub async fn import_organisations(
    store: &Store,
    bytes: &[u8],
    now: Timestamp,
    mut step: impl FnMut(&'static str),
) -> Result<ImportCounts, ImportError> {
    step("reading");
    let rows = read_organisations(bytes).map_err(ImportError::Problems)?;
    step("checking");
    step("writing");
    store.import_organisations(&rows, || OrganisationId::from_uuid(uuid::Uuid::now_v7()), now).await.map_err(conflict)
}

/// Imports a people file, matching people on staff number or email.
pub async fn import_people(
    store: &Store,
    bytes: &[u8],
    now: Timestamp,
    mut step: impl FnMut(&'static str),
) -> Result<ImportCounts, ImportError> {
    step("reading");
    let rows = read_people(bytes).map_err(ImportError::Problems)?;
    step("checking");
    let organisations = store.organisation_codes().await?;
    let existing = store.person_records().await?;
    let plan = plan_people(&rows, &organisations, &existing, || PersonId::from_uuid(uuid::Uuid::now_v7()))
        .map_err(ImportError::Problems)?;
    step("writing");
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    store.apply_people_plan(&plan, today, now).await.map_err(conflict)
}

/// A resource as a JSON import file gives it: lists may be arrays or `;`-separated text.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct JsonResource {
    title: String,
    summary: String,
    kind: String,
    url: Option<String>,
    body: Option<String>,
    estimated_minutes: Option<serde_json::Value>,
    levels: ListOrText,
    sectors: ListOrText,
    behaviours: ListOrText,
    publisher: Option<String>,
    review_on: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(untagged)]
enum ListOrText {
    #[default]
    None,
    List(Vec<String>),
    Text(String),
}

impl ListOrText {
    fn items(self) -> Vec<String> {
        match self {
            ListOrText::None => vec![],
            ListOrText::List(v) => v,
            ListOrText::Text(t) => {
                t.split([';', ',']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
            }
        }
    }
}

/// Reads a JSON array of resources, naming each problem by the line its item starts on.
fn read_resources_json(bytes: &[u8]) -> Result<Vec<domain::learning::import::ResourceRow>, Vec<Problem>> {
    let line_of = |offset: usize| 1 + bytes[..offset.min(bytes.len())].iter().filter(|b| **b == b'\n').count() as u64;
    let items: Vec<&serde_json::value::RawValue> = serde_json::from_slice(bytes).map_err(|e| {
        vec![Problem {
            line: e.line() as u64,
            column: None,
            reason: format!("the file is not a JSON array of resources: {e}"),
        }]
    })?;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for item in items {
        let offset = item.get().as_ptr() as usize - bytes.as_ptr() as usize;
        let line = line_of(offset);
        let parsed: JsonResource = match serde_json::from_str(item.get()) {
            Ok(p) => p,
            Err(e) => {
                problems.push(Problem { line, column: None, reason: format!("this resource cannot be read: {e}") });
                continue;
            }
        };
        let raw = domain::learning::import::RawResource {
            title: parsed.title,
            summary: parsed.summary,
            kind: parsed.kind,
            url: parsed.url.unwrap_or_default(),
            body: parsed.body.unwrap_or_default(),
            estimated_minutes: match parsed.estimated_minutes {
                Some(serde_json::Value::Number(n)) => n.to_string(),
                Some(serde_json::Value::String(s)) => s,
                _ => String::new(),
            },
            levels: parsed.levels.items(),
            sectors: parsed.sectors.items(),
            behaviours: parsed.behaviours.items(),
            publisher: parsed.publisher.unwrap_or_default(),
            review_on: parsed.review_on.unwrap_or_default(),
        };
        match domain::learning::import::check_resource(line, &raw) {
            Ok(r) => rows.push(r),
            Err(p) => problems.extend(p),
        }
        if problems.len() >= domain::people::import::MAX_PROBLEMS {
            break;
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// Imports catalogue resources from CSV or (when the file starts with `[`) JSON, all or nothing.
pub async fn import_resources(
    store: &Store,
    bytes: &[u8],
    by: Option<domain::ids::PersonId>,
    now: Timestamp,
    mut step: impl FnMut(&'static str),
) -> Result<ImportCounts, ImportError> {
    step("reading");
    let is_json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let rows = if is_json { read_resources_json(bytes) } else { domain::learning::import::read_resources_csv(bytes) }
        .map_err(ImportError::Problems)?;
    step("checking");
    let fields: Vec<store::learning::ResourceFields> = rows.iter().map(Into::into).collect();
    step("writing");
    store
        .import_resources(&fields, by, || domain::ids::ResourceId::from_uuid(uuid::Uuid::now_v7()), now)
        .await
        .map_err(conflict)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_problems_name_the_line_of_their_item() {
        let file = br#"[
  {"title": "Compassionate leadership", "summary": "Leading with care for staff and people.", "kind": "video", "estimated_minutes": 20, "levels": ["band-7"]},
  {"title": "Bad", "summary": "Short", "kind": "lecture", "estimated_minutes": "x"}
]"#;
        let problems = read_resources_json(file).unwrap_err();
        assert!(problems.iter().all(|p| p.line == 3), "{problems:?}");
        assert!(problems.iter().any(|p| p.column.as_deref() == Some("kind")));
    }

    #[test]
    fn json_lists_may_be_text() {
        let file = br#"[{"title": "Budgets made plain", "summary": "Money for first-line managers.", "kind": "course", "estimated_minutes": "300", "sectors": "health; social-care"}]"#;
        let rows = read_resources_json(file).unwrap();
        assert_eq!(rows[0].sectors.len(), 2);
    }

    #[test]
    fn broken_json_is_refused_with_its_line() {
        let problems = read_resources_json(b"[\n{\"title\": }\n]").unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 2);
    }
}
