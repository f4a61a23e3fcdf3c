//! Online collectors on the operators' map: `CollectorPosition` and its live events.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};

use super::collector::Collector;
use super::geo::GeoPoint;
use crate::graphql::context::ContextExt;
use crate::graphql::loaders::CollectorById;
use crate::services::dispatch::presence::Presence;

/// What an online collector did, as one service area's feed tells it.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "CollectorPositionEventKind",
    remote = "crate::services::dispatch::presence::PresenceKind"
)]
pub enum CollectorPositionEventKindGql {
    /// Went online in the area, or came into it while online: put them on the map.
    Online,
    /// Moved within the area while online.
    Moved,
    /// Went offline, or left the area: take them off the map.
    Offline,
}

/// An online collector's live position, for operators.
pub struct CollectorPosition(pub Presence);

/// An online collector's live position, for operators.
#[Object]
impl CollectorPosition {
    /// The collector profile id.
    async fn collector_id(&self) -> ID {
        ID(self.0.collector_id.to_string())
    }

    /// Where the collector is (for OFFLINE events: their last position in the area).
    async fn location(&self) -> GeoPoint {
        self.0.location.into()
    }

    /// The collector's profile (name, status, vehicle); null if it no longer exists.
    async fn collector(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Collector>> {
        let found = ctx
            .loader::<CollectorById>()?
            .load_one(self.0.collector_id)
            .await?;
        Ok(found.map(|(profile, _)| Collector(profile)))
    }
}

/// A change to the online collectors of one service area.
#[derive(SimpleObject)]
pub struct CollectorPositionEvent {
    /// ONLINE, MOVED or OFFLINE.
    pub kind: CollectorPositionEventKindGql,
    /// The collector and where.
    pub position: CollectorPosition,
}

impl From<Presence> for CollectorPositionEvent {
    fn from(presence: Presence) -> Self {
        Self {
            kind: presence.kind.into(),
            position: CollectorPosition(presence),
        }
    }
}
