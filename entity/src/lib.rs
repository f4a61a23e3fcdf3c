//! Database entities of reloop, one table a module.
//!
//! These are storage shapes only: no GraphQL derives and no business rules. The root
//! crate converts them into domain and API types, so columns such as password hashes
//! never reach a response by accident.

pub mod category;
pub mod collector;
pub mod decimal;
pub mod organization;
pub mod refresh_token;
pub mod user;

pub use decimal::DbDecimal;
