//! Object-level authorization of orders: a party who may not see an order gets
//! NOT_FOUND for every operation on it and changes nothing; a party who may see it but
//! whose role may not take a step gets FORBIDDEN; members of one organisation share
//! their orders; operators see every order.

use entity::user;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::{Value, json};

use super::fixtures::{ORDER_FIELDS, assigned_order, book, inspection_mutation, order_step};
use crate::fixtures::{light_quote, verified_collector, window};
use crate::helpers::{Account, TestApp, WsEvent, error_code, spawn_app};

const ORDER_STATE: &str = "query($id: ID!) { pickupOrder(id: $id) { status version } }";

/// The order's status and version as `reader` sees them.
async fn status_and_version(app: &TestApp, reader: &Account, order_id: &str) -> (Value, Value) {
    let read = app
        .gql(Some(&reader.access), ORDER_STATE, json!({"id": order_id}))
        .await;
    let order = &read["data"]["pickupOrder"];
    assert!(order.is_object(), "{read}");
    (order["status"].clone(), order["version"].clone())
}

/// Every mutation that takes an order id, run by `caller` on `order_id`: (name, response).
async fn every_order_mutation(
    app: &TestApp,
    caller: &Account,
    order_id: &str,
) -> Vec<(&'static str, Value)> {
    let token = caller.access.as_str();
    let later = window(6);
    let reschedule = format!(
        ", window: {{start: \"{}\", end: \"{}\"}}",
        later["start"].as_str().expect("start"),
        later["end"].as_str().expect("end")
    );
    let complete = format!(
        "mutation($id: ID!) {{ completePickup(input: {{orderId: $id}}) {{ {ORDER_FIELDS} }} }}"
    );
    vec![
        (
            "cancelPickup",
            order_step(app, token, "cancelPickup", order_id, ", reason: \"probe\"").await,
        ),
        (
            "reschedulePickup",
            order_step(app, token, "reschedulePickup", order_id, &reschedule).await,
        ),
        (
            "startTrip",
            order_step(app, token, "startTrip", order_id, "").await,
        ),
        (
            "markArrived",
            order_step(app, token, "markArrived", order_id, "").await,
        ),
        (
            "recordInspection",
            app.gql(
                Some(token),
                &inspection_mutation(),
                json!({"input": {"orderId": order_id, "lines": []}}),
            )
            .await,
        ),
        (
            "respondToFinalOffer",
            order_step(
                app,
                token,
                "respondToFinalOffer",
                order_id,
                ", accept: true",
            )
            .await,
        ),
        (
            "completePickup",
            app.gql(Some(token), &complete, json!({"id": order_id}))
                .await,
        ),
        (
            "reportFailedPickup",
            order_step(
                app,
                token,
                "reportFailedPickup",
                order_id,
                ", reason: \"probe\"",
            )
            .await,
        ),
        (
            "rateCollector",
            order_step(app, token, "rateCollector", order_id, ", stars: 5").await,
        ),
    ]
}

/// The first two messages an `orderUpdated` subscription by `caller` receives.
async fn subscription_answer(app: &TestApp, caller: &Account, order_id: &str) -> [Value; 2] {
    let mut ws = app.ws_signed_in(caller).await;
    ws.send_subscribe(
        "1",
        &format!("subscription {{ orderUpdated(orderId: \"{order_id}\") {{ status version }} }}"),
    )
    .await;
    let mut messages = [Value::Null, Value::Null];
    for message in &mut messages {
        *message = match ws.next().await {
            WsEvent::Json(msg) => msg,
            other => panic!("expected a message, got {other:?}"),
        };
    }
    messages
}

/// Probes every operation on `order_id` as `outsider` and checks that each answers as
/// for a missing order and that the order (read by `owner`) did not change; every
/// mutation is probed before the verdict, so a failure lists all that answered wrongly.
async fn assert_order_is_invisible_to(
    app: &TestApp,
    owner: &Account,
    outsider: &Account,
    order_id: &str,
) {
    let before = status_and_version(app, owner, order_id).await;

    let read = app
        .gql(Some(&outsider.access), ORDER_STATE, json!({"id": order_id}))
        .await;
    assert_eq!(read["data"]["pickupOrder"], Value::Null, "{read}");
    assert!(
        read["errors"].is_null(),
        "a hidden order reads as absent, not as an error: {read}"
    );

    let refused: Vec<String> = every_order_mutation(app, outsider, order_id)
        .await
        .into_iter()
        .filter(|(_, response)| {
            error_code(response) != Some("NOT_FOUND") || !response["data"].is_null()
        })
        .map(|(name, response)| format!("{name}: {response}"))
        .collect();

    // The refusal travels in a `next` payload, like any execution error, and the
    // subscription then completes: the socket gets no updates of the order.
    let [refusal, end] = subscription_answer(app, outsider, order_id).await;
    assert_eq!(refusal["type"], "next", "{refusal}");
    assert_eq!(
        refusal["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{refusal}"
    );
    assert_eq!(refusal["payload"]["data"], Value::Null, "{refusal}");
    assert_eq!(end, json!({"type": "complete", "id": "1"}));

    assert_eq!(
        status_and_version(app, owner, order_id).await,
        before,
        "the order changed"
    );
    assert!(
        refused.is_empty(),
        "expected NOT_FOUND from every mutation, got:\n{}",
        refused.join("\n")
    );
}

#[tokio::test]
async fn another_household_gets_not_found_for_every_operation_on_an_order() {
    let app = spawn_app().await;
    let (customer, _collector, _operator, order_id) = assigned_order(&app).await;
    let neighbour = app.register("HOUSEHOLD").await;
    assert_order_is_invisible_to(&app, &customer, &neighbour, &order_id).await;
}

#[tokio::test]
async fn an_unassigned_collector_gets_not_found_for_every_operation_on_an_order() {
    let app = spawn_app().await;
    let (customer, _collector, operator, order_id) = assigned_order(&app).await;
    let other_collector = verified_collector(&app, &operator).await.account;
    assert_order_is_invisible_to(&app, &customer, &other_collector, &order_id).await;
}

#[tokio::test]
async fn a_business_user_of_another_organisation_gets_not_found_for_every_operation_on_an_order() {
    let app = spawn_app().await;
    let (customer, _collector, _operator, order_id) = assigned_order(&app).await;
    let stranger = app.register("BUSINESS").await;
    assert_order_is_invisible_to(&app, &customer, &stranger, &order_id).await;
}

#[tokio::test]
async fn parties_who_see_an_order_are_forbidden_the_steps_of_other_roles() {
    let app = spawn_app().await;
    let (customer, collector, operator, order_id) = assigned_order(&app).await;
    let before = status_and_version(&app, &customer, &order_id).await;
    let cases = [
        (&customer, "startTrip", ""),
        (&customer, "markArrived", ""),
        (
            &collector,
            "cancelPickup",
            ", reason: \"not mine to cancel\"",
        ),
        (&collector, "respondToFinalOffer", ", accept: true"),
        (&collector, "rateCollector", ", stars: 5"),
    ];
    for (caller, mutation, extra) in cases {
        let response = order_step(&app, &caller.access, mutation, &order_id, extra).await;
        assert_eq!(
            error_code(&response),
            Some("FORBIDDEN"),
            "{mutation}: {response}"
        );
    }
    assert_eq!(status_and_version(&app, &customer, &order_id).await, before);

    // Operators see every order.
    let seen = app
        .gql(Some(&operator.access), ORDER_STATE, json!({"id": order_id}))
        .await;
    assert_eq!(seen["data"]["pickupOrder"]["status"], "ASSIGNED", "{seen}");
}

#[tokio::test]
async fn a_customers_quote_is_null_for_everyone_else() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let quote = light_quote(&app, &customer).await;
    let query = "query($id: ID!) { quote(id: $id) { id } }";
    for role in ["HOUSEHOLD", "COLLECTOR", "BUSINESS"] {
        let other = app.register(role).await;
        let read = app
            .gql(Some(&other.access), query, json!({"id": quote}))
            .await;
        assert_eq!(read["data"]["quote"], Value::Null, "{role}: {read}");
    }
    let own = app
        .gql(Some(&customer.access), query, json!({"id": quote}))
        .await;
    assert_eq!(own["data"]["quote"]["id"], quote, "{own}");
    let staff = app
        .gql(Some(&operator.access), query, json!({"id": quote}))
        .await;
    assert_eq!(staff["data"]["quote"]["id"], quote, "{staff}");
}

#[tokio::test]
async fn members_of_an_organisation_see_each_others_orders_and_other_organisations_do_not() {
    let app = spawn_app().await;
    let booker = app.register("BUSINESS").await;
    let colleague = app.register("BUSINESS").await;
    let stranger = app.register("BUSINESS").await;
    // There is no invite API yet: move the colleague into the booker's organisation.
    let organization_id = user::Entity::find_by_id(uuid(&booker.id))
        .one(&app.state.db)
        .await
        .expect("read the booker")
        .and_then(|u| u.organization_id)
        .expect("a business user has an organisation");
    let mut row = user::Entity::find_by_id(uuid(&colleague.id))
        .one(&app.state.db)
        .await
        .expect("read the colleague")
        .expect("the colleague exists")
        .into_active_model();
    row.organization_id = Set(Some(organization_id));
    row.update(&app.state.db)
        .await
        .expect("join the organisation");

    let order = book(&app, &booker).await;
    let order_id = order["id"].as_str().expect("id");
    let list = "{ pickupOrders { nodes { id } } }";

    let seen = app
        .gql(
            Some(&colleague.access),
            ORDER_STATE,
            json!({"id": order_id}),
        )
        .await;
    assert_eq!(
        seen["data"]["pickupOrder"]["status"], "DISPATCHING",
        "{seen}"
    );
    let listed = app.gql(Some(&colleague.access), list, json!({})).await;
    assert_eq!(
        listed["data"]["pickupOrders"]["nodes"],
        json!([{"id": order_id}]),
        "{listed}"
    );

    let hidden = app
        .gql(Some(&stranger.access), ORDER_STATE, json!({"id": order_id}))
        .await;
    assert_eq!(hidden["data"]["pickupOrder"], Value::Null, "{hidden}");
    let unlisted = app.gql(Some(&stranger.access), list, json!({})).await;
    assert_eq!(
        unlisted["data"]["pickupOrders"]["nodes"],
        json!([]),
        "{unlisted}"
    );
}

fn uuid(id: &str) -> uuid::Uuid {
    uuid::Uuid::parse_str(id).expect("a user id is a UUID")
}
