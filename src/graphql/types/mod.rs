//! GraphQL output and input types. Output types wrap entity models and expose chosen
//! fields only, so a new column never leaks by accident.

pub mod account_event;
pub mod asset;
pub mod auth;
pub mod blocklist;
pub mod catalog;
pub mod catalog_input;
pub mod category;
pub mod collector;
pub mod compliance;
pub mod console;
pub mod custody;
pub mod custody_input;
pub mod custody_item;
pub mod custody_records;
pub mod decimal;
pub mod device;
pub mod discrepancy;
pub mod dispatch;
pub mod enums;
pub mod geo;
pub mod order;
pub mod order_input;
pub mod organization;
pub mod partner;
pub mod presence;
pub mod pricing;
pub mod quote;
pub mod quote_input;
pub mod report;
pub mod user;
