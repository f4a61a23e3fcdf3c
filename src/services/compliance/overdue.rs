//! Announcing tasks that turned overdue to operators' `complianceTaskOverdue`
//! subscriptions, through pub/sub so a subscription on any instance hears it. The sweep
//! claims each task once in the database before announcing it.

use entity::compliance_task;
use futures_util::{Stream, StreamExt};
use sea_orm::{DatabaseConnection, EntityTrait};
use uuid::Uuid;

use crate::error::AppResult;
use crate::state::AppState;

const TOPIC: &str = "compliance:overdue";

/// Publishes that `task_id` turned overdue. Best effort: the task is already marked
/// announced and listed as OVERDUE, so a pub/sub outage is logged, not returned.
pub async fn announce(state: &AppState, task_id: Uuid) {
    if let Err(err) = state.pubsub.publish(TOPIC, task_id.to_string()).await {
        tracing::warn!(error = ?err, %task_id, "announcing an overdue compliance task failed");
    }
}

/// The tasks announced overdue from now on, read fresh from the database.
pub async fn announcements(
    state: &AppState,
) -> AppResult<impl Stream<Item = compliance_task::Model> + use<>> {
    let messages = state.pubsub.subscribe(TOPIC).await?;
    let db: DatabaseConnection = state.db.clone();
    Ok(messages.filter_map(move |payload| {
        let db = db.clone();
        async move {
            let id = Uuid::parse_str(&payload)
                .inspect_err(|err| tracing::warn!(error = %err, "malformed overdue announcement"))
                .ok()?;
            compliance_task::Entity::find_by_id(id)
                .one(&db)
                .await
                .inspect_err(|err| tracing::warn!(error = ?err, %id, "reading an overdue task"))
                .ok()
                .flatten()
        }
    }))
}
