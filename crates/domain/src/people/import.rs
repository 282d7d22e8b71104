//! Reading organisations and people from an HR system's CSV export, and planning what an import
//! changes. Everything is checked before anything is written: one bad row and the plan is a list
//! of problems, each with its line, column and reason.

use std::collections::{HashMap, HashSet};
use std::fmt;

use jiff::civil::Date;

use super::{
    reporting::would_create_loop, Email, EmailDomain, JobTitle, Level, OrganisationCode, OrganisationKind,
    OrganisationName, Ownership, PersonName, Profession, Sector, StaffNumber,
};
use crate::ids::{OrganisationId, PersonId};

/// One thing wrong with an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    /// The column's header as the file spells it, where the problem belongs to one column.
    pub column: Option<String>,
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column {}: {}", self.line, c, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// The most problems reported for one file; past this the file is clearly the wrong one.
pub const MAX_PROBLEMS: usize = 200;

/// A CSV file read into header names and rows of text, each row with its line number.
pub(crate) struct Table {
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<(u64, Vec<String>)>,
}

fn normalise_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

pub(crate) fn read_table(bytes: &[u8], problems: &mut Vec<Problem>) -> Option<Table> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::None).from_reader(bytes);
    let headers = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            problems.push(Problem { line: 1, column: None, reason: format!("the header row cannot be read: {e}") });
            return None;
        }
    };
    let headers: Vec<String> = match headers.iter().map(|h| std::str::from_utf8(h).map(str::to_owned)).collect() {
        Ok(h) => h,
        Err(_) => {
            problems.push(Problem {
                line: 1,
                column: None,
                reason: "the file is not UTF-8 text: save it as CSV UTF-8".to_owned(),
            });
            return None;
        }
    };
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                    continue; // blank lines in spreadsheets' exports are not rows
                }
                if record.len() != headers.len() {
                    problems.push(Problem {
                        line,
                        column: None,
                        reason: format!("has {} fields but the header has {}", record.len(), headers.len()),
                    });
                    continue;
                }
                let mut fields = Vec::with_capacity(record.len());
                for (i, f) in record.iter().enumerate() {
                    match std::str::from_utf8(f) {
                        Ok(s) => fields.push(s.trim().to_owned()),
                        Err(_) => {
                            problems.push(Problem {
                                line,
                                column: Some(headers[i].clone()),
                                reason: "is not UTF-8 text".to_owned(),
                            });
                            fields.push(String::new());
                        }
                    }
                }
                rows.push((line, fields));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(Problem { line, column: None, reason: format!("cannot be read as CSV: {e}") });
                break;
            }
        }
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
    }
    Some(Table { headers, rows })
}

/// Finds each wanted column by its accepted names; reports missing required ones on line 1.
pub(crate) fn locate(
    table: &Table,
    columns: &[(&str, &[&str], bool)],
    problems: &mut Vec<Problem>,
) -> Vec<Option<usize>> {
    let normalised: Vec<String> = table.headers.iter().map(|h| normalise_header(h)).collect();
    columns
        .iter()
        .map(|(name, aliases, required)| {
            let found = normalised.iter().position(|h| h == name || aliases.contains(&h.as_str()));
            if found.is_none() && *required {
                problems.push(Problem { line: 1, column: None, reason: format!("the header has no {name} column") });
            }
            found
        })
        .collect()
}

pub(crate) struct Row<'a> {
    pub(crate) line: u64,
    pub(crate) fields: &'a [String],
    pub(crate) headers: &'a [String],
}

impl Row<'_> {
    pub(crate) fn text(&self, col: Option<usize>) -> Option<&str> {
        col.map(|c| self.fields[c].as_str()).filter(|s| !s.is_empty())
    }

    pub(crate) fn problem(&self, col: Option<usize>, reason: impl Into<String>) -> Problem {
        Problem { line: self.line, column: col.map(|c| self.headers[c].clone()), reason: reason.into() }
    }

    /// Parses a required field, recording a problem when it is empty or bad.
    fn required<T, E: fmt::Display>(
        &self,
        col: Option<usize>,
        parse: impl Fn(&str) -> Result<T, E>,
        problems: &mut Vec<Problem>,
    ) -> Option<T> {
        match self.text(col) {
            None => {
                problems.push(self.problem(col, "is empty"));
                None
            }
            Some(s) => self.parse(col, s, parse, problems),
        }
    }

    /// Parses an optional field: empty is `Some(None)`, bad is `None` with a problem recorded.
    fn optional<T, E: fmt::Display>(
        &self,
        col: Option<usize>,
        parse: impl Fn(&str) -> Result<T, E>,
        problems: &mut Vec<Problem>,
    ) -> Option<Option<T>> {
        match self.text(col) {
            None => Some(None),
            Some(s) => self.parse(col, s, parse, problems).map(Some),
        }
    }

    fn parse<T, E: fmt::Display>(
        &self,
        col: Option<usize>,
        s: &str,
        parse: impl Fn(&str) -> Result<T, E>,
        problems: &mut Vec<Problem>,
    ) -> Option<T> {
        match parse(s) {
            Ok(v) => Some(v),
            Err(e) => {
                problems.push(self.problem(col, format!("{s:?}: {e}")));
                None
            }
        }
    }
}

/// Reads a date as an ISO date (2024-03-01) or as UK HR exports write it (01/03/2024).
pub fn parse_date(s: &str) -> Result<Date, String> {
    let s = s.trim();
    if let Ok(d) = s.parse::<Date>() {
        return Ok(d);
    }
    let parts: Vec<&str> = s.split('/').collect();
    if let [d, m, y] = parts[..] {
        if let (Ok(d), Ok(m), Ok(y)) = (d.parse::<i8>(), m.parse::<i8>(), y.parse::<i16>()) {
            if y >= 1900 {
                if let Ok(date) = Date::new(y, m, d) {
                    return Ok(date);
                }
            }
        }
    }
    Err("is not a date: use YYYY-MM-DD or DD/MM/YYYY".to_owned())
}

// ---------------------------------------------------------------- organisations

/// One organisation as an import file describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRow {
    pub line: u64,
    pub code: OrganisationCode,
    pub name: OrganisationName,
    pub kind: OrganisationKind,
    pub sector: Sector,
    pub ownership: Ownership,
    pub email_domains: Vec<EmailDomain>,
    pub place: Option<String>,
    pub system: Option<String>,
}

/// Reads an organisations file whole. Columns: code, name, kind, sector, ownership, and
/// optionally email_domains (separated by `;` or spaces), place and system.
pub fn read_organisations(bytes: &[u8]) -> Result<Vec<OrganisationRow>, Vec<Problem>> {
    let mut problems = Vec::new();
    let Some(table) = read_table(bytes, &mut problems) else { return Err(problems) };
    let cols = locate(
        &table,
        &[
            ("code", &["organisation_code", "ods_code", "org_code"], true),
            ("name", &["organisation_name", "org_name"], true),
            ("kind", &["type", "organisation_type"], true),
            ("sector", &[], true),
            ("ownership", &["owner"], true),
            ("email_domains", &["email_domain", "domains"], false),
            ("place", &[], false),
            ("system", &["ics", "integrated_care_system"], false),
        ],
        &mut problems,
    );
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows = Vec::new();
    let mut codes: HashMap<OrganisationCode, u64> = HashMap::new();
    let mut domains: HashMap<EmailDomain, u64> = HashMap::new();
    for (line, fields) in &table.rows {
        let row = Row { line: *line, fields, headers: &table.headers };
        let code = row.required(cols[0], OrganisationCode::parse, &mut problems);
        let name = row.required(cols[1], OrganisationName::parse, &mut problems);
        let kind = row.required(cols[2], str::parse::<OrganisationKind>, &mut problems);
        let sector = row.required(cols[3], str::parse::<Sector>, &mut problems);
        let ownership = row.required(cols[4], str::parse::<Ownership>, &mut problems);
        let mut email_domains = Vec::new();
        if let Some(text) = row.text(cols[5]) {
            for d in text.split(|c: char| c == ';' || c == ',' || c.is_whitespace()).filter(|d| !d.is_empty()) {
                match EmailDomain::parse(d) {
                    Ok(d) => {
                        if let Some(first) = domains.insert(d.clone(), *line) {
                            problems.push(
                                row.problem(
                                    cols[5],
                                    format!("{d} is already given to the organisation on line {first}"),
                                ),
                            );
                        }
                        email_domains.push(d);
                    }
                    Err(e) => problems.push(row.problem(cols[5], format!("{d:?}: {e}"))),
                }
            }
        }
        let place = row.text(cols[6]).map(str::to_owned);
        let system = row.text(cols[7]).map(str::to_owned);
        if let Some(code) = &code {
            if let Some(first) = codes.insert(code.clone(), *line) {
                problems.push(row.problem(cols[0], format!("{code} is also the code on line {first}")));
            }
        }
        if let (Some(code), Some(name), Some(kind), Some(sector), Some(ownership)) =
            (code, name, kind, sector, ownership)
        {
            rows.push(OrganisationRow {
                line: *line,
                code,
                name,
                kind,
                sector,
                ownership,
                email_domains,
                place,
                system,
            });
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

// ---------------------------------------------------------------- people

/// One person as an import file describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    pub line: u64,
    pub staff_number: Option<StaffNumber>,
    pub name: PersonName,
    pub email: Email,
    pub job_title: Option<JobTitle>,
    pub profession: Option<Profession>,
    pub level: Option<Level>,
    pub organisation: OrganisationCode,
    pub manager_staff_number: Option<StaffNumber>,
    pub manager_email: Option<Email>,
    pub start_date: Option<Date>,
}

/// Reads a people file whole, checking everything that the file alone can show. Columns:
/// staff_number, first_name and last_name (or name), email, job_title, profession, level,
/// organisation (its code), line_manager_staff_number or line_manager_email, start_date.
pub fn read_people(bytes: &[u8]) -> Result<Vec<PersonRow>, Vec<Problem>> {
    let mut problems = Vec::new();
    let Some(table) = read_table(bytes, &mut problems) else { return Err(problems) };
    let cols = locate(
        &table,
        &[
            ("staff_number", &["assignment_number", "employee_number", "employee_id", "staff_id"], false),
            ("first_name", &["forename", "first_names", "given_name"], false),
            ("last_name", &["surname", "family_name"], false),
            ("name", &["full_name"], false),
            ("email", &["email_address", "work_email"], true),
            ("job_title", &["position_title", "position", "role"], false),
            ("profession", &["staff_group", "occupation"], false),
            ("level", &["band", "grade", "pay_band"], false),
            ("organisation", &["organisation_code", "org_code", "employer_code", "employer"], true),
            ("line_manager_staff_number", &["manager_staff_number", "line_manager_assignment_number"], false),
            ("line_manager_email", &["manager_email"], false),
            ("start_date", &["date_started", "hire_date", "assignment_start_date"], false),
        ],
        &mut problems,
    );
    let has_name = cols[3].is_some() || (cols[1].is_some() && cols[2].is_some());
    if !has_name {
        problems.push(Problem {
            line: 1,
            column: None,
            reason: "the header needs a name column, or first_name and last_name columns".to_owned(),
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows = Vec::with_capacity(table.rows.len());
    let mut staff_numbers: HashMap<StaffNumber, u64> = HashMap::new();
    let mut emails: HashMap<Email, u64> = HashMap::new();
    for (line, fields) in &table.rows {
        let row = Row { line: *line, fields, headers: &table.headers };
        let staff_number = row.optional(cols[0], StaffNumber::parse, &mut problems);
        let name = match cols[3] {
            Some(_) => row.required(cols[3], PersonName::parse, &mut problems),
            None => {
                let first = row.text(cols[1]).unwrap_or("");
                let last = row.text(cols[2]).unwrap_or("");
                row.required(cols[2], |_| PersonName::parse(&format!("{first} {last}")), &mut problems)
            }
        };
        let email = row.required(cols[4], Email::parse, &mut problems);
        let job_title = row.optional(cols[5], JobTitle::parse, &mut problems);
        let profession = row.optional(cols[6], Profession::parse, &mut problems);
        let level = row.optional(cols[7], str::parse::<Level>, &mut problems);
        let organisation = row.required(cols[8], OrganisationCode::parse, &mut problems);
        let manager_staff_number = row.optional(cols[9], StaffNumber::parse, &mut problems);
        let manager_email = row.optional(cols[10], Email::parse, &mut problems);
        let start_date = row.optional(cols[11], parse_date, &mut problems);
        if let Some(Some(s)) = &staff_number {
            if let Some(first) = staff_numbers.insert(s.clone(), *line) {
                problems.push(row.problem(cols[0], format!("{s} is also the staff number on line {first}")));
            }
        }
        if let Some(e) = &email {
            if let Some(first) = emails.insert(e.clone(), *line) {
                problems.push(row.problem(cols[4], format!("{e} is also the email on line {first}")));
            }
        }
        if let (
            Some(staff_number),
            Some(name),
            Some(email),
            Some(job_title),
            Some(profession),
            Some(level),
            Some(organisation),
            Some(manager_staff_number),
            Some(manager_email),
            Some(start_date),
        ) = (
            staff_number,
            name,
            email,
            job_title,
            profession,
            level,
            organisation,
            manager_staff_number,
            manager_email,
            start_date,
        ) {
            rows.push(PersonRow {
                line: *line,
                staff_number,
                name,
                email,
                job_title,
                profession,
                level,
                organisation,
                manager_staff_number,
                manager_email,
                start_date,
            });
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

/// A person as stored: what an import compares against and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    pub id: PersonId,
    pub staff_number: Option<StaffNumber>,
    pub name: PersonName,
    pub email: Email,
    pub job_title: Option<JobTitle>,
    pub profession: Option<Profession>,
    pub level: Option<Level>,
    pub organisation: Option<OrganisationId>,
    pub manager: Option<PersonId>,
    pub start_date: Option<Date>,
}

/// What an import will do: people to create (managers before their reports) and people to
/// update; rows that match a stored person exactly are counted and left alone.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PeoplePlan {
    pub creates: Vec<PersonRecord>,
    pub updates: Vec<PersonRecord>,
    pub unchanged: usize,
}

/// Plans a people import against what is stored. People are matched on staff number, then on
/// email. `new_id` makes the id of each person created. Problems name the line and column.
pub fn plan_people(
    rows: &[PersonRow],
    organisations: &HashMap<OrganisationCode, OrganisationId>,
    existing: &[PersonRecord],
    mut new_id: impl FnMut() -> PersonId,
) -> Result<PeoplePlan, Vec<Problem>> {
    let mut problems = Vec::new();
    let by_staff: HashMap<&StaffNumber, usize> =
        existing.iter().enumerate().filter_map(|(i, p)| p.staff_number.as_ref().map(|s| (s, i))).collect();
    let by_email: HashMap<&Email, usize> = existing.iter().enumerate().map(|(i, p)| (&p.email, i)).collect();
    let col = |name: &str| Some(name.to_owned());

    // First pass: who each row is.
    let mut ids = Vec::with_capacity(rows.len());
    let mut matched: Vec<Option<usize>> = Vec::with_capacity(rows.len());
    for row in rows {
        let by_s = row.staff_number.as_ref().and_then(|s| by_staff.get(s).copied());
        let by_e = by_email.get(&row.email).copied();
        let found = match (by_s, by_e) {
            (Some(a), Some(b)) if a != b => {
                problems.push(Problem {
                    line: row.line,
                    column: col("email"),
                    reason: format!(
                        "{} belongs to another person than staff number {}",
                        row.email,
                        row.staff_number.as_ref().map_or("", |s| s.as_str())
                    ),
                });
                None
            }
            (Some(a), _) => Some(a),
            (None, Some(b)) => {
                if let (Some(theirs), Some(ours)) = (&existing[b].staff_number, &row.staff_number) {
                    if theirs != ours {
                        problems.push(Problem {
                            line: row.line,
                            column: col("staff_number"),
                            reason: format!("{} already belongs to the person with staff number {theirs}", row.email),
                        });
                    }
                }
                Some(b)
            }
            (None, None) => None,
        };
        ids.push(found.map_or_else(&mut new_id, |i| existing[i].id));
        matched.push(found);
    }
    let file_staff: HashMap<&StaffNumber, PersonId> =
        rows.iter().zip(&ids).filter_map(|(r, id)| r.staff_number.as_ref().map(|s| (s, *id))).collect();
    let file_email: HashMap<&Email, PersonId> = rows.iter().zip(&ids).map(|(r, id)| (&r.email, *id)).collect();

    // Second pass: what each row should become.
    let mut records = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let organisation = match organisations.get(&row.organisation) {
            Some(o) => Some(*o),
            None => {
                problems.push(Problem {
                    line: row.line,
                    column: col("organisation"),
                    reason: format!("there is no organisation with the code {}", row.organisation),
                });
                None
            }
        };
        let manager = if let Some(s) = &row.manager_staff_number {
            let m = file_staff.get(s).copied().or_else(|| by_staff.get(s).map(|i| existing[*i].id));
            if m.is_none() {
                problems.push(Problem {
                    line: row.line,
                    column: col("line_manager_staff_number"),
                    reason: format!("no person has the staff number {s}"),
                });
            }
            m
        } else if let Some(e) = &row.manager_email {
            let m = file_email.get(e).copied().or_else(|| by_email.get(e).map(|i| existing[*i].id));
            if m.is_none() {
                problems.push(Problem {
                    line: row.line,
                    column: col("line_manager_email"),
                    reason: format!("no person has the email {e}"),
                });
            }
            m
        } else {
            None
        };
        if manager == Some(ids[i]) {
            problems.push(Problem {
                line: row.line,
                column: col("line_manager_staff_number"),
                reason: "a person cannot be their own line manager".to_owned(),
            });
        }
        records.push(PersonRecord {
            id: ids[i],
            staff_number: row.staff_number.clone(),
            name: row.name.clone(),
            email: row.email.clone(),
            job_title: row.job_title.clone(),
            profession: row.profession.clone(),
            level: row.level,
            organisation,
            manager,
            start_date: row.start_date,
        });
        if problems.len() >= MAX_PROBLEMS {
            return Err(problems);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    // The reporting line after the import must not loop.
    let mut line: HashMap<PersonId, Option<PersonId>> = existing.iter().map(|p| (p.id, p.manager)).collect();
    for r in &records {
        line.insert(r.id, r.manager);
    }
    let limit = line.len();
    for (row, r) in rows.iter().zip(&records) {
        if let Some(m) = r.manager {
            if would_create_loop(r.id, m, |k| line.get(&k).copied().flatten(), limit) {
                problems.push(Problem {
                    line: row.line,
                    column: col("line_manager_staff_number"),
                    reason: "this line manager would make the reporting line loop back to this person".to_owned(),
                });
                if problems.len() >= MAX_PROBLEMS {
                    break;
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut plan = PeoplePlan::default();
    let mut new_ids = HashSet::new();
    for (r, m) in records.into_iter().zip(matched) {
        match m {
            None => {
                new_ids.insert(r.id);
                plan.creates.push(r);
            }
            Some(i) if existing[i] == r => plan.unchanged += 1,
            Some(_) => plan.updates.push(r),
        }
    }
    // Managers first among those created, so that every stored manager already exists.
    let keyed: Vec<(PersonId, Option<PersonId>)> =
        plan.creates.iter().map(|r| (r.id, r.manager.filter(|m| new_ids.contains(m)))).collect();
    let order = super::reporting::manager_order(&keyed)
        .map_err(|_| vec![Problem { line: 1, column: None, reason: "the reporting line loops".to_owned() }])?;
    let mut creates: Vec<Option<PersonRecord>> = plan.creates.into_iter().map(Some).collect();
    plan.creates = order.into_iter().filter_map(|i| creates[i].take()).collect();
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    const ORGS: &str = "code,name,kind,sector,ownership,email_domains,place,system\n\
        RX1,Riverside Hospitals NHS Trust,NHS trust,health,public,riverside.nhs.uk,Riverside,North ICS\n\
        C01,Oak House Care,care-provider,social-care,independent,oakhouse.co.uk;oak.care,Riverside,North ICS\n";

    fn people_file(extra: &str) -> String {
        format!(
            "Staff Number,First Name,Last Name,Email,Job Title,Staff Group,Band,Organisation Code,Line Manager Staff Number,Start Date\n\
             100,Ada,Okafor,ada@riverside.nhs.uk,Chief Nurse,Nursing,VSM,RX1,,2019-04-01\n\
             101,Ben,Shah,ben@riverside.nhs.uk,Matron,Nursing,8a,RX1,100,01/06/2020\n\
             102,Cy,Lee,cy@riverside.nhs.uk,Staff Nurse,Nursing,Band 5,RX1,101,\n{extra}"
        )
    }

    fn orgs() -> HashMap<OrganisationCode, OrganisationId> {
        [(OrganisationCode::parse("RX1").unwrap(), OrganisationId::from_uuid(Uuid::from_u128(1)))].into()
    }

    fn ids() -> impl FnMut() -> PersonId {
        let mut n = 100u128;
        move || {
            n += 1;
            PersonId::from_uuid(Uuid::from_u128(n))
        }
    }

    #[test]
    fn a_good_organisations_file_reads_whole() {
        let rows = read_organisations(ORGS.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].email_domains.len(), 2);
        assert_eq!(rows[0].kind, OrganisationKind::NhsTrust);
        assert_eq!(rows[0].line, 2);
    }

    #[test]
    fn a_bad_organisation_row_is_named_by_line_and_column() {
        let file = format!("{ORGS}X9,Bad,hospital,health,public,,,\n");
        let problems = read_organisations(file.as_bytes()).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, 4);
        assert_eq!(problems[0].column.as_deref(), Some("kind"));
    }

    #[test]
    fn a_good_people_file_plans_managers_first() {
        let rows = read_people(people_file("").as_bytes()).unwrap();
        assert_eq!(rows[1].level, Some(Level::Band8a));
        assert_eq!(rows[1].start_date, Some(Date::constant(2020, 6, 1)));
        let plan = plan_people(&rows, &orgs(), &[], ids()).unwrap();
        assert_eq!(plan.creates.len(), 3);
        assert_eq!(plan.creates[0].email.as_str(), "ada@riverside.nhs.uk");
        assert_eq!(plan.creates[1].manager, Some(plan.creates[0].id));
    }

    #[test]
    fn reimporting_the_same_file_changes_nothing() {
        let rows = read_people(people_file("").as_bytes()).unwrap();
        let first = plan_people(&rows, &orgs(), &[], ids()).unwrap();
        let again = plan_people(&rows, &orgs(), &first.creates, ids()).unwrap();
        assert_eq!(again.creates.len(), 0);
        assert_eq!(again.updates.len(), 0);
        assert_eq!(again.unchanged, 3);
    }

    #[test]
    fn a_changed_row_updates_the_matched_person() {
        let rows = read_people(people_file("").as_bytes()).unwrap();
        let first = plan_people(&rows, &orgs(), &[], ids()).unwrap();
        let changed = people_file("").replace("Staff Nurse,Nursing,Band 5", "Senior Staff Nurse,Nursing,Band 6");
        let rows = read_people(changed.as_bytes()).unwrap();
        let plan = plan_people(&rows, &orgs(), &first.creates, ids()).unwrap();
        assert_eq!(plan.updates.len(), 1);
        assert_eq!(plan.updates[0].level, Some(Level::Band6));
        assert_eq!(plan.updates[0].id, first.creates[2].id);
    }

    #[test]
    fn every_bad_value_is_reported_with_its_line() {
        let file = people_file("103,Di,Ray,not-an-email,Nurse,Nursing,Band 10,RX1,,31/02/2020\n104,Ed,Ng,ed@riverside.nhs.uk,Nurse,Nursing,5,RX1,,\n104,Fi,Ng,fi@riverside.nhs.uk,Nurse,Nursing,5,RX1,,\n");
        let problems = read_people(file.as_bytes()).unwrap_err();
        let lines: Vec<_> = problems.iter().map(|p| (p.line, p.column.clone().unwrap_or_default())).collect();
        assert!(lines.contains(&(5, "Email".to_owned())), "{lines:?}");
        assert!(lines.contains(&(5, "Band".to_owned())), "{lines:?}");
        assert!(lines.contains(&(5, "Start Date".to_owned())), "{lines:?}");
        assert!(lines.contains(&(7, "Staff Number".to_owned())), "{lines:?}");
    }

    #[test]
    fn unknown_organisations_and_managers_are_refused() {
        let file = people_file("103,Di,Ray,di@x.org,Nurse,Nursing,5,ZZ9,999,\n");
        let rows = read_people(file.as_bytes()).unwrap();
        let problems = plan_people(&rows, &orgs(), &[], ids()).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().all(|p| p.line == 5));
    }

    #[test]
    fn a_loop_in_the_file_is_refused() {
        let file = people_file("").replace("Chief Nurse,Nursing,VSM,RX1,,", "Chief Nurse,Nursing,VSM,RX1,102,");
        let rows = read_people(file.as_bytes()).unwrap();
        let problems = plan_people(&rows, &orgs(), &[], ids()).unwrap_err();
        assert!(problems.iter().any(|p| p.reason.contains("loop")), "{problems:?}");
    }

    #[test]
    fn non_utf8_is_refused_plainly() {
        let mut bytes = people_file("").into_bytes();
        bytes.extend_from_slice(b"105,\xff\xfe,Ng,x@y.org,,,,RX1,,\n");
        let problems = read_people(&bytes).unwrap_err();
        assert!(problems.iter().any(|p| p.reason.contains("UTF-8") && p.line == 5), "{problems:?}");
    }

    #[test]
    fn missing_columns_are_named() {
        let problems = read_people(b"name,organisation\nAda,RX1\n").unwrap_err();
        assert!(problems[0].reason.contains("email"), "{problems:?}");
    }
}
