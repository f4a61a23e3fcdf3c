//! Collection reports: exact figures over a known workload, who sees what, bad input and
//! the CSV export.

mod bad_input;
mod figures;
mod fixtures;
mod scope;
mod workload;
