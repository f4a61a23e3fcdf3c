//! `POST /assets/import` (CSV body; the same import and answer as `importAssetList`) and
//! `GET /reports/assets.csv` (the per-asset disposition report as CSV, the same rows as
//! `organizationAssets`), both with the credentials of `/graphql` (Bearer token, or
//! `X-Api-Key`: QUOTES_WRITE to import, ORDERS_READ to export).

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::{StreamExt, stream};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use uuid::Uuid;

use super::HttpContext;
use super::auth::{Refusal, authenticate};
use super::responses::json_error;
use crate::domain::asset_list::LineIssue;
use crate::error::AppError;
use crate::services::Viewer;
use crate::services::assets::{
    self, AssetCursor, AssetScope, ImportOutcome, ImportRequest, ImportSource,
};

/// Largest CSV body `POST /assets/import` reads: 2,000 lines of ~100 bytes with room.
pub const MAX_IMPORT_BYTES: usize = 1024 * 1024;

async fn viewer_of(app: &HttpContext, request: &HttpRequest) -> Result<Viewer, AppError> {
    let header_value = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    match authenticate(
        &app.state,
        header_value("x-api-key"),
        header_value("authorization"),
    )
    .await
    {
        Ok((viewer, _)) => Ok(viewer),
        Err(Refusal::Invalid(message)) => Err(AppError::Unauthenticated(message)),
        Err(Refusal::Unchecked(err)) => Err(err),
    }
}

fn issues(list: Vec<LineIssue>) -> Vec<Value> {
    list.into_iter()
        .map(|i| json!({"line": i.line, "field": i.field, "message": i.message}))
        .collect()
}

/// The import's answer, shaped as `importAssetList`'s `AssetImport`.
fn answer(outcome: ImportOutcome) -> Value {
    json!({
        "assetList": outcome.list.map(|l| json!({
            "id": l.id, "name": l.name, "lineCount": l.line_count,
            "createdAt": l.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })),
        "imported": outcome.imported,
        "errors": issues(outcome.errors),
        "warnings": issues(outcome.warnings),
    })
}

/// Imports the CSV body as an asset list; `?name=` names it, `?importValidLines=true`
/// imports the valid lines when others are invalid.
pub async fn import(
    app: web::Data<HttpContext>,
    request: HttpRequest,
    query: web::Query<HashMap<String, String>>,
    body: web::Bytes,
) -> HttpResponse {
    let viewer = match viewer_of(&app, &request).await {
        Ok(viewer) => viewer,
        Err(err) => return json_error(err, "the asset import"),
    };
    let Ok(text) = String::from_utf8(body.to_vec()) else {
        return json_error(
            AppError::validation("body", "must be UTF-8 CSV text"),
            "the asset import",
        );
    };
    let import_valid_lines = match query.get("importValidLines").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return json_error(
                AppError::validation("importValidLines", "must be true or false"),
                "the asset import",
            );
        }
    };
    let request = ImportRequest {
        name: query.get("name").cloned().filter(|n| !n.trim().is_empty()),
        source: ImportSource::Csv(text),
        import_valid_lines,
    };
    match assets::import_assets(&app.state, viewer, request).await {
        Ok(outcome) => HttpResponse::Ok().json(answer(outcome)),
        Err(err) => json_error(err, "the asset import"),
    }
}

/// The disposition report as CSV; `?assetListId=` narrows it to one list. The first page
/// is read before answering, so a refusal or an outage still gets its status; the rest
/// streams page by page.
pub async fn report_csv(
    app: web::Data<HttpContext>,
    request: HttpRequest,
    query: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    let error = |err| json_error(err, "the asset report export");
    let viewer = match viewer_of(&app, &request).await {
        Ok(viewer) => viewer,
        Err(err) => return error(err),
    };
    let scope = match AssetScope::of(&app.state.db, viewer).await {
        Ok(scope) => scope,
        Err(err) => return error(err),
    };
    let list = match query.get("assetListId").map(|raw| Uuid::parse_str(raw)) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return error(AppError::validation("assetListId", "is not an id")),
    };
    let db = app.state.db.clone();
    let (first, next) = match assets::export_csv(&db, scope, list, None).await {
        Ok(chunk) => chunk,
        Err(err) => return error(err),
    };
    let rest = later_pages(db, scope, list, next);
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"assets.csv\"",
        ))
        .streaming(
            stream::once(async move { Ok::<_, actix_web::Error>(web::Bytes::from(first)) })
                .chain(rest),
        )
}

/// The pages after the first; an error ends the body early (the status is sent) and is
/// logged.
fn later_pages(
    db: DatabaseConnection,
    scope: AssetScope,
    list: Option<Uuid>,
    cursor: Option<AssetCursor>,
) -> impl futures_util::Stream<Item = Result<web::Bytes, actix_web::Error>> {
    stream::unfold(cursor, move |cursor| {
        let db = db.clone();
        async move {
            let cursor = cursor?;
            match assets::export_csv(&db, scope, list, Some(cursor)).await {
                Ok((bytes, next)) => Some((Ok(web::Bytes::from(bytes)), next)),
                Err(err) => {
                    tracing::error!(error = ?err.into_anyhow(), "streaming the asset report");
                    let cut =
                        actix_web::error::ErrorInternalServerError("the export was cut short");
                    Some((Err(cut), None))
                }
            }
        }
    })
}
