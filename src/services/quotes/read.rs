//! Reading a quote, with object-level authorization.

use std::sync::Arc;

use entity::{quote, quote_line};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::domain::Role;
use crate::domain::quote::QuoteStatus;
use crate::error::{AppError, AppResult};
use crate::services::Viewer;
use crate::state::AppState;

/// A quote with its lines and its status now.
#[derive(Clone, Debug)]
pub struct QuoteView {
    /// The stored quote.
    pub quote: quote::Model,
    /// Its lines, in order; shared with the API objects that show them.
    pub lines: Vec<Arc<quote_line::Model>>,
    /// ACTIVE, EXPIRED or USED at the time of reading.
    pub status: QuoteStatus,
}

impl QuoteView {
    /// Assembles the view, deriving the status at `now`.
    pub fn new(
        quote: quote::Model,
        lines: Vec<quote_line::Model>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<Self> {
        let status = QuoteStatus::at(quote.status.into(), quote.valid_until, now);
        Ok(Self {
            quote,
            lines: lines.into_iter().map(Arc::new).collect(),
            status,
        })
    }
}

/// The quote `id` if `viewer` may see it: its owner, an operator, or anyone holding the
/// id of a quote nobody owns yet. Anything else is NOT_FOUND.
pub async fn find_quote(state: &AppState, viewer: Viewer, id: Uuid) -> AppResult<QuoteView> {
    let quote = quote::Entity::find_by_id(id).one(&state.db).await?;
    let quote = match quote {
        Some(quote) if may_read(&quote, viewer) => quote,
        _ => return Err(AppError::NotFound("quote")),
    };
    let lines = lines_of(&state.db, quote.id).await?;
    QuoteView::new(quote, lines, state.clock.now())
}

fn may_read(quote: &quote::Model, viewer: Viewer) -> bool {
    match (quote.owner_user_id, quote.owner_partner_id, viewer) {
        (None, None, _) => true,
        (
            _,
            _,
            Viewer::User {
                role: Role::Operator,
                ..
            },
        ) => true,
        (Some(owner), _, Viewer::User { id, .. }) => owner == id,
        (_, Some(owner), Viewer::Partner { partner_id, .. }) => owner == partner_id,
        _ => false,
    }
}

/// The lines of a quote, in order.
pub async fn lines_of(
    conn: &impl ConnectionTrait,
    quote_id: Uuid,
) -> AppResult<Vec<quote_line::Model>> {
    Ok(quote_line::Entity::find()
        .filter(quote_line::Column::QuoteId.eq(quote_id))
        .order_by_asc(quote_line::Column::Position)
        .all(conn)
        .await?)
}
