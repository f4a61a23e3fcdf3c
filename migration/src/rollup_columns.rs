//! The columns every report rollup table shares: the additive BIGINT sums of micro-units
//! (figures or one material's kg), so each rollup migration names only its key.

use sea_orm_migration::prelude::*;

/// The figure sums of a bucket, in the order reports read them.
pub const FIGURE_SUMS: [&str; 8] = [
    "orders",
    "items",
    "measured_kg",
    "estimated_kg",
    "payout",
    "disposal_fees",
    "logistics_fees",
    "co2e_kg",
];

/// A BIGINT sum starting at zero (upserts add to it).
pub fn amount(column: &str) -> ColumnDef {
    let mut def = ColumnDef::new(Alias::new(column));
    def.big_integer().not_null().default(0);
    def
}

/// Adds the figure sums to `table`.
pub fn figure_sums(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    for column in FIGURE_SUMS {
        table.col(amount(column));
    }
    table
}

/// Adds a material's key columns (name, measured or estimated) and its kg sum to `table`.
pub fn material_sums(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(ColumnDef::new(Alias::new("material")).string().not_null())
        .col(ColumnDef::new(Alias::new("estimated")).boolean().not_null())
        .col(amount("kg"))
}
