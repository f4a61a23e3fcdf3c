//! GraphQL subscriptions over WebSocket (`graphql-transport-ws`).
//!
//! async-graphql's protocol engine runs the session; this module supplies the socket and
//! authentication, and closes with the codes the protocol defines, where the engine
//! uses generic ones: 4400 bad message, 4401 subscribe before `connection_ack`, 4403
//! rejected credentials, 4408 no `connection_init` in time; 1013 (try again later) when
//! the credentials could not be checked because the database is unreachable. A socket holds at most
//! `RELOOP_WS_MAX_SUBSCRIPTIONS` subscriptions at once ([`OpenSubscriptions`]).

use std::time::Duration;

use actix_web::http::header::{HeaderValue, SEC_WEBSOCKET_PROTOCOL};
use actix_web::{HttpRequest, HttpResponse, rt, web};
use actix_ws::{CloseCode, CloseReason};
use async_graphql::http::{WebSocket, WebSocketProtocols, WsMessage};
use async_graphql::{Data, ErrorExtensions};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;

use super::HttpContext;
use super::auth::{Refusal, authenticate};
use super::ws_subscriptions::{OpenSubscriptions, Verdict};
use crate::graphql::loaders::Loaders;

/// The only sub-protocol served (the legacy `graphql-ws` is not).
const PROTOCOL: &str = "graphql-transport-ws";
/// How long a client has to send `connection_init`.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// Marks errors raised by our `connection_init` handler, so they close with 4403.
const AUTH_REJECTED: &str = "Forbidden: ";
/// Marks credentials that could not be checked (the database is unreachable), so the
/// socket closes with 1013 (try again later) rather than 4403.
const TRY_AGAIN: &str = "Unavailable: ";

/// Upgrades `GET /graphql` to a subscription socket.
pub async fn graphql_ws(
    req: HttpRequest,
    body: web::Payload,
    app: web::Data<HttpContext>,
) -> actix_web::Result<HttpResponse> {
    let offered = req
        .headers()
        .get(SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|p| p.trim() == PROTOCOL));
    if !offered {
        return Ok(HttpResponse::BadRequest()
            .body("Sec-WebSocket-Protocol must offer graphql-transport-ws"));
    }
    let (mut response, session, messages) = actix_ws::handle(&req, body)?;
    response
        .headers_mut()
        .insert(SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_static(PROTOCOL));
    let app = app.into_inner();
    rt::spawn(run_session(app, session, messages));
    Ok(response)
}

async fn run_session(
    app: std::sync::Arc<HttpContext>,
    mut session: actix_ws::Session,
    messages: actix_ws::MessageStream,
) {
    let _counted = app.state.metrics.websocket_opened();
    let (text_tx, text_rx) = tokio::sync::mpsc::channel::<String>(16);
    let incoming: BoxStream<'static, String> = tokio_stream_from(text_rx).boxed();
    let init_app = app.clone();
    let mut engine = WebSocket::new(app.schema.clone(), incoming, WebSocketProtocols::GraphQLWS)
        .on_connection_init(move |payload| async move { connection_data(&init_app, payload).await })
        .boxed();

    let mut messages = messages.max_frame_size(64 * 1024).aggregate_continuations();
    let init_deadline = tokio::time::sleep(INIT_TIMEOUT);
    tokio::pin!(init_deadline);
    let mut acknowledged = false;
    let mut open = OpenSubscriptions::new(app.state.config.graphql.max_subscriptions_per_socket);

    let close = loop {
        tokio::select! {
            frame = messages.next() => match frame {
                Some(Ok(actix_ws::AggregatedMessage::Text(text))) => match open.note_client(&text) {
                    Verdict::Forward => {
                        if text_tx.send(text.to_string()).await.is_err() {
                            break None;
                        }
                    }
                    Verdict::Refuse(answer) => {
                        if session.text(answer).await.is_err() {
                            return;
                        }
                    }
                },
                Some(Ok(actix_ws::AggregatedMessage::Ping(bytes))) => {
                    if session.pong(&bytes).await.is_err() {
                        return;
                    }
                }
                Some(Ok(actix_ws::AggregatedMessage::Binary(_))) => {
                    break Some(close_reason(4400, "binary frames are not supported"));
                }
                Some(Ok(actix_ws::AggregatedMessage::Close(_))) | None | Some(Err(_)) => break None,
                Some(Ok(_)) => {}
            },
            out = engine.next() => match out {
                Some(WsMessage::Text(text)) => {
                    acknowledged |= text.contains("\"connection_ack\"");
                    open.note_server(&text);
                    if session.text(text).await.is_err() {
                        return;
                    }
                }
                Some(WsMessage::Close(code, reason)) => break Some(close_reason(protocol_code(code, &reason), &reason)),
                None => break None,
            },
            () = &mut init_deadline, if !acknowledged => {
                break Some(close_reason(4408, "Connection initialisation timeout"));
            }
        }
    };
    // Nothing to do if the peer is already gone.
    drop(session.close(close).await);
}

/// Authenticates `connection_init`: `{"authorization": "Bearer <token>"}` for users,
/// `{"x-api-key": "rlk_…"}` for partners; neither means an anonymous session.
async fn connection_data(
    app: &HttpContext,
    payload: serde_json::Value,
) -> async_graphql::Result<Data> {
    let reject = |message: String| async_graphql::Error::new(format!("{AUTH_REJECTED}{message}"));
    let field = |name: &str| {
        payload
            .get(name)
            .or_else(|| payload.get(name.to_ascii_lowercase()))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let api_key = field("X-Api-Key");
    let authorization = field("Authorization");
    let (viewer, _) = authenticate(&app.state, api_key.as_deref(), authorization.as_deref())
        .await
        .map_err(|refusal| match refusal {
            Refusal::Invalid(message) => reject(message),
            Refusal::Unchecked(error) => {
                // `extend` logs the cause, as for any other request's error.
                async_graphql::Error::new(format!("{TRY_AGAIN}{}", error.extend().message))
            }
        })?;
    let mut data = Data::default();
    data.insert(viewer);
    Ok(Loaders::attach(data, &app.state.db))
}

/// Maps the engine's generic close codes onto the protocol's.
fn protocol_code(code: u16, reason: &str) -> u16 {
    match code {
        1002 if reason.starts_with(AUTH_REJECTED) => 4403,
        1002 if reason.starts_with(TRY_AGAIN) => 1013,
        1002 => 4400,
        1011 => 4401,
        other => other,
    }
}

/// A close frame; the reason is cut to fit the 123 bytes a control frame allows.
fn close_reason(code: u16, description: &str) -> CloseReason {
    let mut end = description.len().min(120);
    while !description.is_char_boundary(end) {
        end -= 1;
    }
    CloseReason {
        code: CloseCode::Other(code),
        description: Some(description[..end].to_owned()),
    }
}

fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::Receiver<String>,
) -> impl futures_util::Stream<Item = String> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}
