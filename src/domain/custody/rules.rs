//! The checks custody steps apply: data-bearing categories, the receipt tolerance,
//! recovered materials against the received weight, and battery status changes.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{BatteryStatus, ProcessingOutcome};

/// Categories whose items hold personal data: processing them needs a sanitisation
/// record (NIST SP 800-88).
pub const DATA_BEARING_CATEGORIES: &[&str] = &["SMARTPHONE", "TABLET", "LAPTOP", "DESKTOP"];

/// Whether items of `category_code` carry data.
pub fn is_data_bearing(category_code: &str) -> bool {
    DATA_BEARING_CATEGORIES.contains(&category_code)
}

/// Whether a weight received at a facility is within `tolerance` (a fraction, e.g. 0.05)
/// of the collector's. Without a collector's weight there is nothing to compare.
pub fn weight_within_tolerance(
    collector_kg: Option<Decimal>,
    received_kg: Decimal,
    tolerance: Decimal,
) -> bool {
    match collector_kg {
        Some(sent) if sent > Decimal::ZERO => ((received_kg - sent).abs() / sent) <= tolerance,
        Some(_) => received_kg == Decimal::ZERO,
        None => true,
    }
}

/// Why recovered materials cannot be recorded, if they cannot.
pub fn check_materials(
    materials: &BTreeMap<String, Decimal>,
    received_kg: Option<Decimal>,
) -> Result<(), String> {
    if materials.values().any(|kg| *kg < Decimal::ZERO) {
        return Err("material amounts cannot be negative".to_owned());
    }
    let total: Decimal = materials.values().copied().sum();
    match received_kg {
        Some(limit) if total > limit => Err(format!(
            "recovered materials ({total} kg) exceed the item's received weight ({limit} kg)"
        )),
        _ => Ok(()),
    }
}

/// How an order line becomes custody items: `count` items, each weighing
/// `units_per_item` times the line's unit weight. Pieces and batteries are followed one
/// by one (each may carry its own serial or trace code); goods priced by weight travel
/// as one weighed lot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemSplit {
    /// Items the line becomes.
    pub count: u32,
    /// Units in each item.
    pub units_per_item: u32,
}

/// The split of a line of `quantity` units.
pub fn split_line(priced_by_weight: bool, battery: bool, quantity: u32) -> ItemSplit {
    if priced_by_weight && !battery {
        ItemSplit {
            count: 1,
            units_per_item: quantity.max(1),
        }
    } else {
        ItemSplit {
            count: quantity.max(1),
            units_per_item: 1,
        }
    }
}

/// The battery status after a facility receives a battery: a recycler's receipt makes it
/// waste.
pub const STATUS_AT_RECEIPT: BatteryStatus = BatteryStatus::Waste;

/// The battery status a processing outcome gives, when it changes it.
pub fn status_after_processing(outcome: ProcessingOutcome) -> Option<BatteryStatus> {
    match outcome {
        ProcessingOutcome::Repurposed => Some(BatteryStatus::Repurposed),
        ProcessingOutcome::Reused => Some(BatteryStatus::Reused),
        ProcessingOutcome::Refurbished => Some(BatteryStatus::Remanufactured),
        ProcessingOutcome::MaterialRecovered | ProcessingOutcome::Disposed => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_tolerance_is_relative_to_the_collectors_weight() {
        let five_pct = Decimal::new(5, 2);
        assert!(weight_within_tolerance(
            Some(Decimal::new(100, 0)),
            Decimal::new(104, 0),
            five_pct
        ));
        assert!(!weight_within_tolerance(
            Some(Decimal::new(100, 0)),
            Decimal::new(106, 0),
            five_pct
        ));
        assert!(!weight_within_tolerance(
            Some(Decimal::new(100, 0)),
            Decimal::new(90, 0),
            five_pct
        ));
        assert!(weight_within_tolerance(None, Decimal::new(3, 0), five_pct));
    }

    #[test]
    fn materials_cannot_exceed_the_weight_or_be_negative() {
        let mut materials = BTreeMap::new();
        materials.insert("COPPER".to_owned(), Decimal::new(3, 0));
        assert!(check_materials(&materials, Some(Decimal::new(4, 0))).is_ok());
        materials.insert("LITHIUM".to_owned(), Decimal::new(2, 0));
        assert!(check_materials(&materials, Some(Decimal::new(4, 0))).is_err());
        materials.insert("LITHIUM".to_owned(), Decimal::new(-1, 0));
        assert!(check_materials(&materials, None).is_err());
    }

    #[test]
    fn pieces_and_batteries_are_followed_one_by_one_and_bulk_as_one_lot() {
        assert_eq!(
            split_line(false, false, 3),
            ItemSplit {
                count: 3,
                units_per_item: 1
            }
        );
        assert_eq!(
            split_line(true, true, 2),
            ItemSplit {
                count: 2,
                units_per_item: 1
            }
        );
        assert_eq!(
            split_line(true, false, 4),
            ItemSplit {
                count: 1,
                units_per_item: 4
            }
        );
    }

    #[test]
    fn only_phones_tablets_and_computers_carry_data() {
        assert!(is_data_bearing("LAPTOP"));
        assert!(!is_data_bearing("SMALL_APPLIANCE"));
    }
}
