//! Pagination shared by every list: page sizes, pages fetched with one extra row to
//! know whether more follow, and the keyset condition for "newest first" lists.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

/// One page of a keyset-paginated list.
#[derive(Clone, Debug)]
pub struct Page<T> {
    /// The rows, in order.
    pub items: Vec<T>,
    /// Whether more rows follow the last one.
    pub has_next: bool,
}

/// Page sizes: the default when `first` is absent, and the most one page may hold.
pub const DEFAULT_PAGE: u64 = 20;
/// See [`DEFAULT_PAGE`].
pub const MAX_PAGE: u64 = 100;

/// Checks `first` against [`MAX_PAGE`]; None means [`DEFAULT_PAGE`].
pub fn page_size(first: Option<i32>) -> crate::error::AppResult<u64> {
    match first {
        None => Ok(DEFAULT_PAGE),
        Some(n) if (1..=MAX_PAGE as i32).contains(&n) => Ok(n as u64),
        Some(_) => Err(crate::error::AppError::validation(
            "first",
            format!("must be between 1 and {MAX_PAGE}"),
        )),
    }
}

impl<T> Page<T> {
    /// A page from rows fetched with `limit(take + 1)`: the extra row only says that more
    /// follow.
    pub fn from_rows(mut rows: Vec<T>, take: u64) -> Self {
        let has_next = rows.len() as u64 > take;
        rows.truncate(usize::try_from(take).unwrap_or(usize::MAX));
        Self {
            items: rows,
            has_next,
        }
    }
}

/// Rows after `cursor` in a list ordered by (`created`, `id`) descending.
pub fn after_desc<C: ColumnTrait>(created: C, id: C, cursor: (DateTime<Utc>, Uuid)) -> Condition {
    let (created_at, last_id) = cursor;
    Condition::any().add(created.lt(created_at)).add(
        Condition::all()
            .add(created.eq(created_at))
            .add(id.lt(last_id)),
    )
}
