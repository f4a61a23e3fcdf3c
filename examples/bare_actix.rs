//! Bare actix-web baseline for `scripts/bench.sh`: `POST /json` answers a fixed, GraphQL-sized JSON document.

use actix_web::{App, HttpResponse, HttpServer, web};
use serde::Serialize;

const CATEGORIES: [(&str, &str); 12] = [
    ("SMARTPHONE", "Smartphone"),
    ("LAPTOP", "Laptop"),
    ("TABLET", "Tablet"),
    ("DESKTOP", "Desktop computer"),
    ("MONITOR", "Monitor"),
    ("PRINTER", "Printer"),
    ("TELEVISION", "Television"),
    ("CAMERA", "Camera"),
    ("HEADPHONES", "Headphones"),
    ("CONSOLE", "Game console"),
    ("SMARTWATCH", "Smartwatch"),
    ("ROUTER", "Router"),
];

#[derive(Serialize)]
struct Category {
    code: &'static str,
    name: &'static str,
}

#[derive(Serialize)]
struct Data {
    categories: Vec<Category>,
}

#[derive(Serialize)]
struct Response {
    data: Data,
}

/// Parses the body as JSON (like a GraphQL request), builds the answer and serializes it per request.
async fn json(_request: web::Json<serde_json::Value>) -> HttpResponse {
    let categories = CATEGORIES
        .iter()
        .map(|&(code, name)| Category { code, name })
        .collect();
    HttpResponse::Ok().json(Response {
        data: Data { categories },
    })
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::var("BARE_BIND").unwrap_or_else(|_| "127.0.0.1:8099".to_owned());
    // Workers: actix's default, one per core, as in the reloop server.
    HttpServer::new(|| App::new().route("/json", web::post().to(json)))
        .bind(&bind)?
        .run()
        .await
}
