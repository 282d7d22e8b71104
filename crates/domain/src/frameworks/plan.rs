//! What to develop next: development needs drawn from assessments and 360s, resources recommended
//! for them (through crosswalks, suited to the person's level and sector, each with the reason),
//! and a development plan whose goals the learning record ticks off.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use super::assessment::SelfAssessment;
use super::crosswalk::{equivalents, Crosswalk};
use super::feedback::{Report, Source};
use super::model::{BehaviourRef, Framework};
use crate::ids::{EntryId, ResourceId};
use crate::people::{Level, Sector};

/// Why a behaviour is a development need.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// Among the lowest-rated behaviours; `position` is 0.0 at the bottom of the scale, 1.0 at the top.
    LowRating { position: f64 },
    /// Others rate it lower than the person does, by `gap` scale points.
    BlindSpot { gap: f64 },
    /// Its domain is rated important to the role (1 to 4).
    ImportantDomain { domain: String, importance: f64 },
}

impl Reason {
    fn say(&self) -> String {
        match self {
            Reason::LowRating { .. } => "it is among your lowest-rated behaviours".to_owned(),
            Reason::BlindSpot { gap } => format!("others rate it {gap:.1} points lower than you do"),
            Reason::ImportantDomain { domain, .. } => format!("your raters see {domain} as important to your role"),
        }
    }
}

/// A behaviour worth developing, with how much (higher is more) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub behaviour: BehaviourRef,
    pub name: String,
    pub weight: f64,
    pub reasons: Vec<Reason>,
}

/// How many of the lowest-rated behaviours count as needs.
pub const LOWEST: usize = 5;

/// Needs from a self-assessment: the lowest-rated behaviours, lowest first.
pub fn needs_from_assessment(framework: &Framework, assessment: &SelfAssessment) -> Vec<Need> {
    let mut rated: Vec<(f64, &super::model::Behaviour)> = framework
        .behaviours()
        .filter_map(|(_, b)| {
            let r = assessment.ratings.get(&b.id)?;
            Some((framework.scale().position(f64::from(r.rating.value())), b))
        })
        .collect();
    rated.sort_by(|a, b| a.0.total_cmp(&b.0));
    rated
        .into_iter()
        .take(LOWEST)
        .filter(|(p, _)| *p < 1.0)
        .map(|(position, b)| Need {
            behaviour: framework.behaviour_ref(b),
            name: b.name.clone(),
            weight: 1.0 - position,
            reasons: vec![Reason::LowRating { position }],
        })
        .collect()
}

/// Needs from a released 360 report: the behaviours "all raters" rate lowest, the largest blind
/// spots, and behaviours of domains rated important, each weighed and merged, strongest first.
pub fn needs_from_report(framework: &Framework, report: &Report) -> Vec<Need> {
    let mut needs: BTreeMap<BehaviourRef, Need> = BTreeMap::new();
    let mut add = |b: &super::model::Behaviour, weight: f64, reason: Reason| {
        let need = needs.entry(framework.behaviour_ref(b)).or_insert_with(|| Need {
            behaviour: framework.behaviour_ref(b),
            name: b.name.clone(),
            weight: 0.0,
            reasons: Vec::new(),
        });
        need.weight += weight;
        need.reasons.push(reason);
    };
    let scale = framework.scale();
    let span = f64::from(scale.highest().saturating_sub(scale.lowest()).max(1));

    let mut lowest: Vec<(f64, &super::model::Behaviour)> = report
        .behaviours
        .iter()
        .filter_map(|r| {
            let fig = r.figure(Source::AllRaters).or_else(|| r.figure(Source::Myself))?;
            Some((scale.position(fig.mean), framework.behaviour(r.behaviour.as_str())?.1))
        })
        .collect();
    lowest.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (position, b) in lowest.into_iter().take(LOWEST).filter(|(p, _)| *p < 1.0) {
        add(b, 1.0 - position, Reason::LowRating { position });
    }
    for r in report.blind_spots() {
        if let (Some(gap), Some((_, b))) = (r.gap, framework.behaviour(r.behaviour.as_str())) {
            add(b, -gap / span, Reason::BlindSpot { gap: -gap });
        }
    }
    for d in &report.domains {
        let importance = d
            .importance
            .iter()
            .find(|f| f.source == Source::AllRaters)
            .or_else(|| d.importance.iter().find(|f| f.source == Source::Myself));
        let (Some(i), Some(domain)) = (importance, framework.domain(d.domain.as_str())) else { continue };
        if i.mean >= f64::from(super::feedback::Importance::IMPORTANT) {
            // Importance sharpens the other reasons; on its own it weighs little.
            for b in &domain.behaviours {
                add(
                    b,
                    (i.mean - 2.0) / 4.0,
                    Reason::ImportantDomain { domain: domain.name.clone(), importance: i.mean },
                );
            }
        }
    }
    let mut out: Vec<Need> = needs.into_values().collect();
    out.sort_by(|a, b| b.weight.total_cmp(&a.weight).then_with(|| a.behaviour.cmp(&b.behaviour)));
    out
}

/// A catalogue resource as a recommendation needs to see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub resource: ResourceId,
    pub title: String,
    pub behaviours: Vec<BehaviourRef>,
    /// Empty means every level.
    pub levels: Vec<Level>,
    /// Empty means every sector.
    pub sectors: Vec<Sector>,
}

/// Who the recommendation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Learner {
    pub level: Option<Level>,
    pub sector: Option<Sector>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub resource: ResourceId,
    pub score: f64,
    /// The needs it meets.
    pub meets: Vec<BehaviourRef>,
    /// One or two sentences on why.
    pub why: String,
}

/// Ranks candidate resources against needs. A resource counts for a need when it is tagged with
/// the need's behaviour or one equivalent to it through the crosswalks. Resources meant for other
/// levels or sectors than the learner's are left out (a resource with no levels or sectors suits
/// everyone). The score is the sum of the weights of the needs met; ties go to the resource that
/// names the learner's level or sector, then by title.
pub fn recommend(
    needs: &[Need],
    candidates: &[Candidate],
    crosswalks: &[Crosswalk],
    learner: &Learner,
    limit: usize,
) -> Vec<Recommendation> {
    let expanded: Vec<(&Need, BTreeSet<BehaviourRef>)> =
        needs.iter().map(|n| (n, equivalents([&n.behaviour], crosswalks))).collect();
    let suits = |c: &Candidate| {
        let level = c.levels.is_empty() || learner.level.is_some_and(|l| c.levels.contains(&l));
        let sector = c.sectors.is_empty() || learner.sector.is_some_and(|s| c.sectors.contains(&s));
        level && sector
    };
    let mut ranked: Vec<(f64, bool, &Candidate, Recommendation)> = candidates
        .iter()
        .filter(|c| suits(c))
        .filter_map(|c| {
            let met: Vec<(&Need, Option<&BehaviourRef>)> = expanded
                .iter()
                .filter_map(|(need, eq)| {
                    let tag = c.behaviours.iter().find(|t| eq.contains(*t))?;
                    Some((*need, (tag != &need.behaviour).then_some(tag)))
                })
                .collect();
            if met.is_empty() {
                return None;
            }
            let score: f64 = met.iter().map(|(n, _)| n.weight).sum();
            let targeted = learner.level.is_some_and(|l| c.levels.contains(&l))
                || learner.sector.is_some_and(|s| c.sectors.contains(&s));
            let why = explain(&met, c, learner);
            let meets = met.iter().map(|(n, _)| n.behaviour.clone()).collect();
            Some((score, targeted, c, Recommendation { resource: c.resource, score, meets, why }))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then_with(|| a.2.title.cmp(&b.2.title)));
    ranked.into_iter().take(limit).map(|(_, _, _, r)| r).collect()
}

fn explain(met: &[(&Need, Option<&BehaviourRef>)], c: &Candidate, learner: &Learner) -> String {
    let (first, via) = met[0];
    let mut why =
        format!("Recommended for {}: {}", first.name, first.reasons.first().map(Reason::say).unwrap_or_default());
    if let Some(tag) = via {
        why.push_str(&format!(" (it is tagged {tag}, which corresponds)"));
    }
    if met.len() > 1 {
        let others: Vec<&str> = met[1..].iter().map(|(n, _)| n.name.as_str()).collect();
        why.push_str(&format!("; it also covers {}", others.join(", ")));
    }
    why.push('.');
    let mut fit = Vec::new();
    if let Some(l) = learner.level.filter(|l| c.levels.contains(l)) {
        fit.push(l.label().to_owned());
    }
    if let Some(s) = learner.sector.filter(|s| c.sectors.contains(s)) {
        fit.push(s.label().to_lowercase());
    }
    if !fit.is_empty() {
        why.push_str(&format!(" Written for {}.", fit.join(" in ")));
    }
    why
}

/// A goal of a development plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Goal {
    pub title: String,
    /// When the goal was set: learning before it does not count.
    pub set_on: Date,
    pub target: Date,
    pub behaviours: Vec<BehaviourRef>,
    pub resources: Vec<ResourceId>,
}

/// An entry of the learning record as a plan needs to see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordEntry {
    pub entry: EntryId,
    pub on: Date,
    pub behaviours: Vec<BehaviourRef>,
    pub resource: Option<ResourceId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalStatus {
    /// Met by a learning-record entry; `late` if after the target date.
    Met {
        by: EntryId,
        on: Date,
        late: bool,
    },
    Open,
    Overdue,
}

/// Whether a goal is met: by the earliest entry, on or after the day it was set, that used one of
/// its resources or is tagged with one of its behaviours (or a behaviour equivalent through the
/// crosswalks). `today` decides whether an unmet goal is overdue.
pub fn goal_status(goal: &Goal, entries: &[RecordEntry], crosswalks: &[Crosswalk], today: Date) -> GoalStatus {
    let wanted = equivalents(&goal.behaviours, crosswalks);
    let met = entries
        .iter()
        .filter(|e| e.on >= goal.set_on)
        .filter(|e| {
            e.resource.is_some_and(|r| goal.resources.contains(&r)) || e.behaviours.iter().any(|b| wanted.contains(b))
        })
        .min_by_key(|e| (e.on, e.entry));
    match met {
        Some(e) => GoalStatus::Met { by: e.entry, on: e.on, late: e.on > goal.target },
        None if today > goal.target => GoalStatus::Overdue,
        None => GoalStatus::Open,
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use uuid::Uuid;

    use super::super::feedback::{
        release_report, Answer, Importance, Invitation, InvitationId, Rater, RaterGroup, ReleaseRules,
    };
    use super::super::shipped;
    use super::*;
    use crate::ids::PersonId;

    fn r(s: &str) -> BehaviourRef {
        s.parse().unwrap()
    }

    fn resource(n: u128) -> ResourceId {
        ResourceId::from_uuid(Uuid::from_u128(n))
    }

    fn candidate(n: u128, title: &str, tags: &[&str], levels: Vec<Level>, sectors: Vec<Sector>) -> Candidate {
        Candidate {
            resource: resource(n),
            title: title.into(),
            behaviours: tags.iter().map(|t| r(t)).collect(),
            levels,
            sectors,
        }
    }

    #[test]
    fn lowest_self_ratings_become_needs() {
        let f = &shipped::frameworks()[1];
        let mut a = SelfAssessment::start(f);
        a.rate(f, "delegating-well", 1, None, vec![]).unwrap();
        a.rate(f, "knowing-myself", 3, None, vec![]).unwrap();
        a.rate(f, "seeking-feedback", 4, None, vec![]).unwrap();
        let needs = needs_from_assessment(f, &a);
        let names: Vec<String> = needs.iter().map(|n| n.behaviour.to_string()).collect();
        assert_eq!(names, ["four-way-focus:delegating-well", "four-way-focus:knowing-myself"]);
    }

    #[test]
    fn recommendations_follow_crosswalks_and_suit_level_and_sector() {
        let walks = shipped::crosswalks();
        let need = Need {
            behaviour: r("four-way-focus:delegating-well"),
            name: "Delegating well".into(),
            weight: 1.0,
            reasons: vec![Reason::LowRating { position: 0.0 }],
        };
        let candidates = vec![
            candidate(
                1,
                "Growing your people",
                &["healthcare-leadership:developing-others"],
                vec![],
                vec![Sector::SocialCare],
            ),
            candidate(2, "Delegation for directors", &["four-way-focus:delegating-well"], vec![Level::Band9], vec![]),
            candidate(3, "Budgets", &["four-way-focus:managing-resources"], vec![], vec![]),
            candidate(4, "Letting go", &["four-way-focus:delegating-well"], vec![], vec![]),
        ];
        let learner = Learner { level: Some(Level::CareTeamLeader), sector: Some(Sector::SocialCare) };
        let got = recommend(&[need], &candidates, &walks, &learner, 10);
        let ids: Vec<ResourceId> = got.iter().map(|g| g.resource).collect();
        assert_eq!(ids, [resource(1), resource(4)]);
        assert_eq!(
            got[0].why,
            "Recommended for Delegating well: it is among your lowest-rated behaviours (it is tagged healthcare-leadership:developing-others, which corresponds). Written for social care."
        );
    }

    #[test]
    fn a_report_yields_blind_spots_and_important_domains_as_needs() {
        let f = &shipped::frameworks()[1];
        let inv: Vec<Invitation> = [RaterGroup::Myself, RaterGroup::Other, RaterGroup::Other, RaterGroup::Other]
            .iter()
            .enumerate()
            .map(|(n, g)| Invitation {
                id: InvitationId::from_uuid(Uuid::from_u128(n as u128)),
                group: *g,
                rater: Rater::Person(PersonId::from_uuid(Uuid::from_u128(50 + n as u128))),
            })
            .collect();
        let answers: Vec<Answer> = (0..4)
            .map(|n| Answer {
                invitation: InvitationId::from_uuid(Uuid::from_u128(n)),
                ratings: f
                    .behaviours()
                    .map(|(_, b)| f.rating(b.id.as_str(), if n == 0 { 4 } else { 3 }).unwrap())
                    .chain([f.rating("delegating-well", if n == 0 { 4 } else { 1 }).unwrap()])
                    .collect(),
                importance: [(f.domains()[1].id.clone(), Importance::new(4).unwrap())].into(),
                comment: None,
            })
            .collect();
        let report = release_report(f, &inv, &answers, &ReleaseRules::default(), 0).unwrap();
        let needs = needs_from_report(f, &report);
        assert_eq!(needs[0].behaviour, r("four-way-focus:delegating-well"));
        assert_eq!(needs[0].reasons.len(), 3, "{:?}", needs[0].reasons);
        assert!(matches!(needs[0].reasons[1], Reason::BlindSpot { gap } if gap == 3.0));
    }

    #[test]
    fn a_goal_is_met_by_a_matching_entry_after_it_was_set() {
        let walks = shipped::crosswalks();
        let goal = Goal {
            title: "Delegate more".into(),
            set_on: date(2025, 1, 10),
            target: date(2025, 3, 31),
            behaviours: vec![r("four-way-focus:delegating-well")],
            resources: vec![resource(9)],
        };
        let entry = |n: u128, on: Date, tags: &[&str], res: Option<ResourceId>| RecordEntry {
            entry: EntryId::from_uuid(Uuid::from_u128(n)),
            on,
            behaviours: tags.iter().map(|t| r(t)).collect(),
            resource: res,
        };
        let today = date(2025, 2, 1);
        assert_eq!(goal_status(&goal, &[], &walks, today), GoalStatus::Open);
        assert_eq!(goal_status(&goal, &[], &walks, date(2025, 4, 1)), GoalStatus::Overdue);
        let early = entry(1, date(2025, 1, 1), &["four-way-focus:delegating-well"], None);
        let unrelated = entry(2, date(2025, 1, 20), &["four-way-focus:managing-resources"], None);
        assert_eq!(goal_status(&goal, &[early.clone(), unrelated.clone()], &walks, today), GoalStatus::Open);
        let via_crosswalk = entry(3, date(2025, 2, 1), &["healthcare-leadership:developing-others"], None);
        let via_resource = entry(4, date(2025, 4, 2), &[], Some(resource(9)));
        assert_eq!(
            goal_status(&goal, &[via_resource.clone(), via_crosswalk, unrelated], &walks, today),
            GoalStatus::Met { by: EntryId::from_uuid(Uuid::from_u128(3)), on: date(2025, 2, 1), late: false }
        );
        assert_eq!(
            goal_status(&goal, &[via_resource], &walks, date(2025, 5, 1)),
            GoalStatus::Met { by: EntryId::from_uuid(Uuid::from_u128(4)), on: date(2025, 4, 2), late: true }
        );
    }
}
