//! The TMDB key and read token, literal or URL-encoded, never leave the
//! server, even when TMDB echoes the request — credentials included — in
//! malformed 200s, 4xx and 5xx bodies (the simulator's hostile mode): not
//! in any HTTP answer (session, movies, SSE replay, exports, a fix's 502),
//! not in the database file, not in any log line.

mod common;

use std::time::Duration;

use common::TestApp;
use common::live::{open_sse, read_sse};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reelstream::tmdb::sim::SimConfig;

/// Credentials with characters that URL encoding changes, so an encoded
/// echo differs from the literal one.
const KEY: &str = "k3y+/=b6e2a9f04c7d1e35";
const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.e30.t0k+/=9c41d2";

/// Every spelling of the secrets a leak could take.
fn spellings() -> Vec<String> {
    [KEY, TOKEN]
        .iter()
        .flat_map(|secret| {
            let form: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            let percent = utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string();
            [secret.to_string(), form, percent.to_lowercase(), percent]
        })
        .collect()
}

fn assert_no_secret(place: &str, text: &str) {
    for spelling in spellings() {
        assert!(
            !text.contains(&spelling),
            "{spelling} leaked into {place}: …{}…",
            around(text, &spelling)
        );
    }
}

/// A little context around the first match, for the failure message.
fn around<'a>(text: &'a str, needle: &str) -> &'a str {
    let at = text.find(needle).unwrap_or(0);
    let start = (0..=at.saturating_sub(200))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let end = (at + needle.len() + 100).min(text.len());
    let end = (end..=text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(text.len());
    &text[start..end]
}

/// Every request fails one way or another, each echoing the request.
fn hostile() -> SimConfig {
    SimConfig {
        echo_request: true,
        malformed_rate: 0.4,
        reject_rate: 0.3,
        error_rate: 0.3,
        seed: 15,
        ..SimConfig::default()
    }
}

const FILMS: &str = "\
Name,Year
Seven Samurai,1954
Amélie,2001
Dune,1984
Spirited Away,2001
Parasite,2019
Heat,1995
Alien,1979
Arrival,2016
";

async fn text_of(response: reqwest::Response) -> String {
    response.text().await.expect("a readable body")
}

async fn everything_served(app: &TestApp) -> String {
    let session = app.upload_csv(FILMS).await;
    let owner = common::owner_token(&session).to_owned();
    let id = session["id"].as_str().unwrap().to_owned();
    app.wait_completed(&id, Duration::from_secs(60)).await;

    let movies = app.movies(&id).await;
    let errors: Vec<&str> = movies.iter().filter_map(|m| m["error"].as_str()).collect();
    assert!(
        movies.iter().all(|m| m["status"] == "failed") && errors.len() == movies.len(),
        "every film failed with a reason: {movies:?}"
    );
    // The echoes did reach the errors: scrubbed, not lost.
    assert!(
        errors.iter().any(|e| e.contains("<redacted>")),
        "some failure quotes the scrubbed echo: {errors:?}"
    );

    let mut served = String::new();
    for path in [
        format!("/api/session/{id}"),
        format!("/api/session/{id}/movies?limit=1000"),
        format!("/api/session/{id}/stats"),
        format!("/api/session/{id}/export?format=csv"),
        format!("/api/session/{id}/export?format=json"),
    ] {
        let response = app.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        served.push_str(&text_of(response).await);
    }
    let replay = read_sse(open_sse(app, &id, Some("0")).await, usize::MAX).await;
    assert!(replay.iter().any(|m| m.event == "completed"), "{replay:?}");
    served.push_str(&format!("{replay:?}"));

    // A fix asks TMDB at once and answers its failure as a 502.
    let movie_id = movies[0]["id"].as_i64().unwrap();
    for tmdb_id in [346, 194, 438631, 496243, 949] {
        let response = app
            .client
            .patch(app.url(&format!("/api/session/{id}/movies/{movie_id}")))
            .bearer_auth(&owner)
            .json(&serde_json::json!({ "tmdb_id": tmdb_id }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 502, "TMDB fails every call");
        served.push_str(&text_of(response).await);
    }
    served
}

/// The SQLite file and its write-ahead log, as bytes (free pages included).
fn stored(app: &TestApp) -> String {
    let path = app
        .db
        .url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let mut bytes = std::fs::read(&path).expect("the database file");
    bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
    String::from_utf8_lossy(&bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credential_leaks_when_tmdb_echoes_the_request() {
    common::logs::capture();
    // The key alone (sent in the query), then both (the token wins, in a header).
    for token in [None, Some(TOKEN)] {
        let app = TestApp::spawn_with_sim(hostile(), |c| {
            c.tmdb_api_key = Some(KEY.into());
            c.tmdb_read_token = token.map(str::to_owned);
            c.tmdb_max_retries = 1;
        })
        .await;
        let served = everything_served(&app).await;
        assert_no_secret("the HTTP answers", &served);
        assert_no_secret("the database", &stored(&app));
        app.server.stop().await.expect("server stops");
    }
    let logs = common::logs::captured();
    assert!(
        logs.contains("lookup failed"),
        "the capture sees the server's logs"
    );
    assert_no_secret("the logs", &logs);
}
