//! What each custody item adds to the rollups when its pickup completes, and how a
//! receipt or a processing record changes that. Every amount is an integer of
//! micro-units, so sums are exact and the rows add up to the totals to the last digit.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use uuid::Uuid;

use super::to_micro;

/// A rollup bucket; `Uuid::nil()` stands for "none".
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bucket {
    /// `YYYY-MM-DD`, reporting time zone.
    pub day: String,
    /// The order's service area.
    pub area: Uuid,
    /// The item's category code.
    pub category: String,
    /// The collector who completed the pickup.
    pub collector: Uuid,
    /// The facility that accepted the item.
    pub facility: Uuid,
    /// The business customer's organisation.
    pub organization: Uuid,
    /// The partner who booked.
    pub partner: Uuid,
}

/// The additive figures of a bucket, micro-units except the counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Measures {
    /// Orders completed (each counted once, with its first item).
    pub orders: i64,
    /// Custody items (pieces, or weighed lots).
    pub items: i64,
    /// kg the collector weighed.
    pub measured_kg: i64,
    /// kg estimated (quoted or typical weight).
    pub estimated_kg: i64,
    /// What the customers are paid: line amounts (negative for disposal fees) less the
    /// pickup fee; adds up to the payouts exactly.
    pub payout: i64,
    /// Disposal fees charged (positive).
    pub disposal_fees: i64,
    /// Pickup (logistics) fees charged, with each order's first item.
    pub logistics_fees: i64,
    /// kg CO2e avoided: each item's kg times its category's factor when the pickup
    /// completed (an estimate; 0 for a category without a factor).
    pub co2e_kg: i64,
}

impl Measures {
    /// `self + other`.
    pub fn plus(self, other: Self) -> Self {
        Self {
            orders: self.orders + other.orders,
            items: self.items + other.items,
            measured_kg: self.measured_kg + other.measured_kg,
            estimated_kg: self.estimated_kg + other.estimated_kg,
            payout: self.payout + other.payout,
            disposal_fees: self.disposal_fees + other.disposal_fees,
            logistics_fees: self.logistics_fees + other.logistics_fees,
            co2e_kg: self.co2e_kg + other.co2e_kg,
        }
    }

    /// `-self`, to take a contribution out of a bucket.
    pub fn negated(self) -> Self {
        Self::default().minus(self)
    }

    fn minus(self, other: Self) -> Self {
        Self {
            orders: self.orders - other.orders,
            items: self.items - other.items,
            measured_kg: self.measured_kg - other.measured_kg,
            estimated_kg: self.estimated_kg - other.estimated_kg,
            payout: self.payout - other.payout,
            disposal_fees: self.disposal_fees - other.disposal_fees,
            logistics_fees: self.logistics_fees - other.logistics_fees,
            co2e_kg: self.co2e_kg - other.co2e_kg,
        }
    }
}

/// The order, as the report sees it.
#[derive(Clone, Debug)]
pub struct OrderFacts {
    /// Completion day, `YYYY-MM-DD`.
    pub day: String,
    /// Service area.
    pub area: Uuid,
    /// The collector.
    pub collector: Uuid,
    /// Organisation, or nil.
    pub organization: Uuid,
    /// Partner, or nil.
    pub partner: Uuid,
    /// The payout created at completion.
    pub payout: Decimal,
    /// The pickup fee.
    pub logistics_fee: Decimal,
}

/// One order line: its amount for all its pieces (final, else quoted).
#[derive(Clone, Debug)]
pub struct LineFacts {
    /// The line.
    pub id: Uuid,
    /// Negative for a disposal fee.
    pub amount: Decimal,
}

/// One custody item made at completion.
#[derive(Clone, Debug)]
pub struct ItemFacts {
    /// The item.
    pub id: Uuid,
    /// Its line.
    pub line_id: Uuid,
    /// Position in the order (0 first).
    pub position: i32,
    /// Category code.
    pub category: String,
    /// kg collected.
    pub weight_kg: Decimal,
    /// Whether that weight is an estimate.
    pub weight_estimated: bool,
    /// kg per material expected back, from the catalog.
    pub estimated_materials: BTreeMap<String, Decimal>,
    /// kg CO2e a kg of its category avoids (catalog), if the category has a factor.
    pub co2e_factor: Option<Decimal>,
}

/// What one item adds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contribution {
    /// The item.
    pub item_id: Uuid,
    /// Where it adds.
    pub bucket: Bucket,
    /// What it adds.
    pub measures: Measures,
    /// Estimated micro-kg per material, until it is processed.
    pub estimated_materials: BTreeMap<String, i64>,
}

/// The contributions of a completed order's items. Each line's amount is split evenly
/// over its items (the last takes the remainder); the first item also carries the
/// order, the pickup fee and whatever makes the items' payouts add up to the order's
/// payout exactly (the pickup fee, and any line the inspection took out of the payout).
pub fn contributions(
    order: &OrderFacts,
    lines: &[LineFacts],
    items: &[ItemFacts],
) -> Vec<Contribution> {
    let mut out: Vec<Contribution> = items
        .iter()
        .map(|item| {
            let kg = to_micro(item.weight_kg);
            Contribution {
                item_id: item.id,
                bucket: Bucket {
                    day: order.day.clone(),
                    area: order.area,
                    category: item.category.clone(),
                    collector: order.collector,
                    facility: Uuid::nil(),
                    organization: order.organization,
                    partner: order.partner,
                },
                measures: Measures {
                    items: 1,
                    measured_kg: if item.weight_estimated { 0 } else { kg },
                    estimated_kg: if item.weight_estimated { kg } else { 0 },
                    co2e_kg: item
                        .co2e_factor
                        .map_or(0, |factor| to_micro(item.weight_kg * factor)),
                    ..Measures::default()
                },
                estimated_materials: item
                    .estimated_materials
                    .iter()
                    .map(|(m, kg)| (m.clone(), to_micro(*kg)))
                    .filter(|(_, kg)| *kg != 0)
                    .collect(),
            }
        })
        .collect();
    let mut paid_to_items = 0_i64;
    for line in lines {
        let of_line: Vec<usize> = (0..items.len())
            .filter(|&i| items[i].line_id == line.id)
            .collect();
        let Some(count) = i64::try_from(of_line.len()).ok().filter(|c| *c > 0) else {
            continue;
        };
        let amount = to_micro(line.amount);
        let share = amount / count;
        for (n, &index) in of_line.iter().enumerate() {
            let this = if n + 1 == of_line.len() {
                amount - share * (count - 1)
            } else {
                share
            };
            out[index].measures.payout += this;
            if this < 0 {
                out[index].measures.disposal_fees -= this;
            }
            paid_to_items += this;
        }
    }
    if let Some(first) = (0..items.len()).min_by_key(|&i| items[i].position) {
        let measures = &mut out[first].measures;
        measures.orders = 1;
        measures.logistics_fees = to_micro(order.logistics_fee);
        measures.payout += to_micro(order.payout) - paid_to_items;
    }
    out
}

/// The estimated kg per material of one item: the catalog's composition (per piece, or
/// per kg for KG categories and batteries: `scale` is then the item's kg) times the
/// recovery rate the category's process achieves.
pub fn estimate_materials(
    composition: &BTreeMap<String, Decimal>,
    scale: Decimal,
    rate: impl Fn(&str) -> Decimal,
) -> BTreeMap<String, Decimal> {
    composition
        .iter()
        .map(|(material, share)| (material.clone(), *share * scale * rate(material)))
        .filter(|(_, kg)| *kg > Decimal::ZERO)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().expect("decimal")
    }

    #[test]
    fn payouts_add_up_to_the_order_and_fees_are_split_exactly() {
        let (l1, l2) = (Uuid::new_v4(), Uuid::new_v4());
        let order = OrderFacts {
            day: "2026-12-01".into(),
            area: Uuid::new_v4(),
            collector: Uuid::new_v4(),
            organization: Uuid::nil(),
            partner: Uuid::nil(),
            payout: d("80.00"),
            logistics_fee: d("20.00"),
        };
        let item = |line, position, category: &str| ItemFacts {
            id: Uuid::new_v4(),
            line_id: line,
            position,
            category: category.into(),
            weight_kg: d("0.2"),
            weight_estimated: position == 0,
            estimated_materials: BTreeMap::new(),
            co2e_factor: (category == "A").then(|| d("1.17")),
        };
        let items = vec![
            item(l1, 0, "A"),
            item(l1, 1, "A"),
            item(l1, 2, "A"),
            item(l2, 3, "B"),
        ];
        let lines = vec![
            LineFacts {
                id: l1,
                amount: d("100.00"),
            },
            LineFacts {
                id: l2,
                amount: d("0.00"),
            },
        ];
        let out = contributions(&order, &lines, &items);
        let total = out
            .iter()
            .fold(Measures::default(), |a, c| a.plus(c.measures));
        assert_eq!(total.payout, 80_000_000);
        assert_eq!(total.orders, 1);
        assert_eq!(total.items, 4);
        assert_eq!(total.logistics_fees, 20_000_000);
        assert_eq!(total.measured_kg, 600_000);
        assert_eq!(total.estimated_kg, 200_000);
        // Three 0.2 kg items of A at 1.17 kg CO2e per kg; B has no factor.
        assert_eq!(total.co2e_kg, 702_000);
        assert_eq!(out[1].measures.payout, 33_333_333);
        assert_eq!(out[2].measures.payout, 33_333_334);
    }
}
