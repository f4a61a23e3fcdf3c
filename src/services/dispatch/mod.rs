//! Dispatch: collectors going online and reporting positions, matching orders to nearby
//! eligible collectors in batches of offers, first accept wins, and a sweeper that expires
//! offers and re-dispatches (safe with several instances).

mod availability;
mod board;
mod dispatcher;
pub mod events;
mod matching;
mod offers;
mod sweeper;
mod tracking;

pub use availability::{load_geo_index, report_location, set_availability};
pub use board::{DispatchBoard, dispatch_board};
pub use dispatcher::spawn_dispatcher;
pub use matching::dispatch_order;
pub use offers::{accept_offer, decline_offer, find_offer_for, my_offers, withdraw_pending};
pub use sweeper::{spawn_sweeper, sweep};
pub use tracking::collector_positions;
