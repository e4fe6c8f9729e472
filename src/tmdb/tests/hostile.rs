//! A hostile or broken upstream: echoes of the credentials in every error
//! body, bodies far over the cap, and requests that cannot be built.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{client, sim};
use crate::tmdb::sim::SimConfig;
use crate::tmdb::{MAX_BODY_BYTES, TmdbAuth, TmdbError};

/// Credentials with characters that URL encoding changes, so that an
/// encoded echo differs from the literal.
const KEY: &str = "k3y+/=5d41402abc4b2a76";
const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.e30.t0k+/=n";

/// Every spelling of `secret` a leak could take.
fn spellings(secret: &str) -> Vec<String> {
    let form: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let percent = utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string();
    vec![
        secret.to_owned(),
        form,
        percent.clone(),
        percent.to_lowercase(),
    ]
}

fn assert_clean(err: &TmdbError, secret: &str) {
    let text = format!("{err} | {err:?}");
    for spelling in spellings(secret) {
        assert!(!text.contains(&spelling), "{spelling} leaked: {text}");
    }
}

#[tokio::test]
async fn echoed_credentials_are_scrubbed_from_every_error() {
    let faults = [
        (
            "malformed 200",
            SimConfig {
                malformed_rate: 1.0,
                ..SimConfig::default()
            },
        ),
        (
            "400",
            SimConfig {
                reject_rate: 1.0,
                ..SimConfig::default()
            },
        ),
        (
            "5xx",
            SimConfig {
                error_rate: 1.0,
                ..SimConfig::default()
            },
        ),
    ];
    for (auth, secret) in [
        (TmdbAuth::ApiKey(KEY.into()), KEY),
        (TmdbAuth::ReadToken(TOKEN.into()), TOKEN),
    ] {
        for (name, config) in faults.clone() {
            let sim = sim(SimConfig {
                echo_request: true,
                ..config
            })
            .await;
            let tmdb = client(&sim, |c| {
                c.auth = Some(auth.clone());
                c.max_retries = 1;
            });
            let err = tmdb.search_movie("Dune", Some(2021)).await.unwrap_err();
            assert_clean(&err, secret);
            let err = tmdb.movie_details(841).await.unwrap_err();
            assert_clean(&err, secret);
            // The echo did reach the error: it is scrubbed, not lost.
            let text = err.to_string();
            if name != "5xx" {
                assert!(text.contains("<redacted>"), "{name}: {text}");
            }
        }
    }
}

/// A loopback HTTP server answering every request with `200` and a body
/// of `size` bytes (declared or chunked), counting the requests.
async fn huge_body_server(size: usize, declare_length: bool) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = socket.read(&mut head).await;
                let header = if declare_length {
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {size}\r\n\r\n"
                    )
                } else {
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_owned()
                };
                if socket.write_all(header.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b' '; 64 * 1024];
                let mut sent = 0;
                while sent < size {
                    let result = if declare_length {
                        socket.write_all(&chunk).await
                    } else {
                        let framed =
                            [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
                        socket.write_all(&framed).await
                    };
                    // The client hung up: what it read was enough.
                    if result.is_err() {
                        return;
                    }
                    sent += chunk.len();
                }
            });
        }
    });
    (format!("http://{addr}/3"), requests)
}

#[tokio::test]
async fn a_body_over_the_cap_fails_at_once_without_retries() {
    // 64 MiB of whitespace: valid JSON up to its end, so only the cap stops it.
    for declare_length in [true, false] {
        let (base_url, requests) = huge_body_server(64 * 1024 * 1024, declare_length).await;
        let tmdb = crate::tmdb::TmdbClient::new(crate::tmdb::TmdbConfig {
            base_url,
            auth: Some(TmdbAuth::ApiKey(KEY.into())),
            max_retries: 3,
            backoff_base: Duration::from_millis(1),
            timeout: Duration::from_secs(30),
            ..crate::tmdb::TmdbConfig::default()
        })
        .unwrap();
        let err = tmdb.movie_details(841).await.unwrap_err();
        assert!(
            matches!(
                err,
                TmdbError::TooLarge {
                    limit: MAX_BODY_BYTES
                }
            ),
            "declared {declare_length}: {err:?}"
        );
        assert!(!err.is_transient());
        assert_eq!(requests.load(Ordering::Relaxed), 1, "never retried");
        assert_eq!(tmdb.metrics().retries, 0);
    }
}

#[tokio::test]
async fn a_request_that_cannot_be_built_is_a_permanent_failure() {
    let sim = sim(SimConfig::default()).await;
    let tmdb = client(&sim, |c| c.max_retries = 3);
    // Far longer than any URI an HTTP request can carry.
    let title = "A".repeat(10 * 1024 * 1024);
    let err = tmdb.search_movie(&title, Some(2021)).await.unwrap_err();
    assert!(matches!(err, TmdbError::Request { .. }), "{err:?}");
    assert!(!err.is_transient(), "{err:?}");
    assert!(err.to_string().len() < 500, "the title is not in the error");
    let metrics = tmdb.metrics();
    assert_eq!((metrics.requests, metrics.retries), (0, 0), "{metrics:?}");
    assert_eq!(sim.counters.snapshot().total, 0);
}
