//! The `Decimal` scalar: money and weights on the wire, read only from plain decimal
//! strings.
//!
//! async-graphql's own `Decimal` (its `decimal` feature) also takes JSON numbers (through
//! `f64`, so inexact), exponents (`"1e3"`) and underscores (`"1_000"`), and reports a bad
//! value only during execution. This one accepts `[+-]?digits(.digits)?` and nothing else,
//! and its `is_valid` lets validation refuse a bad value before anything runs
//! (BAD_USER_INPUT with the value's path).

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};

/// What a client is told when a Decimal input is refused.
pub const DECIMAL_FORMAT: &str = "a Decimal is a string of digits with an optional sign and at \
     most one decimal point, e.g. \"129.50\" (no numbers, exponents, underscores or spaces)";

/// A `rust_decimal::Decimal` as the API reads and writes it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DecimalString(pub rust_decimal::Decimal);

// The doc line below is the schema's description of `Decimal`: one line, as the SDL shows it.
/// An exact decimal number as a string, e.g. "129.50": money (in the order's or quote's currency) and weights (kg). Never a float: inputs accept only a plain decimal string (an optional sign, digits, at most one decimal point), not a JSON number, an exponent or underscores.
#[Scalar(name = "Decimal")]
impl ScalarType for DecimalString {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => parse_plain(text)
                .map(Self)
                .ok_or_else(|| InputValueError::custom(DECIMAL_FORMAT)),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(text) if parse_plain(text).is_some())
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

impl From<rust_decimal::Decimal> for DecimalString {
    fn from(value: rust_decimal::Decimal) -> Self {
        Self(value)
    }
}

/// `text` as a decimal if it is plain (`[+-]?[0-9]+(\.[0-9]+)?`) and fits exactly.
pub fn parse_plain(text: &str) -> Option<rust_decimal::Decimal> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !(digits(whole) && digits(fraction)) {
        return None;
    }
    rust_decimal::Decimal::from_str_exact(text.strip_prefix('+').unwrap_or(text)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimal_strings_are_read_exactly() {
        for (text, expected) in [
            ("129.50", "129.50"),
            ("0", "0"),
            ("-3.125", "-3.125"),
            ("+7", "7"),
            ("007.10", "7.10"),
        ] {
            assert_eq!(
                parse_plain(text).map(|d| d.to_string()).as_deref(),
                Some(expected),
                "{text}"
            );
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for text in [
            "",
            "1_000",
            "1e3",
            "1E3",
            "Infinity",
            "-Infinity",
            "NaN",
            " 1",
            "1 ",
            "1.",
            ".5",
            "1.2.3",
            "--1",
            "+-1",
            "0x10",
            "1,5",
            "١٢",
            "99999999999999999999999999999999",
        ] {
            assert!(parse_plain(text).is_none(), "{text:?} was accepted");
        }
    }

    #[test]
    fn json_numbers_and_other_values_are_refused() {
        assert!(!DecimalString::is_valid(&Value::from(5)));
        assert!(!DecimalString::is_valid(&Value::from(1.5)));
        assert!(!DecimalString::is_valid(&Value::Boolean(true)));
        assert!(DecimalString::is_valid(&Value::from("1.5")));
        assert!(DecimalString::parse(Value::from(5)).is_err());
    }
}
