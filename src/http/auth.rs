//! Who a request or WebSocket session runs as: an API key (partner), a bearer token
//! (user), or nobody. HTTP headers and `connection_init` payloads share these rules.

use crate::domain::Role;
use crate::error::AppError;
use crate::infra::rate_limit::BucketPolicy;
use crate::infra::tokens::TokenError;
use crate::services::Viewer;
use crate::services::partners;
use crate::state::AppState;

/// The viewer for an `Authorization` value: anonymous when absent, a user for a valid
/// bearer token, an error for anything else (malformed, expired, tampered, foreign).
fn viewer_from_authorization(state: &AppState, header: Option<&str>) -> Result<Viewer, TokenError> {
    let Some(value) = header.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(Viewer::Anonymous);
    };
    let (scheme, token) = value.split_once(' ').ok_or(TokenError::Invalid)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(TokenError::Invalid);
    }
    let claims = state.tokens.verify(token.trim(), state.clock.now())?;
    let role = claims
        .role
        .parse::<Role>()
        .map_err(|_| TokenError::Invalid)?;
    Ok(Viewer::User {
        id: claims.sub,
        role,
    })
}

/// Why the credentials a request presented were not taken.
#[derive(Debug)]
pub enum Refusal {
    /// The key or token is not valid (unknown, revoked, malformed, expired, tampered): the
    /// client sees UNAUTHENTICATED with this message.
    Invalid(String),
    /// The key could not be checked, e.g. the database is unreachable (UNAVAILABLE): the
    /// client sees this error, as for any other request that could not be served.
    Unchecked(AppError),
}

/// The viewer for an API key or an `Authorization` value (a key wins), with the key's
/// cost budget. A key that is unknown is [`Refusal::Invalid`]; one that could not be
/// looked up is [`Refusal::Unchecked`], so a database outage is not mistaken for a bad key.
pub async fn authenticate(
    state: &AppState,
    api_key: Option<&str>,
    authorization: Option<&str>,
) -> Result<(Viewer, Option<BucketPolicy>), Refusal> {
    if let Some(key) = api_key {
        return match partners::authenticate_key(state, key).await {
            Ok(Some(auth)) => Ok((auth.viewer, Some(auth.budget))),
            Ok(None) => Err(Refusal::Invalid("unknown or revoked API key".to_owned())),
            Err(err) => Err(Refusal::Unchecked(err)),
        };
    }
    viewer_from_authorization(state, authorization)
        .map(|viewer| (viewer, None))
        .map_err(|err| Refusal::Invalid(err.to_string()))
}
