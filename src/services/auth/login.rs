//! `login`: email and password for a new session, rate limited per email.

use entity::user;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::session::{Session, start_session};
use crate::domain::Email;
use crate::error::{AppError, AppResult};
use crate::infra::rate_limit::BucketPolicy;
use crate::state::AppState;

/// Signs in. Unknown email and wrong password give the same error after the same work.
#[tracing::instrument(skip_all)]
pub async fn login(state: &AppState, email: &str, password: String) -> AppResult<Session> {
    let email = Email::parse(email).ok();
    let throttle_key = format!("login:{}", email.as_ref().map_or("", Email::as_str));
    let per_minute = f64::from(state.config.auth.login_attempts_per_minute);
    let policy = BucketPolicy {
        capacity: per_minute,
        refill_per_sec: per_minute / 60.0,
    };
    let decision = state.rate_limiter.check(&throttle_key, 1.0, policy).await?;
    if !decision.allowed {
        return Err(AppError::RateLimited {
            retry_after_secs: decision.retry_after.as_secs_f64(),
        });
    }

    let found = match &email {
        Some(email) => {
            user::Entity::find()
                .filter(user::Column::Email.eq(email.as_str()))
                .one(&state.db)
                .await?
        }
        None => None,
    };
    let stored_hash = found.as_ref().map(|u| u.password_hash.clone());
    let matches = state.passwords.verify(password, stored_hash).await?;
    let user = match found {
        Some(user) if matches => user,
        _ => {
            return Err(AppError::Unauthenticated(
                "invalid email or password".to_owned(),
            ));
        }
    };
    let txn = state.begin_write().await?;
    let session = start_session(&txn, state, user, None).await?;
    txn.commit().await?;
    Ok(session)
}
