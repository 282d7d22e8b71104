//! The demo generator: one integrated care system — NHS trusts, an integrated care board, GP
//! practices, care providers, councils and voluntary organisations — with its people, their
//! levels, job titles and a real reporting tree in every organisation. The same seed always gives
//! the same system.
//!
//! Generation is a pure function ([`plan_system`]) so that it can be tested without a database;
//! [`generate`] writes what it plans through the store and grants the roles of the demo accounts.
//! The figures it draws on (shares of the workforce, band weights, organisation sizes, the
//! chance of being from a black or minority ethnic group at each level) are those of
//! DOMAIN.md's "Using this for demo data".

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use anyhow::{bail, Context};
use domain::ids::{OrganisationId, PersonId};
use domain::people::import::PersonRecord;
use domain::people::{
    Email, EmailDomain, JobTitle, Level, OrganisationCode, OrganisationKind, OrganisationName, Ownership, PersonName,
    Profession, Role, RoleGrant, RoleScope, Sector, StaffNumber,
};
use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::Date;
use jiff::Timestamp;
use rand::distributions::{Distribution, WeightedIndex};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use store::people::OrganisationFields;
use store::Store;
use uuid::Uuid;

/// One account the demo prints sign-in details for.
pub struct DemoAccount {
    pub person: PersonId,
    pub email: Email,
    pub description: String,
}

/// What the generator made.
pub struct DemoSummary {
    pub organisations: usize,
    pub people: usize,
    pub accounts: Vec<DemoAccount>,
}

/// The fewest people that still make every kind of organisation and every demo account.
pub const MIN_PEOPLE: usize = 300;
/// The most people the generator makes (staff numbers have eight digits).
pub const MAX_PEOPLE: usize = 10_000_000;
/// People written per transaction. Each commit rewrites every index page it touched, so a few
/// large transactions load a million people faster than many small ones.
const CHUNK: usize = 200_000;
/// Start dates count back from this day, fixed so that a seed always gives the same data.
const REFERENCE_DATE: Date = Date::constant(2025, 3, 31);
/// Longest time in post, in days.
const MAX_TENURE_DAYS: usize = 40 * 365;

/// Fills the store with a generated integrated care system of `people` people, and grants the
/// roles of the accounts it returns. It creates no accounts or passwords: the caller does.
pub async fn generate(store: &Store, people: usize, seed: u64, progress: bool) -> anyhow::Result<DemoSummary> {
    let spinner = if progress {
        let s = ProgressBar::new_spinner();
        s.set_message(format!("Generating an integrated care system of {people} people (seed {seed})"));
        s.enable_steady_tick(Duration::from_millis(120));
        Some(s)
    } else {
        eprintln!("demo: generating an integrated care system of {people} people (seed {seed})");
        None
    };
    let demo =
        tokio::task::spawn_blocking(move || plan_system(people, seed)).await.context("the generator stopped")??;
    if let Some(s) = spinner {
        s.finish_and_clear();
    }

    let now = Timestamp::now();
    if !progress {
        eprintln!("demo: writing {} organisations", demo.organisations.len());
    }
    store.load_organisations(&demo.organisations, now).await.context("cannot write the generated organisations")?;

    let total = demo.people.len();
    let bar = if progress {
        let bar = ProgressBar::new(total as u64);
        bar.set_style(
            ProgressStyle::with_template("{msg:8} [{bar:40}] {pos}/{len} people, {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message("writing");
        Some(bar)
    } else {
        None
    };
    let mut written = 0;
    let mut next_report = total / 4;
    for chunk in demo.people.chunks(CHUNK) {
        store.load_people(chunk, now).await.context("cannot write the generated people")?;
        written += chunk.len();
        match &bar {
            Some(bar) => bar.inc(chunk.len() as u64),
            None if written >= next_report && written < total => {
                eprintln!("demo: {written} of {total} people written");
                next_report = written + total / 4;
            }
            None => {}
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }

    let mut accounts = Vec::with_capacity(demo.accounts.len());
    for account in &demo.accounts {
        let person = &demo.people[account.person];
        for grant in &account.grants {
            store.grant(person.id, *grant, now).await.context("cannot grant a demo role")?;
        }
        accounts.push(DemoAccount {
            person: person.id,
            email: person.email.clone(),
            description: account.description.to_owned(),
        });
    }
    if !progress {
        eprintln!("demo: {} organisations and {total} people written", demo.organisations.len());
    }
    let learner = accounts.iter().find(|a| a.description.starts_with("Learner")).map(|a| a.person);
    let (resources, entries) = crate::demo_learning::generate(store, &demo.people, learner, seed, now)
        .await
        .context("cannot write the demo's learning")?;
    if !progress {
        eprintln!("demo: {resources} resources and {entries} learning-record entries written");
    }
    crate::demo_frameworks::generate(store, &demo.people, learner, seed, now)
        .await
        .context("cannot write the demo's 360s")?;
    Ok(DemoSummary { organisations: demo.organisations.len(), people: total, accounts })
}

// ---------------------------------------------------------------------------------------------
// The plan: everything generated, before anything is written.

/// A generated system: organisations, then people with every line manager before their reports,
/// and the people the demo signs in as.
pub struct Demo {
    pub organisations: Vec<(OrganisationId, OrganisationFields)>,
    pub people: Vec<PersonRecord>,
    pub accounts: Vec<PlannedAccount>,
}

/// A person the demo prints sign-in details for, and the roles granted to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedAccount {
    /// Index into [`Demo::people`].
    pub person: usize,
    pub description: &'static str,
    pub grants: Vec<RoleGrant>,
}

/// Plans a whole integrated care system of `people` people. Pure: the same arguments always give
/// the same plan.
pub fn plan_system(people: usize, seed: u64) -> anyhow::Result<Demo> {
    if people < MIN_PEOPLE {
        bail!("the demo needs at least {MIN_PEOPLE} people to make every kind of organisation (asked for {people})");
    }
    if people > MAX_PEOPLE {
        bail!("the demo makes at most {MAX_PEOPLE} people (asked for {people})");
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let ladders = Ladders::new()?;
    let orgs = plan_organisations(&mut rng, people)?;

    let mut staff = Staffing::new(rng, people)?;
    let mut starts = Vec::with_capacity(orgs.len() + 1);
    for org in &orgs {
        starts.push(staff.people.len());
        staff.staff_organisation(org, ladders.for_organisation(org.kind, org.size))?;
    }
    starts.push(staff.people.len());
    debug_assert_eq!(staff.people.len(), people);

    let accounts = pick_accounts(&mut staff, &orgs, &starts)?;
    Ok(Demo { organisations: orgs.into_iter().map(|o| (o.id, o.fields)).collect(), people: staff.people, accounts })
}

// ---------------------------------------------------------------------------------------------
// Small pieces of randomness.

/// `n` random UUIDs in ascending order. Handed out in the order records are written, they make
/// each insert into an index on an id an append rather than a write in a random place, which is
/// what lets a million people load in well under a minute.
fn sorted_uuids(rng: &mut ChaCha8Rng, n: usize) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = (0..n).map(|_| uuid::Builder::from_random_bytes(rng.gen()).into_uuid()).collect();
    ids.sort_unstable();
    ids
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A log-normal draw: long-tailed sizes around a median.
fn lognormal(rng: &mut ChaCha8Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// Picks an index by weight from a short list.
fn pick_weighted(rng: &mut ChaCha8Rng, weights: impl Iterator<Item = f64> + Clone) -> usize {
    let total: f64 = weights.clone().sum();
    let mut x = rng.gen::<f64>() * total;
    let mut last = 0;
    for (i, w) in weights.enumerate() {
        if w <= 0.0 {
            continue;
        }
        last = i;
        if x < w {
            return i;
        }
        x -= w;
    }
    last
}

fn choose(rng: &mut ChaCha8Rng, items: &[&'static str]) -> &'static str {
    items.choose(rng).copied().unwrap_or("")
}

/// Splits `total` between parts in proportion to `weights`, each part at least `min`.
fn split(total: usize, weights: &[f64], min: usize) -> Vec<usize> {
    let n = weights.len();
    let rest = total.saturating_sub(min * n);
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| rest as f64 * w / sum).collect();
    let mut out: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let left = rest - out.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    for &i in order.iter().take(left) {
        out[i] += 1;
    }
    out.iter_mut().for_each(|o| *o += min);
    out
}

/// Draws organisation sizes from a long-tailed distribution until `budget` people are placed.
fn fill_sizes(rng: &mut ChaCha8Rng, budget: usize, median: f64, sigma: f64, lo: usize, hi: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    let mut left = budget;
    while left > 0 {
        let s = (lognormal(rng, median, sigma).round() as usize).clamp(lo, hi);
        if s >= left {
            match sizes.last_mut() {
                Some(last) if left < lo => *last += left,
                _ => sizes.push(left),
            }
            break;
        }
        sizes.push(s);
        left -= s;
    }
    sizes
}

// ---------------------------------------------------------------------------------------------
// Organisations.

/// The kinds of organisation the demo makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OrgType {
    Acute,
    MentalHealth,
    Community,
    Icb,
    Council,
    Gp,
    CareHome,
    HomeCare,
    OtherCare,
    Voluntary,
}

impl OrgType {
    fn is_social_care(self) -> bool {
        matches!(
            self,
            OrgType::CareHome | OrgType::HomeCare | OrgType::OtherCare | OrgType::Council | OrgType::Voluntary
        )
    }
}

struct OrgPlan {
    id: OrganisationId,
    kind: OrgType,
    size: usize,
    domain: String,
    fields: OrganisationFields,
}

/// Shares of the workforce by kind of organisation (DOMAIN.md: NHS trusts about 46%, general
/// practice about 5%, adult social care about 45%), and the least each kind needs.
const SHARES: [(OrgType, f64); 10] = [
    (OrgType::Acute, 0.455 * 0.72),
    (OrgType::MentalHealth, 0.455 * 0.15),
    (OrgType::Community, 0.455 * 0.13),
    (OrgType::Icb, 0.007),
    (OrgType::Council, 0.03),
    (OrgType::Gp, 0.05),
    (OrgType::CareHome, 0.18),
    (OrgType::HomeCare, 0.18),
    (OrgType::OtherCare, 0.075),
    (OrgType::Voluntary, 0.023),
];
const MIN_TRUST: usize = 30;
const MIN_COUNCIL: usize = 12;

fn plan_organisations(rng: &mut ChaCha8Rng, people: usize) -> anyhow::Result<Vec<OrgPlan>> {
    let mut namer = Namer::new(rng);

    // How many people each kind of organisation holds, and how many big organisations there are.
    let mut budget: Vec<usize> = SHARES.iter().map(|(_, s)| (people as f64 * s).floor() as usize).collect();
    let acute = rng.gen_range(2..=3usize).max(budget[0].div_ceil(14_000));
    let mental_health = budget[1].div_ceil(7_000).max(1);
    let community = budget[2].div_ceil(7_000).max(1);
    let councils = rng.gen_range(2..=5usize);
    let mins = [
        acute * MIN_TRUST,
        mental_health * MIN_TRUST,
        community * MIN_TRUST,
        12,
        councils * MIN_COUNCIL,
        6,
        8,
        8,
        5,
        1,
    ];
    for (b, m) in budget.iter_mut().zip(mins) {
        *b = (*b).max(m);
    }
    let mut sum: usize = budget.iter().sum();
    while sum > people {
        let (i, _) = budget
            .iter()
            .zip(mins)
            .enumerate()
            .max_by_key(|(i, (b, m))| (**b - m, usize::MAX - i))
            .unwrap_or((0, (&0, 0)));
        if budget[i] == mins[i] {
            bail!("{people} people are too few for the demo's organisations");
        }
        budget[i] -= 1;
        sum -= 1;
    }
    budget[0] += people - sum;

    let trust_weights = |rng: &mut ChaCha8Rng, n: usize| (0..n).map(|_| lognormal(rng, 1.0, 0.35)).collect::<Vec<_>>();
    let mut sizes: Vec<(OrgType, usize)> = Vec::new();
    let w = trust_weights(rng, acute);
    sizes.extend(split(budget[0], &w, MIN_TRUST).into_iter().map(|s| (OrgType::Acute, s)));
    let w = trust_weights(rng, mental_health);
    sizes.extend(split(budget[1], &w, MIN_TRUST).into_iter().map(|s| (OrgType::MentalHealth, s)));
    let w = trust_weights(rng, community);
    sizes.extend(split(budget[2], &w, MIN_TRUST).into_iter().map(|s| (OrgType::Community, s)));
    sizes.push((OrgType::Icb, budget[3]));
    let w: Vec<f64> = (0..councils).map(|_| lognormal(rng, 1.0, 0.4)).collect();
    sizes.extend(split(budget[4], &w, MIN_COUNCIL).into_iter().map(|s| (OrgType::Council, s)));
    // GP practices of about 30, care homes of about 40, home-care agencies of about 45, other
    // adult social care of about 25, voluntary organisations of 1 to 50.
    sizes.extend(fill_sizes(rng, budget[5], 27.0, 0.45, 6, 120).into_iter().map(|s| (OrgType::Gp, s)));
    sizes.extend(fill_sizes(rng, budget[6], 36.0, 0.45, 8, 150).into_iter().map(|s| (OrgType::CareHome, s)));
    sizes.extend(fill_sizes(rng, budget[7], 34.0, 0.75, 5, 400).into_iter().map(|s| (OrgType::HomeCare, s)));
    sizes.extend(fill_sizes(rng, budget[8], 21.0, 0.6, 4, 150).into_iter().map(|s| (OrgType::OtherCare, s)));
    sizes.extend(fill_sizes(rng, budget[9], 5.0, 1.0, 1, 50).into_iter().map(|s| (OrgType::Voluntary, s)));

    let ids = sorted_uuids(rng, sizes.len());
    let mut orgs = Vec::with_capacity(sizes.len());
    let mut nth = [0usize; SHARES.len()];
    for ((kind, size), id) in sizes.into_iter().zip(ids) {
        let k = SHARES.iter().position(|(t, _)| *t == kind).unwrap_or(0);
        orgs.push(namer.organisation(rng, OrganisationId::from_uuid(id), kind, nth[k], size)?);
        nth[k] += 1;
    }
    Ok(orgs)
}

/// Names, codes and email domains, each unique across the system.
struct Namer {
    system: String,
    places: Vec<Place>,
    names: HashSet<String>,
    domains: HashSet<String>,
    codes: HashSet<String>,
}

struct Place {
    name: &'static str,
    towns: Vec<&'static str>,
}

fn slug(s: &str) -> String {
    let mut out: String = s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    out.truncate(40);
    out
}

impl Namer {
    fn new(rng: &mut ChaCha8Rng) -> Self {
        let system = choose(rng, SYSTEM_NAMES).to_owned();
        let count = rng.gen_range(3..=5);
        let mut place_names: Vec<&'static str> = PLACE_NAMES.to_vec();
        place_names.shuffle(rng);
        let mut towns: Vec<&'static str> = TOWNS.to_vec();
        towns.shuffle(rng);
        let places = place_names
            .into_iter()
            .take(count)
            .enumerate()
            .map(|(i, name)| Place { name, towns: towns.iter().skip(i).step_by(count).copied().collect() })
            .collect();
        Self { system, places, names: HashSet::new(), domains: HashSet::new(), codes: HashSet::new() }
    }

    fn unique_name(
        &mut self,
        rng: &mut ChaCha8Rng,
        mut make: impl FnMut(&mut ChaCha8Rng) -> (String, String),
    ) -> (String, String) {
        for _ in 0..40 {
            let (name, stem) = make(rng);
            if self.names.insert(name.clone()) {
                return (name, stem);
            }
        }
        let (name, stem) = make(rng);
        let mut k = 2;
        loop {
            let candidate = format!("{name} {k}");
            if self.names.insert(candidate.clone()) {
                return (candidate, format!("{stem}{k}"));
            }
            k += 1;
        }
    }

    fn unique_domain(&mut self, stem: &str, suffix: &str) -> anyhow::Result<EmailDomain> {
        let stem = slug(stem);
        let mut candidate = format!("{stem}{suffix}");
        let mut k = 2;
        while !self.domains.insert(candidate.clone()) {
            candidate = format!("{stem}{k}{suffix}");
            k += 1;
        }
        EmailDomain::parse(&candidate).with_context(|| format!("generated email domain {candidate:?}"))
    }

    fn unique_code(
        &mut self,
        rng: &mut ChaCha8Rng,
        make: impl Fn(&mut ChaCha8Rng) -> String,
    ) -> anyhow::Result<OrganisationCode> {
        loop {
            let code = make(rng);
            if self.codes.insert(code.clone()) {
                return OrganisationCode::parse(&code).with_context(|| format!("generated organisation code {code:?}"));
            }
        }
    }

    fn organisation(
        &mut self,
        rng: &mut ChaCha8Rng,
        id: OrganisationId,
        kind: OrgType,
        nth: usize,
        size: usize,
    ) -> anyhow::Result<OrgPlan> {
        const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRTVWXY";
        const ALNUM: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTVWXY";
        let letter = |rng: &mut ChaCha8Rng, set: &[u8]| char::from(set[rng.gen_range(0..set.len())]);
        let place = match kind {
            OrgType::Acute | OrgType::Council => nth % self.places.len(),
            OrgType::MentalHealth | OrgType::Community | OrgType::Icb => 0,
            _ => rng.gen_range(0..self.places.len()),
        };
        let place_name = self.places[place].name;
        let towns = self.places[place].towns.clone();
        let town = |rng: &mut ChaCha8Rng| towns.choose(rng).copied().unwrap_or(place_name);
        let system = self.system.clone();

        let (kind_code, sector, ownership) = match kind {
            OrgType::Acute | OrgType::MentalHealth | OrgType::Community => {
                (OrganisationKind::NhsTrust, Sector::Health, Ownership::Public)
            }
            OrgType::Icb => (OrganisationKind::IntegratedCareBoard, Sector::Health, Ownership::Public),
            OrgType::Council => (OrganisationKind::LocalAuthority, Sector::SocialWork, Ownership::Public),
            OrgType::Gp => (OrganisationKind::GpPractice, Sector::Health, Ownership::Independent),
            OrgType::CareHome | OrgType::HomeCare | OrgType::OtherCare => {
                let ownership = match rng.gen_range(0..100) {
                    0..=87 => Ownership::Independent,
                    88..=96 => Ownership::Third,
                    _ => Ownership::Public,
                };
                (OrganisationKind::CareProvider, Sector::SocialCare, ownership)
            }
            OrgType::Voluntary => {
                let sector = if rng.gen_bool(0.3) { Sector::Health } else { Sector::SocialCare };
                (OrganisationKind::VoluntaryOrganisation, sector, Ownership::Third)
            }
        };

        let (name, stem, suffix) = match kind {
            OrgType::Acute => {
                let (name, stem) = self.unique_name(rng, |rng| {
                    let t = town(rng);
                    match (nth, rng.gen_range(0..4)) {
                        (0, _) => {
                            (format!("{place_name} University Hospitals NHS Foundation Trust"), place_name.to_owned())
                        }
                        (n, _) if n < 3 => {
                            (format!("{place_name} Hospitals NHS Trust"), format!("{place_name}hospitals"))
                        }
                        (_, 0) => {
                            (format!("{t} and {place_name} Hospitals NHS Foundation Trust"), format!("{t}{place_name}"))
                        }
                        (_, 1) => (format!("{t} Hospitals NHS Trust"), t.to_owned()),
                        (_, 2) => (format!("{t} University Hospitals NHS Foundation Trust"), format!("{t}uh")),
                        _ => (format!("{t} Healthcare NHS Trust"), format!("{t}healthcare")),
                    }
                });
                (name, stem, ".nhs.uk")
            }
            OrgType::MentalHealth => {
                let (name, stem) = self.unique_name(rng, |rng| match nth {
                    0 => (format!("{system} Partnership NHS Foundation Trust"), format!("{system}partnership")),
                    _ => {
                        let t = town(rng);
                        (format!("{t} Mental Health NHS Foundation Trust"), format!("{t}mh"))
                    }
                });
                (name, stem, ".nhs.uk")
            }
            OrgType::Community => {
                let (name, stem) = self.unique_name(rng, |rng| match nth {
                    0 => (format!("{system} Community Health NHS Trust"), format!("{system}community")),
                    _ => {
                        let t = town(rng);
                        (format!("{t} Community Healthcare NHS Trust"), format!("{t}community"))
                    }
                });
                (name, stem, ".nhs.uk")
            }
            OrgType::Icb => {
                let (name, stem) =
                    self.unique_name(rng, |_| (format!("NHS {system} Integrated Care Board"), format!("{system}icb")));
                (name, stem, ".nhs.uk")
            }
            OrgType::Council => {
                let (name, stem) = self.unique_name(rng, |rng| {
                    let base = if nth < 5 && rng.gen_bool(0.8) { place_name } else { town(rng) };
                    let kind = choose(
                        rng,
                        &[
                            "City Council",
                            "Borough Council",
                            "County Council",
                            "Metropolitan Borough Council",
                            "Council",
                        ],
                    );
                    (format!("{base} {kind}"), base.to_owned())
                });
                (name, stem, ".gov.uk")
            }
            OrgType::Gp => {
                let (name, stem) = self.unique_name(rng, |rng| {
                    let t = town(rng);
                    let street = choose(rng, STREETS);
                    let feature = choose(rng, FEATURES);
                    let name = match rng.gen_range(0..7) {
                        0 | 1 => format!("{street} Surgery"),
                        2 => format!("{t} Medical Practice"),
                        3 => format!("{feature} Health Centre"),
                        4 => format!("The {feature} Practice"),
                        5 => format!("{street} Medical Centre"),
                        _ => format!("{t} Family Practice"),
                    };
                    (name.clone(), name)
                });
                (name, stem, ".nhs.uk")
            }
            OrgType::CareHome => {
                let (name, stem) = self.unique_name(rng, |rng| {
                    let feature = choose(rng, FEATURES);
                    let base = match rng.gen_range(0..8) {
                        0 | 1 => format!("{feature} House"),
                        2 => format!("{feature} Lodge"),
                        3 => format!("{feature} Court"),
                        4 => format!("{feature} Manor"),
                        5 => format!("{feature} Grange"),
                        6 => format!("{} Nursing Home", choose(rng, SAINTS)),
                        _ => format!("{feature} View Care Home"),
                    };
                    if rng.gen_bool(0.25) {
                        let t = town(rng);
                        (format!("{base}, {t}"), format!("{base}{t}"))
                    } else {
                        (base.clone(), base)
                    }
                });
                (name, stem, "-care.co.uk")
            }
            OrgType::HomeCare => {
                let (name, stem) = self.unique_name(rng, |rng| {
                    let t = town(rng);
                    let word = choose(rng, CARE_WORDS);
                    let name = match rng.gen_range(0..5) {
                        0 => format!("{t} Home Care"),
                        1 => format!("{word} Homecare"),
                        2 => format!("{word} Care at Home"),
                        3 => format!("{t} Domiciliary Care"),
                        _ => format!("{word} Home Support ({t})"),
                    };
                    (name.clone(), name)
                });
                (name, stem, ".co.uk")
            }
            OrgType::OtherCare => {
                let (name, stem) = self.unique_name(rng, |rng| {
                    let t = town(rng);
                    let word = choose(rng, CARE_WORDS);
                    let name = match rng.gen_range(0..5) {
                        0 => format!("{t} Supported Living"),
                        1 => format!("{word} Living Services"),
                        2 => format!("{t} Day Opportunities"),
                        3 => format!("{word} Community Support"),
                        _ => format!("{word} Shared Lives ({t})"),
                    };
                    (name.clone(), name)
                });
                (name, stem, "-care.co.uk")
            }
            OrgType::Voluntary => {
                let (name, stem) = self.unique_name(rng, |rng| {
                    let t = town(rng);
                    let word = choose(rng, CARE_WORDS);
                    let name = match rng.gen_range(0..10) {
                        0 => format!("{t} Carers Centre"),
                        1 => format!("{t} Befriending Service"),
                        2 => format!("{t} Community Transport"),
                        3 => format!("{word} Wellbeing Trust"),
                        4 => format!("{t} Hospice at Home"),
                        5 => format!("{t} Dementia Support"),
                        6 => format!("{t} Stroke Club"),
                        7 => format!("{t} Disability Forum"),
                        8 => format!("{word} Foundation"),
                        _ => format!("{t} Volunteer Centre"),
                    };
                    (name.clone(), name)
                });
                (name, stem, ".org.uk")
            }
        };

        let code = match kind {
            OrgType::Acute | OrgType::MentalHealth | OrgType::Community => {
                self.unique_code(rng, |rng| format!("R{}{}", letter(rng, LETTERS), letter(rng, ALNUM)))?
            }
            OrgType::Icb => self.unique_code(rng, |rng| format!("Q{}{}", letter(rng, LETTERS), letter(rng, ALNUM)))?,
            OrgType::Council => self.unique_code(rng, |rng| format!("E0{}", rng.gen_range(6_000_000..9_000_000)))?,
            OrgType::Gp => {
                self.unique_code(rng, |rng| format!("{}{:05}", letter(rng, LETTERS), rng.gen_range(81_000..89_999)))?
            }
            OrgType::CareHome | OrgType::HomeCare | OrgType::OtherCare => {
                self.unique_code(rng, |rng| format!("1-{}", rng.gen_range(100_000_000..999_999_999u32)))?
            }
            OrgType::Voluntary => self.unique_code(rng, |rng| format!("CH{}", rng.gen_range(1_000_000..1_200_000)))?,
        };
        let domain = self.unique_domain(&stem, suffix)?;
        let fields = OrganisationFields {
            code,
            name: OrganisationName::parse(&name).with_context(|| format!("generated organisation name {name:?}"))?,
            kind: kind_code,
            sector,
            ownership,
            email_domains: vec![domain.clone()],
            place: Some(place_name.to_owned()),
            system: Some(format!("{system} Integrated Care System")),
        };
        Ok(OrgPlan { id, kind, size, domain: domain.as_str().to_owned(), fields })
    }
}

// ---------------------------------------------------------------------------------------------
// Ladders: the grades of each kind of organisation, who manages whom, and the job titles.

/// A group of jobs whose holders usually manage one another; a report looks first for a manager
/// of their own family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Nursing,
    Therapy,
    Medical,
    Corporate,
    Care,
    SocialWork,
}

const FAMILIES: usize = 6;
const ALL_FAMILIES: [Family; FAMILIES] =
    [Family::Nursing, Family::Therapy, Family::Medical, Family::Corporate, Family::Care, Family::SocialWork];

const NURSING: &str = "Nursing";
const MIDWIFERY: &str = "Midwifery";
const MEDICAL: &str = "Medical and dental";
const AHP: &str = "Allied health professions";
const SCIENCE: &str = "Healthcare science";
const PHARMACY: &str = "Pharmacy";
const PSYCHOLOGY: &str = "Psychological professions";
const SUPPORT: &str = "Support to clinical staff";
const ADMIN: &str = "Administrative and clerical";
const ESTATES: &str = "Estates and ancillary";
const MANAGEMENT: &str = "Management";
const FINANCE: &str = "Finance";
const PEOPLE: &str = "Human resources";
const DIGITAL: &str = "Digital and data";
const SOCIAL_WORK: &str = "Social work";
const OCCUPATIONAL_THERAPY: &str = "Occupational therapy";
const DIRECT_CARE: &str = "Direct care";
const CARE_MANAGEMENT: &str = "Care management";
const ANCILLARY: &str = "Ancillary";

struct Title {
    name: &'static str,
    profession: &'static str,
    family: Family,
    weight: u32,
}

fn t(name: &'static str, profession: &'static str, family: Family, weight: u32) -> Title {
    Title { name, profession, family, weight }
}

struct GradeSpec {
    key: &'static str,
    level: Level,
    share: f64,
    min: usize,
    max: usize,
    titles: Vec<Title>,
    managers: Vec<(&'static str, u32)>,
    span: (usize, usize),
    tenure: f64,
}

fn grade(
    key: &'static str,
    level: Level,
    share: f64,
    titles: Vec<Title>,
    managers: &[(&'static str, u32)],
) -> GradeSpec {
    GradeSpec {
        key,
        level,
        share,
        min: 0,
        max: usize::MAX,
        titles,
        managers: managers.to_vec(),
        span: (5, 12),
        tenure: 7.0,
    }
}

impl GradeSpec {
    fn fixed(self) -> Self {
        self.bounds(1, 1)
    }
    fn bounds(mut self, min: usize, max: usize) -> Self {
        self.min = min;
        self.max = max;
        self
    }
    fn span(mut self, lo: usize, hi: usize) -> Self {
        self.span = (lo, hi);
        self
    }
    fn tenure(mut self, years: f64) -> Self {
        self.tenure = years;
        self
    }
}

struct Grade {
    level: Level,
    share: f64,
    min: usize,
    max: usize,
    titles: Vec<(JobTitle, Profession, Family)>,
    pick: WeightedIndex<u32>,
    managers: Vec<(usize, u32)>,
    span: (usize, usize),
    tenure: f64,
}

/// The grades of one kind of organisation, most senior first. The first grade holds exactly one
/// person, who heads the organisation; every other grade is managed by grades before it.
struct Ladder {
    grades: Vec<Grade>,
    /// The grade that absorbs rounding.
    filler: usize,
}

impl Ladder {
    fn new(specs: Vec<GradeSpec>) -> anyhow::Result<Self> {
        let index: HashMap<&str, usize> = specs.iter().enumerate().map(|(i, s)| (s.key, i)).collect();
        let mut grades = Vec::with_capacity(specs.len());
        for (g, spec) in specs.iter().enumerate() {
            let mut managers = Vec::with_capacity(spec.managers.len());
            for (key, weight) in &spec.managers {
                match index.get(key) {
                    Some(&m) if m < g => managers.push((m, *weight)),
                    _ => bail!("ladder grade {} names {key} as a manager, which is not a grade above it", spec.key),
                }
            }
            let titles = spec
                .titles
                .iter()
                .map(|t| Ok((JobTitle::parse(t.name)?, Profession::parse(t.profession)?, t.family)))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let pick = WeightedIndex::new(spec.titles.iter().map(|t| t.weight))
                .with_context(|| format!("titles of grade {}", spec.key))?;
            grades.push(Grade {
                level: spec.level,
                share: spec.share,
                min: spec.min,
                max: spec.max,
                titles,
                pick,
                managers,
                span: spec.span,
                tenure: spec.tenure,
            });
        }
        if grades.first().is_none_or(|g| g.min != 1 || g.max != 1) {
            bail!("a ladder starts with one head of the organisation");
        }
        let filler =
            (1..grades.len()).max_by(|&a, &b| grades[a].share.total_cmp(&grades[b].share).then(b.cmp(&a))).unwrap_or(0);
        Ok(Self { grades, filler })
    }

    /// How many people of each grade an organisation of `size` has.
    fn counts(&self, size: usize) -> Vec<usize> {
        let n = self.grades.len();
        let mut counts = vec![0; n];
        if size == 0 {
            return counts;
        }
        counts[0] = 1;
        let rest = size - 1;
        let total: f64 = self.grades[1..].iter().map(|g| g.share).sum();
        for (count, grade) in counts.iter_mut().zip(&self.grades).skip(1) {
            let expected = rest as f64 * grade.share / total;
            *count = (expected.round() as usize).clamp(grade.min, grade.max);
        }
        let sum: usize = counts.iter().sum();
        if sum < size {
            counts[self.filler] += size - sum;
        } else {
            let mut excess = sum - size;
            let take = excess.min(counts[self.filler]);
            counts[self.filler] -= take;
            excess -= take;
            for g in (1..n).rev() {
                let take = excess.min(counts[g]);
                counts[g] -= take;
                excess -= take;
            }
        }
        counts
    }

    /// For each grade, the grades that actually manage it in an organisation with `counts`:
    /// a manager grade with nobody in it passes its reports up to its own managers.
    fn effective_managers(&self, counts: &[usize]) -> Vec<Vec<(usize, f64)>> {
        let mut eff: Vec<Vec<(usize, f64)>> = Vec::with_capacity(self.grades.len());
        for (g, grade) in self.grades.iter().enumerate() {
            let mut out: Vec<(usize, f64)> = Vec::new();
            let mut add = |m: usize, w: f64| match out.iter_mut().find(|(k, _)| *k == m) {
                Some((_, x)) => *x += w,
                None => out.push((m, w)),
            };
            if g > 0 {
                let specified: Vec<(usize, u32)> =
                    if grade.managers.is_empty() { vec![(0, 1)] } else { grade.managers.clone() };
                for (m, w) in specified {
                    if counts[m] > 0 {
                        add(m, f64::from(w));
                    } else {
                        let above: f64 = eff[m].iter().map(|x| x.1).sum();
                        for &(mm, ww) in &eff[m] {
                            add(mm, f64::from(w) * ww / above);
                        }
                    }
                }
                if out.is_empty() {
                    out.push((0, 1.0));
                }
            }
            eff.push(out);
        }
        eff
    }
}

/// Chooses a line manager for everyone but the head, filling each manager up to a span drawn
/// from their grade before opening the next. `people` lists (grade, family) in grade order.
fn assign_managers(
    rng: &mut ChaCha8Rng,
    ladder: &Ladder,
    counts: &[usize],
    people: &[(usize, Family)],
) -> Vec<Option<usize>> {
    struct Teams {
        pools: Vec<Vec<usize>>,
        next: Vec<usize>,
        open: Vec<Option<(usize, usize)>>,
    }
    impl Teams {
        fn take(&mut self, rng: &mut ChaCha8Rng, ladder: &Ladder, grade: usize, family: Family) -> Option<usize> {
            let k = grade * FAMILIES + family as usize;
            if let Some((m, left)) = self.open[k] {
                self.open[k] = if left > 1 { Some((m, left - 1)) } else { None };
                return Some(m);
            }
            let m = *self.pools[k].get(self.next[k])?;
            self.next[k] += 1;
            let (lo, hi) = ladder.grades[grade].span;
            let span = rng.gen_range(lo..=hi);
            self.open[k] = if span > 1 { Some((m, span - 1)) } else { None };
            Some(m)
        }
    }

    let n = ladder.grades.len();
    let mut teams =
        Teams { pools: vec![Vec::new(); n * FAMILIES], next: vec![0; n * FAMILIES], open: vec![None; n * FAMILIES] };
    for (p, (g, f)) in people.iter().enumerate() {
        teams.pools[g * FAMILIES + *f as usize].push(p);
    }
    let mut starts = Vec::with_capacity(n);
    let mut at = 0;
    for c in counts {
        starts.push(at);
        at += c;
    }
    let eff = ladder.effective_managers(counts);
    let mut managers = vec![None; people.len()];
    for (p, &(g, family)) in people.iter().enumerate().skip(1) {
        let choices = &eff[g];
        let first = pick_weighted(rng, choices.iter().map(|c| c.1));
        let order = || std::iter::once(first).chain((0..choices.len()).filter(move |&k| k != first));
        let mut found = order().find_map(|k| teams.take(rng, ladder, choices[k].0, family));
        if found.is_none() {
            found = order().find_map(|k| ALL_FAMILIES.iter().find_map(|&f| teams.take(rng, ladder, choices[k].0, f)));
        }
        let m = found.unwrap_or_else(|| {
            // Every possible manager is full: give the report to any of them.
            let mg = choices[first].0;
            starts[mg] + rng.gen_range(0..counts[mg].max(1))
        });
        managers[p] = Some(m);
    }
    managers
}

struct Ladders {
    acute: Ladder,
    mental_health: Ladder,
    community: Ladder,
    icb: Ladder,
    council: Ladder,
    gp: Ladder,
    care_home: [Ladder; 2],
    home_care: [Ladder; 2],
    other_care: [Ladder; 2],
    voluntary: Ladder,
}

/// Care providers of this size or more are run by a managing director with registered managers
/// below; smaller ones are headed by their registered manager.
const CARE_GROUP_SIZE: usize = 100;

impl Ladders {
    fn new() -> anyhow::Result<Self> {
        Ok(Self {
            acute: Ladder::new(nhs_trust(OrgType::Acute))?,
            mental_health: Ladder::new(nhs_trust(OrgType::MentalHealth))?,
            community: Ladder::new(nhs_trust(OrgType::Community))?,
            icb: Ladder::new(icb())?,
            council: Ladder::new(council())?,
            gp: Ladder::new(gp_practice())?,
            care_home: [Ladder::new(care(OrgType::CareHome, false))?, Ladder::new(care(OrgType::CareHome, true))?],
            home_care: [Ladder::new(care(OrgType::HomeCare, false))?, Ladder::new(care(OrgType::HomeCare, true))?],
            other_care: [Ladder::new(care(OrgType::OtherCare, false))?, Ladder::new(care(OrgType::OtherCare, true))?],
            voluntary: Ladder::new(voluntary())?,
        })
    }

    fn for_organisation(&self, kind: OrgType, size: usize) -> &Ladder {
        let large = usize::from(size >= CARE_GROUP_SIZE);
        match kind {
            OrgType::Acute => &self.acute,
            OrgType::MentalHealth => &self.mental_health,
            OrgType::Community => &self.community,
            OrgType::Icb => &self.icb,
            OrgType::Council => &self.council,
            OrgType::Gp => &self.gp,
            OrgType::CareHome => &self.care_home[large],
            OrgType::HomeCare => &self.home_care[large],
            OrgType::OtherCare => &self.other_care[large],
            OrgType::Voluntary => &self.voluntary,
        }
    }
}

/// An NHS trust: the Agenda for Change bands weighted as DOMAIN.md gives them (medical 10, band 2
/// 13, band 3 13, band 4 8, band 5 20, band 6 18, band 7 11, 8a 4, 8b 1.6, 8c 0.7, 8d 0.3, band 9
/// 0.2, VSM 0.2), with fewer doctors in mental health and community trusts.
fn nhs_trust(kind: OrgType) -> Vec<GradeSpec> {
    use Family::{Corporate as C, Medical as M, Nursing as N, Therapy as T};
    use Level::*;
    let (medical, b5_nurse, b6_nurse, b7_nurse, b4_nurse, b3_support, b2_support, consultants, doctors) = match kind {
        OrgType::MentalHealth => (
            5.0,
            vec![
                t("Mental health nurse", NURSING, N, 10),
                t("Learning disability nurse", NURSING, N, 2),
                t("Staff nurse", NURSING, N, 2),
            ],
            vec![
                t("Community psychiatric nurse", NURSING, N, 4),
                t("Senior mental health nurse", NURSING, N, 4),
                t("Deputy ward manager", NURSING, N, 2),
            ],
            vec![
                t("Ward manager", NURSING, N, 4),
                t("Community mental health team leader", NURSING, N, 3),
                t("Clinical nurse specialist", NURSING, N, 2),
            ],
            vec![t("Nursing associate", NURSING, N, 2), t("Support time and recovery worker", SUPPORT, N, 3)],
            vec![t("Senior healthcare support worker", SUPPORT, N, 5), t("Peer support worker", SUPPORT, N, 1)],
            vec![t("Healthcare support worker", SUPPORT, N, 7)],
            vec![
                t("Consultant psychiatrist", MEDICAL, M, 6),
                t("Consultant in old age psychiatry", MEDICAL, M, 2),
                t("Consultant child and adolescent psychiatrist", MEDICAL, M, 2),
                t("Consultant forensic psychiatrist", MEDICAL, M, 1),
            ],
            vec![
                t("Specialty doctor in psychiatry", MEDICAL, M, 3),
                t("Core trainee in psychiatry", MEDICAL, M, 2),
                t("Specialty registrar in psychiatry", MEDICAL, M, 2),
            ],
        ),
        OrgType::Community => (
            2.5,
            vec![
                t("Community staff nurse", NURSING, N, 8),
                t("Staff nurse", NURSING, N, 3),
                t("School nurse", NURSING, N, 1),
            ],
            vec![
                t("District nurse", NURSING, N, 5),
                t("Health visitor", NURSING, N, 4),
                t("Community nurse specialist", NURSING, N, 2),
            ],
            vec![
                t("District nursing team leader", NURSING, N, 4),
                t("Advanced clinical practitioner", NURSING, N, 2),
                t("Health visiting team leader", NURSING, N, 2),
            ],
            vec![t("Nursing associate", NURSING, N, 3), t("Assistant practitioner", SUPPORT, N, 2)],
            vec![t("Senior healthcare assistant", SUPPORT, N, 4), t("Community health support worker", SUPPORT, N, 2)],
            vec![t("Healthcare assistant", SUPPORT, N, 7)],
            vec![
                t("Consultant community paediatrician", MEDICAL, M, 2),
                t("Consultant in palliative medicine", MEDICAL, M, 1),
                t("Consultant geriatrician", MEDICAL, M, 1),
            ],
            vec![t("Specialty doctor", MEDICAL, M, 3), t("GP with extended role", MEDICAL, M, 1)],
        ),
        _ => (
            10.0,
            vec![t("Staff nurse", NURSING, N, 14), t("Midwife", MIDWIFERY, N, 2)],
            vec![
                t("Senior staff nurse", NURSING, N, 6),
                t("Deputy ward manager", NURSING, N, 3),
                t("Midwife", MIDWIFERY, N, 2),
                t("Clinical nurse specialist", NURSING, N, 2),
            ],
            vec![
                t("Ward manager", NURSING, N, 6),
                t("Advanced clinical practitioner", NURSING, N, 3),
                t("Senior sister", NURSING, N, 2),
                t("Clinical nurse specialist", NURSING, N, 2),
            ],
            vec![
                t("Nursing associate", NURSING, N, 3),
                t("Assistant practitioner", SUPPORT, N, 2),
                t("Maternity support worker", SUPPORT, N, 1),
            ],
            vec![t("Senior healthcare assistant", SUPPORT, N, 5), t("Phlebotomist", SUPPORT, N, 1)],
            vec![t("Healthcare assistant", SUPPORT, N, 7)],
            vec![
                t("Consultant cardiologist", MEDICAL, M, 1),
                t("Consultant anaesthetist", MEDICAL, M, 2),
                t("Consultant in emergency medicine", MEDICAL, M, 1),
                t("Consultant general surgeon", MEDICAL, M, 1),
                t("Consultant geriatrician", MEDICAL, M, 1),
                t("Consultant obstetrician and gynaecologist", MEDICAL, M, 1),
                t("Consultant paediatrician", MEDICAL, M, 1),
                t("Consultant radiologist", MEDICAL, M, 1),
                t("Consultant respiratory physician", MEDICAL, M, 1),
                t("Consultant orthopaedic surgeon", MEDICAL, M, 1),
            ],
            vec![
                t("Specialty registrar", MEDICAL, M, 3),
                t("Foundation doctor", MEDICAL, M, 2),
                t("Specialty doctor", MEDICAL, M, 2),
                t("Core trainee", MEDICAL, M, 1),
                t("Clinical fellow", MEDICAL, M, 1),
            ],
        ),
    };
    let scale = medical / 10.0;
    vec![
        grade("ceo", VerySeniorManager, 0.0, vec![t("Chief executive", MANAGEMENT, C, 1)], &[])
            .fixed()
            .span(8, 12)
            .tenure(4.0),
        grade("md", VerySeniorManager, 0.0, vec![t("Medical director", MEDICAL, M, 1)], &[("ceo", 1)])
            .fixed()
            .span(4, 8)
            .tenure(5.0),
        grade("cn", VerySeniorManager, 0.0, vec![t("Chief nurse", NURSING, N, 1)], &[("ceo", 1)])
            .fixed()
            .span(5, 10)
            .tenure(5.0),
        grade(
            "exec",
            VerySeniorManager,
            0.08,
            vec![
                t("Chief operating officer", MANAGEMENT, C, 3),
                t("Director of finance", FINANCE, C, 2),
                t("Chief people officer", PEOPLE, C, 2),
                t("Director of strategy", MANAGEMENT, C, 1),
                t("Chief digital information officer", DIGITAL, C, 1),
                t("Director of estates and facilities", ESTATES, C, 1),
            ],
            &[("ceo", 1)],
        )
        .bounds(1, 6)
        .span(5, 10)
        .tenure(4.0),
        grade(
            "vsm",
            VerySeniorManager,
            0.1,
            vec![
                t("Divisional director of operations", MANAGEMENT, C, 3),
                t("Director of midwifery", MIDWIFERY, N, 1),
                t("Deputy chief nurse", NURSING, N, 1),
                t("Director of allied health professions", AHP, T, 1),
                t("Director of corporate affairs", MANAGEMENT, C, 1),
            ],
            &[("exec", 3), ("cn", 1)],
        )
        .span(5, 10)
        .tenure(4.0),
        grade(
            "b9",
            Band9,
            0.2,
            vec![
                t("Divisional director of nursing", NURSING, N, 2),
                t("Director of operations", MANAGEMENT, C, 2),
                t("Director of workforce", PEOPLE, C, 1),
                t("Director of transformation", MANAGEMENT, C, 1),
                t("Director of pharmacy", PHARMACY, T, 1),
            ],
            &[("vsm", 2), ("exec", 2), ("cn", 1)],
        )
        .span(5, 10),
        grade(
            "b8d",
            Band8d,
            0.3,
            vec![
                t("Deputy director of operations", MANAGEMENT, C, 2),
                t("Deputy director of nursing", NURSING, N, 2),
                t("Deputy director of finance", FINANCE, C, 1),
                t("Deputy director of people", PEOPLE, C, 1),
                t("Deputy director of estates", ESTATES, C, 1),
            ],
            &[("b9", 3), ("vsm", 1), ("exec", 1)],
        ),
        grade(
            "b8c",
            Band8c,
            0.7,
            vec![
                t("Associate director of operations", MANAGEMENT, C, 3),
                t("Associate director of nursing", NURSING, N, 3),
                t("Associate director of finance", FINANCE, C, 1),
                t("Associate director of workforce", PEOPLE, C, 1),
                t("Associate director of therapies", AHP, T, 1),
                t("Chief pharmacist", PHARMACY, T, 1),
            ],
            &[("b8d", 3), ("b9", 1)],
        ),
        grade(
            "b8b",
            Band8b,
            1.6,
            vec![
                t("Head of nursing", NURSING, N, 4),
                t("Head of midwifery", MIDWIFERY, N, 1),
                t("Consultant nurse", NURSING, N, 1),
                t("General manager", MANAGEMENT, C, 3),
                t("Head of therapies", AHP, T, 1),
                t("Principal clinical scientist", SCIENCE, T, 1),
                t("Consultant clinical psychologist", PSYCHOLOGY, T, 1),
                t("Head of finance", FINANCE, C, 1),
                t("Head of HR", PEOPLE, C, 1),
                t("Head of organisational development", PEOPLE, C, 1),
            ],
            &[("b8c", 3), ("b8d", 1)],
        ),
        grade(
            "b8a",
            Band8a,
            4.0,
            vec![
                t("Matron", NURSING, N, 6),
                t("Service manager", MANAGEMENT, C, 4),
                t("Lead pharmacist", PHARMACY, T, 1),
                t("Principal clinical psychologist", PSYCHOLOGY, T, 1),
                t("Clinical lead physiotherapist", AHP, T, 1),
                t("Finance manager", FINANCE, C, 1),
                t("HR business partner", PEOPLE, C, 1),
                t("Learning and development manager", PEOPLE, C, 1),
                t("Estates manager", ESTATES, C, 1),
            ],
            &[("b8b", 3), ("b8c", 1)],
        ),
        grade(
            "b7",
            Band7,
            11.0,
            b7_nurse
                .into_iter()
                .chain([
                    t("Highly specialist physiotherapist", AHP, T, 2),
                    t("Clinical psychologist", PSYCHOLOGY, T, 1),
                    t("Specialist pharmacist", PHARMACY, T, 1),
                    t("Operational manager", MANAGEMENT, C, 2),
                    t("Project manager", MANAGEMENT, C, 1),
                    t("Accountant", FINANCE, C, 1),
                    t("IT service manager", DIGITAL, C, 1),
                ])
                .collect(),
            &[("b8a", 4), ("b8b", 1)],
        )
        .span(5, 12),
        grade(
            "b6",
            Band6,
            18.0,
            b6_nurse
                .into_iter()
                .chain([
                    t("Senior physiotherapist", AHP, T, 1),
                    t("Senior occupational therapist", AHP, T, 1),
                    t("Senior radiographer", AHP, T, 1),
                    t("Senior biomedical scientist", SCIENCE, T, 1),
                    t("Pharmacist", PHARMACY, T, 1),
                    t("HR advisor", PEOPLE, C, 1),
                    t("Senior information analyst", DIGITAL, C, 1),
                    t("Assistant service manager", MANAGEMENT, C, 1),
                ])
                .collect(),
            &[("b7", 4), ("b8a", 1)],
        )
        .span(4, 10),
        grade(
            "b5",
            Band5,
            20.0,
            b5_nurse
                .into_iter()
                .chain([
                    t("Occupational therapist", AHP, T, 1),
                    t("Physiotherapist", AHP, T, 1),
                    t("Radiographer", AHP, T, 1),
                    t("Dietitian", AHP, T, 1),
                    t("Biomedical scientist", SCIENCE, T, 1),
                    t("Finance officer", FINANCE, C, 1),
                    t("IT support analyst", DIGITAL, C, 1),
                ])
                .collect(),
            &[("b7", 3), ("b6", 2)],
        )
        .span(3, 8),
        grade(
            "b4",
            Band4,
            8.0,
            b4_nurse
                .into_iter()
                .chain([
                    t("Pharmacy technician", PHARMACY, T, 1),
                    t("Team administrator", ADMIN, C, 1),
                    t("Senior medical secretary", ADMIN, C, 1),
                ])
                .collect(),
            &[("b7", 2), ("b6", 2)],
        ),
        grade(
            "b3",
            Band3,
            13.0,
            b3_support
                .into_iter()
                .chain([
                    t("Therapy assistant", SUPPORT, T, 1),
                    t("Medical secretary", ADMIN, C, 2),
                    t("Clinical coder", ADMIN, C, 1),
                    t("Ward clerk", ADMIN, C, 1),
                    t("Estates technician", ESTATES, C, 1),
                ])
                .collect(),
            &[("b7", 2), ("b6", 2)],
        ),
        grade(
            "b2",
            Band2,
            13.0,
            b2_support
                .into_iter()
                .chain([
                    t("Porter", ESTATES, C, 2),
                    t("Domestic assistant", ESTATES, C, 2),
                    t("Catering assistant", ESTATES, C, 1),
                    t("Administrative assistant", ADMIN, C, 1),
                    t("Receptionist", ADMIN, C, 1),
                ])
                .collect(),
            &[("b7", 2), ("b6", 2)],
        ),
        grade("amd", Medical, 0.06 * scale, vec![t("Associate medical director", MEDICAL, M, 1)], &[("md", 1)])
            .span(4, 8)
            .tenure(6.0),
        grade("cd", Medical, 0.4 * scale, vec![t("Clinical director", MEDICAL, M, 1)], &[("amd", 1)])
            .span(5, 12)
            .tenure(7.0),
        grade("cons", Medical, 4.0 * scale, consultants, &[("cd", 1)]).span(1, 4).tenure(9.0),
        grade("doc", Medical, 5.54 * scale, doctors, &[("cons", 1)]).tenure(1.5),
    ]
}

/// An integrated care board: commissioners, analysts and programme teams, mostly at bands 6 to 8.
fn icb() -> Vec<GradeSpec> {
    use Family::{Corporate as C, Medical as M, Nursing as N, Therapy as T};
    use Level::*;
    vec![
        grade("ceo", VerySeniorManager, 0.0, vec![t("Chief executive", MANAGEMENT, C, 1)], &[])
            .fixed()
            .span(6, 10)
            .tenure(3.0),
        grade(
            "exec",
            VerySeniorManager,
            1.0,
            vec![
                t("Chief finance officer", FINANCE, C, 1),
                t("Chief medical officer", MEDICAL, M, 1),
                t("Chief nursing officer", NURSING, N, 1),
                t("Director of strategy and partnerships", MANAGEMENT, C, 1),
                t("Chief people officer", PEOPLE, C, 1),
                t("Director of performance and delivery", MANAGEMENT, C, 1),
            ],
            &[("ceo", 1)],
        )
        .bounds(2, 8)
        .tenure(3.0),
        grade(
            "b9",
            Band9,
            2.0,
            vec![
                t("Director of primary care", MANAGEMENT, C, 1),
                t("Director of commissioning", MANAGEMENT, C, 1),
                t("Director of transformation", MANAGEMENT, C, 1),
                t("Director of quality", NURSING, N, 1),
            ],
            &[("exec", 1)],
        ),
        grade(
            "b8d",
            Band8d,
            3.0,
            vec![
                t("Deputy director of finance", FINANCE, C, 1),
                t("Deputy director of quality", NURSING, N, 1),
                t("Deputy director of primary care", MANAGEMENT, C, 1),
                t("Deputy director of workforce", PEOPLE, C, 1),
            ],
            &[("b9", 2), ("exec", 1)],
        ),
        grade(
            "b8c",
            Band8c,
            5.0,
            vec![
                t("Associate director of commissioning", MANAGEMENT, C, 2),
                t("Associate director of workforce", PEOPLE, C, 1),
                t("Associate director of transformation", MANAGEMENT, C, 1),
                t("Associate director of medicines optimisation", PHARMACY, T, 1),
            ],
            &[("b8d", 2), ("b9", 1)],
        ),
        grade(
            "b8b",
            Band8b,
            9.0,
            vec![
                t("Head of leadership and organisational development", PEOPLE, C, 1),
                t("Head of primary care", MANAGEMENT, C, 2),
                t("Head of contracting", FINANCE, C, 1),
                t("Head of business intelligence", DIGITAL, C, 1),
                t("Head of medicines optimisation", PHARMACY, T, 1),
                t("Head of safeguarding", NURSING, N, 1),
            ],
            &[("b8c", 2), ("b8d", 1)],
        ),
        grade(
            "b8a",
            Band8a,
            13.0,
            vec![
                t("Programme manager", MANAGEMENT, C, 3),
                t("Senior commissioning manager", MANAGEMENT, C, 2),
                t("Quality lead", NURSING, N, 1),
                t("Senior finance manager", FINANCE, C, 1),
                t("Medicines optimisation pharmacist", PHARMACY, T, 1),
                t("Workforce transformation lead", PEOPLE, C, 1),
            ],
            &[("b8b", 3), ("b8c", 1)],
        ),
        grade(
            "b7",
            Band7,
            18.0,
            vec![
                t("Project manager", MANAGEMENT, C, 3),
                t("Commissioning manager", MANAGEMENT, C, 2),
                t("Senior analyst", DIGITAL, C, 2),
                t("Workforce development lead", PEOPLE, C, 1),
                t("Clinical quality lead", NURSING, N, 1),
            ],
            &[("b8a", 3), ("b8b", 1)],
        ),
        grade(
            "b6",
            Band6,
            15.0,
            vec![
                t("Project officer", MANAGEMENT, C, 2),
                t("Analyst", DIGITAL, C, 2),
                t("Contracts officer", FINANCE, C, 1),
                t("Primary care officer", MANAGEMENT, C, 1),
                t("Finance officer", FINANCE, C, 1),
            ],
            &[("b7", 3), ("b8a", 1)],
        ),
        grade(
            "b5",
            Band5,
            12.0,
            vec![
                t("Commissioning officer", MANAGEMENT, C, 2),
                t("Information officer", DIGITAL, C, 1),
                t("Graduate management trainee", MANAGEMENT, C, 1),
            ],
            &[("b7", 2), ("b6", 1)],
        ),
        grade(
            "b4",
            Band4,
            8.0,
            vec![
                t("Executive assistant", ADMIN, C, 1),
                t("Team administrator", ADMIN, C, 2),
                t("Finance assistant", FINANCE, C, 1),
            ],
            &[("b7", 1), ("b8a", 1)],
        ),
        grade(
            "b3",
            Band3,
            6.0,
            vec![t("Administrator", ADMIN, C, 2), t("Complaints officer", ADMIN, C, 1)],
            &[("b6", 1), ("b7", 1)],
        ),
    ]
}

/// A GP practice of about 30: partners and salaried GPs, a practice manager, nurses and the
/// reception team, on Agenda for Change equivalent bands.
fn gp_practice() -> Vec<GradeSpec> {
    use Family::{Corporate as C, Medical as M, Nursing as N, Therapy as T};
    use Level::*;
    vec![
        grade("senior", Medical, 0.0, vec![t("Senior partner", MEDICAL, M, 1)], &[]).fixed().span(3, 8).tenure(14.0),
        grade("partner", Medical, 10.0, vec![t("GP partner", MEDICAL, M, 1)], &[("senior", 1)])
            .bounds(0, 8)
            .span(1, 4)
            .tenure(10.0),
        grade("pm", Band8a, 3.3, vec![t("Practice manager", MANAGEMENT, C, 1)], &[("senior", 1)])
            .bounds(1, 1)
            .span(4, 10)
            .tenure(8.0),
        grade(
            "clinician",
            Band7,
            8.0,
            vec![
                t("Advanced nurse practitioner", NURSING, N, 3),
                t("Clinical pharmacist", PHARMACY, T, 2),
                t("First contact physiotherapist", AHP, T, 1),
                t("Paramedic practitioner", AHP, T, 1),
            ],
            &[("partner", 2), ("senior", 1)],
        ),
        grade("lead_nurse", Band7, 3.0, vec![t("Lead practice nurse", NURSING, N, 1)], &[("pm", 1), ("senior", 1)])
            .bounds(0, 1)
            .span(3, 8),
        grade(
            "salaried",
            Medical,
            10.0,
            vec![t("Salaried GP", MEDICAL, M, 3), t("GP registrar", MEDICAL, M, 1)],
            &[("partner", 3), ("senior", 1)],
        )
        .tenure(4.0),
        grade("nurse", Band6, 10.0, vec![t("Practice nurse", NURSING, N, 1)], &[("lead_nurse", 3), ("pm", 1)]),
        grade(
            "hca",
            Band3,
            7.0,
            vec![t("Healthcare assistant", SUPPORT, N, 3), t("Phlebotomist", SUPPORT, N, 1)],
            &[("lead_nurse", 2), ("nurse", 1)],
        ),
        grade(
            "office",
            Band4,
            5.0,
            vec![t("Reception manager", ADMIN, C, 2), t("Office manager", ADMIN, C, 1)],
            &[("pm", 1)],
        )
        .bounds(0, 2),
        grade(
            "admin",
            Band3,
            10.0,
            vec![
                t("Medical secretary", ADMIN, C, 2),
                t("Prescriptions clerk", ADMIN, C, 1),
                t("Care coordinator", ADMIN, C, 1),
                t("Social prescribing link worker", ADMIN, C, 1),
            ],
            &[("office", 2), ("pm", 1)],
        ),
        grade(
            "reception",
            Band2,
            24.0,
            vec![t("Receptionist", ADMIN, C, 3), t("Patient services advisor", ADMIN, C, 1)],
            &[("office", 3), ("pm", 1)],
        ),
    ]
}

/// An adult social care provider on the job ladder of DOMAIN.md (care worker 60%, senior care
/// worker 7%, other direct care 9%, team leader 3%, deputy 1%, registered manager 1.5%, director
/// 1%, registered nurse 2%, others 12%).
fn care(kind: OrgType, large: bool) -> Vec<GradeSpec> {
    use Family::{Care as K, Corporate as C, Nursing as N};
    use Level::*;
    let mut grades = Vec::new();
    if large {
        grades.push(
            grade("md", CareDirector, 0.0, vec![t("Managing director", CARE_MANAGEMENT, K, 1)], &[])
                .fixed()
                .span(4, 8)
                .tenure(8.0),
        );
        grades.push(
            grade(
                "director",
                CareDirector,
                1.0,
                vec![
                    t("Operations director", CARE_MANAGEMENT, K, 2),
                    t("Director of quality and compliance", CARE_MANAGEMENT, K, 1),
                    t("Finance director", FINANCE, C, 1),
                    t("Head of HR", PEOPLE, C, 1),
                ],
                &[("md", 1)],
            )
            .bounds(0, 6)
            .span(3, 8),
        );
        grades.push(
            grade(
                "rm",
                RegisteredManager,
                1.5,
                vec![t("Registered manager", CARE_MANAGEMENT, K, 1)],
                &[("director", 3), ("md", 1)],
            )
            .bounds(1, usize::MAX)
            .span(4, 8)
            .tenure(5.0),
        );
    } else {
        grades.push(
            grade("rm", RegisteredManager, 0.0, vec![t("Registered manager", CARE_MANAGEMENT, K, 1)], &[])
                .fixed()
                .span(4, 8)
                .tenure(5.0),
        );
    }
    let (nurse_share, nurses, leaders, seniors, carers, other, ancillary) = match kind {
        OrgType::CareHome => (
            2.5,
            vec![t("Registered nurse", NURSING, N, 3), t("Clinical lead nurse", NURSING, N, 1)],
            vec![t("Team leader", DIRECT_CARE, K, 2), t("Care supervisor", DIRECT_CARE, K, 1)],
            vec![t("Senior care worker", DIRECT_CARE, K, 3), t("Senior care assistant", DIRECT_CARE, K, 1)],
            vec![
                t("Care worker", DIRECT_CARE, K, 5),
                t("Care assistant", DIRECT_CARE, K, 3),
                t("Night care assistant", DIRECT_CARE, K, 1),
            ],
            vec![t("Activities coordinator", DIRECT_CARE, K, 1), t("Wellbeing coordinator", DIRECT_CARE, K, 1)],
            vec![
                t("Cook", ANCILLARY, C, 2),
                t("Kitchen assistant", ANCILLARY, C, 2),
                t("Housekeeper", ANCILLARY, C, 2),
                t("Laundry assistant", ANCILLARY, C, 1),
                t("Maintenance person", ANCILLARY, C, 1),
                t("Administrator", ADMIN, C, 1),
            ],
        ),
        OrgType::HomeCare => (
            0.0,
            vec![t("Registered nurse", NURSING, N, 1)],
            vec![t("Field care supervisor", DIRECT_CARE, K, 2), t("Care coordinator", DIRECT_CARE, K, 2)],
            vec![t("Senior home care worker", DIRECT_CARE, K, 3), t("Senior care worker", DIRECT_CARE, K, 1)],
            vec![
                t("Home care worker", DIRECT_CARE, K, 4),
                t("Care worker", DIRECT_CARE, K, 3),
                t("Care and support worker", DIRECT_CARE, K, 1),
            ],
            vec![t("Reablement worker", DIRECT_CARE, K, 1), t("Live-in carer", DIRECT_CARE, K, 1)],
            vec![
                t("Scheduler", ADMIN, C, 2),
                t("Administrator", ADMIN, C, 2),
                t("Recruitment officer", PEOPLE, C, 1),
                t("Care trainer", ADMIN, C, 1),
            ],
        ),
        _ => (
            0.5,
            vec![t("Learning disability nurse", NURSING, N, 1)],
            vec![t("Team leader", DIRECT_CARE, K, 2), t("Service coordinator", DIRECT_CARE, K, 1)],
            vec![t("Senior support worker", DIRECT_CARE, K, 1)],
            vec![
                t("Support worker", DIRECT_CARE, K, 5),
                t("Care worker", DIRECT_CARE, K, 2),
                t("Day services officer", DIRECT_CARE, K, 1),
            ],
            vec![t("Activities coordinator", DIRECT_CARE, K, 1), t("Employment support worker", DIRECT_CARE, K, 1)],
            vec![t("Administrator", ADMIN, C, 2), t("Driver", ANCILLARY, C, 1), t("Housekeeper", ANCILLARY, C, 1)],
        ),
    };
    grades.extend([
        grade("dm", DeputyManager, 1.5, vec![t("Deputy manager", CARE_MANAGEMENT, K, 1)], &[("rm", 1)])
            .bounds(1, usize::MAX)
            .span(4, 10)
            .tenure(4.0),
        grade("nurse", CareTeamLeader, nurse_share, nurses, &[("dm", 2), ("rm", 1)]).tenure(3.0),
        grade("tl", CareTeamLeader, 3.0, leaders, &[("dm", 2), ("rm", 1)]).tenure(4.0),
        grade("scw", SeniorCareWorker, 7.0, seniors, &[("tl", 3), ("nurse", 1), ("dm", 1)]).span(3, 8).tenure(4.0),
        grade("cw", CareWorker, 60.0, carers, &[("scw", 2), ("tl", 3), ("nurse", 1)]).tenure(3.0),
        grade("other", CareWorker, 9.0, other, &[("tl", 1), ("dm", 1)]).tenure(3.0),
        grade("ancillary", CareWorker, 12.0, ancillary, &[("dm", 2), ("rm", 1)]).tenure(3.5),
    ]);
    grades
}

/// A council's adult social care and social work staff, from the director of adult social services
/// to social workers, reablement staff and business support.
fn council() -> Vec<GradeSpec> {
    use Family::{Care as K, Corporate as C, SocialWork as S};
    use Level::*;
    vec![
        grade("dass", CareDirector, 0.0, vec![t("Director of adult social services", SOCIAL_WORK, S, 1)], &[])
            .fixed()
            .span(4, 8)
            .tenure(4.0),
        grade(
            "ad",
            CareDirector,
            0.5,
            vec![
                t("Assistant director of adult social care", SOCIAL_WORK, S, 2),
                t("Assistant director of commissioning", MANAGEMENT, C, 1),
                t("Principal social worker", SOCIAL_WORK, S, 1),
            ],
            &[("dass", 1)],
        )
        .bounds(1, 6)
        .span(4, 8),
        grade(
            "head",
            RegisteredManager,
            1.5,
            vec![
                t("Head of adult social work", SOCIAL_WORK, S, 2),
                t("Registered manager, reablement", CARE_MANAGEMENT, K, 1),
                t("Service manager", MANAGEMENT, C, 1),
            ],
            &[("ad", 1)],
        )
        .bounds(1, usize::MAX)
        .span(4, 8),
        grade(
            "tm",
            DeputyManager,
            4.0,
            vec![
                t("Team manager, social work", SOCIAL_WORK, S, 3),
                t("Team manager, occupational therapy", OCCUPATIONAL_THERAPY, S, 1),
                t("Deputy manager, reablement", CARE_MANAGEMENT, K, 1),
                t("Business support manager", ADMIN, C, 1),
            ],
            &[("head", 1)],
        )
        .bounds(1, usize::MAX)
        .span(5, 10),
        grade(
            "senior",
            CareTeamLeader,
            7.0,
            vec![
                t("Senior practitioner", SOCIAL_WORK, S, 3),
                t("Senior occupational therapist", OCCUPATIONAL_THERAPY, S, 1),
                t("Reablement team leader", DIRECT_CARE, K, 2),
                t("Practice educator", SOCIAL_WORK, S, 1),
            ],
            &[("tm", 1)],
        )
        .span(4, 8),
        grade(
            "qualified",
            SeniorCareWorker,
            25.0,
            vec![
                t("Social worker", SOCIAL_WORK, S, 8),
                t("Approved mental health professional", SOCIAL_WORK, S, 1),
                t("Occupational therapist", OCCUPATIONAL_THERAPY, S, 2),
                t("Senior reablement worker", DIRECT_CARE, K, 2),
            ],
            &[("tm", 3), ("senior", 1)],
        ),
        grade(
            "care",
            CareWorker,
            35.0,
            vec![
                t("Reablement support worker", DIRECT_CARE, K, 3),
                t("Care worker", DIRECT_CARE, K, 1),
                t("Day centre officer", DIRECT_CARE, K, 1),
            ],
            &[("senior", 2), ("qualified", 1), ("tm", 1)],
        ),
        grade(
            "support",
            CareWorker,
            20.0,
            vec![
                t("Social work assistant", SOCIAL_WORK, S, 2),
                t("Occupational therapy assistant", OCCUPATIONAL_THERAPY, S, 1),
                t("Business support officer", ADMIN, C, 2),
                t("Customer services officer", ADMIN, C, 1),
            ],
            &[("tm", 2), ("senior", 1)],
        ),
    ]
}

/// A voluntary organisation of 1 to 50 people.
fn voluntary() -> Vec<GradeSpec> {
    use Family::{Care as K, Corporate as C};
    use Level::*;
    vec![
        grade(
            "ceo",
            CareDirector,
            0.0,
            vec![t("Chief executive", MANAGEMENT, C, 2), t("Chief officer", MANAGEMENT, C, 1)],
            &[],
        )
        .fixed()
        .span(3, 8)
        .tenure(6.0),
        grade(
            "manager",
            DeputyManager,
            6.0,
            vec![
                t("Operations manager", MANAGEMENT, K, 1),
                t("Service manager", MANAGEMENT, K, 2),
                t("Finance and operations manager", FINANCE, C, 1),
            ],
            &[("ceo", 1)],
        )
        .bounds(0, 4)
        .span(3, 8),
        grade(
            "coordinator",
            CareTeamLeader,
            15.0,
            vec![
                t("Project coordinator", DIRECT_CARE, K, 2),
                t("Volunteer coordinator", DIRECT_CARE, K, 1),
                t("Carers support coordinator", DIRECT_CARE, K, 1),
            ],
            &[("manager", 2), ("ceo", 1)],
        )
        .span(3, 8),
        grade(
            "worker",
            CareWorker,
            60.0,
            vec![
                t("Support worker", DIRECT_CARE, K, 3),
                t("Outreach worker", DIRECT_CARE, K, 2),
                t("Befriending worker", DIRECT_CARE, K, 1),
                t("Advice worker", DIRECT_CARE, K, 1),
                t("Family support worker", DIRECT_CARE, K, 1),
            ],
            &[("coordinator", 3), ("manager", 1)],
        )
        .tenure(3.5),
        grade(
            "admin",
            CareWorker,
            12.0,
            vec![
                t("Administrator", ADMIN, C, 2),
                t("Fundraising officer", ADMIN, C, 1),
                t("Finance officer", FINANCE, C, 1),
            ],
            &[("manager", 1), ("ceo", 1)],
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// People.

const NO_MANAGER: u32 = u32::MAX;

/// What the generator remembers about each person besides their record.
struct Meta {
    family: Family,
    manager: u32,
}

struct Staffing {
    rng: ChaCha8Rng,
    names: Names,
    dates: Vec<Date>,
    people: Vec<PersonRecord>,
    meta: Vec<Meta>,
    /// Everyone's id, in the order people are made.
    ids: Vec<Uuid>,
    /// The last staff number given out: they rise, with gaps, in the order people are made.
    staff_number: u64,
    emails: HashMap<u64, u32>,
}

/// The chance that someone at `level` is from a black or minority ethnic group (DOMAIN.md).
fn p_bme(level: Level) -> f64 {
    use Level::*;
    match level {
        Band1 | Band2 | Band3 | Band4 => 0.25,
        Band5 => 0.42,
        Band6 => 0.33,
        Band7 => 0.24,
        Band8a => 0.19,
        Band8b => 0.16,
        Band8c | Band8d | Band9 | VerySeniorManager => 0.13,
        Medical => 0.42,
        CareWorker | SeniorCareWorker => 0.30,
        CareTeamLeader => 0.25,
        DeputyManager | RegisteredManager => 0.20,
        CareDirector => 0.15,
    }
}

/// The chance that someone is a woman (DOMAIN.md: nurses 0.89, doctors 0.47, VSM 0.47, NHS 0.77,
/// adult social care 0.80).
fn p_female(family: Family, level: Level) -> f64 {
    if level == Level::VerySeniorManager {
        return 0.47;
    }
    match family {
        Family::Nursing => 0.89,
        Family::Medical => 0.47,
        Family::Therapy => 0.80,
        Family::Corporate => 0.68,
        Family::Care => 0.81,
        Family::SocialWork => 0.83,
    }
}

impl Staffing {
    fn new(mut rng: ChaCha8Rng, people: usize) -> anyhow::Result<Self> {
        let mut dates = Vec::with_capacity(MAX_TENURE_DAYS + 1);
        let mut d = REFERENCE_DATE;
        for _ in 0..=MAX_TENURE_DAYS {
            dates.push(d);
            d = d.yesterday().context("start dates stay within the calendar")?;
        }
        let ids = sorted_uuids(&mut rng, people);
        let staff_number = rng.gen_range(10_000_000..11_000_000);
        Ok(Self {
            rng,
            names: Names::new(),
            dates,
            people: Vec::with_capacity(people),
            meta: Vec::with_capacity(people),
            ids,
            staff_number,
            emails: HashMap::new(),
        })
    }

    fn staff_organisation(&mut self, org: &OrgPlan, ladder: &Ladder) -> anyhow::Result<()> {
        let counts = ladder.counts(org.size);
        let start = self.people.len();
        let social_care = org.kind.is_social_care();
        self.emails.clear();
        let mut local: Vec<(usize, Family)> = Vec::with_capacity(org.size);
        for (g, &count) in counts.iter().enumerate() {
            let grade = &ladder.grades[g];
            for _ in 0..count {
                let (title, profession, family) = &grade.titles[grade.pick.sample(&mut self.rng)];
                let record = self.person(org, grade.level, *family, social_care, grade.tenure, title, profession)?;
                self.people.push(record);
                local.push((g, *family));
            }
        }
        let managers = assign_managers(&mut self.rng, ladder, &counts, &local);
        for (i, m) in managers.into_iter().enumerate() {
            let manager = m.map(|m| start + m);
            if let Some(m) = manager {
                self.people[start + i].manager = Some(self.people[m].id);
            }
            self.meta.push(Meta { family: local[i].1, manager: manager.map_or(Ok(NO_MANAGER), u32::try_from)? });
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn person(
        &mut self,
        org: &OrgPlan,
        level: Level,
        family: Family,
        social_care: bool,
        tenure: f64,
        title: &JobTitle,
        profession: &Profession,
    ) -> anyhow::Result<PersonRecord> {
        let female = self.rng.gen_bool(p_female(family, level));
        let bme = self.rng.gen_bool(p_bme(level));
        let (first, last) = self.names.pick(&mut self.rng, bme, social_care, female);
        let key = (u64::from(first) << 32) | u64::from(last);
        let n = self.emails.entry(key).or_insert(0);
        *n += 1;
        let (first, last) = (&self.names.first[first as usize], &self.names.last[last as usize]);
        let email = if *n == 1 {
            format!("{}.{}@{}", first.1, last.1, org.domain)
        } else {
            format!("{}.{}{}@{}", first.1, last.1, n, org.domain)
        };
        let id = *self.ids.get(self.people.len()).context("an id for everyone")?;
        self.staff_number += self.rng.gen_range(1..=6);
        let u: f64 = self.rng.gen();
        let days = ((-(1.0 - u).ln()) * tenure * 365.25) as usize;
        Ok(PersonRecord {
            id: PersonId::from_uuid(id),
            staff_number: Some(StaffNumber::parse(&self.staff_number.to_string())?),
            name: PersonName::parse(&format!("{} {}", first.0, last.0))?,
            email: Email::parse(&email).with_context(|| format!("generated email {email:?}"))?,
            job_title: Some(title.clone()),
            profession: Some(profession.clone()),
            level: Some(level),
            organisation: Some(org.id),
            manager: None,
            start_date: Some(self.dates[days.min(MAX_TENURE_DAYS)]),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The demo accounts.

fn pick_accounts(staff: &mut Staffing, orgs: &[OrgPlan], starts: &[usize]) -> anyhow::Result<Vec<PlannedAccount>> {
    let range = |o: usize| starts[o]..starts[o + 1];
    let largest = |kind: OrgType| {
        orgs.iter()
            .enumerate()
            .filter(|(_, o)| o.kind == kind)
            .max_by(|a, b| a.1.size.cmp(&b.1.size).then(b.0.cmp(&a.0)))
            .map(|(i, _)| i)
    };
    let trust = largest(OrgType::Acute).context("the demo has an acute trust")?;
    let icb = largest(OrgType::Icb).context("the demo has an integrated care board")?;
    let council = largest(OrgType::Council).context("the demo has a council")?;
    let trust_id = orgs[trust].id;
    let icb_id = orgs[icb].id;
    let people = &staff.people;
    let meta = &staff.meta;
    let mut taken: HashSet<usize> = HashSet::new();

    let level_of = |p: &PersonRecord| p.level;
    let title_is = |p: &PersonRecord, title: &str| p.job_title.as_ref().is_some_and(|t| t.as_str() == title);
    // The first person in `orgs` that passes the first test that anyone passes.
    let find =
        |taken: &HashSet<usize>, within: std::ops::Range<usize>, tests: &[&dyn Fn(usize) -> bool]| -> Option<usize> {
            tests.iter().find_map(|test| within.clone().find(|&i| !taken.contains(&i) && test(i)))
        };
    let not_head = |i: usize| meta[i].manager != NO_MANAGER;
    let corporate_at = |levels: &'static [Level]| {
        move |i: usize| {
            meta[i].family == Family::Corporate
                && meta[i].manager != NO_MANAGER
                && level_of(&people[i]).is_some_and(|l| levels.contains(&l))
        }
    };

    let mut accounts = Vec::new();
    let mut retitle: Vec<(usize, &'static str, &'static str)> = Vec::new();

    // The system admin works in the ICB's workforce team.
    let p = find(&taken, range(icb), &[&corporate_at(&[Level::Band8a, Level::Band7]), &not_head])
        .context("no one in the ICB to be the system admin")?;
    taken.insert(p);
    retitle.push((p, "Workforce systems manager", DIGITAL));
    accounts.push(PlannedAccount {
        person: p,
        description: "System admin",
        grants: vec![RoleGrant { role: Role::SystemAdmin, scope: RoleScope::System }],
    });

    let p = find(
        &taken,
        range(trust),
        &[&corporate_at(&[Level::Band8a]), &corporate_at(&[Level::Band7, Level::Band8b]), &not_head],
    )
    .context("no one in the trust to be its organisation admin")?;
    taken.insert(p);
    retitle.push((p, "Learning and development manager", PEOPLE));
    accounts.push(PlannedAccount {
        person: p,
        description: "Org admin (trust)",
        grants: vec![RoleGrant { role: Role::OrganisationAdmin, scope: RoleScope::Organisation(trust_id) }],
    });

    let p = find(
        &taken,
        range(icb),
        &[&corporate_at(&[Level::Band8b]), &corporate_at(&[Level::Band8a, Level::Band8c]), &not_head],
    )
    .context("no one in the ICB to be its programme lead")?;
    taken.insert(p);
    retitle.push((p, "Head of leadership and organisational development", PEOPLE));
    accounts.push(PlannedAccount {
        person: p,
        description: "Programme lead (ICB)",
        grants: vec![RoleGrant { role: Role::ProgrammeLead, scope: RoleScope::Organisation(icb_id) }],
    });

    let p = find(
        &taken,
        range(trust),
        &[&corporate_at(&[Level::Band8a]), &corporate_at(&[Level::Band7, Level::Band8b]), &not_head],
    )
    .context("no one in the trust to be its equality lead")?;
    taken.insert(p);
    retitle.push((p, "Equality, diversity and inclusion lead", PEOPLE));
    accounts.push(PlannedAccount {
        person: p,
        description: "Equality lead (trust)",
        grants: vec![RoleGrant { role: Role::EqualityLead, scope: RoleScope::Organisation(trust_id) }],
    });

    let p = find(
        &taken,
        range(trust),
        &[&corporate_at(&[Level::Band8b]), &corporate_at(&[Level::Band8a, Level::Band8c]), &not_head],
    )
    .context("no one in the trust to be its talent lead")?;
    taken.insert(p);
    retitle.push((p, "Head of talent and leadership", PEOPLE));
    accounts.push(PlannedAccount {
        person: p,
        description: "Talent lead (trust)",
        grants: vec![RoleGrant { role: Role::TalentLead, scope: RoleScope::Organisation(trust_id) }],
    });

    // A line manager with a real team: reports who manage reports of their own.
    let r = range(trust);
    let (mut size, mut depth) = (vec![1usize; r.len()], vec![0usize; r.len()]);
    for i in r.clone().rev() {
        if meta[i].manager != NO_MANAGER {
            let (m, me) = (meta[i].manager as usize - r.start, i - r.start);
            size[m] += size[me];
            depth[m] = depth[m].max(depth[me] + 1);
        }
    }
    let first = r.start;
    let team = |levels: &'static [Level], min_depth: usize, lo: usize, hi: usize| {
        let (size, depth) = (&size, &depth);
        move |i: usize| {
            let k = i - first;
            not_head(i)
                && (levels.is_empty() || level_of(&people[i]).is_some_and(|l| levels.contains(&l)))
                && depth[k] >= min_depth
                && (lo..=hi).contains(&size[k])
        }
    };
    // Preferably a matron or a ward manager, whose team has team leaders of its own.
    let nursing = |i: usize| meta[i].family == Family::Nursing;
    let matron = team(&[Level::Band8a], 3, 15, 400);
    let ward = team(&[Level::Band7, Level::Band8a, Level::Band8b], 2, 8, 400);
    let p = find(
        &taken,
        range(trust),
        &[
            &|i| nursing(i) && matron(i),
            &|i| nursing(i) && ward(i),
            &team(&[], 2, 5, 1_000),
            &team(&[], 1, 2, usize::MAX),
        ],
    )
    .context("no one in the trust has a team")?;
    taken.insert(p);
    accounts.push(PlannedAccount { person: p, description: "Line manager (trust)", grants: vec![] });

    let band5 = |i: usize| level_of(&people[i]) == Some(Level::Band5);
    let p = find(
        &taken,
        range(trust),
        &[
            &|i| band5(i) && title_is(&people[i], "Staff nurse"),
            &|i| band5(i) && meta[i].family == Family::Nursing,
            &band5,
        ],
    )
    .context("no band 5 nurse in the trust")?;
    taken.insert(p);
    accounts.push(PlannedAccount { person: p, description: "Learner (band 5 nurse)", grants: vec![] });

    // A care home headed by its registered manager, with a care worker in it.
    let homes: Vec<usize> = (0..orgs.len()).filter(|&o| orgs[o].kind == OrgType::CareHome).collect();
    let care_worker = |i: usize| title_is(&people[i], "Care worker");
    let home = homes
        .iter()
        .copied()
        .find(|&o| level_of(&people[starts[o]]) == Some(Level::RegisteredManager) && range(o).any(care_worker))
        .or_else(|| homes.first().copied())
        .context("the demo has a care home")?;
    let p = find(&taken, range(home), &[&|i| level_of(&people[i]) == Some(Level::RegisteredManager)])
        .context("no registered manager in the care home")?;
    taken.insert(p);
    accounts.push(PlannedAccount { person: p, description: "Registered manager", grants: vec![] });
    let p = find(&taken, range(home), &[&care_worker, &|i| level_of(&people[i]) == Some(Level::CareWorker)])
        .context("no care worker in the care home")?;
    taken.insert(p);
    accounts.push(PlannedAccount { person: p, description: "Care worker", grants: vec![] });

    let p = find(
        &taken,
        range(council),
        &[&|i| title_is(&people[i], "Social worker"), &|i| meta[i].family == Family::SocialWork && not_head(i)],
    )
    .context("no social worker in the council")?;
    taken.insert(p);
    accounts.push(PlannedAccount { person: p, description: "Social worker", grants: vec![] });

    for (p, title, profession) in retitle {
        staff.people[p].job_title = Some(JobTitle::parse(title)?);
        staff.people[p].profession = Some(Profession::parse(profession)?);
    }
    Ok(accounts)
}

// ---------------------------------------------------------------------------------------------
// Names.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    British,
    Irish,
    WhiteOther,
    Indian,
    Pakistani,
    Bangladeshi,
    Chinese,
    Filipino,
    African,
    Caribbean,
    Arab,
    Mixed,
}

/// Within white staff, and within black and minority ethnic staff (DOMAIN.md: Asian 55%, Black
/// 30%, Mixed 7%, Other 8% in the NHS; Black 17, Asian 9, Mixed 2, Other 2 in adult social care).
const NHS_WHITE: &[(Origin, u32)] = &[(Origin::British, 85), (Origin::Irish, 3), (Origin::WhiteOther, 12)];
const CARE_WHITE: &[(Origin, u32)] = &[(Origin::British, 78), (Origin::Irish, 3), (Origin::WhiteOther, 19)];
const NHS_BME: &[(Origin, u32)] = &[
    (Origin::Indian, 22),
    (Origin::Pakistani, 12),
    (Origin::Bangladeshi, 4),
    (Origin::Chinese, 3),
    (Origin::Filipino, 14),
    (Origin::African, 20),
    (Origin::Caribbean, 10),
    (Origin::Mixed, 7),
    (Origin::Arab, 8),
];
const CARE_BME: &[(Origin, u32)] = &[
    (Origin::African, 40),
    (Origin::Caribbean, 17),
    (Origin::Indian, 12),
    (Origin::Pakistani, 6),
    (Origin::Filipino, 8),
    (Origin::Bangladeshi, 3),
    (Origin::Mixed, 7),
    (Origin::Arab, 7),
];
const ORIGINS: [Origin; 11] = [
    Origin::British,
    Origin::Irish,
    Origin::WhiteOther,
    Origin::Indian,
    Origin::Pakistani,
    Origin::Bangladeshi,
    Origin::Chinese,
    Origin::Filipino,
    Origin::African,
    Origin::Caribbean,
    Origin::Arab,
];

struct GroupNames {
    female: Vec<u32>,
    male: Vec<u32>,
    surnames: Vec<u32>,
}

/// First names and surnames, each held once with the form it takes in an email address.
struct Names {
    first: Vec<(&'static str, String)>,
    last: Vec<(&'static str, String)>,
    groups: Vec<GroupNames>,
    tables: [(Vec<Origin>, WeightedIndex<u32>); 4],
}

fn email_form(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

fn intern(list: &[&'static str], store: &mut Vec<(&'static str, String)>, seen: &mut HashMap<String, u32>) -> Vec<u32> {
    list.iter()
        .map(|name| {
            let form = email_form(name);
            *seen.entry(form.clone()).or_insert_with(|| {
                store.push((name, form));
                (store.len() - 1) as u32
            })
        })
        .collect()
}

impl Names {
    fn new() -> Self {
        let (mut first, mut last) = (Vec::new(), Vec::new());
        let (mut seen_first, mut seen_last) = (HashMap::new(), HashMap::new());
        let groups = ORIGINS
            .iter()
            .map(|&o| {
                let (female, male, surnames) = origin_names(o);
                GroupNames {
                    female: intern(female, &mut first, &mut seen_first),
                    male: intern(male, &mut first, &mut seen_first),
                    surnames: intern(surnames, &mut last, &mut seen_last),
                }
            })
            .collect();
        let table = |t: &[(Origin, u32)]| {
            let dist = WeightedIndex::new(t.iter().map(|x| x.1))
                .unwrap_or_else(|_| unreachable!("the origin tables have positive weights"));
            (t.iter().map(|x| x.0).collect(), dist)
        };
        Self { first, last, groups, tables: [table(NHS_WHITE), table(NHS_BME), table(CARE_WHITE), table(CARE_BME)] }
    }

    fn group(&self, o: Origin) -> &GroupNames {
        &self.groups[ORIGINS.iter().position(|x| *x == o).unwrap_or(0)]
    }

    /// A first name and a surname, as ids into `first` and `last`.
    fn pick(&self, rng: &mut ChaCha8Rng, bme: bool, social_care: bool, female: bool) -> (u32, u32) {
        let (origins, dist) = &self.tables[usize::from(social_care) * 2 + usize::from(bme)];
        let origin = origins[dist.sample(rng)];
        let (first_from, last_from) = if origin == Origin::Mixed {
            let other = ORIGINS[rng.gen_range(3..ORIGINS.len())];
            if rng.gen_bool(0.5) {
                (Origin::British, other)
            } else {
                (other, Origin::British)
            }
        } else {
            (origin, origin)
        };
        let g = self.group(first_from);
        let firsts = if female { &g.female } else { &g.male };
        let surnames = &self.group(last_from).surnames;
        (firsts[rng.gen_range(0..firsts.len())], surnames[rng.gen_range(0..surnames.len())])
    }
}

fn origin_names(o: Origin) -> (&'static [&'static str], &'static [&'static str], &'static [&'static str]) {
    match o {
        Origin::British | Origin::Mixed => (BRITISH_F, BRITISH_M, BRITISH_S),
        Origin::Irish => (IRISH_F, IRISH_M, IRISH_S),
        Origin::WhiteOther => (EUROPEAN_F, EUROPEAN_M, EUROPEAN_S),
        Origin::Indian => (INDIAN_F, INDIAN_M, INDIAN_S),
        Origin::Pakistani => (PAKISTANI_F, PAKISTANI_M, PAKISTANI_S),
        Origin::Bangladeshi => (BANGLADESHI_F, BANGLADESHI_M, BANGLADESHI_S),
        Origin::Chinese => (CHINESE_F, CHINESE_M, CHINESE_S),
        Origin::Filipino => (FILIPINO_F, FILIPINO_M, FILIPINO_S),
        Origin::African => (AFRICAN_F, AFRICAN_M, AFRICAN_S),
        Origin::Caribbean => (CARIBBEAN_F, CARIBBEAN_M, CARIBBEAN_S),
        Origin::Arab => (OTHER_F, OTHER_M, OTHER_S),
    }
}

const BRITISH_F: &[&str] = &[
    "Olivia",
    "Amelia",
    "Emily",
    "Isla",
    "Ava",
    "Jessica",
    "Sophie",
    "Charlotte",
    "Lucy",
    "Hannah",
    "Grace",
    "Chloe",
    "Ella",
    "Emma",
    "Rebecca",
    "Sarah",
    "Laura",
    "Rachel",
    "Claire",
    "Helen",
    "Karen",
    "Joanne",
    "Nicola",
    "Lisa",
    "Michelle",
    "Kelly",
    "Gemma",
    "Amy",
    "Katie",
    "Lauren",
    "Danielle",
    "Stephanie",
    "Victoria",
    "Catherine",
    "Elizabeth",
    "Margaret",
    "Susan",
    "Julie",
    "Tracey",
    "Deborah",
    "Jane",
    "Alison",
    "Louise",
    "Natalie",
    "Samantha",
    "Jennifer",
    "Zoe",
    "Abigail",
    "Megan",
    "Holly",
    "Bethany",
    "Georgia",
    "Freya",
    "Poppy",
    "Alice",
    "Ruth",
    "Jacqueline",
    "Carol",
    "Pauline",
    "Wendy",
    "Heather",
    "Fiona",
    "Kirsty",
    "Leanne",
    "Donna",
    "Paula",
    "Angela",
    "Janet",
    "Lynn",
    "Sally",
    "Harriet",
    "Eleanor",
    "Imogen",
    "Rosie",
    "Millie",
    "Joanna",
    "Kate",
    "Anna",
    "Beth",
    "Jade",
];
const BRITISH_M: &[&str] = &[
    "Oliver",
    "George",
    "Harry",
    "Jack",
    "Jacob",
    "Charlie",
    "Thomas",
    "James",
    "William",
    "Daniel",
    "Joshua",
    "Samuel",
    "Benjamin",
    "Matthew",
    "Christopher",
    "Andrew",
    "David",
    "Paul",
    "Mark",
    "Richard",
    "Stephen",
    "Michael",
    "Peter",
    "John",
    "Robert",
    "Simon",
    "Ian",
    "Gary",
    "Neil",
    "Craig",
    "Lee",
    "Darren",
    "Jason",
    "Wayne",
    "Stuart",
    "Martin",
    "Graham",
    "Kevin",
    "Philip",
    "Anthony",
    "Jonathan",
    "Nicholas",
    "Alexander",
    "Ryan",
    "Liam",
    "Luke",
    "Adam",
    "Callum",
    "Connor",
    "Alfie",
    "Edward",
    "Henry",
    "Joseph",
    "Nathan",
    "Ben",
    "Tom",
    "Sam",
    "Scott",
    "Dean",
    "Keith",
    "Alan",
    "Colin",
    "Barry",
    "Russell",
    "Gareth",
    "Rhys",
    "Owen",
    "Hugh",
];
const BRITISH_S: &[&str] = &[
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Miller",
    "Cox",
    "Richards",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Wilkinson",
    "Foster",
    "Chapman",
    "Powell",
    "Webb",
    "Rogers",
    "Gray",
    "Mason",
    "Hunt",
    "Matthews",
    "Owen",
    "Palmer",
    "Holmes",
    "Mills",
    "Barnes",
    "Knight",
    "Lloyd",
    "Butler",
    "Russell",
    "Barker",
    "Fisher",
    "Stevens",
    "Jenkins",
    "Dixon",
    "Fletcher",
    "Howard",
    "Pearson",
    "Harvey",
    "Gibson",
    "Reynolds",
    "Spencer",
    "Stone",
    "Lawrence",
    "Hart",
    "Fox",
    "Lane",
    "Burton",
    "Gardner",
    "Pearce",
    "Newman",
    "Sutton",
    "Rowe",
    "Hayes",
    "Atkinson",
    "Armstrong",
    "Payne",
    "Dawson",
    "Booth",
    "Hudson",
    "Ford",
    "Rose",
    "Bishop",
    "Hopkins",
    "Fowler",
    "Ashworth",
    "Whitehead",
    "Lowe",
    "Nicholson",
    "Sharpe",
    "Pritchard",
    "Vaughan",
    "Hammond",
];
const IRISH_F: &[&str] = &[
    "Aoife", "Siobhan", "Niamh", "Ciara", "Roisin", "Sinead", "Orla", "Grainne", "Mairead", "Aisling", "Clodagh",
    "Deirdre", "Eimear", "Maeve", "Caoimhe", "Saoirse", "Bridget", "Colleen",
];
const IRISH_M: &[&str] = &[
    "Ciaran", "Sean", "Declan", "Padraig", "Eoin", "Cormac", "Niall", "Conor", "Darragh", "Fergal", "Ronan", "Brendan",
    "Cathal", "Dermot", "Kieran", "Aidan",
];
const IRISH_S: &[&str] = &[
    "Murphy",
    "Kelly",
    "O'Sullivan",
    "Walsh",
    "O'Brien",
    "Byrne",
    "Ryan",
    "O'Connor",
    "O'Neill",
    "Doyle",
    "McCarthy",
    "Gallagher",
    "Doherty",
    "Kennedy",
    "Lynch",
    "Murray",
    "Quinn",
    "McLoughlin",
    "Carroll",
    "Connolly",
    "Daly",
    "Brennan",
    "Burke",
    "Fitzgerald",
    "Nolan",
    "Flanagan",
    "Maguire",
    "Hennessy",
];
const EUROPEAN_F: &[&str] = &[
    "Agnieszka",
    "Katarzyna",
    "Magdalena",
    "Monika",
    "Ewa",
    "Aleksandra",
    "Ioana",
    "Andreea",
    "Elena",
    "Maria",
    "Alina",
    "Cristina",
    "Ana",
    "Sofia",
    "Giulia",
    "Francesca",
    "Lucia",
    "Carmen",
    "Eleni",
    "Daiva",
    "Ilona",
    "Zuzana",
    "Lenka",
    "Petra",
    "Ingrid",
    "Marta",
    "Beatriz",
    "Ines",
];
const EUROPEAN_M: &[&str] = &[
    "Piotr",
    "Tomasz",
    "Krzysztof",
    "Pawel",
    "Marcin",
    "Lukasz",
    "Andrei",
    "Mihai",
    "Alexandru",
    "Bogdan",
    "Ion",
    "Marco",
    "Luca",
    "Giuseppe",
    "Javier",
    "Pablo",
    "Joao",
    "Miguel",
    "Nikos",
    "Dimitrios",
    "Jonas",
    "Tomas",
    "Mateusz",
    "Kamil",
    "Florin",
    "Stefan",
];
const EUROPEAN_S: &[&str] = &[
    "Kowalski",
    "Nowak",
    "Wisniewski",
    "Wojcik",
    "Kaminski",
    "Lewandowski",
    "Zielinski",
    "Popescu",
    "Ionescu",
    "Popa",
    "Dumitru",
    "Stan",
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Garcia",
    "Fernandez",
    "Rodriguez",
    "Martinez",
    "Silva",
    "Santos",
    "Ferreira",
    "Papadopoulos",
    "Georgiou",
    "Horvath",
    "Novak",
    "Kazlauskas",
    "Petrov",
    "Muller",
    "Schmidt",
    "Jankowski",
    "Mazur",
    "Costa",
    "Oliveira",
];
const INDIAN_F: &[&str] = &[
    "Priya", "Anjali", "Deepa", "Sunita", "Kavita", "Pooja", "Neha", "Shreya", "Ananya", "Lakshmi", "Meera", "Divya",
    "Harpreet", "Jaspreet", "Manpreet", "Simran", "Gurpreet", "Nisha", "Rekha", "Asha", "Sangeeta", "Shalini", "Swati",
    "Aarti", "Radhika", "Bhavna", "Hema", "Dilani", "Tharushi", "Sita",
];
const INDIAN_M: &[&str] = &[
    "Rajesh",
    "Sanjay",
    "Amit",
    "Vikram",
    "Arjun",
    "Rahul",
    "Suresh",
    "Ramesh",
    "Anil",
    "Deepak",
    "Harjit",
    "Gurdeep",
    "Sukhwinder",
    "Manoj",
    "Vijay",
    "Ravi",
    "Nikhil",
    "Rohan",
    "Aditya",
    "Pradeep",
    "Ashok",
    "Sunil",
    "Karan",
    "Jaswinder",
    "Mandeep",
    "Dinesh",
    "Kasun",
    "Bikash",
];
const INDIAN_S: &[&str] = &[
    "Patel",
    "Shah",
    "Sharma",
    "Singh",
    "Kaur",
    "Gupta",
    "Kumar",
    "Mistry",
    "Joshi",
    "Mehta",
    "Desai",
    "Chauhan",
    "Gill",
    "Sandhu",
    "Dhillon",
    "Sidhu",
    "Bains",
    "Nair",
    "Menon",
    "Pillai",
    "Reddy",
    "Rao",
    "Iyer",
    "Chopra",
    "Kapoor",
    "Verma",
    "Malhotra",
    "Parmar",
    "Solanki",
    "Bhatt",
    "Perera",
    "Fernando",
    "Jayasinghe",
    "Gurung",
    "Thapa",
    "Shrestha",
];
const PAKISTANI_F: &[&str] = &[
    "Ayesha", "Fatima", "Saima", "Nadia", "Sana", "Amina", "Zainab", "Hina", "Rabia", "Sadia", "Shazia", "Farah",
    "Bushra", "Nazia", "Samina", "Uzma", "Mehwish", "Rukhsana", "Parveen", "Yasmin", "Aisha", "Maryam", "Iqra",
];
const PAKISTANI_M: &[&str] = &[
    "Muhammad", "Mohammed", "Ahmed", "Ali", "Imran", "Asif", "Tariq", "Usman", "Bilal", "Hamza", "Zubair", "Kamran",
    "Faisal", "Adnan", "Shahid", "Arshad", "Nadeem", "Waqar", "Irfan", "Zahid", "Yasir", "Omar", "Hassan", "Sajid",
    "Naveed",
];
const PAKISTANI_S: &[&str] = &[
    "Khan", "Hussain", "Ahmed", "Ali", "Akhtar", "Iqbal", "Mahmood", "Butt", "Malik", "Rashid", "Aslam", "Chaudhry",
    "Qureshi", "Raza", "Javed", "Sheikh", "Mirza", "Bashir", "Anwar", "Hanif", "Saeed", "Rehman", "Younis", "Nawaz",
    "Riaz", "Zaman",
];
const BANGLADESHI_F: &[&str] = &[
    "Nasreen", "Rahima", "Shirin", "Farzana", "Taslima", "Sultana", "Jahanara", "Rokeya", "Shamima", "Rupa", "Tahmina",
    "Nusrat", "Sharmin", "Fahmida",
];
const BANGLADESHI_M: &[&str] = &[
    "Abdul", "Rahim", "Karim", "Shafiq", "Jamal", "Rafiq", "Habib", "Anwar", "Faruk", "Mizanur", "Shahidul", "Rezaul",
    "Sohel", "Tanvir",
];
const BANGLADESHI_S: &[&str] = &[
    "Begum",
    "Miah",
    "Uddin",
    "Rahman",
    "Islam",
    "Hossain",
    "Khatun",
    "Chowdhury",
    "Haque",
    "Alam",
    "Sarkar",
    "Bhuiyan",
    "Kabir",
    "Talukdar",
];
const CHINESE_F: &[&str] =
    &["Mei", "Xiaoling", "Ying", "Hui", "Jing", "Lin", "Fang", "Yan", "Xin", "Qing", "Jia", "Hong", "Lan", "Wing"];
const CHINESE_M: &[&str] =
    &["Wei", "Jun", "Hao", "Ming", "Jian", "Lei", "Bo", "Feng", "Yong", "Tao", "Kai", "Peng", "Zhen", "Chi"];
const CHINESE_S: &[&str] = &[
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo",
    "Lin", "He", "Wong", "Chan", "Leung", "Cheung", "Lau", "Ng", "Tang", "Ho", "Yip",
];
const FILIPINO_F: &[&str] = &[
    "Marites",
    "Rowena",
    "Lorna",
    "Jocelyn",
    "Analyn",
    "Maricel",
    "Rosalie",
    "Mary Ann",
    "Joy",
    "Liezl",
    "Charmaine",
    "Hazel",
    "Cherry",
    "Divina",
];
const FILIPINO_M: &[&str] = &[
    "Jose", "Juan", "Ramon", "Rodel", "Arnel", "Reynaldo", "Carlo", "Paolo", "Rommel", "Jerome", "Ronaldo", "Dante",
    "Eduardo", "Jun",
];
const FILIPINO_S: &[&str] = &[
    "Santos",
    "Reyes",
    "Cruz",
    "Bautista",
    "Ocampo",
    "Mendoza",
    "Torres",
    "Andrada",
    "Castillo",
    "Flores",
    "Villanueva",
    "Ramos",
    "Aquino",
    "Dela Cruz",
    "Gonzales",
    "Navarro",
    "Soriano",
    "Manalo",
    "Pascual",
    "Mercado",
    "Salazar",
    "Domingo",
];
const AFRICAN_F: &[&str] = &[
    "Chioma",
    "Ngozi",
    "Adaeze",
    "Folake",
    "Funmilayo",
    "Temitope",
    "Yetunde",
    "Abena",
    "Akosua",
    "Ama",
    "Efua",
    "Esi",
    "Blessing",
    "Precious",
    "Faith",
    "Rudo",
    "Chipo",
    "Nyasha",
    "Wanjiru",
    "Hodan",
    "Fadumo",
    "Nneka",
    "Bukola",
    "Ifeoma",
    "Mercy",
    "Gift",
];
const AFRICAN_M: &[&str] = &[
    "Chinedu",
    "Emeka",
    "Oluwaseun",
    "Tunde",
    "Femi",
    "Segun",
    "Babajide",
    "Kwame",
    "Kofi",
    "Kwabena",
    "Yaw",
    "Kojo",
    "Tendai",
    "Tafadzwa",
    "Farai",
    "Tatenda",
    "Emmanuel",
    "Godfrey",
    "Abdi",
    "Mohamed",
    "Otieno",
    "Chukwuma",
    "Ikenna",
    "Uche",
    "Obinna",
];
const AFRICAN_S: &[&str] = &[
    "Okafor", "Okonkwo", "Adeyemi", "Adebayo", "Ogunleye", "Oladipo", "Balogun", "Eze", "Nwosu", "Obi", "Mensah",
    "Asante", "Boateng", "Owusu", "Osei", "Appiah", "Agyeman", "Moyo", "Ncube", "Dube", "Sibanda", "Mutasa", "Mwangi",
    "Odhiambo", "Kamau", "Abdi", "Farah", "Warsame", "Nkosi", "Diallo", "Kamara", "Conteh", "Bangura",
];
const CARIBBEAN_F: &[&str] = &[
    "Marcia",
    "Paulette",
    "Beverley",
    "Sonia",
    "Yvonne",
    "Claudette",
    "Janice",
    "Simone",
    "Shanice",
    "Tanisha",
    "Keisha",
    "Chantelle",
    "Aaliyah",
    "Jasmine",
    "Leah",
    "Naomi",
    "Monique",
];
const CARIBBEAN_M: &[&str] = &[
    "Delroy",
    "Winston",
    "Errol",
    "Clive",
    "Lloyd",
    "Marlon",
    "Andre",
    "Tyrone",
    "Dwayne",
    "Leon",
    "Curtis",
    "Kareem",
    "Jermaine",
    "Marcus",
    "Nathaniel",
    "Trevor",
    "Desmond",
];
const CARIBBEAN_S: &[&str] = &[
    "Campbell", "Francis", "Grant", "Reid", "Henry", "Samuels", "Gordon", "Forbes", "McKenzie", "Barrett", "Gayle",
    "Blake", "Facey", "Lindo", "Ferguson", "Brown", "Williams", "Thompson", "Clarke", "Morgan",
];
const OTHER_F: &[&str] = &[
    "Layla",
    "Nour",
    "Mariam",
    "Rania",
    "Dina",
    "Huda",
    "Reem",
    "Salma",
    "Zeynep",
    "Elif",
    "Leila",
    "Parisa",
    "Valentina",
    "Camila",
    "Daniela",
];
const OTHER_M: &[&str] = &[
    "Khalid", "Youssef", "Karim", "Tarek", "Samir", "Ahmad", "Hasan", "Mehmet", "Emre", "Reza", "Dariush", "Carlos",
    "Diego", "Andres",
];
const OTHER_S: &[&str] = &[
    "Haddad",
    "Khalil",
    "Nasser",
    "Saleh",
    "Mansour",
    "Hamdan",
    "Aziz",
    "Yilmaz",
    "Demir",
    "Kaya",
    "Celik",
    "Sahin",
    "Hosseini",
    "Rahimi",
    "Karimi",
    "Mohammadi",
    "Gomez",
    "Lopez",
    "Vargas",
    "Herrera",
    "Alvarez",
    "Morales",
];

// ---------------------------------------------------------------------------------------------
// Places and organisation names.

const SYSTEM_NAMES: &[&str] = &[
    "Wessex Vale",
    "Severn and Wye",
    "Pennine Dales",
    "Thames Reach",
    "Mercia Heartlands",
    "Solent Downs",
    "Tamar and Moor",
    "Fenland and Ouse",
    "Cheviot and Tyne",
    "Weald and Medway",
];
const PLACE_NAMES: &[&str] = &[
    "Riverside",
    "Northvale",
    "Eastmarsh",
    "Westbrook",
    "Southdown",
    "Kingsmead",
    "Highmoor",
    "Ashdale",
    "Lowfield",
    "Greystone",
    "Fairhaven",
    "Oakridge",
];
const TOWNS: &[&str] = &[
    "Ashbury",
    "Barnford",
    "Bramley Cross",
    "Brackenhurst",
    "Calderbridge",
    "Castlemoor",
    "Chalkley",
    "Claybrook",
    "Coldharbour",
    "Cranwell Green",
    "Dunmere",
    "Eastwick",
    "Elmstead",
    "Fernley",
    "Foxhollow",
    "Greyford",
    "Hallam Bridge",
    "Harwick",
    "Hazelmere",
    "Holbeck",
    "Hollingbury",
    "Kelsford",
    "Langmoor",
    "Larkhill",
    "Linford",
    "Lydbrook",
    "Marden Vale",
    "Millbrook",
    "Moorside",
    "Netherby",
    "Newbold",
    "Oakhurst",
    "Oldcastle",
    "Pendle Cross",
    "Pinfold",
    "Quarrydale",
    "Ravensworth",
    "Redbridge Hill",
    "Rookwood",
    "Saltmarsh",
    "Sandhurst Vale",
    "Shepley",
    "Silverdale",
    "Stanbury",
    "Stoneleigh",
    "Thornbury Green",
    "Tilsworth",
    "Upperton",
    "Wardle",
    "Westerham Cross",
    "Whitford",
    "Willowbank",
    "Winterbourne",
    "Woodhatch",
    "Wrenfield",
    "Yarrowby",
    "Amblecote",
    "Birchley",
    "Cotesbrook",
    "Dovecote",
];
const STREETS: &[&str] = &[
    "Church Street",
    "High Street",
    "Station Road",
    "Park Lane",
    "Mill Lane",
    "Queens Road",
    "Victoria Road",
    "Bridge Street",
    "Market Place",
    "London Road",
    "Manor Road",
    "Green Lane",
    "North Road",
    "Castle Street",
    "Albert Road",
    "Chapel Lane",
    "King Street",
    "Springfield Road",
    "Grove Road",
    "West End",
];
const FEATURES: &[&str] = &[
    "Oakfield",
    "Elmwood",
    "Beechwood",
    "Willow",
    "Meadowbank",
    "Parkside",
    "Castle",
    "Abbey",
    "Orchard",
    "Ashgrove",
    "Birchwood",
    "Brookside",
    "Cedar",
    "Chestnut",
    "Clover",
    "Fairview",
    "Foxglove",
    "Hawthorn",
    "Heather",
    "Hillside",
    "Holly",
    "Ivy",
    "Juniper",
    "Lavender",
    "Laurel",
    "Linden",
    "Maple",
    "Mulberry",
    "Oak",
    "Primrose",
    "Rosewood",
    "Rowan",
    "Sycamore",
    "Thornfield",
    "Valley",
    "Westfield",
    "Whitegates",
    "Woodlands",
    "Yew Tree",
    "Larchwood",
    "Greenacres",
    "Bluebell",
    "Harbour",
    "Kingfisher",
    "Riverbank",
    "St Mary's",
    "Highfield",
    "Moorland",
    "Summerhill",
    "Three Counties",
];
const SAINTS: &[&str] = &[
    "St Anne's",
    "St Michael's",
    "St Catherine's",
    "St George's",
    "St Margaret's",
    "St Luke's",
    "St Joseph's",
    "St David's",
];
const CARE_WORDS: &[&str] = &[
    "Bluebell",
    "Compass",
    "Kindred",
    "Harmony",
    "Lighthouse",
    "Evergreen",
    "Heartwood",
    "Brightstar",
    "Cornerstone",
    "Waypoint",
    "Hearthside",
    "Silverline",
    "Goldcrest",
    "Northstar",
    "Keystone",
    "Open Door",
    "Bridgeway",
    "Kinship",
    "Firefly",
    "Meadowsweet",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn nhs_trust_kinds() -> [OrgType; 3] {
        [OrgType::Acute, OrgType::MentalHealth, OrgType::Community]
    }

    #[test]
    fn one_seed_gives_one_system() {
        let a = plan_system(3_000, 42).expect("a plan");
        let b = plan_system(3_000, 42).expect("a plan");
        assert_eq!(a.organisations, b.organisations);
        assert_eq!(a.people, b.people);
        assert_eq!(a.accounts, b.accounts);
        let c = plan_system(3_000, 43).expect("a plan");
        assert_ne!(a.people, c.people);
    }

    #[test]
    fn sizes_add_up_to_the_people_asked_for() {
        for people in [MIN_PEOPLE, 301, 1_234, 5_000, 20_000] {
            for seed in 0..4 {
                let demo = plan_system(people, seed).expect("a plan");
                assert_eq!(demo.people.len(), people, "people {people} seed {seed}");
                let mut per_org: HashMap<OrganisationId, usize> = HashMap::new();
                for p in &demo.people {
                    *per_org.entry(p.organisation.expect("everyone has an employer")).or_default() += 1;
                }
                assert_eq!(per_org.len(), demo.organisations.len(), "every organisation has people");
                assert_eq!(per_org.values().sum::<usize>(), people);
                assert_eq!(demo.accounts.len(), 10);
            }
        }
        assert!(plan_system(MIN_PEOPLE - 1, 1).is_err());
    }

    #[test]
    fn managers_come_first_and_lines_never_loop() {
        let demo = plan_system(20_000, 7).expect("a plan");
        let index: HashMap<PersonId, usize> = demo.people.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        let mut heads: HashMap<OrganisationId, usize> = HashMap::new();
        for (i, p) in demo.people.iter().enumerate() {
            match p.manager {
                Some(m) => {
                    let mi = index[&m];
                    assert!(mi < i, "{} comes before their manager", p.email);
                    assert_eq!(demo.people[mi].organisation, p.organisation, "managers work in the same organisation");
                }
                None => *heads.entry(p.organisation.expect("an employer")).or_default() += 1,
            }
        }
        // A manager always comes first, so following managers only ever goes back: no loops.
        assert_eq!(heads.len(), demo.organisations.len());
        assert!(heads.values().all(|&n| n == 1), "each organisation has one head");
    }

    #[test]
    fn emails_and_staff_numbers_are_unique() {
        let demo = plan_system(30_000, 3).expect("a plan");
        let emails: HashSet<&Email> = demo.people.iter().map(|p| &p.email).collect();
        assert_eq!(emails.len(), demo.people.len());
        let staff: HashSet<&str> =
            demo.people.iter().map(|p| p.staff_number.as_ref().expect("a staff number").as_str()).collect();
        assert_eq!(staff.len(), demo.people.len());
        let domains: HashSet<&EmailDomain> = demo.organisations.iter().flat_map(|(_, o)| &o.email_domains).collect();
        assert_eq!(domains.len(), demo.organisations.len());
        let codes: HashSet<&OrganisationCode> = demo.organisations.iter().map(|(_, o)| &o.code).collect();
        assert_eq!(codes.len(), demo.organisations.len());
        for p in &demo.people {
            let org =
                demo.organisations.iter().find(|(id, _)| Some(*id) == p.organisation).expect("the organisation exists");
            assert_eq!(p.email.domain(), org.1.email_domains[0].as_str());
        }
    }

    #[test]
    fn levels_form_a_pyramid_and_managers_are_senior() {
        let demo = plan_system(50_000, 5).expect("a plan");
        let trusts: HashSet<OrganisationId> = demo
            .organisations
            .iter()
            .filter(|(_, o)| o.kind == OrganisationKind::NhsTrust)
            .map(|(id, _)| *id)
            .collect();
        let count = |level: Level| {
            demo.people
                .iter()
                .filter(|p| p.level == Some(level) && p.organisation.is_some_and(|o| trusts.contains(&o)))
                .count()
        };
        let (b5, b8a, vsm) = (count(Level::Band5), count(Level::Band8a), count(Level::VerySeniorManager));
        assert!(b5 > 3 * b8a && b8a > 3 * vsm && vsm > 0, "band 5 {b5}, 8a {b8a}, VSM {vsm}");
        let all = |level: Level| demo.people.iter().filter(|p| p.level == Some(level)).count();
        assert!(
            all(Level::CareWorker) > all(Level::SeniorCareWorker)
                && all(Level::SeniorCareWorker) > all(Level::RegisteredManager)
        );

        let index: HashMap<PersonId, &PersonRecord> = demo.people.iter().map(|p| (p.id, p)).collect();
        for p in &demo.people {
            let (Some(m), Some(level)) = (p.manager, p.level) else { continue };
            let Some(manager_level) = index[&m].level else { continue };
            let same_ladder = level.is_agenda_for_change() && manager_level.is_agenda_for_change()
                || !level.is_agenda_for_change()
                    && !manager_level.is_agenda_for_change()
                    && level != Level::Medical
                    && manager_level != Level::Medical;
            if same_ladder {
                assert!(
                    manager_level >= level,
                    "{} ({level}) reports to {} ({manager_level})",
                    p.email,
                    index[&m].email
                );
            }
        }
    }

    #[test]
    fn spans_of_control_are_realistic() {
        let demo = plan_system(50_000, 11).expect("a plan");
        let mut reports: HashMap<PersonId, usize> = HashMap::new();
        for p in &demo.people {
            if let Some(m) = p.manager {
                *reports.entry(m).or_default() += 1;
            }
        }
        let mut spans: Vec<usize> = reports.values().copied().collect();
        spans.sort_unstable();
        let median = spans[spans.len() / 2];
        let mean = spans.iter().sum::<usize>() as f64 / spans.len() as f64;
        assert!((4..=10).contains(&median), "median span {median}");
        assert!((4.0..=10.0).contains(&mean), "mean span {mean}");
        let largest = spans[spans.len() - 1];
        assert!(largest <= 40, "largest span {largest}");
    }

    #[test]
    fn the_workforce_is_shared_as_in_an_integrated_care_system() {
        let people = 100_000;
        let demo = plan_system(people, 2).expect("a plan");
        let kinds: HashMap<OrganisationId, OrganisationKind> =
            demo.organisations.iter().map(|(id, o)| (*id, o.kind)).collect();
        let share = |k: &[OrganisationKind]| {
            demo.people.iter().filter(|p| k.contains(&kinds[&p.organisation.expect("an employer")])).count() as f64
                / people as f64
        };
        let nhs = share(&[OrganisationKind::NhsTrust]);
        let gp = share(&[OrganisationKind::GpPractice]);
        let social_care = share(&[OrganisationKind::CareProvider, OrganisationKind::LocalAuthority]);
        assert!((0.43..=0.49).contains(&nhs), "NHS trusts {nhs}");
        assert!((0.04..=0.06).contains(&gp), "GP practices {gp}");
        assert!((0.42..=0.48).contains(&social_care), "social care {social_care}");
        let count = |k: OrganisationKind| demo.organisations.iter().filter(|(_, o)| o.kind == k).count();
        assert!((4..=8).contains(&count(OrganisationKind::NhsTrust)));
        assert_eq!(count(OrganisationKind::IntegratedCareBoard), 1);
        assert!((2..=5).contains(&count(OrganisationKind::LocalAuthority)));
        assert!((120..=250).contains(&count(OrganisationKind::GpPractice)), "{}", count(OrganisationKind::GpPractice));
        let places: HashSet<&str> = demo.organisations.iter().filter_map(|(_, o)| o.place.as_deref()).collect();
        assert!((3..=5).contains(&places.len()));
        let systems: HashSet<&str> = demo.organisations.iter().filter_map(|(_, o)| o.system.as_deref()).collect();
        assert_eq!(systems.len(), 1);
    }

    #[test]
    fn the_accounts_are_who_they_say() {
        let demo = plan_system(5_000, 1).expect("a plan");
        let people: HashSet<usize> = demo.accounts.iter().map(|a| a.person).collect();
        assert_eq!(people.len(), demo.accounts.len(), "ten different people");
        let by = |d: &str| &demo.people[demo.accounts.iter().find(|a| a.description == d).expect(d).person];
        let learner = by("Learner (band 5 nurse)");
        assert_eq!(learner.level, Some(Level::Band5));
        assert_eq!(learner.job_title.as_ref().map(JobTitle::as_str), Some("Staff nurse"));
        assert_eq!(by("Registered manager").level, Some(Level::RegisteredManager));
        assert_eq!(by("Care worker").job_title.as_ref().map(JobTitle::as_str), Some("Care worker"));
        assert_eq!(by("Social worker").job_title.as_ref().map(JobTitle::as_str), Some("Social worker"));
        // The line manager's team goes several levels down.
        let manager = by("Line manager (trust)").id;
        let reports: Vec<PersonId> = demo.people.iter().filter(|p| p.manager == Some(manager)).map(|p| p.id).collect();
        assert!(reports.len() >= 2);
        assert!(demo.people.iter().any(|p| p.manager.is_some_and(|m| reports.contains(&m))));
        let admin = demo.accounts.iter().find(|a| a.description == "System admin").expect("a system admin");
        assert_eq!(admin.grants, vec![RoleGrant { role: Role::SystemAdmin, scope: RoleScope::System }]);
    }

    #[test]
    fn every_ladder_is_well_formed() {
        let ladders = Ladders::new().expect("the ladders resolve");
        for kind in nhs_trust_kinds() {
            let counts = ladders.for_organisation(kind, 10_000).counts(10_000);
            assert_eq!(counts.iter().sum::<usize>(), 10_000);
        }
        for size in 1..60 {
            let counts = ladders.for_organisation(OrgType::Voluntary, size).counts(size);
            assert_eq!(counts.iter().sum::<usize>(), size);
            assert_eq!(counts[0], 1);
        }
    }

    #[tokio::test]
    async fn generate_fills_a_database() {
        let db = store::testing::TestDb::sqlite().await;
        let summary = generate(&db.store, 2_000, 9, false).await.expect("the demo generates");
        assert_eq!(summary.people, 2_000);
        assert_eq!(db.store.count_people().await.expect("a count"), 2_000);
        assert_eq!(summary.accounts.len(), 10);
        for account in &summary.accounts {
            let person = db.store.person(account.person).await.expect("a read").expect("the person exists");
            assert_eq!(person.email, account.email);
        }
        let admin = summary.accounts.iter().find(|a| a.description == "System admin").expect("a system admin");
        assert_eq!(
            db.store.grants(admin.person).await.expect("grants"),
            vec![RoleGrant { role: Role::SystemAdmin, scope: RoleScope::System }]
        );
        let manager =
            summary.accounts.iter().find(|a| a.description == "Line manager (trust)").expect("a line manager");
        assert!(db.store.has_reports(manager.person).await.expect("a read"));
        let chain = db.store.manager_chain(manager.person).await.expect("a chain");
        assert!(!chain.is_empty());
        db.finish().await;
    }
}
