//! The Merkle tree hash of RFC 6962 (as used by Certificate Transparency and C2SP
//! transparency logs) over the chains' heads.

use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A 32-byte hash.
pub type Hash = [u8; 32];

/// The leaf for one chain: its item, head sequence and head hash (hex as stored).
/// `SHA-256(0x00 || item id (16 bytes) || sequence (4 bytes, big endian) || head hash (hex text))`.
pub fn chain_leaf(item_id: Uuid, sequence: i32, head_hash: &str) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0u8]);
    hasher.update(item_id.as_bytes());
    hasher.update(sequence.to_be_bytes());
    hasher.update(head_hash.as_bytes());
    hasher.finalize().into()
}

fn node(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([1u8]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The root over `leaves` in their order (callers sort chains by item id):
/// MTH({}) = SHA-256(""), MTH of one leaf = the leaf, otherwise the node over the
/// largest power-of-two prefix and the rest.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let split = largest_power_of_two_below(n);
            node(&root(&leaves[..split]), &root(&leaves[split..]))
        }
    }
}

fn largest_power_of_two_below(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_depends_on_every_leaf_and_their_order() {
        let leaves: Vec<Hash> = (0..5).map(|i| chain_leaf(Uuid::nil(), i, "h")).collect();
        let base = root(&leaves);
        let mut swapped = leaves.clone();
        swapped.swap(0, 4);
        assert_ne!(base, root(&swapped));
        assert_ne!(base, root(&leaves[..4]));
        assert_eq!(root(&leaves[..1]), leaves[0]);
        assert_eq!(base, node(&root(&leaves[..4]), &leaves[4]));
    }
}
