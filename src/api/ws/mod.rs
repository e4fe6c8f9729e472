//! `GET /api/session/{id}/ws`: the SSE stream's messages as text frames,
//! with bounds on what a client may send (issue 15): small messages whole
//! within a deadline, and a few `resume`s per minute, each replacing the
//! replay before it.

mod deadline;
mod upgrade;

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use poem::web::{Data, Path as PoemPath, Query as PoemQuery};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::error::ApiError;
use super::events::{KEEP_ALIVE, streams};
use super::session::parse_id;
use crate::domain::Client;
use crate::events::subscription::{Subscription, parse_last_event_id};
use crate::state::AppState;
use upgrade::{Socket, WsUpgrade};

/// Close code for an unknown session (the 4000–4999 range is the application's).
const CLOSE_UNKNOWN_SESSION: u16 = 4404;

/// The largest client message or frame: the only one, `resume`, is under 100 bytes.
const MAX_CLIENT_MESSAGE: usize = 4096;

/// `resume`s a connection may send per [`RESUME_WINDOW`]; one more closes it (1008).
const RESUMES_PER_WINDOW: usize = 5;

/// The window over which resumes are counted.
const RESUME_WINDOW: Duration = Duration::from_secs(60);

/// A control frame's payload is at most 125 bytes, two of them the close code.
const MAX_CLOSE_REASON: usize = 123;

/// Query of the WebSocket endpoint.
#[derive(Debug, Deserialize)]
pub struct WsQuery {
    last_event_id: Option<String>,
}

/// A message a WebSocket client may send.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum ClientMessage {
    /// Replay everything after this seq.
    Resume {
        last_event_id: Option<serde_json::Value>,
    },
}

/// The limits on what a client sends: tungstenite refuses larger messages,
/// and its buffer is sized for the tiny ones expected, not 128 KiB a connection.
fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(MAX_CLIENT_MESSAGE)
        .max_message_size(Some(MAX_CLIENT_MESSAGE))
        .max_frame_size(Some(MAX_CLIENT_MESSAGE))
}

/// A close frame whose reason is cut, on a character boundary, to fit a
/// control frame: a longer one (echoing a long id) is a protocol error to clients.
fn close_frame(code: impl Into<CloseCode>, reason: &str) -> Message {
    let mut end = reason.len().min(MAX_CLOSE_REASON);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    Message::Close(Some(CloseFrame {
        code: code.into(),
        reason: reason[..end].into(),
    }))
}

/// Counts a connection's resumes over a sliding window.
#[derive(Default)]
struct ResumeBudget {
    recent: VecDeque<Instant>,
}

impl ResumeBudget {
    /// Records a resume at `now`; false when it is one too many.
    fn allow(&mut self, now: Instant) -> bool {
        while self
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= RESUME_WINDOW)
        {
            self.recent.pop_front();
        }
        if self.recent.len() >= RESUMES_PER_WINDOW {
            return false;
        }
        self.recent.push_back(now);
        true
    }
}

type Sink = SplitSink<Socket, Message>;
type Incoming = SplitStream<Socket>;

/// How long a closing connection waits for the client's close frame, so that
/// the client reads ours before the socket goes (unread input would reset it).
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// Sends a close frame and lets the client answer it.
async fn close(mut sink: Sink, mut incoming: Incoming, code: impl Into<CloseCode>, reason: &str) {
    if sink.send(close_frame(code, reason)).await.is_err() {
        return;
    }
    let _ = tokio::time::timeout(CLOSE_GRACE, async {
        while let Some(Ok(_)) = incoming.next().await {}
    })
    .await;
}

/// `GET /api/session/{id}/ws`: the same messages as the SSE stream, as text frames.
#[handler]
pub async fn websocket(
    ws: WsUpgrade,
    state: Data<&AppState>,
    client: Data<&Client>,
    PoemPath(id): PoemPath<String>,
    PoemQuery(query): PoemQuery<WsQuery>,
) -> Response {
    // Refused before the upgrade, as a plain 429 problem.
    let permit = match state.admission.stream(&client.key()) {
        Ok(permit) => permit,
        Err(refusal) => return ApiError::from(refusal).into_response(),
    };
    let streams = streams(&state);
    let resume = parse_last_event_id(query.last_event_id.as_deref());
    let timeout = Duration::from_millis(state.config.ws_message_timeout_ms);
    let stopping = state.stopping.clone();
    ws.on_upgrade(ws_config(), timeout, move |socket| async move {
        let (mut sink, mut incoming) = socket.split();
        let session_id = parse_id(&id).ok();
        let opened = match &session_id {
            Some(session_id) => streams.subscribe(session_id, resume).await.ok().flatten(),
            None => None,
        };
        let (Some(session_id), Some(opened)) = (session_id, opened) else {
            let reason = format!("no session with id '{id}'");
            return close(sink, incoming, CLOSE_UNKNOWN_SESSION, &reason).await;
        };
        let Subscription::Events(mut events) = opened else {
            return close(sink, incoming, CloseCode::Normal, "completed").await;
        };
        let _connected = (streams.metrics.connected("websocket"), permit);
        let mut ping = tokio::time::interval(KEEP_ALIVE);
        ping.tick().await;
        let mut resumes = ResumeBudget::default();
        loop {
            tokio::select! {
                // The server stops: 1012 tells the client to come back soon
                // (to a restarted server or another replica) and resume.
                () = stopping.cancelled() => {
                    return close(sink, incoming, CloseCode::Restart, "the server is restarting").await;
                }
                event = events.next() => {
                    let Some(event) = event else { break };
                    if sink.send(Message::text(event.json())).await.is_err() {
                        return;
                    }
                    streams.metrics.sent("websocket");
                    if event.is_final() {
                        return close(sink, incoming, CloseCode::Normal, "completed").await;
                    }
                }
                message = incoming.next() => match message {
                    Some(Ok(Message::Text(text))) => {
                        let Ok(ClientMessage::Resume { last_event_id }) = serde_json::from_str(&text) else {
                            continue;
                        };
                        if !resumes.allow(Instant::now()) {
                            return close(sink, incoming, CloseCode::Policy, "too many resumes").await;
                        }
                        let raw = last_event_id.map(|v| v.to_string().trim_matches('"').to_owned());
                        let resume = parse_last_event_id(raw.as_deref());
                        // The new subscription replaces the old one, whose replay
                        // stops: never more than one replay per connection.
                        match streams.subscribe(&session_id, resume).await {
                            Ok(Some(Subscription::Events(fresh))) => events = fresh,
                            Ok(Some(Subscription::Ended)) => {
                                return close(sink, incoming, CloseCode::Normal, "completed").await;
                            }
                            _ => return,
                        }
                    }
                    Some(Err(WsError::Capacity(_))) => {
                        let reason = format!("messages are limited to {MAX_CLIENT_MESSAGE} bytes");
                        return close(sink, incoming, CloseCode::Size, &reason).await;
                    }
                    Some(Err(WsError::Io(err))) if err.kind() == std::io::ErrorKind::TimedOut => {
                        return close(sink, incoming, CloseCode::Policy, "message not completed in time").await;
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                    // Pongs are answered by the protocol layer; other frames are ignored.
                    Some(Ok(_)) => {}
                },
                _ = ping.tick() => {
                    if sink.send(Message::Ping(Default::default())).await.is_err() {
                        return;
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_reasons_are_cut_to_123_bytes_on_a_character_boundary() {
        let long = format!("no session with id '{}'", "é".repeat(200));
        let Message::Close(Some(frame)) = close_frame(CLOSE_UNKNOWN_SESSION, &long) else {
            panic!("a close frame");
        };
        assert!(frame.reason.len() <= MAX_CLOSE_REASON);
        assert!(frame.reason.len() >= MAX_CLOSE_REASON - 1);
        assert!(long.starts_with(frame.reason.as_str()));
        assert_eq!(u16::from(frame.code), CLOSE_UNKNOWN_SESSION);
    }

    #[test]
    fn a_few_resumes_a_minute_pass_and_more_do_not() {
        let mut budget = ResumeBudget::default();
        let start = Instant::now();
        for _ in 0..RESUMES_PER_WINDOW {
            assert!(budget.allow(start));
        }
        assert!(!budget.allow(start + Duration::from_secs(59)));
        assert!(budget.allow(start + RESUME_WINDOW));
    }
}
