//! `register`: self-service sign-up for households, businesses, collectors and facility
//! staff (who join their facility with its invite code).

use chrono::{DateTime, Utc};
use entity::{collector, facility, organization, user};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::session::{Session, start_session};
use crate::domain::organization::OrganizationRole;
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
    /// For FACILITY: the invite code of the facility to join.
    pub facility_invite_code: Option<String>,
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
    let organization = organization_choice(&registration)?;
    // Hash before the transaction: a write lock must never wait on 50 ms of Argon2.
    let password_hash = state
        .passwords
        .hash(registration.password.expose().to_owned())
        .await?;
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(registration.email.as_str()))
        .one(&txn)
        .await?
        .is_some();
    if taken {
        return Err(duplicate_email());
    }
    let organization_id = match organization {
        Some(choice) => Some(organization_of(&txn, choice, now).await?),
        None => None,
    };
    // The user who creates an organisation administers it; whoever joins is a member.
    let organization_role = organization.map(|choice| match choice {
        OrganizationChoice::Create(_) => OrganizationRole::Admin,
        OrganizationChoice::Join(_) => OrganizationRole::Member,
    });
    let facility_id = match &registration.facility_invite_code {
        Some(code) if registration.role == Role::Facility => Some(facility_of(&txn, code).await?),
        _ => None,
    };
    let member = Membership {
        organization_id,
        organization_role,
        facility_id,
    };
    let user = insert_user(&txn, &registration, password_hash, member, now).await?;
    if registration.role == Role::Collector {
        insert_collector_profile(&txn, user.id, now).await?;
    }
    let session = start_session(&txn, state, user, None).await?;
    txn.commit().await?;
    tracing::info!(user_id = %session.user.id, "account registered");
    Ok(session)
}

/// VALIDATION unless the role may sign up; a BUSINESS account's organisation choice
/// (required), None for other roles.
fn organization_choice(registration: &Registration) -> AppResult<Option<&OrganizationChoice>> {
    let role = registration.role;
    if !role.self_service() {
        return Err(AppError::validation(
            "input.role",
            format!("{role} accounts cannot be self-registered"),
        ));
    }
    if role == Role::Facility && registration.facility_invite_code.is_none() {
        return Err(AppError::validation(
            "input.facilityInviteCode",
            "FACILITY accounts need the facility's invite code",
        ));
    }
    match (role, &registration.organization) {
        (Role::Business, None) => Err(AppError::validation(
            "input.organizationName",
            "BUSINESS accounts need an organizationName or an organizationInviteCode",
        )),
        (Role::Business, Some(choice)) => Ok(Some(choice)),
        _ => Ok(None),
    }
}

/// The organisation a BUSINESS account belongs to: created now with a fresh invite code,
/// or found by its invite code (VALIDATION when none has it).
async fn organization_of(
    conn: &impl ConnectionTrait,
    choice: &OrganizationChoice,
    now: DateTime<Utc>,
) -> AppResult<Uuid> {
    match choice {
        OrganizationChoice::Create(name) => {
            let mut code = [0u8; 12];
            rand::rng().fill_bytes(&mut code);
            let org = organization::ActiveModel {
                id: Set(Uuid::new_v4()),
                name: Set(name.as_str().to_owned()),
                invite_code: Set(format!("org_{}", hex::encode(code))),
                created_at: Set(now),
            }
            .insert(conn)
            .await?;
            Ok(org.id)
        }
        OrganizationChoice::Join(code) => organization::Entity::find()
            .filter(organization::Column::InviteCode.eq(code.trim()))
            .one(conn)
            .await?
            .map(|org| org.id)
            .ok_or_else(|| {
                AppError::validation("input.organizationInviteCode", "is not a valid invite code")
            }),
    }
}

/// The facility whose invite code this is (VALIDATION when none has it).
async fn facility_of(conn: &impl ConnectionTrait, code: &str) -> AppResult<Uuid> {
    facility::Entity::find()
        .filter(facility::Column::InviteCode.eq(code.trim()))
        .one(conn)
        .await?
        .map(|found| found.id)
        .ok_or_else(|| {
            AppError::validation("input.facilityInviteCode", "is not a valid invite code")
        })
}

/// What the new account belongs to.
struct Membership {
    organization_id: Option<Uuid>,
    organization_role: Option<OrganizationRole>,
    facility_id: Option<Uuid>,
}

async fn insert_user(
    conn: &impl ConnectionTrait,
    registration: &Registration,
    password_hash: String,
    member: Membership,
    now: DateTime<Utc>,
) -> AppResult<user::Model> {
    let inserted = user::ActiveModel {
        id: Set(Uuid::new_v4()),
        email: Set(registration.email.as_str().to_owned()),
        display_name: Set(registration.display_name.as_str().to_owned()),
        phone: Set(registration.phone.as_ref().map(|p| p.as_str().to_owned())),
        role: Set(registration.role.into()),
        password_hash: Set(password_hash),
        organization_id: Set(member.organization_id),
        organization_role: Set(member.organization_role.map(|r| r.as_str().to_owned())),
        facility_id: Set(member.facility_id),
        created_at: Set(now),
        updated_at: Set(now),
        erased_at: Set(None),
    }
    .insert(conn)
    .await;
    match inserted {
        Ok(user) => Ok(user),
        // Two sign-ups with one email racing on PostgreSQL: the loser hits the index.
        Err(err) if is_unique_violation(&err) => Err(duplicate_email()),
        Err(err) => Err(err.into()),
    }
}

/// A new collector starts unverified and OFFLINE, with no vehicle yet.
async fn insert_collector_profile(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    collector::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        verified: Set(false),
        status: Set(CollectorStatus::Offline.into()),
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
        no_shows: Set(0),
        pending_profile: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(())
}

fn duplicate_email() -> AppError {
    AppError::Conflict("an account with this email already exists".to_owned())
}
