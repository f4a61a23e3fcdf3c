//! A TCP proxy the test controls, between a server and its PostgreSQL: it forwards, refuses
//! (closes every connection, as a stopped server does), or black-holes (holds connections
//! and never answers, as a frozen host or a dropped route does). Only the connections of the
//! server under test go through it, so the suite's shared PostgreSQL is never disturbed.

use std::sync::Arc;

use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What the proxy does with connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Pass bytes both ways.
    Forward,
    /// Close open connections and every new one at once.
    Refuse,
    /// Accept and hold connections without passing a byte.
    BlackHole,
}

/// A running proxy; stops when dropped.
pub struct TcpProxy {
    /// The loopback port to connect to instead of the target.
    pub port: u16,
    mode: Arc<watch::Sender<Mode>>,
    task: JoinHandle<()>,
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TcpProxy {
    /// Listens on a free loopback port and forwards to `target` (`host:port`).
    pub async fn start(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let (mode, _) = watch::channel(Mode::Forward);
        let mode = Arc::new(mode);
        let task = tokio::spawn(accept_loop(listener, target, Arc::clone(&mode)));
        Self { port, mode, task }
    }

    /// Switches what happens to open and new connections.
    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }
}

async fn accept_loop(listener: TcpListener, target: String, mode: Arc<watch::Sender<Mode>>) {
    while let Ok((client, _)) = listener.accept().await {
        let watch = mode.subscribe();
        tokio::spawn(serve(client, target.clone(), watch));
    }
}

/// One client connection, until it ends or the mode leaves the one it started in.
async fn serve(mut client: TcpStream, target: String, mut mode: watch::Receiver<Mode>) {
    let started_in = *mode.borrow_and_update();
    match started_in {
        Mode::Refuse => {}
        Mode::BlackHole => {
            // Held open, silent, until the mode changes; then closed.
            drop(mode.changed().await);
        }
        Mode::Forward => {
            let Ok(mut upstream) = TcpStream::connect(&target).await else {
                return;
            };
            tokio::select! {
                _ = copy_bidirectional(&mut client, &mut upstream) => {}
                () = wait_for_fault(&mut mode) => {
                    if *mode.borrow() == Mode::BlackHole {
                        // Stop passing bytes but keep both ends open until the next change.
                        drop(mode.changed().await);
                    }
                }
            }
        }
    }
}

async fn wait_for_fault(mode: &mut watch::Receiver<Mode>) {
    while mode.changed().await.is_ok() {
        if *mode.borrow() != Mode::Forward {
            return;
        }
    }
    std::future::pending::<()>().await;
}
