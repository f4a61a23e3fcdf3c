//! GraphQL mirrors of the domain's enums (`remote` keeps the two in step).

use async_graphql::Enum;

/// Who a caller is; decides what it may do.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "Role", remote = "crate::domain::Role")]
pub enum RoleGql {
    /// A private customer.
    Household,
    /// A member of an organisation.
    Business,
    /// A collector who runs pickups.
    Collector,
    /// A partner system acting through an API key.
    Partner,
    /// Staff; created from the command line only.
    Operator,
    /// Staff of a processing facility; joins it with the facility's invite code.
    Facility,
}

/// What a collector drives.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "Vehicle", remote = "crate::domain::Vehicle")]
pub enum VehicleGql {
    /// A cargo bike: small items only.
    Bike,
    /// A van.
    Van,
    /// A truck: appliances and battery packs.
    Truck,
}

/// A licence a collector holds; some categories require one.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "Certification", remote = "crate::domain::Certification")]
pub enum CertificationGql {
    /// May carry hazardous batteries (EV packs, lead-acid).
    HazardousBattery,
    /// May move large appliances.
    LargeAppliance,
    /// May take devices with data and certify its destruction.
    DataDestruction,
    /// May handle appliances that contain refrigerant.
    RefrigerantHandling,
}

/// Whether a collector can take work now.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "CollectorStatus", remote = "crate::domain::CollectorStatus")]
pub enum CollectorStatusGql {
    /// Not receiving offers.
    Offline,
    /// Online and free.
    Available,
    /// Online with assigned work.
    Busy,
}

/// The numbering scheme of a battery trace code.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "TraceCodeScheme",
    remote = "crate::domain::trace_code::TraceScheme"
)]
pub enum TraceSchemeGql {
    /// China's traction-battery code (24 characters), parsed into its segments.
    #[graphql(name = "GB_T_34014")]
    GbT34014,
    /// China's code for non-automotive lithium-ion batteries, stored as given.
    #[graphql(name = "GB_T_45565")]
    GbT45565,
    /// An EU battery passport identifier, stored as given.
    EuBatteryPassport,
}

/// What a GB/T 34014 code marks.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "BatteryProductType",
    remote = "crate::domain::trace_code::ProductType"
)]
pub enum ProductTypeGql {
    /// A battery pack (P).
    Pack,
    /// A module (M).
    Module,
    /// A cell (C).
    Cell,
}
