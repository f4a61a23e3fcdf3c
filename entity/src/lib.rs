//! Database entities of reloop, one table a module.
//!
//! These are storage shapes only: no GraphQL derives and no business rules. The root
//! crate converts them into domain and API types, so columns such as password hashes
//! never reach a response by accident.

pub mod audit_entry;
pub mod category;
pub mod collector;
pub mod decimal;
pub mod device_model;
pub mod material_price;
pub mod organization;
pub mod quote;
pub mod quote_line;
pub mod refresh_token;
pub mod service_area;
pub mod user;

pub use decimal::DbDecimal;
