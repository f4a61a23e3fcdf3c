//! Topic-based publish/subscribe that feeds GraphQL subscriptions. `memory` fans out inside one process;
//! `redis` carries messages between instances through Redis and then fans out with the same code.

pub mod memory;
pub mod redis;

use async_trait::async_trait;

pub use self::memory::InMemoryPubSub;
pub use self::redis::RedisPubSub;

/// The payloads published to one topic, in publish order. Dropping it unsubscribes.
pub type MessageStream = std::pin::Pin<Box<dyn futures_util::Stream<Item = String> + Send>>;

/// Fire-and-forget messaging between the parts of the app: at most once, no history.
#[async_trait]
pub trait PubSub: Send + Sync {
    /// Deliver `payload` to every current subscriber of `topic`, on every instance.
    async fn publish(&self, topic: &str, payload: String) -> anyhow::Result<()>;
    /// A stream of the payloads published to `topic` from now on. Dropping it unsubscribes.
    async fn subscribe(&self, topic: &str) -> anyhow::Result<MessageStream>;
}

#[cfg(test)]
pub(crate) mod behaviour {
    //! Behaviour checks written once and run against every [`PubSub`]; topics are random per call.

    use std::time::Duration;

    use futures_util::StreamExt as _;

    use super::*;

    /// Long enough for a Redis round trip on a busy 2-core machine.
    pub const WAIT: Duration = Duration::from_secs(5);

    /// A topic no other test uses.
    pub fn topic(name: &str) -> String {
        format!("{name}:{}", uuid::Uuid::new_v4().simple())
    }

    /// The next payload, failing the test if none comes within [`WAIT`] or the stream ends.
    pub async fn next(stream: &mut MessageStream) -> String {
        tokio::time::timeout(WAIT, stream.next())
            .await
            .expect("a message within the wait")
            .expect("the stream to stay open")
    }

    /// Whether the stream stays quiet for a short while.
    pub async fn is_quiet(stream: &mut MessageStream) -> bool {
        tokio::time::timeout(Duration::from_millis(200), stream.next())
            .await
            .is_err()
    }

    /// Every subscriber of a topic gets every message, in order.
    pub async fn every_subscriber_receives(bus: &dyn PubSub) {
        let topic = topic("both");
        let mut a = bus.subscribe(&topic).await.expect("subscribe a");
        let mut b = bus.subscribe(&topic).await.expect("subscribe b");
        for i in 0..3 {
            bus.publish(&topic, format!("m{i}")).await.expect("publish");
        }
        for stream in [&mut a, &mut b] {
            for i in 0..3 {
                assert_eq!(next(stream).await, format!("m{i}"));
            }
        }
    }

    /// A subscriber hears only its own topic.
    pub async fn topics_are_separate(bus: &dyn PubSub) {
        let (mine, other) = (topic("mine"), topic("other"));
        let mut stream = bus.subscribe(&mine).await.expect("subscribe");
        bus.publish(&other, "not for me".into())
            .await
            .expect("publish");
        bus.publish(&mine, "for me".into()).await.expect("publish");
        assert_eq!(next(&mut stream).await, "for me");
        assert!(is_quiet(&mut stream).await);
    }

    /// Publishing where nobody listens is not an error, and is not replayed to a later subscriber.
    pub async fn publish_without_subscribers_is_fine(bus: &dyn PubSub) {
        let topic = topic("nobody");
        bus.publish(&topic, "lost".into()).await.expect("publish");
        let mut stream = bus.subscribe(&topic).await.expect("subscribe");
        bus.publish(&topic, "heard".into()).await.expect("publish");
        assert_eq!(next(&mut stream).await, "heard");
    }

    /// A dropped stream stops receiving without disturbing the others.
    pub async fn dropping_a_stream_unsubscribes(bus: &dyn PubSub) {
        let topic = topic("drop");
        let dropped = bus.subscribe(&topic).await.expect("subscribe");
        let mut kept = bus.subscribe(&topic).await.expect("subscribe");
        drop(dropped);
        bus.publish(&topic, "still here".into())
            .await
            .expect("publish");
        assert_eq!(next(&mut kept).await, "still here");
        drop(kept);
        bus.publish(&topic, "to nobody".into())
            .await
            .expect("publish");
    }
}
