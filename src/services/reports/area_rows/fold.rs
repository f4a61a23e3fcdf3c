//! Folding rollup lines into a report's rows in memory: each line adds to the row of its
//! bucket's key.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::lines::{FigureLine, MaterialLine};
use crate::domain::report::{Dimension, Measures, month_of};
use crate::error::{AppError, AppResult};
use crate::services::reports::collection::ReportRow;

/// An area id as either backend writes it in JSON (hex digits, with or without hyphens),
/// in the report's form.
fn area_key(text: &str) -> AppResult<String> {
    Uuid::parse_str(text)
        .map(|id| id.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("a rollup's area id: {e}")))
}

/// The rows being folded, by key.
pub(super) struct Rows<'a> {
    group_by: &'a [Dimension],
    /// The rows, in the order they were first met.
    rows: Vec<ReportRow>,
    /// Where each key's row is in `rows`.
    index: BTreeMap<Vec<String>, usize>,
    /// The last line's bucket (period, area, category) and where its row is: a bucket's
    /// lines come together (each table is stored in key order), so most lines reuse it
    /// without looking their key up.
    last: Option<([String; 3], usize)>,
}

impl<'a> Rows<'a> {
    pub(super) fn new(group_by: &'a [Dimension]) -> Self {
        Self {
            group_by,
            rows: Vec::new(),
            index: BTreeMap::new(),
            last: None,
        }
    }

    /// The row a line of `period` (day or month), `area` and `category` adds to.
    fn at(&mut self, period: &str, area: &str, category: &str) -> AppResult<&mut ReportRow> {
        let known = self.last.as_ref().and_then(|(bucket, at)| {
            (bucket[0] == period && bucket[1] == area && bucket[2] == category).then_some(*at)
        });
        let at = match known {
            Some(at) => at,
            None => {
                let at = self.row_of(self.key(period, area, category)?);
                let bucket = [period.to_owned(), area.to_owned(), category.to_owned()];
                self.last = Some((bucket, at));
                at
            }
        };
        Ok(&mut self.rows[at])
    }

    /// The key of the row a bucket adds to.
    fn key(&self, period: &str, area: &str, category: &str) -> AppResult<Vec<String>> {
        let area_id = area_key(area)?;
        Ok(self
            .group_by
            .iter()
            .map(|dimension| match dimension {
                Dimension::Category => category.to_owned(),
                Dimension::Area => area_id.clone(),
                Dimension::Day => period.to_owned(),
                Dimension::Month => month_of(period).to_owned(),
                // Not read from these rollups (`grouped::rollups` sends them elsewhere).
                Dimension::Collector | Dimension::Facility => String::new(),
            })
            .collect())
    }

    /// Where `key`'s row is, added empty when it is new.
    fn row_of(&mut self, key: Vec<String>) -> usize {
        if let Some(at) = self.index.get(&key) {
            return *at;
        }
        let at = self.rows.len();
        self.index.insert(key.clone(), at);
        self.rows.push(ReportRow {
            key,
            ..ReportRow::default()
        });
        at
    }

    pub(super) fn add_figures<S: AsRef<str>>(
        &mut self,
        lines: Vec<FigureLine<S>>,
    ) -> AppResult<()> {
        for line in lines {
            let measures = Measures {
                orders: line.orders,
                items: line.items,
                measured_kg: line.measured_kg,
                estimated_kg: line.estimated_kg,
                payout: line.payout,
                disposal_fees: line.disposal_fees,
                logistics_fees: line.logistics_fees,
                co2e_kg: line.co2e_kg,
            };
            let row = self.at(
                line.period.as_ref(),
                line.area.as_ref(),
                line.category.as_ref(),
            )?;
            row.measures = row.measures.plus(measures);
        }
        Ok(())
    }

    pub(super) fn add_materials<S: AsRef<str>>(
        &mut self,
        lines: Vec<MaterialLine<S>>,
    ) -> AppResult<()> {
        for line in lines {
            self.at(
                line.period.as_ref(),
                line.area.as_ref(),
                line.category.as_ref(),
            )?
            .add_material(line.material.as_ref(), line.estimated != 0, line.kg);
        }
        Ok(())
    }

    /// The rows with any figure, ordered by key.
    pub(super) fn finish(self) -> Vec<ReportRow> {
        let mut rows: Vec<Option<ReportRow>> = self.rows.into_iter().map(Some).collect();
        self.index
            .into_values()
            .filter_map(|at| rows[at].take())
            .filter(|row| !row.is_empty())
            .collect()
    }
}
