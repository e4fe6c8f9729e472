//! Admission limits: each refuses with 429 problem+json and `Retry-After`,
//! is counted on `/metrics`, and lets the client in again once it has
//! waited; and a flooding client no longer delays another client's upload
//! by more than its fair share.
//!
//! Clients are told apart as a trusted proxy tells them: loopback is
//! trusted here, and each request names its client in `X-Forwarded-For`.

mod common;

use std::time::{Duration, Instant};

use common::{Backend, TestApp, assert_problem, owner_token};
use reelstream::config::Config;
use reelstream::tmdb::sim::SimConfig;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const LONG: Duration = Duration::from_secs(120);

fn behind_proxy(config: &mut Config) {
    config.net.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
}

async fn upload_as(app: &TestApp, client: &str, csv: &str) -> reqwest::Response {
    let form = Form::new().part(
        "file",
        Part::bytes(csv.as_bytes().to_vec()).file_name("films.csv"),
    );
    app.client
        .post(app.url("/api/upload"))
        .header("x-forwarded-for", client)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Asserts a 429 with a `Retry-After`, and returns the seconds to wait.
async fn refused(response: reqwest::Response) -> u64 {
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_problem(response, 429).await;
    assert!((1..=120).contains(&wait), "Retry-After {wait}");
    wait
}

async fn refusals(app: &TestApp, limit: &str) -> f64 {
    let metrics = app.metrics().await;
    let name = format!("reelstream_admission_refusals_total{{limit=\"{limit}\"}} ");
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(&name))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

fn films(prefix: &str, n: usize) -> String {
    let mut csv = String::from("Title,Year\n");
    for i in 0..n {
        csv.push_str(&format!("{prefix} Nowhere Picture {i},2001\n"));
    }
    csv
}

async fn uploads_per_hour_refuse_and_recover(backend: Backend) {
    let app = TestApp::spawn_on_with(&backend, |c| {
        behind_proxy(c);
        c.admission.uploads_per_hour = 2;
        c.admission.upload_period = Duration::from_secs(2);
    })
    .await;
    for _ in 0..2 {
        assert_eq!(
            upload_as(&app, "203.0.113.1", "Title,Year\nHeat,1995\n")
                .await
                .status(),
            202
        );
    }
    let wait = refused(upload_as(&app, "203.0.113.1", "Title,Year\nHeat,1995\n").await).await;
    assert_eq!(app.session_count().await, 2, "nothing stored");
    assert_eq!(refusals(&app, "uploads_per_hour").await, 1.0);
    // Another client is not held back, and this one is let in once it waited.
    assert_eq!(
        upload_as(&app, "203.0.113.2", "Title,Year\nHeat,1995\n")
            .await
            .status(),
        202
    );
    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert_eq!(
        upload_as(&app, "203.0.113.1", "Title,Year\nHeat,1995\n")
            .await
            .status(),
        202
    );
}

async fn writes_per_minute_refuse_and_recover(backend: Backend) {
    let app = TestApp::spawn_on_with(&backend, |c| {
        c.admission.writes_per_minute = 2;
        c.admission.write_period = Duration::from_secs(2);
    })
    .await;
    let session = app.upload_csv("Title,Year\nHeat,1995\n").await;
    let (id, token) = (session["id"].as_str().unwrap(), owner_token(&session));
    let retry = || {
        app.client
            .post(app.url(&format!("/api/session/{id}/retry")))
            .bearer_auth(token)
            .send()
    };
    for _ in 0..2 {
        assert_eq!(retry().await.unwrap().status(), 202);
    }
    let wait = refused(retry().await.unwrap()).await;
    assert_eq!(refusals(&app, "writes_per_minute").await, 1.0);
    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert_eq!(retry().await.unwrap().status(), 202);
}

async fn tmdb_calls_per_client_refuse_and_recover(backend: Backend) {
    let app = TestApp::spawn_on_with(&backend, |c| c.admission.tmdb_calls_per_client = 2).await;
    let search = || {
        app.client
            .get(app.url("/api/tmdb/search?query=heat"))
            .send()
    };
    for _ in 0..2 {
        assert_eq!(search().await.unwrap().status(), 200);
    }
    let wait = refused(search().await.unwrap()).await;
    assert_eq!(refusals(&app, "tmdb_calls_per_client").await, 1.0);
    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert_eq!(search().await.unwrap().status(), 200);
}

async fn streams_per_client_refuse_and_recover(backend: Backend) {
    let slow = SimConfig {
        latency: Duration::from_secs(30),
        ..SimConfig::default()
    };
    let app =
        TestApp::spawn_on_with_sim(&backend, slow, |c| c.admission.streams_per_client = 2).await;
    let session = app.upload_csv("Title,Year\nHeat,1995\n").await;
    let id = session["id"].as_str().unwrap();
    let first = common::live::open_sse(&app, id, None).await;
    let second = common::live::open_sse(&app, id, None).await;
    let sse = app
        .client
        .get(app.url(&format!("/api/session/{id}/events")))
        .send()
        .await
        .unwrap();
    refused(sse).await;
    let ws =
        tokio_tungstenite::connect_async(format!("ws://{}/api/session/{id}/ws", app.server.addr))
            .await;
    match ws {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 429)
        }
        other => panic!("a third stream is refused: {:?}", other.map(|_| ())),
    }
    assert_eq!(refusals(&app, "streams_per_client").await, 2.0);
    drop(first);
    // The place is given back once the server sees the stream closed.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let again = app
            .client
            .get(app.url(&format!("/api/session/{id}/events")))
            .send()
            .await
            .unwrap();
        if again.status() == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the closed stream's place comes back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(second);
}

async fn pending_films_refuse_before_storing_and_recover(backend: Backend) {
    // TMDB answers slowly, so the first upload's films are still waiting
    // when the next uploads come (a fast one could finish in between).
    let sim = SimConfig {
        latency: Duration::from_millis(400),
        ..SimConfig::default()
    };
    let app = TestApp::spawn_on_with_sim(&backend, sim, |c| {
        behind_proxy(c);
        c.admission.pending_films_per_client = 5;
        c.admission.pending_films_total = 8;
    })
    .await;
    // One client: 4 waiting, 2 more would be 6 of 5.
    let first: Value = upload_as(&app, "203.0.113.1", &films("a", 4))
        .await
        .json()
        .await
        .unwrap();
    let over = upload_as(&app, "203.0.113.1", &films("b", 2)).await;
    refused(over).await;
    assert_eq!(refusals(&app, "pending_films_per_client").await, 1.0);
    // The instance: 4 waiting, 5 more from another client would be 9 of 8.
    let over = upload_as(&app, "203.0.113.2", &films("c", 5)).await;
    refused(over).await;
    assert_eq!(refusals(&app, "pending_films_total").await, 1.0);
    assert_eq!(app.session_count().await, 1, "nothing stored");
    // Once the first upload's films are done, both fit.
    app.wait_completed(first["id"].as_str().unwrap(), LONG)
        .await;
    assert_eq!(
        upload_as(&app, "203.0.113.1", &films("b", 2))
            .await
            .status(),
        202
    );
    assert_eq!(
        upload_as(&app, "203.0.113.2", &films("c", 5))
            .await
            .status(),
        202
    );
}

/// The probe of the issue, scaled down: one client floods with sessions
/// and PATCH storms while another uploads a small library. The victim's
/// time is measured next to an idle run; the bound is generous, but a
/// share per session (1 in 31 here) would take it an order of magnitude past.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_client_gets_one_clients_share() {
    let victim_films = films("victim", 20);
    let settings = |c: &mut Config| {
        behind_proxy(c);
        c.tmdb_rps = 40;
        c.tmdb_concurrency = 8;
    };
    let idle = TestApp::spawn_with(settings).await;
    let started = Instant::now();
    let session: Value = upload_as(&idle, "203.0.113.9", &victim_films)
        .await
        .json()
        .await
        .unwrap();
    idle.wait_completed(session["id"].as_str().unwrap(), LONG)
        .await;
    let idle_time = started.elapsed();

    let app = TestApp::spawn_with(settings).await;
    let mut flood = Vec::new();
    for i in 0..30 {
        let answer = upload_as(&app, "198.51.100.7", &films(&format!("flood{i}"), 100)).await;
        assert_eq!(answer.status(), 202);
        flood.push(answer.json::<Value>().await.unwrap());
    }
    // And a PATCH storm on its own films, with random TMDB ids.
    let storm = {
        let (client, url) = (app.client.clone(), app.url(""));
        let (id, token) = (
            flood[0]["id"].as_str().unwrap().to_owned(),
            owner_token(&flood[0]).to_owned(),
        );
        tokio::spawn(async move {
            let mut statuses = Vec::new();
            for tmdb_id in 1..400 {
                let answer = client
                    .patch(format!("{url}/api/session/{id}/movies/1"))
                    .header("x-forwarded-for", "198.51.100.7")
                    .bearer_auth(&token)
                    .json(&json!({"tmdb_id": tmdb_id * 7919}))
                    .send()
                    .await;
                statuses.push(answer.map(|a| a.status().as_u16()).unwrap_or(0));
            }
            statuses
        })
    };
    let started = Instant::now();
    let session: Value = upload_as(&app, "203.0.113.9", &victim_films)
        .await
        .json()
        .await
        .unwrap();
    app.wait_completed(session["id"].as_str().unwrap(), LONG)
        .await;
    let victim_time = started.elapsed();
    let statuses = storm.await.unwrap();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    println!(
        "victim: {:.2} s idle, {:.2} s under the flood; storm: {refused} of {} PATCHes refused",
        idle_time.as_secs_f64(),
        victim_time.as_secs_f64(),
        statuses.len()
    );
    assert!(refused > 0, "the storm meets a limit: {statuses:?}");
    assert!(
        victim_time <= idle_time * 6 + Duration::from_secs(3),
        "the victim took {victim_time:?} under the flood, {idle_time:?} idle"
    );
}

on_both_backends! {
    uploads_per_hour_refuse_and_recover,
    writes_per_minute_refuse_and_recover,
    tmdb_calls_per_client_refuse_and_recover,
    streams_per_client_refuse_and_recover,
    pending_films_refuse_before_storing_and_recover,
}
