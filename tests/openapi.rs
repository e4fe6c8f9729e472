//! The committed `openapi.yaml` must be exactly what the server serves.
//! Regenerate it with `cargo run -- openapi > openapi.yaml`.

mod common;

use common::TestApp;

#[tokio::test]
async fn committed_spec_matches_the_served_spec() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/openapi.yaml"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let served = response.text().await.unwrap();
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml"))
        .expect("openapi.yaml at the repository root");
    assert!(
        served == committed,
        "openapi.yaml drifted from the code: run `cargo run -- openapi > openapi.yaml`"
    );
}

#[tokio::test]
async fn spec_documents_every_operation() {
    let spec: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&reelstream::api::spec_yaml()).expect("valid YAML");
    let paths = &spec["paths"];
    for (path, method, id) in [
        ("/api/upload", "post", "uploadFile"),
        ("/api/session/{id}", "get", "getSession"),
        ("/api/session/{id}", "delete", "deleteSession"),
        ("/api/session/{id}/movies", "get", "listMovies"),
        ("/api/session/{id}/stats", "get", "getStats"),
        ("/api/session/{id}/export", "get", "exportLibrary"),
    ] {
        assert_eq!(
            paths[path][method]["operationId"].as_str(),
            Some(id),
            "{method} {path}"
        );
    }
    let export = &paths["/api/session/{id}/export"]["get"]["responses"]["200"]["content"];
    for content_type in ["text/csv; charset=utf-8", "application/json; charset=utf-8"] {
        assert!(
            export[content_type].is_mapping(),
            "export documents {content_type}"
        );
    }
    let upload = &paths["/api/upload"]["post"]["requestBody"]["content"]["multipart/form-data"];
    assert_eq!(
        upload["schema"]["properties"]["file"]["format"].as_str(),
        Some("binary")
    );
}

#[tokio::test]
async fn docs_and_probes_answer() {
    let app = TestApp::spawn().await;
    for (path, needle) in [
        ("/docs", "rapi-doc"),
        ("/healthz", "ok"),
        ("/readyz", "ready"),
        ("/", "reelstream"),
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let body = response.text().await.unwrap();
        assert!(body.contains(needle), "{path} lacks {needle}");
    }
}
