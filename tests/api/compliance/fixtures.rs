//! Set-up of the compliance tests: an EV pack taken to a recycler, a holiday calendar
//! made for the weeks ahead, a reference count of working days, and the task queries.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};
use reloop::domain::compliance::{DeadlineRules, HolidayCalendar};
use serde_json::{Value, json};

use crate::custody::fixtures::{Collected, Plant, collected_order_of, handed_over, plant};
use crate::helpers::{Account, LOGIN, PASSWORD, TestApp, account_from, spawn_app_with};

/// An EV battery pack with a GB/T 34014 trace code.
pub const PACK: &str = "[{categoryCode: \"EV_BATTERY_PACK\", battery: {chemistry: NMC, stateOfHealthPct: 85, weightKg: \"380\", traceCode: \"03HPB0DA0001B1C7S0000001\"}}]";

/// The trace code of [`PACK`].
pub const TRACE_CODE: &str = "03HPB0DA0001B1C7S0000001";

/// The fields of a task the tests read.
pub const TASK_FIELDS: &str = "id kind itemId traceCode dueAt status reportedAt reference orderId step eventAt workingDays dueAtProvisional";

/// Shanghai, where reporting days begin and end.
pub const SHANGHAI: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

/// A holiday calendar as plain sets, and the reference count over it.
#[derive(Clone, Debug, Default)]
pub struct Calendar {
    /// Days off.
    pub holidays: BTreeSet<NaiveDate>,
    /// Make-up working days (weekends).
    pub workdays: BTreeSet<NaiveDate>,
    /// Written as PROVISIONAL (a projection) rather than OFFICIAL.
    pub provisional: bool,
}

impl Calendar {
    /// "Upside-down" weeks from `from` for `days` days: every weekday a holiday and every
    /// weekend day a make-up working day, so any deadline in them crosses both.
    pub fn upside_down(from: NaiveDate, days: u64) -> Self {
        let mut calendar = Self::default();
        for d in (0..days).map(|i| from + Days::new(i)) {
            if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                calendar.workdays.insert(d);
            } else {
                calendar.holidays.insert(d);
            }
        }
        calendar
    }

    /// The built-in China calendar, read from `config/holidays/` by this test's own reader.
    pub fn china() -> Self {
        let mut calendar = Self::default();
        for year in ["CN-2026.csv", "CN-2027.csv"] {
            let path = format!("{}/config/holidays/{year}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).expect("a calendar file");
            for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
                let cells: Vec<&str> = line.split(',').collect();
                let from = NaiveDate::parse_from_str(cells[0], "%Y-%m-%d").expect("from");
                let to = NaiveDate::parse_from_str(cells[1], "%Y-%m-%d").unwrap_or(from);
                for d in from.iter_days().take_while(|d| *d <= to) {
                    match cells[2] {
                        "HOLIDAY" => calendar.holidays.insert(d),
                        _ => calendar.workdays.insert(d),
                    };
                }
            }
        }
        calendar
    }

    /// The same days as a calendar file.
    pub fn file(&self) -> String {
        let status = if self.provisional {
            "PROVISIONAL"
        } else {
            "OFFICIAL"
        };
        let mut text = String::from("from,to,kind,status,name\n");
        for d in &self.holidays {
            text.push_str(&format!("{d},,HOLIDAY,{status},test holiday\n"));
        }
        for d in &self.workdays {
            text.push_str(&format!("{d},,WORKDAY,{status},test make-up day\n"));
        }
        text
    }

    /// Whether `d` is a working day.
    pub fn is_working(&self, d: NaiveDate) -> bool {
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        self.workdays.contains(&d) || (!weekend && !self.holidays.contains(&d))
    }

    /// The `n`-th working day after `start`, walking day by day.
    pub fn add(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let (mut d, mut left) = (start, n);
        while left > 0 {
            d = d.succ_opt().expect("a near date");
            if self.is_working(d) {
                left -= 1;
            }
        }
        d
    }
}

/// Today in Shanghai.
pub fn shanghai_today() -> NaiveDate {
    Utc::now().with_timezone(&SHANGHAI).date_naive()
}

/// The Shanghai date of an RFC 3339 instant.
pub fn shanghai_date(at: &Value) -> NaiveDate {
    instant(at).with_timezone(&SHANGHAI).date_naive()
}

/// An RFC 3339 instant from a response.
pub fn instant(at: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(at.as_str().unwrap_or_else(|| panic!("a time: {at}")))
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

/// The last second of `day` in Shanghai, as the API writes it.
pub fn end_of_shanghai_day(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(23, 59, 59)
        .expect("a time")
        .and_local_timezone(SHANGHAI)
        .single()
        .expect("Shanghai has no clock changes")
        .with_timezone(&Utc)
}

/// An app whose holidays are `calendar` and whose rules are `rules` (`KIND=DAYS,…`), with
/// the compliance sweep every 50 ms.
pub async fn app_with(calendar: &Calendar, rules: &str) -> TestApp {
    app_on(calendar, rules, None).await
}

/// Like [`app_with`], on the database at `database_url` when given (a restart).
pub async fn app_on(calendar: &Calendar, rules: &str, database_url: Option<String>) -> TestApp {
    let file = calendar.file();
    let rules = rules.to_owned();
    spawn_app_with(move |config| {
        if database_url.is_some() {
            config.database_url = database_url;
        }
        let mut deadlines = DeadlineRules::default().with_days(&rules).expect("rules");
        deadlines.calendar = HolidayCalendar::parse(&file).expect("a test calendar");
        config.compliance.rules = deadlines;
        config.compliance.sweep_interval = std::time::Duration::from_millis(50);
    })
    .await
}

/// An EV pack collected, and a recycler for it.
pub async fn pack_and_recycler(app: &TestApp) -> (Collected, Plant) {
    let collected = collected_order_of(app, PACK).await;
    let recycler = plant(
        app,
        &collected.operator,
        &["EV_BATTERY_PACK"],
        r#"["HAZARDOUS_BATTERY"]"#,
    )
    .await;
    (collected, recycler)
}

/// Hands the pack over and has the recycler accept it; the transfer as received.
pub async fn received(app: &TestApp, collected: &Collected, recycler: &Plant) -> Value {
    let transfer = handed_over(app, collected, recycler).await;
    let response = crate::custody::fixtures::receive(
        app,
        &recycler.staff.access,
        transfer["id"].as_str().expect("id"),
        crate::custody::fixtures::accept_all(&transfer),
    )
    .await;
    let received = response["data"]["receiveTransfer"].clone();
    assert_eq!(received["status"], "RECEIVED", "{response}");
    received
}

/// `complianceTasks` as `token` with `args` (GraphQL argument text, may be empty); the
/// whole response.
pub async fn tasks(app: &TestApp, token: &str, args: &str) -> Value {
    let args = if args.is_empty() {
        String::new()
    } else {
        format!("({args})")
    };
    app.gql(
        Some(token),
        &format!("query {{ complianceTasks{args} {{ edges {{ cursor node {{ {TASK_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"),
        json!({}),
    )
    .await
}

/// The task nodes of a `complianceTasks` response.
pub fn nodes(response: &Value) -> Vec<Value> {
    response["data"]["complianceTasks"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("tasks: {response}"))
        .iter()
        .map(|edge| edge["node"].clone())
        .collect()
}

/// `markComplianceReported` as `token`; the whole response.
pub async fn mark_reported(app: &TestApp, token: &str, task_id: &str, reference: &str) -> Value {
    app.gql(
        Some(token),
        &format!("mutation($id: ID!, $r: String!) {{ markComplianceReported(taskId: $id, reference: $r) {{ {TASK_FIELDS} }} }}"),
        json!({"id": task_id, "r": reference}),
    )
    .await
}

/// `who` signed in again (after the clock moved past their token's lifetime).
pub async fn signed_in_again(app: &TestApp, who: &Account) -> Account {
    let response = app
        .gql(
            None,
            LOGIN,
            json!({"email": who.email, "password": PASSWORD}),
        )
        .await;
    account_from(&response["data"]["login"], &who.email)
        .unwrap_or_else(|| panic!("login: {response}"))
}
