//! Authentication: registration, login, refresh-token rotation, logout, access tokens,
//! and the [`Viewer`] every request runs as.

mod login;
mod logout;
mod refresh;
mod register;
mod session;
mod tokens;
mod viewer;

pub use login::login;
pub use logout::logout;
pub use refresh::refresh;
pub use register::{OrganizationChoice, Registration, register};
pub use session::Session;
pub use tokens::{AccessClaims, AccessTokens, TokenError};
pub use viewer::{Viewer, visible_or_not_found};
