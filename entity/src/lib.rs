//! Database entities of reloop, one table a module.
//!
//! These are storage shapes only: no GraphQL derives and no business rules. The root
//! crate converts them into domain and API types, so columns such as password hashes
//! never reach a response by accident.

pub mod api_key;
pub mod asset;
pub mod asset_list;
pub mod audit_entry;
pub mod blocked_device;
pub mod blocklist_check;
pub mod category;
pub mod certificate;
pub mod collector;
pub mod collector_action;
pub mod collector_rating;
pub mod compliance_task;
pub mod counter;
pub mod custody_checkpoint;
pub mod custody_checkpoint_head;
pub mod custody_event;
pub mod custody_item;
pub mod decimal;
pub mod device_model;
pub mod discrepancy;
pub mod enums;
pub mod facility;
pub mod idempotency_key;
pub mod job_offer;
pub mod material_price;
pub mod order_event;
pub mod order_line;
pub mod organization;
pub mod partner;
pub mod payout;
pub mod pickup_order;
pub mod price_table;
pub mod quote;
pub mod quote_line;
pub mod refresh_token;
pub mod report_area_material_rollup;
pub mod report_area_rollup;
pub mod report_day_material_rollup;
pub mod report_day_rollup;
pub mod report_item_fact;
pub mod report_material_rollup;
pub mod report_month_material_rollup;
pub mod report_month_rollup;
pub mod report_rollup;
pub mod service_area;
pub mod slot_usage;
pub mod transfer;
pub mod user;
pub mod webhook;
pub mod webhook_attempt;
pub mod webhook_delivery;
pub mod webhook_event;

pub use decimal::DbDecimal;
