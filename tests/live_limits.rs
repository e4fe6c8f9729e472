//! The live streams under hostile clients (issue 15): WebSocket messages
//! bounded in size and time, resumes bounded in rate, close reasons within a
//! control frame, and replays bounded in depth (a snapshot instead).

mod common;

use std::time::Duration;

use common::live::{SseMessage, read_sse, sse_until_completed, ws_until_closed};
use common::{Backend, TestApp};
use futures_util::{SinkExt, StreamExt};
use reelstream::config::Config;
use reelstream::tmdb::sim::SimConfig;
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A server whose TMDB answers after `latency_ms`, one film at a time.
async fn slow_app(backend: &Backend, latency_ms: u64, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let sim = SimConfig {
        latency: Duration::from_millis(latency_ms),
        ..SimConfig::default()
    };
    TestApp::spawn_on_with_sim(backend, sim, |c| {
        c.tmdb_rps = 500;
        c.engine_window = 1;
        adjust(c);
    })
    .await
}

/// Uploads `n` films no TMDB record fits.
async fn upload_unknowns(app: &TestApp, n: usize) -> String {
    let mut csv = String::from("Title,Year\n");
    for i in 0..n {
        csv.push_str(&format!("Unknown Picture {i},2001\n"));
    }
    app.upload_csv(&csv).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A session that stays running for many seconds: its lookups are slow.
async fn running_session(backend: &Backend, adjust: impl FnOnce(&mut Config)) -> (TestApp, String) {
    let app = slow_app(backend, 3000, adjust).await;
    let sid = upload_unknowns(&app, 3).await;
    (app, sid)
}

/// Opens a session's WebSocket and reads its first message, the snapshot.
async fn open_ws(app: &TestApp, sid: &str) -> Socket {
    let url = format!("ws://{}/api/session/{sid}/ws", app.server.addr);
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let first = socket.next().await.unwrap().unwrap();
    let first: Value = serde_json::from_str(first.to_text().unwrap()).unwrap();
    assert_eq!(first["type"], "snapshot");
    socket
}

/// Reads until the server closes, within `within`: the text messages and
/// the close code and reason (None when the connection broke without one).
async fn until_closed(
    socket: &mut Socket,
    within: Duration,
) -> (Vec<Value>, Option<(u16, String)>) {
    let mut messages = Vec::new();
    let read = async {
        while let Some(frame) = socket.next().await {
            match frame {
                Ok(Message::Text(text)) => messages.push(serde_json::from_str(&text).unwrap()),
                Ok(Message::Close(frame)) => {
                    return frame.map(|f| (u16::from(f.code), f.reason.to_string()));
                }
                Ok(_) => {}
                Err(err) => panic!("the connection broke instead of closing: {err}"),
            }
        }
        None
    };
    let close = tokio::time::timeout(within, read)
        .await
        .expect("the server closes in time");
    (messages, close)
}

async fn an_oversized_websocket_message_is_closed_with_1009(backend: Backend) {
    let (app, sid) = running_session(&backend, |_| {}).await;
    let mut socket = open_ws(&app, &sid).await;
    let huge = format!(r#"{{"type":"resume","pad":"{}"}}"#, "x".repeat(64 * 1024));
    socket.send(Message::text(huge)).await.unwrap();
    let (_, close) = until_closed(&mut socket, Duration::from_secs(2)).await;
    assert_eq!(close.map(|c| c.0), Some(1009));
}

async fn an_unfinished_fragmented_message_is_closed_with_1008_in_time(backend: Backend) {
    let (app, sid) = running_session(&backend, |c| c.ws_message_timeout_ms = 300).await;
    let mut socket = open_ws(&app, &sid).await;
    // The first fragment of a text message; its continuation never comes.
    let fragment = Frame::message(r#"{"type":"res"#, OpCode::Data(Data::Text), false);
    socket.send(Message::Frame(fragment)).await.unwrap();
    let (_, close) = until_closed(&mut socket, Duration::from_secs(2)).await;
    let (code, reason) = close.expect("a close frame");
    assert_eq!(code, 1008, "{reason}");
}

async fn a_resume_flood_is_cut_off(backend: Backend) {
    let (app, sid) = running_session(&backend, |_| {}).await;
    let mut socket = open_ws(&app, &sid).await;
    // Each resume without an id would get a fresh snapshot.
    for _ in 0..50 {
        let resume = r#"{"type":"resume","last_event_id":null}"#;
        if socket.send(Message::text(resume)).await.is_err() {
            break;
        }
    }
    let (messages, close) = until_closed(&mut socket, Duration::from_secs(5)).await;
    let snapshots = messages.iter().filter(|m| m["type"] == "snapshot").count();
    assert!(snapshots <= 5, "{snapshots} resumes served of 50");
    let (code, reason) = close.expect("a close frame");
    assert_eq!((code, reason.as_str()), (1008, "too many resumes"));
}

async fn a_long_bogus_session_id_is_closed_with_4404_cleanly(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    for id in ["x".repeat(300), "%C3%A9".repeat(100)] {
        let (messages, close) = ws_until_closed(&app, &format!("/api/session/{id}/ws")).await;
        assert!(messages.is_empty());
        let (code, reason) = close.expect("a close frame, not a protocol error");
        assert_eq!(code, 4404);
        assert!(reason.starts_with("no session with id"), "{reason}");
        assert!(reason.len() <= 123, "{} bytes", reason.len());
    }
}

fn kinds(messages: &[SseMessage]) -> Vec<&str> {
    messages.iter().map(|m| m.event.as_str()).collect()
}

async fn a_deep_replay_gets_a_snapshot_over_sse_and_websocket(backend: Backend) {
    let app = slow_app(&backend, 0, |c| {
        c.engine_window = 64;
        c.replay_max_events = 5;
    })
    .await;
    let sid = upload_unknowns(&app, 12).await;
    app.wait_completed(&sid, Duration::from_secs(30)).await;
    let last = 13; // 12 movies, then `completed`

    // Further behind than 5 events: a snapshot, then the `completed` that ends it.
    let header = sse_until_completed(&app, &sid, Some("0")).await;
    assert_eq!(kinds(&header), ["snapshot", "completed"]);
    assert_eq!(header[0].data["seq"], last);
    let url = app.url(&format!("/api/session/{sid}/events?last_event_id=2"));
    let query = read_sse(app.client.get(url).send().await.unwrap(), usize::MAX).await;
    assert_eq!(kinds(&query), ["snapshot", "completed"]);
    let (ws, close) =
        ws_until_closed(&app, &format!("/api/session/{sid}/ws?last_event_id=0")).await;
    let ws_kinds: Vec<_> = ws.iter().map(|m| m["type"].as_str().unwrap()).collect();
    assert_eq!(ws_kinds, ["snapshot", "completed"]);
    assert_eq!(close, Some((1000, "completed".to_owned())));

    // Within 5 events: the replay, as before.
    let near = sse_until_completed(&app, &sid, Some(&(last - 5).to_string())).await;
    assert_eq!(
        kinds(&near),
        ["movie", "movie", "movie", "movie", "completed"]
    );
}

async fn a_deep_websocket_resume_gets_a_snapshot(backend: Backend) {
    let app = slow_app(&backend, 150, |c| c.replay_max_events = 5).await;
    let sid = upload_unknowns(&app, 25).await;
    // Let the log grow past the depth, while the session still runs.
    loop {
        let (_, session) = app.get_json(&format!("/api/session/{sid}")).await;
        if session["processed_count"].as_i64().unwrap() >= 7 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut socket = open_ws(&app, &sid).await;
    let resume = r#"{"type":"resume","last_event_id":0}"#;
    socket.send(Message::text(resume)).await.unwrap();
    let (messages, close) = until_closed(&mut socket, Duration::from_secs(60)).await;
    assert_eq!(close, Some((1000, "completed".to_owned())));
    let snapshot = messages.iter().position(|m| m["type"] == "snapshot");
    let snapshot = snapshot.expect("the resume got a snapshot");
    assert!(messages[snapshot]["seq"].as_i64().unwrap() >= 7);
    assert!(
        messages.iter().all(|m| m["seq"].as_i64().unwrap() > 5),
        "no replay from the start: {messages:?}"
    );
}

on_both_backends! {
    an_oversized_websocket_message_is_closed_with_1009,
    an_unfinished_fragmented_message_is_closed_with_1008_in_time,
    a_resume_flood_is_cut_off,
    a_long_bogus_session_id_is_closed_with_4404_cleanly,
    a_deep_replay_gets_a_snapshot_over_sse_and_websocket,
    a_deep_websocket_resume_gets_a_snapshot,
}
