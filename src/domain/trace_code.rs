//! Battery trace codes: GB/T 34014 codes parsed into their segments, and codes of other
//! schemes (GB/T 45565 for non-automotive lithium-ion batteries, an EU battery-passport
//! identifier) kept as given with their scheme named.
//!
//! GB/T 34014 (24 characters): manufacturer 1–3, product type 4 (P pack, M module,
//! C cell), battery type 5, specification 6–7, traceability information 8–14, production
//! date 15–17 (year, month, day), serial 18–24. The date characters are read as the
//! standard's annex lists them: the year as in vehicle identification numbers (A = 2010 …
//! Y = 2030, then 1 = 2031 … 9 = 2039, without I, O, Q, U, Z), the month 1–9 then A–C,
//! the day 1–9 then the 22 letters A–Y without I, O, Q.

use chrono::NaiveDate;

use super::{ParseError, string_enum};

string_enum! {
    /// The numbering scheme of a trace code.
    TraceScheme {
        /// China's traction-battery code, parsed into segments.
        GbT34014 => "GB_T_34014",
        /// China's code for non-automotive lithium-ion batteries, stored as given.
        GbT45565 => "GB_T_45565",
        /// An EU battery passport identifier, stored as given.
        EuBatteryPassport => "EU_BATTERY_PASSPORT",
    }
}

/// A checked trace code and its scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceCode {
    scheme: TraceScheme,
    code: String,
}

/// The segments of a GB/T 34014 code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gbt34014 {
    /// Manufacturer code (1–3).
    pub manufacturer: String,
    /// P, M or C (4).
    pub product_type: ProductType,
    /// Battery type code (5).
    pub battery_type: String,
    /// Specification code (6–7).
    pub specification: String,
    /// Traceability information (8–14).
    pub traceability: String,
    /// Production date (15–17).
    pub manufactured_on: NaiveDate,
    /// Serial number (18–24).
    pub serial: String,
}

string_enum! {
    /// What a GB/T 34014 code marks.
    ProductType {
        /// A battery pack (P).
        Pack => "PACK",
        /// A module (M).
        Module => "MODULE",
        /// A cell (C).
        Cell => "CELL",
    }
}

const YEAR_LETTERS: &str = "ABCDEFGHJKLMNPRSTVWXY";
const DAY_LETTERS: &str = "ABCDEFGHJKLMNPRSTUVWXY";

fn year(c: char) -> Option<i32> {
    if let Some(index) = YEAR_LETTERS.find(c) {
        return Some(2010 + i32::try_from(index).ok()?);
    }
    c.to_digit(10)
        .filter(|d| *d > 0)
        .map(|d| 2030 + i32::try_from(d).unwrap_or(0))
}

fn month(c: char) -> Option<u32> {
    match c {
        '1'..='9' => c.to_digit(10),
        'A' => Some(10),
        'B' => Some(11),
        'C' => Some(12),
        _ => None,
    }
}

fn day(c: char) -> Option<u32> {
    match c {
        '1'..='9' => c.to_digit(10),
        _ => DAY_LETTERS
            .find(c)
            .map(|i| 10 + u32::try_from(i).unwrap_or(0)),
    }
}

impl TraceCode {
    /// Parses `raw` under `scheme`; without one, a 24-character code is GB/T 34014 and a
    /// URN or URL is an EU passport identifier.
    pub fn parse(raw: &str, scheme: Option<TraceScheme>) -> Result<Self, ParseError> {
        let trimmed = raw.trim();
        let scheme = match scheme {
            Some(scheme) => scheme,
            None if trimmed.contains(':') => TraceScheme::EuBatteryPassport,
            None => TraceScheme::GbT34014,
        };
        let code = match scheme {
            TraceScheme::GbT34014 => {
                let code = trimmed.to_uppercase();
                gbt34014(&code)?;
                code
            }
            TraceScheme::GbT45565 | TraceScheme::EuBatteryPassport => {
                if trimmed.is_empty()
                    || trimmed.chars().count() > 200
                    || trimmed.chars().any(char::is_whitespace)
                {
                    return Err(ParseError(
                        "must be 1 to 200 characters without spaces".to_owned(),
                    ));
                }
                trimmed.to_owned()
            }
        };
        Ok(Self { scheme, code })
    }

    /// The code as stored.
    pub fn as_str(&self) -> &str {
        &self.code
    }

    /// Its scheme.
    pub fn scheme(&self) -> TraceScheme {
        self.scheme
    }

    /// The segments, for GB/T 34014 codes.
    pub fn segments(&self) -> Option<Gbt34014> {
        (self.scheme == TraceScheme::GbT34014)
            .then(|| gbt34014(&self.code).ok())
            .flatten()
    }
}

/// The segments of a GB/T 34014 code, or why it is not one.
fn gbt34014(code: &str) -> Result<Gbt34014, ParseError> {
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 24
        || !chars
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
    {
        return Err(ParseError(
            "a GB/T 34014 code has 24 digits or capital letters".to_owned(),
        ));
    }
    let part = |from: usize, to: usize| chars[from - 1..to].iter().collect::<String>();
    let product_type = match chars[3] {
        'P' => ProductType::Pack,
        'M' => ProductType::Module,
        'C' => ProductType::Cell,
        other => {
            return Err(ParseError(format!(
                "character 4 is the product type (P, M or C), not {other}"
            )));
        }
    };
    let date = year(chars[14])
        .zip(month(chars[15]))
        .zip(day(chars[16]))
        .and_then(|((y, m), d)| NaiveDate::from_ymd_opt(y, m, d))
        .ok_or_else(|| {
            ParseError(format!(
                "characters 15–17 ({}) are not a production date",
                part(15, 17)
            ))
        })?;
    Ok(Gbt34014 {
        manufacturer: part(1, 3),
        product_type,
        battery_type: part(5, 5),
        specification: part(6, 7),
        traceability: part(8, 14),
        manufactured_on: date,
        serial: part(18, 24),
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_gbt34014_code_splits_into_its_segments() {
        let code = TraceCode::parse("03hpb0da0001b1c7s0000001", None).expect("valid");
        assert_eq!(code.as_str(), "03HPB0DA0001B1C7S0000001");
        let segments = code.segments().expect("segments");
        assert_eq!(segments.manufacturer, "03H");
        assert_eq!(segments.product_type, ProductType::Pack);
        assert_eq!(segments.specification, "0D");
        assert_eq!(segments.traceability, "A0001B1");
        assert_eq!(
            segments.manufactured_on,
            NaiveDate::from_ymd_opt(2012, 7, 25).expect("date")
        );
        assert_eq!(segments.serial, "0000001");
    }

    #[test]
    fn bad_codes_are_refused_and_other_schemes_kept_as_given() {
        assert!(TraceCode::parse("TOO-SHORT", None).is_err());
        assert!(
            TraceCode::parse("03HXB0DA0001B1C7S0000001", None).is_err(),
            "product type X"
        );
        assert!(
            TraceCode::parse("03HPB0DA0001B1CDS0000001", None).is_err(),
            "month D"
        );
        assert!(
            TraceCode::parse("03HPB0DA0001B1C2Y0000001", None).is_err(),
            "31 February"
        );
        let passport = TraceCode::parse("urn:eu:battery:ABC-123", None).expect("passport");
        assert_eq!(passport.scheme(), TraceScheme::EuBatteryPassport);
        assert!(passport.segments().is_none());
        let other = TraceCode::parse("LI-ion-7788", Some(TraceScheme::GbT45565)).expect("kept");
        assert_eq!(other.as_str(), "LI-ion-7788");
    }

    proptest! {
        #[test]
        fn every_valid_date_round_trips(y in 2010i32..2040, m in 1u32..=12, d in 1u32..=28) {
            let year_char = if y <= 2030 { YEAR_LETTERS.chars().nth(usize::try_from(y - 2010).unwrap_or(0)) } else { char::from_digit(u32::try_from(y - 2030).unwrap_or(0), 10) };
            let month_char = if m <= 9 { char::from_digit(m, 10) } else { "ABC".chars().nth(usize::try_from(m - 10).unwrap_or(0)) };
            let day_char = if d <= 9 { char::from_digit(d, 10) } else { DAY_LETTERS.chars().nth(usize::try_from(d - 10).unwrap_or(0)) };
            let (Some(yc), Some(mc), Some(dc)) = (year_char, month_char, day_char) else { return Ok(()); };
            let code = format!("03HPB0DA0001B1{yc}{mc}{dc}0000001");
            let parsed = TraceCode::parse(&code, None).expect("valid");
            prop_assert_eq!(parsed.segments().map(|s| s.manufactured_on), NaiveDate::from_ymd_opt(y, m, d));
        }
    }
}
