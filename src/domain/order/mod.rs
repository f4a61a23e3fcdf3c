//! Pickup orders: the lifecycle state machine, time windows and service hours, order
//! numbers and the inspection tolerance rule.

mod lifecycle;
mod number;
mod payout;
mod service_hours;
mod tolerance;
mod window;

pub use lifecycle::{Actor, OrderStatus, Transition, TransitionError};
pub use number::order_number;
pub use payout::PayoutStatus;
pub use service_hours::ServiceHours;
pub use tolerance::within_tolerance;
pub use window::{TimeWindow, WindowRules};
