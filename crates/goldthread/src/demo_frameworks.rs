//! The demo's frameworks: finished self-assessments for a good share of people (some with an
//! earlier one, so that history shows movement) and closed 360s for a share of line managers,
//! rated by their own manager, peers and reports as the reporting tree has them. Every 360 is
//! closed the way the server closes one, so its report went through the same disclosure control.
//! Deterministic for a seed, and bounded in size so that a large demo still generates quickly.

use std::collections::{BTreeMap, HashMap};

use domain::frameworks::{
    release_report, shipped, Answer, Framework, Importance, Invitation, InvitationId, Rater, RaterGroup, ReleaseRules,
    SelfAssessment,
};
use domain::ids::PersonId;
use domain::learning::ResourceFilter;
use domain::paging::PageRequest;
use domain::people::import::PersonRecord;
use jiff::{SignedDuration, Timestamp};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use store::frameworks::{AssessmentId, FeedbackId, NewFeedback, NewInvitation};
use store::Store;
use uuid::Uuid;

/// At most this many people get a self-assessment, and this many a closed 360.
const MAX_ASSESSED: usize = 2_000;
const MAX_FEEDBACK: usize = 300;

const COMMENTS: &[&str] = &[
    "Always makes time to listen, even on the busiest shifts.",
    "Could share the reasons behind decisions more often.",
    "Brings people from other services into the conversation early.",
    "Thanks people in a way that feels genuine.",
    "Sometimes takes too much on rather than asking for help.",
    "Asks good questions when something goes wrong, without blame.",
    "I would like more chances to try new ideas in the team.",
    "Keeps promises, and says so early when they cannot.",
];

fn uuid(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.gen()).into_uuid()
}

/// A rating near `centre` (a position on the scale from 0 to 1), with some spread.
fn rating_near(framework: &Framework, rng: &mut ChaCha8Rng, centre: f64) -> u8 {
    let points = framework.scale().points();
    let x = (centre + rng.gen_range(-0.3..0.3)).clamp(0.0, 0.999);
    points[(x * points.len() as f64) as usize].value
}

/// Tags the demo catalogue's resources against the frameworks' behaviours: a resource tagged with
/// a domain's name in words ("engaging the team") is tagged with that domain's behaviours too, so
/// that recommendations find it.
async fn tag_catalogue(store: &Store, frameworks: &[Framework], now: Timestamp) -> anyhow::Result<()> {
    let mut ids = Vec::new();
    let mut page = 1;
    loop {
        let request = PageRequest::new(Some(page), Some(PageRequest::MAX_PER_PAGE));
        let found = store.search_resources(&ResourceFilter::default(), request).await?;
        ids.extend(found.items.iter().map(|r| r.id));
        if !found.has_next() {
            break;
        }
        page += 1;
    }
    for id in ids {
        let Some(resource) = store.resource(id).await? else { continue };
        let mut fields = resource.fields;
        let mut refs = Vec::new();
        for tag in &fields.behaviours {
            for f in frameworks {
                for d in f.domains().iter().filter(|d| d.name.eq_ignore_ascii_case(tag)) {
                    refs.extend(d.behaviours.iter().map(|b| f.behaviour_ref(b).to_string()));
                }
            }
        }
        if !refs.is_empty() {
            fields.behaviours.extend(refs);
            store.update_resource(id, &fields, now).await?;
        }
    }
    Ok(())
}

/// Writes the demo's assessments and 360s; answers how many of each.
pub async fn generate(
    store: &Store,
    people: &[PersonRecord],
    learner: Option<PersonId>,
    seed: u64,
    now: Timestamp,
) -> anyhow::Result<(usize, usize)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x360F_EEDB);
    let frameworks = shipped::frameworks();
    // The shipped frameworks are installed on first read; read one so that they are.
    store.frameworks().await?;
    tag_catalogue(store, &frameworks, now).await?;
    let mut reports: HashMap<PersonId, Vec<PersonId>> = HashMap::new();
    for p in people {
        if let Some(m) = p.manager {
            reports.entry(m).or_default().push(p.id);
        }
    }
    // Each person's leadership, as a position on any scale: the demo's hidden truth.
    let strength: HashMap<PersonId, f64> = people.iter().map(|p| (p.id, rng.gen_range(0.25..0.85))).collect();
    let day = SignedDuration::from_hours(24);

    let every = (people.len() / MAX_ASSESSED).max(3);
    let mut assessed = 0;
    for (i, p) in people.iter().enumerate() {
        if i % every != 0 && Some(p.id) != learner {
            continue;
        }
        let f = &frameworks[i % frameworks.len()];
        let centre = strength[&p.id];
        let rounds = if Some(p.id) == learner || rng.gen_bool(0.3) { 2 } else { 1 };
        for round in 0..rounds {
            let mut a = SelfAssessment::start(f);
            let growth = 0.15 * round as f64;
            for (_, b) in f.behaviours() {
                let value = rating_near(f, &mut rng, centre - 0.1 + growth);
                a.rate(f, b.id.as_str(), value, None, Vec::new())?;
            }
            let when = now - day * (200 - 150 * round) - SignedDuration::from_secs(rng.gen_range(0..86_400));
            store.save_assessment(AssessmentId::from_uuid(uuid(&mut rng)), p.id, &a, true, when).await?;
        }
        assessed += 1;
    }

    // 360s for managers with at least three reports, and for the demo learner.
    let mut subjects: Vec<&PersonRecord> =
        people.iter().filter(|p| reports.get(&p.id).is_some_and(|r| r.len() >= 3) && p.manager.is_some()).collect();
    subjects.truncate(MAX_FEEDBACK);
    if let Some(l) = learner.and_then(|l| people.iter().find(|p| p.id == l)) {
        if !subjects.iter().any(|s| s.id == l.id) {
            subjects.push(l);
        }
    }
    let mut closed = 0;
    for subject in subjects {
        let f = &frameworks[closed % frameworks.len()];
        let mut invitations = vec![(RaterGroup::Myself, subject.id)];
        if let Some(m) = subject.manager {
            invitations.push((RaterGroup::LineManager, m));
            let peers = reports.get(&m).map(Vec::as_slice).unwrap_or_default();
            invitations.extend(peers.iter().filter(|p| **p != subject.id).take(4).map(|p| (RaterGroup::Peer, *p)));
        }
        let own = reports.get(&subject.id).map(Vec::as_slice).unwrap_or_default();
        invitations.extend(own.iter().take(4).map(|p| (RaterGroup::DirectReport, *p)));
        let invitations: Vec<Invitation> = invitations
            .into_iter()
            .map(|(group, person)| Invitation {
                id: InvitationId::from_uuid(uuid(&mut rng)),
                group,
                rater: Rater::Person(person),
            })
            .collect();
        let id = FeedbackId::from_uuid(uuid(&mut rng));
        let started = now - day * 40;
        let new = NewFeedback {
            id,
            subject: subject.id,
            started_by: subject.id,
            facilitator: None,
            framework: f.id().clone(),
            version: f.version().to_owned(),
        };
        let new_invitations: Vec<NewInvitation> = invitations
            .iter()
            .map(|i| NewInvitation { invitation: i.clone(), token_hash: None, expires_at: None })
            .collect();
        store.create_feedback(&new, &new_invitations, started).await?;
        let centre = strength[&subject.id];
        let mut answered = 0;
        for inv in &invitations {
            // Most answer; the subject always does.
            if inv.group != RaterGroup::Myself && !rng.gen_bool(0.85) {
                continue;
            }
            // People see themselves a little more kindly than others do.
            let lean = if inv.group == RaterGroup::Myself { 0.1 } else { 0.0 };
            let mut ratings = BTreeMap::new();
            for (_, b) in f.behaviours() {
                let value = rating_near(f, &mut rng, centre + lean);
                ratings.insert(b.id.clone(), f.scale().rating(value)?);
            }
            let mut importance = BTreeMap::new();
            for d in f.domains() {
                if let Some(i) = Importance::new(rng.gen_range(2..=4)) {
                    importance.insert(d.id.clone(), i);
                }
            }
            let comment = rng.gen_bool(0.6).then(|| COMMENTS[rng.gen_range(0..COMMENTS.len())].to_owned());
            let answer = Answer { invitation: inv.id, ratings, importance, comment };
            if store.submit_answer(&answer, started + day * 5).await?.is_ok() {
                answered += 1;
            }
        }
        let shuffle = rng.gen();
        let released = store
            .close_feedback(id, started + day * 21, |f, i, a| {
                release_report(f, i, a, &ReleaseRules::default(), shuffle)
            })
            .await?;
        if released.is_ok() && answered > 1 {
            closed += 1;
        }
    }
    Ok((assessed, closed))
}

#[cfg(test)]
mod tests {
    use domain::frameworks::Source;

    /// A small demo holds self-assessments for a good share of people and closed 360s whose
    /// reports show no anonymous figure over fewer than three answers.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_has_assessments_and_closed_360s_within_the_rules() {
        let db = store::testing::TestDb::sqlite().await;
        let summary = crate::demo::generate(&db.store, 600, 5, false).await.unwrap();
        let learner = summary.accounts.iter().find(|a| a.description.starts_with("Learner")).unwrap().person;
        let history = db.store.assessments_of(learner, None).await.unwrap();
        assert_eq!(history.len(), 2, "the demo learner has two self-assessments to compare");
        let theirs = db.store.feedbacks_for(learner).await.unwrap();
        assert_eq!(theirs.len(), 1);
        assert!(!theirs[0].is_open(), "and a closed 360");
        let report = db.store.feedback_report(theirs[0].id).await.unwrap().unwrap();
        assert!(report.behaviours.iter().all(|b| b.figure(Source::Myself).is_some()));

        let mut assessed = 0;
        let mut closed = 0;
        let people = crate::demo::plan_system(600, 5).unwrap().people;
        for p in &people {
            if !db.store.assessments_of(p.id, None).await.unwrap().is_empty() {
                assessed += 1;
            }
            for f in db.store.feedbacks_for(p.id).await.unwrap().into_iter().filter(|f| f.subject == p.id) {
                let Some(report) = db.store.feedback_report(f.id).await.unwrap() else { continue };
                closed += 1;
                for b in &report.behaviours {
                    for fig in b.figures.iter().filter(|fig| fig.source.is_anonymous()) {
                        assert!(fig.answers >= 3, "an anonymous figure over {} answers", fig.answers);
                    }
                }
            }
        }
        assert!(assessed * 4 >= people.len(), "{assessed} of {} people assessed themselves", people.len());
        assert!(closed >= 20, "{closed} closed 360s");
        db.finish().await;
    }
}
