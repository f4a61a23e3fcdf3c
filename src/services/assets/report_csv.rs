//! The disposition report as CSV (`GET /reports/assets.csv`): one line per asset, the
//! same rows as the `organizationAssets` connection, RFC 4180 quoting, read page by page
//! so a 100k-asset export never holds more than one page.

use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::access::AssetScope;
use super::report::{AssetCursor, AssetRow, asset_page};
use crate::domain::custody::CustodyStatus;
use crate::domain::order::OrderStatus;
use crate::error::{AppError, AppResult};

/// The header line's columns.
pub const CSV_HEADER: [&str; 20] = [
    "assetListId",
    "lineNumber",
    "assetTag",
    "serialNumber",
    "categoryCode",
    "deviceModelId",
    "condition",
    "weightKg",
    "orderNumber",
    "orderStatus",
    "pickupWindowStart",
    "collectedAt",
    "custodyStatus",
    "facilityName",
    "facilityPermitNumber",
    "outcome",
    "sanitizationMethod",
    "sanitizationTechnique",
    "sanitizationVerified",
    "certificateId",
];

/// Rows per page read from the database.
pub const PAGE: u64 = 500;

impl AssetRow {
    /// The order's status name, if booked.
    pub fn order_status(&self) -> Option<&'static str> {
        self.order
            .as_ref()
            .map(|o| OrderStatus::from(o.status).as_str())
    }

    /// The custody item's status name, once collected.
    pub fn custody_status(&self) -> Option<&'static str> {
        self.item
            .as_ref()
            .map(|i| CustodyStatus::from(i.status).as_str())
    }

    /// A member of the item's NIST SP 800-88 sanitisation record, as text.
    pub fn sanitization(&self, member: &str) -> Option<String> {
        let value = self.item.as_ref()?.sanitization.as_ref()?.get(member)?;
        match value {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Bool(b) => Some(b.to_string()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    fn fields(&self) -> [String; 20] {
        let text = |v: Option<String>| v.unwrap_or_default();
        let a = &self.asset;
        [
            a.asset_list_id.to_string(),
            a.line_number.to_string(),
            text(a.asset_tag.clone()),
            text(a.serial_number.clone()),
            a.category_code.clone(),
            text(a.device_model_id.map(|id| id.to_string())),
            text(a.condition.clone()),
            text(a.weight_kg.map(|kg| kg.0.normalize().to_string())),
            text(self.order.as_ref().map(|o| o.number.clone())),
            text(self.order_status().map(str::to_owned)),
            text(self.order.as_ref().map(|o| o.window_start.to_rfc3339())),
            text(self.item.as_ref().map(|i| i.created_at.to_rfc3339())),
            text(self.custody_status().map(str::to_owned)),
            text(self.facility.as_ref().map(|f| f.name.clone())),
            text(self.facility.as_ref().map(|f| f.permit_number.clone())),
            text(self.item.as_ref().and_then(|i| i.outcome.clone())),
            text(self.sanitization("method")),
            text(self.sanitization("technique")),
            text(self.sanitization("verified")),
            text(self.certificate_id.map(|id| id.to_string())),
        ]
    }
}

/// `rows` as CSV lines, after the header when `header` is set.
pub fn encode_rows(rows: &[AssetRow], header: bool) -> AppResult<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| AppError::Internal(anyhow::anyhow!("asset CSV: {e}"));
    if header {
        writer.write_record(CSV_HEADER).map_err(failed)?;
    }
    for row in rows {
        writer.write_record(row.fields()).map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("asset CSV: {e}")))
}

/// The next chunk of the export after `cursor` (None: the first, with the header), and
/// the cursor of the chunk after it (None at the end).
pub async fn export_csv(
    db: &DatabaseConnection,
    scope: AssetScope,
    list: Option<Uuid>,
    cursor: Option<AssetCursor>,
) -> AppResult<(Vec<u8>, Option<AssetCursor>)> {
    let page = asset_page(db, scope, list, cursor, PAGE).await?;
    let bytes = encode_rows(&page.items, cursor.is_none())?;
    let next = if page.has_next {
        page.items.last().map(AssetRow::cursor)
    } else {
        None
    };
    Ok((bytes, next))
}
