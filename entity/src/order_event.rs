//! `order_events`: the append-only history of an order's transitions.

use sea_orm::entity::prelude::*;

/// One transition.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "order_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    /// 1, 2, 3… per order; unique with the order.
    pub sequence: i32,
    pub from_status: Option<crate::enums::OrderStatus>,
    pub to_status: crate::enums::OrderStatus,
    pub actor_user_id: Option<Uuid>,
    pub actor_role: Option<crate::enums::Role>,
    pub reason: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub at: DateTimeUtc,
    /// When the collector's device says the step happened (offline replays).
    pub recorded_at: Option<DateTimeUtc>,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
