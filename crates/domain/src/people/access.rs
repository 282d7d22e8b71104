//! Who may see and change what. Every handler asks these functions; none decides for itself.

use super::role::{Role, RoleGrant};
use crate::ids::{OrganisationId, PersonId};

/// The signed-in person, as the rules need them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub person: PersonId,
    pub organisation: Option<OrganisationId>,
    pub grants: Vec<RoleGrant>,
    /// Whether anyone reports to this person (which makes them a line manager).
    pub has_reports: bool,
}

impl Viewer {
    pub fn holds(&self, role: Role, organisation: Option<OrganisationId>) -> bool {
        match role {
            Role::Learner => true,
            Role::LineManager => self.has_reports,
            _ => self.grants.iter().any(|g| g.covers(role, organisation)),
        }
    }

    pub fn is_system_admin(&self) -> bool {
        self.holds(Role::SystemAdmin, None)
    }

    /// Whether this viewer administers any organisation at all (for navigation).
    pub fn is_any_admin(&self) -> bool {
        self.grants.iter().any(|g| matches!(g.role, Role::OrganisationAdmin | Role::SystemAdmin))
    }

    /// Which organisations this viewer administers.
    pub fn admin_scope(&self) -> AdminScope {
        if self.is_system_admin() {
            return AdminScope::System;
        }
        let mut orgs: Vec<OrganisationId> = self
            .grants
            .iter()
            .filter(|g| g.role == Role::OrganisationAdmin)
            .filter_map(|g| match g.scope {
                super::RoleScope::Organisation(o) => Some(o),
                super::RoleScope::System => None,
            })
            .collect();
        orgs.sort();
        orgs.dedup();
        if orgs.is_empty() {
            AdminScope::None
        } else {
            AdminScope::Organisations(orgs)
        }
    }

    /// Roles to show in navigation and on the profile.
    pub fn roles(&self) -> Vec<Role> {
        let mut roles = vec![Role::Learner];
        if self.has_reports {
            roles.push(Role::LineManager);
        }
        roles.extend(self.grants.iter().map(|g| g.role));
        roles.sort();
        roles.dedup();
        roles
    }
}

/// The organisations a viewer administers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminScope {
    /// Every organisation (a system admin).
    System,
    /// These organisations, and no others.
    Organisations(Vec<OrganisationId>),
    /// None at all.
    None,
}

/// A person may be seen by themself, by anyone above them in the reporting line, by an admin of
/// their organisation, and by a system admin. `managers` is the target's chain of line managers,
/// nearest first.
pub fn can_view_person(
    viewer: &Viewer,
    target: PersonId,
    target_organisation: Option<OrganisationId>,
    managers: &[PersonId],
) -> bool {
    viewer.person == target || managers.contains(&viewer.person) || can_manage_people_of(viewer, target_organisation)
}

/// A person's record may be changed by themself (their own profile fields), by an admin of their
/// organisation, and by a system admin. Line managers see but do not edit.
pub fn can_edit_person(viewer: &Viewer, target: PersonId, target_organisation: Option<OrganisationId>) -> bool {
    viewer.person == target || can_manage_people_of(viewer, target_organisation)
}

fn can_manage_people_of(viewer: &Viewer, organisation: Option<OrganisationId>) -> bool {
    viewer.is_system_admin() || organisation.is_some_and(|o| viewer.holds(Role::OrganisationAdmin, Some(o)))
}

/// Anyone may see their own organisation; admins see the ones they administer.
pub fn can_view_organisation(viewer: &Viewer, organisation: OrganisationId) -> bool {
    viewer.organisation == Some(organisation) || can_manage_organisation(viewer, organisation)
}

/// Organisation admins manage their own; system admins manage all.
pub fn can_manage_organisation(viewer: &Viewer, organisation: OrganisationId) -> bool {
    viewer.holds(Role::OrganisationAdmin, Some(organisation))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::RoleScope;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn person(n: u128) -> PersonId {
        PersonId::from_uuid(Uuid::from_u128(n))
    }
    fn org(n: u128) -> OrganisationId {
        OrganisationId::from_uuid(Uuid::from_u128(1000 + n))
    }
    fn learner(n: u128, o: u128) -> Viewer {
        Viewer { person: person(n), organisation: Some(org(o)), grants: vec![], has_reports: false }
    }

    #[test]
    fn a_learner_sees_only_themself() {
        let v = learner(1, 1);
        assert!(can_view_person(&v, person(1), Some(org(1)), &[]));
        assert!(!can_view_person(&v, person(2), Some(org(1)), &[person(3)]));
        assert!(!can_edit_person(&v, person(2), Some(org(1))));
    }

    #[test]
    fn a_manager_sees_their_chain_but_does_not_edit_it() {
        let v = Viewer { has_reports: true, ..learner(1, 1) };
        assert!(can_view_person(&v, person(5), Some(org(1)), &[person(4), person(1)]));
        assert!(!can_edit_person(&v, person(5), Some(org(1))));
    }

    #[test]
    fn an_organisation_admin_stops_at_their_organisation() {
        let v = Viewer {
            grants: vec![RoleGrant { role: Role::OrganisationAdmin, scope: RoleScope::Organisation(org(1)) }],
            ..learner(1, 1)
        };
        assert!(can_view_person(&v, person(2), Some(org(1)), &[]));
        assert!(can_edit_person(&v, person(2), Some(org(1))));
        assert!(!can_view_person(&v, person(3), Some(org(2)), &[]));
        assert!(!can_view_person(&v, person(3), None, &[]));
        assert!(can_manage_organisation(&v, org(1)));
        assert!(!can_manage_organisation(&v, org(2)));
        assert!(!can_view_organisation(&v, org(2)));
    }

    #[test]
    fn admin_scopes_follow_grants() {
        assert_eq!(learner(1, 1).admin_scope(), AdminScope::None);
        let v = Viewer {
            grants: vec![
                RoleGrant { role: Role::OrganisationAdmin, scope: RoleScope::Organisation(org(2)) },
                RoleGrant { role: Role::TalentLead, scope: RoleScope::Organisation(org(3)) },
            ],
            ..learner(1, 1)
        };
        assert_eq!(v.admin_scope(), AdminScope::Organisations(vec![org(2)]));
        let v =
            Viewer { grants: vec![RoleGrant { role: Role::SystemAdmin, scope: RoleScope::System }], ..learner(1, 1) };
        assert_eq!(v.admin_scope(), AdminScope::System);
    }

    #[test]
    fn a_system_admin_sees_everyone() {
        let v =
            Viewer { grants: vec![RoleGrant { role: Role::SystemAdmin, scope: RoleScope::System }], ..learner(1, 1) };
        assert!(can_view_person(&v, person(9), None, &[]));
        assert!(can_manage_organisation(&v, org(7)));
    }

    proptest! {
        /// Without a grant or a place in the chain, no other person is ever visible.
        #[test]
        fn no_grant_no_chain_no_access(me in 0u128..50, them in 0u128..50, chain in proptest::collection::vec(50u128..100, 0..5), o1 in 0u128..3, o2 in 0u128..3) {
            prop_assume!(me != them);
            let v = learner(me, o1);
            let chain: Vec<_> = chain.into_iter().map(person).collect();
            prop_assert!(!can_view_person(&v, person(them), Some(org(o2)), &chain));
            prop_assert!(!can_edit_person(&v, person(them), Some(org(o2))));
        }
    }
}
