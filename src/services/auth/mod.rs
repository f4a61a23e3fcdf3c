//! Authentication: registration, login, refresh-token rotation, logout, and the
//! [`Viewer`] every request runs as. Access tokens are signed by
//! [`crate::infra::tokens`].

mod login;
mod logout;
mod refresh;
mod register;
mod session;
mod viewer;

pub use login::login;
pub use logout::logout;
pub use refresh::refresh;
pub use register::{OrganizationChoice, Registration, register};
pub use session::Session;
pub use viewer::{Viewer, visible_or_not_found};
