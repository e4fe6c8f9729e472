//! Cross-origin access: none unless origins are configured
//! (`REELSTREAM_CORS_ORIGINS`), then those origins and the service's own, on answers and
//! errors alike; a refused origin gets a problem document.

mod common;

use common::{TestApp, assert_problem};
use reqwest::Method;

const ALLOWED: &str = "https://dashboard.example";
const OTHER: &str = "https://elsewhere.example";
const MISSING: &str = "/api/session/00000000-0000-4000-8000-000000000000";

fn allow_origin(response: &reqwest::Response) -> Option<&str> {
    response
        .headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap())
}

/// A GET as a page at `origin` sends it.
async fn get_from(app: &TestApp, path: &str, origin: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("Origin", origin)
        .send()
        .await
        .unwrap()
}

async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client
        .request(Method::OPTIONS, app.url(MISSING))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "DELETE")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn by_default_no_origin_is_allowed() {
    let app = TestApp::spawn().await;
    let response = get_from(&app, "/healthz", OTHER).await;
    assert_eq!(
        response.status(),
        200,
        "same-origin and non-browser clients still work"
    );
    assert_eq!(allow_origin(&response), None);

    let response = preflight(&app, OTHER).await;
    assert_eq!(allow_origin(&response), None, "a preflight is not granted");
    assert!(
        response
            .headers()
            .get("access-control-allow-methods")
            .is_none()
    );
}

#[tokio::test]
async fn configured_origins_are_allowed_and_others_refused() {
    let app = TestApp::spawn_with(|c| c.cors_origins = vec![ALLOWED.to_owned()]).await;

    let response = get_from(&app, MISSING, ALLOWED).await;
    assert_eq!(
        allow_origin(&response),
        Some(ALLOWED),
        "errors carry the header, so the page can read them"
    );
    assert_problem(response, 404).await;

    let response = preflight(&app, ALLOWED).await;
    assert_eq!(response.status(), 200);
    assert_eq!(allow_origin(&response), Some(ALLOWED));

    let response = get_from(&app, "/healthz", OTHER).await;
    assert_eq!(allow_origin(&response), None);
    let problem = assert_problem(response, 403).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("origin"),
        "{problem}"
    );

    // The service's own pages send `Origin` on writes and WebSocket
    // handshakes: not cross-origin, so not refused.
    let own = format!("http://{}", app.server.addr);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"Title,Year\nPersona,1966\n".to_vec()).file_name("a.csv"),
    );
    let response = app
        .client
        .post(app.url("/api/upload"))
        .header("Origin", &own)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202, "{own}");
    let vary = response.headers().get_all("vary");
    assert!(
        vary.iter().any(|v| v.to_str().unwrap().contains("Origin")),
        "answers vary by Origin for caches"
    );
}
