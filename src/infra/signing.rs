//! The server's Ed25519 key that signs custody events, checkpoints and certificates:
//! configured (`RELOOP_SIGNING_KEY`, a base64 32-byte seed) or generated once into the
//! data folder. It never goes into the database and is never logged.

use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// The key pair and its public identifiers.
pub struct ServerKey {
    signing: SigningKey,
    key_id: String,
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerKey")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl ServerKey {
    /// A key from a 32-byte seed.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let signing = SigningKey::from_bytes(&seed);
        let digest = Sha256::digest(signing.verifying_key().as_bytes());
        Self {
            key_id: hex::encode(&digest[..8]),
            signing,
        }
    }

    /// The configured key, or the one kept in `data_dir/signing_key` (created on first
    /// use, readable by the owner only).
    pub fn load(configured: Option<&SecretString>, data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(seed) = configured {
            return Self::from_base64(seed.expose_secret()).context("RELOOP_SIGNING_KEY");
        }
        let path = data_dir.join("signing_key");
        if let Ok(existing) = std::fs::read_to_string(&path) {
            return Self::from_base64(existing.trim())
                .with_context(|| format!("reading {}", path.display()));
        }
        tracing::warn!(
            path = %path.display(),
            "RELOOP_SIGNING_KEY is not set: generated a signing key into the data folder; keep it safe and back it up"
        );
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating {}", data_dir.display()))?;
        let mut seed = [0u8; 32];
        rand::rng().fill_bytes(&mut seed);
        super::secrets::write_private(&path, &BASE64.encode(seed))
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(Self::from_seed(seed))
    }

    fn from_base64(text: &str) -> anyhow::Result<Self> {
        let bytes = BASE64.decode(text.trim()).context("not base64")?;
        let Ok(seed) = <[u8; 32]>::try_from(bytes.as_slice()) else {
            bail!("an Ed25519 seed has 32 bytes, got {}", bytes.len());
        };
        Ok(Self::from_seed(seed))
    }

    /// A secret derived from the key for `purpose` (e.g. the blocklist's hash key): the
    /// same key always gives the same secret, and no secret reveals the key.
    pub fn derive_secret(&self, purpose: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(b"reloop-derived-secret:");
        hasher.update(purpose.as_bytes());
        hasher.update(b":");
        hasher.update(self.signing.to_bytes());
        hasher.finalize().into()
    }

    /// Base64 signature over `message`.
    pub fn sign(&self, message: &[u8]) -> String {
        BASE64.encode(self.signing.sign(message).to_bytes())
    }

    /// The raw signature over `message`.
    pub fn sign_raw(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }

    /// The public half.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The public key, base64.
    pub fn public_key_base64(&self) -> String {
        BASE64.encode(self.signing.verifying_key().as_bytes())
    }

    /// Names the key: the first 8 bytes of SHA-256 of the public key, hex.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }
}
