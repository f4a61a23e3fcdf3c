//! Pure rules and value types: no database, no network, no async.
//!
//! Inputs are parsed into these types ("parse, don't validate") before a service sees
//! them, so a service never holds an unchecked email or an unknown role.

pub mod acceptance;
pub mod account;
pub mod address;
pub mod asset_list;
pub mod blocklist;
pub mod collector;
pub mod compliance;
pub mod custody;
pub mod discrepancy;
pub mod dispatch;
pub mod epcis;
pub mod field_action;
pub mod geo;
pub mod item;
pub mod map_tiles;
pub mod order;
pub mod organization;
pub mod partner;
pub mod partner_access;
pub mod pricing;
pub mod quote;
pub mod report;
pub mod role;
pub mod trace_code;

pub use account::{DisplayName, Email, Phone, PlainPassword};
pub use collector::{Certification, CollectorStatus, Vehicle};
pub use role::Role;

/// Why a value could not be parsed; the caller attaches the input field's name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

/// Declares a closed set of names stored as SCREAMING_SNAKE strings, with
/// `as_str`, `FromStr` and `ALL`.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stored and published name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::ParseError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok(Self::$variant),)+
                    other => Err($crate::domain::ParseError(format!(
                        "unknown {} {other:?}", stringify!($name)
                    ))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;
