//! Who takes part in the demo, set up through the public API as real people would be: the
//! operator (created like `reloop create-operator`, then signed in), the plants and their
//! staff, and the collectors (registered, profiled, verified by the operator). A second run
//! on the same database signs the same people in again instead of failing.

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

use super::api::{Api, DEMO_PASSWORD, Session};
use super::city::{near_place, random_address};
use crate::domain::geo::GeoPoint;
use crate::error::AppError;
use crate::services::operators;
use crate::state::AppState;

/// The operator's email (the password is [`DEMO_PASSWORD`]).
pub const OPERATOR_EMAIL: &str = "demo.operator@example.com";

/// Every certification there is: demo collectors and plants may handle anything.
const CERTIFICATIONS: [&str; 4] = [
    "HAZARDOUS_BATTERY",
    "LARGE_APPLIANCE",
    "DATA_DESTRUCTION",
    "REFRIGERANT_HANDLING",
];

/// Collectors' names, in sign-up order.
pub const COLLECTOR_NAMES: &[&str] = &[
    "Wang Lei",
    "Li Na",
    "Zhang Wei",
    "Liu Yang",
    "Chen Jie",
    "Yang Fan",
    "Zhao Min",
    "Huang Tao",
    "Zhou Hui",
    "Wu Qiang",
    "Xu Jing",
    "Sun Hao",
];

/// The demo plants: name, permit, where.
const PLANTS: &[(&str, &str, f64, f64)] = &[
    (
        "Yangpu Recycling Works",
        "HW-310110-0101",
        31.2700,
        121.5300,
    ),
    (
        "Xuhui Materials Recovery",
        "HW-310104-0202",
        31.1800,
        121.4300,
    ),
];

/// A plant collectors can drive to.
#[derive(Clone, Debug)]
pub struct Plant {
    /// Facility id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Where it is.
    pub location: GeoPoint,
    /// Its staff member.
    pub staff: Session,
}

/// A verified collector, signed in, and where it starts.
#[derive(Clone, Debug)]
pub struct Recruit {
    /// Its display name.
    pub name: String,
    /// Signed in as the collector.
    pub session: Session,
    /// Where it goes online.
    pub start: GeoPoint,
}

/// Creates the demo operator (unless an earlier run did) and signs it in.
pub async fn operator(state: &AppState, api: &Api) -> anyhow::Result<Session> {
    match operators::create_operator(state, OPERATOR_EMAIL, DEMO_PASSWORD.to_owned()).await {
        Ok(_) | Err(AppError::Conflict(_)) => {}
        Err(other) => return Err(other.into_anyhow()),
    }
    Session::login(api, OPERATOR_EMAIL).await
}

/// Every category code of the catalog.
pub async fn category_codes(api: &Api) -> anyhow::Result<Vec<String>> {
    let data = api.call(None, "{ categories { code } }", json!({})).await?;
    Ok(data["categories"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["code"].as_str().map(str::to_owned))
        .collect())
}

/// The demo plants (created unless they exist), each with one staff member.
pub async fn plants(
    api: &Api,
    operator: &mut Session,
    categories: &[String],
) -> anyhow::Result<Vec<Plant>> {
    let listed = operator
        .call(
            "{ facilities(first: 100) { edges { node { id name inviteCode } } } }",
            json!({}),
        )
        .await?;
    let existing: Vec<Value> = listed["facilities"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|edge| edge["node"].clone())
        .collect();
    let mut plants = Vec::new();
    for (index, (name, permit, lat, lon)) in PLANTS.iter().enumerate() {
        let location = GeoPoint {
            latitude: *lat,
            longitude: *lon,
        };
        let facility = match existing.iter().find(|f| f["name"] == *name) {
            Some(found) => found.clone(),
            None => create_plant(operator, name, permit, location, categories).await?,
        };
        let staff = Session::register_or_login(
            api,
            json!({"email": format!("demo.plant.{}@example.com", index + 1),
                   "displayName": format!("{name} intake"), "role": "FACILITY",
                   "facilityInviteCode": facility["inviteCode"]}),
        )
        .await?;
        plants.push(Plant {
            id: facility["id"].as_str().unwrap_or_default().to_owned(),
            name: (*name).to_owned(),
            location,
            staff,
        });
    }
    Ok(plants)
}

async fn create_plant(
    operator: &mut Session,
    name: &str,
    permit: &str,
    location: GeoPoint,
    categories: &[String],
) -> anyhow::Result<Value> {
    let query =
        "mutation($input: FacilityInput!) { createFacility(input: $input) { id name inviteCode } }";
    let input = json!({
        "name": name, "permitNumber": permit, "acceptedCategories": categories,
        "certifications": CERTIFICATIONS,
        "address": {"line1": "1 Recycling Road", "city": "Shanghai",
                    "location": {"latitude": location.latitude, "longitude": location.longitude}},
    });
    let data = operator.call(query, json!({"input": input})).await?;
    Ok(data["createFacility"].clone())
}

/// `count` collectors, verified by `operator`, each starting near a landmark (the same
/// places for the same seed).
pub async fn collectors(
    api: &Api,
    operator: &mut Session,
    count: usize,
    seed: u64,
) -> anyhow::Result<Vec<Recruit>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut recruits = Vec::new();
    for index in 0..count {
        let name = COLLECTOR_NAMES[index % COLLECTOR_NAMES.len()].to_owned();
        let mut session = Session::register_or_login(
            api,
            json!({"email": format!("demo.collector.{:02}@example.com", index + 1),
                   "displayName": name, "role": "COLLECTOR",
                   "phone": format!("+86 139 0000 {:04}", index + 1)}),
        )
        .await?;
        verify(operator, &mut session, index).await?;
        let start = if index < super::city::PLACES.len() {
            near_place(&mut rng, index, 1.5)
        } else {
            random_address(&mut rng, 1.5)
        };
        recruits.push(Recruit {
            name,
            session,
            start,
        });
    }
    Ok(recruits)
}

/// Fills in the profile (a van, or a truck for every third) and has the operator verify
/// it, unless an earlier run did.
async fn verify(
    operator: &mut Session,
    collector: &mut Session,
    index: usize,
) -> anyhow::Result<()> {
    let me = collector
        .call("{ me { collector { id verified } } }", json!({}))
        .await?;
    if me["me"]["collector"]["verified"] == true {
        return Ok(());
    }
    let (vehicle, capacity) = if index % 3 == 2 {
        ("TRUCK", "2000")
    } else {
        ("VAN", "800")
    };
    let saved = collector
        .call(
            "mutation($input: CollectorProfileInput!) { updateCollectorProfile(input: $input) { id } }",
            json!({"input": {"vehicle": vehicle, "capacityKg": capacity, "certifications": CERTIFICATIONS}}),
        )
        .await?;
    operator
        .call(
            "mutation($id: ID!) { verifyCollector(collectorId: $id) { verified } }",
            json!({"id": saved["updateCollectorProfile"]["id"]}),
        )
        .await?;
    Ok(())
}
