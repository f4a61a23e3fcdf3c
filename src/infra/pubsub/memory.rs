//! [`PubSub`] inside one process, over per-topic broadcast channels. `RedisPubSub` reuses it as its local
//! fan-out, so the subscribe/cleanup/lag rules live only here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use super::{MessageStream, PubSub};

/// How many messages a topic buffers for its slowest subscriber before that subscriber skips ahead.
/// Kept small because a broadcast channel allocates all its slots up front (about 50 bytes each) and
/// there may be a topic per live order; subscribers read as fast as their WebSocket allows.
pub const DEFAULT_TOPIC_CAPACITY: usize = 64;

type Topics = HashMap<String, broadcast::Sender<String>>;

/// An in-process bus. Clones share the same topics.
#[derive(Clone)]
pub struct InMemoryPubSub {
    // A std mutex: it is held only for map operations and non-blocking broadcast sends, never across an
    // await. The Arc lets each subscription remove its topic when it is the last one out.
    topics: Arc<Mutex<Topics>>,
    capacity: usize,
}

impl Default for InMemoryPubSub {
    fn default() -> Self {
        Self::new()
    }
}

impl InMemoryPubSub {
    /// A bus whose topics buffer [`DEFAULT_TOPIC_CAPACITY`] messages.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_TOPIC_CAPACITY)
    }

    /// A bus whose topics buffer `capacity` messages (at least 1) for their slowest subscriber.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            topics: Arc::default(),
            capacity: capacity.max(1),
        }
    }

    /// How many topics have at least one subscriber here; for metrics and tests.
    pub fn topic_count(&self) -> usize {
        lock(&self.topics).len()
    }

    /// Hands `payload` to this process's subscribers of `topic` and says how many there were.
    pub(crate) fn deliver(&self, topic: &str, payload: String) -> usize {
        let mut topics = lock(&self.topics);
        let Some(sender) = topics.get(topic) else {
            return 0;
        };
        match sender.send(payload) {
            Ok(receivers) => receivers,
            // No receivers left: normally their drop already removed the topic, this is a backstop.
            Err(_) => {
                topics.remove(topic);
                0
            }
        }
    }

    /// A stream of what [`Self::deliver`] hands to `topic` from now on.
    pub(crate) fn subscribe_local(&self, topic: &str) -> MessageStream {
        let receiver = lock(&self.topics)
            .entry(topic.to_owned())
            .or_insert_with(|| broadcast::channel(self.capacity).0)
            .subscribe();
        let subscription = Subscription {
            receiver: Some(receiver),
            topic: topic.to_owned(),
            topics: Arc::clone(&self.topics),
        };
        Box::pin(futures_util::stream::unfold(
            subscription,
            |mut subscription| async move {
                let receiver = subscription.receiver.as_mut()?;
                loop {
                    match receiver.recv().await {
                        Ok(payload) => return Some((payload, subscription)),
                        // A slow consumer loses the oldest messages but keeps its subscription: a
                        // GraphQL subscription that silently ended would be worse than a gap.
                        Err(RecvError::Lagged(skipped)) => tracing::warn!(
                            topic = %subscription.topic,
                            skipped,
                            "pub/sub subscriber lagged; skipped messages"
                        ),
                        Err(RecvError::Closed) => return None,
                    }
                }
            },
        ))
    }
}

#[async_trait]
impl PubSub for InMemoryPubSub {
    async fn publish(&self, topic: &str, payload: String) -> anyhow::Result<()> {
        self.deliver(topic, payload);
        Ok(())
    }

    async fn subscribe(&self, topic: &str) -> anyhow::Result<MessageStream> {
        Ok(self.subscribe_local(topic))
    }
}

/// One subscriber's receiver; dropping it removes the topic once nobody else listens, so topics that
/// come and go (one per order, say) do not pile up.
struct Subscription {
    receiver: Option<broadcast::Receiver<String>>,
    topic: String,
    topics: Arc<Mutex<Topics>>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut topics = lock(&self.topics);
        // Dropped under the lock, so a concurrent subscribe either sees our topic with its new receiver
        // counted or finds it gone and makes a fresh one; it never joins a sender we are removing.
        drop(self.receiver.take());
        if topics
            .get(&self.topic)
            .is_some_and(|sender| sender.receiver_count() == 0)
        {
            topics.remove(&self.topic);
        }
    }
}

fn lock(topics: &Mutex<Topics>) -> MutexGuard<'_, Topics> {
    // A panic elsewhere cannot leave the map half-updated (each operation is a single insert or remove).
    topics.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::super::behaviour::{self, next};
    use super::*;

    #[tokio::test]
    async fn every_subscriber_receives() {
        behaviour::every_subscriber_receives(&InMemoryPubSub::new()).await;
    }

    #[tokio::test]
    async fn topics_are_separate() {
        behaviour::topics_are_separate(&InMemoryPubSub::new()).await;
    }

    #[tokio::test]
    async fn publish_without_subscribers_is_fine() {
        let bus = InMemoryPubSub::new();
        behaviour::publish_without_subscribers_is_fine(&bus).await;
        assert_eq!(bus.topic_count(), 0);
    }

    #[tokio::test]
    async fn dropping_the_last_stream_removes_the_topic() {
        let bus = InMemoryPubSub::new();
        behaviour::dropping_a_stream_unsubscribes(&bus).await;
        assert_eq!(bus.topic_count(), 0);

        let first = bus.subscribe("t").await.expect("subscribe");
        let second = bus.subscribe("t").await.expect("subscribe");
        assert_eq!(bus.topic_count(), 1);
        drop(first);
        assert_eq!(bus.topic_count(), 1);
        drop(second);
        assert_eq!(bus.topic_count(), 0);
    }

    #[tokio::test]
    async fn a_lagging_subscriber_skips_ahead_instead_of_ending() {
        let bus = InMemoryPubSub::with_capacity(2);
        let mut stream = bus.subscribe("t").await.expect("subscribe");
        for i in 0..5 {
            bus.publish("t", format!("m{i}")).await.expect("publish");
        }
        // Only the two newest fit in the buffer; the stream goes on with them.
        assert_eq!(next(&mut stream).await, "m3");
        assert_eq!(next(&mut stream).await, "m4");
        bus.publish("t", "m5".into()).await.expect("publish");
        assert_eq!(next(&mut stream).await, "m5");
    }
}
