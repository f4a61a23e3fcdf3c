//! What operators read about collectors: one collector's record (`collector(id)`) and who
//! may read it, the operators' fields on it (acceptance rate, current work, last position),
//! the collectors online in a service area (`onlineCollectors`, `collectorPositions`), and
//! orders listed by service area (`pickupOrders(areaId)`).

mod acceptance;
mod area_orders;
mod online;
mod record;

use serde_json::{Value, json};

use crate::helpers::{Account, TestApp};

/// The id of the demo service area called `name`.
pub async fn area_id(app: &TestApp, operator: &Account, name: &str) -> String {
    let areas = app
        .gql(
            Some(&operator.access),
            "{ serviceAreas { id name } }",
            json!({}),
        )
        .await;
    areas["data"]["serviceAreas"]
        .as_array()
        .and_then(|all| all.iter().find(|a| a["name"] == name))
        .and_then(|a| a["id"].as_str())
        .unwrap_or_else(|| panic!("no area {name}: {areas}"))
        .to_owned()
}

/// `collector(id)` with `fields`, as seen with `token` (None: anonymous); the whole answer.
pub async fn read_collector(app: &TestApp, token: Option<&str>, id: &str, fields: &str) -> Value {
    app.gql(
        token,
        &format!("query($id: ID!) {{ collector(id: $id) {{ {fields} }} }}"),
        json!({"id": id}),
    )
    .await
}
