//! Organisation roles: the registering user is admin and sees and manages members and
//! their orders; members see their own orders and the organisation's reports.

use serde_json::{Value, json};

use crate::helpers::{Account, PASSWORD, REGISTER, TestApp, account_from, error_code, spawn_app};
use crate::orders::fixtures::book;

async fn join(app: &TestApp, code: &Value, email: &str) -> Account {
    let joined = app
        .gql(
            None,
            REGISTER,
            json!({"input": {"email": email, "password": PASSWORD, "displayName": "Colleague",
            "role": "BUSINESS", "organizationInviteCode": code}}),
        )
        .await;
    account_from(&joined["data"]["register"], email).unwrap_or_else(|| panic!("{joined}"))
}

async fn order_ids(app: &TestApp, who: &Account) -> Vec<String> {
    let list = app
        .gql(
            Some(&who.access),
            "{ pickupOrders { edges { node { id } } } }",
            json!({}),
        )
        .await;
    list["data"]["pickupOrders"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .map(|e| e["node"]["id"].as_str().expect("id").to_owned())
        .collect()
}

const SET_ROLE: &str = "mutation($u: ID!, $r: OrganizationRole!) { setOrganizationMemberRole(userId: $u, role: $r) { id organizationRole } }";

#[tokio::test]
async fn the_admin_sees_and_manages_members_and_their_orders_while_members_see_their_own() {
    let app = spawn_app().await;
    let founder = app.register("BUSINESS").await;
    let me = app
        .gql(
            Some(&founder.access),
            "{ me { organizationRole organization { inviteCode } } }",
            json!({}),
        )
        .await;
    assert_eq!(me["data"]["me"]["organizationRole"], "ADMIN", "{me}");
    let code = me["data"]["me"]["organization"]["inviteCode"].clone();
    let colleague = join(&app, &code, "colleague@example.com").await;
    let theirs = app
        .gql(
            Some(&colleague.access),
            "{ me { organizationRole } }",
            json!({}),
        )
        .await;
    assert_eq!(theirs["data"]["me"]["organizationRole"], "MEMBER");

    let founders = book(&app, &founder).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let colleagues = book(&app, &colleague).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(order_ids(&app, &colleague).await, vec![colleagues.clone()]);
    let mut all = order_ids(&app, &founder).await;
    all.sort();
    let mut expected = vec![founders.clone(), colleagues.clone()];
    expected.sort();
    assert_eq!(all, expected);
    let hidden = app
        .gql(
            Some(&colleague.access),
            "query($id: ID!) { pickupOrder(id: $id) { id } }",
            json!({"id": founders}),
        )
        .await;
    assert_eq!(hidden["data"]["pickupOrder"], Value::Null, "{hidden}");

    // Members read the organisation's reports.
    let report = app
        .gql(
            Some(&colleague.access),
            "query($f: DateTime!, $t: DateTime!) { collectionReport(from: $f, to: $t, groupBy: [CATEGORY]) { totals { orders } } }",
            json!({"f": "2026-01-01T00:00:00Z", "t": "2026-12-31T00:00:00Z"}),
        )
        .await;
    assert!(report["data"]["collectionReport"].is_object(), "{report}");

    let members_query = "{ organizationMembers { edges { node { id email organizationRole } } } }";
    let refused = app
        .gql(Some(&colleague.access), members_query, json!({}))
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let members = app
        .gql(Some(&founder.access), members_query, json!({}))
        .await;
    assert_eq!(
        members["data"]["organizationMembers"]["edges"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{members}"
    );

    let cancelled = app
        .gql(
            Some(&founder.access),
            "mutation($id: ID!) { cancelPickup(orderId: $id, reason: \"not needed\") { status } }",
            json!({"id": colleagues}),
        )
        .await;
    assert_eq!(
        cancelled["data"]["cancelPickup"]["status"], "CANCELLED",
        "{cancelled}"
    );

    let last_admin = app
        .gql(
            Some(&founder.access),
            SET_ROLE,
            json!({"u": founder.id, "r": "MEMBER"}),
        )
        .await;
    assert_eq!(error_code(&last_admin), Some("CONFLICT"), "{last_admin}");
    let promoted = app
        .gql(
            Some(&founder.access),
            SET_ROLE,
            json!({"u": colleague.id, "r": "ADMIN"}),
        )
        .await;
    assert_eq!(
        promoted["data"]["setOrganizationMemberRole"]["organizationRole"], "ADMIN",
        "{promoted}"
    );
    assert_eq!(order_ids(&app, &colleague).await.len(), 2);

    let outsider = app.register("BUSINESS").await;
    let foreign = app
        .gql(
            Some(&founder.access),
            SET_ROLE,
            json!({"u": outsider.id, "r": "MEMBER"}),
        )
        .await;
    assert_eq!(error_code(&foreign), Some("NOT_FOUND"), "{foreign}");
    let removed = app
        .gql(
            Some(&colleague.access),
            "mutation($u: ID!) { removeOrganizationMember(userId: $u) { organizationRole } }",
            json!({"u": founder.id}),
        )
        .await;
    assert_eq!(
        removed["data"]["removeOrganizationMember"]["organizationRole"],
        Value::Null,
        "{removed}"
    );
}
