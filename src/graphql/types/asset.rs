//! Asset lists: the import input (lines or CSV text), its per-line answer, and the
//! per-asset disposition record.

use async_graphql::{ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::asset_list;

use super::decimal::DecimalString;
use super::pricing::ConditionGql;
use crate::domain::asset_list::{LineIssue, RawAssetLine};
use crate::error::AppError;
use crate::services::assets::{AssetRow, ImportOutcome, ImportRequest, ImportSource};

/// One asset of a list given as GraphQL input.
#[derive(InputObject)]
pub struct AssetLineInput {
    /// A category code (see `categories`); or give `deviceModelId`.
    pub category_code: Option<String>,
    /// A known device model (see `deviceModels`).
    pub device_model_id: Option<ID>,
    /// Serial number or IMEI (IMEIs of phones are checked); unique within the list.
    pub serial_number: Option<String>,
    /// The customer's own asset tag (at most 64 characters); unique within the list.
    pub asset_tag: Option<String>,
    /// The condition grade; GOOD when omitted.
    pub condition: Option<ConditionGql>,
    /// The asset's weight, kg; required for categories priced by KG.
    pub weight_kg: Option<DecimalString>,
}

/// An asset list to import: `lines` or `csv`, not both.
#[derive(InputObject)]
pub struct AssetListInput {
    /// A name for the list, e.g. "Floor 3 laptops".
    pub name: Option<String>,
    /// The assets as input objects (line numbers count from 1).
    pub lines: Option<Vec<AssetLineInput>>,
    /// The assets as CSV text with a header line naming the columns (`categoryCode,
    /// deviceModelId, serialNumber, assetTag, condition, weightKg`; any order and subset);
    /// line numbers are the file's (the header is line 1).
    pub csv: Option<String>,
    /// Import the valid lines even when some are invalid (those are still listed in
    /// `errors`). By default any invalid line means nothing is imported.
    #[graphql(default = false)]
    pub import_valid_lines: bool,
}

impl AssetListInput {
    /// The request; VALIDATION unless exactly one of `lines` and `csv` is given.
    pub fn parse(self) -> Result<ImportRequest, AppError> {
        let source = match (self.lines, self.csv) {
            (Some(lines), None) => ImportSource::Lines(
                lines
                    .into_iter()
                    .enumerate()
                    .map(|(i, line)| RawAssetLine {
                        line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                        category_code: line.category_code,
                        device_model_id: line.device_model_id.map(|id| id.0),
                        serial_number: line.serial_number,
                        asset_tag: line.asset_tag,
                        condition: line.condition.map(|c| {
                            crate::domain::pricing::Condition::from(c)
                                .as_str()
                                .to_owned()
                        }),
                        weight_kg: line.weight_kg.map(|kg| kg.0.to_string()),
                    })
                    .collect(),
            ),
            (None, Some(csv)) => ImportSource::Csv(csv),
            _ => {
                return Err(AppError::validation(
                    "input.lines",
                    "give the assets as lines or as csv, not both",
                ));
            }
        };
        Ok(ImportRequest {
            name: self
                .name
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty()),
            source,
            import_valid_lines: self.import_valid_lines,
        })
    }
}

/// A problem with one line of an asset list (or a warning about it).
#[derive(SimpleObject)]
pub struct AssetLineIssue {
    /// The line: the CSV file's line (header = 1), or the position in `lines` (from 1).
    pub line: i32,
    /// The field: `categoryCode`, `deviceModelId`, `serialNumber`, `assetTag`,
    /// `condition`, `weightKg`, or `line` for the whole line.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl From<LineIssue> for AssetLineIssue {
    fn from(issue: LineIssue) -> Self {
        Self {
            line: i32::try_from(issue.line).unwrap_or(i32::MAX),
            field: issue.field.to_owned(),
            message: issue.message,
        }
    }
}

/// An imported asset list.
pub struct AssetList(pub asset_list::Model);

/// An imported asset list.
#[Object]
impl AssetList {
    /// The list id; quote it with `requestAssetListQuote`.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The name given at import.
    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// Assets in the list.
    async fn line_count(&self) -> i32 {
        self.0.line_count
    }

    /// When it was imported.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// What an import did: all lines, the valid ones (when asked), or none.
#[derive(SimpleObject)]
pub struct AssetImport {
    /// The stored list; null when nothing was imported.
    pub asset_list: Option<AssetList>,
    /// Lines imported.
    pub imported: i32,
    /// Every invalid line's problems, by line; those lines were not imported.
    pub errors: Vec<AssetLineIssue>,
    /// Lines imported with a warning, e.g. a serial reported stolen (collected, not paid).
    pub warnings: Vec<AssetLineIssue>,
}

impl From<ImportOutcome> for AssetImport {
    fn from(outcome: ImportOutcome) -> Self {
        Self {
            asset_list: outcome.list.map(AssetList),
            imported: i32::try_from(outcome.imported).unwrap_or(i32::MAX),
            errors: outcome.errors.into_iter().map(Into::into).collect(),
            warnings: outcome.warnings.into_iter().map(Into::into).collect(),
        }
    }
}

/// One asset and what became of it (R2v3 / NIST SP 800-88 record per identifier).
pub struct AssetRecord(pub AssetRow);

/// One asset and what became of it (R2v3 / NIST SP 800-88 record per identifier).
#[Object]
impl AssetRecord {
    /// The asset id.
    async fn id(&self) -> ID {
        ID(self.0.asset.id.to_string())
    }

    /// The list it was imported with.
    async fn asset_list_id(&self) -> ID {
        ID(self.0.asset.asset_list_id.to_string())
    }

    /// Its line in that list.
    async fn line_number(&self) -> i32 {
        self.0.asset.line_number
    }

    /// The customer's asset tag.
    async fn asset_tag(&self) -> Option<&str> {
        self.0.asset.asset_tag.as_deref()
    }

    /// Serial number or IMEI, normalised.
    async fn serial_number(&self) -> Option<&str> {
        self.0.asset.serial_number.as_deref()
    }

    /// The category code.
    async fn category_code(&self) -> &str {
        &self.0.asset.category_code
    }

    /// The device model, if one was given.
    async fn device_model_id(&self) -> Option<ID> {
        self.0.asset.device_model_id.map(|id| ID(id.to_string()))
    }

    /// The declared weight, kg.
    async fn weight_kg(&self) -> Option<DecimalString> {
        self.0.asset.weight_kg.map(|kg| kg.0.normalize().into())
    }

    /// The order it was booked on (the live one, else the latest); null before booking.
    async fn order_id(&self) -> Option<ID> {
        self.0.order.as_ref().map(|o| ID(o.id.to_string()))
    }

    /// That order's number, e.g. `RL-000123`.
    async fn order_number(&self) -> Option<&str> {
        self.0.order.as_ref().map(|o| o.number.as_str())
    }

    /// That order's status name, e.g. `COMPLETED`.
    async fn order_status(&self) -> Option<&str> {
        self.0.order_status()
    }

    /// The start of the pickup window.
    async fn pickup_window_start(&self) -> Option<DateTime<Utc>> {
        self.0.order.as_ref().map(|o| o.window_start)
    }

    /// When the collector took it (its custody item was created).
    async fn collected_at(&self) -> Option<DateTime<Utc>> {
        self.0.item.as_ref().map(|i| i.created_at)
    }

    /// Its custody status name (`WITH_COLLECTOR` … `PROCESSED`), once collected.
    async fn custody_status(&self) -> Option<&str> {
        self.0.custody_status()
    }

    /// The facility that received it.
    async fn facility_name(&self) -> Option<&str> {
        self.0.facility.as_ref().map(|f| f.name.as_str())
    }

    /// The processing outcome, e.g. `MATERIAL_RECOVERED`.
    async fn outcome(&self) -> Option<&str> {
        self.0.item.as_ref().and_then(|i| i.outcome.as_deref())
    }

    /// NIST SP 800-88 sanitisation method (CLEAR, PURGE, DESTROY) for data-bearing assets.
    async fn sanitization_method(&self) -> Option<String> {
        self.0.sanitization("method")
    }

    /// The sanitisation technique, e.g. "shredding".
    async fn sanitization_technique(&self) -> Option<String> {
        self.0.sanitization("technique")
    }

    /// Whether the sanitisation was verified.
    async fn sanitization_verified(&self) -> Option<bool> {
        self.0
            .item
            .as_ref()?
            .sanitization
            .as_ref()?
            .get("verified")?
            .as_bool()
    }

    /// The order's certificate of recycling (`GET /certificates/{id}`), once issued.
    async fn certificate_id(&self) -> Option<ID> {
        self.0.certificate_id.map(|id| ID(id.to_string()))
    }
}
