//! GraphQL output and input types. Output types wrap entity models and expose chosen
//! fields only, so a new column never leaks by accident.

pub mod account_event;
pub mod auth;
pub mod category;
pub mod collector;
pub mod enums;
pub mod user;
