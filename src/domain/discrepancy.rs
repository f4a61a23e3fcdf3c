//! Discrepancies: what did not match between two parties' records of the same item,
//! recorded as found (never overwritten) for an operator to clear, and which of them
//! hold the customer's payout until then.

use super::{ParseError, string_enum};

string_enum! {
    /// What did not match.
    DiscrepancyKind {
        /// The facility weighed an item outside the tolerance of the collector's weight.
        WeightAtReceipt => "WEIGHT_AT_RECEIPT",
        /// The trace code read at the door differs from the quoted one, or is missing.
        TraceCodeAtInspection => "TRACE_CODE_AT_INSPECTION",
    }
}

impl DiscrepancyKind {
    /// Whether an open discrepancy of this kind keeps the order's payout from being paid:
    /// a battery that is not the one quoted may not be what the price was for, whereas a
    /// weight measured at the plant is the collector's and the plant's matter.
    pub fn holds_payout(self) -> bool {
        matches!(self, Self::TraceCodeAtInspection)
    }
}

/// How an operator cleared a discrepancy, in their words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution(String);

impl Resolution {
    /// Longest resolution accepted.
    pub const MAX_CHARS: usize = 1000;

    /// Parses what an operator typed: 1 to [`Self::MAX_CHARS`] characters after trimming.
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.chars().count() > Self::MAX_CHARS {
            return Err(ParseError(format!(
                "say how it was resolved, in 1 to {} characters",
                Self::MAX_CHARS
            )));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a trace code read at the door matches the quoted one: both as parsed values
/// (so case and surrounding spaces do not count); `None` when they match.
pub fn trace_code_mismatch<'a>(
    quoted: Option<&'a str>,
    read: Option<&'a str>,
) -> Option<(Option<&'a str>, Option<&'a str>)> {
    match (quoted, read) {
        (None, _) => None,
        (Some(q), Some(r)) if q.trim().eq_ignore_ascii_case(r.trim()) => None,
        (q, r) => Some((q, r)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_trace_codes_hold_the_payout() {
        assert!(DiscrepancyKind::TraceCodeAtInspection.holds_payout());
        assert!(!DiscrepancyKind::WeightAtReceipt.holds_payout());
    }

    #[test]
    fn a_resolution_says_something_within_bounds() {
        assert_eq!(
            Resolution::parse("  checked the label ").map(|r| r.as_str().to_owned()),
            Ok("checked the label".to_owned())
        );
        assert!(Resolution::parse(" ").is_err());
        assert!(Resolution::parse(&"x".repeat(1001)).is_err());
    }

    #[test]
    fn trace_codes_match_ignoring_case_and_spaces() {
        assert_eq!(trace_code_mismatch(None, Some("X")), None);
        assert_eq!(trace_code_mismatch(Some("abc"), Some(" ABC ")), None);
        assert_eq!(
            trace_code_mismatch(Some("ABC"), Some("ABD")),
            Some((Some("ABC"), Some("ABD")))
        );
        assert_eq!(
            trace_code_mismatch(Some("ABC"), None),
            Some((Some("ABC"), None))
        );
    }
}
