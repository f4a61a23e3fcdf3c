//! Turning an `Authorization: Bearer …` value into a [`Viewer`].

use crate::domain::Role;
use crate::services::Viewer;
use crate::services::auth::TokenError;
use crate::state::AppState;

/// The viewer for an `Authorization` value: anonymous when absent, a user for a valid
/// bearer token, an error for anything else (malformed, expired, tampered, foreign).
pub fn viewer_from_authorization(
    state: &AppState,
    header: Option<&str>,
) -> Result<Viewer, TokenError> {
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
