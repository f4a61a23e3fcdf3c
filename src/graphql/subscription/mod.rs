//! Root subscription, merged from one object per domain.

mod account;
mod dispatch;
mod orders;

use async_graphql::MergedSubscription;

/// Every subscription.
#[derive(MergedSubscription, Default)]
pub struct Subscription(
    account::AccountSubscription,
    orders::OrderSubscription,
    dispatch::DispatchSubscription,
);
