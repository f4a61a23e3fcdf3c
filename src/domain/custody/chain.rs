//! Verifying one item's chain: sequences without gaps, each event linked to the one
//! before, each hash re-computed from the event's content, each signature the server's,
//! and the signed head pointing at the last event.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};

use super::encoding::{EventContent, GENESIS, event_message, head_message};

/// An event as stored: its content and what the server wrote next to it.
#[derive(Clone, Debug)]
pub struct StoredEvent {
    /// What the hash covers (with the sequence and previous hash as stored).
    pub content: EventContent,
    /// The stored hash.
    pub hash: String,
    /// The stored signature, base64.
    pub signature: String,
}

/// An item's stored head: its last sequence and hash, signed.
#[derive(Clone, Debug)]
pub struct SignedHead {
    /// Last sequence.
    pub sequence: i32,
    /// Last hash.
    pub hash: String,
    /// Base64 signature over [`head_message`].
    pub signature: String,
}

/// The outcome for one chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainCheck {
    /// Every event checks out; the hash of the last event.
    Valid {
        /// Events checked.
        events: usize,
        /// The last event's hash (the chain's head).
        head_hash: String,
    },
    /// The first event that does not check out.
    Broken {
        /// Events read.
        events: usize,
        /// The sequence where the chain breaks.
        at_sequence: i32,
        /// Why, in words.
        reason: String,
    },
}

/// Whether `signature` (base64) is `key`'s over `message`.
pub fn signature_valid(key: &VerifyingKey, message: &[u8], signature: &str) -> bool {
    let Ok(bytes) = BASE64.decode(signature) else {
        return false;
    };
    let Ok(signature) = Signature::from_slice(&bytes) else {
        return false;
    };
    key.verify(message, &signature).is_ok()
}

/// Checks one item's `events` (ordered by stored sequence), and that the signed `head`,
/// when given, points at the last of them.
pub fn verify_chain(
    events: &[StoredEvent],
    head: Option<&SignedHead>,
    key: &VerifyingKey,
) -> ChainCheck {
    let broken = |at_sequence: i32, reason: String| ChainCheck::Broken {
        events: events.len(),
        at_sequence,
        reason,
    };
    let mut previous = GENESIS.to_owned();
    let mut expected: i32 = 1;
    for event in events {
        if let Some(reason) = event_fault(event, expected, &previous, key) {
            return broken(expected, reason);
        }
        previous.clone_from(&event.hash);
        expected += 1;
    }
    let last = expected - 1;
    if let Some(head) = head {
        let item_id = events.first().map(|e| e.content.item_id);
        let message = item_id.map(|id| head_message(id, head.sequence, &head.hash));
        if !message.is_some_and(|m| signature_valid(key, &m, &head.signature)) {
            return broken(
                last.max(1),
                "the item's head is not signed by the server".to_owned(),
            );
        }
        if head.sequence > last {
            return broken(
                last + 1,
                format!(
                    "event {} is missing (the item's signed head is at {})",
                    last + 1,
                    head.sequence
                ),
            );
        }
        if head.sequence < last || head.hash != previous {
            return broken(
                head.sequence + 1,
                "events follow the item's signed head".to_owned(),
            );
        }
    }
    if events.is_empty() {
        return broken(1, "the item has no events".to_owned());
    }
    ChainCheck::Valid {
        events: events.len(),
        head_hash: previous,
    }
}

/// What is wrong with `event` where sequence `expected` after hash `previous` should be.
fn event_fault(
    event: &StoredEvent,
    expected: i32,
    previous: &str,
    key: &VerifyingKey,
) -> Option<String> {
    let stored = event.content.sequence;
    if stored > expected {
        return Some(format!("event {expected} is missing"));
    }
    if stored < expected {
        return Some(format!("event {stored} appears twice or out of order"));
    }
    if event.content.previous_hash != previous {
        return Some("does not link to the previous event's hash".to_owned());
    }
    if event.content.hash() != event.hash {
        return Some("the event's content does not match its hash".to_owned());
    }
    if !signature_valid(key, &event_message(&event.hash), &event.signature) {
        return Some("the event's signature is not the server's".to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use ed25519_dalek::{Signer, SigningKey};
    use uuid::Uuid;

    use super::*;
    use crate::domain::custody::encoding::storable_time;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7; 32])
    }

    fn sign(key: &SigningKey, message: &[u8]) -> String {
        BASE64.encode(key.sign(message).to_bytes())
    }

    fn chain(n: i32) -> (Vec<StoredEvent>, SignedHead) {
        let key = key();
        let item = Uuid::new_v4();
        let mut previous = GENESIS.to_owned();
        let mut events = Vec::new();
        for sequence in 1..=n {
            let at = storable_time(Utc::now());
            let content = EventContent {
                item_id: item,
                sequence,
                step: "COLLECTED".to_owned(),
                at,
                recorded_at: at,
                actor_user_id: None,
                actor_role: "COLLECTOR".to_owned(),
                holder: "collector:1".to_owned(),
                place: None,
                weight_kg: None,
                weight_estimated: true,
                note: None,
                details: "{}".to_owned(),
                previous_hash: previous.clone(),
            };
            let hash = content.hash();
            let signature = sign(&key, &event_message(&hash));
            previous.clone_from(&hash);
            events.push(StoredEvent {
                content,
                hash,
                signature,
            });
        }
        let head = SignedHead {
            sequence: n,
            hash: previous.clone(),
            signature: sign(&key, &head_message(item, n, &previous)),
        };
        (events, head)
    }

    fn broken_at(check: ChainCheck) -> i32 {
        match check {
            ChainCheck::Broken { at_sequence, .. } => at_sequence,
            ChainCheck::Valid { .. } => 0,
        }
    }

    #[test]
    fn an_untouched_chain_is_valid() {
        let (events, head) = chain(4);
        let check = verify_chain(&events, Some(&head), &key().verifying_key());
        assert!(
            matches!(check, ChainCheck::Valid { events: 4, .. }),
            "{check:?}"
        );
    }

    #[test]
    fn changes_removals_and_reorders_name_the_first_broken_event() {
        let verifying = key().verifying_key();
        let (mut events, head) = chain(4);
        events[2].content.note = Some("edited".to_owned());
        assert_eq!(broken_at(verify_chain(&events, Some(&head), &verifying)), 3);

        let (mut events, head) = chain(4);
        events.remove(1);
        assert_eq!(broken_at(verify_chain(&events, Some(&head), &verifying)), 2);

        let (mut events, head) = chain(4);
        events.pop();
        assert_eq!(broken_at(verify_chain(&events, Some(&head), &verifying)), 4);

        let (mut events, head) = chain(4);
        events.swap(1, 2);
        assert_eq!(broken_at(verify_chain(&events, Some(&head), &verifying)), 2);
    }

    #[test]
    fn a_signature_by_another_key_is_refused() {
        let (events, head) = chain(2);
        let other = SigningKey::from_bytes(&[9; 32]).verifying_key();
        assert_eq!(broken_at(verify_chain(&events, Some(&head), &other)), 1);
    }
}
