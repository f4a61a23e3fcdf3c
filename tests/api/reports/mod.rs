//! Collection reports: exact figures over a known workload, who sees what, bad input and
//! the CSV export; the catalog's CO2e factors.

mod bad_input;
mod co2e;
mod concurrency;
mod figures;
mod fixtures;
mod months;
mod scope;
mod workload;
