//! The blocklist's rules: why a device is listed, and the one form a serial or IMEI is
//! looked up in, whatever way it was typed.

use super::{ParseError, string_enum};

string_enum! {
    /// Why a device is listed.
    BlockReason {
        /// Reported stolen.
        Stolen => "STOLEN",
        /// Reported lost.
        Lost => "LOST",
        /// Still under a finance agreement.
        Financed => "FINANCED",
        /// Anything else (see the note).
        Other => "OTHER",
    }
}

/// `raw` without spaces or dashes, in capitals: 4 to 40 letters and digits.
pub fn normalize_serial(raw: &str) -> Result<String, ParseError> {
    let serial: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_uppercase();
    if !(4..=40).contains(&serial.len()) || !serial.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ParseError("must be 4 to 40 letters and digits".to_owned()));
    }
    Ok(serial)
}

/// The form a normalised serial is looked up in: an IMEI without its check digit (so a
/// listing with or without it matches either), any other serial as it is.
pub fn lookup_form(normalized: &str) -> &str {
    if normalized.len() == 15 && normalized.chars().all(|c| c.is_ascii_digit()) {
        &normalized[..14]
    } else {
        normalized
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spacing_case_and_the_imei_check_digit_do_not_matter() {
        let with_digit = normalize_serial("4901 5420 3237 518").expect("valid");
        let without = normalize_serial("49-015420-323751").expect("valid");
        assert_eq!(lookup_form(&with_digit), lookup_form(&without));
        assert_eq!(
            normalize_serial(" c02xl0gz jgh5 "),
            Ok("C02XL0GZJGH5".to_owned())
        );
        assert!(normalize_serial("ab").is_err());
        assert!(normalize_serial("bad serial!").is_err());
    }
}
