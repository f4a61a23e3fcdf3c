//! [`PubSub`] across instances through Redis: PUBLISH on the shared connection, and one dedicated
//! subscriber connection per process that PSUBSCRIBEs the whole prefix and fans out locally.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use async_trait::async_trait;
use futures_util::{FutureExt as _, StreamExt as _};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::memory::InMemoryPubSub;
use super::{MessageStream, PubSub};
use crate::infra::redis_conn::RedisConn;

/// First pause after a failed reconnect; doubled on each further failure.
const MIN_BACKOFF: Duration = Duration::from_millis(100);
/// Longest pause between reconnect attempts, so recovery after an outage takes at most this long.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// A connection that dies sooner than this is treated as a failed attempt, so a flapping server does
/// not make us reconnect in a tight loop.
const STABLE_AFTER: Duration = Duration::from_secs(1);
/// How often the idle subscriber connection is pinged: a half-open TCP connection never ends the
/// message stream by itself, and would otherwise swallow every message silently.
const PING_EVERY: Duration = Duration::from_secs(15);
/// Subscribe requests that may wait for the listener (they pile up only while it reconnects).
const PENDING_SUBSCRIBES: usize = 1024;

/// A Redis-backed bus; clones share one subscriber connection, which closes with the last clone.
#[derive(Clone)]
pub struct RedisPubSub {
    shared: Arc<Shared>,
}

struct Shared {
    conn: RedisConn,
    /// The local fan-out: Redis delivers each message to this process once, and this hands it on.
    fanout: InMemoryPubSub,
    /// Subscriptions are made by the listener task, which alone knows what Redis has already sent.
    requests: mpsc::Sender<Register>,
    /// Whether the listener holds a subscribed connection now.
    listening: Arc<AtomicBool>,
    task: JoinHandle<()>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // The task holds no handle on `Shared`, so without this it would keep its connection forever.
        self.task.abort();
    }
}

/// A request to the listener for a stream of `topic`.
struct Register {
    topic: String,
    reply: oneshot::Sender<MessageStream>,
}

impl RedisPubSub {
    /// Opens the subscriber connection and waits for its PSUBSCRIBE, so it fails when Redis is
    /// unreachable; later connection losses are repaired in the background.
    pub async fn start(conn: &RedisConn) -> anyhow::Result<RedisPubSub> {
        let listener = Listener::new(conn);
        let first = listener.connect().await?;
        Ok(Self::launch(conn, listener, Some(first)))
    }

    /// Like [`RedisPubSub::start`], but when Redis cannot be reached now the bus starts
    /// anyway: subscribers are served in-process and the listener connects in the background
    /// (Redis is an accelerator; a server must not refuse to start without it).
    pub async fn start_or_degrade(conn: &RedisConn) -> RedisPubSub {
        let listener = Listener::new(conn);
        let first = if conn.is_up() {
            match listener.connect().await {
                Ok(first) => Some(first),
                Err(error) => {
                    tracing::warn!(
                        error = format!("{error:#}"),
                        "Redis pub/sub unavailable; serving subscribers in-process meanwhile"
                    );
                    None
                }
            }
        } else {
            None
        };
        Self::launch(conn, listener, first)
    }

    fn launch(conn: &RedisConn, listener: Listener, first: Option<redis::aio::PubSub>) -> Self {
        let (requests, incoming) = mpsc::channel(PENDING_SUBSCRIBES);
        let fanout = listener.fanout.clone();
        let listening = Arc::clone(&listener.listening);
        let task = tokio::spawn(listener.run(first, incoming));
        RedisPubSub {
            shared: Arc::new(Shared {
                conn: conn.clone(),
                fanout,
                requests,
                listening,
                task,
            }),
        }
    }

    /// How many topics have a subscriber in this process; for metrics and tests.
    pub fn local_topic_count(&self) -> usize {
        self.shared.fanout.topic_count()
    }

    /// A stream of what reaches this process for `topic` without waiting for the listener:
    /// what this process publishes while Redis fails, and everything again once the listener
    /// is back (it feeds the same fan-out).
    fn in_process(&self, topic: &str) -> MessageStream {
        self.shared.conn.note_degraded("pubsub");
        tracing::debug!(%topic, "Redis pub/sub listener unavailable; subscribed in-process");
        self.shared.fanout.subscribe_local(topic)
    }
}

#[async_trait]
impl PubSub for RedisPubSub {
    /// Even this process's own subscribers are reached through Redis, so each gets it exactly once.
    /// When Redis fails, this process's subscribers still get the message (other instances' do
    /// not; the failure is counted on `/metrics` and logged at debug level).
    async fn publish(&self, topic: &str, payload: String) -> anyhow::Result<()> {
        let mut command = redis::cmd("PUBLISH");
        command.arg(self.shared.conn.key(topic)).arg(&payload);
        let published: anyhow::Result<i64> = self
            .shared
            .conn
            .call("pubsub", |mut con| async move {
                command.query_async(&mut con).await
            })
            .await;
        if let Err(err) = published {
            tracing::debug!(error = format!("{err:#}"), %topic, "PUBLISH failed; delivering locally");
            self.shared.fanout.deliver(topic, payload);
        }
        Ok(())
    }

    /// Through the listener, so a subscriber gets exactly what is published after it asked.
    /// While Redis is down (the listener is reconnecting, or does not answer within one Redis
    /// response timeout) the subscriber is served in-process instead of waiting or failing.
    async fn subscribe(&self, topic: &str) -> anyhow::Result<MessageStream> {
        if !self.shared.listening.load(Ordering::Acquire) || !self.shared.conn.is_up() {
            return Ok(self.in_process(topic));
        }
        let (reply, stream) = oneshot::channel();
        let request = Register {
            topic: topic.to_owned(),
            reply,
        };
        let asked = tokio::time::timeout(self.shared.conn.response_timeout(), async {
            self.shared.requests.send(request).await.ok()?;
            stream.await.ok()
        })
        .await;
        match asked {
            Ok(Some(stream)) => Ok(stream),
            Ok(None) => anyhow::bail!("Redis pub/sub listener has stopped"),
            // The listener gives up on a request whose caller stopped waiting.
            Err(_) => Ok(self.in_process(topic)),
        }
    }
}

/// What the background task needs: it owns the subscriber connection for the life of the process.
struct Listener {
    conn: RedisConn,
    pattern: String,
    fanout: InMemoryPubSub,
    listening: Arc<AtomicBool>,
}

/// Why [`Listener::pump`] returned.
enum PumpEnd {
    ConnectionLost,
    Shutdown,
}

impl Listener {
    fn new(conn: &RedisConn) -> Self {
        Listener {
            conn: conn.clone(),
            pattern: format!("{}*", escape_glob(conn.prefix())),
            fanout: InMemoryPubSub::new(),
            listening: Arc::new(AtomicBool::new(false)),
        }
    }

    /// A fresh connection with its PSUBSCRIBE confirmed, within the connection's timeouts.
    async fn connect(&self) -> anyhow::Result<redis::aio::PubSub> {
        let mut pubsub = tokio::time::timeout(
            self.conn.connect_timeout(),
            self.conn.client().get_async_pubsub(),
        )
        .await
        .context("timed out opening the Redis pub/sub connection")?
        .context("could not open the Redis pub/sub connection")?;
        // The connect timeout, not the (short) per-call one: this is off every request's path,
        // and a spurious timeout would cost a reconnect during which messages are lost.
        tokio::time::timeout(
            self.conn.connect_timeout(),
            pubsub.psubscribe(&self.pattern),
        )
        .await
        .context("timed out waiting for PSUBSCRIBE")?
        .context("PSUBSCRIBE failed")?;
        Ok(pubsub)
    }

    /// Serves messages and subscribe requests, and reconnects with a capped backoff whenever the
    /// connection goes.
    async fn run(self, first: Option<redis::aio::PubSub>, mut requests: mpsc::Receiver<Register>) {
        let mut current = first;
        // A request caught by a connection loss is served first on the next connection.
        let mut pending = None;
        let mut backoff = MIN_BACKOFF;
        loop {
            let pubsub = match current.take() {
                Some(pubsub) => pubsub,
                None => match self.connect().await {
                    Ok(pubsub) => {
                        tracing::info!("Redis pub/sub reconnected");
                        pubsub
                    }
                    Err(error) => {
                        tracing::warn!(
                            error = format!("{error:#}"),
                            retry_in = ?backoff,
                            "Redis pub/sub reconnect failed"
                        );
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                        continue;
                    }
                },
            };
            let connected_at = Instant::now();
            self.listening.store(true, Ordering::Release);
            let end = self.pump(pubsub, &mut requests, &mut pending).await;
            self.listening.store(false, Ordering::Release);
            if let PumpEnd::Shutdown = end {
                return;
            }
            tracing::warn!("Redis pub/sub connection lost; reconnecting");
            if connected_at.elapsed() < STABLE_AFTER {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            } else {
                backoff = MIN_BACKOFF;
            }
        }
    }

    /// Hands each message to the local fan-out and answers subscribe requests, until the connection
    /// ends or stops answering pings.
    async fn pump(
        &self,
        pubsub: redis::aio::PubSub,
        requests: &mut mpsc::Receiver<Register>,
        pending: &mut Option<Register>,
    ) -> PumpEnd {
        let (mut sink, mut messages) = pubsub.split();
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ping.tick().await; // the first tick is immediate; the connection was just proven
        loop {
            let request = match pending.take() {
                Some(request) => request,
                None => tokio::select! {
                    message = messages.next() => {
                        let Some(message) = message else { return PumpEnd::ConnectionLost };
                        self.dispatch(&message);
                        continue;
                    }
                    request = requests.recv() => {
                        let Some(request) = request else { return PumpEnd::Shutdown };
                        request
                    }
                    _ = ping.tick() => {
                        if !self.answers_ping(&mut sink).await {
                            return PumpEnd::ConnectionLost;
                        }
                        continue;
                    }
                },
            };
            if request.reply.is_closed() {
                continue; // the caller gave up waiting
            }
            // A barrier: Redis answers this PING only after everything it already sent on this
            // connection, and the driver queues those messages before it resolves the PING. Draining
            // them before registering means a subscriber gets exactly what was published after it
            // asked, as with the in-process bus, and not a message from just before.
            if !self.answers_ping(&mut sink).await {
                *pending = Some(request);
                return PumpEnd::ConnectionLost;
            }
            while let Some(message) = messages.next().now_or_never() {
                let Some(message) = message else {
                    *pending = Some(request);
                    return PumpEnd::ConnectionLost;
                };
                self.dispatch(&message);
            }
            // If the caller has just given up, the stream is dropped here and its topic cleaned up.
            let _ = request
                .reply
                .send(self.fanout.subscribe_local(&request.topic));
        }
    }

    async fn answers_ping(&self, sink: &mut redis::aio::PubSubSink) -> bool {
        let answer =
            tokio::time::timeout(self.conn.connect_timeout(), sink.ping::<redis::Value>()).await;
        let ok = matches!(answer, Ok(Ok(_)));
        if !ok {
            tracing::warn!("Redis pub/sub connection did not answer PING");
        }
        ok
    }

    fn dispatch(&self, message: &redis::Msg) {
        let channel = message.get_channel_name();
        let Some(topic) = channel.strip_prefix(self.conn.prefix()) else {
            // Cannot happen with our pattern, but a stray message must not reach the wrong topic.
            return;
        };
        match message.get_payload::<String>() {
            Ok(payload) => {
                self.fanout.deliver(topic, payload);
            }
            Err(error) => tracing::warn!(%topic, %error, "dropping a non-UTF-8 pub/sub payload"),
        }
    }
}

/// Escapes Redis glob metacharacters so a prefix is matched literally by PSUBSCRIBE.
fn escape_glob(prefix: &str) -> String {
    let mut escaped = String::with_capacity(prefix.len());
    for c in prefix.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
#[path = "redis_tests.rs"]
mod tests;
