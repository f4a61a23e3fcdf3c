//! Password hashing with Argon2id, off the async worker threads.
//!
//! Parameters follow OWASP's recommendation (m = 19 MiB, t = 2, p = 1). A login for an
//! unknown email verifies against a dummy hash, so both cases cost the same and timing
//! does not reveal which emails have accounts.

use std::sync::Arc;

use anyhow::{Context, anyhow};
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _, phc::PasswordHash};
use argon2::{Algorithm, Argon2, Params, Version};

/// Hashes and verifies passwords; cheap to clone.
#[derive(Clone)]
pub struct PasswordHasher {
    argon2: Arc<Argon2<'static>>,
    dummy_hash: Arc<String>,
}

impl PasswordHasher {
    /// Builds the hasher with OWASP parameters and precomputes the dummy hash.
    pub fn new() -> anyhow::Result<Self> {
        let params =
            Params::new(19 * 1024, 2, 1, None).map_err(|e| anyhow!("argon2 params: {e}"))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy_hash = hash_with(&argon2, "reloop-dummy-password-for-timing")?;
        Ok(Self {
            argon2: Arc::new(argon2),
            dummy_hash: Arc::new(dummy_hash),
        })
    }

    /// Hashes `password` into a PHC string (salt included).
    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        let argon2 = Arc::clone(&self.argon2);
        tokio::task::spawn_blocking(move || hash_with(&argon2, &password))
            .await
            .context("password hashing task")?
    }

    /// Whether `password` matches `stored`; with `stored = None` (unknown account) it
    /// spends the same time on the dummy hash and answers false.
    pub async fn verify(&self, password: String, stored: Option<String>) -> anyhow::Result<bool> {
        let argon2 = Arc::clone(&self.argon2);
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| self.dummy_hash.as_ref().clone());
        let matches = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
            let parsed = PasswordHash::new(&phc).map_err(|e| anyhow!("stored hash: {e}"))?;
            Ok(argon2.verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await
        .context("password verification task")??;
        Ok(known && matches)
    }
}

fn hash_with(argon2: &Argon2<'_>, password: &str) -> anyhow::Result<String> {
    argon2
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow!("hashing password: {e}"))
}
