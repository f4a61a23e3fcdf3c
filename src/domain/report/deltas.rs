//! The changes the three writes make to the rollups: completion adds an item's
//! contribution, an accepted receipt moves it to the facility's bucket, processing swaps
//! its estimated materials for the measured ones. Services apply these as additive
//! upserts in the same transaction as the write itself.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::{Bucket, Contribution, Measures};

/// One additive change to one bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delta {
    /// Where.
    pub bucket: Bucket,
    /// Added to the bucket's figures (negative to take away).
    pub measures: Measures,
    /// `(material, estimated, micro-kg)` added.
    pub materials: Vec<(String, bool, i64)>,
}

fn estimated(c: &Contribution, sign: i64) -> Vec<(String, bool, i64)> {
    c.estimated_materials
        .iter()
        .map(|(m, kg)| (m.clone(), true, sign * kg))
        .collect()
}

/// The item's contribution, added when its pickup completes.
pub fn on_completion(c: &Contribution) -> Delta {
    Delta {
        bucket: c.bucket.clone(),
        measures: c.measures,
        materials: estimated(c, 1),
    }
}

/// A facility accepted the item: its contribution moves to that facility's bucket.
/// Returns the deltas and the contribution as it now stands.
pub fn on_receipt(c: &Contribution, facility: Uuid) -> (Vec<Delta>, Contribution) {
    let mut moved = c.clone();
    moved.bucket.facility = facility;
    if moved.bucket == c.bucket {
        return (Vec::new(), moved);
    }
    let out = Delta {
        bucket: c.bucket.clone(),
        measures: c.measures.negated(),
        materials: estimated(c, -1),
    };
    (vec![out, on_completion(&moved)], moved)
}

/// The item was processed with `measured` micro-kg per material: the estimate leaves,
/// the measurement arrives. Returns the delta and the contribution without estimate.
pub fn on_processing(c: &Contribution, measured: &BTreeMap<String, i64>) -> (Delta, Contribution) {
    let mut materials = estimated(c, -1);
    materials.extend(
        measured
            .iter()
            .filter(|(_, kg)| **kg != 0)
            .map(|(m, kg)| (m.clone(), false, *kg)),
    );
    let mut after = c.clone();
    after.estimated_materials.clear();
    (
        Delta {
            bucket: c.bucket.clone(),
            measures: Measures::default(),
            materials,
        },
        after,
    )
}
