//! `GET /reports/collection.csv?from=&to=&groupBy=CATEGORY,AREA`: the collection report
//! as CSV, with the credentials of `/graphql` (Bearer token or `X-Api-Key` with
//! ORDERS_READ) and the same scope and rows as `collectionReport`. The query is checked
//! and its first chunk read before answering, so a bad request or an outage still gets
//! its status; the rest streams.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use futures_util::{StreamExt, stream};
use uuid::Uuid;

use super::HttpContext;
use super::auth::{Refusal, authenticate};
use super::responses::json_error;
use crate::domain::report::{Dimension, ReportRequest};
use crate::error::{AppError, AppResult};
use crate::services::reports::{ReportFilter, ReportScope, csv};

fn instant(query: &HashMap<String, String>, field: &'static str) -> AppResult<DateTime<Utc>> {
    let raw = query
        .get(field)
        .ok_or_else(|| AppError::validation(field, "is required (RFC 3339)"))?;
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| AppError::validation(field, "must be an RFC 3339 time"))
}

fn dimensions(raw: Option<&String>) -> AppResult<Vec<Dimension>> {
    let raw = raw.map(String::as_str).unwrap_or_default();
    raw.split(',')
        .filter(|name| !name.trim().is_empty())
        .map(|name| {
            let name = name.trim();
            Dimension::ALL
                .into_iter()
                .find(|d| d.as_str() == name)
                .ok_or_else(|| {
                    AppError::validation(
                        "groupBy",
                        format!(
                            "{name:?} is not one of CATEGORY, AREA, COLLECTOR, FACILITY, DAY, MONTH"
                        ),
                    )
                })
        })
        .collect()
}

fn id(query: &HashMap<String, String>, field: &'static str) -> AppResult<Option<Uuid>> {
    query
        .get(field)
        .map(|raw| Uuid::parse_str(raw).map_err(|_| AppError::validation(field, "is not an id")))
        .transpose()
}

/// The request, parsed and checked as `collectionReport` does.
fn parse(
    app: &HttpContext,
    query: &HashMap<String, String>,
) -> AppResult<(ReportRequest, ReportFilter)> {
    let settings = &app.state.config.reports;
    let request = ReportRequest::parse(
        instant(query, "from")?,
        instant(query, "to")?,
        dimensions(query.get("groupBy"))?,
        settings.time_zone,
        settings.max_days_by_day,
    )
    .map_err(|bad| AppError::validation(bad.field, bad.message))?;
    let filter = ReportFilter {
        category: query.get("category").cloned(),
        area: id(query, "areaId")?,
        partner: id(query, "partnerId")?,
    };
    Ok((request, filter))
}

/// The CSV of the collection report.
pub async fn collection_csv(
    app: web::Data<HttpContext>,
    request: HttpRequest,
    query: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    let state = &app.state;
    let header_value = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    let viewer = match authenticate(
        state,
        header_value("x-api-key"),
        header_value("authorization"),
    )
    .await
    {
        Ok((viewer, _)) => viewer,
        Err(Refusal::Invalid(message)) => return error(AppError::Unauthenticated(message)),
        Err(Refusal::Unchecked(err)) => return error(err),
    };
    let scope = match ReportScope::of(&state.db, viewer).await {
        Ok(scope) => scope,
        Err(err) => return error(err),
    };
    let (report, filter) = match parse(&app, &query) {
        Ok(parsed) => parsed,
        Err(err) => return error(err),
    };
    let name = format!(
        "attachment; filename=\"collection-{}-{}.csv\"",
        report.from.format("%Y%m%dT%H%M%SZ"),
        report.to.format("%Y%m%dT%H%M%SZ")
    );
    let mut chunks = match csv::export(state.db.clone(), report, scope, filter) {
        Ok(chunks) => chunks,
        Err(err) => return error(err),
    };
    let first = match chunks.recv().await {
        Some(Ok(bytes)) => web::Bytes::from(bytes),
        Some(Err(err)) => return error(err),
        None => {
            return error(AppError::Internal(anyhow::anyhow!(
                "the export ended early"
            )));
        }
    };
    let rest = stream::unfold(chunks, |mut chunks| async move {
        match chunks.recv().await? {
            Ok(bytes) => Some((Ok(web::Bytes::from(bytes)), chunks)),
            Err(err) => {
                tracing::error!(error = ?err.into_anyhow(), "streaming the collection report");
                let cut = actix_web::error::ErrorInternalServerError("the export was cut short");
                Some((Err(cut), chunks))
            }
        }
    });
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, name))
        .streaming(stream::once(async move { Ok::<_, actix_web::Error>(first) }).chain(rest))
}

/// An error of this export as a JSON answer.
fn error(err: AppError) -> HttpResponse {
    json_error(err, "the collection report export")
}
