//! Collector vocabulary: vehicles, certifications and availability.

use super::string_enum;

string_enum! {
    /// What a collector drives.
    Vehicle {
        /// A cargo bike: small items only.
        Bike => "BIKE",
        /// A van.
        Van => "VAN",
        /// A truck: appliances and battery packs.
        Truck => "TRUCK",
    }
}

string_enum! {
    /// A licence a collector holds; some categories require one.
    Certification {
        /// May carry hazardous batteries (EV packs, lead-acid).
        HazardousBattery => "HAZARDOUS_BATTERY",
        /// May move large appliances.
        LargeAppliance => "LARGE_APPLIANCE",
        /// May take devices with data and certify its destruction.
        DataDestruction => "DATA_DESTRUCTION",
        /// May handle appliances that contain refrigerant.
        RefrigerantHandling => "REFRIGERANT_HANDLING",
    }
}

string_enum! {
    /// Whether a collector can take work now.
    CollectorStatus {
        /// Not receiving offers.
        Offline => "OFFLINE",
        /// Online and free.
        Available => "AVAILABLE",
        /// Online with assigned work.
        Busy => "BUSY",
    }
}
