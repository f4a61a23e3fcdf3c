//! TEMP
pub mod memory;
use async_trait::async_trait;
pub type MessageStream = std::pin::Pin<Box<dyn futures_util::Stream<Item = String> + Send>>;
#[async_trait]
pub trait PubSub: Send + Sync {
    async fn publish(&self, topic: &str, payload: String) -> anyhow::Result<()>;
    async fn subscribe(&self, topic: &str) -> anyhow::Result<MessageStream>;
}
