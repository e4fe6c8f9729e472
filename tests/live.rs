//! Live progress over SSE and WebSocket (SPEC §5): every movie event exactly
//! once and in order, resume without gap or duplicate, slow subscribers that
//! hold nobody back, 1 000 subscribers, and identical SSE/WebSocket sequences.

mod common;

use std::time::Duration;

use common::live::{
    SseMessage, assert_dense, open_sse, read_sse, sse_until_completed, ws_until_closed,
};
use common::{Backend, TestApp};
use futures_util::StreamExt;
use reelstream::events::subscription::{Streams, Subscription};
use reelstream::tmdb::sim::SimConfig;
use serde_json::Value;

fn movie_seqs(messages: &[SseMessage]) -> Vec<i64> {
    messages
        .iter()
        .filter(|m| m.event == "movie")
        .map(|m| m.id.parse().unwrap())
        .collect()
}

async fn slow_app(backend: &Backend, latency_ms: u64) -> TestApp {
    let sim = SimConfig {
        latency: Duration::from_millis(latency_ms),
        ..SimConfig::default()
    };
    TestApp::spawn_on_with_sim(backend, sim, |c| c.tmdb_rps = 500).await
}

fn id(session: &Value) -> String {
    session["id"].as_str().unwrap().to_owned()
}

async fn sse_delivers_snapshot_then_every_movie_once_in_order_then_completed(backend: Backend) {
    let app = slow_app(&backend, 20).await;
    let session = app.upload_fixture("letterboxd/watched.csv").await;
    let response = open_sse(&app, &id(&session), None).await;
    assert_eq!(response.headers()["x-accel-buffering"], "no");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let messages = read_sse(response, usize::MAX).await;

    assert_eq!(messages[0].event, "snapshot");
    assert_eq!(messages[0].data["type"], "snapshot");
    let first = messages[0].data["seq"].as_i64().unwrap();
    let last = messages.last().unwrap();
    assert_eq!(last.event, "completed");
    assert_eq!(last.data["session"]["status"], "completed");

    let total = session["total_movies"].as_i64().unwrap();
    let seqs = movie_seqs(&messages);
    assert_dense(&seqs, first + 1, total);
    assert_eq!(last.id.parse::<i64>().unwrap(), total + 1);
    for m in messages.iter().filter(|m| m.event == "movie") {
        assert_eq!(m.data["type"], "movie");
        assert_eq!(m.data["seq"].as_i64().unwrap().to_string(), m.id);
        assert_ne!(m.data["movie"]["status"], "pending");
        assert!(m.data["progress"]["processed_count"].as_i64().unwrap() >= 1);
    }
    let final_progress = &messages[messages.len() - 2].data["progress"];
    assert_eq!(final_progress["processed_count"], total);
}

async fn a_disconnect_and_resume_with_last_event_id_has_no_gap_and_no_duplicate(backend: Backend) {
    let app = slow_app(&backend, 30).await;
    let session = app.upload_fixture("letterboxd/watched.csv").await;
    let sid = id(&session);
    let total = session["total_movies"].as_i64().unwrap();

    // Read from the start of the log, then hang up after a few events.
    let first = read_sse(open_sse(&app, &sid, Some("0")).await, 10).await;
    assert!(
        first.iter().all(|m| m.event == "movie"),
        "a resume from 0 replays, no snapshot"
    );
    let resume_at = first.last().unwrap().id.clone();

    let rest = sse_until_completed(&app, &sid, Some(&resume_at)).await;
    let mut seqs = movie_seqs(&first);
    seqs.extend(movie_seqs(&rest));
    assert_dense(&seqs, 1, total);
    assert_eq!(rest.last().unwrap().event, "completed");

    // The query parameter works the same way.
    let url = app.url(&format!(
        "/api/session/{sid}/events?last_event_id={}",
        total - 2
    ));
    let tail = read_sse(app.client.get(url).send().await.unwrap(), usize::MAX).await;
    assert_eq!(movie_seqs(&tail), [total - 1, total]);
    assert_eq!(tail.last().unwrap().event, "completed");
}

/// A server with a completed session of two films, and the session's id.
async fn completed_session(backend: &Backend) -> (TestApp, String) {
    let app = TestApp::spawn_on(backend).await;
    let session = app
        .upload_csv("Name,Year\nDune,2021\nSeven Samurai,1954\n")
        .await;
    let sid = id(&session);
    app.wait_completed(&sid, Duration::from_secs(30)).await;
    (app, sid)
}

/// A client that saw `completed` and reconnects anyway (an `EventSource`
/// that was not closed) gets nothing again: SSE answers 204, which stops an
/// `EventSource`, and the WebSocket closes at once. One seq earlier, it gets
/// just the `completed` it missed.
async fn a_resume_after_completed_sends_nothing_twice(backend: Backend) {
    let (app, sid) = completed_session(&backend).await;
    let all = sse_until_completed(&app, &sid, Some("0")).await;
    let last = all.last().unwrap();
    assert_eq!(last.event, "completed");

    let response = open_sse(&app, &sid, Some(&last.id)).await;
    assert_eq!(response.status(), 204);
    assert!(response.text().await.unwrap().is_empty());
    let path = format!("/api/session/{sid}/ws?last_event_id={}", last.id);
    let (messages, close) = ws_until_closed(&app, &path).await;
    assert!(messages.is_empty(), "{messages:?}");
    assert_eq!(close, Some((1000, "completed".to_owned())));

    let before = (last.id.parse::<i64>().unwrap() - 1).to_string();
    let missed = sse_until_completed(&app, &sid, Some(&before)).await;
    let kinds: Vec<&str> = missed.iter().map(|m| m.event.as_str()).collect();
    assert_eq!(kinds, ["completed"]);
}

async fn a_bad_or_future_last_event_id_gets_a_fresh_snapshot(backend: Backend) {
    let (app, sid) = completed_session(&backend).await;
    for bad in ["abc", "99999", "-4"] {
        let messages = sse_until_completed(&app, &sid, Some(bad)).await;
        let kinds: Vec<&str> = messages.iter().map(|m| m.event.as_str()).collect();
        assert_eq!(kinds, ["snapshot", "completed"], "Last-Event-ID {bad}");
        assert_eq!(messages[0].data["session"]["processed_count"], 2);
    }
}

async fn a_completed_session_answers_at_once_and_unknown_ones_are_404(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let session = app.upload_csv("Name,Year\nDune,2021\n").await;
    let sid = id(&session);
    app.wait_completed(&sid, Duration::from_secs(30)).await;
    let messages = sse_until_completed(&app, &sid, None).await;
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].event, "snapshot");
    assert_eq!(messages[1].event, "completed");
    // Its stream over, the session's channel is gone (nothing would publish to remove it).
    let hub = &app.server.state.hub;
    for _ in 0..100 {
        if hub.channels() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(hub.channels(), 0, "no channel left behind");

    let response = open_sse(&app, "0b7e5a0c-0000-4000-8000-000000000000", None).await;
    common::assert_problem(response, 404).await;
}

async fn a_stalled_subscriber_delays_nobody_and_is_resynchronised(backend: Backend) {
    let sim = SimConfig::default();
    // A small broadcast buffer, so the stalled reader surely lags.
    let app = TestApp::spawn_on_with_sim(&backend, sim, |c| {
        c.tmdb_rps = 2000;
        c.tmdb_concurrency = 64;
        c.stream_buffer = 16;
        // Subscribers resume from 0 on a log that may already be long.
        c.replay_max_events = 10_000;
    })
    .await;
    // More events than a broadcast channel holds, so the stalled reader lags.
    let mut csv = String::from("Title,Year\n");
    for i in 0..1500 {
        csv.push_str(&format!("Unknown Picture {i},2001\n"));
    }
    let session = app.upload_csv(&csv).await;
    let sid = id(&session);

    // Two stalled subscribers. One over SSE stops reading; the socket buffers
    // between it and the server may absorb much of the stream, so whether
    // its broadcast receiver overflows depends on the machine. The other is
    // the same subscription in-process, not polled at all until the end: its
    // receiver (16 events) surely overflows.
    let state = &app.server.state;
    let streams = Streams {
        db: state.db.clone(),
        hub: state.hub.clone(),
        metrics: state.metrics.clone(),
        replay_max_events: state.config.replay_max_events,
    };
    let Some(Subscription::Events(stalled_here)) = streams.subscribe(&sid, Some(0)).await.unwrap()
    else {
        panic!("a running session's subscription has events to come");
    };
    let stalled = open_sse(&app, &sid, Some("0")).await; // connected, never read for now
    let reader = sse_until_completed(&app, &sid, Some("0")).await;
    assert_dense(&movie_seqs(&reader), 1, 1500);
    app.wait_completed(&sid, Duration::from_secs(10)).await;

    // The stalled ones catch up from the log: still every event exactly once.
    let late = read_sse(stalled, usize::MAX).await;
    assert_dense(&movie_seqs(&late), 1, 1500);
    assert_eq!(late.last().unwrap().event, "completed");
    let late_here: Vec<_> = tokio::time::timeout(Duration::from_secs(30), stalled_here.collect())
        .await
        .expect("the stalled subscription ends on `completed`");
    let seqs: Vec<i64> = late_here
        .iter()
        .filter(|e| e.kind() == "movie")
        .map(|e| e.seq())
        .collect();
    assert_dense(&seqs, 1, 1500);
    assert_eq!(late_here.last().unwrap().kind(), "completed");
    let resyncs = app.metric("reelstream_stream_resyncs_total").await;
    assert!(
        resyncs >= 1.0,
        "the stalled subscriber lagged and was resynchronised"
    );
}

async fn a_thousand_sse_subscribers_all_receive_every_event(backend: Backend) {
    let sim = SimConfig {
        latency: Duration::from_millis(40),
        ..SimConfig::default()
    };
    // All thousand come from one address: above the default per-client cap.
    let app = TestApp::spawn_on_with_sim(&backend, sim, |c| {
        c.tmdb_rps = 500;
        c.net.max_connections_per_client = 2000;
        c.admission.streams_per_client = 2000;
    })
    .await;
    let session = app.upload_fixture("import/watched.csv").await;
    let sid = id(&session);
    let total = session["total_movies"].as_i64().unwrap();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let url = app.url(&format!("/api/session/{sid}/events"));
    let subscribers: Vec<_> = (0..1000)
        .map(|_| {
            let request = client.get(&url).header("last-event-id", "0");
            tokio::spawn(async move { read_sse(request.send().await.unwrap(), usize::MAX).await })
        })
        .collect();
    for subscriber in subscribers {
        let messages = subscriber.await.unwrap();
        assert_dense(&movie_seqs(&messages), 1, total);
        assert_eq!(messages.last().unwrap().event, "completed");
    }
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("reelstream_stream_events_sent_total{transport=\"sse\"}"),
        "{metrics}"
    );
}

async fn sse_and_websocket_deliver_identical_sequences(backend: Backend) {
    let app = slow_app(&backend, 20).await;
    let session = app.upload_fixture("import/watched.csv").await;
    let sid = id(&session);
    let path = format!("/api/session/{sid}/ws?last_event_id=0");
    let (ws_messages, close) = ws_until_closed(&app, &path).await;
    let sse: Vec<Value> = sse_until_completed(&app, &sid, Some("0"))
        .await
        .into_iter()
        .map(|m| m.data)
        .collect();
    assert_eq!(ws_messages, sse);
    assert_eq!(close, Some((1000, "completed".to_owned())));
    assert_eq!(ws_messages.last().unwrap()["type"], "completed");

    // A fresh WebSocket subscription starts with a snapshot, like SSE.
    let (fresh, _) = ws_until_closed(&app, &format!("/api/session/{sid}/ws")).await;
    assert_eq!(fresh[0]["type"], "snapshot");
    assert_eq!(fresh.last().unwrap()["type"], "completed");
}

async fn websocket_rejects_unknown_sessions_with_a_reason_and_honours_resume(backend: Backend) {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    let app = TestApp::spawn_on(&backend).await;
    let (messages, close) =
        ws_until_closed(&app, "/api/session/0b7e5a0c-0000-4000-8000-000000000000/ws").await;
    assert!(messages.is_empty());
    let (code, reason) = close.expect("a close frame");
    assert_eq!(code, 4404);
    assert!(reason.contains("no session"), "{reason}");

    // A slow TMDB keeps the session running while the client asks to resume.
    let app = slow_app(&backend, 150).await;
    let session = app
        .upload_csv("Name,Year\nDune,2021\nDune,1984\nSeven Samurai,1954\n")
        .await;
    let sid = id(&session);
    let url = format!("ws://{}/api/session/{sid}/ws", app.server.addr);
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    // Ask for a replay from the start: the server switches to it.
    let resume = r#"{"type":"resume","last_event_id":0}"#;
    socket.send(Message::Text(resume.into())).await.unwrap();
    let mut seen = Vec::new();
    while let Some(Ok(frame)) = socket.next().await {
        if let Message::Text(text) = frame {
            let value: Value = serde_json::from_str(&text).unwrap();
            seen.push((
                value["type"].as_str().unwrap().to_owned(),
                value["seq"].as_i64().unwrap(),
            ));
        }
    }
    // Whatever came before the resume took effect, the replay that follows it
    // is the whole log in order: movies 1, 2, 3 and `completed` 4.
    let tail: Vec<_> = seen.iter().rev().take(4).rev().cloned().collect();
    let expected = [("movie", 1), ("movie", 2), ("movie", 3), ("completed", 4)];
    let expected: Vec<_> = expected.iter().map(|(k, s)| (k.to_string(), *s)).collect();
    assert_eq!(tail, expected, "all frames: {seen:?}");
}

on_both_backends! {
    sse_delivers_snapshot_then_every_movie_once_in_order_then_completed,
    a_disconnect_and_resume_with_last_event_id_has_no_gap_and_no_duplicate,
    a_bad_or_future_last_event_id_gets_a_fresh_snapshot,
    a_resume_after_completed_sends_nothing_twice,
    a_completed_session_answers_at_once_and_unknown_ones_are_404,
    a_stalled_subscriber_delays_nobody_and_is_resynchronised,
    a_thousand_sse_subscribers_all_receive_every_event,
    sse_and_websocket_deliver_identical_sequences,
    websocket_rejects_unknown_sessions_with_a_reason_and_honours_resume,
}
