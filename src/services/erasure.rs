//! `eraseCustomerData`: a customer's personal data (name, email, phone, addresses,
//! contacts, notes, signatures and photos, the places of the doorstep) anonymised beyond
//! recovery on request, while orders, amounts, custody records, certificates and
//! compliance tasks stay intact and the custody chains still verify: their hashes cover
//! a salted commitment to each place, not the coordinates, so dropping the coordinates
//! and the salt leaves every hash valid and the place unrecoverable.

use entity::{custody_event, custody_item, order_event, pickup_order, quote, refresh_token, user};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use crate::domain::Role;
use crate::domain::order::OrderStatus;
use crate::error::{AppError, AppResult};
use crate::services::catalog::audit;
use crate::state::AppState;

/// What replaces a name, an address line or a contact.
const ERASED: &str = "(erased)";

/// Erases the personal data of customer `user_id` (operators; audited). NOT_FOUND for an
/// unknown user, VALIDATION for an account that is not a customer's, INVALID_STATE while
/// one of their orders is still under way (a collector may be on the way to that address).
/// Erasing twice is harmless: the second call changes nothing and answers true.
#[tracing::instrument(skip_all, fields(%user_id))]
pub async fn erase_customer_data(
    state: &AppState,
    operator: Uuid,
    user_id: Uuid,
) -> AppResult<bool> {
    // An unusable password, hashed before the transaction (hashing takes a while).
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let unusable = state
        .passwords
        .hash(hex::encode(secret))
        .await
        .map_err(AppError::Internal)?;
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let customer = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    if !Role::from(customer.role).is_customer() {
        return Err(AppError::validation(
            "userId",
            "is not a customer's account",
        ));
    }
    if customer.erased_at.is_some() {
        return Ok(true);
    }
    let orders = pickup_order::Entity::find()
        .filter(pickup_order::Column::CustomerUserId.eq(user_id))
        .all(&txn)
        .await?;
    let open = orders
        .iter()
        .filter(|o| !OrderStatus::from(o.status).is_terminal())
        .count();
    if open > 0 {
        return Err(AppError::InvalidState(format!(
            "the customer has {open} order(s) under way; erase their data once they end"
        )));
    }
    let order_ids: Vec<Uuid> = orders.iter().map(|o| o.id).collect();
    anonymise_account(&txn, &customer, unusable, now).await?;
    anonymise_orders(&txn, user_id, &order_ids).await?;
    forget_doorsteps(&txn, &order_ids).await?;
    let details = json!({"orders": order_ids.len()});
    audit::record(
        &txn,
        operator,
        "customer.erase",
        "user",
        &user_id.to_string(),
        details,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// The account: an address nobody can sign in with, no name or phone, no live session.
async fn anonymise_account(
    conn: &impl ConnectionTrait,
    customer: &user::Model,
    unusable_password_hash: String,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    user::Entity::update_many()
        .col_expr(
            user::Column::Email,
            Expr::value(format!("erased-{}@erased.invalid", customer.id.simple())),
        )
        .col_expr(user::Column::DisplayName, Expr::value(ERASED))
        .col_expr(user::Column::Phone, Expr::value(Option::<String>::None))
        .col_expr(
            user::Column::PasswordHash,
            Expr::value(unusable_password_hash),
        )
        .col_expr(user::Column::ErasedAt, Expr::value(now))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(customer.id))
        .exec(conn)
        .await?;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::UserId.eq(customer.id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// The orders and quotes: addresses, contacts, notes, signature and photos; the order's
/// point is rounded to two decimals (about a kilometre), which keeps area reports true.
async fn anonymise_orders(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    order_ids: &[Uuid],
) -> AppResult<()> {
    let no_text = Expr::value(Option::<String>::None);
    pickup_order::Entity::update_many()
        .col_expr(pickup_order::Column::AddressLine1, Expr::value(ERASED))
        .col_expr(pickup_order::Column::AddressLine2, no_text.clone())
        .col_expr(pickup_order::Column::PostalCode, no_text.clone())
        .col_expr(pickup_order::Column::ContactName, Expr::value(ERASED))
        .col_expr(pickup_order::Column::ContactPhone, Expr::value(ERASED))
        .col_expr(pickup_order::Column::Notes, no_text.clone())
        .col_expr(pickup_order::Column::SignatureRef, no_text.clone())
        .col_expr(pickup_order::Column::PhotoRefs, Expr::value(json!([])))
        .col_expr(
            pickup_order::Column::Latitude,
            Expr::cust("ROUND(CAST(latitude AS NUMERIC), 2)"),
        )
        .col_expr(
            pickup_order::Column::Longitude,
            Expr::cust("ROUND(CAST(longitude AS NUMERIC), 2)"),
        )
        .filter(pickup_order::Column::CustomerUserId.eq(user_id))
        .exec(conn)
        .await?;
    quote::Entity::update_many()
        .col_expr(
            quote::Column::PickupLatitude,
            Expr::value(Option::<f64>::None),
        )
        .col_expr(
            quote::Column::PickupLongitude,
            Expr::value(Option::<f64>::None),
        )
        .filter(quote::Column::OwnerUserId.eq(user_id))
        .exec(conn)
        .await?;
    // Where the collector stood at each step (the door), and the customer's own words.
    order_event::Entity::update_many()
        .col_expr(
            order_event::Column::Latitude,
            Expr::value(Option::<f64>::None),
        )
        .col_expr(
            order_event::Column::Longitude,
            Expr::value(Option::<f64>::None),
        )
        .filter(order_event::Column::OrderId.is_in(order_ids.iter().copied()))
        .exec(conn)
        .await?;
    order_event::Entity::update_many()
        .col_expr(order_event::Column::Reason, no_text)
        .filter(order_event::Column::OrderId.is_in(order_ids.iter().copied()))
        .filter(order_event::Column::ActorUserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The place of each collection (the customer's door) in the custody log: coordinates and
/// salt go, the commitment the hash covers stays.
async fn forget_doorsteps(conn: &impl ConnectionTrait, order_ids: &[Uuid]) -> AppResult<()> {
    let items: Vec<Uuid> = custody_item::Entity::find()
        .select_only()
        .column(custody_item::Column::Id)
        .filter(custody_item::Column::OrderId.is_in(order_ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    custody_event::Entity::update_many()
        .col_expr(
            custody_event::Column::Latitude,
            Expr::value(Option::<f64>::None),
        )
        .col_expr(
            custody_event::Column::Longitude,
            Expr::value(Option::<f64>::None),
        )
        .col_expr(
            custody_event::Column::PlaceSalt,
            Expr::value(Option::<String>::None),
        )
        .filter(custody_event::Column::ItemId.is_in(items))
        .filter(custody_event::Column::Step.eq(entity::enums::CustodyStep::Collected))
        .exec(conn)
        .await?;
    Ok(())
}
