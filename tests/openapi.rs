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
    let committed = std::fs::read_to_string(common::repo_root().join("openapi.yaml"))
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

/// What client generators need from the document (issue 10): a plain `$ref`
/// wherever a field is another schema, canonical header names, problem+json
/// for every error an operation can meet, and one SSE message per event.
#[tokio::test]
async fn spec_is_generator_friendly() {
    let yaml = reelstream::api::spec_yaml();
    let spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml).expect("valid YAML");
    for (name, schema) in spec["components"]["schemas"].as_mapping().unwrap() {
        for (field, property) in schema["properties"].as_mapping().into_iter().flatten() {
            assert!(
                property["allOf"].is_null(),
                "{name:?}.{field:?} wraps a $ref in allOf, which openapi-python-client rejects"
            );
        }
    }
    let upload = &spec["paths"]["/api/upload"]["post"]["responses"]["202"];
    assert!(upload["headers"]["Location"].is_mapping(), "{upload:?}");
    for (path, item) in spec["paths"].as_mapping().unwrap() {
        for (method, operation) in item.as_mapping().unwrap() {
            for status in ["400", "404", "405", "415", "500", "503"] {
                let schema = &operation["responses"][status]["content"]["application/problem+json"]
                    ["schema"];
                assert_eq!(
                    schema["$ref"].as_str(),
                    Some("#/components/schemas/Problem"),
                    "{method:?} {path:?} {status}"
                );
            }
        }
    }
    let stream = &spec["paths"]["/api/session/{id}/events"]["get"]["responses"]["200"]["content"]["text/event-stream"]
        ["schema"];
    assert_eq!(
        stream["properties"]["data"]["contentSchema"]["$ref"].as_str(),
        Some("#/components/schemas/Event")
    );
    let session = &spec["components"]["schemas"]["Session"]["properties"];
    assert_eq!(session["completed_at"]["nullable"].as_bool(), Some(true));
    assert!(session["status"]["$ref"].is_string());
    let problem = &spec["components"]["schemas"]["Problem"]["required"];
    assert!(!problem.as_sequence().unwrap().contains(&"errors".into()));
}

/// A method the path does not have is a 405 problem, not a 500.
#[tokio::test]
async fn wrong_method_is_a_405_problem() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .put(app.url("/api/session/5f0c3a52-8a1e-4d1b-9c1e-2f6f1e0b7a10"))
        .send()
        .await
        .unwrap();
    common::assert_problem(response, 405).await;
}
