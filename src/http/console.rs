//! The operator console at `/console`: static HTML, CSS and JavaScript modules from the
//! `console/` folder, embedded at build time and served like GraphiQL (src/http/graphiql.rs):
//! the page itself is never cached, its files live under a URL that names a hash of their
//! contents and are cached forever, and a strict Content-Security-Policy forbids inline
//! scripts and every origin but this server. The console is one more client of the public
//! GraphQL API: this module serves files and nothing else.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

/// One embedded file, by its path under `console/`.
struct Asset {
    path: &'static str,
    bytes: &'static [u8],
}

/// Embeds `console/<path>`; a missing file is a build error, not a 404 in production.
macro_rules! assets {
    ($($path:literal),* $(,)?) => {
        &[$(Asset { path: $path, bytes: include_bytes!(concat!("../../console/", $path)) }),*]
    };
}

/// Every file of the console but `index.html` (tests/api/console checks none is left out).
const ASSETS: &[Asset] = assets![
    "app.js",
    "style.css",
    "favicon.svg",
    "README.md",
    "lib/api.js",
    "lib/charts.js",
    "lib/dom.js",
    "lib/format.js",
    "lib/map.js",
    "lib/ws.js",
    "pages/board.js",
    "pages/collector.js",
    "pages/collectors.js",
    "pages/compliance.js",
    "pages/facilities.js",
    "pages/order.js",
    "pages/orders.js",
    "pages/reports.js",
    "pages/signin.js",
];

/// The page, with `{{ASSETS}}` standing for the versioned folder of its files.
const INDEX: &str = include_str!("../../console/index.html");

/// A hash of every file: a change to any of them moves them all to a new URL, so a
/// browser never mixes a cached old module with a new one.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut hash = Sha256::new();
    for asset in ASSETS {
        hash.update(asset.path.as_bytes());
        hash.update((asset.bytes.len() as u64).to_le_bytes());
        hash.update(asset.bytes);
    }
    hash.finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
});

/// The page with its asset folder filled in, made once.
static PAGE: LazyLock<String> =
    LazyLock::new(|| INDEX.replace("{{ASSETS}}", &format!("/console/assets/{}", *VERSION)));

/// Scripts only from this server, no inline script or style, and connections (HTTP and,
/// as CSP Level 3 defines `'self'`, WebSocket) only to this origin.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

/// `GET /console`: the single page (its sections are `#/…` routes inside it).
pub async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, POLICY))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .body(PAGE.as_str())
}

/// `GET /console/assets/{version}/{path}`: an embedded file, cached for good; 404 for any
/// other version (an old page asking for files that are gone) or path.
pub async fn asset(path: web::Path<(String, String)>) -> HttpResponse {
    let (version, path) = path.into_inner();
    match ASSETS.iter().find(|a| a.path == path) {
        Some(asset) if version == *VERSION => HttpResponse::Ok()
            .content_type(content_type(asset.path))
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .insert_header((header::CONTENT_SECURITY_POLICY, POLICY))
            .body(asset.bytes),
        _ => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body("no such console file\n"),
    }
}

/// The media type of a console file, by its extension (module scripts need a JavaScript
/// type, or the browser refuses them under `nosniff`).
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("md") => "text/markdown; charset=utf-8",
        Some("txt") | Some("LICENSE") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
