//! Schema migrations of reloop, one change a file (`mYYYYMMDD_NNNNNN_verb_table.rs`).
//!
//! Run them with `reloop migrate` or `cargo run -p migration -- up`; the server also
//! applies pending migrations at start-up.

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261121_000001_create_organizations;
mod m20261121_000002_create_users;
mod m20261121_000003_create_collectors;
mod m20261121_000004_create_refresh_tokens;
mod m20261121_000005_create_categories;
mod m20261121_000006_create_device_models;
mod m20261121_000007_create_material_prices;
mod m20261121_000008_create_service_areas;
mod m20261121_000009_create_quotes;
mod m20261121_000010_create_audit_log;
mod m20261121_000011_create_pickup_orders;
mod m20261121_000012_create_booking_support;
mod m20261121_000013_create_payouts_and_ratings;
mod m20261121_000014_create_job_offers;
mod m20261121_000015_create_partners;
mod m20261121_000016_create_webhooks;
mod m20261121_000017_create_price_tables;
mod m20261201_000018_add_payout_settlement;
mod m20261201_000019_add_collector_no_shows;
mod m20261201_000020_add_collector_pending_profile;
mod m20261201_000021_create_collector_actions;
mod m20261201_000022_add_order_event_recorded_at;
mod m20261201_000023_add_service_area_hours;
mod m20261201_000025_create_facilities;
mod m20261201_000026_create_custody_log;
mod m20261201_000027_create_transfers_and_certificates;
mod m20261201_000028_create_blocklist;
mod m20261201_000030_create_compliance_tasks;
mod m20261201_000031_add_discrepancy_lines_and_erasure;
mod m20261201_000040_create_order_number_sequence;
mod m20261201_000050_create_report_rollups;
mod m20261201_000051_create_report_day_rollups;
mod m20261201_000052_add_category_co2e_factors;
mod m20261201_000053_create_report_area_rollups;
mod m20261201_000054_create_report_month_rollups;
mod m20261201_000060_create_asset_lists;
mod m20261201_000061_add_slot_weight_budget;
mod m20261201_000062_add_organization_roles;
mod m20261215_000070_create_orders_area_index;
mod rollup_columns;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_organizations::Migration),
            Box::new(m20261121_000002_create_users::Migration),
            Box::new(m20261121_000003_create_collectors::Migration),
            Box::new(m20261121_000004_create_refresh_tokens::Migration),
            Box::new(m20261121_000005_create_categories::Migration),
            Box::new(m20261121_000006_create_device_models::Migration),
            Box::new(m20261121_000007_create_material_prices::Migration),
            Box::new(m20261121_000008_create_service_areas::Migration),
            Box::new(m20261121_000009_create_quotes::Migration),
            Box::new(m20261121_000010_create_audit_log::Migration),
            Box::new(m20261121_000011_create_pickup_orders::Migration),
            Box::new(m20261121_000012_create_booking_support::Migration),
            Box::new(m20261121_000013_create_payouts_and_ratings::Migration),
            Box::new(m20261121_000014_create_job_offers::Migration),
            Box::new(m20261121_000015_create_partners::Migration),
            Box::new(m20261121_000016_create_webhooks::Migration),
            Box::new(m20261121_000017_create_price_tables::Migration),
            Box::new(m20261201_000018_add_payout_settlement::Migration),
            Box::new(m20261201_000019_add_collector_no_shows::Migration),
            Box::new(m20261201_000020_add_collector_pending_profile::Migration),
            Box::new(m20261201_000021_create_collector_actions::Migration),
            Box::new(m20261201_000022_add_order_event_recorded_at::Migration),
            Box::new(m20261201_000023_add_service_area_hours::Migration),
            Box::new(m20261201_000025_create_facilities::Migration),
            Box::new(m20261201_000026_create_custody_log::Migration),
            Box::new(m20261201_000027_create_transfers_and_certificates::Migration),
            Box::new(m20261201_000028_create_blocklist::Migration),
            Box::new(m20261201_000030_create_compliance_tasks::Migration),
            Box::new(m20261201_000031_add_discrepancy_lines_and_erasure::Migration),
            Box::new(m20261201_000040_create_order_number_sequence::Migration),
            Box::new(m20261201_000050_create_report_rollups::Migration),
            Box::new(m20261201_000051_create_report_day_rollups::Migration),
            Box::new(m20261201_000052_add_category_co2e_factors::Migration),
            Box::new(m20261201_000053_create_report_area_rollups::Migration),
            Box::new(m20261201_000054_create_report_month_rollups::Migration),
            Box::new(m20261201_000060_create_asset_lists::Migration),
            Box::new(m20261201_000061_add_slot_weight_budget::Migration),
            Box::new(m20261201_000062_add_organization_roles::Migration),
            Box::new(m20261215_000070_create_orders_area_index::Migration),
        ]
    }
}
