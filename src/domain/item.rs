//! What identifies and measures an item in a quote: quantity, weight, state of health,
//! serial numbers (IMEIs checked with Luhn). Battery trace codes are in `trace_code`.

use rust_decimal::Decimal;

use super::ParseError;

/// Most pieces one quote line may hold.
pub const MAX_QUANTITY: i32 = 1000;
/// Heaviest single item accepted, in kg (a large EV pack is ~700 kg).
pub const MAX_WEIGHT_KG: Decimal = Decimal::from_parts(5000, 0, 0, false, 0);

/// A quantity of 1 to [`MAX_QUANTITY`].
pub fn parse_quantity(raw: i32) -> Result<u32, ParseError> {
    if (1..=MAX_QUANTITY).contains(&raw) {
        Ok(raw.unsigned_abs())
    } else {
        Err(ParseError(format!("must be between 1 and {MAX_QUANTITY}")))
    }
}

/// A weight in kg: positive, at most [`MAX_WEIGHT_KG`], at most 3 decimals (grams).
pub fn parse_weight_kg(raw: Decimal) -> Result<Decimal, ParseError> {
    if raw <= Decimal::ZERO {
        return Err(ParseError("must be greater than 0".to_owned()));
    }
    if raw > MAX_WEIGHT_KG {
        return Err(ParseError(format!("must be at most {MAX_WEIGHT_KG} kg")));
    }
    if raw.normalize().scale() > 3 {
        return Err(ParseError("must have at most 3 decimals".to_owned()));
    }
    Ok(raw.normalize())
}

/// A battery's state of health, 0 to 100 %.
pub fn parse_state_of_health(raw: i32) -> Result<u8, ParseError> {
    u8::try_from(raw)
        .ok()
        .filter(|pct| *pct <= 100)
        .ok_or_else(|| ParseError("must be between 0 and 100".to_owned()))
}

/// A device serial number; an all-digit serial of a phone must be a valid IMEI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SerialNumber(String);

impl SerialNumber {
    /// Parses `raw`. Serials are 4 to 40 letters, digits and dashes. For phones
    /// (`is_phone`), a serial made only of digits is an IMEI: 15 digits with a valid Luhn
    /// check digit.
    pub fn parse(raw: &str, is_phone: bool) -> Result<Self, ParseError> {
        let serial = raw.trim().to_uppercase();
        if !(4..=40).contains(&serial.len())
            || !serial
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(ParseError(
                "must be 4 to 40 letters, digits or dashes".to_owned(),
            ));
        }
        let digits_only = serial.chars().all(|c| c.is_ascii_digit());
        if is_phone && digits_only {
            if serial.len() != 15 {
                return Err(ParseError("an IMEI has 15 digits".to_owned()));
            }
            if !luhn_valid(&serial) {
                return Err(ParseError("is not a valid IMEI (check digit)".to_owned()));
            }
        }
        Ok(Self(serial))
    }

    /// The normalised serial.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The Luhn check over a string of ASCII digits.
fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imeis_are_luhn_checked_for_phones_only() {
        assert!(SerialNumber::parse("490154203237518", true).is_ok());
        assert!(SerialNumber::parse("490154203237517", true).is_err());
        assert!(SerialNumber::parse("49015420323751", true).is_err());
        assert!(SerialNumber::parse("490154203237517", false).is_ok());
        assert!(SerialNumber::parse("C02XL0GZJGH5", true).is_ok());
        assert!(SerialNumber::parse("ab", false).is_err());
        assert!(SerialNumber::parse("bad serial!", false).is_err());
    }

    #[test]
    fn quantities_weights_and_health_are_bounded() {
        assert!(parse_quantity(0).is_err());
        assert!(parse_quantity(1001).is_err());
        assert_eq!(parse_quantity(3), Ok(3));
        assert!(parse_weight_kg(Decimal::ZERO).is_err());
        assert!(parse_weight_kg(Decimal::new(-1, 0)).is_err());
        assert!(parse_weight_kg(Decimal::new(5001, 0)).is_err());
        assert!(parse_weight_kg(Decimal::new(12345, 4)).is_err());
        assert_eq!(
            parse_weight_kg(Decimal::new(2500, 3)),
            Ok(Decimal::new(25, 1))
        );
        assert!(parse_state_of_health(101).is_err());
        assert!(parse_state_of_health(-1).is_err());
        assert_eq!(parse_state_of_health(85), Ok(85));
    }
}
