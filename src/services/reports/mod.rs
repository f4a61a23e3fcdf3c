//! Collection reports: the rollups kept by completion, receipt and processing
//! ([`rollup`]), who sees which of them ([`scope`]), and the report read from them for
//! GraphQL and CSV ([`collection`], [`csv`]): folded in memory from the area and month
//! rollups for operators ([`area_rows`]) or grouped in SQL ([`grouped`]).

pub mod area_rows;
pub mod collection;
pub mod csv;
pub mod grouped;
pub mod rollup;
pub mod scope;

pub use collection::{CollectionReport, ReportFilter, ReportRow, collection_report};
pub use scope::ReportScope;
