//! Operator accounts: created from the command line only, never through the API.

use entity::user;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::domain::{DisplayName, Email, PlainPassword, Role};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Creates an OPERATOR with `email` and `password`; CONFLICT if the email is taken.
pub async fn create_operator(
    state: &AppState,
    email: &str,
    password: String,
) -> AppResult<user::Model> {
    let email = Email::parse(email).map_err(|e| AppError::validation("email", e.0))?;
    let password =
        PlainPassword::parse(password).map_err(|e| AppError::validation("password", e.0))?;
    let display_name = DisplayName::parse(email.as_str().split('@').next().unwrap_or("operator"))
        .map_err(|e| AppError::validation("email", e.0))?;
    let hash = state.passwords.hash(password.expose().to_owned()).await?;
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    if user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(
            "an account with this email already exists".to_owned(),
        ));
    }
    let operator = user::ActiveModel {
        id: Set(Uuid::new_v4()),
        email: Set(email.as_str().to_owned()),
        display_name: Set(display_name.as_str().to_owned()),
        phone: Set(None),
        role: Set(Role::Operator.into()),
        password_hash: Set(hash),
        organization_id: Set(None),
        organization_role: Set(None),
        facility_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        erased_at: Set(None),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(operator)
}
