//! Registration, login, `me`, and what each rejects.

use serde_json::json;

use crate::helpers::{LOGIN, PASSWORD, REGISTER, account_from, error_code, spawn_app};

const ME: &str = "{ me { id email displayName role collector { verified status vehicle capacityKg certifications rating } } }";

#[tokio::test]
async fn a_household_registers_logs_in_and_reads_itself() {
    let app = spawn_app().await;
    let registered = app.register("HOUSEHOLD").await;

    let login = app
        .gql(
            None,
            LOGIN,
            json!({"email": registered.email.to_uppercase(), "password": PASSWORD}),
        )
        .await;
    let session = account_from(&login["data"]["login"], &registered.email).expect("login works");
    assert_eq!(session.id, registered.id);

    let me = app.gql(Some(&session.access), ME, json!({})).await;
    assert_eq!(me["data"]["me"]["email"], registered.email);
    assert_eq!(me["data"]["me"]["role"], "HOUSEHOLD");
    assert_eq!(me["data"]["me"]["collector"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_collector_starts_unverified_and_offline() {
    let app = spawn_app().await;
    let collector = app.register("COLLECTOR").await;
    let me = app.gql(Some(&collector.access), ME, json!({})).await;
    let profile = &me["data"]["me"]["collector"];
    assert_eq!(profile["verified"], false);
    assert_eq!(profile["status"], "OFFLINE");
    assert_eq!(profile["certifications"], json!([]));
}

#[tokio::test]
async fn anonymous_me_is_null() {
    let app = spawn_app().await;
    let me = app.gql(None, ME, json!({})).await;
    assert_eq!(me, json!({"data": {"me": null}}));
}

#[tokio::test]
async fn wrong_password_and_unknown_email_give_the_same_unauthenticated_error() {
    let app = spawn_app().await;
    let user = app.register("HOUSEHOLD").await;
    let wrong = app
        .gql(
            None,
            LOGIN,
            json!({"email": user.email, "password": "not the password"}),
        )
        .await;
    let unknown = app
        .gql(
            None,
            LOGIN,
            json!({"email": "nobody@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(error_code(&wrong), Some("UNAUTHENTICATED"));
    assert_eq!(error_code(&unknown), Some("UNAUTHENTICATED"));
    assert_eq!(
        wrong["errors"][0]["message"],
        unknown["errors"][0]["message"]
    );
}

#[tokio::test]
async fn a_duplicate_email_is_a_conflict_whatever_its_case() {
    let app = spawn_app().await;
    let user = app.register("HOUSEHOLD").await;
    let again = app
        .gql(
            None,
            REGISTER,
            json!({"input": {"email": user.email.to_uppercase(), "password": PASSWORD, "displayName": "B", "role": "HOUSEHOLD"}}),
        )
        .await;
    assert_eq!(error_code(&again), Some("CONFLICT"), "{again}");
}

#[tokio::test]
async fn concurrent_sign_ups_with_one_email_create_one_account() {
    let app = spawn_app().await;
    let input = json!({"input": {"email": "race@example.com", "password": PASSWORD, "displayName": "R", "role": "HOUSEHOLD"}});
    let attempts = (0..10).map(|_| app.gql(None, REGISTER, input.clone()));
    let results = futures_util::future::join_all(attempts).await;
    let won = results
        .iter()
        .filter(|r| r["data"]["register"].is_object())
        .count();
    let conflicts = results
        .iter()
        .filter(|r| error_code(r) == Some("CONFLICT"))
        .count();
    assert_eq!((won, conflicts), (1, 9), "{results:?}");
}

#[tokio::test]
async fn many_concurrent_sign_ups_all_succeed_without_lock_errors() {
    let app = spawn_app().await;
    let attempts = (0..40).map(|_| app.register("HOUSEHOLD"));
    let accounts = futures_util::future::join_all(attempts).await;
    assert_eq!(accounts.len(), 40);
}

#[tokio::test]
async fn malformed_sign_ups_are_validation_errors_naming_the_field() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"email": "not-an-email", "password": PASSWORD, "displayName": "A", "role": "HOUSEHOLD"}),
            "input.email",
        ),
        (
            json!({"email": "a@example.com", "password": "short", "displayName": "A", "role": "HOUSEHOLD"}),
            "input.password",
        ),
        (
            json!({"email": "a@example.com", "password": PASSWORD, "displayName": "  ", "role": "HOUSEHOLD"}),
            "input.displayName",
        ),
        (
            json!({"email": "a@example.com", "password": PASSWORD, "displayName": "A", "role": "HOUSEHOLD", "phone": "call me"}),
            "input.phone",
        ),
        (
            json!({"email": "a@example.com", "password": PASSWORD, "displayName": "A", "role": "BUSINESS"}),
            "input.organizationName",
        ),
        (
            json!({"email": "a@example.com", "password": PASSWORD, "displayName": "A", "role": "OPERATOR"}),
            "input.role",
        ),
        (
            json!({"email": "a@example.com", "password": PASSWORD, "displayName": "A", "role": "PARTNER"}),
            "input.role",
        ),
    ];
    for (input, field) in cases {
        let response = app.gql(None, REGISTER, json!({"input": input})).await;
        assert_eq!(
            error_code(&response),
            Some("VALIDATION"),
            "{input}: {response}"
        );
        assert_eq!(
            response["errors"][0]["extensions"]["field"], field,
            "{response}"
        );
    }
    // Nothing was stored: the address is still free.
    let ok = app
        .gql(None, REGISTER, json!({"input": {"email": "a@example.com", "password": PASSWORD, "displayName": "A", "role": "HOUSEHOLD"}}))
        .await;
    assert!(ok["data"]["register"].is_object(), "{ok}");
}

#[tokio::test]
async fn a_business_account_gets_its_organisation() {
    let app = spawn_app().await;
    let business = app.register("BUSINESS").await;
    let me = app.gql(Some(&business.access), ME, json!({})).await;
    assert_eq!(me["data"]["me"]["role"], "BUSINESS");
}

#[tokio::test]
async fn login_attempts_are_rate_limited_per_email() {
    let app = crate::helpers::spawn_app_with(|c| c.auth.login_attempts_per_minute = 3).await;
    let user = app.register("HOUSEHOLD").await;
    for _ in 0..3 {
        let r = app
            .gql(
                None,
                LOGIN,
                json!({"email": user.email, "password": "wrong password"}),
            )
            .await;
        assert_eq!(error_code(&r), Some("UNAUTHENTICATED"));
    }
    let limited = app
        .gql(
            None,
            LOGIN,
            json!({"email": user.email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(error_code(&limited), Some("RATE_LIMITED"), "{limited}");
    assert!(
        limited["errors"][0]["extensions"]["retryAfter"]
            .as_f64()
            .unwrap_or(0.0)
            >= 1.0
    );
}

#[tokio::test]
async fn operators_are_created_from_the_command_line_and_can_log_in() {
    let app = spawn_app().await;
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_reloop"))
        .args([
            "create-operator",
            "--email",
            "ops@example.com",
            "--password",
            PASSWORD,
        ])
        .env("DATABASE_URL", &app.database_url)
        .env("RELOOP_DATA_DIR", app.data_dir.path())
        .env("RELOOP_JWT_SECRET", crate::helpers::TEST_JWT_SECRET)
        .env_remove("REDIS_URL")
        .output()
        .await
        .expect("run the CLI");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let login = app
        .gql(
            None,
            LOGIN,
            json!({"email": "ops@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        login["data"]["login"]["user"]["role"], "OPERATOR",
        "{login}"
    );
}
