//! The GraphQL schema: types, resolvers per domain (merged), DataLoaders and limits.
//!
//! The schema knows nothing of actix-web; `http` feeds it requests. Resolvers stay thin:
//! they read the [`Viewer`](crate::services::Viewer), parse input into domain types and
//! call a service.

pub mod context;
pub mod cost;
pub mod error_codes;
pub mod guards;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod partner_scopes;
pub mod query;
pub mod shape;
pub mod subscription;
pub mod types;
pub mod variables;

use async_graphql::{Schema, SchemaBuilder};

use crate::config::GraphqlSettings;
use crate::services::orders::Booking;
use crate::services::quotes::Quoting;
use crate::state::AppState;

/// The full schema type.
pub type AppSchema = Schema<query::Query, mutation::Mutation, subscription::Subscription>;

fn builder() -> SchemaBuilder<query::Query, mutation::Mutation, subscription::Subscription> {
    Schema::build(
        query::Query::default(),
        mutation::Mutation::default(),
        subscription::Subscription::default(),
    )
    .override_output_type_description::<query::DeviceModelConnection>(
        "A page of device models (Relay connection); pass `pageInfo.endCursor` as `after` for the next.",
    )
    .override_output_type_description::<query::AuditEntryConnection>(
        "A page of audit entries (Relay connection); pass `pageInfo.endCursor` as `after` for the next.",
    )
    .override_output_type_description::<query::CollectorConnection>(
        "A page of collectors (Relay connection).",
    )
    .override_output_type_description::<query::WebhookDeliveryConnection>(
        "A page of webhook deliveries (Relay connection), newest first.",
    )
    .override_output_type_description::<query::PickupOrderConnection>(
        "A page of pickup orders (Relay connection), newest first.",
    )
    .override_output_type_description::<query::FacilityConnection>(
        "A page of processing facilities (Relay connection), newest first.",
    )
    .override_output_type_description::<query::TransferConnection>(
        "A page of transfer notes (Relay connection), newest first.",
    )
    .override_output_type_description::<query::DiscrepancyConnection>(
        "A page of custody discrepancies (Relay connection), newest first.",
    )
    .override_output_type_description::<query::BlockedDeviceConnection>(
        "A page of blocklist entries (Relay connection), newest first.",
    )
    .override_output_type_description::<query::BlocklistHitConnection>(
        "A page of blocklist hits (Relay connection), newest first.",
    )
    .override_output_type_description::<query::ComplianceTaskConnection>(
        "A page of battery reporting tasks (Relay connection), soonest due first.",
    )
    .override_output_type_description::<query::AssetRecordConnection>(
        "A page of asset disposition records (Relay connection), in import order.",
    )
    .override_output_type_description::<query::OrganizationMemberConnection>(
        "A page of organisation members (Relay connection), newest first.",
    )
    .override_output_type_description::<chrono::DateTime<chrono::Utc>>(
        "An instant as an RFC 3339 string in UTC, e.g. \"2026-11-21T09:30:00Z\".",
    )
}

/// The schema served by the application, with its limits, the shared adapters and what
/// quoting and booking keep between requests (their group writers).
///
/// Depth and complexity are not async-graphql's `limit_depth`/`limit_complexity`: those
/// count after validation has expanded every fragment (exponential work), skip
/// `__typename`, and cannot tell introspection from ordinary queries. [`limits`] measures
/// them first, in linear time.
pub fn build_schema(
    state: AppState,
    quoting: Quoting,
    booking: Booking,
    limits: &GraphqlSettings,
) -> AppSchema {
    let mut schema = builder()
        .data(state)
        .data(quoting)
        .data(booking)
        // The first extension wraps the others: codes are set on whatever they return.
        .extension(error_codes::ErrorCodes)
        .extension(self::limits::RequestLimits::new(limits))
        .extension(cost::CostLimit)
        .extension(partner_scopes::PartnerScopes)
        // Last: innermost, so a request it refuses draws no cost.
        .extension(variables::VariableValues)
        .limit_recursive_depth(32)
        .limit_directives(16);
    if !limits.introspection {
        schema = schema.disable_introspection();
    }
    schema.finish()
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
