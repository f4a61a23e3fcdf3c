//! Public custody endpoints: certificates by id (JSON, or HTML for a browser), the
//! server's signing key, and the latest signed checkpoints.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;
use uuid::Uuid;

use super::HttpContext;
use crate::error::{AppError, UNAVAILABLE_RETRY_AFTER_SECS};
use crate::services::ledger::{certificates, checkpoints};

/// How many checkpoints `/custody/checkpoints` lists.
const CHECKPOINTS_LISTED: u64 = 20;

/// `GET /certificates/{id}`: `{payload, signature, keyId}`, or a readable page when the
/// client prefers HTML. Anyone holding the id may fetch it.
pub async fn certificate(
    app: web::Data<HttpContext>,
    request: HttpRequest,
    id: web::Path<String>,
) -> HttpResponse {
    let Ok(id) = Uuid::parse_str(&id) else {
        return error(AppError::NotFound("certificate"));
    };
    let found = match certificates::find(&app.state.db, id).await {
        Ok(Some(found)) => found,
        Ok(None) => return error(AppError::NotFound("certificate")),
        Err(err) => return error(err),
    };
    if wants_html(&request) {
        return HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(certificate_page(
                &found.payload,
                &found.signature,
                &found.key_id,
            ));
    }
    HttpResponse::Ok().json(
        json!({"payload": found.payload, "signature": found.signature, "keyId": found.key_id}),
    )
}

/// `GET /.well-known/reloop-signing-key`: the public key that signs custody events,
/// checkpoints and certificates.
pub async fn signing_key(app: web::Data<HttpContext>) -> HttpResponse {
    let key = &app.state.server_key;
    HttpResponse::Ok().json(
        json!({"alg": "Ed25519", "publicKey": key.public_key_base64(), "keyId": key.key_id()}),
    )
}

/// `GET /custody/checkpoints`: the latest signed checkpoints, newest first.
pub async fn checkpoint_list(app: web::Data<HttpContext>) -> HttpResponse {
    match checkpoints::recent(&app.state.db, CHECKPOINTS_LISTED).await {
        Ok(rows) => HttpResponse::Ok().json(json!({
            "checkpoints": rows.into_iter().map(|c| json!({
                "number": c.number, "origin": c.origin, "treeSize": c.tree_size, "events": c.events,
                "rootHash": c.root_hash, "issuedAt": c.issued_at, "keyId": c.key_id, "note": c.note,
            })).collect::<Vec<_>>()
        })),
        Err(err) => error(err),
    }
}

fn wants_html(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

fn error(err: AppError) -> HttpResponse {
    let status = match &err {
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let mut response = HttpResponse::build(status);
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.insert_header((
            header::RETRY_AFTER,
            UNAVAILABLE_RETRY_AFTER_SECS.to_string(),
        ));
    }
    response
        .json(json!({"errors": [{"message": err.message(), "extensions": {"code": err.code()}}]}))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A plain page: the items and outcomes, then the signed text and how to check it.
fn certificate_page(payload: &str, signature: &str, key_id: &str) -> String {
    let document: serde_json::Value = serde_json::from_str(payload).unwrap_or_default();
    let text = |v: &serde_json::Value| escape(v.as_str().unwrap_or("—"));
    let rows: String = document["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| {
                    format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        text(&item["description"]),
                        text(&item["serialNumber"]).replace('—', &text(&item["traceCode"])),
                        text(&item["status"]),
                        text(&item["outcome"]),
                        text(&item["facility"]["name"]),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Certificate of recycling {number}</title></head>\
         <body><h1>Certificate of recycling</h1><p>Order {number}, issued {issued}.</p>\
         <table><thead><tr><th>Item</th><th>Serial / trace code</th><th>Status</th><th>Outcome</th><th>Facility</th></tr></thead><tbody>{rows}</tbody></table>\
         <h2>Signed document</h2><pre>{payload}</pre><p>Ed25519 signature (base64, key {key_id}, see <a href=\"/.well-known/reloop-signing-key\">the public key</a>):</p><pre>{signature}</pre></body></html>",
        number = text(&document["orderNumber"]),
        issued = text(&document["issuedAt"]),
        payload = escape(payload),
        key_id = escape(key_id),
        signature = escape(signature),
    )
}
