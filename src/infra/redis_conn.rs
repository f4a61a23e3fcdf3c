//! TEMP
use std::time::Duration;
#[derive(Clone)]
pub struct RedisConn {
    manager: redis::aio::ConnectionManager,
    prefix: String,
}
impl RedisConn {
    pub async fn connect(
        url: &str,
        key_prefix: &str,
        _ct: Duration,
        _rt: Duration,
    ) -> anyhow::Result<RedisConn> {
        let client = redis::Client::open(url)?;
        let manager = redis::aio::ConnectionManager::new(client).await?;
        Ok(Self {
            manager,
            prefix: key_prefix.to_owned(),
        })
    }
    pub fn manager(&self) -> redis::aio::ConnectionManager {
        self.manager.clone()
    }
    pub fn key(&self, s: &str) -> String {
        format!("{}{s}", self.prefix)
    }
    pub async fn ping(&self) -> anyhow::Result<()> {
        let mut m = self.manager();
        let _: String = redis::cmd("PING").query_async(&mut m).await?;
        Ok(())
    }
}
