//! Root subscription, merged from one object per domain.

mod account;
mod compliance;
mod dispatch;
mod orders;

use async_graphql::MergedSubscription;
use futures_util::{Stream, StreamExt};

use crate::infra::metrics::OpenSubscription;

/// Every subscription.
#[derive(MergedSubscription, Default)]
pub struct Subscription(
    account::AccountSubscription,
    orders::OrderSubscription,
    dispatch::DispatchSubscription,
    compliance::ComplianceSubscription,
);

/// `stream`, counted as open (see [`OpenSubscription`]) until the client ends it. Each
/// resolver takes `open` right after it starts listening to its event source.
fn counted<S: Stream>(open: OpenSubscription, stream: S) -> impl Stream<Item = S::Item> + use<S> {
    stream.map(move |item| {
        let _still_open = &open;
        item
    })
}
