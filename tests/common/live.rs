//! Real SSE and WebSocket clients for the live-progress tests.

use std::time::Duration;

use eventsource_stream::Eventsource;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

use super::TestApp;

/// One received SSE message.
#[derive(Clone, Debug, PartialEq)]
pub struct SseMessage {
    /// `event:`.
    pub event: String,
    /// `id:`.
    pub id: String,
    /// `data:` parsed as JSON.
    pub data: Value,
}

/// Opens the SSE stream of a session, optionally resuming with `Last-Event-ID`.
pub async fn open_sse(
    app: &TestApp,
    session_id: &str,
    last_event_id: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .get(app.url(&format!("/api/session/{session_id}/events")))
        .header("accept", "text/event-stream");
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id);
    }
    request.send().await.expect("SSE request")
}

/// Reads SSE messages until `completed` (or `limit` messages, or the stream ends).
pub async fn read_sse(response: reqwest::Response, limit: usize) -> Vec<SseMessage> {
    assert_eq!(response.status(), 200);
    let mut stream = response.bytes_stream().eventsource();
    let mut messages = Vec::new();
    while messages.len() < limit {
        let next = tokio::time::timeout(Duration::from_secs(60), stream.next())
            .await
            .expect("an SSE message within 60 s");
        let Some(event) = next else { break };
        let event = event.expect("well-formed SSE");
        let message = SseMessage {
            event: event.event,
            id: event.id,
            data: serde_json::from_str(&event.data).expect("JSON data"),
        };
        let done = message.event == "completed";
        messages.push(message);
        if done {
            break;
        }
    }
    messages
}

/// All SSE messages of a session until `completed`.
pub async fn sse_until_completed(
    app: &TestApp,
    session_id: &str,
    last_event_id: Option<&str>,
) -> Vec<SseMessage> {
    read_sse(open_sse(app, session_id, last_event_id).await, usize::MAX).await
}

/// All WebSocket text messages of a session until the server closes.
pub async fn ws_until_closed(
    app: &TestApp,
    path_and_query: &str,
) -> (Vec<Value>, Option<(u16, String)>) {
    let url = format!("ws://{}{path_and_query}", app.server.addr);
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("WebSocket connects");
    let mut messages = Vec::new();
    loop {
        let next = tokio::time::timeout(Duration::from_secs(60), socket.next())
            .await
            .expect("a WebSocket frame within 60 s");
        match next {
            Some(Ok(Message::Text(text))) => messages.push(serde_json::from_str(&text).unwrap()),
            Some(Ok(Message::Close(frame))) => {
                let _ = socket.close(None).await;
                let frame = frame.map(|f| (u16::from(f.code), f.reason.to_string()));
                return (messages, frame);
            }
            Some(Ok(Message::Ping(data))) => {
                let _ = socket.send(Message::Pong(data)).await;
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return (messages, None),
        }
    }
}

/// Asserts movie events are exactly seqs `from..=to` once each, in order.
pub fn assert_dense(seqs: &[i64], from: i64, to: i64) {
    let expected: Vec<i64> = (from..=to).collect();
    assert_eq!(
        seqs,
        expected.as_slice(),
        "events must be dense, ordered and unique"
    );
}
