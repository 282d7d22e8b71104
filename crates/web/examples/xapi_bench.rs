//! The figures for `bench/xapi`: the Learning Record Store measured through its real HTTP API on
//! SQLite and PostgreSQL, each beside the floor — the same statements written straight into the
//! same database engine as rows of JSON text by a minimal loader (no HTTP, no validation), and the
//! same agent+verb filter over those rows with a plain index.
//!
//!   xapi_bench STATEMENTS SINGLE_POSTS QUERIES [WORKERS]
//!
//! For each backend, ours and then the floor, on a fresh database each:
//! 1. single-statement writes on the empty store (the first 20 are a warm-up and not counted);
//! 2. STATEMENTS statements in batches of 100, sent by WORKERS concurrent clients (default 1), timed in
//!    windows of a tenth of the load to show whether the rate stays flat as the store grows;
//! 3. SINGLE_POSTS single-statement writes on the full store;
//! 4. QUERIES filtered reads (one learner's statements with one verb, newest first, at most 500),
//!    or as many as fit in 150 seconds.
//!
//! The statements are generated deterministically (statement `i` depends only on the seed and
//! `i`), so ours and the floor hold exactly the same ones; the first queries' result counts are
//! compared between the two as a check. Every line of output is `ours|floor BACKEND FIGURE ...`,
//! and the `RESULT` lines of DESIGN.md's contract come last.
//!
//! With `XAPI_BENCH_KEEP=1` the databases are left behind (their addresses printed) for EXPLAIN.

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use domain::ids::OrganisationId;
use domain::people::{EmailDomain, OrganisationCode, OrganisationKind, OrganisationName, Ownership, Sector};
use jiff::Timestamp;
use serde_json::{json, Value};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::Connection;
use store::people::OrganisationFields;
use store::testing::TestDb;
use store::Backend;

/// The allocator the goldthread binary serves with (see the workspace's Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SEED: u64 = 20_260_525;
const BATCH: usize = 100;
/// Statements generated (untimed) and then written (timed) at a time.
const CHUNK: usize = 10_000;
const LEARNERS: usize = 5_000;
const WARM_UP: usize = 20;
/// The filtered reads stop after this long, however many were asked for (a slow store would
/// otherwise keep the run going for hours); the number done is printed.
const QUERY_BUDGET: Duration = Duration::from_secs(150);
const VERSION_HEADER: &str = "X-Experience-API-Version";
/// Batches the LRS answered with a server error (500) and that were sent again.
static RETRIED: AtomicUsize = AtomicUsize::new(0);

// ---------------------------------------------------------------- generating statements

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xorshift64*: small, fast and the same on every run.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(mix(seed) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn uuid(&mut self) -> uuid::Uuid {
        let bytes = (u128::from(self.next()) << 64 | u128::from(self.next())).to_le_bytes();
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

const FIRST: &[&str] = &[
    "amara", "ben", "chloe", "dev", "eilidh", "farah", "gareth", "hannah", "imran", "jess", "kwame", "lucy",
    "mohammed", "niamh", "oliver", "priya", "quentin", "rhiannon", "sam", "tomasz", "uma", "victor", "wendy", "xavier",
    "yasmin", "zoe", "aled", "bronwen", "ciaran", "deborah", "emeka", "fiona",
];
const LAST: &[&str] = &[
    "adebayo",
    "brown",
    "campbell",
    "davies",
    "evans",
    "fraser",
    "green",
    "hughes",
    "iqbal",
    "jones",
    "kowalski",
    "lewis",
    "macdonald",
    "nowak",
    "obi",
    "patel",
    "quinn",
    "roberts",
    "smith",
    "taylor",
    "usman",
    "vaughan",
    "williams",
    "xu",
    "young",
    "zielinski",
];
const DOMAINS: &[&str] = &[
    "riverside-care.org.uk",
    "northgate.nhs.uk",
    "westshire.gov.uk",
    "hollybank-homes.co.uk",
    "eastvale-hospice.org.uk",
    "greenfields-social-care.org",
];
const TOPICS: &[&str] = &[
    "Compassionate leadership",
    "Safeguarding adults",
    "Managing budgets",
    "Coaching conversations",
    "Leading change",
    "Quality improvement",
    "Inclusive recruitment",
    "Wellbeing at work",
    "Difficult conversations",
    "Data for decisions",
    "Dementia care",
    "Medicines management",
    "Infection prevention",
    "Delegation and supervision",
    "Systems thinking",
    "Partnership working",
];
const MODULE_KINDS: &[(&str, &str)] = &[
    ("module", "http://adlnet.gov/expapi/activities/module"),
    ("lesson", "http://adlnet.gov/expapi/activities/lesson"),
    ("media", "http://adlnet.gov/expapi/activities/media"),
    ("simulation", "http://adlnet.gov/expapi/activities/simulation"),
];
const PLATFORMS: &[&str] = &["Moodle 4.3", "Totara Learn 18", "Articulate Rise 360", "Learning Pool Stream"];
const VERBS: &[&str] = &["experienced", "attempted", "completed", "passed", "failed"];
const CATALOGUE: &str = "https://learning.example.org/xapi/activities";

struct Activity {
    id: String,
    definition: Value,
}

struct Course {
    activity: Activity,
    modules: Vec<Activity>,
    assessments: Vec<Activity>,
    programme: String,
}

struct Learner {
    name: String,
    mbox: String,
}

/// One generated statement: its JSON text and the two values the floor's index holds.
struct Generated {
    agent: String,
    verb: String,
    body: String,
}

/// The learners, the catalogue and the rules that make statement `i`.
struct Workload {
    learners: Vec<Learner>,
    courses: Vec<Course>,
    /// Milliseconds between consecutive statements' timestamps.
    step_ms: i64,
}

fn activity(id: String, name: String, description: String, kind: &str) -> Activity {
    let definition = json!({
        "name": { "en-GB": name, "en-US": name },
        "description": { "en-GB": description },
        "type": kind,
    });
    Activity { id, definition }
}

impl Workload {
    fn new(total: usize) -> Self {
        let mut rng = Rng::new(SEED);
        let learners = (0..LEARNERS)
            .map(|i| {
                let first = FIRST[i % FIRST.len()];
                let last = LAST[(i / FIRST.len() + i) % LAST.len()];
                let domain = DOMAINS[rng.below(DOMAINS.len())];
                let mut name = String::new();
                for (k, part) in [first, last].iter().enumerate() {
                    if k > 0 {
                        name.push(' ');
                    }
                    let mut chars = part.chars();
                    if let Some(c) = chars.next() {
                        name.extend(c.to_uppercase());
                        name.push_str(chars.as_str());
                    }
                }
                Learner { name, mbox: format!("mailto:{first}.{last}.{i}@{domain}") }
            })
            .collect();
        let mut courses = Vec::new();
        for c in 0..64 {
            let topic = TOPICS[c % TOPICS.len()];
            let level = ["foundations", "in practice", "for senior leaders", "refresher"][c / TOPICS.len() % 4];
            let title = format!("{topic} {level}");
            let course_id = format!("{CATALOGUE}/course/{c}");
            let modules = (0..6 + rng.below(9))
                .map(|m| {
                    let (kind, kind_iri) = *rng.pick(MODULE_KINDS);
                    activity(
                        format!("{course_id}/{kind}/{m}"),
                        format!("{title}: {kind} {}", m + 1),
                        format!("Part {} of {title}, with a reflective exercise to take back to your team.", m + 1),
                        kind_iri,
                    )
                })
                .collect();
            let assessments = (0..1 + rng.below(2))
                .map(|a| {
                    activity(
                        format!("{course_id}/assessment/{a}"),
                        format!("{title}: assessment {}", a + 1),
                        format!("Twenty questions on {title}; the pass mark is 70%."),
                        "http://adlnet.gov/expapi/activities/assessment",
                    )
                })
                .collect();
            courses.push(Course {
                activity: activity(
                    course_id,
                    title.clone(),
                    format!("An e-learning course on {topic} for people who lead in health and care."),
                    "http://adlnet.gov/expapi/activities/course",
                ),
                modules,
                assessments,
                programme: format!("https://learning.example.org/xapi/programmes/{}", c % 8),
            });
        }
        // Two years of learning, whatever the number of statements.
        let step_ms = (2 * 365 * 24 * 3_600_000 / (total.max(1) as i64)).max(1);
        Self { learners, courses, step_ms }
    }

    /// The learner a statement is about: a tenth of the learners write a third of the statements.
    fn learner(&self, rng: &mut Rng) -> usize {
        if rng.below(3) == 0 {
            rng.below(LEARNERS / 10)
        } else {
            rng.below(LEARNERS)
        }
    }

    fn statement(&self, i: usize) -> Generated {
        let mut rng = Rng::new(SEED ^ mix(i as u64 + 1));
        let id = rng.uuid();
        let l = self.learner(&mut rng);
        let learner = &self.learners[l];
        // Each learner takes a handful of the courses, and registers once for each.
        let c = (mix((l as u64) << 8 | rng.below(4) as u64) % self.courses.len() as u64) as usize;
        let course = &self.courses[c];
        let registration = Rng::new(SEED ^ mix((l as u64) << 16 | c as u64)).uuid();
        let verb = match rng.below(100) {
            0..=34 => "experienced",
            35..=54 => "attempted",
            55..=79 => "completed",
            80..=91 => "passed",
            _ => "failed",
        };
        let object =
            if matches!(verb, "passed" | "failed") { rng.pick(&course.assessments) } else { rng.pick(&course.modules) };
        let duration = format!("PT{}M{}S", 1 + rng.below(55), rng.below(60));
        let result = match verb {
            "experienced" => json!({ "duration": duration }),
            "attempted" => json!({ "completion": false, "duration": duration }),
            "completed" => json!({ "completion": true, "duration": duration }),
            _ => {
                let raw = if verb == "passed" { 70 + rng.below(31) } else { 20 + rng.below(50) };
                json!({
                    "score": { "scaled": raw as f64 / 100.0, "raw": raw, "min": 0, "max": 100 },
                    "success": verb == "passed",
                    "completion": true,
                    "duration": duration,
                })
            }
        };
        let millis = 1_704_067_200_000 + i as i64 * self.step_ms + rng.below(3_600_000) as i64;
        let timestamp = Timestamp::from_millisecond(millis).map(|t| t.to_string()).unwrap_or_default();
        let verb_iri = format!("http://adlnet.gov/expapi/verbs/{verb}");
        let statement = json!({
            "id": id.to_string(),
            "actor": { "objectType": "Agent", "name": learner.name, "mbox": learner.mbox },
            "verb": { "id": verb_iri, "display": { "en-GB": verb } },
            "object": { "objectType": "Activity", "id": object.id, "definition": object.definition },
            "result": result,
            "context": {
                "registration": registration.to_string(),
                "contextActivities": {
                    "parent": [{ "objectType": "Activity", "id": course.activity.id, "definition": course.activity.definition }],
                    "grouping": [{ "objectType": "Activity", "id": course.programme }],
                    "category": [{ "objectType": "Activity", "id": "https://w3id.org/xapi/cmi5/context/categories/moveon" }],
                },
                "platform": rng.pick(PLATFORMS),
                "language": "en-GB",
            },
            "timestamp": timestamp,
        });
        Generated { agent: learner.mbox.clone(), verb: verb_iri, body: statement.to_string() }
    }

    /// The filtered reads: a learner and a verb.
    fn queries(&self, n: usize) -> Vec<(String, String)> {
        let mut rng = Rng::new(SEED ^ 0x5157);
        (0..n)
            .map(|_| {
                let l = self.learner(&mut rng);
                (self.learners[l].mbox.clone(), format!("http://adlnet.gov/expapi/verbs/{}", rng.pick(VERBS)))
            })
            .collect()
    }
}

// ---------------------------------------------------------------- the two targets

/// goldthread's LRS over HTTP.
#[derive(Clone)]
struct Lrs {
    client: reqwest::Client,
    base: String,
    key: String,
    secret: String,
    /// The server's database, to refresh the planner's statistics after the load.
    store: store::Store,
}

impl Lrs {
    async fn post(&self, body: String) -> anyhow::Result<()> {
        let r = self
            .client
            .post(format!("{}/xapi/statements", self.base))
            .basic_auth(&self.key, Some(&self.secret))
            .header(VERSION_HEADER, "1.0.3")
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await?;
        let status = r.status();
        let text = r.text().await?;
        if status != 200 {
            bail!("POST /xapi/statements answered {status}: {text}");
        }
        Ok(())
    }

    /// One filtered read; returns how many statements came back.
    async fn query(&self, agent: &str, verb: &str, count: bool) -> anyhow::Result<usize> {
        let agent = json!({ "objectType": "Agent", "mbox": agent }).to_string();
        let r = self
            .client
            .get(format!("{}/xapi/statements", self.base))
            .query(&[("agent", agent.as_str()), ("verb", verb), ("limit", "500")])
            .basic_auth(&self.key, Some(&self.secret))
            .header(VERSION_HEADER, "1.0.3")
            .send()
            .await?;
        let status = r.status();
        let bytes = r.bytes().await?;
        if status != 200 {
            bail!("GET /xapi/statements answered {status}: {}", String::from_utf8_lossy(&bytes));
        }
        if !count {
            return Ok(0);
        }
        let v: Value = serde_json::from_slice(&bytes)?;
        Ok(v.get("statements").and_then(Value::as_array).map_or(0, Vec::len))
    }
}

/// The floor: a table of JSON text with the two filter columns, written with plain SQL.
#[derive(Clone)]
enum Floor {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

fn insert_sql(rows: usize) -> String {
    let values: Vec<String> = (0..rows).map(|r| format!("(${}, ${}, ${})", 3 * r + 1, 3 * r + 2, 3 * r + 3)).collect();
    format!("INSERT INTO floor_statements (agent, verb, body) VALUES {}", values.join(", "))
}

const FLOOR_QUERY: &str =
    "SELECT body FROM floor_statements WHERE agent = $1 AND verb = $2 ORDER BY seq DESC LIMIT 500";

impl Floor {
    async fn open(backend: Backend, url: &str, workers: usize) -> anyhow::Result<Self> {
        Ok(match backend {
            Backend::Sqlite => {
                // The engine has one writer at a time: one connection is the most it can do.
                let options = SqliteConnectOptions::from_str(url)?
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(Duration::from_secs(10));
                let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
                for sql in [
                    "CREATE TABLE floor_statements (seq INTEGER PRIMARY KEY, agent TEXT NOT NULL, verb TEXT NOT NULL, body TEXT NOT NULL)",
                    "CREATE INDEX floor_statements_filter ON floor_statements (agent, verb, seq)",
                ] {
                    sqlx::query(sql).execute(&pool).await?;
                }
                Self::Sqlite(pool)
            }
            Backend::Postgres => {
                let pool = PgPoolOptions::new().max_connections(workers as u32).connect(url).await?;
                for sql in [
                    "CREATE TABLE floor_statements (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, agent TEXT NOT NULL, verb TEXT NOT NULL, body TEXT NOT NULL)",
                    "CREATE INDEX floor_statements_filter ON floor_statements (agent, verb, seq)",
                ] {
                    sqlx::query(sql).execute(&pool).await?;
                }
                Self::Postgres(pool)
            }
        })
    }

    /// Rows in one transaction, as one multi-row INSERT (one row: a plain INSERT, autocommitted).
    async fn insert(&self, rows: &[Generated]) -> anyhow::Result<()> {
        let sql = insert_sql(rows.len());
        match self {
            Self::Sqlite(pool) => {
                let mut q = sqlx::query::<sqlx::Sqlite>(&sql);
                for r in rows {
                    q = q.bind(r.agent.as_str()).bind(r.verb.as_str()).bind(r.body.as_str());
                }
                if rows.len() == 1 {
                    q.execute(pool).await?;
                } else {
                    let mut tx = pool.begin().await?;
                    q.execute(&mut *tx).await?;
                    tx.commit().await?;
                }
            }
            Self::Postgres(pool) => {
                let mut q = sqlx::query::<sqlx::Postgres>(&sql);
                for r in rows {
                    q = q.bind(r.agent.as_str()).bind(r.verb.as_str()).bind(r.body.as_str());
                }
                if rows.len() == 1 {
                    q.execute(pool).await?;
                } else {
                    let mut tx = pool.begin().await?;
                    q.execute(&mut *tx).await?;
                    tx.commit().await?;
                }
            }
        }
        Ok(())
    }

    async fn query(&self, agent: &str, verb: &str) -> anyhow::Result<usize> {
        let bodies: Vec<String> = match self {
            Self::Sqlite(pool) => sqlx::query_scalar(FLOOR_QUERY).bind(agent).bind(verb).fetch_all(pool).await?,
            Self::Postgres(pool) => sqlx::query_scalar(FLOOR_QUERY).bind(agent).bind(verb).fetch_all(pool).await?,
        };
        Ok(bodies.len())
    }

    /// The same maintenance as goldthread's store gets after the load (`Store::analyse`).
    async fn analyse(&self) -> anyhow::Result<()> {
        match self {
            Self::Sqlite(pool) => {
                sqlx::query(Backend::Sqlite.vacuum_analyse()).execute(pool).await?;
            }
            Self::Postgres(pool) => {
                sqlx::query(Backend::Postgres.vacuum_analyse()).execute(pool).await?;
            }
        }
        Ok(())
    }

    async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}

#[derive(Clone)]
enum Target {
    Ours(Lrs),
    Floor(Floor),
}

impl Target {
    fn name(&self) -> &'static str {
        match self {
            Self::Ours(_) => "ours",
            Self::Floor(_) => "floor",
        }
    }

    async fn write_one(&self, s: Generated) -> anyhow::Result<()> {
        match self {
            Self::Ours(lrs) => lrs.post(s.body).await,
            Self::Floor(floor) => floor.insert(std::slice::from_ref(&s)).await,
        }
    }

    /// Finishes what the store leaves for after a batch is acknowledged (on PostgreSQL, the
    /// postings): timed with the load, so that the rate counts all of the work of storing.
    async fn settle(&self) -> anyhow::Result<()> {
        if let Self::Ours(lrs) = self {
            lrs.store.write_waiting_postings().await?;
        }
        Ok(())
    }

    async fn write_batch(&self, batch: &[Generated]) -> anyhow::Result<()> {
        match self {
            Self::Ours(lrs) => {
                let mut body = String::with_capacity(batch.iter().map(|s| s.body.len() + 1).sum::<usize>() + 2);
                body.push('[');
                for (k, s) in batch.iter().enumerate() {
                    if k > 0 {
                        body.push(',');
                    }
                    body.push_str(&s.body);
                }
                body.push(']');
                // A server error is counted, reported and the batch sent again (a few times):
                // the figure is then still there, and the fault is shown beside it.
                let mut attempt = 0;
                loop {
                    match lrs.post(body.clone()).await {
                        Err(e) if attempt < 5 && e.to_string().contains(" answered 500") => {
                            RETRIED.fetch_add(1, Ordering::Relaxed);
                            attempt += 1;
                        }
                        other => return other,
                    }
                }
            }
            Self::Floor(floor) => floor.insert(batch).await,
        }
    }

    async fn query(&self, agent: &str, verb: &str, count: bool) -> anyhow::Result<usize> {
        match self {
            Self::Ours(lrs) => lrs.query(agent, verb, count).await,
            Self::Floor(floor) => floor.query(agent, verb).await,
        }
    }
}

// ---------------------------------------------------------------- measuring

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

struct Latency {
    p50: f64,
    p99: f64,
}

fn latency(mut ms: Vec<f64>) -> Latency {
    ms.sort_by(f64::total_cmp);
    Latency { p50: percentile(&ms, 0.5), p99: percentile(&ms, 0.99) }
}

/// Single-statement writes of statements `from..from + n`, one after another; the first
/// `WARM_UP` are not counted.
async fn single_writes(target: &Target, work: &Workload, from: usize, n: usize) -> anyhow::Result<Latency> {
    let mut ms = Vec::with_capacity(n);
    for i in from..from + n {
        let s = work.statement(i);
        let started = Instant::now();
        target.write_one(s).await?;
        if i >= from + WARM_UP.min(n / 2) {
            ms.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    Ok(latency(ms))
}

/// Writes statements `0..total` in batches of 100 by `workers` concurrent writers; prints the
/// rate for each tenth of the load and returns the overall rate.
async fn ingest(target: &Target, work: &Workload, total: usize, workers: usize, label: &str) -> anyhow::Result<f64> {
    let window = (total / 10).max(CHUNK);
    let mut busy = Duration::ZERO;
    let mut window_busy = Duration::ZERO;
    let mut window_done = 0;
    let mut done = 0;
    while done < total {
        let n = CHUNK.min(total - done);
        let statements: Vec<Generated> = (done..done + n).map(|i| work.statement(i)).collect();
        let batches: Arc<Vec<Vec<Generated>>> =
            Arc::new(statements.into_iter().fold(Vec::<Vec<Generated>>::new(), |mut acc, s| {
                match acc.last_mut() {
                    Some(b) if b.len() < BATCH => b.push(s),
                    _ => acc.push(vec![s]),
                }
                acc
            }));
        let next = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..workers {
            let (target, batches, next) = (target.clone(), batches.clone(), next.clone());
            tasks.push(tokio::spawn(async move {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(batch) = batches.get(k) else { return anyhow::Ok(()) };
                    target.write_batch(batch).await?;
                }
            }));
        }
        for t in tasks {
            t.await??;
        }
        target.settle().await?;
        let took = started.elapsed();
        busy += took;
        window_busy += took;
        done += n;
        window_done += n;
        if window_done >= window || done == total {
            println!(
                "{} {label} ingest store={done} statements_per_s={:.0}",
                target.name(),
                window_done as f64 / window_busy.as_secs_f64()
            );
            window_busy = Duration::ZERO;
            window_done = 0;
        }
    }
    let retried = RETRIED.swap(0, Ordering::Relaxed);
    if retried > 0 {
        println!("{} {label} ingest retried_batches={retried} (answered 500 and sent again)", target.name());
    }
    Ok(total as f64 / busy.as_secs_f64())
}

struct Figures {
    ingest: f64,
    post: Latency,
    query: Latency,
    counts: Vec<usize>,
}

struct Plan {
    statements: usize,
    singles: usize,
    queries: usize,
    workers: usize,
}

/// The whole sequence on one target: writes on the empty store, the load, writes on the full
/// store, the filtered reads.
async fn measure(target: &Target, work: &Workload, plan: &Plan, label: &str) -> anyhow::Result<Figures> {
    let name = target.name();
    let empty_singles = (plan.singles / 2).max(WARM_UP * 2);
    let post_empty = single_writes(target, work, plan.statements, empty_singles).await?;
    println!("{name} {label} post-empty p50_ms={:.2} p99_ms={:.2}", post_empty.p50, post_empty.p99);
    let started = Instant::now();
    let ingest = ingest(target, work, plan.statements, plan.workers, label).await?;
    println!(
        "{name} {label} ingest statements_per_s={ingest:.0} statements={} workers={} wall_s={:.1}",
        plan.statements,
        plan.workers,
        started.elapsed().as_secs_f64()
    );
    // A bulk load outruns autovacuum (and these machines run PostgreSQL without it); a store
    // that grew over months would have its statistics and visibility map: both get them now.
    match target {
        Target::Ours(lrs) => lrs.store.analyse().await?,
        Target::Floor(floor) => floor.analyse().await?,
    }
    // Vacuum dirties every page it marks visible; PostgreSQL would write them out during the
    // single POSTs that follow, measuring the server's checkpoint instead of the POST.
    if label == "postgres" {
        let mut admin = sqlx::PgConnection::connect(&store::testing::postgres_admin_url()).await?;
        sqlx::query("CHECKPOINT").execute(&mut admin).await?;
    }
    let post = single_writes(target, work, plan.statements + empty_singles, plan.singles).await?;
    println!("{name} {label} post p50_ms={:.2} p99_ms={:.2}", post.p50, post.p99);
    let queries = work.queries(plan.queries + WARM_UP);
    let mut ms = Vec::new();
    let mut counts = Vec::new();
    let reading = Instant::now();
    for (k, (agent, verb)) in queries.iter().enumerate() {
        if reading.elapsed() > QUERY_BUDGET && k > WARM_UP + 50 {
            break;
        }
        let count = k < WARM_UP + 50;
        let started = Instant::now();
        let n = target.query(agent, verb, count).await?;
        let took = started.elapsed().as_secs_f64() * 1000.0;
        if count {
            counts.push(n);
        }
        if k >= WARM_UP {
            ms.push(took);
        }
    }
    let done = ms.len();
    let query = latency(ms);
    let checked = counts.len().saturating_sub(WARM_UP).max(1);
    let mean: f64 = counts.iter().skip(WARM_UP).sum::<usize>() as f64 / checked as f64;
    println!(
        "{name} {label} query p50_ms={:.2} p99_ms={:.2} queries={done} mean_statements_returned={mean:.1}{}",
        query.p50,
        query.p99,
        if done < plan.queries { " (stopped at the time budget)" } else { "" }
    );
    Ok(Figures { ingest, post, query, counts })
}

async fn database_bytes(db: &TestDb) -> Option<u64> {
    match db.store.backend() {
        Backend::Sqlite => {
            let path = db.url.trim_start_matches("sqlite://");
            let main = std::fs::metadata(path).ok()?.len();
            let wal = std::fs::metadata(format!("{path}-wal")).map_or(0, |m| m.len());
            Some(main + wal)
        }
        Backend::Postgres => {
            let pool = PgPoolOptions::new().max_connections(1).connect(&db.url).await.ok()?;
            let size: i64 =
                sqlx::query_scalar("SELECT pg_database_size(current_database())").fetch_one(&pool).await.ok()?;
            pool.close().await;
            u64::try_from(size).ok()
        }
    }
}

async fn organisation(store: &store::Store) -> anyhow::Result<OrganisationId> {
    let org = OrganisationId::from_uuid(uuid::Uuid::new_v4());
    let fields = OrganisationFields {
        code: OrganisationCode::parse("LRS1")?,
        name: OrganisationName::parse("Riverside Learning Partnership")?,
        kind: OrganisationKind::NhsTrust,
        sector: Sector::Health,
        ownership: Ownership::Public,
        email_domains: vec![EmailDomain::parse("riverside-learning.org.uk")?],
        place: None,
        system: None,
    };
    store.create_organisation(org, &fields, Timestamp::now()).await?;
    Ok(org)
}

async fn fresh(backend: Backend) -> Option<TestDb> {
    match backend {
        Backend::Sqlite => Some(TestDb::sqlite().await),
        Backend::Postgres => TestDb::postgres().await,
    }
}

async fn finish(db: TestDb, keep: bool) {
    if keep {
        println!("kept {}", db.url);
        db.store.close().await;
    } else {
        db.finish().await;
    }
}

/// Ours then the floor on one backend; `None` when PostgreSQL is not there.
async fn backend_run(
    backend: Backend,
    work: &Workload,
    plan: &Plan,
    keep: bool,
) -> anyhow::Result<Option<(Figures, Figures)>> {
    let label = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let Some(db) = fresh(backend).await else { return Ok(None) };
    let org = organisation(&db.store).await?;
    let (key, secret) =
        goldthread_web::issue_lrs_credentials(&db.store, org, true, true, "xapi bench", Timestamp::now()).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let config = goldthread_web::Config { base_url: base.clone(), ..goldthread_web::Config::default() };
    let server = tokio::spawn(goldthread_web::serve(listener, db.store.clone(), config, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(plan.workers.max(1))
        .timeout(Duration::from_secs(120))
        .build()?;
    let ours = Target::Ours(Lrs { client, base, key, secret, store: db.store.clone() });
    let ours_figures = measure(&ours, work, plan, label).await;
    if let Some(bytes) = database_bytes(&db).await {
        println!("ours {label} database_mb={:.0}", bytes as f64 / 1e6);
    }
    let _ = stop.send(());
    server.await??;
    finish(db, keep).await;
    let ours_figures = ours_figures?;

    let Some(db) = fresh(backend).await else { return Ok(None) };
    let floor = Floor::open(backend, &db.url, plan.workers).await.context("opening the floor's database")?;
    let floor_target = Target::Floor(floor.clone());
    let floor_figures = measure(&floor_target, work, plan, label).await;
    floor.close().await;
    if let Some(bytes) = database_bytes(&db).await {
        println!("floor {label} database_mb={:.0}", bytes as f64 / 1e6);
    }
    finish(db, keep).await;
    let floor_figures = floor_figures?;

    let checks = ours_figures.counts.iter().zip(&floor_figures.counts);
    let differ = checks.clone().filter(|(a, b)| a != b).count();
    if differ > 0 {
        bail!(
            "{label}: {differ} of the checked queries returned different numbers of statements from ours and the floor"
        );
    }
    println!("check {label} queries_with_equal_counts={}", ours_figures.counts.len());
    Ok(Some((ours_figures, floor_figures)))
}

fn ratio(ours: f64, peer: f64) -> String {
    if peer > 0.0 {
        format!("{:.3}", ours / peer)
    } else {
        "-".to_owned()
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut number = |default: usize| -> anyhow::Result<usize> {
        args.next().map_or(Ok(default), |a| a.parse().context("arguments are whole numbers"))
    };
    let plan =
        Plan { statements: number(100_000)?, singles: number(1_000)?, queries: number(1_000)?, workers: number(1)? };
    let keep = std::env::var("XAPI_BENCH_KEEP").is_ok_and(|v| v == "1");
    let work = Workload::new(plan.statements + plan.singles * 2);
    let sample = work.statement(0).body;
    println!("sample statement ({} bytes): {sample}", sample.len());
    let mut results = Vec::new();
    // XAPI_BENCH_BACKENDS=sqlite (or postgres) measures one backend only, for profiling.
    let only = std::env::var("XAPI_BENCH_BACKENDS").unwrap_or_default();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let label = if backend == Backend::Sqlite { "sqlite" } else { "postgres" };
        if !only.is_empty() && !only.split(',').any(|b| b.trim() == label) {
            continue;
        }
        match backend_run(backend, &work, &plan, keep).await? {
            Some((ours, floor)) => {
                results.push(format!(
                    "RESULT ingest-{label} ours={:.0} peer={:.0} ratio={} unit=statements/s",
                    ours.ingest,
                    floor.ingest,
                    ratio(ours.ingest, floor.ingest)
                ));
                results.push(format!(
                    "RESULT post-p99-{label} ours={:.2} peer={:.2} ratio={} unit=ms",
                    ours.post.p99,
                    floor.post.p99,
                    ratio(ours.post.p99, floor.post.p99)
                ));
                results.push(format!(
                    "RESULT query-p99-{label} ours={:.2} peer={:.2} ratio={} unit=ms",
                    ours.query.p99,
                    floor.query.p99,
                    ratio(ours.query.p99, floor.query.p99)
                ));
            }
            None => {
                for figure in ["ingest", "post-p99", "query-p99"] {
                    let unit = if figure == "ingest" { "statements/s" } else { "ms" };
                    results.push(format!("RESULT {figure}-{label} ours=- peer=- ratio=- unit={unit}"));
                }
            }
        }
    }
    for line in results {
        println!("{line}");
    }
    Ok(())
}
