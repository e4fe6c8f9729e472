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
    read_events(response.bytes_stream(), limit).await
}

/// Parses SSE messages off a byte stream, as [`read_sse`] does.
async fn read_events<S, B, E>(bytes: S, limit: usize) -> Vec<SseMessage>
where
    S: futures_util::Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: std::fmt::Debug,
{
    let mut stream = bytes.eventsource();
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

/// An SSE subscriber that connected and then stopped reading, with a tiny
/// receive buffer: the server can push it only a few KiB before its writes
/// stall, whatever the machine's TCP buffer tuning (through reqwest, the
/// kernel's autotuned buffers could absorb a whole test's events).
pub struct StalledSse(tokio::net::TcpStream);

impl StalledSse {
    /// Subscribes to a session's events from `last_event_id`, reading nothing.
    pub async fn open(app: &TestApp, session_id: &str, last_event_id: &str) -> Self {
        use tokio::io::AsyncWriteExt;
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        // Before connecting, so that the advertised window stays small.
        socket.set_recv_buffer_size(4096).unwrap();
        let mut stream = socket.connect(app.server.addr).await.unwrap();
        // HTTP/1.0: the body ends when the server closes, with no chunking.
        let request = format!(
            "GET /api/session/{session_id}/events HTTP/1.0\r\n\
             Accept: text/event-stream\r\nLast-Event-ID: {last_event_id}\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        Self(stream)
    }

    /// Reads everything the server sends until it closes the stream.
    pub async fn finish(mut self) -> Vec<SseMessage> {
        use tokio::io::AsyncReadExt;
        let mut raw = Vec::new();
        tokio::time::timeout(Duration::from_secs(60), self.0.read_to_end(&mut raw))
            .await
            .expect("the stream ends within 60 s")
            .unwrap();
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete response head");
        let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        assert!(
            head.starts_with("http/1.0 200") || head.starts_with("http/1.1 200"),
            "{head}"
        );
        assert!(!head.contains("transfer-encoding"), "{head}");
        let body = raw[split + 4..].to_vec();
        read_events(
            futures_util::stream::iter([Ok::<_, std::io::Error>(body)]),
            usize::MAX,
        )
        .await
    }
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
