//! Signed checkpoints of the custody log, as C2SP signed notes (tlog-checkpoint):
//!
//! ```text
//! <origin>
//! <tree size: number of chains>
//! <base64 root hash>
//! checkpoint <number>
//! events <number of events covered>
//! time <RFC 3339>
//!
//! — <origin> <base64(4-byte key id || 64-byte Ed25519 signature)>
//! ```
//!
//! The signature covers the body (every line up to and including the blank line's
//! preceding newline); the key id is the first 4 bytes of
//! SHA-256(origin || "\n" || 0x01 || public key), as the signed-note format defines.

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

/// The facts a checkpoint states.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointBody {
    /// Names the log, e.g. `reloop/custody`.
    pub origin: String,
    /// Chains covered.
    pub tree_size: u64,
    /// Base64 Merkle root.
    pub root_hash: String,
    /// The checkpoint's number in this log.
    pub number: i64,
    /// Events covered.
    pub events: u64,
    /// When it was made.
    pub issued_at: DateTime<Utc>,
}

impl CheckpointBody {
    /// The text that is signed.
    pub fn text(&self) -> String {
        format!(
            "{}\n{}\n{}\ncheckpoint {}\nevents {}\ntime {}\n",
            self.origin,
            self.tree_size,
            self.root_hash,
            self.number,
            self.events,
            self.issued_at.to_rfc3339_opts(SecondsFormat::Secs, true)
        )
    }

    /// Reads a body written by [`CheckpointBody::text`].
    pub fn parse(text: &str) -> Result<Self, String> {
        let lines: Vec<&str> = text.lines().collect();
        let [origin, size, root, number, events, time] = lines.as_slice() else {
            return Err("a checkpoint body has six lines".to_owned());
        };
        let field = |line: &str, name: &str| {
            line.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix(' '))
                .map(str::to_owned)
                .ok_or_else(|| format!("expected a `{name}` line"))
        };
        Ok(Self {
            origin: (*origin).to_owned(),
            tree_size: size
                .parse()
                .map_err(|_| "the tree size is not a number".to_owned())?,
            root_hash: (*root).to_owned(),
            number: field(number, "checkpoint")?
                .parse()
                .map_err(|_| "bad checkpoint number".to_owned())?,
            events: field(events, "events")?
                .parse()
                .map_err(|_| "bad events count".to_owned())?,
            issued_at: DateTime::parse_from_rfc3339(&field(time, "time")?)
                .map_err(|_| "bad time".to_owned())?
                .with_timezone(&Utc),
        })
    }
}

/// The signed-note key id of an Ed25519 public key under `name`.
pub fn key_id(name: &str, public_key: &[u8; 32]) -> [u8; 4] {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update(b"\n");
    hasher.update([1u8]);
    hasher.update(public_key);
    let digest = hasher.finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

/// A note split into its body and the base64 signature of its first signature line
/// (from the given signer name).
pub fn split_note<'a>(note: &'a str, name: &str) -> Result<(&'a str, &'a str), String> {
    let (body, signatures) = note
        .split_once("\n\n")
        .ok_or_else(|| "a signed note has a blank line before its signatures".to_owned())?;
    let prefix = format!("\u{2014} {name} ");
    let signature = signatures
        .lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .ok_or_else(|| format!("the note has no signature by {name}"))?;
    Ok((&note[..body.len() + 1], signature.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_reads_back_as_written_and_a_note_splits() {
        let body = CheckpointBody {
            origin: "reloop/custody".to_owned(),
            tree_size: 3,
            root_hash: "abc=".to_owned(),
            number: 7,
            events: 12,
            issued_at: DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default(),
        };
        assert_eq!(CheckpointBody::parse(&body.text()), Ok(body.clone()));
        let note = format!("{}\n\u{2014} reloop/custody c2ln\n", body.text());
        assert_eq!(
            split_note(&note, "reloop/custody"),
            Ok((body.text().as_str(), "c2ln"))
        );
        assert!(split_note(&note, "someone-else").is_err());
    }
}
