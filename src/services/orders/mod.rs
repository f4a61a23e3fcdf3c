//! Pickup orders: booking with capacity and idempotency, the lifecycle transitions,
//! inspection re-pricing, completion with payout, ratings, and reads with object-level
//! authorization.

mod access;
mod assignment;
mod booker;
mod booking;
mod booking_batch;
mod booking_write;
mod booking_writer;
mod completion;
mod device;
mod idempotency;
mod inspection;
mod lifecycle;
mod payouts;
mod read;
pub mod relations;
mod reschedule;
mod slots;
mod timeouts;
pub mod transition;
pub mod updates;

pub use access::Party;
pub use assignment::{Assignment, assign_collector};
pub use booking::{BookingRequest, book_pickup};
pub use booking_writer::Booking;
pub use completion::{CompletionProof, complete_pickup, rate_collector};
pub use inspection::{InspectedLine, record_inspection};
pub use lifecycle::{
    cancel_pickup, give_up, mark_arrived, report_failed_pickup, respond_to_final_offer, start_trip,
};
pub use payouts::settle_payout;
pub use read::{OrderFilter, find_order, list_orders};
pub use reschedule::reschedule_pickup;
pub use slots::{SlotAvailability, available_windows};
pub use timeouts::{Overdue, move_overdue_orders};
pub use updates::{order_activity, order_updates, publish_order_activity, publish_order_update};
