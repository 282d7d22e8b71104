//! Catalogue search timings for `bench/catalogue-search`: generates a realistic catalogue, loads
//! it into SQLite and PostgreSQL, runs the same queries on each, and writes the documents and
//! queries as JSON lines so that the peer (tantivy) can run the very same workload.
//!
//! cargo run --release -p goldthread-store --example catalogue_search -- RESOURCES QUERIES OUT_DIR

use std::io::Write;
use std::time::Instant;

use domain::ids::ResourceId;
use domain::learning::{EstimatedMinutes, ResourceKind, SearchTerms, Summary, Title};
use domain::paging::PageRequest;
use domain::people::{Level, Sector};
use goldthread_store::learning::{ResourceFields, ResourceFilter};
use goldthread_store::testing::TestDb;
use goldthread_store::Backend;

/// A small deterministic generator (64-bit LCG): the same catalogue on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() as usize) % items.len()]
    }
    /// Zipf-like: low indexes far more often, as real word use is.
    fn skewed<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let a = (self.next() as usize) % items.len();
        let b = (self.next() as usize) % items.len();
        &items[a.min(b).min((self.next() as usize) % items.len())]
    }
}

const TOPICS: &[&str] = &[
    "leadership",
    "compassion",
    "team",
    "culture",
    "change",
    "coaching",
    "feedback",
    "wellbeing",
    "safety",
    "quality",
    "inclusion",
    "resilience",
    "conversations",
    "decisions",
    "governance",
    "finance",
    "budgets",
    "strategy",
    "integration",
    "personalisation",
    "delegation",
    "supervision",
    "mentoring",
    "appraisal",
    "recruitment",
    "retention",
    "conflict",
    "negotiation",
    "influence",
    "systems",
    "partnership",
    "community",
    "improvement",
    "innovation",
    "data",
    "evidence",
    "risk",
    "complaints",
    "learning",
    "reflection",
    "values",
    "trust",
    "listening",
    "kindness",
    "equity",
    "diversity",
    "workforce",
    "rotas",
    "handover",
    "huddles",
    "meetings",
    "presentations",
    "writing",
    "projects",
    "commissioning",
    "safeguarding",
    "dementia",
    "frailty",
    "discharge",
    "hospital",
    "homecare",
    "residential",
    "nursing",
    "social",
    "work",
    "practice",
];
const OPENERS: &[&str] = &[
    "Introduction to",
    "Leading",
    "A guide to",
    "Practical",
    "Understanding",
    "Mastering",
    "Getting started with",
    "Essentials of",
    "Rethinking",
    "Building",
];
const FILLER: &[&str] = &[
    "how",
    "managers",
    "can",
    "use",
    "with",
    "their",
    "in",
    "for",
    "and",
    "the",
    "people",
    "staff",
    "services",
    "care",
    "everyday",
    "real",
    "settings",
    "across",
    "organisations",
];

fn generate(n: usize) -> Vec<(ResourceId, ResourceFields)> {
    let mut rng = Rng(42);
    (0..n)
        .map(|i| {
            let title = format!("{} {} and {} ({i})", rng.pick(OPENERS), rng.skewed(TOPICS), rng.skewed(TOPICS));
            let words: Vec<&str> = (0..(20 + rng.next() % 25))
                .map(|k| if k.is_multiple_of(3) { *rng.skewed(TOPICS) } else { *rng.pick(FILLER) })
                .collect();
            let summary = format!("{}.", words.join(" "));
            let kind = *rng.pick(ResourceKind::ALL);
            let minutes = [5, 10, 15, 20, 30, 45, 60, 90, 120, 240, 480, 900][(rng.next() % 12) as usize];
            let levels: Vec<Level> = (0..(rng.next() % 3))
                .map(|_| {
                    *rng.pick(&[
                        Level::Band5,
                        Level::Band6,
                        Level::Band7,
                        Level::Band8a,
                        Level::Band8b,
                        Level::RegisteredManager,
                        Level::CareTeamLeader,
                    ])
                })
                .collect();
            let id =
                ResourceId::from_uuid(uuid::Uuid::from_u128(0xC0FF_EE00_0000_0000_0000_0000_0000_0000 + i as u128));
            let fields = ResourceFields {
                title: Title::parse(&title).expect("generated titles are valid"),
                summary: Summary::parse(&summary).expect("generated summaries are valid"),
                kind,
                url: Some(format!("https://learning.example.org/r/{i}")),
                body: None,
                estimated: EstimatedMinutes::new(minutes).expect("valid minutes"),
                levels,
                sectors: vec![*rng.pick(Sector::ALL)],
                behaviours: vec![],
                publisher: Some("Example Academy".to_owned()),
                review_on: None,
            };
            (id, fields)
        })
        .collect()
}

struct Query {
    text: String,
    kind: Option<ResourceKind>,
    max_minutes: Option<u32>,
    level: Option<Level>,
}

fn queries(n: usize) -> Vec<Query> {
    let mut rng = Rng(7);
    (0..n)
        .map(|i| {
            let words = 1 + (rng.next() % 3) as usize;
            let text = (0..words).map(|_| *rng.skewed(TOPICS)).collect::<Vec<_>>().join(" ");
            let filtered = !i.is_multiple_of(2);
            Query {
                text,
                kind: (filtered && rng.next().is_multiple_of(2)).then(|| *rng.pick(ResourceKind::ALL)),
                max_minutes: (filtered && rng.next().is_multiple_of(2)).then(|| *rng.pick(&[30u32, 60, 120])),
                level: (filtered && rng.next().is_multiple_of(3))
                    .then(|| *rng.pick(&[Level::Band6, Level::Band7, Level::RegisteredManager])),
            }
        })
        .collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn json_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let q: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let out = std::path::PathBuf::from(args.get(3).cloned().unwrap_or_else(|| "target/bench/catalogue".to_owned()));
    std::fs::create_dir_all(&out)?;
    let resources = generate(n);
    let workload = queries(q);

    let mut docs = std::io::BufWriter::new(std::fs::File::create(out.join("docs.jsonl"))?);
    for (_, f) in &resources {
        writeln!(
            docs,
            "{{\"title\":\"{}\",\"summary\":\"{}\",\"kind\":\"{}\",\"minutes\":{},\"levels\":[{}]}}",
            json_escape(f.title.as_str()),
            json_escape(f.summary.as_str()),
            f.kind.code(),
            f.estimated.get(),
            f.levels.iter().map(|l| format!("\"{}\"", l.code())).collect::<Vec<_>>().join(",")
        )?;
    }
    docs.flush()?;
    let mut qf = std::io::BufWriter::new(std::fs::File::create(out.join("queries.jsonl"))?);
    for w in &workload {
        let terms = SearchTerms::parse(&w.text);
        writeln!(
            qf,
            "{{\"terms\":[{}],\"kind\":{},\"max_minutes\":{},\"level\":{}}}",
            terms.terms().iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(","),
            w.kind.map_or("null".to_owned(), |k| format!("\"{}\"", k.code())),
            w.max_minutes.map_or("null".to_owned(), |m| m.to_string()),
            w.level.map_or("null".to_owned(), |l| format!("\"{}\"", l.code())),
        )?;
    }
    qf.flush()?;

    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(db) = TestDb::new(backend).await else {
            println!("ours {} skipped: no server", backend.name());
            continue;
        };
        let started = Instant::now();
        for chunk in resources.chunks(5_000) {
            db.store.load_resources(chunk, None, jiff::Timestamp::now()).await?;
        }
        db.store.analyse().await?;
        eprintln!("{}: loaded {n} resources in {:.1} s", backend.name(), started.elapsed().as_secs_f64());
        let started = Instant::now();
        db.store.search_resources(&ResourceFilter::default(), PageRequest::default()).await?;
        eprintln!("{}: built the search index in {:.2} s", backend.name(), started.elapsed().as_secs_f64());
        // Warm the caches with one pass, then measure the second.
        let mut times = Vec::with_capacity(workload.len());
        for pass in 0..2 {
            times.clear();
            for w in &workload {
                let filter = ResourceFilter {
                    terms: SearchTerms::parse(&w.text),
                    kind: w.kind,
                    max_minutes: w.max_minutes,
                    level: w.level,
                    ..ResourceFilter::default()
                };
                let t = Instant::now();
                let page = db.store.search_resources(&filter, PageRequest::new(Some(1), Some(20))).await?;
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                std::hint::black_box(page);
            }
            let _ = pass;
        }
        times.sort_by(f64::total_cmp);
        println!("ours {} p50={:.3} p95={:.3}", backend.name(), percentile(&times, 0.5), percentile(&times, 0.95));
        db.finish().await;
    }
    Ok(())
}
