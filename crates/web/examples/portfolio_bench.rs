//! The figure for `bench/portfolio`: how long the server takes to answer a request for the PDF
//! portfolio of a learner with 200 entries, end to end (reading the record, laying out, writing
//! the PDF, sending it), measured through the real HTTP API on a SQLite database.
//!
//!   portfolio_bench [RUNS] [SAMPLE.pdf]
//!
//! Prints one line per run's figures and `median_ms=...` last.

use std::time::Instant;

use anyhow::{bail, Context};
use domain::ids::{EntryId, OrganisationId, PersonId};
use domain::learning::{Activity, LearningKind, Reflection, TimeSpent, Title};
use domain::people::import::PersonRecord;
use domain::people::{
    Email, EmailDomain, OrganisationCode, OrganisationKind, OrganisationName, Ownership, PersonName, Sector,
};
use jiff::civil::Date;
use jiff::Timestamp;
use store::learning::EntryFields;
use store::people::OrganisationFields;

/// The allocator the goldthread binary serves with (see the workspace's Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const WORDS: &[&str] = &[
    "the",
    "team",
    "handover",
    "patients",
    "families",
    "listened",
    "carefully",
    "before",
    "deciding",
    "how",
    "to",
    "escalate",
    "concerns",
    "with",
    "compassion",
    "and",
    "curiosity",
    "shift",
    "rota",
    "budget",
    "safeguarding",
    "supervision",
    "colleagues",
    "feedback",
    "coaching",
    "conversation",
    "agreed",
    "next",
    "steps",
    "together",
    "reflected",
    "on",
    "what",
    "went",
    "well",
    "differently",
    "service",
    "users",
    "carers",
    "integration",
    "council",
    "ward",
    "practice",
    "learning",
    "huddle",
    "Siobhán",
    "Zoë's",
    "Łukasz",
    "Ødegård",
    "inclusion",
    "wellbeing",
];

/// A deterministic stream of words, so that every run lays out the same record.
struct Words(u64);

impl Words {
    fn next(&mut self) -> &'static str {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        WORDS[usize::try_from(self.0 >> 33).unwrap_or(0) % WORDS.len()]
    }

    fn sentence(&mut self, words: usize) -> String {
        let mut s: String = (0..words).map(|_| self.next()).collect::<Vec<_>>().join(" ");
        if let Some(first) = s.get(..1) {
            s = first.to_uppercase() + &s[1..];
        }
        s + "."
    }

    /// Reflections with the long tail real records have: most a few sentences, some pages long.
    fn reflection(&mut self, n: usize) -> String {
        let sentences = match n % 20 {
            0 => 60,
            1..=3 => 20,
            _ => 2 + n % 6,
        };
        let mut paras: Vec<String> = Vec::new();
        for chunk in (0..sentences).collect::<Vec<_>>().chunks(6) {
            paras.push(chunk.iter().map(|i| self.sentence(8 + i % 9)).collect::<Vec<_>>().join(" "));
        }
        let mut text = paras.join("\n\n");
        text.truncate(text.char_indices().nth(Reflection::MAX_CHARS).map_or(text.len(), |(i, _)| i));
        text
    }
}

async fn setup(store: &store::Store) -> anyhow::Result<PersonId> {
    let now = Timestamp::now();
    let org = OrganisationId::from_uuid(uuid::Uuid::new_v4());
    let fields = OrganisationFields {
        code: OrganisationCode::parse("RX1")?,
        name: OrganisationName::parse("Riverside Community Health NHS Trust")?,
        kind: OrganisationKind::NhsTrust,
        sector: Sector::Health,
        ownership: Ownership::Public,
        email_domains: vec![EmailDomain::parse("riverside.nhs.uk")?],
        place: None,
        system: None,
    };
    store.create_organisation(org, &fields, now).await?;
    let person = PersonId::from_uuid(uuid::Uuid::new_v4());
    let record = PersonRecord {
        id: person,
        staff_number: None,
        name: PersonName::parse("Zoë Ødegård")?,
        email: Email::parse("zoe@riverside.nhs.uk")?,
        job_title: None,
        profession: None,
        level: None,
        organisation: Some(org),
        manager: None,
        start_date: None,
    };
    store.create_person(&record, now).await?;
    let mut words = Words(7);
    let last = Date::constant(2026, 6, 30);
    let mut rows = Vec::new();
    for n in 0..200usize {
        let title = format!("{} ({})", words.sentence(3 + n % 8).trim_end_matches('.'), n + 1);
        let fields = EntryFields {
            title: Title::parse(&title)?,
            activity: Activity::ALL[1 + n % (Activity::ALL.len() - 1)],
            kind: LearningKind::ALL[(n * 7) % 3],
            occurred_on: last.checked_sub(jiff::Span::new().days(i64::try_from(n * 2)?))?,
            time: TimeSpent::minutes(i64::try_from(15 + (n * 37) % 400)?)?,
            reflection: Reflection::new(&words.reflection(n), &words.reflection(n + 7))?,
            behaviours: vec!["compassion".to_owned(), words.next().to_owned()],
            resource: None,
        };
        rows.push((EntryId::from_uuid(uuid::Uuid::new_v4()), person, fields, Some(org)));
    }
    store.load_entries(&rows, now).await?;
    Ok(person)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().map_or(Ok(20), |a| a.parse()).context("RUNS is a number")?;
    let sample = args.next();
    let db = store::testing::TestDb::sqlite().await;
    let person = setup(&db.store).await?;
    let token = goldthread_web::issue_api_token(&db.store, person, "bench", Timestamp::now()).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let config = goldthread_web::Config { base_url: base.clone(), ..goldthread_web::Config::default() };
    let server = tokio::spawn(goldthread_web::serve(listener, db.store.clone(), config, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/people/{person}/portfolio.pdf");
    let mut times = Vec::new();
    for run in 0..runs + 3 {
        let started = Instant::now();
        let r = client.get(&url).bearer_auth(&token).send().await?;
        if r.status() != 200 {
            bail!("the portfolio request answered {}", r.status());
        }
        let bytes = r.bytes().await?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if run == 0 {
            if let Some(path) = &sample {
                std::fs::write(path, &bytes)?;
            }
        }
        // The first few warm the caches (the embedded font, the connection pool).
        if run >= 3 {
            println!("run={} ms={ms:.1} bytes={}", run - 2, bytes.len());
            times.push(ms);
        }
    }
    let _ = stop.send(());
    server.await??;
    db.finish().await;
    times.sort_by(f64::total_cmp);
    let median = if times.is_empty() { 0.0 } else { times[times.len() / 2] };
    println!("median_ms={median:.1}");
    Ok(())
}
