//! Dispatch: collectors going online and reporting positions, matching orders to nearby
//! eligible collectors in batches of offers, first accept wins, and a sweeper that expires
//! offers and re-dispatches (safe with several instances).

mod availability;
mod board;
mod declines;
mod dispatcher;
pub mod events;
mod matching;
mod offers;
mod positions;
pub mod presence;
mod sweeper;
mod tracking;

pub use availability::set_availability;
pub use board::{DispatchBoard, dispatch_board};
pub use declines::decline_offer;
pub use dispatcher::spawn_dispatcher;
pub use matching::dispatch_order;
pub use offers::{accept_offer, find_offer_for, my_offers, withdraw_pending};
pub use positions::{load_geo_index, report_location};
pub use sweeper::{spawn_sweeper, sweep};
pub use tracking::collector_positions;
