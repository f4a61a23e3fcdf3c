//! `consoleSettings`: what the console reads of the server's configuration (map tiles
//! under the dispatch map, off by default), for operators only; the page's policy lets
//! images come from the tile server only when tiles are on; a tile URL the console could
//! not use stops the server at start-up.

use reloop::config::ConsoleSettings;
use serde_json::json;

use crate::helpers::{error_code, spawn_app, spawn_app_with};

const SETTINGS: &str = "{ consoleSettings { mapTileUrl mapTileAttribution } }";
const TILES: &str = "https://tile.example.org:8443/osm/{z}/{x}/{y}.png";
const ATTRIBUTION: &str = "© OpenStreetMap contributors";

/// The `Content-Security-Policy` of `/console`.
async fn console_policy(app: &crate::helpers::TestApp) -> String {
    let page = app
        .http
        .get(format!("{}/console", app.address))
        .send()
        .await
        .expect("sent");
    page.headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn console_settings_have_no_map_tiles_by_default_and_are_for_operators_only() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let answer = app.gql(Some(&operator.access), SETTINGS, json!({})).await;
    assert_eq!(
        answer["data"]["consoleSettings"],
        json!({"mapTileUrl": null, "mapTileAttribution": null}),
        "{answer}"
    );
    let policy = console_policy(&app).await;
    assert!(policy.contains("img-src 'self' data:;"), "{policy}");

    let anonymous = app.gql(None, SETTINGS, json!({})).await;
    assert_eq!(
        error_code(&anonymous),
        Some("UNAUTHENTICATED"),
        "{anonymous}"
    );
    for role in ["HOUSEHOLD", "COLLECTOR"] {
        let someone = app.register(role).await;
        let answer = app.gql(Some(&someone.access), SETTINGS, json!({})).await;
        assert_eq!(error_code(&answer), Some("FORBIDDEN"), "{role}: {answer}");
    }
}

#[tokio::test]
async fn console_settings_give_operators_the_configured_map_tiles_and_the_policy_allows_them() {
    let app = spawn_app_with(|config| {
        config.console =
            ConsoleSettings::from_values(Some(TILES), Some(ATTRIBUTION)).expect("valid settings");
    })
    .await;
    let operator = app.operator().await;
    let answer = app.gql(Some(&operator.access), SETTINGS, json!({})).await;
    assert_eq!(
        answer["data"]["consoleSettings"],
        json!({"mapTileUrl": TILES, "mapTileAttribution": ATTRIBUTION}),
        "{answer}"
    );
    let policy = console_policy(&app).await;
    assert!(
        policy.contains("img-src 'self' data: https://tile.example.org:8443;"),
        "{policy}"
    );
    assert!(policy.contains("connect-src 'self';"), "{policy}");
}

#[tokio::test]
async fn a_map_tile_url_the_console_cannot_use_stops_the_server_at_start_up() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    for (url, reason) in [
        ("ftp://tile.example.org/{z}/{x}/{y}.png", "http or https"),
        ("https://tile.example.org/{z}/{x}.png", "must contain {y}"),
        (
            "https://{s}.tile.example.org/{z}/{x}/{y}.png",
            "no variable",
        ),
    ] {
        let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_reloop"))
            .arg("migrate")
            .env("RELOOP_DATA_DIR", data_dir.path())
            .env("RELOOP_MAP_TILE_URL", url)
            .env_remove("DATABASE_URL")
            .env_remove("REDIS_URL")
            .output()
            .await
            .expect("run reloop");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{url} was accepted");
        assert!(
            stderr.contains(&format!("RELOOP_MAP_TILE_URL={url:?}")) && stderr.contains(reason),
            "{url}: {stderr}"
        );
    }
    // Stopped before opening anything: no database file was made.
    assert!(!data_dir.path().join("reloop.db").exists());
}
