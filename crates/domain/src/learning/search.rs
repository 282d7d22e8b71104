//! Search text turned into terms that the full-text engines accept without being able to inject
//! their operators.

/// Words of a search, lower-cased, letters and digits only, at most eight of them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchTerms(Vec<String>);

impl SearchTerms {
    pub const MAX_TERMS: usize = 8;

    pub fn parse(text: &str) -> Self {
        let terms = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .take(Self::MAX_TERMS)
            .collect();
        Self(terms)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn terms(&self) -> &[String] {
        &self.0
    }

    /// An SQLite FTS5 query: every term, the last as a prefix (so results come while typing).
    pub fn fts5(&self) -> String {
        let n = self.0.len();
        self.0
            .iter()
            .enumerate()
            .map(|(i, t)| if i + 1 == n { format!("\"{t}\"*") } else { format!("\"{t}\"") })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// A PostgreSQL `to_tsquery` text: every term, the last as a prefix.
    pub fn tsquery(&self) -> String {
        let n = self.0.len();
        self.0
            .iter()
            .enumerate()
            .map(|(i, t)| if i + 1 == n { format!("{t}:*") } else { t.clone() })
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn operators_are_dropped() {
        let t = SearchTerms::parse("Compassionate \"leadership\" OR -culture*");
        assert_eq!(t.terms(), ["compassionate", "leadership", "or", "culture"]);
        assert_eq!(t.fts5(), "\"compassionate\" AND \"leadership\" AND \"or\" AND \"culture\"*");
        assert_eq!(t.tsquery(), "compassionate & leadership & or & culture:*");
    }

    #[test]
    fn nothing_searchable_is_empty() {
        assert!(SearchTerms::parse(" !!! ").is_empty());
    }

    proptest! {
        #[test]
        fn terms_never_carry_syntax(s in "\\PC*") {
            let t = SearchTerms::parse(&s);
            prop_assert!(t.terms().len() <= SearchTerms::MAX_TERMS);
            for term in t.terms() {
                prop_assert!(term.chars().all(char::is_alphanumeric));
            }
        }
    }
}
