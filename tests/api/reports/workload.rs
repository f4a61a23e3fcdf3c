//! The known workload of the report tests: five orders (laptops and small appliances),
//! two service areas, two collectors, a household, a business and a partner, completed
//! on either side of a month boundary in Shanghai time; the first order received and
//! its laptop processed. `expected` recomputes every figure from the orders as the API
//! shows them, independently of the rollups.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::fixtures::{
    Booker, completed, d, inspected_order, move_clock_to, next_month_start, report_app,
};
use crate::custody::fixtures::{
    Collected, Plant, accept_all, handed_over, items, light_plant, process, purged, receive,
};
use crate::fixtures::{Collector, LIGHT_ITEMS, verified_collector};
use crate::helpers::{Account, TestApp};
use crate::partners::fixtures::{PartnerKey, partner};

/// One order of the workload.
#[derive(Clone, Debug)]
pub struct Placed {
    /// The order.
    pub id: String,
    /// Index of its collector in `Workload::collectors`.
    pub collector: usize,
    /// In Beijing (else Shanghai).
    pub beijing: bool,
    /// Completed after the month boundary.
    pub after: bool,
    /// Its figures, read after completion: (category, weight, estimated) per item, line
    /// amounts, payout.
    pub items: Vec<(String, Decimal, bool)>,
    /// Line amounts, in item order.
    pub lines: Vec<Decimal>,
    /// The payout created at completion.
    pub payout: Decimal,
}

/// The workload.
pub struct Workload {
    /// The app.
    pub app: TestApp,
    /// An operator.
    pub operator: Account,
    /// The facility that received the first order.
    pub plant: Plant,
    /// Two collectors.
    pub collectors: Vec<Collector>,
    /// The household customer.
    pub household: Account,
    /// The business customer.
    pub business: Account,
    /// The partner that booked the fourth order.
    pub partner: PartnerKey,
    /// Shanghai midnight between the two halves.
    pub boundary: DateTime<Utc>,
    /// The orders.
    pub orders: Vec<Placed>,
    /// Shanghai Central and Beijing Central ids.
    pub areas: (String, String),
    /// The catalog's CO2e factor of each category that has one.
    pub co2e_factors: BTreeMap<String, Decimal>,
}

/// What the workload runs: (booker, items, collector, Beijing, after the boundary).
const PLAN: &[(usize, &str, usize, bool, bool)] = &[
    (0, LIGHT_ITEMS, 0, false, false),
    (
        0,
        "[{categoryCode: \"SMALL_APPLIANCE\", weightKg: \"7.5\"}]",
        1,
        false,
        false,
    ),
    (
        1,
        "[{categoryCode: \"LAPTOP\", condition: GOOD}]",
        0,
        false,
        true,
    ),
    (2, LIGHT_ITEMS, 1, true, true),
    (
        0,
        "[{categoryCode: \"SMALL_APPLIANCE\", weightKg: \"2.25\"}]",
        0,
        true,
        true,
    ),
];

async fn area_ids(app: &TestApp) -> (String, String) {
    let areas = app
        .gql(None, "{ serviceAreas { id name } }", json!({}))
        .await;
    let id = |name: &str| {
        areas["data"]["serviceAreas"]
            .as_array()
            .expect("areas")
            .iter()
            .find(|a| a["name"] == name)
            .and_then(|a| a["id"].as_str())
            .unwrap_or_else(|| panic!("{name}: {areas}"))
            .to_owned()
    };
    (id("Shanghai Central"), id("Beijing Central"))
}

/// Runs the workload.
pub async fn workload() -> Workload {
    let app = report_app().await;
    let operator = app.operator().await;
    let plant = light_plant(&app, &operator).await;
    let collectors = vec![
        verified_collector(&app, &operator).await,
        verified_collector(&app, &operator).await,
    ];
    let household = app.register("HOUSEHOLD").await;
    let business = app.register("BUSINESS").await;
    let partner = partner(
        &app,
        &operator,
        &["QUOTES_WRITE", "ORDERS_WRITE", "ORDERS_READ"],
    )
    .await;
    let mut orders = Vec::new();
    for (index, &(booker, list, collector, beijing, after)) in PLAN.iter().enumerate() {
        let who = match booker {
            0 => Booker::User(&household),
            1 => Booker::User(&business),
            _ => Booker::Partner(&partner.secret),
        };
        let hour = 2 * u32::try_from(index).expect("a few orders");
        let id = inspected_order(
            &app,
            &operator,
            &collectors[collector],
            who,
            list,
            beijing,
            hour,
        )
        .await;
        orders.push(Placed {
            id,
            collector,
            beijing,
            after,
            items: Vec::new(),
            lines: Vec::new(),
            payout: Decimal::ZERO,
        });
    }
    let boundary = next_month_start(&app);
    move_clock_to(&app, boundary - Duration::minutes(30));
    for half in [false, true] {
        if half {
            move_clock_to(&app, boundary + Duration::minutes(30));
        }
        for order in orders.iter_mut().filter(|o| o.after == half) {
            completed(&app, &collectors[order.collector], &order.id).await;
            read_figures(&app, &operator, order).await;
        }
    }
    let first = Collected {
        customer: household.clone(),
        collector: collectors[0].account.clone(),
        operator: operator.clone(),
        order_id: orders[0].id.clone(),
    };
    let transfer = handed_over(&app, &first, &plant).await;
    let transfer_id = transfer["id"].as_str().expect("transfer id");
    let received = receive(
        &app,
        &plant.staff.access,
        transfer_id,
        accept_all(&transfer),
    )
    .await;
    assert_eq!(
        received["data"]["receiveTransfer"]["status"], "RECEIVED",
        "{received}"
    );
    let held = items(&app, &operator.access, &orders[0].id)
        .await
        .expect("items");
    let laptop = held
        .iter()
        .find(|i| i["categoryCode"] == "LAPTOP")
        .expect("a laptop");
    let processed = process(
        &app,
        &plant.staff.access,
        json!({"itemIds": [laptop["id"]], "outcome": "MATERIAL_RECOVERED", "sanitization": purged(),
               "recoveredMaterials": [{"material": "copper", "kg": "0.4"}]}),
    )
    .await;
    assert!(processed.get("errors").is_none(), "{processed}");
    let areas = area_ids(&app).await;
    let co2e_factors = co2e_factors(&app).await;
    Workload {
        app,
        operator,
        plant,
        collectors,
        household,
        business,
        partner,
        boundary,
        orders,
        areas,
        co2e_factors,
    }
}

/// `Category.co2eAvoidedKgPerKg` of every category that has one (the demo catalog gives
/// laptops and small appliances one).
async fn co2e_factors(app: &TestApp) -> BTreeMap<String, Decimal> {
    let read = app
        .gql(
            None,
            "{ categories { code co2eAvoidedKgPerKg } }",
            json!({}),
        )
        .await;
    let factors: BTreeMap<String, Decimal> = read["data"]["categories"]
        .as_array()
        .unwrap_or_else(|| panic!("{read}"))
        .iter()
        .filter(|c| !c["co2eAvoidedKgPerKg"].is_null())
        .map(|c| {
            let code = c["code"].as_str().expect("code").to_owned();
            (code, d(&c["co2eAvoidedKgPerKg"]))
        })
        .collect();
    for code in ["LAPTOP", "SMALL_APPLIANCE"] {
        assert!(factors.contains_key(code), "{code} has no factor: {read}");
    }
    factors
}

/// The order's payout, lines and items as the operator sees them right after completion
/// (before a facility re-weighs anything).
async fn read_figures(app: &TestApp, operator: &Account, order: &mut Placed) {
    let read = app
        .gql(
            Some(&operator.access),
            "query($id: ID!) { pickupOrder(id: $id) { payout { amount } lines { quotedAmount finalAmount }
               custodyItems { categoryCode weightKg weightEstimated } } }",
            json!({"id": order.id}),
        )
        .await;
    let o = &read["data"]["pickupOrder"];
    order.payout = d(&o["payout"]["amount"]);
    order.lines = o["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            d(if l["finalAmount"].is_null() {
                &l["quotedAmount"]
            } else {
                &l["finalAmount"]
            })
        })
        .collect();
    order.items = o["custodyItems"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["categoryCode"].as_str().expect("code").to_owned(),
                d(&i["weightKg"]),
                i["weightEstimated"].as_bool().expect("flag"),
            )
        })
        .collect();
    // One item per line in this workload (a laptop; a weighed lot), so items follow lines.
    assert_eq!(order.items.len(), order.lines.len(), "{read}");
}

/// Expected figures of one row: orders, items, kg, measured kg, estimated kg, payout,
/// disposal fees, pickup fees, kg CO2e avoided.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub orders: i64,
    pub items: i64,
    pub weight: Decimal,
    pub measured: Decimal,
    pub estimated: Decimal,
    pub payout: Decimal,
    pub disposal: Decimal,
    pub logistics: Decimal,
    pub co2e: Decimal,
}

impl Figures {
    /// The figures of a row of the API.
    pub fn of(row: &Value) -> Self {
        Self {
            orders: row["orders"].as_i64().expect("orders"),
            items: row["items"].as_i64().expect("items"),
            weight: d(&row["weightKg"]),
            measured: d(&row["measuredWeightKg"]),
            estimated: d(&row["estimatedWeightKg"]),
            payout: d(&row["payout"]),
            disposal: d(&row["disposalFees"]),
            logistics: d(&row["logisticsFees"]),
            co2e: d(&row["co2eAvoidedKg"]),
        }
    }

    pub fn add(&mut self, other: &Self) {
        self.orders += other.orders;
        self.items += other.items;
        self.weight += other.weight;
        self.measured += other.measured;
        self.estimated += other.estimated;
        self.payout += other.payout;
        self.disposal += other.disposal;
        self.logistics += other.logistics;
        self.co2e += other.co2e;
    }
}

impl Workload {
    /// The month key (`YYYY-MM`, Shanghai) of an order.
    pub fn month(&self, order: &Placed) -> String {
        let at = if order.after {
            self.boundary + Duration::minutes(30)
        } else {
            self.boundary - Duration::minutes(30)
        };
        at.with_timezone(&chrono_tz::Asia::Shanghai)
            .format("%Y-%m")
            .to_string()
    }

    /// The day key of an order.
    pub fn day(&self, order: &Placed) -> String {
        let at = if order.after {
            self.boundary + Duration::minutes(30)
        } else {
            self.boundary - Duration::minutes(30)
        };
        at.with_timezone(&chrono_tz::Asia::Shanghai)
            .format("%Y-%m-%d")
            .to_string()
    }

    /// The area id of an order.
    pub fn area(&self, order: &Placed) -> String {
        if order.beijing {
            self.areas.1.clone()
        } else {
            self.areas.0.clone()
        }
    }

    /// The period covering both months.
    pub fn period(&self) -> (String, String) {
        (
            (self.boundary - Duration::days(40)).to_rfc3339(),
            (self.boundary + Duration::days(40)).to_rfc3339(),
        )
    }

    /// Expected rows keyed by `key(order, item category)`, over the orders `keep` keeps,
    /// with the report's rule: an order (with its pickup fee and whatever makes its items
    /// add up to its payout) counts with its first item.
    pub fn expected(
        &self,
        key: impl Fn(&Placed, &str) -> Vec<String>,
        keep: impl Fn(&Placed) -> bool,
    ) -> BTreeMap<Vec<String>, Figures> {
        let mut rows: BTreeMap<Vec<String>, Figures> = BTreeMap::new();
        for order in self.orders.iter().filter(|o| keep(o)) {
            let lines: Decimal = order.lines.iter().copied().sum();
            for (index, ((category, kg, estimated), amount)) in
                order.items.iter().zip(&order.lines).enumerate()
            {
                let factor = self.co2e_factors.get(category).copied();
                let mut f = Figures {
                    items: 1,
                    weight: *kg,
                    payout: *amount,
                    co2e: factor.map_or(Decimal::ZERO, |factor| *kg * factor),
                    ..Figures::default()
                };
                if *estimated {
                    f.estimated = *kg;
                } else {
                    f.measured = *kg;
                }
                if *amount < Decimal::ZERO {
                    f.disposal = -*amount;
                }
                if index == 0 {
                    f.orders = 1;
                    f.logistics = lines - order.payout;
                    f.payout += order.payout - lines;
                }
                rows.entry(key(order, category)).or_default().add(&f);
            }
        }
        rows
    }
}

/// The rows of a report as (key, figures).
pub fn rows_of(report: &Value) -> BTreeMap<Vec<String>, Figures> {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let key = r["key"]
                .as_array()
                .expect("key")
                .iter()
                .map(|k| k.as_str().expect("a key string").to_owned())
                .collect();
            (key, Figures::of(r))
        })
        .collect()
}

/// The sum of `rows`.
pub fn sum(rows: &BTreeMap<Vec<String>, Figures>) -> Figures {
    let mut total = Figures::default();
    for f in rows.values() {
        total.add(f);
    }
    total
}
