//! Connections under hostile load: slow headers and bodies are cut off, a
//! client holding idle connections is capped without starving the others,
//! and every refusal is a problem document (issue 15).

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{TestApp, assert_problem};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// Connects to `server` from the loopback address `from` (127.0.0.0/8 is all
/// loopback on Linux, so tests can play several clients).
async fn connect_from(from: [u8; 4], server: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    socket.connect(server).await.unwrap()
}

/// Reads until the server closes or `limit` passes; returns what was read
/// and whether the server closed the connection in time.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, bool) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&seen).into(), true),
            Ok(Ok(n)) => seen.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&seen).into(), false),
        }
    }
}

#[tokio::test]
async fn headers_sent_a_byte_at_a_time_are_cut_off_at_the_deadline() {
    let app = TestApp::spawn_with(|c| c.net.header_timeout_secs = 1).await;
    let mut stream = TcpStream::connect(app.server.addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    // A slowloris: one header byte every 200 ms, never the blank line.
    let mut closed = false;
    for byte in b"X-Slow: ".iter().cycle().take(40) {
        if stream.write_all(&[*byte]).await.is_err() {
            closed = true;
            break;
        }
        let mut probe = [0u8; 1];
        if let Ok(read) =
            tokio::time::timeout(Duration::from_millis(200), stream.read(&mut probe)).await
        {
            closed = matches!(read, Ok(0) | Err(_));
            if closed {
                break;
            }
        }
    }
    assert!(closed, "a slow header was still being read after 8 s");
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn an_idle_connection_is_closed_and_a_stalled_body_gets_408() {
    let app = TestApp::spawn_with(|c| {
        c.net.header_timeout_secs = 1;
        c.net.body_timeout_secs = 1;
        c.net.idle_timeout_secs = 3;
    })
    .await;
    let mut idle = TcpStream::connect(app.server.addr).await.unwrap();
    let (_, closed) = read_until_closed(&mut idle, Duration::from_secs(5)).await;
    assert!(closed, "a connection that sent nothing was kept open");

    let mut stalled = TcpStream::connect(app.server.addr).await.unwrap();
    stalled
        .write_all(
            b"POST /api/upload HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n\
              Content-Length: 100000\r\n\r\nName,Year\r\n",
        )
        .await
        .unwrap();
    let (answer, closed) = read_until_closed(&mut stalled, Duration::from_secs(5)).await;
    assert!(closed, "a stalled body was kept open");
    assert!(answer.starts_with("HTTP/1.1 408"), "answer: {answer}");
    assert!(
        answer.contains("application/problem+json"),
        "answer: {answer}"
    );
}

#[tokio::test]
async fn a_client_holding_idle_connections_is_capped_and_others_still_get_answers() {
    let app = TestApp::spawn_with(|c| c.net.max_connections_per_client = 20).await;
    let mut held = Vec::new();
    for _ in 0..20 {
        held.push(connect_from([127, 0, 0, 2], app.server.addr).await);
    }
    // Give the server time to admit them before the next ones arrive.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut refused = 0;
    for _ in 0..10 {
        let mut extra = connect_from([127, 0, 0, 2], app.server.addr).await;
        let (answer, closed) = read_until_closed(&mut extra, Duration::from_secs(3)).await;
        if closed && answer.starts_with("HTTP/1.1 503") {
            assert!(answer.contains("application/problem+json"), "{answer}");
            assert!(
                answer.to_ascii_lowercase().contains("retry-after: 1"),
                "{answer}"
            );
            refused += 1;
        }
    }
    assert_eq!(
        refused, 10,
        "connections beyond the per-client cap were not refused"
    );
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    // The places come back when the connections close.
    drop(held);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut again = connect_from([127, 0, 0, 2], app.server.addr).await;
    again
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let (answer, _) = read_until_closed(&mut again, Duration::from_secs(3)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "answer: {answer}");
}

#[tokio::test]
async fn an_overlong_address_or_header_or_json_body_is_a_problem_document() {
    let app = TestApp::spawn().await;
    let long_path = format!("/api/session/{}", "a".repeat(9000));
    let response = app.client.get(app.url(&long_path)).send().await.unwrap();
    assert_problem(response, 414).await;

    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-padding", "p".repeat(40 * 1024))
        .send()
        .await
        .unwrap();
    assert_problem(response, 431).await;

    let session = app.upload_csv("Title,Year\nHeat,1995\n").await;
    let id = session["id"].as_str().unwrap();
    let body = format!(
        r#"{{"tmdb_id": 949, "padding": "{}"}}"#,
        "x".repeat(20 * 1024)
    );
    let response = app
        .client
        .post(app.url(&format!("/api/session/{id}/retry")))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_problem(response, 413).await;
}

#[tokio::test]
async fn head_answers_wherever_get_does_with_the_same_headers_and_no_body() {
    let app = TestApp::spawn().await;
    for path in ["/", "/js/app.js", "/healthz", "/openapi.yaml"] {
        let get = app.client.get(app.url(path)).send().await.unwrap();
        let head = app.client.head(app.url(path)).send().await.unwrap();
        assert_eq!(head.status(), 200, "HEAD {path}");
        assert_eq!(
            head.headers().get("content-type"),
            get.headers().get("content-type"),
            "HEAD {path}"
        );
        let length = get.bytes().await.unwrap().len().to_string();
        assert_eq!(
            head.headers()
                .get("content-length")
                .map(|v| v.to_str().unwrap()),
            Some(length.as_str()),
            "HEAD {path}"
        );
        assert!(head.bytes().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn the_dashboard_and_the_reference_say_how_a_browser_may_treat_them() {
    let app = TestApp::spawn().await;
    for path in ["/", "/docs", "/api/session/nope"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        let policy = header("content-security-policy");
        assert!(policy.contains("default-src 'self'"), "{path}: {policy}");
        assert!(policy.contains("connect-src 'self'"), "{path}: {policy}");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(
            !policy.contains("script-src 'unsafe-inline'"),
            "{path}: {policy}"
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "no-referrer", "{path}");
    }
    // The reference loads nothing from a third party and runs no inline script.
    let docs = app
        .client
        .get(app.url("/docs"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!docs.contains("https://"), "third-party URL in /docs");
    assert!(docs.contains(r#"<script defer src="/docs/rapidoc-min.js">"#));
    assert_eq!(docs.matches("<script").count(), 1);
    let script = app
        .client
        .get(app.url("/docs/rapidoc-min.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 200);
    assert!(script.text().await.unwrap().len() > 100_000);
}
