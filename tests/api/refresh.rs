//! Refresh-token rotation, reuse detection, logout, and racing refreshes.

use serde_json::json;

use crate::helpers::{REFRESH, error_code, spawn_app};

const LOGOUT: &str = "mutation($t: String!) { logout(refreshToken: $t) }";

#[tokio::test]
async fn a_refresh_token_rotates_and_works_once() {
    let app = spawn_app().await;
    let user = app.register("HOUSEHOLD").await;
    let first = app.gql(None, REFRESH, json!({"t": user.refresh})).await;
    let rotated = first["data"]["refreshToken"]["refreshToken"]
        .as_str()
        .expect("new token")
        .to_owned();
    assert_ne!(rotated, user.refresh);
    assert_eq!(first["data"]["refreshToken"]["user"]["id"], user.id);

    let second = app.gql(None, REFRESH, json!({"t": rotated})).await;
    assert!(second["data"]["refreshToken"].is_object(), "{second}");
}

#[tokio::test]
async fn reusing_a_rotated_token_revokes_the_whole_family() {
    let app = spawn_app().await;
    let user = app.register("HOUSEHOLD").await;
    let first = app.gql(None, REFRESH, json!({"t": user.refresh})).await;
    let rotated = first["data"]["refreshToken"]["refreshToken"]
        .as_str()
        .expect("new token")
        .to_owned();

    let reuse = app.gql(None, REFRESH, json!({"t": user.refresh})).await;
    assert_eq!(error_code(&reuse), Some("UNAUTHENTICATED"));
    // The thief's replay also killed the legitimate successor.
    let successor = app.gql(None, REFRESH, json!({"t": rotated})).await;
    assert_eq!(
        error_code(&successor),
        Some("UNAUTHENTICATED"),
        "{successor}"
    );
}

#[tokio::test]
async fn two_concurrent_refreshes_of_one_token_have_exactly_one_winner() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let user = app.register("HOUSEHOLD").await;
        let (a, b) = tokio::join!(
            app.gql(None, REFRESH, json!({"t": user.refresh})),
            app.gql(None, REFRESH, json!({"t": user.refresh}))
        );
        let wins = [&a, &b]
            .iter()
            .filter(|r| r["data"]["refreshToken"].is_object())
            .count();
        let losses = [&a, &b]
            .iter()
            .filter(|r| error_code(r) == Some("UNAUTHENTICATED"))
            .count();
        assert_eq!((wins, losses), (1, 1), "{a} {b}");
    }
}

#[tokio::test]
async fn many_concurrent_refreshes_of_one_token_have_exactly_one_winner() {
    let app = spawn_app().await;
    let user = app.register("HOUSEHOLD").await;
    let attempts = (0..12).map(|_| app.gql(None, REFRESH, json!({"t": user.refresh})));
    let results = futures_util::future::join_all(attempts).await;
    let wins = results
        .iter()
        .filter(|r| r["data"]["refreshToken"].is_object())
        .count();
    let losses = results
        .iter()
        .filter(|r| error_code(r) == Some("UNAUTHENTICATED"))
        .count();
    assert_eq!((wins, losses), (1, 11), "{results:?}");
}

#[tokio::test]
async fn logout_ends_the_session_and_is_idempotent() {
    let app = spawn_app().await;
    let user = app.register("HOUSEHOLD").await;
    let out = app.gql(None, LOGOUT, json!({"t": user.refresh})).await;
    assert_eq!(out["data"]["logout"], true);
    let again = app.gql(None, LOGOUT, json!({"t": user.refresh})).await;
    assert_eq!(again["data"]["logout"], false);
    let refresh = app.gql(None, REFRESH, json!({"t": user.refresh})).await;
    assert_eq!(error_code(&refresh), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn an_unknown_or_expired_refresh_token_is_unauthenticated() {
    let app = spawn_app().await;
    let unknown = app.gql(None, REFRESH, json!({"t": "rt_nonsense"})).await;
    assert_eq!(error_code(&unknown), Some("UNAUTHENTICATED"));

    let user = app.register("HOUSEHOLD").await;
    app.clock.advance(chrono::Duration::days(31));
    let expired = app.gql(None, REFRESH, json!({"t": user.refresh})).await;
    assert_eq!(error_code(&expired), Some("UNAUTHENTICATED"), "{expired}");
}
