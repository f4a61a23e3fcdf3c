//! The operator console at `/console`: static HTML, CSS and JavaScript modules from the
//! `console/` folder, embedded at build time and served like GraphiQL (src/http/graphiql.rs):
//! the page itself is never cached, its files live under a URL that names a hash of their
//! contents and are cached forever, and a strict Content-Security-Policy forbids inline
//! scripts and every origin but this server (and, when the dispatch map draws tiles, the
//! tile server's origin for images). The console is one more client of the public GraphQL
//! API: this module serves files and nothing else.

use std::borrow::Cow;
use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

use super::HttpContext;
use crate::config::ConsoleSettings;

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
    "lib/projection.js",
    "lib/tiles.js",
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

/// [`POLICY`]'s image sources, which map tiles extend.
const IMG_SRC: &str = "img-src 'self' data:";

/// The page's policy: [`POLICY`], with the tile server's origin among the image sources
/// when the dispatch map draws tiles (and only then: without tiles the page loads nothing
/// from elsewhere). Tiles are images and nothing more, so no other directive opens up.
fn policy(settings: &ConsoleSettings) -> Cow<'static, str> {
    match &settings.map_tiles {
        None => Cow::Borrowed(POLICY),
        // The origin is the URL parser's ASCII serialisation: no space, `;` or `,` that
        // could end the source list or the directive.
        Some(tiles) => {
            Cow::Owned(POLICY.replacen(IMG_SRC, &format!("{IMG_SRC} {}", tiles.url.origin()), 1))
        }
    }
}

/// `GET /console`: the single page (its sections are `#/…` routes inside it).
pub async fn page(context: web::Data<HttpContext>) -> HttpResponse {
    let policy = policy(&context.state.config.console);
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, policy.as_ref()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_tiles_the_policy_is_the_strict_one() {
        let policy = policy(&ConsoleSettings::default());
        assert_eq!(
            policy,
            "default-src 'none'; script-src 'self'; style-src 'self'; \
             img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
             frame-ancestors 'none'"
        );
    }

    #[test]
    fn with_tiles_only_images_may_come_from_the_tile_server() {
        let settings = ConsoleSettings::from_values(
            Some("https://tile.example.org:8443/osm/{z}/{x}/{y}.png?key=k"),
            Some("© OpenStreetMap contributors"),
        )
        .expect("valid");
        let policy = policy(&settings);
        assert_eq!(
            policy,
            "default-src 'none'; script-src 'self'; style-src 'self'; \
             img-src 'self' data: https://tile.example.org:8443; connect-src 'self'; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        );
        assert_eq!(policy.matches("tile.example.org").count(), 1);
    }
}
