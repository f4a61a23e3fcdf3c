//! Roles of the people and systems that use reloop.

use super::string_enum;

string_enum! {
    /// Who a caller is; decides what it may do.
    Role {
        /// A private customer.
        Household => "HOUSEHOLD",
        /// A member of an organisation.
        Business => "BUSINESS",
        /// A collector who runs pickups.
        Collector => "COLLECTOR",
        /// A partner system acting through an API key.
        Partner => "PARTNER",
        /// Staff; created from the command line only.
        Operator => "OPERATOR",
        /// Staff of a processing facility; joins it with the facility's invite code.
        Facility => "FACILITY",
    }
}

impl Role {
    /// Whether anyone may sign up with this role through `register`.
    pub fn self_service(self) -> bool {
        matches!(
            self,
            Self::Household | Self::Business | Self::Collector | Self::Facility
        )
    }

    /// Whether this is a customer, whose personal data an operator may erase on request.
    pub fn is_customer(self) -> bool {
        matches!(self, Self::Household | Self::Business)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_only_customers_and_collectors_self_register() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(*role));
        }
        assert!(!Role::Operator.self_service());
        assert!(!Role::Partner.self_service());
        assert!(Role::Collector.self_service());
        assert!(Role::Facility.self_service());
        assert!("ADMIN".parse::<Role>().is_err());
    }
}
