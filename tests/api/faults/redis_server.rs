//! A `redis-server` of the test's own, which it may freeze (SIGSTOP), thaw, kill and start
//! again empty on the same port, without disturbing the suite's shared Redis.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::helpers::eventually;
use crate::procs::free_port;

/// A private Redis; killed when dropped.
pub struct PrivateRedis {
    child: Child,
    port: u16,
    /// Killed by [`PrivateRedis::stop`] and not started again.
    stopped: bool,
}

impl PrivateRedis {
    /// Starts one on a free loopback port and waits until it answers.
    pub async fn start() -> Self {
        let port = free_port();
        let child = spawn(port);
        let server = Self {
            child,
            port,
            stopped: false,
        };
        server.wait_until_up().await;
        server
    }

    /// `redis://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// SIGSTOP: the process keeps its sockets but answers nothing.
    pub fn freeze(&self) {
        signal("-STOP", self.child.id());
    }

    /// SIGCONT.
    pub fn thaw(&self) {
        signal("-CONT", self.child.id());
    }

    /// SIGKILL, and a fresh, empty server on the same port.
    pub async fn restart_empty(&mut self) {
        self.stop();
        self.start_again().await;
    }

    /// SIGKILL: nothing listens on the port until [`Self::start_again`].
    pub fn stop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
        self.stopped = true;
    }

    /// A fresh, empty server on the same port, once it answers.
    pub async fn start_again(&mut self) {
        self.child = spawn(self.port);
        self.stopped = false;
        self.wait_until_up().await;
    }

    /// Pub/sub connections on the server (each instance's listener holds one).
    pub async fn pubsub_clients(&self) -> Option<usize> {
        let client = redis::Client::open(self.url()).ok()?;
        let mut con = tokio::time::timeout(
            Duration::from_secs(1),
            client.get_multiplexed_async_connection(),
        )
        .await
        .ok()?
        .ok()?;
        let clients: String = redis::cmd("CLIENT")
            .arg("LIST")
            .arg("TYPE")
            .arg("pubsub")
            .query_async(&mut con)
            .await
            .ok()?;
        Some(
            clients
                .lines()
                .filter(|line| !line.trim().is_empty())
                .count(),
        )
    }

    async fn wait_until_up(&self) {
        eventually(
            Duration::from_secs(15),
            "the private redis-server to answer",
            || async { self.pubsub_clients().await.map(|_| ()) },
        )
        .await;
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        if self.stopped {
            return;
        }
        self.thaw();
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn spawn(port: u16) -> Child {
    Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start redis-server")
}

fn signal(which: &str, pid: u32) {
    let status = Command::new("kill")
        .args([which, &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill {which} {pid}");
}
