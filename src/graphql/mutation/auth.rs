//! `register`, `login`, `refreshToken`, `logout`.

use async_graphql::{Context, Object};

use crate::domain::{DisplayName, Email, Phone, PlainPassword, Role};
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::types::auth::{AuthPayload, RegisterInput};
use crate::services::auth::{self, OrganizationChoice, Registration};

/// Account and session mutations.
#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Creates a HOUSEHOLD, BUSINESS or COLLECTOR account and signs it in.
    async fn register(
        &self,
        ctx: &Context<'_>,
        input: RegisterInput,
    ) -> async_graphql::Result<AuthPayload> {
        let registration = parse_registration(input)?;
        Ok(auth::register(ctx.state()?, registration).await?.into())
    }

    /// Signs in with email and password.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> async_graphql::Result<AuthPayload> {
        Ok(auth::login(ctx.state()?, &email, password).await?.into())
    }

    /// Exchanges a refresh token for a new token pair. Each refresh token works once;
    /// presenting a used one signs out every session of that login.
    async fn refresh_token(
        &self,
        ctx: &Context<'_>,
        refresh_token: String,
    ) -> async_graphql::Result<AuthPayload> {
        Ok(auth::refresh(ctx.state()?, &refresh_token).await?.into())
    }

    /// Ends the session the refresh token belongs to; false when it was already ended.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        refresh_token: String,
    ) -> async_graphql::Result<bool> {
        Ok(auth::logout(ctx.state()?, &refresh_token).await?)
    }
}

fn parse_registration(input: RegisterInput) -> Result<Registration, AppError> {
    let field = |name: &'static str| {
        move |e: crate::domain::ParseError| AppError::validation(format!("input.{name}"), e.0)
    };
    Ok(Registration {
        email: Email::parse(&input.email).map_err(field("email"))?,
        password: PlainPassword::parse(input.password).map_err(field("password"))?,
        display_name: DisplayName::parse(&input.display_name).map_err(field("displayName"))?,
        role: Role::from(input.role),
        phone: input
            .phone
            .as_deref()
            .map(Phone::parse)
            .transpose()
            .map_err(field("phone"))?,
        facility_invite_code: input.facility_invite_code,
        organization: match (
            input.organization_name.as_deref(),
            input.organization_invite_code,
        ) {
            (Some(_), Some(_)) => {
                return Err(AppError::validation(
                    "input.organizationInviteCode",
                    "give an organizationName or an organizationInviteCode, not both",
                ));
            }
            (Some(name), None) => Some(OrganizationChoice::Create(
                DisplayName::parse(name).map_err(field("organizationName"))?,
            )),
            (None, Some(code)) => Some(OrganizationChoice::Join(code)),
            (None, None) => None,
        },
    })
}
