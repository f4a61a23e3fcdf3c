//! Roles inside a business organisation (DESIGN §2: a BUSINESS user "belongs to an
//! organisation"): the registering user is its ADMIN, who sees and manages the members
//! and their orders; a MEMBER sees their own orders and the organisation's reports.

use super::string_enum;

string_enum! {
    /// What a BUSINESS user may do inside their organisation.
    OrganizationRole {
        /// Sees and manages every member and every member's orders.
        Admin => "ADMIN",
        /// Sees their own orders and the organisation's reports and assets.
        Member => "MEMBER",
    }
}

impl OrganizationRole {
    /// The stored role; a business user stored without one (never the case since the
    /// roles migration) is treated as a member: the narrower view.
    pub fn stored(raw: Option<&str>) -> Self {
        raw.and_then(|r| r.parse().ok()).unwrap_or(Self::Member)
    }

    /// Whether this role sees the orders of every member, not only its own.
    pub fn sees_all_orders(self) -> bool {
        self == Self::Admin
    }
}

/// Why an admin may not change a membership, if they may not: an organisation keeps at
/// least one admin, so the last one can neither step down nor be removed.
pub fn membership_change_refused(
    target_is_admin: bool,
    admins: usize,
    demoting_or_removing: bool,
) -> Option<&'static str> {
    (target_is_admin && demoting_or_removing && admins <= 1)
        .then_some("an organisation keeps at least one admin")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_admin_stays_and_unknown_roles_read_as_members() {
        assert!(membership_change_refused(true, 1, true).is_some());
        assert!(membership_change_refused(true, 2, true).is_none());
        assert!(membership_change_refused(false, 1, true).is_none());
        assert_eq!(OrganizationRole::stored(None), OrganizationRole::Member);
        assert_eq!(
            OrganizationRole::stored(Some("ADMIN")),
            OrganizationRole::Admin
        );
        assert!(OrganizationRole::Admin.sees_all_orders());
        assert!(!OrganizationRole::Member.sees_all_orders());
    }
}
