//! Property: rollups kept incrementally through completion, receipt (accepted or
//! rejected) and processing equal a recomputation from the items' final state.

use std::collections::BTreeMap;

use proptest::prelude::*;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::deltas::{Delta, on_completion, on_processing, on_receipt};
use super::{Bucket, Contribution, ItemFacts, LineFacts, Measures, OrderFacts, contributions};

/// What happens to one item after completion.
#[derive(Clone, Debug)]
struct Fate {
    /// Some(facility index) when accepted; None when rejected or never handed over.
    accepted_by: Option<usize>,
    /// Measured micro-kg of two materials, when processed (only accepted items).
    processed: Option<(i64, i64)>,
}

/// A line: its amount in cents and its pieces (category, grams, weight estimated, fate).
type Line = (i64, Vec<(usize, u32, bool, Fate)>);

#[derive(Clone, Debug)]
struct Order {
    day: usize,
    area: usize,
    collector: usize,
    owner: usize,
    lines: Vec<Line>,
    logistics_cents: i64,
}

const MATERIALS: [&str; 2] = ["copper", "lithium"];

fn fate() -> impl Strategy<Value = Fate> {
    (
        prop::option::of(0..2_usize),
        prop::option::of((0..5_000_i64, 0..900_i64)),
    )
        .prop_map(|(accepted_by, processed)| Fate {
            processed: processed.filter(|_| accepted_by.is_some()),
            accepted_by,
        })
}

fn order() -> impl Strategy<Value = Order> {
    let item = (0..3_usize, 1..5_000_u32, any::<bool>(), fate());
    let line = (-5_000..20_000_i64, prop::collection::vec(item, 1..4));
    (
        0..3_usize,
        0..2_usize,
        0..2_usize,
        0..3_usize,
        prop::collection::vec(line, 1..4),
        0..3_000_i64,
    )
        .prop_map(
            |(day, area, collector, owner, lines, logistics_cents)| Order {
                day,
                area,
                collector,
                owner,
                lines,
                logistics_cents,
            },
        )
}

type Rollups = (
    BTreeMap<Bucket, Measures>,
    BTreeMap<(Bucket, String, bool), i64>,
);

fn apply(rollups: &mut Rollups, delta: Delta) {
    let m = rollups.0.entry(delta.bucket.clone()).or_default();
    *m = m.plus(delta.measures);
    for (material, estimated, kg) in delta.materials {
        *rollups
            .1
            .entry((delta.bucket.clone(), material, estimated))
            .or_default() += kg;
    }
}

fn tidy(mut rollups: Rollups) -> Rollups {
    rollups.0.retain(|_, m| *m != Measures::default());
    rollups.1.retain(|_, kg| *kg != 0);
    rollups
}

fn ids(n: usize) -> Vec<Uuid> {
    (0..n).map(|_| Uuid::new_v4()).collect()
}

proptest! {
    #[test]
    fn incremental_rollups_equal_a_recomputation(orders in prop::collection::vec(order(), 1..8)) {
        let (areas, collectors, owners, facilities) = (ids(2), ids(2), ids(3), ids(2));
        let mut kept: Rollups = Default::default();
        let mut recomputed: Rollups = Default::default();
        for order in &orders {
            let facts = OrderFacts {
                day: format!("2026-12-0{}", order.day + 1),
                area: areas[order.area],
                collector: collectors[order.collector],
                organization: if order.owner == 1 { owners[1] } else { Uuid::nil() },
                partner: if order.owner == 2 { owners[2] } else { Uuid::nil() },
                payout: Decimal::new(
                    order.lines.iter().map(|l| l.0).sum::<i64>() - order.logistics_cents, 2),
                logistics_fee: Decimal::new(order.logistics_cents, 2),
            };
            let mut lines = Vec::new();
            let mut items = Vec::new();
            let mut fates = Vec::new();
            for (amount, pieces) in &order.lines {
                let id = Uuid::new_v4();
                lines.push(LineFacts { id, amount: Decimal::new(*amount, 2) });
                for (category, grams, estimated, fate) in pieces {
                    let mut estimated_materials = BTreeMap::new();
                    estimated_materials.insert(MATERIALS[0].to_owned(), Decimal::new(i64::from(*grams), 4));
                    items.push(ItemFacts {
                        id: Uuid::new_v4(),
                        line_id: id,
                        position: i32::try_from(items.len()).unwrap_or(i32::MAX),
                        category: ["A", "B", "C"][*category].to_owned(),
                        weight_kg: Decimal::new(i64::from(*grams), 3),
                        weight_estimated: *estimated,
                        estimated_materials,
                        co2e_factor: [Some(Decimal::new(117, 2)), Some(Decimal::new(87, 2)), None][*category],
                    });
                    fates.push(fate.clone());
                }
            }
            let made = contributions(&facts, &lines, &items);
            // Kept: the writes, one after the other.
            for (c, fate) in made.iter().zip(&fates) {
                apply(&mut kept, on_completion(c));
                let mut now: Contribution = c.clone();
                if let Some(f) = fate.accepted_by {
                    let (deltas, moved) = on_receipt(&now, facilities[f]);
                    deltas.into_iter().for_each(|d| apply(&mut kept, d));
                    now = moved;
                }
                if let Some((cu, li)) = fate.processed {
                    let measured = BTreeMap::from([(MATERIALS[0].to_owned(), cu), (MATERIALS[1].to_owned(), li)]);
                    let (delta, _) = on_processing(&now, &measured);
                    apply(&mut kept, delta);
                }
            }
            // Recomputed: from each item's final state.
            for (c, fate) in made.iter().zip(&fates) {
                let mut bucket = c.bucket.clone();
                if let Some(f) = fate.accepted_by {
                    bucket.facility = facilities[f];
                }
                let m = recomputed.0.entry(bucket.clone()).or_default();
                *m = m.plus(c.measures);
                match fate.processed {
                    Some((cu, li)) => {
                        *recomputed.1.entry((bucket.clone(), MATERIALS[0].to_owned(), false)).or_default() += cu;
                        *recomputed.1.entry((bucket, MATERIALS[1].to_owned(), false)).or_default() += li;
                    }
                    None => {
                        for (material, kg) in &c.estimated_materials {
                            *recomputed.1.entry((bucket.clone(), material.clone(), true)).or_default() += kg;
                        }
                    }
                }
            }
            // The items' payouts add up to the order's payout exactly.
            let paid: i64 = made.iter().map(|c| c.measures.payout).sum();
            prop_assert_eq!(paid, super::to_micro(facts.payout));
            prop_assert_eq!(made.iter().map(|c| c.measures.orders).sum::<i64>(), 1);
        }
        prop_assert_eq!(tidy(kept), tidy(recomputed));
    }
}
