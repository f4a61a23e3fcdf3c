//! Collection reports: the rollups kept by completion, receipt and processing
//! ([`rollup`]), who sees which of them ([`scope`]), and the report read from them for
//! GraphQL and CSV ([`collection`], [`csv`]).

pub mod collection;
pub mod csv;
pub mod rollup;
pub mod scope;

pub use collection::{CollectionReport, ReportFilter, ReportRow, collection_report};
pub use scope::ReportScope;
