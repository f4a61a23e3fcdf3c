//! Dispatch rules: how far to look for collectors and how to rank them.
//!
//! The ranking score (higher is better, 0 to 1):
//!
//! ```text
//! score = 0.50 × (1 − distance / search limit)     nearer is better
//!       + 0.20 × rating / 5                         (3.5 stars assumed before the first rating)
//!       + 0.20 × acceptance rate / (1 + no-shows)   (0.8 assumed before 5 offers)
//!       + 0.10 × (1 − min(active orders, 3) / 3)    less loaded is better
//! ```
//! Ties go to the nearer collector.

/// The facts one candidate is ranked on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CandidateFacts {
    /// Distance to the pickup, km.
    pub distance_km: f64,
    /// Mean stars, if rated.
    pub rating: Option<f64>,
    /// Offers received so far.
    pub offers_received: i32,
    /// Offers accepted so far.
    pub offers_accepted: i32,
    /// Orders currently assigned and not finished.
    pub active_orders: i32,
    /// Assigned orders they never set off for.
    pub no_shows: i32,
}

/// What a collector must be to take an order, and what they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fitness<'a> {
    /// Verified by an operator.
    pub verified: bool,
    /// Certifications the collector holds.
    pub held: &'a std::collections::BTreeSet<String>,
    /// Certifications the order's items require.
    pub required: &'a std::collections::BTreeSet<String>,
    /// What the vehicle carries, kg (None before a profile is filled in).
    pub capacity_kg: Option<rust_decimal::Decimal>,
    /// The order's total weight, kg.
    pub weight_kg: rust_decimal::Decimal,
    /// Whether the collector already holds an order whose window overlaps this one.
    pub overlapping: bool,
}

impl Fitness<'_> {
    /// Why the collector may not take the order; empty when they may.
    pub fn shortcomings(&self) -> Vec<String> {
        let mut missing = Vec::new();
        if !self.verified {
            missing.push("is not verified".to_owned());
        }
        let lacking: Vec<&str> = self
            .required
            .difference(self.held)
            .map(String::as_str)
            .collect();
        if !lacking.is_empty() {
            missing.push(format!("lacks {}", lacking.join(", ")));
        }
        let carries =
            self.weight_kg.is_zero() || self.capacity_kg.is_some_and(|c| c >= self.weight_kg);
        if !carries {
            missing.push(format!("cannot carry {} kg", self.weight_kg));
        }
        if self.overlapping {
            missing.push("already has a pickup in this window".to_owned());
        }
        missing
    }
}

/// The radii a search tries: `start`, doubling, capped at `limit` (which is always tried).
pub fn search_radii(start_km: f64, limit_km: f64) -> Vec<f64> {
    let mut radii = Vec::new();
    let mut radius = start_km.max(0.1);
    while radius < limit_km {
        radii.push(radius);
        radius *= 2.0;
    }
    radii.push(limit_km);
    radii
}

/// The candidate's score within a search limited to `limit_km`.
pub fn score(facts: &CandidateFacts, limit_km: f64) -> f64 {
    let nearness = 1.0 - (facts.distance_km / limit_km.max(0.001)).clamp(0.0, 1.0);
    let rating = facts.rating.unwrap_or(3.5).clamp(0.0, 5.0) / 5.0;
    let acceptance = if facts.offers_received >= 5 {
        f64::from(facts.offers_accepted) / f64::from(facts.offers_received)
    } else {
        0.8
    };
    let load = 1.0 - f64::from(facts.active_orders.clamp(0, 3)) / 3.0;
    let reliability = 1.0 / (1.0 + f64::from(facts.no_shows.max(0)));
    0.5 * nearness + 0.2 * rating + 0.2 * acceptance.clamp(0.0, 1.0) * reliability + 0.1 * load
}

crate::domain::string_enum! {
    /// Where a job offer is in its life.
    OfferStatus {
        /// Waiting for the collector's answer.
        Pending => "PENDING",
        /// The collector took the order.
        Accepted => "ACCEPTED",
        /// The collector said no.
        Declined => "DECLINED",
        /// Nobody answered in time.
        Expired => "EXPIRED",
        /// Another collector was faster, or the order went away.
        Withdrawn => "WITHDRAWN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(distance_km: f64) -> CandidateFacts {
        CandidateFacts {
            distance_km,
            rating: Some(4.0),
            offers_received: 10,
            offers_accepted: 8,
            active_orders: 0,
            no_shows: 0,
        }
    }

    #[test]
    fn fitness_names_every_shortcoming_and_none_for_a_fit_collector() {
        use std::collections::BTreeSet;
        let held: BTreeSet<String> = ["LARGE_APPLIANCE".to_owned()].into();
        let required: BTreeSet<String> =
            ["LARGE_APPLIANCE".to_owned(), "HAZARDOUS_BATTERY".to_owned()].into();
        let unfit = Fitness {
            verified: false,
            held: &held,
            required: &required,
            capacity_kg: Some(rust_decimal::Decimal::from(30)),
            weight_kg: rust_decimal::Decimal::from(300),
            overlapping: true,
        };
        assert_eq!(unfit.shortcomings().len(), 4, "{:?}", unfit.shortcomings());
        let fit = Fitness {
            verified: true,
            held: &required,
            required: &required,
            capacity_kg: Some(rust_decimal::Decimal::from(800)),
            weight_kg: rust_decimal::Decimal::from(300),
            overlapping: false,
        };
        assert!(fit.shortcomings().is_empty());
    }

    #[test]
    fn radii_double_from_half_a_kilometre_up_to_the_limit() {
        assert_eq!(
            search_radii(0.5, 20.0),
            vec![0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 20.0]
        );
        assert_eq!(search_radii(0.5, 0.5), vec![0.5]);
    }

    #[test]
    fn nearer_better_rated_more_reliable_and_less_loaded_collectors_rank_higher() {
        assert!(score(&facts(1.0), 20.0) > score(&facts(5.0), 20.0));
        let poorly_rated = CandidateFacts {
            rating: Some(2.0),
            ..facts(1.0)
        };
        assert!(score(&facts(1.0), 20.0) > score(&poorly_rated, 20.0));
        let flaky = CandidateFacts {
            offers_accepted: 1,
            ..facts(1.0)
        };
        assert!(score(&facts(1.0), 20.0) > score(&flaky, 20.0));
        let busy = CandidateFacts {
            active_orders: 3,
            ..facts(1.0)
        };
        assert!(score(&facts(1.0), 20.0) > score(&busy, 20.0));
        let no_show = CandidateFacts {
            no_shows: 2,
            ..facts(1.0)
        };
        assert!(score(&facts(1.0), 20.0) > score(&no_show, 20.0));
        assert!((0.0..=1.0).contains(&score(&facts(0.0), 20.0)));
    }
}
