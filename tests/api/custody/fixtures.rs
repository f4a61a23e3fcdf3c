//! Set-up of the custody tests: a facility with staff, an order collected at the door
//! (its custody items created by `completePickup`), and the custody steps.

use serde_json::{Value, json};

use crate::fixtures::{book_quote, quote_of, verified_collector, window};
use crate::helpers::{Account, TestApp};
use crate::orders::fixtures::{arrive, assigned_order, complete, inspect, order_step};

/// The fields of a custody item the tests read.
pub const ITEM_FIELDS: &str = "id orderId description categoryCode serialNumber traceCode batteryStatus status
    weightKg weightEstimated dataBearing outcome materials { material kg }
    events { sequence step at recordedAt actorRole holder weightKg weightEstimated note details previousHash hash signature }";

/// The fields of a transfer the tests read.
pub const TRANSFER_FIELDS: &str =
    "id number status createdAt recordedAt receivedAt facility { id name }
    items { id status weightKg batteryStatus events { sequence step } }";

/// A facility and one of its staff.
#[derive(Clone, Debug)]
pub struct Plant {
    /// Facility id.
    pub id: String,
    /// Staff registered with the invite code.
    pub staff: Account,
    /// The invite code.
    pub invite_code: String,
}

/// The categories of the light items (`LAPTOP`, `SMALL_APPLIANCE`) and what they need.
pub const LIGHT_CATEGORIES: &[&str] = &["LAPTOP", "SMALL_APPLIANCE"];

/// A facility taking `categories` with `certifications`, and a staff member.
pub async fn plant(
    app: &TestApp,
    operator: &Account,
    categories: &[&str],
    certifications: &str,
) -> Plant {
    let created = app
        .gql(
            Some(&operator.access),
            "mutation($input: FacilityInput!) { createFacility(input: $input) { id inviteCode acceptedCategories } }",
            json!({"input": {
                "name": "Pudong Recycling Works", "permitNumber": "HW-310115-0042",
                "address": {"line1": "1 Recycling Road", "city": "Shanghai",
                            "location": {"latitude": 31.20, "longitude": 121.60}},
                "acceptedCategories": categories,
                "certifications": serde_json::from_str::<Value>(certifications).unwrap_or_else(|_| json!([])),
            }}),
        )
        .await;
    let facility = &created["data"]["createFacility"];
    let id = facility["id"]
        .as_str()
        .unwrap_or_else(|| panic!("facility: {created}"))
        .to_owned();
    let invite_code = facility["inviteCode"]
        .as_str()
        .expect("operators see the code")
        .to_owned();
    let staff = staff_of(app, &invite_code).await;
    Plant {
        id,
        staff,
        invite_code,
    }
}

/// A facility for the light items (with DATA_DESTRUCTION for laptops).
pub async fn light_plant(app: &TestApp, operator: &Account) -> Plant {
    plant(app, operator, LIGHT_CATEGORIES, r#"["DATA_DESTRUCTION"]"#).await
}

/// Another staff member of the facility with `invite_code`.
pub async fn staff_of(app: &TestApp, invite_code: &str) -> Account {
    app.register_with("FACILITY", json!({"facilityInviteCode": invite_code}))
        .await
        .unwrap_or_else(|response| panic!("facility staff: {response}"))
}

/// A completed pickup of the light items.
#[derive(Clone, Debug)]
pub struct Collected {
    /// The customer.
    pub customer: Account,
    /// The collector holding the items.
    pub collector: Account,
    /// An operator.
    pub operator: Account,
    /// The order.
    pub order_id: String,
}

/// An order of the light items, assigned, inspected as quoted and completed.
pub async fn collected_order(app: &TestApp) -> Collected {
    let (customer, collector, operator, order_id) = assigned_order(app).await;
    finish_at_the_door(app, customer, collector, operator, order_id).await
}

/// An order of `items` (a GraphQL list literal) booked by a new household, assigned to a
/// new verified collector, inspected as quoted and completed.
pub async fn collected_order_of(app: &TestApp, items: &str) -> Collected {
    let arrived = arrived_order_of(app, items).await;
    inspect_and_complete(app, arrived).await
}

/// An order of `items` booked by a new household, assigned to a new verified collector
/// who has arrived at the door.
pub async fn arrived_order_of(app: &TestApp, items: &str) -> Collected {
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let quote = quote_of(app, &customer, items).await;
    let order = book_quote(app, &customer, &quote, window(2), "id").await;
    let order_id = order["id"].as_str().expect("id").to_owned();
    let collector = verified_collector(app, &operator).await;
    let assigned = app
        .gql(
            Some(&operator.access),
            "mutation($id: ID!, $c: ID) { reassignOrder(orderId: $id, collectorId: $c) { status } }",
            json!({"id": order_id, "c": collector.id}),
        )
        .await;
    assert_eq!(
        assigned["data"]["reassignOrder"]["status"], "ASSIGNED",
        "{assigned}"
    );
    arrive(app, &collector.account, &order_id).await;
    Collected {
        customer,
        collector: collector.account,
        operator,
        order_id,
    }
}

/// Arrival, an inspection as quoted and completion of an assigned order.
async fn finish_at_the_door(
    app: &TestApp,
    customer: Account,
    collector: Account,
    operator: Account,
    order_id: String,
) -> Collected {
    arrive(app, &collector, &order_id).await;
    inspect_and_complete(
        app,
        Collected {
            customer,
            collector,
            operator,
            order_id,
        },
    )
    .await
}

/// An inspection as quoted and completion of an order whose collector has arrived.
async fn inspect_and_complete(app: &TestApp, at_the_door: Collected) -> Collected {
    let Collected {
        customer,
        collector,
        operator,
        order_id,
    } = at_the_door;
    let inspected = inspect(app, &collector.access, &order_id, json!([])).await;
    let status = &inspected["data"]["recordInspection"]["status"];
    if status == "AWAITING_CUSTOMER" {
        // A line was excluded (a blocklisted device): the customer agrees to the new total.
        let accepted = order_step(
            app,
            &customer.access,
            "respondToFinalOffer",
            &order_id,
            ", accept: true",
        )
        .await;
        assert_eq!(
            accepted["data"]["respondToFinalOffer"]["status"], "INSPECTED",
            "{accepted}"
        );
    } else {
        assert_eq!(status, "INSPECTED", "{inspected}");
    }
    let completed = complete(app, &collector.access, &order_id).await;
    assert_eq!(
        completed["data"]["completePickup"]["status"], "COMPLETED",
        "{completed}"
    );
    Collected {
        customer,
        collector,
        operator,
        order_id,
    }
}

/// The order's custody items as `token` sees them (None when the order is not visible).
pub async fn items(app: &TestApp, token: &str, order_id: &str) -> Option<Vec<Value>> {
    let response = app
        .gql(
            Some(token),
            &format!(
                "query($id: ID!) {{ pickupOrder(id: $id) {{ custodyItems {{ {ITEM_FIELDS} }} }} }}"
            ),
            json!({"id": order_id}),
        )
        .await;
    response["data"]["pickupOrder"]["custodyItems"]
        .as_array()
        .cloned()
}

/// `handOverToFacility` as `token`; the whole response.
pub async fn hand_over(
    app: &TestApp,
    token: &str,
    facility_id: &str,
    order_ids: &[&str],
    action: Option<&str>,
) -> Value {
    app.gql(
        Some(token),
        &format!("mutation($input: HandOverInput!) {{ handOverToFacility(input: $input) {{ {TRANSFER_FIELDS} }} }}"),
        json!({"input": {"facilityId": facility_id, "orderIds": order_ids, "clientActionId": action}}),
    )
    .await
}

/// Hands `collected`'s items to `plant` and returns the transfer.
pub async fn handed_over(app: &TestApp, collected: &Collected, plant: &Plant) -> Value {
    let response = hand_over(
        app,
        &collected.collector.access,
        &plant.id,
        &[&collected.order_id],
        None,
    )
    .await;
    let transfer = response["data"]["handOverToFacility"].clone();
    assert_eq!(transfer["status"], "IN_TRANSIT", "{response}");
    transfer
}

/// `receiveTransfer` as `token` with `lines`; the whole response.
pub async fn receive(app: &TestApp, token: &str, transfer_id: &str, lines: Value) -> Value {
    app.gql(
        Some(token),
        &format!("mutation($input: ReceiveTransferInput!) {{ receiveTransfer(input: $input) {{ {TRANSFER_FIELDS} }} }}"),
        json!({"input": {"transferId": transfer_id, "lines": lines}}),
    )
    .await
}

/// Receipt lines accepting every item of `transfer` at the collector's weight.
pub fn accept_all(transfer: &Value) -> Value {
    let lines: Vec<Value> = transfer["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| json!({"itemId": item["id"], "weightKg": item["weightKg"], "accepted": true}))
        .collect();
    json!(lines)
}

/// `recordProcessing` as `token` with `input`; the whole response.
pub async fn process(app: &TestApp, token: &str, input: Value) -> Value {
    app.gql(
        Some(token),
        &format!("mutation($input: ProcessingInput!) {{ recordProcessing(input: $input) {{ {ITEM_FIELDS} }} }}"),
        json!({"input": input}),
    )
    .await
}

/// `verifyCustodyChain` as `token`; the whole response.
pub async fn verify(app: &TestApp, token: &str, order_id: &str) -> Value {
    app.gql(
        Some(token),
        "query($id: ID!) { verifyCustodyChain(orderId: $id) { orderId valid items { itemId valid events brokenAtSequence reason } } }",
        json!({"id": order_id}),
    )
    .await
}

/// A sanitisation record for data-bearing items.
pub fn purged() -> Value {
    json!({"method": "PURGE", "technique": "cryptographic erase", "tool": "BlanccoDrive 7", "verified": true})
}
