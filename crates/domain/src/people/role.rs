use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::organisation::UnknownCode;
use crate::ids::OrganisationId;

/// What a person may do. Everyone is a learner; a line manager is anyone with reports (derived
/// from the reporting line, never granted); the other roles are granted with a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Learner,
    LineManager,
    ProgrammeLead,
    Coach,
    TalentLead,
    EqualityLead,
    OrganisationAdmin,
    SystemAdmin,
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Learner,
        Role::LineManager,
        Role::ProgrammeLead,
        Role::Coach,
        Role::TalentLead,
        Role::EqualityLead,
        Role::OrganisationAdmin,
        Role::SystemAdmin,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::LineManager => "line-manager",
            Role::ProgrammeLead => "programme-lead",
            Role::Coach => "coach",
            Role::TalentLead => "talent-lead",
            Role::EqualityLead => "equality-lead",
            Role::OrganisationAdmin => "organisation-admin",
            Role::SystemAdmin => "system-admin",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Role::Learner => "Learner",
            Role::LineManager => "Line manager",
            Role::ProgrammeLead => "Programme lead",
            Role::Coach => "Coach or mentor",
            Role::TalentLead => "Talent lead",
            Role::EqualityLead => "Equality lead",
            Role::OrganisationAdmin => "Organisation admin",
            Role::SystemAdmin => "System admin",
        }
    }

    /// Roles that are stored as grants. Learner and line manager are never granted.
    pub const fn is_granted(self) -> bool {
        !matches!(self, Role::Learner | Role::LineManager)
    }
}

impl FromStr for Role {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, UnknownCode> {
        let s = s.trim();
        Role::ALL.iter().copied().find(|r| r.code().eq_ignore_ascii_case(s)).ok_or_else(|| UnknownCode {
            value: s.to_owned(),
            allowed: Role::ALL.iter().map(|r| r.code()).collect::<Vec<_>>().join(", "),
        })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Where a granted role applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "scope", content = "organisation", rename_all = "kebab-case")]
pub enum RoleScope {
    Organisation(OrganisationId),
    System,
}

/// A role granted to a person in a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoleGrant {
    pub role: Role,
    pub scope: RoleScope,
}

impl RoleGrant {
    /// A system admin holds every role everywhere; otherwise a grant covers its own scope only.
    pub fn covers(&self, role: Role, organisation: Option<OrganisationId>) -> bool {
        if self.role == Role::SystemAdmin && self.scope == RoleScope::System {
            return true;
        }
        self.role == role
            && match self.scope {
                RoleScope::System => true,
                RoleScope::Organisation(o) => Some(o) == organisation,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn role_names_match_the_contract() {
        let names: Vec<_> = Role::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(
            names,
            [
                "learner",
                "line-manager",
                "programme-lead",
                "coach",
                "talent-lead",
                "equality-lead",
                "organisation-admin",
                "system-admin"
            ]
        );
        for r in Role::ALL {
            assert_eq!(r.code().parse::<Role>(), Ok(*r));
        }
        assert!("admin".parse::<Role>().is_err());
    }

    #[test]
    fn organisation_grants_stop_at_their_organisation() {
        let a = OrganisationId::from_uuid(Uuid::from_u128(1));
        let b = OrganisationId::from_uuid(Uuid::from_u128(2));
        let grant = RoleGrant { role: Role::OrganisationAdmin, scope: RoleScope::Organisation(a) };
        assert!(grant.covers(Role::OrganisationAdmin, Some(a)));
        assert!(!grant.covers(Role::OrganisationAdmin, Some(b)));
        assert!(!grant.covers(Role::OrganisationAdmin, None));
        assert!(!grant.covers(Role::TalentLead, Some(a)));
    }

    #[test]
    fn a_system_admin_covers_everything() {
        let grant = RoleGrant { role: Role::SystemAdmin, scope: RoleScope::System };
        assert!(grant.covers(Role::OrganisationAdmin, None));
        assert!(grant.covers(Role::EqualityLead, Some(OrganisationId::from_uuid(Uuid::from_u128(9)))));
    }
}
