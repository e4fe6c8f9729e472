//! The engine is watched: a task that panics is reported on `/readyz`
//! (503, naming it) while it is down, is restarted, and the session it was
//! working on still completes with exact counters. The panics come from the
//! fault points compiled in with the `fault-injection` feature, which the
//! test build enables (see `[dev-dependencies]` in Cargo.toml).

mod common;

use std::time::Duration;

use common::{Backend, TestApp, assert_counters_exact, assert_problem};
use tokio::time::Instant;

const LONG: Duration = Duration::from_secs(120);

/// The engine's tasks that have a fault point.
const TASKS: [&str; 4] = ["committer", "claimer", "scheduler", "renewer"];

async fn readiness(app: &TestApp) -> reqwest::Response {
    app.client.get(app.url("/readyz")).send().await.unwrap()
}

async fn a_task_that_panics_is_restarted_and_the_session_completes(backend: Backend) {
    // Short leases, so that the renewer reaches its fault point within the test.
    let app = TestApp::spawn_on_with(&backend, |config| config.lease_secs = 1).await;
    let engine = &app.server.state.engine;
    assert_eq!(
        readiness(&app).await.status(),
        200,
        "ready before any fault"
    );
    for task in TASKS {
        engine.faults().panic_next(task, 1);
    }

    let session = app.upload_fixture("letterboxd/watched.csv").await;
    let id = session["id"].as_str().unwrap();

    // Red while a task is down, naming it.
    let deadline = Instant::now() + LONG;
    let problem = loop {
        let response = readiness(&app).await;
        if response.status() == 503 {
            break assert_problem(response, 503).await;
        }
        assert!(Instant::now() < deadline, "/readyz never went red");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        TASKS.iter().any(|task| detail.contains(task)),
        "the problem names the task: {detail}"
    );

    // Every task restarted, and ready again.
    let deadline = Instant::now() + LONG;
    while TASKS.iter().any(|task| engine.health().restarts(task) == 0)
        || readiness(&app).await.status() != 200
    {
        assert!(
            Instant::now() < deadline,
            "not every task restarted: {:?}",
            engine.health().down()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let session = app.wait_completed(id, LONG).await;
    assert_counters_exact(&app, &session).await;
    assert_eq!(session["total_movies"], 89, "{session}");
}

on_both_backends! {
    a_task_that_panics_is_restarted_and_the_session_completes,
}
