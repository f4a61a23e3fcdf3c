//! Access tokens: HS256 JWTs with pinned algorithm, issuer, audience and expiry.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::Role;

/// The claims reloop writes and requires.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// The user id.
    pub sub: Uuid,
    /// Role name.
    pub role: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
}

/// Why a token was refused; all of them mean UNAUTHENTICATED to the client.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Past `exp` by the application clock.
    #[error("the access token has expired")]
    Expired,
    /// Bad signature, wrong algorithm, issuer or audience, or malformed.
    #[error("the access token is invalid")]
    Invalid,
}

/// Signs and checks access tokens with one HMAC secret.
pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: Duration,
}

impl AccessTokens {
    /// Keys from `secret`; tokens live `ttl`.
    pub fn new(
        secret: &[u8],
        issuer: &str,
        audience: &str,
        ttl: std::time::Duration,
    ) -> anyhow::Result<Self> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Expiry is checked against the application clock in `verify`, so tests that
        // move time see tokens expire; the library would use the system clock.
        validation.validate_exp = false;
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            ttl: Duration::from_std(ttl)?,
        })
    }

    /// A token for `user` with `role`, valid from `now` for the configured lifetime.
    pub fn issue(
        &self,
        user: Uuid,
        role: Role,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(String, DateTime<Utc>)> {
        let expires_at = now + self.ttl;
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user,
            role: role.as_str().to_owned(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok((token, expires_at))
    }

    /// The claims of `token` if its signature, algorithm, issuer, audience and expiry hold.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<AccessClaims, TokenError> {
        let claims = decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .map_err(|_| TokenError::Invalid)?
            .claims;
        if claims.exp <= now.timestamp() {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(secret: &[u8], audience: &str) -> AccessTokens {
        AccessTokens::new(
            secret,
            "reloop",
            audience,
            std::time::Duration::from_secs(900),
        )
        .expect("keys")
    }

    #[test]
    fn a_token_verifies_until_it_expires() {
        let keys = tokens(b"0123456789abcdef0123456789abcdef", "api");
        let now = Utc::now();
        let user = Uuid::new_v4();
        let (token, exp) = keys.issue(user, Role::Household, now).expect("issue");
        assert_eq!(keys.verify(&token, now).map(|c| c.sub), Ok(user));
        assert_eq!(
            keys.verify(&token, exp).map(|c| c.sub),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn tampered_foreign_and_wrong_audience_tokens_are_invalid() {
        let keys = tokens(b"0123456789abcdef0123456789abcdef", "api");
        let now = Utc::now();
        let (token, _) = keys
            .issue(Uuid::new_v4(), Role::Household, now)
            .expect("issue");
        let tampered = format!("{}x", token);
        assert_eq!(keys.verify(&tampered, now).err(), Some(TokenError::Invalid));
        let other = tokens(b"another-secret-another-secret-xx", "api");
        assert_eq!(other.verify(&token, now).err(), Some(TokenError::Invalid));
        let other_aud = tokens(b"0123456789abcdef0123456789abcdef", "elsewhere");
        assert_eq!(
            other_aud.verify(&token, now).err(),
            Some(TokenError::Invalid)
        );
    }
}
