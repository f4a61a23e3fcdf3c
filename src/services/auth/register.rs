//! `register`: self-service sign-up for households, businesses and collectors.

use entity::{collector, organization, user};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::session::{Session, start_session};
use crate::domain::{CollectorStatus, DisplayName, Email, Phone, PlainPassword, Role};
use crate::error::{AppError, AppResult};
use crate::infra::db::is_unique_violation;
use crate::state::AppState;

/// A parsed sign-up request.
#[derive(Debug)]
pub struct Registration {
    /// Login email.
    pub email: Email,
    /// Password as typed.
    pub password: PlainPassword,
    /// Shown to other parties.
    pub display_name: DisplayName,
    /// HOUSEHOLD, BUSINESS or COLLECTOR.
    pub role: Role,
    /// Optional contact number.
    pub phone: Option<Phone>,
    /// For BUSINESS: create an organisation, or join one with its invite code.
    pub organization: Option<OrganizationChoice>,
}

/// How a BUSINESS account gets its organisation.
#[derive(Debug)]
pub enum OrganizationChoice {
    /// Create a new organisation with this name.
    Create(DisplayName),
    /// Join the organisation whose invite code this is.
    Join(String),
}

/// Creates the account (and its organisation or collector profile) and signs it in.
#[tracing::instrument(skip_all, fields(role = %registration.role))]
pub async fn register(state: &AppState, registration: Registration) -> AppResult<Session> {
    let Registration {
        email,
        password,
        display_name,
        role,
        phone,
        organization,
    } = registration;
    if !role.self_service() {
        return Err(AppError::validation(
            "input.role",
            format!("{role} accounts cannot be self-registered"),
        ));
    }
    let organization = match (role, organization) {
        (Role::Business, None) => {
            return Err(AppError::validation(
                "input.organizationName",
                "BUSINESS accounts need an organizationName or an organizationInviteCode",
            ));
        }
        (Role::Business, Some(choice)) => Some(choice),
        _ => None,
    };
    // Hash before the transaction: a write lock must never wait on 50 ms of Argon2.
    let password_hash = state.passwords.hash(password.expose().to_owned()).await?;

    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&txn)
        .await?
        .is_some();
    if taken {
        return Err(duplicate_email());
    }
    let organization_id = match organization {
        Some(OrganizationChoice::Create(name)) => {
            let mut code = [0u8; 12];
            rand::rng().fill_bytes(&mut code);
            let org = organization::ActiveModel {
                id: Set(Uuid::new_v4()),
                name: Set(name.as_str().to_owned()),
                invite_code: Set(format!("org_{}", hex::encode(code))),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
            Some(org.id)
        }
        Some(OrganizationChoice::Join(code)) => {
            let org = organization::Entity::find()
                .filter(organization::Column::InviteCode.eq(code.trim()))
                .one(&txn)
                .await?
                .ok_or_else(|| {
                    AppError::validation(
                        "input.organizationInviteCode",
                        "is not a valid invite code",
                    )
                })?;
            Some(org.id)
        }
        None => None,
    };
    let inserted = user::ActiveModel {
        id: Set(Uuid::new_v4()),
        email: Set(email.as_str().to_owned()),
        display_name: Set(display_name.as_str().to_owned()),
        phone: Set(phone.map(|p| p.as_str().to_owned())),
        role: Set(role.as_str().to_owned()),
        password_hash: Set(password_hash),
        organization_id: Set(organization_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await;
    let user = match inserted {
        Ok(user) => user,
        // Two sign-ups with one email racing on PostgreSQL: the loser hits the index.
        Err(err) if is_unique_violation(&err) => return Err(duplicate_email()),
        Err(err) => return Err(err.into()),
    };
    if role == Role::Collector {
        collector::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(user.id),
            verified: Set(false),
            status: Set(CollectorStatus::Offline.as_str().to_owned()),
            vehicle: Set(None),
            capacity_kg: Set(None),
            certifications: Set(serde_json::json!([])),
            rating: Set(None),
            rating_count: Set(0),
            home_service_area_id: Set(None),
            last_latitude: Set(None),
            last_longitude: Set(None),
            last_location_at: Set(None),
            offers_received: Set(0),
            offers_accepted: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    let session = start_session(&txn, state, user, None).await?;
    txn.commit().await?;
    tracing::info!(user_id = %session.user.id, "account registered");
    Ok(session)
}

fn duplicate_email() -> AppError {
    AppError::Conflict("an account with this email already exists".to_owned())
}
