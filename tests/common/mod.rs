//! One way to start the real server for a test: its own database (SQLite
//! file or fresh PostgreSQL database, see [`backend`]), a random port, real
//! HTTP.

#![allow(dead_code)]

pub mod backend;
pub mod catalogs;
pub mod replica;

pub use backend::{Backend, TestDb};
use reelstream::app::{self, RunningServer};
use reelstream::config::Config;
use std::sync::Arc;

use reelstream::tmdb::sim::{Catalog, SimConfig, SimHandle, Simulator};
use reqwest::multipart::{Form, Part};
use serde_json::Value;

/// A running server with its own temporary database and TMDB simulator.
pub struct TestApp {
    /// The server.
    pub server: RunningServer,
    /// The TMDB simulator behind it.
    pub sim: SimHandle,
    /// An HTTP client.
    pub client: reqwest::Client,
    /// The test's own database (dropped last).
    pub db: TestDb,
}

impl TestApp {
    /// Starts a server with default settings on SQLite.
    pub async fn spawn() -> Self {
        Self::spawn_on(&Backend::Sqlite).await
    }

    /// Starts a server on SQLite after adjusting its settings.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        Self::spawn_on_with(&Backend::Sqlite, adjust).await
    }

    /// Starts a simulator with `sim`, then a server on SQLite using it.
    pub async fn spawn_with_sim(sim: SimConfig, adjust: impl FnOnce(&mut Config)) -> Self {
        Self::spawn_on_with_sim(&Backend::Sqlite, sim, adjust).await
    }

    /// Starts a server with default settings on `backend`.
    pub async fn spawn_on(backend: &Backend) -> Self {
        Self::spawn_on_with(backend, |_| {}).await
    }

    /// Starts a server on `backend` after adjusting its settings.
    pub async fn spawn_on_with(backend: &Backend, adjust: impl FnOnce(&mut Config)) -> Self {
        Self::spawn_on_with_sim(backend, SimConfig::default(), adjust).await
    }

    /// Starts a simulator with `sim`, then a server on `backend` using it.
    pub async fn spawn_on_with_sim(
        backend: &Backend,
        sim: SimConfig,
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        Self::spawn_simulator(backend, Simulator::new(sim), adjust).await
    }

    /// Starts a simulator serving `catalog` instead of the embedded one,
    /// then a server on `backend` using it.
    pub async fn spawn_on_with_catalog(backend: &Backend, catalog: Arc<Catalog>) -> Self {
        let sim = Simulator::with_catalog(SimConfig::default(), catalog);
        Self::spawn_simulator(backend, sim, |_| {}).await
    }

    async fn spawn_simulator(
        backend: &Backend,
        sim: Simulator,
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        let sim = sim.spawn("127.0.0.1:0").await.expect("simulator starts");
        let db = backend.create_db().await;
        let config = test_config(&sim, &db.url, adjust);
        let server = app::spawn(config).await.expect("server starts");
        assert_eq!(
            server.state.db.backend() == sea_orm::DbBackend::Postgres,
            backend.is_postgres(),
            "the server runs on {}",
            backend.name()
        );
        Self {
            server,
            sim,
            client: reqwest::Client::new(),
            db,
        }
    }

    /// Starts another server (a replica) on the same database and simulator.
    pub async fn replica(&self, adjust: impl FnOnce(&mut Config)) -> RunningServer {
        let config = test_config(&self.sim, &self.db.url, adjust);
        app::spawn(config).await.expect("replica starts")
    }

    /// Stops the server and starts a new one on the same database and simulator.
    pub async fn restart(self, adjust: impl FnOnce(&mut Config)) -> Self {
        let url = self.server.state.config.database_url.clone();
        self.server.stop().await.expect("server stops");
        let config = test_config(&self.sim, &url, adjust);
        let server = app::spawn(config).await.expect("server restarts");
        Self { server, ..self }
    }

    /// Absolute URL of a path on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.url(), path)
    }

    /// Uploads `bytes` as the multipart part `file` named `name`.
    pub async fn upload(&self, name: &str, bytes: Vec<u8>) -> reqwest::Response {
        let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
        self.client
            .post(self.url("/api/upload"))
            .multipart(form)
            .send()
            .await
            .expect("upload request")
    }

    /// Uploads a fixture from `tests/fixtures/` and returns the 202 body.
    pub async fn upload_fixture(&self, path: &str) -> Value {
        let name = path.rsplit('/').next().unwrap_or(path);
        let response = self.upload(name, fixture(path)).await;
        let status = response.status();
        let body: Value = response.json().await.expect("json body");
        assert_eq!(status, 202, "uploading {path}: {body}");
        body
    }

    /// GETs a path and returns status and JSON body.
    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let response = self.client.get(self.url(path)).send().await.expect("GET");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// All movies of a session, in upload order.
    pub async fn movies(&self, session_id: &str) -> Vec<Value> {
        let (status, page) = self
            .get_json(&format!("/api/session/{session_id}/movies?limit=1000"))
            .await;
        assert_eq!(status, 200, "{page}");
        page["items"].as_array().cloned().unwrap_or_default()
    }

    /// How many sessions the database holds.
    pub async fn session_count(&self) -> u64 {
        count_sessions(&self.server.state.db).await
    }
}

/// Settings for a test server on `database_url` with TMDB at the simulator.
pub fn test_config(
    sim: &SimHandle,
    database_url: &str,
    adjust: impl FnOnce(&mut Config),
) -> Config {
    let mut config = Config::with_database(database_url);
    config.bind = "127.0.0.1:0".into();
    config.tmdb_base_url = sim.base_url.clone();
    config.tmdb_api_key = Some("test-key".into());
    config.tmdb_read_token = None;
    // Posters come from the simulator, into a cache of the test process's
    // own (created only when a poster is served).
    config.posters.image_base_url = sim.image_base_url();
    config.posters.cache_dir =
        std::env::temp_dir().join(format!("reelstream-test-posters-{}", std::process::id()));
    // A test uploads from one address far more often than a person does;
    // tests/admission.rs sets the limits it tests itself.
    config.admission.uploads_per_hour = 100_000;
    adjust(&mut config);
    config
}

/// The repository's root, as cargo reports it when it runs the test: a
/// compiled-in path would go stale when the checkout moves and the build
/// cache is reused.
pub fn repo_root() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .into()
}

/// Reads a file from `tests/fixtures/`.
pub fn fixture(path: &str) -> Vec<u8> {
    let full = repo_root().join("tests/fixtures").join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("reading {}: {e}", full.display()))
}

/// Asserts a response is problem+json with `status`, and returns its body.
pub async fn assert_problem(response: reqwest::Response, status: u16) -> Value {
    if response.status().as_u16() != status {
        let got = response.status();
        panic!(
            "expected {status}, got {got}: {}",
            response.text().await.unwrap_or_default()
        );
    }
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/problem+json"),
        "content type was {content_type}"
    );
    let body: Value = response.json().await.expect("problem body");
    assert_eq!(body["status"], status);
    assert!(body["type"].is_string() && body["title"].is_string());
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "problem without detail: {body}"
    );
    body
}

impl TestApp {
    /// The Prometheus text served at `/metrics`.
    pub async fn metrics(&self) -> String {
        let response = self.client.get(self.url("/metrics")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }

    /// The value of one unlabelled sample on `/metrics`, failing the test when it is absent.
    pub async fn metric(&self, name: &str) -> f64 {
        let metrics = self.metrics().await;
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} on /metrics: {metrics}"))
    }

    /// Polls a session until it is completed, failing the test after `timeout`.
    pub async fn wait_completed(&self, session_id: &str, timeout: std::time::Duration) -> Value {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let (status, session) = self.get_json(&format!("/api/session/{session_id}")).await;
            assert_eq!(status, 200, "{session}");
            if session["status"] == "completed" {
                return session;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "session not completed in {timeout:?}: {session}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Uploads a CSV built in the test.
    pub async fn upload_csv(&self, csv: &str) -> Value {
        let response = self.upload("films.csv", csv.as_bytes().to_vec()).await;
        assert_eq!(response.status(), 202);
        response.json().await.expect("session")
    }
}

/// The owner token an upload's answer carries.
pub fn owner_token(uploaded: &Value) -> &str {
    uploaded["owner_token"]
        .as_str()
        .unwrap_or_else(|| panic!("an upload answers with its owner token: {uploaded}"))
}

/// Asserts the session's counters equal what its movie rows say.
pub async fn assert_counters_exact(app: &TestApp, session: &Value) {
    let id = session["id"].as_str().unwrap();
    let movies = app.movies(id).await;
    let count = |status: &str| movies.iter().filter(|m| m["status"] == status).count() as i64;
    let (enriched, unmatched, failed) = (count("enriched"), count("unmatched"), count("failed"));
    let (skipped, review) = (count("skipped"), count("review"));
    assert_eq!(count("pending"), 0, "no film left pending");
    assert_eq!(
        session["total_movies"].as_i64().unwrap(),
        movies.len() as i64
    );
    assert_eq!(
        session["enriched_count"].as_i64().unwrap(),
        enriched,
        "{session}"
    );
    assert_eq!(
        session["unmatched_count"].as_i64().unwrap(),
        unmatched,
        "{session}"
    );
    assert_eq!(
        session["failed_count"].as_i64().unwrap(),
        failed,
        "{session}"
    );
    assert_eq!(
        session["skipped_count"].as_i64().unwrap(),
        skipped,
        "{session}"
    );
    assert_eq!(
        session["review_count"].as_i64().unwrap(),
        review,
        "{session}"
    );
    assert_eq!(
        session["processed_count"].as_i64().unwrap(),
        enriched + review + unmatched + failed + skipped,
        "{session}"
    );
}

pub mod live;
pub mod logs;

/// How many sessions `db` holds, read straight from its table.
pub async fn count_sessions(db: &reelstream::store::Db) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    reelstream::store::entities::session::Entity::find()
        .count(db.conn())
        .await
        .expect("count sessions")
}
