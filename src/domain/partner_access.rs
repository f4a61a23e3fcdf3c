//! What a partner's API key may call: every root field of the API is Open (the public
//! catalog), needs one scope, or is Denied to partners. Default deny: a field added to
//! the schema and not to this table is refused to every key until someone decides.

use super::partner::ApiScope;

/// The root of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Root {
    /// `query`.
    Query,
    /// `mutation`.
    Mutation,
}

/// Whether a key may call a root field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartnerAccess {
    /// Anyone may, signed in or not.
    Open,
    /// Only a key holding this scope.
    Needs(ApiScope),
    /// No key may.
    Denied,
}

/// The public reads, open to every caller.
const OPEN_QUERIES: &[&str] = &[
    "me",
    "categories",
    "deviceModels",
    "materialPrices",
    "materialPriceHistory",
    "serviceAreas",
    "pricingRules",
    "availablePickupWindows",
    "custodyCheckpoints",
];

/// The access `field` of `root` requires from a partner key.
pub fn partner_access(root: Root, field: &str) -> PartnerAccess {
    use ApiScope::{BlocklistWrite, OrdersRead, OrdersWrite, QuotesWrite, WebhooksManage};
    use PartnerAccess::{Denied, Needs, Open};
    match (root, field) {
        (Root::Query, field) if OPEN_QUERIES.contains(&field) => Open,
        (Root::Query, "__typename" | "__schema" | "__type") => Open,
        (Root::Query, "quote") => Needs(QuotesWrite),
        (
            Root::Query,
            "pickupOrder"
            | "pickupOrders"
            | "partnerOrder"
            | "verifyCustodyChain"
            | "verifyCustodyCheckpoint"
            | "collectionReport",
        ) => Needs(OrdersRead),
        (Root::Query, "webhooks" | "webhookDeliveries") => Needs(WebhooksManage),
        (Root::Mutation, "requestQuote") => Needs(QuotesWrite),
        (Root::Query, "blockedDevices") => Needs(BlocklistWrite),
        (Root::Mutation, "addBlockedDevice" | "removeBlockedDevice") => Needs(BlocklistWrite),
        (
            Root::Mutation,
            "bookPickup"
            | "cancelPickup"
            | "reschedulePickup"
            | "respondToFinalOffer"
            | "settlePayout",
        ) => Needs(OrdersWrite),
        (
            Root::Mutation,
            "registerWebhook" | "updateWebhook" | "deleteWebhook" | "redeliverWebhook",
        ) => Needs(WebhooksManage),
        _ => Denied,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_need_their_scope_and_unknown_fields_are_denied() {
        assert_eq!(
            partner_access(Root::Mutation, "respondToFinalOffer"),
            PartnerAccess::Needs(ApiScope::OrdersWrite)
        );
        assert_eq!(
            partner_access(Root::Query, "pickupOrder"),
            PartnerAccess::Needs(ApiScope::OrdersRead)
        );
        assert_eq!(
            partner_access(Root::Query, "categories"),
            PartnerAccess::Open
        );
        assert_eq!(
            partner_access(Root::Mutation, "verifyCollector"),
            PartnerAccess::Denied
        );
        assert_eq!(
            partner_access(Root::Mutation, "aFieldAddedTomorrow"),
            PartnerAccess::Denied
        );
    }
}
