//! Access tokens: expired, tampered, foreign and wrong-audience tokens are refused.

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TEST_JWT_SECRET, TestApp, error_code, spawn_app};

fn forge(claims: Value, secret: &str, algorithm: Algorithm) -> String {
    encode(
        &Header::new(algorithm),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("encode")
}

/// The same token with its payload's role changed to OPERATOR, signature untouched.
fn escalate_role(token: &str) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = token.split('.').collect();
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("b64")).expect("json");
    payload["role"] = json!("OPERATOR");
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).expect("json"));
    format!("{}.{}.{}", parts[0], payload, parts[2])
}

fn claims(user_id: &str, aud: &str, iss: &str, exp_offset_secs: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"iss": iss, "aud": aud, "sub": user_id, "role": "HOUSEHOLD", "iat": now, "exp": now + exp_offset_secs})
}

async fn me_status(app: &TestApp, token: &str) -> (StatusCode, Value) {
    let response = app
        .http
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .json(&json!({"query": "{ me { id } }"}))
        .send()
        .await
        .expect("sent");
    let status = response.status();
    (status, response.json().await.expect("json"))
}

#[tokio::test]
async fn a_well_formed_forged_token_with_the_right_secret_is_accepted() {
    // The control case: proves the refusals below are about the one changed claim.
    let app = spawn_app().await;
    let user = app.register("HOUSEHOLD").await;
    let token = forge(
        claims(&user.id, "reloop-api", "reloop", 600),
        TEST_JWT_SECRET,
        Algorithm::HS256,
    );
    let (status, body) = me_status(&app, &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["me"]["id"], user.id);
}

#[tokio::test]
async fn expired_tampered_foreign_and_misaddressed_tokens_are_unauthenticated() {
    let app = spawn_app().await;
    let user = app.register("HOUSEHOLD").await;
    let tampered = escalate_role(&user.access);
    let cases = [
        (
            "expired",
            forge(
                claims(&user.id, "reloop-api", "reloop", -5),
                TEST_JWT_SECRET,
                Algorithm::HS256,
            ),
        ),
        ("tampered", tampered),
        (
            "foreign secret",
            forge(
                claims(&user.id, "reloop-api", "reloop", 600),
                "another-secret-another-secret-another",
                Algorithm::HS256,
            ),
        ),
        (
            "wrong audience",
            forge(
                claims(&user.id, "someone-else", "reloop", 600),
                TEST_JWT_SECRET,
                Algorithm::HS256,
            ),
        ),
        (
            "wrong issuer",
            forge(
                claims(&user.id, "reloop-api", "evil", 600),
                TEST_JWT_SECRET,
                Algorithm::HS256,
            ),
        ),
        (
            "other algorithm",
            forge(
                claims(&user.id, "reloop-api", "reloop", 600),
                TEST_JWT_SECRET,
                Algorithm::HS512,
            ),
        ),
        ("garbage", "not.a.jwt".to_owned()),
    ];
    for (case, token) in cases {
        let (status, body) = me_status(&app, &token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{case}");
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{case}: {body}");
    }
}

#[tokio::test]
async fn an_access_token_expires_after_fifteen_minutes_by_the_app_clock() {
    let app = spawn_app().await;
    let user = app.register("HOUSEHOLD").await;
    assert_eq!(me_status(&app, &user.access).await.0, StatusCode::OK);
    app.clock.advance(chrono::Duration::minutes(16));
    let (status, body) = me_status(&app, &user.access).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
}
