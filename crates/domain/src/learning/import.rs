//! Importing catalogue resources from CSV (or, through the web layer, JSON), checked whole.

use jiff::civil::Date;

use super::{EstimatedMinutes, ResourceKind, Summary, Title};
use crate::people::import::{locate, parse_date, read_table, Problem, Row, MAX_PROBLEMS};
use crate::people::{Level, Sector};

/// A resource as a file gives it, before checking: every field as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawResource {
    pub title: String,
    pub summary: String,
    pub kind: String,
    pub url: String,
    pub body: String,
    pub estimated_minutes: String,
    pub levels: Vec<String>,
    pub sectors: Vec<String>,
    pub behaviours: Vec<String>,
    pub publisher: String,
    pub review_on: String,
}

/// A checked resource row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRow {
    pub line: u64,
    pub title: Title,
    pub summary: Summary,
    pub kind: ResourceKind,
    pub url: Option<String>,
    pub body: Option<String>,
    pub estimated: EstimatedMinutes,
    pub levels: Vec<Level>,
    pub sectors: Vec<Sector>,
    pub behaviours: Vec<String>,
    pub publisher: Option<String>,
    pub review_on: Option<Date>,
}

/// A web address we link to: http(s), no spaces, of sensible length.
pub fn check_url(url: &str) -> Result<String, String> {
    let u = url.trim();
    if (u.starts_with("https://") || u.starts_with("http://"))
        && u.len() <= 2000
        && !u.contains(char::is_whitespace)
        && u.len() > 8
    {
        Ok(u.to_owned())
    } else {
        Err("is not a web address starting https://".to_owned())
    }
}

/// Checks one resource; `line` is where it starts in its file. Problems name the field.
pub fn check_resource(line: u64, raw: &RawResource) -> Result<ResourceRow, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut bad = |field: &str, reason: String| problems.push(Problem { line, column: Some(field.to_owned()), reason });
    let title = Title::parse(&raw.title).map_err(|e| bad("title", e.to_string())).ok();
    let summary = Summary::parse(&raw.summary).map_err(|e| bad("summary", e.to_string())).ok();
    let kind = raw.kind.parse::<ResourceKind>().map_err(|e| bad("kind", e.to_string())).ok();
    let estimated = EstimatedMinutes::parse(&raw.estimated_minutes)
        .map_err(|e| bad("estimated_minutes", format!("must be {e}")))
        .ok();
    let url = Some(raw.url.trim())
        .filter(|u| !u.is_empty())
        .and_then(|u| check_url(u).map_err(|e| bad("url", format!("{u:?} {e}"))).ok());
    let levels: Vec<Level> = raw
        .levels
        .iter()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| l.parse::<Level>().map_err(|e| bad("levels", e.to_string())).ok())
        .collect();
    let sectors: Vec<Sector> = raw
        .sectors
        .iter()
        .filter(|s| !s.trim().is_empty())
        .filter_map(|s| s.parse::<Sector>().map_err(|e| bad("sectors", e.to_string())).ok())
        .collect();
    let review_on = Some(raw.review_on.trim())
        .filter(|d| !d.is_empty())
        .and_then(|d| parse_date(d).map_err(|e| bad("review_on", format!("{d:?} {e}"))).ok());
    let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    if raw.body.chars().count() > 20_000 {
        bad("body", "must be 20,000 characters or fewer".to_owned());
    }
    if raw.publisher.chars().count() > 200 {
        bad("publisher", "must be 200 characters or fewer".to_owned());
    }
    match (title, summary, kind, estimated) {
        (Some(title), Some(summary), Some(kind), Some(estimated)) if problems.is_empty() => Ok(ResourceRow {
            line,
            title,
            summary,
            kind,
            url,
            body: text(&raw.body),
            estimated,
            levels,
            sectors,
            behaviours: raw.behaviours.iter().map(|b| b.trim().to_owned()).filter(|b| !b.is_empty()).collect(),
            publisher: text(&raw.publisher),
            review_on,
        }),
        _ => Err(problems),
    }
}

fn list(s: &str) -> Vec<String> {
    s.split([';', ',']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

/// Reads a resources CSV whole: columns title, summary, kind, url, body, estimated_minutes,
/// levels, sectors, behaviours (lists separated by `;`), publisher, review_on.
pub fn read_resources_csv(bytes: &[u8]) -> Result<Vec<ResourceRow>, Vec<Problem>> {
    let mut problems = Vec::new();
    let Some(table) = read_table(bytes, &mut problems) else { return Err(problems) };
    let cols = locate(
        &table,
        &[
            ("title", &["name"], true),
            ("summary", &["description"], true),
            ("kind", &["type"], true),
            ("url", &["link", "address", "web_address"], false),
            ("body", &[], false),
            ("estimated_minutes", &["minutes", "duration", "duration_minutes"], true),
            ("levels", &["level"], false),
            ("sectors", &["sector"], false),
            ("behaviours", &["behaviour", "tags"], false),
            ("publisher", &["provider"], false),
            ("review_on", &["review_date"], false),
        ],
        &mut problems,
    );
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows = Vec::new();
    for (line, fields) in &table.rows {
        let row = Row { line: *line, fields, headers: &table.headers };
        let get = |i: usize| row.text(cols[i]).unwrap_or("").to_owned();
        let raw = RawResource {
            title: get(0),
            summary: get(1),
            kind: get(2),
            url: get(3),
            body: get(4),
            estimated_minutes: get(5),
            levels: list(&get(6)),
            sectors: list(&get(7)),
            behaviours: list(&get(8)),
            publisher: get(9),
            review_on: get(10),
        };
        match check_resource(*line, &raw) {
            Ok(r) => rows.push(r),
            Err(mut p) => {
                // Name the column as the file spells it.
                for problem in &mut p {
                    if let Some(c) = &problem.column {
                        let i = [
                            "title",
                            "summary",
                            "kind",
                            "url",
                            "body",
                            "estimated_minutes",
                            "levels",
                            "sectors",
                            "behaviours",
                            "publisher",
                            "review_on",
                        ]
                        .iter()
                        .position(|n| n == c);
                        if let Some(col) = i.and_then(|i| cols[i]) {
                            problem.column = Some(table.headers[col].clone());
                        }
                    }
                }
                problems.extend(p);
            }
        }
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "title,summary,kind,url,estimated_minutes,levels,sectors,behaviours,publisher\n\
        Compassionate leadership,Leading with care for staff and the people they support.,video,https://example.org/v,20,band-7;band-8a,health;social-care,compassion,Academy\n\
        Budgets made plain,Money for first-line managers: budgets and variance.,course,,300,,,,\n";

    #[test]
    fn a_good_file_reads_whole() {
        let rows = read_resources_csv(GOOD.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].levels, vec![Level::Band7, Level::Band8a]);
        assert_eq!(rows[1].url, None);
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn bad_rows_are_named_by_line_and_column() {
        let file = format!("{GOOD}Bad one,short,lecture,ftp://x,0,band-99,,,\n");
        let problems = read_resources_csv(file.as_bytes()).unwrap_err();
        let cols: Vec<_> = problems.iter().map(|p| (p.line, p.column.clone().unwrap_or_default())).collect();
        for c in ["summary", "kind", "url", "estimated_minutes", "levels"] {
            assert!(cols.contains(&(4, c.to_owned())), "{c}: {cols:?}");
        }
    }

    #[test]
    fn missing_columns_are_refused() {
        let problems = read_resources_csv(b"title,kind\nX,video\n").unwrap_err();
        assert!(problems.iter().any(|p| p.reason.contains("summary")));
    }
}
