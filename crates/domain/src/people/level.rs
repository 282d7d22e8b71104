use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A person's level: an Agenda for Change band, the very senior manager grade, a medical post
/// (doctors are not paid on Agenda for Change), or a level on the adult social care ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Level {
    Band1,
    Band2,
    Band3,
    Band4,
    Band5,
    Band6,
    Band7,
    Band8a,
    Band8b,
    Band8c,
    Band8d,
    Band9,
    VerySeniorManager,
    Medical,
    CareWorker,
    SeniorCareWorker,
    CareTeamLeader,
    DeputyManager,
    RegisteredManager,
    CareDirector,
}

/// The level given is not one we know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a level: use a band (band-2 to band-9, band-8a to band-8d), vsm, medical, or a care level (care-worker, senior-care-worker, team-leader, deputy-manager, registered-manager, care-director)")]
pub struct LevelError(pub String);

impl Level {
    pub const ALL: &'static [Level] = &[
        Level::Band1,
        Level::Band2,
        Level::Band3,
        Level::Band4,
        Level::Band5,
        Level::Band6,
        Level::Band7,
        Level::Band8a,
        Level::Band8b,
        Level::Band8c,
        Level::Band8d,
        Level::Band9,
        Level::VerySeniorManager,
        Level::Medical,
        Level::CareWorker,
        Level::SeniorCareWorker,
        Level::CareTeamLeader,
        Level::DeputyManager,
        Level::RegisteredManager,
        Level::CareDirector,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Level::Band1 => "band-1",
            Level::Band2 => "band-2",
            Level::Band3 => "band-3",
            Level::Band4 => "band-4",
            Level::Band5 => "band-5",
            Level::Band6 => "band-6",
            Level::Band7 => "band-7",
            Level::Band8a => "band-8a",
            Level::Band8b => "band-8b",
            Level::Band8c => "band-8c",
            Level::Band8d => "band-8d",
            Level::Band9 => "band-9",
            Level::VerySeniorManager => "vsm",
            Level::Medical => "medical",
            Level::CareWorker => "care-worker",
            Level::SeniorCareWorker => "senior-care-worker",
            Level::CareTeamLeader => "team-leader",
            Level::DeputyManager => "deputy-manager",
            Level::RegisteredManager => "registered-manager",
            Level::CareDirector => "care-director",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Level::Band1 => "Band 1",
            Level::Band2 => "Band 2",
            Level::Band3 => "Band 3",
            Level::Band4 => "Band 4",
            Level::Band5 => "Band 5",
            Level::Band6 => "Band 6",
            Level::Band7 => "Band 7",
            Level::Band8a => "Band 8a",
            Level::Band8b => "Band 8b",
            Level::Band8c => "Band 8c",
            Level::Band8d => "Band 8d",
            Level::Band9 => "Band 9",
            Level::VerySeniorManager => "Very senior manager",
            Level::Medical => "Medical and dental",
            Level::CareWorker => "Care worker",
            Level::SeniorCareWorker => "Senior care worker",
            Level::CareTeamLeader => "Team leader or supervisor",
            Level::DeputyManager => "Deputy manager",
            Level::RegisteredManager => "Registered manager",
            Level::CareDirector => "Director or senior manager (care)",
        }
    }

    /// True for Agenda for Change bands and the VSM grade.
    pub const fn is_agenda_for_change(self) -> bool {
        !matches!(
            self,
            Level::Medical
                | Level::CareWorker
                | Level::SeniorCareWorker
                | Level::CareTeamLeader
                | Level::DeputyManager
                | Level::RegisteredManager
                | Level::CareDirector
        )
    }
}

impl FromStr for Level {
    type Err = LevelError;

    /// Reads our codes and labels, and the ways HR exports write bands: "Band 5", "5", "8A",
    /// "AfC Band 8a", "VSM".
    fn from_str(s: &str) -> Result<Self, LevelError> {
        let norm: String = s
            .trim()
            .to_ascii_lowercase()
            .replace("agenda for change", "")
            .replace("afc", "")
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
            .collect();
        let norm = norm.strip_prefix("band").unwrap_or(&norm);
        Level::ALL
            .iter()
            .copied()
            .find(|l| {
                let code: String = l.code().replace('-', "");
                let label: String = l.label().to_ascii_lowercase().replace(' ', "");
                code == norm || label == norm || code.strip_prefix("band") == Some(norm)
            })
            .or(match norm {
                "verysenior" | "verysenior manager" => Some(Level::VerySeniorManager),
                "medicalanddental" | "doctor" => Some(Level::Medical),
                _ => None,
            })
            .ok_or_else(|| LevelError(s.trim().to_owned()))
    }
}

impl TryFrom<String> for Level {
    type Error = LevelError;
    fn try_from(s: String) -> Result<Self, LevelError> {
        s.parse()
    }
}

impl From<Level> for String {
    fn from(l: Level) -> String {
        l.code().to_owned()
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hr_spellings_of_bands_parse() {
        assert_eq!("Band 5".parse(), Ok(Level::Band5));
        assert_eq!("5".parse(), Ok(Level::Band5));
        assert_eq!("8A".parse(), Ok(Level::Band8a));
        assert_eq!("AfC Band 8d".parse(), Ok(Level::Band8d));
        assert_eq!("VSM".parse(), Ok(Level::VerySeniorManager));
        assert_eq!("Registered manager".parse(), Ok(Level::RegisteredManager));
        assert_eq!("team-leader".parse(), Ok(Level::CareTeamLeader));
    }

    #[test]
    fn levels_that_do_not_exist_are_refused() {
        for bad in ["Band 10", "8e", "", "band", "manager"] {
            assert!(bad.parse::<Level>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_level_round_trips_by_code_and_label() {
        for l in Level::ALL {
            assert_eq!(l.code().parse::<Level>(), Ok(*l));
            assert_eq!(l.label().parse::<Level>(), Ok(*l));
        }
    }
}
