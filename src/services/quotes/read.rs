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

/// What a quote's lines of one category add up to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryTotal {
    /// The category code.
    pub category_code: String,
    /// Lines of this category.
    pub lines: usize,
    /// Pieces (or weighed lots) over those lines.
    pub quantity: i64,
    /// Their total weight, kg.
    pub weight_kg: rust_decimal::Decimal,
    /// The sum of their amounts (disposal fees negative).
    pub amount: rust_decimal::Decimal,
}

impl QuoteView {
    /// The lines' totals per category, by category code; they add up to the lines'
    /// amounts exactly (a bulk quote of 2,000 assets reads as a dozen rows).
    pub fn category_totals(&self) -> Vec<CategoryTotal> {
        let mut totals: std::collections::BTreeMap<String, CategoryTotal> =
            std::collections::BTreeMap::new();
        for line in &self.lines {
            let code = line
                .item
                .pointer("/reference/categoryCode")
                .and_then(|c| c.as_str())
                .unwrap_or_default()
                .to_owned();
            let total = totals.entry(code.clone()).or_insert_with(|| CategoryTotal {
                category_code: code,
                lines: 0,
                quantity: 0,
                weight_kg: rust_decimal::Decimal::ZERO,
                amount: rust_decimal::Decimal::ZERO,
            });
            total.lines += 1;
            total.quantity += i64::from(line.quantity);
            total.weight_kg += line.total_weight_kg.0;
            total.amount += line.amount.0;
        }
        totals.into_values().collect()
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
