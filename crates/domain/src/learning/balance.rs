//! The 70:20:10 balance of a learning record against the model.

use serde::Serialize;

use super::LearningKind;

/// One kind's minutes and share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindShare {
    pub kind: LearningKind,
    pub minutes: u64,
    /// Share of all minutes, in per cent (0 when nothing is recorded).
    pub percent: f64,
    /// What the model expects, in per cent.
    pub model_percent: u8,
}

/// The balance of a set of entries: one share per kind, in the model's order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Balance {
    pub shares: Vec<KindShare>,
    pub total_minutes: u64,
}

impl Balance {
    /// Builds the balance from (kind, minutes) pairs.
    pub fn of(entries: impl IntoIterator<Item = (LearningKind, u64)>) -> Self {
        let mut minutes = [0u64; 3];
        for (kind, m) in entries {
            let i = LearningKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
            minutes[i] = minutes[i].saturating_add(m);
        }
        let total: u64 = minutes.iter().sum();
        let shares = LearningKind::ALL
            .iter()
            .zip(minutes)
            .map(|(kind, m)| KindShare {
                kind: *kind,
                minutes: m,
                percent: if total == 0 { 0.0 } else { m as f64 * 100.0 / total as f64 },
                model_percent: kind.model_percent(),
            })
            .collect();
        Self { shares, total_minutes: total }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shares_follow_minutes() {
        let b = Balance::of([(LearningKind::Experience, 70), (LearningKind::Others, 20), (LearningKind::Formal, 10)]);
        assert_eq!(b.total_minutes, 100);
        assert_eq!(b.shares[0].percent, 70.0);
        assert_eq!(b.shares[2].model_percent, 10);
    }

    #[test]
    fn an_empty_record_has_no_shares() {
        let b = Balance::of([]);
        assert!(b.shares.iter().all(|s| s.percent == 0.0));
    }

    proptest! {
        #[test]
        fn shares_add_up_to_a_hundred(e in 0u64..10_000, o in 0u64..10_000, f in 0u64..10_000) {
            prop_assume!(e + o + f > 0);
            let b = Balance::of([(LearningKind::Experience, e), (LearningKind::Others, o), (LearningKind::Formal, f)]);
            let sum: f64 = b.shares.iter().map(|s| s.percent).sum();
            prop_assert!((sum - 100.0).abs() < 1e-9);
        }
    }
}
