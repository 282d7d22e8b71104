use proptest::prelude::*;

use super::*;
use crate::frameworks::{parse_framework, Format};

const SMALL: &str = r#"
id: small
name: Small
version: "1"
publisher: tests
scale: [{value: 1, label: One}, {value: 2, label: Two}, {value: 3, label: Three}, {value: 4, label: Four}, {value: 5, label: Five}]
domains:
  - id: care
    name: Care
    behaviours:
      - {id: listening, name: Listening, question: Do I listen?}
      - {id: noticing, name: Noticing, question: Do I notice?}
  - id: grip
    name: Grip
    behaviours:
      - {id: deciding, name: Deciding, question: Do I decide?}
"#;

const BEHAVIOURS: [&str; 3] = ["listening", "noticing", "deciding"];
const DOMAINS: [&str; 2] = ["care", "grip"];

fn framework() -> Framework {
    parse_framework(SMALL, Format::Yaml).unwrap()
}

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

fn id(n: usize) -> InvitationId {
    InvitationId::from_uuid(Uuid::from_u128(n as u128 + 1))
}

fn person(n: u128) -> PersonId {
    PersonId::from_uuid(Uuid::from_u128(1000 + n))
}

/// Invitations in the order of `groups`; invitation n is person n.
fn invite(groups: &[RaterGroup]) -> Vec<Invitation> {
    groups
        .iter()
        .enumerate()
        .map(|(n, g)| Invitation { id: id(n), group: *g, rater: Rater::Person(person(n as u128)) })
        .collect()
}

/// An answer from invitation `n` with one value per behaviour (0 = not rated) and importance 3.
fn answer(f: &Framework, n: usize, values: [u8; 3], comment: &str) -> Answer {
    Answer {
        invitation: id(n),
        ratings: BEHAVIOURS
            .iter()
            .zip(values)
            .filter(|(_, v)| *v > 0)
            .map(|(b, v)| (slug(b), f.scale().rating(v).unwrap()))
            .collect(),
        importance: DOMAINS.iter().map(|d| (slug(d), Importance::new(3).unwrap())).collect(),
        comment: (!comment.is_empty()).then(|| comment.to_owned()),
    }
}

use RaterGroup::{DirectReport as R, LineManager as M, Myself as S, Other as O, Peer as P};

#[test]
fn the_issues_journey_folds_two_peers_into_others_and_shows_the_manager() {
    let f = framework();
    // The subject, two peers, a manager, two reports and one outsider.
    let inv = invite(&[S, P, P, M, R, R, O]);
    let answers: Vec<Answer> = vec![
        answer(&f, 0, [4, 4, 4], "I think I listen well."),
        answer(&f, 1, [2, 3, 3], "Listens, but decides late."),
        answer(&f, 2, [2, 3, 3], ""),
        answer(&f, 3, [3, 3, 5], "A steady hand."),
        answer(&f, 4, [2, 3, 3], "Kind."),
        answer(&f, 5, [2, 3, 3], "Clear."),
        answer(&f, 6, [2, 3, 3], "Good partner."),
    ];
    let report = release_report(&f, &inv, &answers, &ReleaseRules::default(), 7).unwrap();
    let listening = &report.behaviours[0];
    let sources: Vec<Source> = listening.figures.iter().map(|f| f.source).collect();
    assert_eq!(sources, [Source::Myself, Source::LineManager, Source::Others, Source::AllRaters]);
    let others = listening.figure(Source::Others).unwrap();
    assert_eq!((others.mean, others.answers), (2.0, 5));
    assert_eq!(listening.figure(Source::LineManager).map(|f| f.mean), Some(3.0));
    assert_eq!(listening.figure(Source::AllRaters).map(|f| (f.mean, f.answers)), Some((13.0 / 6.0, 6)));
    assert_eq!(listening.finding, Some(Finding::BlindSpot));
    assert_eq!(report.blind_spots().count(), 2);
    assert_eq!(report.comments.own.as_deref(), Some("I think I listen well."));
    assert_eq!(report.comments.manager, ["A steady hand."]);
    let mut others = report.comments.others.clone().unwrap();
    others.sort();
    assert_eq!(others, ["Clear.", "Good partner.", "Kind.", "Listens, but decides late."]);
    let pools: Vec<(Source, usize, Option<usize>)> =
        report.pools.iter().map(|p| (p.source, p.invited, p.answered)).collect();
    assert_eq!(pools, [(Source::Myself, 1, Some(1)), (Source::LineManager, 1, Some(1)), (Source::Others, 5, Some(5))]);
    // Care is rated 2.5 by all raters on average over its shown behaviours, and deemed important.
    let care = &report.domains[0];
    assert!(care.priority);
    assert_eq!(care.importance.last().map(|f| (f.source, f.mean, f.answers)), Some((Source::AllRaters, 3.0, 6)));
}

#[test]
fn a_pool_under_the_threshold_is_withheld_with_its_comments() {
    let f = framework();
    let inv = invite(&[S, M, O, O]);
    let answers = vec![
        answer(&f, 0, [3, 3, 3], ""),
        answer(&f, 1, [4, 4, 4], ""),
        answer(&f, 2, [1, 1, 1], "Hmm."),
        answer(&f, 3, [1, 1, 1], ""),
    ];
    let report = release_report(&f, &inv, &answers, &ReleaseRules::default(), 1).unwrap();
    for b in &report.behaviours {
        assert!(b.figure(Source::Others).is_none());
        // All raters is the manager alone: the withheld others never enter it.
        assert_eq!(b.figure(Source::AllRaters).map(|f| (f.mean, f.answers)), Some((4.0, 1)));
    }
    assert_eq!(report.comments.others, None);
    assert_eq!(report.pools[2], PoolStatus { source: Source::Others, invited: 2, answered: None });
}

#[test]
fn a_group_invited_three_strong_keeps_its_own_pool_even_when_two_answer() {
    let f = framework();
    let inv = invite(&[P, P, P, O, O, O]);
    let answers: Vec<Answer> = [0, 1, 3, 4, 5].iter().map(|n| answer(&f, *n, [2, 2, 2], "")).collect();
    let report = release_report(&f, &inv, &answers, &ReleaseRules::default(), 1).unwrap();
    let sources: Vec<Source> = report.behaviours[0].figures.iter().map(|f| f.source).collect();
    assert_eq!(sources, [Source::Others, Source::AllRaters]);
    assert_eq!(report.behaviours[0].figure(Source::Others).map(|f| f.answers), Some(3));
}

#[test]
fn a_360_with_no_answers_cannot_close() {
    let f = framework();
    let inv = invite(&[S, M, P]);
    let err = release_report(&f, &inv, &[], &ReleaseRules::default(), 1).unwrap_err();
    assert_eq!(err, ReleaseError::NoAnswers);
    assert!(err.to_string().starts_with("no rater has answered this 360"));
    let only_self = [answer(&f, 0, [3, 3, 3], "")];
    assert_eq!(release_report(&f, &inv, &only_self, &ReleaseRules::default(), 1), Err(ReleaseError::NoAnswers));
}

#[test]
fn answers_must_belong_to_the_360_and_the_framework() {
    let f = framework();
    let inv = invite(&[S, M]);
    let stranger = answer(&f, 5, [3, 3, 3], "");
    assert_eq!(
        release_report(&f, &inv, &[stranger], &ReleaseRules::default(), 1),
        Err(ReleaseError::UnknownInvitation(id(5)))
    );
    let twice = [answer(&f, 1, [3, 3, 3], ""), answer(&f, 1, [3, 3, 3], "")];
    assert_eq!(
        release_report(&f, &inv, &twice, &ReleaseRules::default(), 1),
        Err(ReleaseError::DuplicateAnswer(id(1)))
    );
    let mut odd = answer(&f, 1, [3, 3, 3], "");
    odd.ratings.insert(slug("flying"), f.scale().rating(3).unwrap());
    assert_eq!(
        release_report(&f, &inv, &[odd], &ReleaseRules::default(), 1),
        Err(ReleaseError::UnknownBehaviour("flying".into()))
    );
}

#[test]
fn the_threshold_cannot_be_lowered() {
    assert_eq!(ReleaseRules::new(1, 1.0).threshold(), 3);
    assert_eq!(ReleaseRules::new(5, 1.0).threshold(), 5);
}

#[test]
fn a_subject_cannot_invite_themself() {
    let subject = person(0);
    let email = Email::parse("me@example.nhs.uk").unwrap();
    let inv = vec![
        Invitation { id: id(0), group: S, rater: Rater::Person(subject) },
        Invitation { id: id(1), group: P, rater: Rater::Person(subject) },
        Invitation { id: id(2), group: O, rater: Rater::Outside(email.clone()) },
        Invitation { id: id(3), group: M, rater: Rater::Person(person(9)) },
        Invitation { id: id(4), group: S, rater: Rater::Person(person(4)) },
        Invitation { id: id(5), group: P, rater: Rater::Person(person(5)) },
        Invitation { id: id(6), group: R, rater: Rater::Person(person(5)) },
    ];
    let problems = check_invitations(subject, &[email], &[person(8)], &inv).unwrap_err();
    assert_eq!(
        problems,
        [
            InvitationProblem::SubjectAsRater { index: 1 },
            InvitationProblem::Duplicate { index: 1 },
            InvitationProblem::SubjectAsRater { index: 2 },
            InvitationProblem::NotTheLineManager { index: 3 },
            InvitationProblem::SelfForSomeoneElse { index: 4 },
            InvitationProblem::Duplicate { index: 6 },
        ]
    );
    assert_eq!(
        problems[0].to_string(),
        "invitation 1: you cannot invite yourself as a rater; your own view is the self part of the 360"
    );
    let fine = [inv[0].clone(), Invitation { id: id(3), group: M, rater: Rater::Person(person(8)) }, inv[5].clone()];
    assert_eq!(check_invitations(subject, &[], &[person(8)], &fine), Ok(()));
}

#[test]
fn the_shuffle_is_a_permutation_fixed_by_its_seed() {
    let mut a: Vec<u32> = (0..20).collect();
    let mut b = a.clone();
    shuffle(&mut a, 42);
    shuffle(&mut b, 42);
    assert_eq!(a, b);
    assert_ne!(a, (0..20).collect::<Vec<_>>());
    let mut c = (0..20).collect::<Vec<u32>>();
    shuffle(&mut c, 43);
    assert_ne!(a, c);
    a.sort_unstable();
    assert_eq!(a, (0..20).collect::<Vec<_>>());
}

#[test]
fn comment_order_does_not_follow_answer_order() {
    let f = framework();
    let inv = invite(&[O, O, O, O]);
    let texts = ["d", "c", "b", "a"];
    let forwards: Vec<Answer> = (0..4).map(|n| answer(&f, n, [3, 3, 3], texts[n])).collect();
    let mut backwards = forwards.clone();
    backwards.reverse();
    let one = release_report(&f, &inv, &forwards, &ReleaseRules::default(), 9).unwrap();
    let two = release_report(&f, &inv, &backwards, &ReleaseRules::default(), 9).unwrap();
    assert_eq!(one.comments, two.comments);
}

#[test]
fn heatmap_cells_need_three_people_and_columns_hide_withheld_cells() {
    let obs = |row: &'static str, column: &'static str, who: u32, value: u8| Observation {
        row,
        column,
        contributor: who,
        value,
    };
    let data = vec![
        // "listening": Ann has three raters, Bob one: the column would expose Bob's rater.
        obs("ann", "listening", 1, 3),
        obs("ann", "listening", 2, 3),
        obs("ann", "listening", 3, 3),
        obs("bob", "listening", 4, 1),
        // "deciding": self-assessments, one person each; the column is the team's average.
        obs("ann", "deciding", 10, 2),
        obs("bob", "deciding", 11, 3),
        obs("cat", "deciding", 12, 4),
    ];
    let map = heatmap(&data, 3);
    let shown: Vec<(&str, &str)> = map.cells.iter().filter(|c| c.mean.is_some()).map(|c| (c.row, c.column)).collect();
    assert_eq!(shown, [("ann", "listening")]);
    let columns: Vec<(&str, Option<f64>)> = map.columns.iter().map(|c| (c.column, c.mean)).collect();
    assert_eq!(columns, [("deciding", Some(3.0)), ("listening", None)]);
}

// ---- property tests ----

fn group() -> impl Strategy<Value = RaterGroup> {
    prop_oneof![Just(M), Just(P), Just(P), Just(R), Just(R), Just(O)]
}

/// Ratings 2 to 4 on a 1-to-5 scale, so that any rating can move one point either way; 0 is "not
/// rated".
fn values() -> impl Strategy<Value = [u8; 3]> {
    [prop_oneof![Just(0u8), 2u8..=4], prop_oneof![Just(0u8), 2u8..=4], prop_oneof![Just(0u8), 2u8..=4]]
}

/// A 360: the subject first, then up to 13 raters, each with an answer or none.
fn three_sixty() -> impl Strategy<Value = (Vec<RaterGroup>, Vec<Option<[u8; 3]>>)> {
    proptest::collection::vec((group(), proptest::option::weighted(0.8, values())), 1..14).prop_map(|raters| {
        let mut groups = vec![S];
        let mut answers = vec![Some([3, 3, 3])];
        for (g, a) in raters {
            groups.push(g);
            answers.push(a);
        }
        (groups, answers)
    })
}

fn build(f: &Framework, answers: &[Option<[u8; 3]>], skip: Option<usize>) -> Vec<Answer> {
    answers
        .iter()
        .enumerate()
        .filter(|(n, _)| Some(*n) != skip)
        .filter_map(|(n, a)| a.map(|v| answer(f, n, v, &format!("comment {n}"))))
        .collect()
}

/// The same answers with invitation `n`'s rating of behaviour `b` moved by `by`.
fn nudge(answers: &[Answer], f: &Framework, n: usize, b: &str, by: i8) -> Vec<Answer> {
    let mut out = answers.to_vec();
    for a in out.iter_mut().filter(|a| a.invitation == id(n)) {
        if let Some(r) = a.ratings.get_mut(&slug(b)) {
            *r = f.scale().rating(r.value().saturating_add_signed(by)).unwrap();
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn a_released_report_never_shows_a_group_under_the_threshold((groups, values) in three_sixty(), seed in any::<u64>()) {
        let f = framework();
        let inv = invite(&groups);
        let answers = build(&f, &values, None);
        let Ok(report) = release_report(&f, &inv, &answers, &ReleaseRules::default(), seed) else {
            // Only when no rater but the subject answered.
            prop_assert!(answers.iter().all(|a| a.invitation == id(0)));
            return Ok(());
        };
        let anonymous_answers = answers.iter().filter(|a| !matches!(groups[inv.iter().position(|i| i.id == a.invitation).unwrap()], S | M)).count();
        for b in &report.behaviours {
            for fig in b.figures.iter().filter(|f| f.source.is_anonymous()) {
                prop_assert!(fig.answers >= THRESHOLD, "{:?} shown over {}", fig.source, fig.answers);
            }
            // All raters never counts more than the manager and the shown pools.
            let parts: usize = b.figures.iter().filter(|f| !matches!(f.source, Source::Myself | Source::AllRaters)).map(|f| f.answers).sum();
            prop_assert_eq!(b.figure(Source::AllRaters).map_or(0, |f| f.answers), parts);
        }
        for d in &report.domains {
            for fig in d.importance.iter().filter(|f| f.source.is_anonymous()) {
                prop_assert!(fig.answers >= THRESHOLD);
            }
        }
        for p in report.pools.iter().filter(|p| p.source.is_anonymous()) {
            prop_assert!(p.answered.is_none_or(|n| n >= THRESHOLD));
        }
        prop_assert_eq!(report.comments.others.is_some(), anonymous_answers >= THRESHOLD);
    }

    /// Two reports over answer sets that differ by one rater `r`: for every rater `x` who is in
    /// both, and every behaviour `x` rated, `x`'s rating either enters neither report or can be
    /// traded (+1 for `x`, -1 for someone else) with at least two other raters without changing
    /// either report. So nobody but `r` can be told apart from at least two others, whatever is
    /// subtracted from what.
    #[test]
    fn comparing_two_reports_never_recovers_a_raters_answers((groups, values) in three_sixty(), pick in any::<prop::sample::Index>()) {
        let f = framework();
        let inv = invite(&groups);
        let rules = ReleaseRules::default();
        let candidates: Vec<usize> = (1..groups.len()).filter(|n| values[*n].is_some() && !matches!(groups[*n], M)).collect();
        prop_assume!(!candidates.is_empty());
        let r = candidates[pick.index(candidates.len())];
        let before = build(&f, &values, Some(r));
        let after = build(&f, &values, None);
        let report = |answers: &[Answer]| release_report(&f, &inv, answers, &rules, 5).ok();
        let (one, two) = (report(&before), report(&after));
        let anonymous: Vec<usize> = (1..groups.len()).filter(|n| values[*n].is_some() && !matches!(groups[*n], M)).collect();
        for &x in anonymous.iter().filter(|x| **x != r) {
            for (bi, b) in BEHAVIOURS.iter().enumerate() {
                if values[x].is_some_and(|v| v[bi] == 0) {
                    continue;
                }
                let moved = |answers: &[Answer]| report(&nudge(answers, &f, x, b, 1));
                if moved(&before) == one && moved(&after) == two {
                    continue; // x's rating of b is in no shown figure
                }
                let hidden_with = anonymous
                    .iter()
                    .filter(|y| **y != x && values[**y].is_some_and(|v| v[bi] > 0))
                    .filter(|&&y| {
                        let traded = |answers: &[Answer]| report(&nudge(&nudge(answers, &f, x, b, 1), &f, y, b, -1));
                        traded(&before) == one && traded(&after) == two
                    })
                    .count();
                prop_assert!(hidden_with + 1 >= THRESHOLD, "rater {x} on {b} hides among only {}", hidden_with + 1);
            }
        }
        // The rater who differs is exposed only if their pool's figure was already shown without
        // them, which is why a 360 is reported once, at its close.
        for (bi, b) in BEHAVIOURS.iter().enumerate() {
            if values[r].is_some_and(|v| v[bi] == 0) {
                continue;
            }
            let hidden_with = anonymous
                .iter()
                .filter(|y| **y != r && values[**y].is_some_and(|v| v[bi] > 0))
                .filter(|&&y| {
                    let traded = |answers: &[Answer]| report(&nudge(&nudge(answers, &f, r, b, 1), &f, y, b, -1));
                    traded(&before) == one && traded(&after) == two
                })
                .count();
            let moved_alone = report(&nudge(&after, &f, r, b, 1)) != two;
            if moved_alone && hidden_with + 1 < THRESHOLD {
                let pool_of_r = two.as_ref().and_then(|t| {
                    t.behaviours[bi].figures.iter().find(|fig| fig.source.is_anonymous() && one.as_ref().is_some_and(|o| o.behaviours[bi].figure(fig.source).is_some_and(|old| old.answers + 1 == fig.answers)))
                });
                prop_assert!(pool_of_r.is_some(), "rater {r} on {b} exposed without being a before-and-after difference");
            }
        }
    }

    #[test]
    fn heatmap_never_shows_or_isolates_fewer_than_three_people(
        obs in proptest::collection::vec((0u8..4, 0u8..3, 0u8..6, 1u8..=5), 0..40)
    ) {
        let data: Vec<Observation<u8, u8, u8>> = obs.iter().map(|(row, column, contributor, value)| Observation { row: *row, column: *column, contributor: *contributor, value: *value }).collect();
        let map = heatmap(&data, 3);
        let people = |pred: &dyn Fn(&Observation<u8, u8, u8>) -> bool| data.iter().filter(|o| pred(o)).map(|o| o.contributor).collect::<BTreeSet<u8>>();
        for c in &map.cells {
            let n = people(&|o| o.row == c.row && o.column == c.column).len();
            prop_assert_eq!(c.mean.is_some(), n >= 3);
        }
        for col in map.columns.iter().filter(|c| c.mean.is_some()) {
            let withheld_rows: Vec<u8> = map.cells.iter().filter(|c| c.column == col.column && c.mean.is_none()).map(|c| c.row).collect();
            let hidden = people(&|o| o.column == col.column && withheld_rows.contains(&o.row)).len();
            prop_assert!(hidden == 0 || hidden >= 3, "column {} leaves {hidden} people to subtract", col.column);
        }
    }
}
