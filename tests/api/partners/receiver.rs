//! A webhook receiver on loopback for the partner tests: records every request and
//! answers with a programmable sequence of statuses.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::Value;

use super::fixtures::signing_key;
use crate::helpers::eventually;

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    /// `webhook-id`.
    pub id: String,
    /// `webhook-timestamp`.
    pub timestamp: String,
    /// `webhook-signature`.
    pub signature: String,
    /// `content-type`.
    pub content_type: String,
    /// The raw body.
    pub body: String,
    /// The status it was answered with.
    pub answered: u16,
}

impl Received {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON webhook body")
    }

    /// Whether the signature verifies with `secret` (`whsec_…`).
    pub fn verifies(&self, secret: &str) -> bool {
        let timestamp: i64 = self.timestamp.parse().expect("a numeric webhook-timestamp");
        reloop::domain::partner::verify(
            &signing_key(secret),
            &self.id,
            timestamp,
            &self.body,
            &self.signature,
        )
    }
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    /// Statuses to answer with, in order; 200 once they run out.
    script: Mutex<VecDeque<u16>>,
}

/// A webhook receiver on 127.0.0.1 that records every request and answers with a
/// programmable sequence of statuses. Stopped when dropped.
pub struct Receiver {
    shared: Arc<Shared>,
    handle: actix_web::dev::ServerHandle,
    /// The listening port.
    pub port: u16,
}

async fn receive(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let status = shared
        .script
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .pop_front()
        .unwrap_or(200);
    shared
        .received
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(Received {
            id: header("webhook-id"),
            timestamp: header("webhook-timestamp"),
            signature: header("webhook-signature"),
            content_type: header("content-type"),
            body: String::from_utf8_lossy(&body).into_owned(),
            answered: status,
        });
    HttpResponse::build(StatusCode::from_u16(status).expect("a valid status")).finish()
}

impl Receiver {
    /// Starts a receiver on a free port answering `script` first, then 200.
    pub async fn start(script: &[u16]) -> Self {
        Self::start_on(0, script).await
    }

    /// Starts a receiver on `port` (0: any free port).
    pub async fn start_on(port: u16, script: &[u16]) -> Self {
        let shared = Arc::new(Shared::default());
        shared
            .script
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(script.iter().copied());
        let data = web::Data::from(shared.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", port))
        .expect("bind the receiver");
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            shared,
            handle,
            port,
        }
    }

    /// The URL to register.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks/reloop", self.port)
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared
            .received
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Waits (up to `limit`) until at least `n` requests arrived; returns them all.
    pub async fn wait_for(&self, n: usize, limit: Duration) -> Vec<Received> {
        eventually(limit, &format!("{n} webhook request(s)"), || {
            let seen = self.received();
            async move { (seen.len() >= n).then_some(seen) }
        })
        .await
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        // `stop` sends the command at once; the future only waits for completion.
        drop(self.handle.stop(false));
    }
}

/// A port on 127.0.0.1 with nothing listening on it (right now).
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}
