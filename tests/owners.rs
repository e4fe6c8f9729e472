//! Owners and viewers: every change to a session takes its owner token
//! (401 without one, 403 with another), while its id alone reads
//! everything; the token itself is in no log line, event, metric or row.

mod common;

use std::time::Duration;

use common::live::{sse_until_completed, ws_until_closed};
use common::{Backend, TestApp, assert_problem, owner_token};
use reqwest::Method;
use serde_json::{Value, json};

const LONG: Duration = Duration::from_secs(60);
const FILMS: &str = "Title,Year\nHeat,1995\nThe Lantern Keeper of Vellmar,2016\n";

/// Every writing operation on session `id`, as (method, path, JSON body).
fn writes(id: &str, movie_id: i64) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (
            Method::PATCH,
            format!("/api/session/{id}/movies/{movie_id}"),
            Some(json!({"tmdb_id": 550})),
        ),
        (Method::POST, format!("/api/session/{id}/retry"), None),
        (
            Method::POST,
            format!("/api/session/{id}/review/accept"),
            Some(json!({"min_confidence": 0.0})),
        ),
        (Method::DELETE, format!("/api/session/{id}"), None),
    ]
}

async fn send(
    app: &TestApp,
    (method, path, body): &(Method, String, Option<Value>),
    auth: Option<&str>,
) -> reqwest::Response {
    let mut request = app.client.request(method.clone(), app.url(path));
    if let Some(body) = body {
        request = request.json(body);
    }
    if let Some(auth) = auth {
        request = request.header("authorization", auth);
    }
    request.send().await.unwrap()
}

async fn every_change_takes_the_owner_token(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let mine = app.upload_csv(FILMS).await;
    let theirs = app.upload_csv(FILMS).await;
    let (id, token) = (mine["id"].as_str().unwrap(), owner_token(&mine));
    assert_ne!(token, owner_token(&theirs));
    let done = app.wait_completed(id, LONG).await;
    let movie_id = app.movies(id).await[1]["id"].as_i64().unwrap();

    for write in writes(id, movie_id) {
        let what = format!("{} {}", write.0, write.1);
        let refused = send(&app, &write, None).await;
        assert_eq!(refused.status(), 401, "{what} without a token");
        assert_eq!(refused.headers()["www-authenticate"], "Bearer", "{what}");
        assert_problem(refused, 401).await;
        // Another scheme is no owner token either.
        let basic = send(&app, &write, Some("Basic dXNlcjpwYXNz")).await;
        assert_problem(basic, 401).await;
        // Another session's owner is not this one's.
        let other = format!("Bearer {}", owner_token(&theirs));
        assert_problem(send(&app, &write, Some(&other)).await, 403).await;
        // The real token with its last character changed (never to itself).
        let last = if token.ends_with('0') { '1' } else { '0' };
        let forged = format!("Bearer {}{last}", &token[..token.len() - 1]);
        assert_problem(send(&app, &write, Some(&forged)).await, 403).await;
    }
    // Nothing changed: the viewer's refusals left every film as it was.
    let (_, unchanged) = app.get_json(&format!("/api/session/{id}")).await;
    assert_eq!(
        (
            &unchanged["status"],
            &unchanged["unmatched_count"],
            &unchanged["updated_at"]
        ),
        (
            &done["status"],
            &done["unmatched_count"],
            &done["updated_at"]
        )
    );

    // The owner's token carries each change out.
    let owner = format!("Bearer {token}");
    let expected = [202, 202, 200, 204];
    for (write, status) in writes(id, movie_id).iter().zip(expected) {
        let answer = send(&app, write, Some(&owner)).await;
        assert_eq!(answer.status(), status, "{} {}", write.0, write.1);
        if write.0 == Method::PATCH {
            app.wait_completed(id, LONG).await;
        }
    }
    assert_eq!(app.get_json(&format!("/api/session/{id}")).await.0, 404);
    // A token for a session that is not there is a plain 404.
    let gone = send(&app, &writes(id, movie_id)[3], Some(&owner)).await;
    assert_problem(gone, 404).await;
    assert_eq!(app.session_count().await, 1, "the other session stays");
}

async fn a_shared_link_reads_everything(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let uploaded = app.upload_csv(FILMS).await;
    let id = uploaded["id"].as_str().unwrap();
    app.wait_completed(id, LONG).await;
    let movie_id = app.movies(id).await[0]["id"].as_i64().unwrap();
    for path in [
        format!("/api/session/{id}"),
        format!("/api/session/{id}/movies"),
        format!("/api/session/{id}/movies/{movie_id}"),
        format!("/api/session/{id}/stats"),
        format!("/api/session/{id}/export?format=json"),
        format!("/api/session/{id}/export?format=csv"),
    ] {
        let response = app.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path} with the id alone");
    }
    let log = sse_until_completed(&app, id, Some("0")).await;
    assert_eq!(log.last().unwrap().event, "completed");
    let (frames, _) = ws_until_closed(&app, &format!("/api/session/{id}/ws?last_event_id=0")).await;
    assert_eq!(frames.last().unwrap()["type"], "completed", "{frames:?}");
}

/// One test in this binary reads the captured logs, so that no other test's
/// server writes to them meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_is_in_no_log_event_metric_or_row() {
    common::logs::capture();
    let app = TestApp::spawn().await;
    let uploaded = app.upload_csv(FILMS).await;
    let (id, token) = (uploaded["id"].as_str().unwrap(), owner_token(&uploaded));
    app.wait_completed(id, LONG).await;
    let movie_id = app.movies(id).await[1]["id"].as_i64().unwrap();
    // Used, right and wrong, so that every path that sees it has run.
    let owner = format!("Bearer {token}");
    let wrong = format!("Bearer {token}x");
    for write in &writes(id, movie_id)[..3] {
        send(&app, write, Some(&wrong)).await;
        send(&app, write, Some(&owner)).await;
    }
    app.wait_completed(id, LONG).await;

    let mut seen = String::new();
    let (_, session) = app.get_json(&format!("/api/session/{id}")).await;
    seen.push_str(&session.to_string());
    seen.push_str(&format!(
        "{:?}",
        sse_until_completed(&app, id, Some("0")).await
    ));
    seen.push_str(&app.metrics().await);
    let path = app.db.url.trim_start_matches("sqlite://");
    let path = path.split('?').next().unwrap();
    let mut stored = std::fs::read(path).unwrap();
    stored.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
    seen.push_str(&String::from_utf8_lossy(&stored));
    let logs = common::logs::captured();
    assert!(
        logs.contains("upload accepted"),
        "the capture sees the server"
    );
    seen.push_str(&logs);
    // The random part alone, so that no spelling of the prefix hides it.
    let secret = token.trim_start_matches("rso_");
    assert!(!seen.contains(secret), "the owner token leaked");
    // Request logs name a session by a prefix: its id is its read access.
    let info: Vec<&str> = logs.lines().filter(|l| l.contains(" INFO ")).collect();
    assert!(
        info.iter().any(|l| l.contains(&id[..8])),
        "requests are logged"
    );
    let leaking: Vec<&&str> = info.iter().filter(|l| l.contains(id)).collect();
    assert!(leaking.is_empty(), "session id in INFO logs: {leaking:?}");
}

async fn untouched_sessions_are_deleted_after_their_ttl(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn_on(&backend).await;
    let old = app.upload_csv(FILMS).await;
    let recent = app.upload_csv(FILMS).await;
    let (old, recent) = (old["id"].as_str().unwrap(), recent["id"].as_str().unwrap());
    app.wait_completed(old, LONG).await;
    app.wait_completed(recent, LONG).await;
    let stale = (chrono::Utc::now() - chrono::Duration::days(3)).format("%Y-%m-%d %H:%M:%S");
    app.server
        .state
        .db
        .conn()
        .execute_unprepared(&format!(
            "UPDATE sessions SET updated_at = '{stale}' WHERE id = '{old}'"
        ))
        .await
        .unwrap();
    // Off by default: the restart without a TTL keeps both.
    let app = app.restart(|_| {}).await;
    assert_eq!(app.session_count().await, 2);
    let app = app.restart(|c| c.session_ttl_days = Some(2)).await;
    let deadline = std::time::Instant::now() + LONG;
    while app.get_json(&format!("/api/session/{old}")).await.0 != 404 {
        assert!(
            std::time::Instant::now() < deadline,
            "the stale session is deleted"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.get_json(&format!("/api/session/{recent}")).await.0, 200);
    assert_eq!(app.movies(recent).await.len(), 2);
}

on_both_backends! {
    every_change_takes_the_owner_token,
    a_shared_link_reads_everything,
    untouched_sessions_are_deleted_after_their_ttl,
}
