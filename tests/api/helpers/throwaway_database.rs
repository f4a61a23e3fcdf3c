//! PostgreSQL databases made for one test and dropped after it, so a full run does not
//! leave hundreds of databases (megabytes each) on a CI machine's small disk.

use std::time::Duration;

use sea_orm::{ConnectionTrait, Database};
use uuid::Uuid;

/// A database created for one test; dropped (with `FORCE`, closing the app's connections)
/// when this value is.
pub struct ThrowawayDatabase {
    /// The database's URL.
    pub url: String,
    admin_url: String,
    name: String,
}

impl ThrowawayDatabase {
    /// Creates an empty database next to the one in `admin_url`.
    pub async fn create(admin_url: &str) -> Self {
        let name = format!("reloop_test_{}", Uuid::new_v4().simple());
        let admin = Database::connect(admin_url)
            .await
            .expect("connect to PostgreSQL");
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create the test database");
        admin.close().await.ok();
        let (base, _) = admin_url
            .rsplit_once('/')
            .expect("a database URL has a path");
        Self {
            url: format!("{base}/{name}"),
            admin_url: admin_url.to_owned(),
            name,
        }
    }
}

impl Drop for ThrowawayDatabase {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, which cannot be blocked on: the statement
        // runs on a thread of its own with a small runtime, and the drop waits for it.
        let admin_url = self.admin_url.clone();
        let statement = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        let dropping = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async {
                let admin = Database::connect(&admin_url).await.ok()?;
                let done = tokio::time::timeout(
                    Duration::from_secs(10),
                    admin.execute_unprepared(&statement),
                )
                .await;
                admin.close().await.ok();
                done.ok()?.ok()
            })
        });
        // Best effort: a database left behind costs disk, not correctness.
        let _ = dropping.join();
    }
}

/// Creates an empty database next to the one in `admin_url` and returns its URL; the
/// database outlives the test (for tests that start server processes of their own).
pub async fn fresh_postgres_database(admin_url: &str) -> String {
    let database = ThrowawayDatabase::create(admin_url).await;
    let url = database.url.clone();
    std::mem::forget(database);
    url
}
