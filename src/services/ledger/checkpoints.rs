//! Signed checkpoints: a Merkle tree head over every item's chain head, signed as a
//! C2SP note, kept with the heads it covered so any checkpoint can be recomputed from
//! today's events later. Someone who rolls a chain back (even re-signing it with the
//! key) cannot make today's log reproduce a checkpoint a partner kept.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc};
use entity::{custody_checkpoint, custody_checkpoint_head, custody_item};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::verify::{events_by_item, stored_event};
use crate::domain::custody::chain::{ChainCheck, signature_valid, verify_chain};
use crate::domain::custody::checkpoint::{CheckpointBody, key_id, split_note};
use crate::domain::custody::merkle::{chain_leaf, root};
use crate::domain::partner::WebhookEventType;
use crate::error::{AppError, AppResult};
use crate::infra::db::is_unique_violation;
use crate::infra::signing::ServerKey;
use crate::services::partners::outbox;

/// Chains verified per database round trip.
const BATCH: usize = 500;

/// What a kept checkpoint says about today's log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointCheck {
    /// The checkpoint's number.
    pub number: i64,
    /// Today's log reproduces the checkpoint.
    pub consistent: bool,
    /// Why not.
    pub reason: Option<String>,
    /// The first item whose chain no longer reaches the head the checkpoint covered.
    pub item_id: Option<Uuid>,
}

/// The most recent checkpoints, newest first.
pub async fn recent(
    conn: &impl ConnectionTrait,
    limit: u64,
) -> AppResult<Vec<custody_checkpoint::Model>> {
    Ok(custody_checkpoint::Entity::find()
        .order_by_desc(custody_checkpoint::Column::Number)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Makes, signs and stores a checkpoint over every chain as it stands, after verifying
/// each chain (a broken log is never signed); publishes it to subscribed partners.
pub async fn create(
    db: &DatabaseConnection,
    key: &ServerKey,
    origin: &str,
    now: DateTime<Utc>,
) -> AppResult<custody_checkpoint::Model> {
    let mut heads: Vec<(Uuid, i32)> = custody_item::Entity::find()
        .select_only()
        .column(custody_item::Column::Id)
        .column(custody_item::Column::HeadSequence)
        .order_by_asc(custody_item::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    // The tree orders chains by item id as Rust compares them, whatever the database's
    // collation.
    heads.sort_unstable();
    let tree = chain_tree(db, key, &heads).await?.map_err(|broken| {
        AppError::InvalidState(format!(
            "the custody log is broken, no checkpoint signed: {broken}"
        ))
    })?;
    let previous = covered_heads(db, i64::MAX).await?;
    let txn = db.begin().await?;
    let number = recent(&txn, 1).await?.first().map_or(0, |last| last.number) + 1;
    let body = CheckpointBody {
        origin: origin.to_owned(),
        tree_size: heads.len() as u64,
        root_hash: BASE64.encode(tree.root),
        number,
        events: tree.events,
        issued_at: now,
    };
    let note = sign_note(key, &body);
    let saved = custody_checkpoint::ActiveModel {
        number: Set(number),
        origin: Set(body.origin.clone()),
        tree_size: Set(i64::try_from(body.tree_size).unwrap_or(i64::MAX)),
        events: Set(i64::try_from(body.events).unwrap_or(i64::MAX)),
        root_hash: Set(body.root_hash.clone()),
        issued_at: Set(now),
        note: Set(note.clone()),
        key_id: Set(key.key_id().to_owned()),
    };
    let inserted = custody_checkpoint::Entity::insert(saved)
        .exec_with_returning(&txn)
        .await;
    let checkpoint = match inserted {
        Ok(checkpoint) => checkpoint,
        Err(err) if is_unique_violation(&err) => {
            return Err(AppError::Conflict(
                "another checkpoint was made at the same time".to_owned(),
            ));
        }
        Err(err) => return Err(err.into()),
    };
    let changed: Vec<custody_checkpoint_head::ActiveModel> = heads
        .iter()
        .filter(|(id, sequence)| previous.get(id) != Some(sequence))
        .map(|(id, sequence)| custody_checkpoint_head::ActiveModel {
            checkpoint_number: Set(number),
            item_id: Set(*id),
            sequence: Set(*sequence),
        })
        .collect();
    for chunk in changed.chunks(BATCH) {
        custody_checkpoint_head::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    outbox::enqueue_to_subscribers(
        &txn,
        WebhookEventType::CustodyCheckpoint,
        json!({"number": number, "treeSize": body.tree_size, "events": body.events,
               "rootHash": body.root_hash, "issuedAt": now, "note": note}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(checkpoint)
}

/// Checks a kept checkpoint note against today's log.
pub async fn check(
    db: &DatabaseConnection,
    key: &ServerKey,
    origin: &str,
    note: &str,
) -> AppResult<CheckpointCheck> {
    let (body_text, signature) =
        split_note(note, origin).map_err(|e| AppError::validation("checkpoint", e))?;
    let body =
        CheckpointBody::parse(body_text).map_err(|e| AppError::validation("checkpoint", e))?;
    if !note_signature_valid(key, origin, body_text, signature) {
        return Err(AppError::validation(
            "checkpoint",
            "the note is not signed by this server's key",
        ));
    }
    let verdict =
        |consistent: bool, reason: Option<String>, item_id: Option<Uuid>| CheckpointCheck {
            number: body.number,
            consistent,
            reason,
            item_id,
        };
    let heads: Vec<(Uuid, i32)> = covered_heads(db, body.number).await?.into_iter().collect();
    let tree = match chain_tree(db, key, &heads).await? {
        Ok(tree) => tree,
        Err(broken) => return Ok(verdict(false, Some(broken.reason), Some(broken.item_id))),
    };
    if heads.len() as u64 != body.tree_size || tree.events != body.events {
        return Ok(verdict(
            false,
            Some(format!(
                "the checkpoint covered {} chains and {} events; today's log has {} and {} up to it",
                body.tree_size,
                body.events,
                heads.len(),
                tree.events
            )),
            None,
        ));
    }
    if BASE64.encode(tree.root) != body.root_hash {
        return Ok(verdict(false, Some("today's chains do not reproduce the checkpoint's root hash: history was rewritten or rolled back".to_owned()), None));
    }
    Ok(verdict(true, None, None))
}

/// The signed note of `body`: the body, a blank line, and the signature line.
fn sign_note(key: &ServerKey, body: &CheckpointBody) -> String {
    let text = body.text();
    let mut signed = key_id(&body.origin, key.verifying_key().as_bytes()).to_vec();
    signed.extend_from_slice(&key.sign_raw(text.as_bytes()));
    format!(
        "{text}\n\u{2014} {} {}\n",
        body.origin,
        BASE64.encode(signed)
    )
}

fn note_signature_valid(key: &ServerKey, origin: &str, body: &str, signature: &str) -> bool {
    let Ok(bytes) = BASE64.decode(signature) else {
        return false;
    };
    let expected = key_id(origin, key.verifying_key().as_bytes());
    bytes.len() == 68
        && bytes[..4] == expected
        && signature_valid(
            &key.verifying_key(),
            body.as_bytes(),
            &BASE64.encode(&bytes[4..]),
        )
}

/// Each item's head sequence as of checkpoint `number` (its latest recorded head).
async fn covered_heads(conn: &impl ConnectionTrait, number: i64) -> AppResult<BTreeMap<Uuid, i32>> {
    let rows: Vec<(Uuid, i64, i32)> = custody_checkpoint_head::Entity::find()
        .select_only()
        .column(custody_checkpoint_head::Column::ItemId)
        .column(custody_checkpoint_head::Column::CheckpointNumber)
        .column(custody_checkpoint_head::Column::Sequence)
        .filter(custody_checkpoint_head::Column::CheckpointNumber.lte(number))
        .order_by_asc(custody_checkpoint_head::Column::CheckpointNumber)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(item, _, sequence)| (item, sequence))
        .collect())
}

/// The Merkle root over the chains and the events it covers.
struct Tree {
    root: [u8; 32],
    events: u64,
}

/// Where a chain broke while building the tree.
#[derive(Debug)]
struct Broken {
    item_id: Uuid,
    reason: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "item {}: {}", self.item_id, self.reason)
    }
}

/// Verifies each chain up to its head in `heads` (sorted by item id) and builds the tree
/// over those heads.
async fn chain_tree(
    conn: &impl ConnectionTrait,
    key: &ServerKey,
    heads: &[(Uuid, i32)],
) -> AppResult<Result<Tree, Broken>> {
    let verifying = key.verifying_key();
    let mut leaves = Vec::with_capacity(heads.len());
    let mut events = 0u64;
    for batch in heads.chunks(BATCH) {
        let ids: Vec<Uuid> = batch.iter().map(|(id, _)| *id).collect();
        let mut stored = events_by_item(conn, &ids).await?;
        for (item_id, sequence) in batch {
            let chain: Vec<_> = stored
                .remove(item_id)
                .unwrap_or_default()
                .into_iter()
                .filter(|e| e.sequence <= *sequence)
                .map(stored_event)
                .collect();
            let reached = i32::try_from(chain.len()).unwrap_or(i32::MAX);
            match verify_chain(&chain, None, &verifying) {
                ChainCheck::Valid { head_hash, .. } if reached == *sequence => {
                    leaves.push(chain_leaf(*item_id, *sequence, &head_hash));
                    events += chain.len() as u64;
                }
                ChainCheck::Valid { .. } => {
                    return Ok(Err(Broken {
                        item_id: *item_id,
                        reason: format!(
                            "the chain ends at {reached}, before the covered head {sequence}"
                        ),
                    }));
                }
                ChainCheck::Broken {
                    at_sequence,
                    reason,
                    ..
                } => {
                    return Ok(Err(Broken {
                        item_id: *item_id,
                        reason: format!("event {at_sequence}: {reason}"),
                    }));
                }
            }
        }
    }
    Ok(Ok(Tree {
        root: root(&leaves),
        events,
    }))
}

/// Makes a checkpoint every `RELOOP_CHECKPOINT_INTERVAL_SECS` (none when zero). The first
/// comes one interval after start, so restarts do not flood partners with checkpoints;
/// when two instances race, one of them stands down (CONFLICT) until the next tick.
pub fn spawn_checkpointer(state: crate::state::AppState) -> Option<tokio::task::JoinHandle<()>> {
    let every = state.config.custody.checkpoint_interval;
    if every.is_zero() {
        return None;
    }
    Some(tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let origin = &state.config.custody.checkpoint_origin;
            match create(&state.db, &state.server_key, origin, state.clock.now()).await {
                Ok(made) => tracing::info!(
                    number = made.number,
                    chains = made.tree_size,
                    "custody checkpoint signed"
                ),
                Err(err) => tracing::warn!(error = ?err.into_anyhow(), "custody checkpoint failed"),
            }
        }
    }))
}
