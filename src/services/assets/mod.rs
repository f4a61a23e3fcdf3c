//! Business asset lists: importing a list (GraphQL lines or CSV text; all or nothing
//! unless the caller asks for the valid lines), a quote of every line at once, and the
//! per-asset disposition report (GraphQL connection and CSV) that follows each asset to
//! its order, custody item, facility, outcome, sanitisation and certificate.

mod access;
mod import;
mod quote;
mod report;
mod report_csv;

pub use access::{AssetOwner, AssetScope};
pub use import::{ImportOutcome, ImportRequest, ImportSource, import_assets};
pub use quote::quote_asset_list;
pub use report::{AssetCursor, AssetRow, asset_page};
pub use report_csv::{CSV_HEADER, encode_rows, export_csv};
