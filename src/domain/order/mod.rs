//! Pickup orders: the lifecycle state machine, time windows, order numbers and the
//! inspection tolerance rule.

mod lifecycle;
mod number;
mod payout;
mod tolerance;
mod window;

pub use lifecycle::{Actor, OrderStatus, Transition, TransitionError};
pub use number::order_number;
pub use payout::PayoutStatus;
pub use tolerance::within_tolerance;
pub use window::{TimeWindow, WindowRules};
