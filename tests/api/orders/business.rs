//! Business accounts: colleagues join an organisation with its invite code; its admin
//! (the founder) sees their orders (roles in detail: `business::roles`).

use serde_json::json;

use super::fixtures::book;
use crate::helpers::{PASSWORD, REGISTER, account_from, error_code, spawn_app};

#[tokio::test]
async fn a_colleague_joins_with_the_invite_code_and_the_admin_sees_their_orders() {
    let app = spawn_app().await;
    let founder = app.register("BUSINESS").await;
    let me = app
        .gql(
            Some(&founder.access),
            "{ me { organization { id name inviteCode } } }",
            json!({}),
        )
        .await;
    let organization = me["data"]["me"]["organization"].clone();
    let code = organization["inviteCode"]
        .as_str()
        .unwrap_or_else(|| panic!("{me}"))
        .to_owned();
    assert_eq!(organization["name"], "Acme Recycling Ltd");

    let email = "colleague@example.com";
    let joined = app
        .gql(
            None,
            REGISTER,
            json!({"input": {"email": email, "password": PASSWORD, "displayName": "Colleague", "role": "BUSINESS", "organizationInviteCode": code}}),
        )
        .await;
    let colleague =
        account_from(&joined["data"]["register"], email).unwrap_or_else(|| panic!("{joined}"));
    let theirs = app
        .gql(
            Some(&colleague.access),
            "{ me { organization { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        theirs["data"]["me"]["organization"]["id"],
        organization["id"]
    );

    let order = book(&app, &colleague).await;
    let list = app
        .gql(
            Some(&founder.access),
            "{ pickupOrders { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        list["data"]["pickupOrders"]["edges"][0]["node"]["id"], order["id"],
        "{list}"
    );

    let outsider = app.register("BUSINESS").await;
    let none = app
        .gql(
            Some(&outsider.access),
            "{ pickupOrders { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(none["data"]["pickupOrders"]["edges"], json!([]));
}

#[tokio::test]
async fn a_wrong_or_ambiguous_invite_code_is_a_validation_error() {
    let app = spawn_app().await;
    let base = json!({"email": "x@example.com", "password": PASSWORD, "displayName": "X", "role": "BUSINESS"});
    let mut wrong = base.clone();
    wrong["organizationInviteCode"] = json!("org_nope");
    let response = app.gql(None, REGISTER, json!({"input": wrong})).await;
    assert_eq!(error_code(&response), Some("VALIDATION"));
    assert_eq!(
        response["errors"][0]["extensions"]["field"],
        "input.organizationInviteCode"
    );
    let mut both = base;
    both["organizationInviteCode"] = json!("org_nope");
    both["organizationName"] = json!("Both Ltd");
    let response = app.gql(None, REGISTER, json!({"input": both})).await;
    assert_eq!(
        response["errors"][0]["extensions"]["field"], "input.organizationInviteCode",
        "{response}"
    );
}
