//! `importAssetList` and `POST /assets/import`: every line checked (fields, catalog,
//! duplicates inside the list), every problem reported with its line and field, serials
//! on the blocklist flagged as warnings. Nothing is written when any line is invalid,
//! unless the caller asked for the valid lines; then those are written in one
//! transaction.

use std::collections::{BTreeSet, HashMap};

use entity::{DbDecimal, asset, asset_list, device_model};
use sea_orm::{EntityTrait, IntoActiveModel};
use uuid::Uuid;

use super::access::AssetOwner;
use crate::domain::asset_list::{
    AssetLine, LineIssue, RawAssetLine, duplicates, parse_line, read_csv,
};
use crate::domain::quote::{ItemSubject, check_serial};
use crate::error::{AppError, AppResult};
use crate::infra::catalog_cache::CatalogSnapshot;
use crate::services::Viewer;
use crate::services::blocklist::listings_of;
use crate::services::catalog::categories::is_battery_category;
use crate::services::catalog::device_models::models_by_id;
use crate::state::AppState;

/// Where the lines come from.
#[derive(Clone, Debug)]
pub enum ImportSource {
    /// GraphQL input objects, numbered from 1.
    Lines(Vec<RawAssetLine>),
    /// CSV text with a header line; lines numbered as in the file.
    Csv(String),
}

/// An import request.
#[derive(Clone, Debug)]
pub struct ImportRequest {
    /// A name for the list.
    pub name: Option<String>,
    /// The lines.
    pub source: ImportSource,
    /// Import the valid lines even when others are invalid.
    pub import_valid_lines: bool,
}

/// What an import did.
#[derive(Clone, Debug)]
pub struct ImportOutcome {
    /// The stored list; None when nothing was imported.
    pub list: Option<asset_list::Model>,
    /// Lines imported.
    pub imported: usize,
    /// Every problem, by line; the lines named here were not imported.
    pub errors: Vec<LineIssue>,
    /// Lines imported with a warning (a serial on the blocklist).
    pub warnings: Vec<LineIssue>,
}

/// A line that passed every check, ready to store.
struct Checked {
    line: AssetLine,
    category_code: String,
    model_id: Option<Uuid>,
    serial: Option<String>,
}

/// Imports an asset list for the viewer (see the module doc).
#[tracing::instrument(skip_all)]
pub async fn import_assets(
    state: &AppState,
    viewer: Viewer,
    request: ImportRequest,
) -> AppResult<ImportOutcome> {
    let owner = AssetOwner::of(&state.db, viewer).await?;
    let (raw, field) = match request.source {
        ImportSource::Lines(lines) => (lines, "input.lines"),
        ImportSource::Csv(text) => match read_csv(&text) {
            Ok(lines) => (lines, "input.csv"),
            Err(errors) => return Ok(nothing(errors, Vec::new())),
        },
    };
    let max = state.config.quotes.max_asset_lines;
    if raw.is_empty() || raw.len() > max {
        return Err(AppError::validation(
            field,
            format!("must hold 1 to {max} lines"),
        ));
    }
    let mut errors = Vec::new();
    let mut parsed = Vec::with_capacity(raw.len());
    for line in raw {
        match parse_line(line) {
            Ok(line) => parsed.push(line),
            Err(issues) => errors.extend(issues),
        }
    }
    errors.extend(duplicates(&parsed));
    let snapshot = state.catalog.snapshot(&state.db).await?;
    let models = models_of(state, &parsed).await?;
    let mut checked = Vec::with_capacity(parsed.len());
    for line in parsed {
        match against_catalog(line, &snapshot, &models) {
            Ok(line) => checked.push(line),
            Err(issue) => errors.push(issue),
        }
    }
    let bad: BTreeSet<u32> = errors.iter().map(|e| e.line).collect();
    checked.retain(|c| !bad.contains(&c.line.line));
    errors.sort_by_key(|e| e.line);
    let warnings = blocklisted(state, &checked).await?;
    if (!errors.is_empty() && !request.import_valid_lines) || checked.is_empty() {
        return Ok(nothing(errors, warnings));
    }
    let list = store(state, owner, request.name, &checked).await?;
    Ok(ImportOutcome {
        imported: checked.len(),
        list: Some(list),
        errors,
        warnings,
    })
}

fn nothing(errors: Vec<LineIssue>, warnings: Vec<LineIssue>) -> ImportOutcome {
    ImportOutcome {
        list: None,
        imported: 0,
        errors,
        warnings,
    }
}

/// The device models the lines name, in one query.
async fn models_of(
    state: &AppState,
    lines: &[AssetLine],
) -> AppResult<HashMap<Uuid, device_model::Model>> {
    let mut ids: Vec<Uuid> = lines
        .iter()
        .filter_map(|l| match l.subject {
            ItemSubject::Model { id, .. } => Some(id),
            ItemSubject::Category(_) => None,
        })
        .collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(models_by_id(&state.db, &ids)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}

/// The catalog's checks of one line: a known model or category (agreeing when both are
/// given), not a battery (those need chemistry: quote them with `requestQuote`), a
/// weight for categories priced by kg, an IMEI's check digit for phones.
fn against_catalog(
    line: AssetLine,
    snapshot: &CatalogSnapshot,
    models: &HashMap<Uuid, device_model::Model>,
) -> Result<Checked, LineIssue> {
    let n = line.line;
    let (code, model_id) = match &line.subject {
        ItemSubject::Model { id, category_code } => {
            let model = models
                .get(id)
                .ok_or_else(|| LineIssue::new(n, "deviceModelId", "unknown device model"))?;
            if category_code
                .as_ref()
                .is_some_and(|c| *c != model.category_code)
            {
                return Err(LineIssue::new(
                    n,
                    "categoryCode",
                    format!(
                        "does not match the model's category {}",
                        model.category_code
                    ),
                ));
            }
            (model.category_code.clone(), Some(*id))
        }
        ItemSubject::Category(code) => (code.clone(), None),
    };
    let category = snapshot
        .category(&code)
        .ok_or_else(|| LineIssue::new(n, "categoryCode", "unknown category"))?;
    if is_battery_category(category) {
        return Err(LineIssue::new(
            n,
            "categoryCode",
            "batteries need their chemistry: quote them with requestQuote",
        ));
    }
    if category.pricing_unit == "KG" && line.weight_kg.is_none() {
        return Err(LineIssue::new(
            n,
            "weightKg",
            "is required for items priced by weight",
        ));
    }
    let serial = line
        .serial
        .as_deref()
        .map(|raw| check_serial(raw, &code))
        .transpose()
        .map_err(|e| LineIssue::new(n, "serialNumber", e.0))?
        .map(|s| s.as_str().to_owned());
    Ok(Checked {
        line,
        category_code: code,
        model_id,
        serial,
    })
}

/// A warning for each line whose serial is on the blocklist (it will be collected, not
/// paid for). Checks at import are not recorded: the quote made from the list records
/// them.
async fn blocklisted(state: &AppState, lines: &[Checked]) -> AppResult<Vec<LineIssue>> {
    let serials: Vec<Option<&str>> = lines.iter().map(|c| c.serial.as_deref()).collect();
    let listings = listings_of(
        &state.db,
        &state.server_key,
        &serials,
        None,
        state.clock.now(),
    )
    .await?;
    Ok(lines
        .iter()
        .zip(listings)
        .filter_map(|(c, listed)| {
            listed.map(|listed| {
                LineIssue::new(
                    c.line.line,
                    "serialNumber",
                    format!(
                        "this device is reported {}: it will be collected but not paid for",
                        listed.reason
                    ),
                )
            })
        })
        .collect())
}

/// Rows per INSERT: 13 columns × 200 rows stays far below both backends' limits.
const ROWS_PER_INSERT: usize = 200;

async fn store(
    state: &AppState,
    owner: AssetOwner,
    name: Option<String>,
    lines: &[Checked],
) -> AppResult<asset_list::Model> {
    let now = state.clock.now();
    let (organization_id, owner_user_id, partner_id) = match owner {
        AssetOwner::Business {
            user_id,
            organization_id,
        } => (Some(organization_id), Some(user_id), None),
        AssetOwner::Partner { partner_id } => (None, None, Some(partner_id)),
    };
    let list = asset_list::Model {
        id: Uuid::now_v7(),
        organization_id,
        owner_user_id,
        partner_id,
        name,
        line_count: i32::try_from(lines.len()).map_err(anyhow::Error::from)?,
        created_at: now,
    };
    let rows: Vec<asset::ActiveModel> = lines
        .iter()
        .map(|c| {
            asset::Model {
                id: Uuid::now_v7(),
                asset_list_id: list.id,
                organization_id,
                partner_id,
                line_number: i32::try_from(c.line.line).unwrap_or(i32::MAX),
                category_code: c.category_code.clone(),
                device_model_id: c.model_id,
                serial_number: c.serial.clone(),
                asset_tag: c.line.asset_tag.clone(),
                condition: c.line.condition.map(|c| c.as_str().to_owned()),
                weight_kg: c.line.weight_kg.map(DbDecimal),
                created_at: now,
            }
            .into_active_model()
        })
        .collect();
    let txn = state.begin_write().await?;
    asset_list::Entity::insert(list.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        asset::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(list)
}
