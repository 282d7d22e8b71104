//! The demo's learning: a catalogue, learning records with the long tail real records have (most
//! people record a little, a few record a lot), resources gathered under the hub's topics, and
//! published case studies. Deterministic for a seed, and bounded in size so that a demo of a
//! million people still generates quickly.

use domain::hub::{CaseStudyFields, CaseStudyText, TopicSlug};
use domain::ids::{CaseStudyId, EntryId, OrganisationId, PersonId, ResourceId};
use domain::learning::{Activity, EstimatedMinutes, LearningKind, Reflection, ResourceKind, Summary, TimeSpent, Title};
use domain::people::import::PersonRecord;
use domain::people::{Level, Sector};
use jiff::civil::Date;
use jiff::Timestamp;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use store::hub::NewCaseStudy;
use store::learning::{EntryFields, ResourceFields};
use store::Store;
use uuid::Uuid;

/// At most this many entries in all, however large the demo.
const MAX_ENTRIES: usize = 40_000;

/// Entries the demo learner account has, so that their portfolio is a real one.
pub const LEARNER_ENTRIES: usize = 200;

const SUBJECTS: &[(&str, &str, &[&str])] = &[
    ("compassionate leadership", "approaches-to-leadership", &["compassion", "inclusivity"]),
    ("leading a team through change", "approaches-to-leadership", &["engaging the team", "sharing the vision"]),
    ("coaching conversations", "roles-and-skills", &["developing capability", "curiosity"]),
    ("giving and receiving feedback", "roles-and-skills", &["holding to account", "trustworthiness"]),
    ("psychological safety in teams", "culture-and-learning-organisation", &["inclusivity", "compassion"]),
    ("learning from incidents", "culture-and-learning-organisation", &["evaluating information", "curiosity"]),
    (
        "personalised care and support planning",
        "personalisation-and-integration",
        &["leading with care", "collaboration"],
    ),
    (
        "working across health and social care",
        "personalisation-and-integration",
        &["connecting our service", "collaboration"],
    ),
    ("clinical and care governance", "governance", &["holding to account", "evaluating information"]),
    ("budgets for first-line managers", "governance", &["evaluating information"]),
    ("supervision in social work", "training-and-development", &["developing capability"]),
    ("appraisals that help people grow", "training-and-development", &["developing capability", "engaging the team"]),
    ("inclusive recruitment", "culture-and-learning-organisation", &["inclusivity"]),
    ("influencing without authority", "roles-and-skills", &["influencing for results", "collaboration"]),
    ("wellbeing and rest for leaders", "approaches-to-leadership", &["compassion", "celebrating success"]),
];
const FORMS: &[&str] = &[
    "An introduction to",
    "Practical",
    "A guide to",
    "Getting better at",
    "Leading with",
    "Ten minutes on",
    "Understanding",
    "A case for",
];

struct Plan {
    resources: Vec<(ResourceId, ResourceFields)>,
    topics: Vec<(TopicSlug, ResourceId)>,
    entries: Vec<(EntryId, PersonId, EntryFields, Option<OrganisationId>)>,
}

fn uuid(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.gen()).into_uuid()
}

fn plan(people: &[PersonRecord], learner: Option<PersonId>, seed: u64, today: Date) -> anyhow::Result<Plan> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6c65_6172_6e69_6e67);
    let count = (60 + people.len() / 20).min(600);
    let mut resources = Vec::with_capacity(count);
    let mut topics = Vec::new();
    for i in 0..count {
        let (subject, topic, behaviours) = SUBJECTS[i % SUBJECTS.len()];
        let kind = *ResourceKind::ALL.choose(&mut rng).unwrap_or(&ResourceKind::Article);
        let minutes = match kind {
            ResourceKind::Article | ResourceKind::Blog => rng.gen_range(5..20),
            ResourceKind::Video | ResourceKind::Podcast => rng.gen_range(3..60),
            ResourceKind::ELearning => rng.gen_range(20..120),
            ResourceKind::Event => rng.gen_range(60..480),
            ResourceKind::Course => rng.gen_range(300..2400),
            ResourceKind::Book => rng.gen_range(240..900),
        };
        let form = FORMS[(i / SUBJECTS.len()) % FORMS.len()];
        let title = format!("{form} {subject}");
        let title = if i >= SUBJECTS.len() * FORMS.len() {
            format!("{title} (part {})", i / (SUBJECTS.len() * FORMS.len()) + 1)
        } else {
            title
        };
        let summary = format!("A {} on {subject} for managers and leaders in health, social care and social work, with examples from practice and questions to reflect on.", kind.label().to_lowercase());
        let id = ResourceId::from_uuid(uuid(&mut rng));
        let levels: Vec<Level> = match rng.gen_range(0..4) {
            0 => vec![Level::Band5, Level::Band6, Level::CareTeamLeader],
            1 => vec![Level::Band7, Level::Band8a, Level::RegisteredManager],
            2 => vec![Level::Band8b, Level::Band8c, Level::Band8d, Level::Band9, Level::VerySeniorManager],
            _ => vec![],
        };
        resources.push((
            id,
            ResourceFields {
                title: Title::parse(&title)?,
                summary: Summary::parse(&summary)?,
                kind,
                url: Some(format!("https://learning.example.org/resources/{i}")),
                body: None,
                estimated: EstimatedMinutes::new(minutes)?,
                levels,
                sectors: if rng.gen_bool(0.5) {
                    vec![]
                } else {
                    vec![*Sector::ALL.choose(&mut rng).unwrap_or(&Sector::Health)]
                },
                behaviours: behaviours.iter().map(|b| (*b).to_owned()).collect(),
                publisher: Some(
                    ["Leadership Academy", "Skills for Care", "Social Work England", "The King's Fund"][i % 4]
                        .to_owned(),
                ),
                review_on: None,
            },
        ));
        if i < SUBJECTS.len() * 2 {
            topics.push((TopicSlug::parse(topic).map_err(|_| anyhow::anyhow!("bad topic {topic}"))?, id));
        }
    }

    // Long-tailed records: each person's number of entries follows a Pareto-like draw, so most
    // have none or a few and some have many.
    let mut entries = Vec::new();
    let mut order: Vec<usize> = (0..people.len()).collect();
    order.shuffle(&mut rng);
    if let Some(l) = learner.and_then(|l| people.iter().position(|p| p.id == l)) {
        order.retain(|i| *i != l);
        order.insert(0, l);
    }
    for i in order {
        if entries.len() >= MAX_ENTRIES {
            break;
        }
        let person = &people[i];
        let n = if Some(person.id) == learner {
            LEARNER_ENTRIES
        } else {
            let u: f64 = rng.gen_range(0.02..1.0);
            ((1.0 / u.powf(1.1)) as usize).saturating_sub(1).min(80)
        };
        for _ in 0..n {
            let (rid, r) = &resources[rng.gen_range(0..resources.len())];
            let from_catalogue = rng.gen_bool(0.4);
            let activity = if from_catalogue {
                Activity::Resource
            } else {
                *Activity::ALL[1..].choose(&mut rng).unwrap_or(&Activity::Other)
            };
            let kind = if from_catalogue { LearningKind::Formal } else { activity.usual_kind() };
            let days_ago = rng.gen_range(0..730);
            let on = today.checked_sub(jiff::Span::new().days(days_ago))?;
            let minutes = if from_catalogue { i64::from(r.estimated.get().min(600)) } else { rng.gen_range(15..300) };
            let title = if from_catalogue {
                r.title.as_str().to_owned()
            } else {
                format!("{}: {}", activity.label(), SUBJECTS[rng.gen_range(0..SUBJECTS.len())].0)
            };
            entries.push((
                EntryId::from_uuid(uuid(&mut rng)),
                person.id,
                EntryFields {
                    title: Title::parse(&title)?,
                    activity,
                    kind,
                    occurred_on: on,
                    time: TimeSpent::minutes(minutes)?,
                    reflection: Reflection::new(
                        "I saw how much depends on listening first and on making it safe for people to speak up.",
                        "I will try it at our next team huddle and ask the team what they noticed.",
                    )?,
                    behaviours: r.behaviours.clone(),
                    resource: from_catalogue.then_some(*rid),
                },
                person.organisation,
            ));
        }
    }
    Ok(Plan { resources, topics, entries })
}

fn case_studies(people: &[PersonRecord], seed: u64) -> anyhow::Result<Vec<NewCaseStudy>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0068_7562);
    let stories = [
        ("Huddles that made it safe to speak up", "Night staff on a medical ward rarely raised concerns with the day team.", "The ward manager started ten-minute huddles at each handover, with one question: what worried you today?", "Incidents reported rose in the first quarter, then harm from falls fell; staff survey scores for speaking up improved.", &["psychological safety", "ward"][..]),
        ("Reverse mentoring between a board and its care workers", "The board of a care provider heard little directly from the people doing the work.", "Each director was paired with a care worker for six monthly conversations about the work as it really is.", "Two policies on rotas were rewritten, and three of the care workers went on to leadership programmes.", &["reverse mentoring", "boards"][..]),
        ("One plan for people leaving hospital", "People going home from hospital met three assessments and waited days for care to start.", "Hospital discharge nurses and council social workers wrote one shared plan with the person and their family.", "Waits for care to start fell from six days to two, and readmissions within a month fell too.", &["integration", "discharge"][..]),
        ("A learning set for new registered managers", "New registered managers in small care homes felt alone in their first year.", "The council ran a monthly action learning set, facilitated, for managers in their first two years.", "Every manager in the first cohort was still in post a year later, against a local turnover of a quarter.", &["action learning", "registered managers"][..]),
        ("Supervision that looks at the worker as well as the case", "Social work supervision had become case management only.", "The service added a reflective part to each supervision, on the worker's wellbeing and learning.", "Sickness absence fell and more social workers said they felt supported in the annual survey.", &["supervision", "social work"][..]),
    ];
    let mut out = Vec::new();
    for (title, context, done, outcomes, tags) in stories {
        let author = &people[rng.gen_range(0..people.len())];
        let fields = CaseStudyFields::parse(&CaseStudyText {
            title,
            context,
            what_was_done: done,
            outcomes,
            contact: author.email.as_str(),
            tags,
        })
        .map_err(|p| anyhow::anyhow!("a demo case study is not valid: {p:?}"))?;
        out.push(NewCaseStudy {
            id: CaseStudyId::from_uuid(uuid(&mut rng)),
            fields,
            submitted_by: Some(author.id),
            organisation: author.organisation,
            published: true,
            reviewed_by: None,
        });
    }
    Ok(out)
}

/// Writes the demo's catalogue, topics, records and case studies. Returns (resources, entries).
pub async fn generate(
    store: &Store,
    people: &[PersonRecord],
    learner: Option<PersonId>,
    seed: u64,
    now: Timestamp,
) -> anyhow::Result<(usize, usize)> {
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let plan = plan(people, learner, seed, today)?;
    store.load_resources(&plan.resources, None, now).await?;
    store.load_topic_resources(&plan.topics, now).await?;
    for chunk in plan.entries.chunks(10_000) {
        store.load_entries(chunk, now).await?;
    }
    store.load_case_studies(&case_studies(people, seed)?, now).await?;
    Ok((plan.resources.len(), plan.entries.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(n: u128) -> Vec<PersonRecord> {
        (0..n)
            .map(|i| PersonRecord {
                id: PersonId::from_uuid(Uuid::from_u128(i + 1)),
                staff_number: None,
                name: domain::people::PersonName::parse("Demo Person").unwrap(),
                email: domain::people::Email::parse(&format!("p{i}@example.org")).unwrap(),
                job_title: None,
                profession: None,
                level: None,
                organisation: None,
                manager: None,
                start_date: None,
            })
            .collect()
    }

    #[test]
    fn records_have_a_long_tail_and_the_learner_has_a_full_one() {
        let ps = people(3000);
        let learner = ps[17].id;
        let plan = plan(&ps, Some(learner), 1, Date::constant(2026, 11, 1)).unwrap();
        let mut counts = std::collections::HashMap::new();
        for (_, p, _, _) in &plan.entries {
            *counts.entry(*p).or_insert(0usize) += 1;
        }
        assert_eq!(counts[&learner], LEARNER_ENTRIES);
        let with_none = ps.iter().filter(|p| !counts.contains_key(&p.id)).count();
        let heavy = counts.values().filter(|c| **c >= 20).count();
        assert!(with_none > ps.len() / 3, "most people record little: {with_none} with none");
        assert!(heavy > 0 && heavy < ps.len() / 10, "a few record a lot: {heavy}");
        assert!(plan.entries.len() <= MAX_ENTRIES);
    }

    #[test]
    fn the_same_seed_makes_the_same_learning() {
        let ps = people(500);
        let a = plan(&ps, None, 9, Date::constant(2026, 11, 1)).unwrap();
        let b = plan(&ps, None, 9, Date::constant(2026, 11, 1)).unwrap();
        assert_eq!(a.entries.len(), b.entries.len());
        assert_eq!(
            a.resources.iter().map(|r| r.0).collect::<Vec<_>>(),
            b.resources.iter().map(|r| r.0).collect::<Vec<_>>()
        );
    }

    /// The demo learner's portfolio, fetched through the API as a learner would, is a valid PDF
    /// holding every one of their 200 entries.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_learners_portfolio_is_a_valid_pdf_with_every_entry() {
        let db = store::testing::TestDb::sqlite().await;
        let summary = crate::demo::generate(&db.store, 1_000, 4, false).await.unwrap();
        let learner = summary.accounts.iter().find(|a| a.description.starts_with("Learner")).unwrap().person;
        let entries = db.store.portfolio_entries(learner, domain::portfolio::Period::default()).await.unwrap();
        assert_eq!(entries.len(), LEARNER_ENTRIES);
        let token = web::issue_api_token(&db.store, learner, "test", Timestamp::now()).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(web::serve(listener, db.store.clone(), web::Config::default(), async {
            let _ = rx.await;
        }));
        let response = reqwest::Client::new()
            .get(format!("{base}/api/v1/people/{learner}/portfolio.pdf"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let bytes = response.bytes().await.unwrap();
        let doc = lopdf::Document::load_mem(&bytes).expect("the portfolio parses as a PDF");
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        let text: String = doc.extract_text(&pages).unwrap().chars().filter(|c| !c.is_whitespace()).collect();
        for e in &entries {
            let title: String = e.fields.title.as_str().chars().filter(|c| !c.is_whitespace()).collect();
            assert!(text.contains(&title), "the PDF is missing {:?}", e.fields.title.as_str());
        }
        let _ = tx.send(());
        server.await.unwrap().unwrap();
        db.finish().await;
    }

    #[test]
    fn case_studies_are_valid() {
        assert_eq!(case_studies(&people(50), 3).unwrap().len(), 5);
    }
}
