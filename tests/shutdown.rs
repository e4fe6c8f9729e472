//! A clean stop (issue 20): on SIGTERM (what `RunningServer::stop` does) the
//! server ends its SSE streams with a `retry:` hint and a comment, closes
//! its WebSockets with 1012, gives its claims back and exits within its
//! grace period; a subscriber reconnecting as an `EventSource` does (after
//! the hinted delay, to the same address, with `Last-Event-ID`) resumes on
//! the restarted server with no gap and no duplicate.

mod common;

use std::time::{Duration, Instant};

use common::live::{assert_dense, ws_until_closed};
use common::{TestApp, test_config};
use futures_util::StreamExt;
use reelstream::tmdb::sim::SimConfig;

/// Reads a raw SSE body to its end: the text, and each message's (event, id).
async fn read_raw(response: reqwest::Response) -> (String, Vec<(String, i64)>) {
    let mut body = response.bytes_stream();
    let mut text = String::new();
    while let Some(chunk) = tokio::time::timeout(Duration::from_secs(60), body.next())
        .await
        .expect("the stream moves or ends within 60 s")
    {
        text.push_str(&String::from_utf8_lossy(&chunk.expect("a chunk")));
    }
    let messages = text
        .split("\n\n")
        .filter_map(|block| {
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
            };
            Some((field("event:")?, field("id:")?.parse().ok()?))
        })
        .collect();
    (text, messages)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopping_server_sends_subscribers_back_and_the_restarted_one_resumes_them() {
    let sim = SimConfig {
        latency: Duration::from_millis(40),
        ..SimConfig::default()
    };
    let app = TestApp::spawn_with_sim(sim, |_| {}).await;
    let id = app.upload_fixture("letterboxd/watched.csv").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let sse = app
        .client
        .get(app.url(&format!("/api/session/{id}/events")))
        .send()
        .await
        .unwrap();
    assert_eq!(sse.status(), 200);
    let sse = tokio::spawn(read_raw(sse));
    let ws = {
        let path = format!("/api/session/{id}/ws");
        let app = &app;
        // Opened here, read until closed in the background.
        let url = format!("ws://{}{path}", app.server.addr);
        let (socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        tokio::spawn(async move {
            let mut socket = socket;
            loop {
                match socket.next().await {
                    Some(Ok(tokio_tungstenite::tungstenite::Message::Close(frame))) => {
                        return frame.map(|f| u16::from(f.code));
                    }
                    Some(Ok(_)) => {}
                    _ => return None,
                }
            }
        })
    };

    // Stopped mid-session.
    loop {
        let (_, session) = app.get_json(&format!("/api/session/{id}")).await;
        let processed = session["processed_count"].as_i64().unwrap();
        assert!(
            processed < 89,
            "the session ended before the stop: {session}"
        );
        if processed >= 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let TestApp {
        server,
        sim,
        client,
        db,
    } = app;
    let server_addr = server.addr;
    let stopping = Instant::now();
    server.stop().await.expect("a clean stop");
    let took = stopping.elapsed();
    assert!(
        took < Duration::from_secs(10),
        "stopped within the grace period: {took:?}"
    );

    let (text, before) = sse.await.unwrap();
    assert!(
        text.ends_with("retry: 1000\n: the server is restarting; reconnect with Last-Event-ID\n\n"),
        "the stream says goodbye: …{}",
        &text[text.len().saturating_sub(200)..]
    );
    assert_eq!(
        ws.await.unwrap(),
        Some(1012),
        "WebSocket closed with 1012 (service restart)"
    );
    assert_eq!(before[0].0, "snapshot");
    let seqs: Vec<i64> = before.iter().map(|(_, id)| *id).collect();
    let first = seqs[0];
    let last = *seqs.last().unwrap();
    assert!(last > first, "some films were streamed before the stop");
    assert_dense(&seqs[1..], first + 1, last);

    // As an `EventSource` does: after the hinted second, reconnect to the
    // same address with `Last-Event-ID`, again until the restarted server
    // (same database, same port) answers; it takes over the unfinished
    // films at once, and the stream resumes where it stopped.
    let addr = server_addr;
    let restart = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        reelstream::app::spawn(test_config(&sim, &db.url, |c| c.bind = addr.to_string()))
            .await
            .map(|server| (server, sim, db))
    });
    let url = format!("http://{addr}/api/session/{id}/events");
    let resumed = loop {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let attempt = client
            .get(&url)
            .header("last-event-id", last.to_string())
            .send()
            .await;
        match attempt {
            Ok(response) if response.status() == 200 => break response,
            // Down (connection refused) or not ready: try again, as a browser would.
            _ => continue,
        }
    };
    let (server, sim, db) = restart.await.unwrap().expect("restarts on the same port");
    let app = TestApp {
        server,
        sim,
        client,
        db,
    };
    let after = common::live::read_sse(resumed, usize::MAX).await;
    assert_eq!(after.last().unwrap().event, "completed");
    let resumed: Vec<i64> = after.iter().map(|m| m.id.parse().unwrap()).collect();
    assert_dense(&resumed, last + 1, *resumed.last().unwrap());
    let session = app.wait_completed(&id, Duration::from_secs(60)).await;
    assert_eq!(session["processed_count"], 89, "{session}");
    let (_, closed) = ws_until_closed(&app, &format!("/api/session/{id}/ws")).await;
    assert_eq!(
        closed.map(|(code, _)| code),
        Some(1000),
        "a completed session closes normally"
    );
}
