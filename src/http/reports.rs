//! `GET /reports/traceability.csv?from=&to=`: the battery custody events of a period for
//! the national traceability platform, as CSV (operators, with a bearer token as for
//! `/graphql`). The first page is read before answering, so a bad request or a database
//! outage still gets its status; the rest streams.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono_tz::Tz;
use futures_util::{Stream, StreamExt, stream};
use sea_orm::DatabaseConnection;

use super::HttpContext;
use super::auth::{Refusal, authenticate};
use super::responses::json_error;
use crate::domain::Role;
use crate::domain::compliance::ReportPeriod;
use crate::error::AppError;
use crate::services::compliance::traceability;

/// The CSV of battery custody events from `from` to `to`.
pub async fn traceability_csv(
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
    if let Err(err) = viewer.require_role(&[Role::Operator]) {
        return error(err);
    }
    let tz = state.config.compliance.rules.time_zone;
    let period = match ReportPeriod::parse(
        query.get("from").map(String::as_str),
        query.get("to").map(String::as_str),
        tz,
    ) {
        Ok(period) => period,
        Err(bad) => return error(AppError::validation(bad.field, bad.message)),
    };
    let first = match traceability::page(&state.db, period, tz, None, traceability::PAGE).await {
        Ok((rows, next)) => match traceability::encode(&rows, true) {
            Ok(bytes) => (web::Bytes::from(bytes), next),
            Err(err) => return error(err),
        },
        Err(err) => return error(err),
    };
    let rest = later_pages(state.db.clone(), period, tz, first.1);
    let name = format!(
        "attachment; filename=\"traceability-{}-{}.csv\"",
        period.from.format("%Y%m%dT%H%M%SZ"),
        period.to.format("%Y%m%dT%H%M%SZ")
    );
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, name))
        .streaming(stream::once(async move { Ok::<_, actix_web::Error>(first.0) }).chain(rest))
}

/// The pages after the first, encoded as they are read; an error ends the body early
/// (the status is already sent), and is logged.
fn later_pages(
    db: DatabaseConnection,
    period: ReportPeriod,
    tz: Tz,
    cursor: Option<traceability::Cursor>,
) -> impl Stream<Item = Result<web::Bytes, actix_web::Error>> {
    stream::unfold(cursor, move |cursor| {
        let db = db.clone();
        async move {
            let cursor = cursor?;
            let page = traceability::page(&db, period, tz, Some(cursor), traceability::PAGE).await;
            match page.and_then(|(rows, next)| Ok((traceability::encode(&rows, false)?, next))) {
                Ok((bytes, next)) => Some((Ok(web::Bytes::from(bytes)), next)),
                Err(err) => {
                    tracing::error!(error = ?err.into_anyhow(), "streaming the traceability export");
                    let cut =
                        actix_web::error::ErrorInternalServerError("the export was cut short");
                    Some((Err(cut), None))
                }
            }
        }
    })
}

/// An error of this export as a JSON answer.
fn error(err: AppError) -> HttpResponse {
    json_error(err, "the traceability export")
}
