//! 360° feedback: invitations, answers, and the released report with its disclosure control.
//!
//! # What the report shows
//!
//! Raters are invited in groups: the subject themself, the line manager, peers, direct reports and
//! others. Each answer rates behaviours, says how important each domain is to the subject's role,
//! and may comment. The report shows, per behaviour and per domain, an average for each *pool* of
//! raters, self against everyone else (with blind spots and hidden strengths), and importance
//! against rating. The subject's own answers are shown as theirs, and the line manager's as the
//! manager's: the manager is told when invited that they are not anonymous.
//!
//! # Disclosure control
//!
//! Everyone else is anonymous, and these rules keep them so (the threshold is [`THRESHOLD`], 3,
//! and a caller can only raise it):
//!
//! 1. **Pools are fixed by the invitations, not by the answers.** Peers form their own pool if at
//!    least three peers were *invited*, and so do direct reports; a group invited in smaller
//!    numbers is folded into "others" together with the raters invited as others. Which pool a
//!    rater's answers go to never depends on who else answered.
//! 2. **A pool's figure is shown only over at least three answers**: for each behaviour, at least
//!    three of its raters rated that behaviour; for each domain's importance, at least three said
//!    how important it is. Below that the figure is withheld, and so is the count.
//! 3. **Every other figure is computed from shown figures only.** A pool's domain average is the
//!    mean of its shown behaviour averages; "all raters" is the manager's answers together with
//!    the shown anonymous pools. A withheld answer never enters any figure, so no subtraction of
//!    one shown figure from another can expose it.
//! 4. **Comments are unattributed and shuffled**, sorted first so that their order says nothing of
//!    when or by whom they were written, then shuffled with a seed the caller draws. Anonymous
//!    comments are shown only when at least three anonymous raters answered.
//!
//! # Why pools are fixed by invitations: the differencing attack
//!
//! Someone who sees two reports over answer sets that differ by one rater can subtract matching
//! figures. Suppose pools were decided by answers: with two peers and three others answering, the
//! peers are folded and "others" is the average of five. If a third peer then answers, peers
//! become a pool of three and "others" an average of the same three others. The first "others"
//! minus the second is the sum of the first two peers' ratings: a figure over two raters, exposed
//! without ever being shown, and the third peer's ratings follow from it. Under rule 1 the pools do
//! not move when an answer arrives, so matching figures in the two reports differ by exactly the
//! one rater whose answer differs, and every other rater stays hidden among at least three. The
//! property tests check this for any invitations and answers: changing one rater's rating of one
//! behaviour by +1 and another's in the same pool by -1 leaves both reports exactly as they were.
//!
//! What no exact average can hide is the one rater whose answer is the only difference, when their
//! pool's figure is shown both with and without them. That is why a 360's report is computed once,
//! when it closes, with answers refused after that: two reports of one 360 never exist. (A subject
//! who runs a second 360 with one more rater gets fresh answers from everyone, not the same ones.)
//! The price of rule 1 is that a group invited three strong but answering two strong is withheld
//! rather than folded; invite enough people.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use uuid::Uuid;

use super::model::{Framework, Rating, Slug};
use crate::ids::PersonId;
use crate::people::Email;

/// The fewest answers behind any anonymous figure.
pub const THRESHOLD: usize = 3;

/// An invitation to rate: its id is what an answer refers to (and what a single-use link carries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InvitationId(Uuid);

impl InvitationId {
    pub const fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for InvitationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The group a rater is invited in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RaterGroup {
    /// The subject rating themself.
    Myself,
    LineManager,
    Peer,
    DirectReport,
    Other,
}

impl RaterGroup {
    pub const ALL: &'static [RaterGroup] =
        &[RaterGroup::Myself, RaterGroup::LineManager, RaterGroup::Peer, RaterGroup::DirectReport, RaterGroup::Other];

    pub const fn code(self) -> &'static str {
        match self {
            RaterGroup::Myself => "self",
            RaterGroup::LineManager => "line-manager",
            RaterGroup::Peer => "peer",
            RaterGroup::DirectReport => "direct-report",
            RaterGroup::Other => "other",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            RaterGroup::Myself => "Self",
            RaterGroup::LineManager => "Line manager",
            RaterGroup::Peer => "Peer",
            RaterGroup::DirectReport => "Direct report",
            RaterGroup::Other => "Other",
        }
    }
}

/// Who a rater is: someone with a goldthread record, or someone outside it reached by email.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rater {
    Person(PersonId),
    Outside(Email),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: InvitationId,
    pub group: RaterGroup,
    pub rater: Rater,
}

/// Why a list of invitations was refused; `index` is the invitation's position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvitationProblem {
    #[error("invitation {index}: you cannot invite yourself as a rater; your own view is the self part of the 360")]
    SubjectAsRater { index: usize },
    #[error("invitation {index}: only the subject can rate as self")]
    SelfForSomeoneElse { index: usize },
    #[error("invitation {index}: this person is already invited")]
    Duplicate { index: usize },
    #[error("invitation {index}: only the subject's own line manager can be invited as line manager")]
    NotTheLineManager { index: usize },
}

/// Checks the invitations of a 360 about `subject`: the subject may not be invited as a rater
/// (by record or by any of their email addresses), no one twice, and the line-manager group only
/// for the subject's line managers (`line_managers`, from the reporting line), since that group is
/// shown by name.
pub fn check_invitations(
    subject: PersonId,
    subject_emails: &[Email],
    line_managers: &[PersonId],
    invitations: &[Invitation],
) -> Result<(), Vec<InvitationProblem>> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for (index, inv) in invitations.iter().enumerate() {
        let is_subject = match &inv.rater {
            Rater::Person(p) => *p == subject,
            Rater::Outside(e) => subject_emails.contains(e),
        };
        match (inv.group, is_subject) {
            (RaterGroup::Myself, false) => problems.push(InvitationProblem::SelfForSomeoneElse { index }),
            (RaterGroup::Myself, true) => {}
            (_, true) => problems.push(InvitationProblem::SubjectAsRater { index }),
            (RaterGroup::LineManager, false) if !matches!(&inv.rater, Rater::Person(p) if line_managers.contains(p)) => {
                problems.push(InvitationProblem::NotTheLineManager { index })
            }
            _ => {}
        }
        if !seen.insert(&inv.rater) {
            problems.push(InvitationProblem::Duplicate { index });
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// How important a domain is to the subject's role, as a rater sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Importance(u8);

impl Importance {
    pub const LABELS: [&'static str; 4] = ["Not important", "Useful", "Important", "Essential"];
    /// "Important": domains rated at least this are the ones a plan should weigh most.
    pub const IMPORTANT: u8 = 3;

    /// 1 (not important) to 4 (essential).
    pub fn new(value: u8) -> Option<Self> {
        (1..=4).contains(&value).then_some(Self(value))
    }
    pub const fn value(self) -> u8 {
        self.0
    }
}

/// One rater's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub invitation: InvitationId,
    /// Behaviours the rater felt able to rate; the others are left out.
    pub ratings: BTreeMap<Slug, Rating>,
    /// Domains the rater said something about.
    pub importance: BTreeMap<Slug, Importance>,
    pub comment: Option<String>,
}

/// Thresholds for a report. The disclosure threshold cannot go below [`THRESHOLD`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReleaseRules {
    threshold: usize,
    /// How far "all raters" must sit from self, in scale points, for a blind spot or hidden strength.
    pub gap: f64,
}

impl ReleaseRules {
    pub fn new(threshold: usize, gap: f64) -> Self {
        Self { threshold: threshold.max(THRESHOLD), gap }
    }
    pub fn threshold(&self) -> usize {
        self.threshold
    }
}

impl Default for ReleaseRules {
    fn default() -> Self {
        Self::new(THRESHOLD, 1.0)
    }
}

/// Whose answers a figure stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    Myself,
    LineManager,
    Peers,
    DirectReports,
    /// Raters invited as others, with any group invited in numbers below the threshold.
    Others,
    /// Everyone but the subject whose answers are shown: the manager and the shown anonymous pools.
    AllRaters,
}

impl Source {
    pub const fn is_anonymous(self) -> bool {
        matches!(self, Source::Peers | Source::DirectReports | Source::Others)
    }

    pub const fn label(self) -> &'static str {
        match self {
            Source::Myself => "Self",
            Source::LineManager => "Line manager",
            Source::Peers => "Peers",
            Source::DirectReports => "Direct reports",
            Source::Others => "Others",
            Source::AllRaters => "All raters",
        }
    }
}

/// An average over `answers` answers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    pub source: Source,
    pub mean: f64,
    pub answers: usize,
}

/// A domain's average for one source: the mean of that source's shown behaviour averages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DomainFigure {
    pub source: Source,
    pub mean: f64,
    /// How many of the domain's behaviours it is the mean of.
    pub behaviours: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    /// Others rate this lower than the subject does.
    BlindSpot,
    /// Others rate this higher than the subject does.
    HiddenStrength,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BehaviourResult {
    pub behaviour: Slug,
    pub domain: Slug,
    /// Shown figures, self first, then the manager, the anonymous pools and all raters.
    pub figures: Vec<Figure>,
    /// All raters minus self, where both are shown.
    pub gap: Option<f64>,
    pub finding: Option<Finding>,
}

impl BehaviourResult {
    pub fn figure(&self, source: Source) -> Option<&Figure> {
        self.figures.iter().find(|f| f.source == source)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DomainResult {
    pub domain: Slug,
    pub ratings: Vec<DomainFigure>,
    /// How important raters say the domain is (1 to 4), by source, under the same rules.
    pub importance: Vec<Figure>,
    /// Rated important (all raters, else self) yet rated in the lower half of the scale.
    pub priority: bool,
}

/// How many raters a pool was invited with and, where shown, how many answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    pub source: Source,
    pub invited: usize,
    /// `None` when fewer than the threshold answered an anonymous pool.
    pub answered: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comments {
    pub own: Option<String>,
    /// The line manager's comments, shown as theirs.
    pub manager: Vec<String>,
    /// Everyone else's, unattributed and shuffled; `None` when withheld.
    pub others: Option<Vec<String>>,
}

/// A released 360 report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub framework: Slug,
    pub version: String,
    pub threshold: usize,
    pub pools: Vec<PoolStatus>,
    pub behaviours: Vec<BehaviourResult>,
    pub domains: Vec<DomainResult>,
    pub comments: Comments,
}

impl Report {
    pub fn blind_spots(&self) -> impl Iterator<Item = &BehaviourResult> {
        self.behaviours.iter().filter(|b| b.finding == Some(Finding::BlindSpot))
    }
    pub fn hidden_strengths(&self) -> impl Iterator<Item = &BehaviourResult> {
        self.behaviours.iter().filter(|b| b.finding == Some(Finding::HiddenStrength))
    }
}

/// Why a report could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReleaseError {
    #[error("no rater has answered this 360, so there is nothing to report: it can close once at least one rater has answered")]
    NoAnswers,
    #[error("an answer refers to invitation {0}, which is not one of this 360's")]
    UnknownInvitation(InvitationId),
    #[error("invitation {0} has more than one answer")]
    DuplicateAnswer(InvitationId),
    #[error("an answer rates {0:?}, which is not a behaviour of this framework")]
    UnknownBehaviour(String),
    #[error("an answer rates {behaviour:?} as {value}, which is not on this framework's scale")]
    OutsideScale { behaviour: String, value: u8 },
    #[error("an answer gives the importance of {0:?}, which is not a domain of this framework")]
    UnknownDomain(String),
}

/// The pool each invited group's answers go to: decided by the invitations alone (rule 1).
fn pool_of(group: RaterGroup, invited: &BTreeMap<RaterGroup, usize>, threshold: usize) -> Source {
    let enough = |g| invited.get(&g).copied().unwrap_or(0) >= threshold;
    match group {
        RaterGroup::Myself => Source::Myself,
        RaterGroup::LineManager => Source::LineManager,
        RaterGroup::Peer if enough(RaterGroup::Peer) => Source::Peers,
        RaterGroup::DirectReport if enough(RaterGroup::DirectReport) => Source::DirectReports,
        RaterGroup::Peer | RaterGroup::DirectReport | RaterGroup::Other => Source::Others,
    }
}

const POOL_ORDER: [Source; 5] =
    [Source::Myself, Source::LineManager, Source::Peers, Source::DirectReports, Source::Others];

/// Sums and counts per source, before any rule is applied.
#[derive(Default)]
struct Tally {
    sum: u32,
    count: usize,
}

impl Tally {
    fn add(&mut self, v: u8) {
        self.sum += u32::from(v);
        self.count += 1;
    }
}

/// Makes the released report of a closed 360. `seed` orders the comments; draw it once when the
/// 360 closes and keep it, so the report reads the same each time it is opened.
pub fn release_report(
    framework: &Framework,
    invitations: &[Invitation],
    answers: &[Answer],
    rules: &ReleaseRules,
    seed: u64,
) -> Result<Report, ReleaseError> {
    let t = rules.threshold;
    let mut invited: BTreeMap<RaterGroup, usize> = BTreeMap::new();
    for inv in invitations {
        *invited.entry(inv.group).or_default() += 1;
    }
    let pool_by_invitation: BTreeMap<InvitationId, Source> =
        invitations.iter().map(|i| (i.id, pool_of(i.group, &invited, t))).collect();

    // Check every answer before using any.
    let mut answered = BTreeSet::new();
    let mut pooled: Vec<(Source, &Answer)> = Vec::new();
    for a in answers {
        let pool = *pool_by_invitation.get(&a.invitation).ok_or(ReleaseError::UnknownInvitation(a.invitation))?;
        if !answered.insert(a.invitation) {
            return Err(ReleaseError::DuplicateAnswer(a.invitation));
        }
        for (b, r) in &a.ratings {
            if framework.behaviour(b.as_str()).is_none() {
                return Err(ReleaseError::UnknownBehaviour(b.to_string()));
            }
            if framework.scale().rating(r.value()).is_err() {
                return Err(ReleaseError::OutsideScale { behaviour: b.to_string(), value: r.value() });
            }
        }
        if let Some(d) = a.importance.keys().find(|d| framework.domain(d.as_str()).is_none()) {
            return Err(ReleaseError::UnknownDomain(d.to_string()));
        }
        pooled.push((pool, a));
    }
    if pooled.iter().all(|(p, _)| *p == Source::Myself) {
        return Err(ReleaseError::NoAnswers);
    }

    let shown = |source: Source, count: usize| count > 0 && (!source.is_anonymous() || count >= t);
    let figure_of = |source: Source, tally: &Tally| {
        shown(source, tally.count).then(|| Figure { source, mean: mean(tally.sum, tally.count), answers: tally.count })
    };

    let pools = POOL_ORDER
        .iter()
        .filter_map(|&source| {
            let invited = pool_by_invitation.values().filter(|p| **p == source).count();
            let count = pooled.iter().filter(|(p, _)| *p == source).count();
            (invited > 0).then_some(PoolStatus { source, invited, answered: shown(source, count).then_some(count) })
        })
        .collect();

    let mut behaviours = Vec::new();
    for (domain, b) in framework.behaviours() {
        let mut tallies: BTreeMap<Source, Tally> = BTreeMap::new();
        for (pool, a) in &pooled {
            if let Some(r) = a.ratings.get(&b.id) {
                tallies.entry(*pool).or_default().add(r.value());
            }
        }
        let mut figures: Vec<Figure> = POOL_ORDER.iter().filter_map(|s| figure_of(*s, tallies.get(s)?)).collect();
        let all = all_raters(&figures, &tallies);
        figures.extend(all);
        let own = figures.iter().find(|f| f.source == Source::Myself).map(|f| f.mean);
        let gap = own.zip(all.map(|f| f.mean)).map(|(own, all)| all - own);
        let finding = gap.and_then(|g| {
            if g <= -rules.gap {
                Some(Finding::BlindSpot)
            } else if g >= rules.gap {
                Some(Finding::HiddenStrength)
            } else {
                None
            }
        });
        behaviours.push(BehaviourResult { behaviour: b.id.clone(), domain: domain.id.clone(), figures, gap, finding });
    }

    let mut domains = Vec::new();
    for d in framework.domains() {
        let mut ratings = Vec::new();
        for source in POOL_ORDER.iter().copied().chain([Source::AllRaters]) {
            let means: Vec<f64> = behaviours
                .iter()
                .filter(|r| r.domain == d.id)
                .filter_map(|r| r.figure(source).map(|f| f.mean))
                .collect();
            if !means.is_empty() {
                ratings.push(DomainFigure {
                    source,
                    mean: means.iter().sum::<f64>() / means.len() as f64,
                    behaviours: means.len(),
                });
            }
        }
        let mut tallies: BTreeMap<Source, Tally> = BTreeMap::new();
        for (pool, a) in &pooled {
            if let Some(i) = a.importance.get(&d.id) {
                tallies.entry(*pool).or_default().add(i.value());
            }
        }
        let mut importance: Vec<Figure> = POOL_ORDER.iter().filter_map(|s| figure_of(*s, tallies.get(s)?)).collect();
        let all = all_raters(&importance, &tallies);
        importance.extend(all);
        let pick = |list: &[Figure]| {
            list.iter()
                .find(|f| f.source == Source::AllRaters)
                .or_else(|| list.iter().find(|f| f.source == Source::Myself))
                .map(|f| f.mean)
        };
        let rating = ratings
            .iter()
            .find(|f| f.source == Source::AllRaters)
            .or_else(|| ratings.iter().find(|f| f.source == Source::Myself))
            .map(|f| f.mean);
        let priority = match (pick(&importance), rating) {
            (Some(i), Some(r)) => i >= f64::from(Importance::IMPORTANT) && framework.scale().position(r) <= 0.5,
            _ => false,
        };
        domains.push(DomainResult { domain: d.id.clone(), ratings, importance, priority });
    }

    let comment = |a: &Answer| a.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned);
    let own = pooled.iter().find(|(p, _)| *p == Source::Myself).and_then(|(_, a)| comment(a));
    let mut manager: Vec<String> =
        pooled.iter().filter(|(p, _)| *p == Source::LineManager).filter_map(|(_, a)| comment(a)).collect();
    manager.sort();
    let anonymous = pooled.iter().filter(|(p, _)| p.is_anonymous()).count();
    let others = (anonymous >= t).then(|| {
        let mut list: Vec<String> =
            pooled.iter().filter(|(p, _)| p.is_anonymous()).filter_map(|(_, a)| comment(a)).collect();
        // Sorted first so the order the answers arrived in (which can say who wrote what) is lost.
        list.sort();
        shuffle(&mut list, seed);
        list
    });

    Ok(Report {
        framework: framework.id().clone(),
        version: framework.version().to_owned(),
        threshold: t,
        pools,
        behaviours,
        domains,
        comments: Comments { own, manager, others },
    })
}

/// "All raters": the line manager with every shown anonymous pool (rule 3), as one average.
fn all_raters(shown: &[Figure], tallies: &BTreeMap<Source, Tally>) -> Option<Figure> {
    let (mut sum, mut count) = (0u32, 0usize);
    for f in shown.iter().filter(|f| f.source != Source::Myself) {
        if let Some(t) = tallies.get(&f.source) {
            sum += t.sum;
            count += t.count;
        }
    }
    (count > 0).then(|| Figure { source: Source::AllRaters, mean: mean(sum, count), answers: count })
}

fn mean(sum: u32, count: usize) -> f64 {
    f64::from(sum) / count as f64
}

/// A small, well-mixed generator (SplitMix64): enough to put comments in an order unrelated to
/// their authors, and deterministic for a seed. Not for anything secret.
pub(super) struct SplitMix(u64);

impl SplitMix {
    pub(super) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (n > 0), without the bias of a plain remainder.
    pub(super) fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// Fisher–Yates with [`SplitMix`].
pub fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut rng = SplitMix::new(seed);
    for i in (1..items.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

/// One value in a heatmap: `contributor` is the person whose answer it is (a rater, or the person
/// themself for a self-assessment), so that thresholds count people, not values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation<R, C, K> {
    pub row: R,
    pub column: C,
    pub contributor: K,
    pub value: u8,
}

/// One cell of a heatmap; `mean` is `None` when fewer than the threshold contributed.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatCell<R, C> {
    pub row: R,
    pub column: C,
    pub mean: Option<f64>,
    pub contributors: Option<usize>,
}

/// A column's average over all rows (for example, one behaviour across a team).
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnFigure<C> {
    pub column: C,
    pub mean: Option<f64>,
    pub contributors: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap<R, C> {
    pub cells: Vec<HeatCell<R, C>>,
    pub columns: Vec<ColumnFigure<C>>,
}

/// A team or cohort heatmap, for a line manager or programme lead: rows are people (or teams),
/// columns behaviours (or domains). A cell is shown only where at least `threshold` (never below
/// [`THRESHOLD`]) different people contributed to it. A column's average is shown only where at
/// least that many contributed to the column *and* the withheld cells of the column were
/// contributed by none or by at least that many people, so that the column average minus the shown
/// cells never isolates a withheld cell. Rows have no average of their own: with averages both
/// ways, withheld cells could be solved for from the two margins together.
pub fn heatmap<R, C, K>(observations: &[Observation<R, C, K>], threshold: usize) -> Heatmap<R, C>
where
    R: Ord + Clone,
    C: Ord + Clone,
    K: Ord,
{
    let t = threshold.max(THRESHOLD);
    let mut cells: BTreeMap<(&C, &R), (u32, usize, BTreeSet<&K>)> = BTreeMap::new();
    for o in observations {
        let e = cells.entry((&o.column, &o.row)).or_default();
        e.0 += u32::from(o.value);
        e.1 += 1;
        e.2.insert(&o.contributor);
    }
    // Per column: sum, count, everyone who contributed, and those who contributed to withheld cells.
    type Column<'k, K> = (u32, usize, BTreeSet<&'k K>, BTreeSet<&'k K>);
    let mut columns: BTreeMap<&C, Column<'_, K>> = BTreeMap::new();
    for ((c, _), (sum, n, people)) in &cells {
        let col = columns.entry(*c).or_default();
        col.0 += sum;
        col.1 += n;
        col.2.extend(people.iter().copied());
        if people.len() < t {
            col.3.extend(people.iter().copied());
        }
    }
    Heatmap {
        cells: cells
            .iter()
            .map(|((c, r), (sum, n, people))| {
                let ok = people.len() >= t;
                HeatCell {
                    row: (*r).clone(),
                    column: (*c).clone(),
                    mean: ok.then(|| mean(*sum, *n)),
                    contributors: ok.then_some(people.len()),
                }
            })
            .collect(),
        columns: columns
            .iter()
            .map(|(c, (sum, n, people, withheld))| {
                let ok = people.len() >= t && (withheld.is_empty() || withheld.len() >= t);
                ColumnFigure {
                    column: (*c).clone(),
                    mean: ok.then(|| mean(*sum, *n)),
                    contributors: ok.then_some(people.len()),
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
