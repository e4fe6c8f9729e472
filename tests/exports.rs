//! Exports stream page by page, and only so many run at once (issue 15).

mod common;

use std::time::{Duration, Instant};

use common::{TestApp, assert_problem};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A library larger than a socket's buffers can absorb, over many pages.
const FILMS: usize = 10_000;

#[tokio::test]
async fn exports_over_the_cap_wait_their_turn_and_large_libraries_stream_whole() {
    let app = TestApp::spawn_with(|c| c.max_exports = 1).await;
    let mut csv = String::from("Title,Year\n");
    for n in 0..FILMS {
        csv.push_str(&format!("A Film Nobody Made {n},1999\n"));
    }
    let session = app.upload_csv(&csv).await;
    let id = session["id"].as_str().unwrap().to_owned();
    let path = format!("/api/session/{id}/export?format=csv");

    // A client that asks for an export and stops reading holds its place…
    let mut slow = TcpStream::connect(app.server.addr).await.unwrap();
    slow.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut first = [0u8; 64];
    slow.read_exact(&mut first).await.unwrap();
    assert!(first.starts_with(b"HTTP/1.1 200"));

    // …so the next is refused with a time to come back…
    let refused = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(
        refused
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap()),
        Some("5")
    );
    assert_problem(refused, 429).await;
    // …while the rest of the service answers.
    let (status, _) = app.get_json(&format!("/api/session/{id}")).await;
    assert_eq!(status, 200);

    // The place comes back when that client goes.
    drop(slow);
    let deadline = Instant::now() + Duration::from_secs(10);
    let body = loop {
        let response = app.client.get(app.url(&path)).send().await.unwrap();
        if response.status() == 200 {
            break response.text().await.unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "the export place never came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        body.lines().count(),
        FILMS + 1,
        "header plus one line per film"
    );
    assert!(
        body.lines()
            .nth(FILMS)
            .unwrap()
            .contains(&format!("Made {}", FILMS - 1))
    );

    let json = app
        .client
        .get(app.url(&format!("/api/session/{id}/export?format=json")))
        .send()
        .await
        .unwrap();
    let films: Vec<serde_json::Value> = json.json().await.unwrap();
    assert_eq!(films.len(), FILMS);
    let rows: Vec<i64> = films.iter().map(|f| f["row"].as_i64().unwrap()).collect();
    assert!(
        rows.windows(2).all(|w| w[0] < w[1]),
        "films out of upload order"
    );
}
