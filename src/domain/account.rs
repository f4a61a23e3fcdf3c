//! Account inputs: email, password, display name, phone.

use super::ParseError;

/// A syntactically valid email address, trimmed and lower-cased (emails are unique
/// case-insensitively).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Parses `raw`; rejects anything without exactly one `@`, a dotted domain, or with
    /// spaces, and anything longer than 254 characters (RFC 5321).
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let email = raw.trim().to_lowercase();
        let invalid = || ParseError("is not a valid email address".to_owned());
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !domain.contains("..");
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as typed, checked against the length policy (OWASP: at least 8, at most
/// 128 characters, any characters allowed).
pub struct PlainPassword(String);

impl PlainPassword {
    /// Shortest accepted password, in characters.
    pub const MIN_CHARS: usize = 8;
    /// Longest accepted password, in characters (bounds hashing cost).
    pub const MAX_CHARS: usize = 128;

    /// Checks the length policy.
    pub fn parse(raw: String) -> Result<Self, ParseError> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(ParseError(format!(
                "must be at least {} characters",
                Self::MIN_CHARS
            )));
        }
        if chars > Self::MAX_CHARS {
            return Err(ParseError(format!(
                "must be at most {} characters",
                Self::MAX_CHARS
            )));
        }
        Ok(Self(raw))
    }

    /// The password itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PlainPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PlainPassword(***)")
    }
}

/// A name shown to other parties: trimmed, 1 to 100 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    /// Parses `raw`.
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(ParseError("must not be empty".to_owned()));
        }
        if name.chars().count() > 100 {
            return Err(ParseError("must be at most 100 characters".to_owned()));
        }
        if name.chars().any(char::is_control) {
            return Err(ParseError("must not contain control characters".to_owned()));
        }
        Ok(Self(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number: an optional leading `+`, then 6 to 15 digits; spaces, dashes and
/// brackets are dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Parses `raw` into its compact form (`+8613800138000`).
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let trimmed = raw.trim();
        let (plus, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => ("+", rest),
            None => ("", trimmed),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' => {}
                _ => return Err(ParseError("is not a valid phone number".to_owned())),
            }
        }
        if !(6..=15).contains(&digits.len()) {
            return Err(ParseError("must have 6 to 15 digits".to_owned()));
        }
        Ok(Self(format!("{plus}{digits}")))
    }

    /// The compact number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_malformed_ones_rejected() {
        assert_eq!(
            Email::parse("  Ann@Example.COM ").map(|e| e.0),
            Ok("ann@example.com".into())
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
            "ann@@example.com",
            "ann@.example.com",
            "ann@example..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn passwords_follow_the_length_policy() {
        assert!(PlainPassword::parse("short".into()).is_err());
        assert!(PlainPassword::parse("long enough".into()).is_ok());
        assert!(PlainPassword::parse("x".repeat(129)).is_err());
        assert_eq!(
            format!("{:?}", PlainPassword::parse("secret123".into())),
            "Ok(PlainPassword(***))"
        );
    }

    #[test]
    fn display_names_and_phones_are_checked() {
        assert!(DisplayName::parse("   ").is_err());
        assert_eq!(DisplayName::parse(" Ann ").map(|n| n.0), Ok("Ann".into()));
        assert_eq!(
            Phone::parse("+86 138-0013-8000").map(|p| p.0),
            Ok("+8613800138000".into())
        );
        assert!(Phone::parse("call me").is_err());
        assert!(Phone::parse("123").is_err());
    }
}
