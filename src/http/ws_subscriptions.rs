//! Which subscriptions a WebSocket holds open, from the `graphql-transport-ws` messages
//! that pass through it, so one socket cannot open an unbounded number of them.

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::json;

/// The fields of a protocol message this module reads.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "type", borrow)]
    kind: &'a str,
    #[serde(borrow)]
    id: Option<&'a str>,
}

/// What to do with a client message.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// Hand it to the protocol engine.
    Forward,
    /// Do not; answer the client with this `error` message instead.
    Refuse(String),
}

/// The open subscription ids of one socket.
#[derive(Debug)]
pub struct OpenSubscriptions {
    ids: HashSet<String>,
    limit: usize,
}

impl OpenSubscriptions {
    /// No subscription open yet; at most `limit` at once.
    pub fn new(limit: usize) -> Self {
        Self {
            ids: HashSet::new(),
            limit,
        }
    }

    /// Notes a message from the client: `subscribe` opens an id (or is refused past the
    /// limit), `complete` closes one. Anything else, malformed text included, goes to
    /// the engine, which answers it under the protocol's rules.
    pub fn note_client(&mut self, text: &str) -> Verdict {
        let Ok(message) = serde_json::from_str::<Envelope>(text) else {
            return Verdict::Forward;
        };
        match (message.kind, message.id) {
            ("subscribe", Some(id)) if !self.ids.contains(id) => {
                if self.ids.len() >= self.limit {
                    return Verdict::Refuse(too_many(id, self.limit));
                }
                self.ids.insert(id.to_owned());
            }
            ("complete", Some(id)) => {
                self.ids.remove(id);
            }
            _ => {}
        }
        Verdict::Forward
    }

    /// Notes a message from the server: `complete` and `error` end a subscription.
    pub fn note_server(&mut self, text: &str) {
        // Most server messages are `next`; only parse the ones that may end one.
        if !(text.contains("\"complete\"") || text.contains("\"error\"")) {
            return;
        }
        if let Ok(Envelope {
            kind: "complete" | "error",
            id: Some(id),
        }) = serde_json::from_str::<Envelope>(text)
        {
            self.ids.remove(id);
        }
    }
}

fn too_many(id: &str, limit: usize) -> String {
    json!({
        "type": "error",
        "id": id,
        "payload": [{
            "message": format!("this connection already holds {limit} subscriptions; complete one first"),
            "extensions": {"code": "RATE_LIMITED"}
        }]
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subscribe(id: &str) -> String {
        json!({"type": "subscribe", "id": id, "payload": {"query": "subscription { jobOffers { kind } }"}})
            .to_string()
    }

    #[test]
    fn past_the_limit_a_subscribe_is_refused_until_one_ends() {
        let mut open = OpenSubscriptions::new(2);
        assert_eq!(open.note_client(&subscribe("a")), Verdict::Forward);
        assert_eq!(open.note_client(&subscribe("b")), Verdict::Forward);
        let Verdict::Refuse(answer) = open.note_client(&subscribe("c")) else {
            panic!("a third subscription is refused");
        };
        let answer: serde_json::Value = serde_json::from_str(&answer).expect("json");
        assert_eq!(answer["type"], "error");
        assert_eq!(answer["id"], "c");
        assert_eq!(answer["payload"][0]["extensions"]["code"], "RATE_LIMITED");

        open.note_client(r#"{"type":"complete","id":"a"}"#);
        assert_eq!(open.note_client(&subscribe("c")), Verdict::Forward);
        open.note_server(r#"{"type":"error","id":"b","payload":[]}"#);
        open.note_server(r#"{"type":"next","id":"c","payload":{"data":{"x":"complete"}}}"#);
        assert_eq!(open.note_client(&subscribe("d")), Verdict::Forward);
        assert!(matches!(
            open.note_client(&subscribe("e")),
            Verdict::Refuse(_)
        ));
        open.note_server(r#"{"type":"complete","id":"d"}"#);
        assert_eq!(open.note_client(&subscribe("e")), Verdict::Forward);
    }

    #[test]
    fn a_repeated_id_and_malformed_text_go_to_the_engine() {
        let mut open = OpenSubscriptions::new(1);
        assert_eq!(open.note_client(&subscribe("a")), Verdict::Forward);
        // A duplicate id is the engine's to answer, under the protocol's rules.
        assert_eq!(open.note_client(&subscribe("a")), Verdict::Forward);
        assert_eq!(open.note_client("not json"), Verdict::Forward);
        assert_eq!(open.note_client(r#"{"type":"ping"}"#), Verdict::Forward);
    }
}
