//! `DbDecimal`: an exact decimal column on both SQLite and PostgreSQL.
//!
//! sea-orm reads `rust_decimal::Decimal` from SQLite through `f64`, which rounds money.
//! reloop therefore declares decimal columns as TEXT on SQLite (NUMERIC on PostgreSQL,
//! see the migration crate) and decodes them with this wrapper: a string is parsed
//! exactly, a native NUMERIC is taken as is.

use std::str::FromStr;

use rust_decimal::Decimal;
use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, Value, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable};
use serde::{Deserialize, Serialize};

/// A decimal stored without loss on every supported backend.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct DbDecimal(pub Decimal);

impl From<Decimal> for DbDecimal {
    fn from(value: Decimal) -> Self {
        Self(value)
    }
}

impl From<DbDecimal> for Decimal {
    fn from(value: DbDecimal) -> Self {
        value.0
    }
}

impl From<DbDecimal> for Value {
    fn from(value: DbDecimal) -> Self {
        // SQLite binds a Decimal as its string form, PostgreSQL as NUMERIC: both exact.
        Value::Decimal(Some(value.0))
    }
}

impl Nullable for DbDecimal {
    fn null() -> Value {
        Value::Decimal(None)
    }
}

impl ValueType for DbDecimal {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        match v {
            Value::Decimal(Some(d)) => Ok(Self(d)),
            Value::String(Some(s)) => Decimal::from_str(&s).map(Self).map_err(|_| ValueTypeErr),
            _ => Err(ValueTypeErr),
        }
    }

    fn type_name() -> String {
        "DbDecimal".to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::Decimal
    }

    fn column_type() -> ColumnType {
        ColumnType::Decimal(None)
    }
}

impl TryGetable for DbDecimal {
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        // A TEXT column (SQLite) decodes as a String; a NUMERIC one (PostgreSQL) does not,
        // and falls through to the native decoder.
        match <Option<String> as TryGetable>::try_get_by(res, index) {
            Ok(Some(text)) => Decimal::from_str(&text).map(Self).map_err(|e| {
                TryGetError::DbErr(DbErr::Type(format!("invalid decimal {text:?}: {e}")))
            }),
            Ok(None) => Err(TryGetError::Null(format!("{index:?}"))),
            Err(_) => <Decimal as TryGetable>::try_get_by(res, index).map(Self),
        }
    }
}
