//! Root query, merged from one object per domain.

mod account;
mod assets;
mod blocklist;
mod catalog;
mod collectors;
mod compliance;
mod console;
mod custody;
mod dispatch;
mod orders;
mod partners;
mod quotes;
mod reports;

use async_graphql::MergedObject;

pub use assets::{AssetRecordConnection, OrganizationMemberConnection};
pub use blocklist::{BlockedDeviceConnection, BlocklistHitConnection};
pub use catalog::{AuditEntryConnection, DeviceModelConnection};
pub use collectors::CollectorConnection;
pub use compliance::ComplianceTaskConnection;
pub use custody::{DiscrepancyConnection, FacilityConnection, TransferConnection};
pub use orders::PickupOrderConnection;
pub use partners::WebhookDeliveryConnection;

/// Every query.
#[derive(MergedObject, Default)]
pub struct Query(
    account::AccountQuery,
    catalog::CatalogQuery,
    blocklist::BlocklistQuery,
    quotes::QuoteQuery,
    orders::OrderQuery,
    collectors::CollectorQuery,
    custody::CustodyQuery,
    compliance::ComplianceQuery,
    dispatch::DispatchQuery,
    partners::PartnerQuery,
    reports::ReportQuery,
    console::ConsoleQuery,
    assets::BusinessQuery,
);
