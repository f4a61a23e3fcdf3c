//! GraphiQL for browsers that open `GET /graphql`, served whole from the binary: the page,
//! its pinned scripts and styles (`assets/graphiql/`, whose README gives versions, sources
//! and licences) and the few lines that start it. Nothing comes from a CDN, so the page works
//! offline, and its Content-Security-Policy keeps it that way.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

/// The versions in the assets' URLs (`/graphiql/<this>/…`): a new version is a new URL,
/// so browsers may cache each one forever.
pub const ASSETS_VERSION: &str = "graphiql-4.1.2-react-18.3.1";

/// One embedded file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

/// Every file under `/graphiql/<ASSETS_VERSION>/`.
const ASSETS: &[Asset] = &[
    Asset {
        name: "react.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/react.production.min.js"),
    },
    Asset {
        name: "react-dom.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    },
    Asset {
        name: "graphiql.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/graphiql.min.js"),
    },
    Asset {
        name: "graphiql.min.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/graphiql.min.css"),
    },
    Asset {
        name: "start.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: START.as_bytes(),
    },
    Asset {
        name: "LICENSE.graphiql",
        content_type: "text/plain; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/LICENSE.graphiql"),
    },
    Asset {
        name: "LICENSE.react",
        content_type: "text/plain; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/LICENSE.react"),
    },
    Asset {
        name: "LICENSE.react-dom",
        content_type: "text/plain; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/LICENSE.react-dom"),
    },
    Asset {
        name: "README.md",
        content_type: "text/markdown; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/README.md"),
    },
];

/// Starts GraphiQL on `/graphql` for queries and (as a WebSocket) subscriptions. A file,
/// not an inline script, so the page's policy can forbid inline scripts.
const START: &str = r##""use strict";
const endpoint = new URL("/graphql", window.location.origin);
const subscriptions = new URL(endpoint);
subscriptions.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({
      url: endpoint.toString(),
      subscriptionUrl: subscriptions.toString(),
      fetch: (url, options = {}) => fetch(url, { ...options, credentials: "same-origin" }),
    }),
    defaultEditorToolsVisibility: true,
    defaultQuery: "# The Docs icon (top left) lists every type and field.\n# Signed in? Headers: {\"Authorization\": \"Bearer …\"}\n\n{\n  categories {\n    code\n    name\n  }\n}\n",
  }),
);
"##;

/// Only this server's own files, its API and its WebSocket: a page that tried to load
/// anything from elsewhere would be blocked (GraphiQL sets inline styles, hence that one
/// allowance).
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; \
    base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The GraphiQL page.
pub fn page() -> HttpResponse {
    let asset = |name: &str| format!("/graphiql/{ASSETS_VERSION}/{name}");
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="robots" content="noindex">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>reloop GraphiQL</title>
    <link rel="stylesheet" href="{css}">
    <link rel="license" href="{licence}">
    <style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="{react}"></script>
    <script src="{react_dom}"></script>
    <script src="{graphiql}"></script>
    <script src="{start}"></script>
  </body>
</html>
"#,
        css = asset("graphiql.min.css"),
        licence = asset("README.md"),
        react = asset("react.production.min.js"),
        react_dom = asset("react-dom.production.min.js"),
        graphiql = asset("graphiql.min.js"),
        start = asset("start.js"),
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, POLICY))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(html)
}

/// `GET /graphiql/{version}/{file}`: an embedded file, cached for good (its URL names its
/// version); 404 for anything else.
pub async fn asset(path: web::Path<(String, String)>) -> HttpResponse {
    let (version, name) = path.into_inner();
    match ASSETS.iter().find(|a| a.name == name) {
        Some(asset) if version == ASSETS_VERSION => HttpResponse::Ok()
            .content_type(asset.content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(asset.bytes),
        _ => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("no such GraphiQL file\n"),
    }
}
