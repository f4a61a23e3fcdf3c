//! The JWT signing secret: configured, or generated once into the data folder.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

/// Shortest accepted secret: HS256 wants at least 256 bits of key.
const MIN_SECRET_BYTES: usize = 32;

/// The configured secret, or the development secret kept in `data_dir/jwt_secret`
/// (created on first use, readable by the owner only). Never logged.
pub fn jwt_secret(configured: Option<&SecretString>, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = configured {
        let bytes = secret.expose_secret().as_bytes().to_vec();
        if bytes.len() < MIN_SECRET_BYTES {
            bail!("RELOOP_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes");
        }
        return Ok(bytes);
    }
    let path = data_dir.join("jwt_secret");
    tracing::warn!(
        path = %path.display(),
        "RELOOP_JWT_SECRET is not set: using a generated development secret; set it in production"
    );
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= MIN_SECRET_BYTES {
            return Ok(existing.into_bytes());
        }
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let secret = hex::encode(raw);
    write_private(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
    Ok(secret.into_bytes())
}

pub(crate) fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}
