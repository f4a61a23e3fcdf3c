//! The identifiers an EPCIS export names things by. reloop holds no GS1 company prefix,
//! so it cannot mint SGTINs, SGLNs or PGLNs; it uses its own URN namespace instead, which
//! EPCIS 2.0 accepts wherever it asks for a URI (items, classes, locations, parties,
//! transactions). Each names one record by its id, and means the same in every export.

use uuid::Uuid;

use crate::domain::custody::Holder;

/// A piece (an instance, for `epcList`).
pub fn item(id: Uuid) -> String {
    format!("urn:reloop:item:{id}")
}

/// A weighed lot, as a lot-level class for `quantityList` (like an LGTIN: the class is
/// the lot itself, so two lots of one category stay apart).
pub fn lot(id: Uuid) -> String {
    format!("urn:reloop:lot:{id}")
}

/// A custody event (`eventID`).
pub fn event(id: Uuid) -> String {
    format!("urn:reloop:event:{id}")
}

/// A facility as a place (`readPoint`, `bizLocation`, a `location` destination).
pub fn facility_location(id: Uuid) -> String {
    format!("urn:reloop:location:facility:{id}")
}

/// The doorstep as a `geo:` URI (RFC 5870), for viewers who may see where the order
/// was collected.
pub fn doorstep(latitude: f64, longitude: f64) -> String {
    format!("geo:{latitude},{longitude}")
}

/// A party holding an item (`possessing_party`).
pub fn party(holder: Holder) -> String {
    match holder {
        Holder::Collector(id) => format!("urn:reloop:party:collector:{id}"),
        Holder::Facility(id) => format!("urn:reloop:party:facility:{id}"),
    }
}

/// The customer who handed the order's items over, named through the order, so the
/// export carries no account id or personal data.
pub fn customer_of(order_id: Uuid) -> String {
    format!("urn:reloop:party:customer-of-order:{order_id}")
}

/// The pickup order (a `po` business transaction: the network buys the items).
pub fn order(id: Uuid) -> String {
    format!("urn:reloop:order:{id}")
}

/// A transfer note (a `desadv` business transaction: the hand-over's despatch advice).
pub fn transfer(number: &str) -> String {
    format!("urn:reloop:transfer:{number}")
}
