//! TEMP
use super::*;
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::broadcast;
#[derive(Default)]
pub struct InMemoryPubSub {
    topics: Mutex<HashMap<String, broadcast::Sender<String>>>,
}
impl InMemoryPubSub {
    fn sender(&self, t: &str) -> broadcast::Sender<String> {
        let mut m = self.topics.lock().expect("lock");
        m.entry(t.to_owned())
            .or_insert_with(|| broadcast::channel(64).0)
            .clone()
    }
}
#[async_trait]
impl PubSub for InMemoryPubSub {
    async fn publish(&self, topic: &str, payload: String) -> anyhow::Result<()> {
        let _ = self.sender(topic).send(payload);
        Ok(())
    }
    async fn subscribe(&self, topic: &str) -> anyhow::Result<MessageStream> {
        let mut rx = self.sender(topic).subscribe();
        Ok(Box::pin(async_stream_like(move || {
            let mut rx2 = rx.resubscribe();
            std::mem::swap(&mut rx, &mut rx2);
            rx2
        })))
    }
}
fn async_stream_like(
    mk: impl FnOnce() -> broadcast::Receiver<String> + Send + 'static,
) -> impl futures_util::Stream<Item = String> + Send {
    futures_util::stream::unfold(mk(), |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(m) => return Some((m, rx)),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(_) => return None,
            }
        }
    })
}
