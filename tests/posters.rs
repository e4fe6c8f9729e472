//! Posters through reelstream (issue 20): the API links to `/api/poster/…`,
//! each image is fetched from the image host once however many ask, kept
//! under the cache's cap (least recently used out first), revalidated by
//! ETag, and nothing but a TMDB image path is served.

mod common;

use common::{TestApp, assert_problem};
use reelstream::tmdb::images::PosterLinks;
use serde_json::Value;

/// Three films of the simulator's catalog, each with a poster.
const FILMS: &str = "Title,Year\nHeat,1995\nSeven Samurai,1954\nParasite,2019\n";

async fn poster_urls(app: &TestApp) -> Vec<String> {
    let id = app.upload_csv(FILMS).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.wait_completed(&id, std::time::Duration::from_secs(30))
        .await;
    let movies = app.movies(&id).await;
    movies
        .iter()
        .map(|m| m["poster_url"].as_str().expect("a poster").to_owned())
        .collect()
}

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).send().await.unwrap()
}

#[tokio::test]
async fn a_poster_is_fetched_once_cached_and_revalidated() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("posters");
    let app = TestApp::spawn_with(|c| c.posters.cache_dir = cache.clone()).await;
    let urls = poster_urls(&app).await;
    assert!(
        urls.iter().all(|u| u.starts_with("/api/poster/w342/")),
        "{urls:?}"
    );
    assert!(!cache.exists(), "created on the first poster served");

    // Ten at once: one fetch from the image host.
    let answers = futures_util::future::join_all((0..10).map(|_| get(&app, &urls[0]))).await;
    let mut bodies = Vec::new();
    for answer in answers {
        assert_eq!(answer.status(), 200);
        assert_eq!(answer.headers()["content-type"], "image/svg+xml");
        assert_eq!(
            answer.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        bodies.push(answer.bytes().await.unwrap());
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    assert!(String::from_utf8_lossy(&bodies[0]).contains("<svg"));
    assert_eq!(app.sim.counters.snapshot().images, 1, "fetched once");
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 1);

    // Later requests come from the cache; a current copy is a 304.
    let again = get(&app, &urls[0]).await;
    let etag = again.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    let revalidated = app
        .client
        .get(app.url(&urls[0]))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304);
    let stale = app
        .client
        .get(app.url(&urls[0]))
        .header("if-none-match", "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);
    assert_eq!(app.sim.counters.snapshot().images, 1);
}

#[tokio::test]
async fn the_least_recently_used_poster_leaves_at_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("posters");
    let app = TestApp::spawn_with(|c| c.posters.cache_dir = cache.clone()).await;
    let urls = poster_urls(&app).await;
    let size = get(&app, &urls[0]).await.bytes().await.unwrap().len() as u64;
    app.server.stop().await.unwrap();

    // Room for two of the three posters (the simulator's are of similar size).
    let app = common::TestApp::spawn_with(|c| {
        c.posters.cache_dir = dir.path().join("small");
        c.posters.cache_max_bytes_exact = Some(size * 2 + size / 2);
    })
    .await;
    let images = || app.sim.counters.snapshot().images;
    for url in &urls {
        assert_eq!(get(&app, url).await.status(), 200);
    }
    assert_eq!(images(), 3);
    // The first was least recently used: it went when the third came.
    assert_eq!(get(&app, &urls[0]).await.status(), 200);
    assert_eq!(images(), 4, "fetched again after eviction");
    // That evicted the second; the third stayed.
    assert_eq!(get(&app, &urls[2]).await.status(), 200);
    assert_eq!(images(), 4, "the third was still cached");
    assert_eq!(
        std::fs::read_dir(dir.path().join("small")).unwrap().count(),
        2
    );
}

#[tokio::test]
async fn only_tmdb_image_paths_are_served() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/poster/w999/abc.jpg",
        "/api/poster/w342/abc.exe",
        "/api/poster/w342/..%2F..%2Fetc%2Fpasswd",
        "/api/poster/w342/a%20b.jpg",
        "/api/poster/w342/.jpg",
        // The right shape, but no film of the catalog has it.
        "/api/poster/w342/NoSuchPoster1234.jpg",
    ] {
        let problem: Value = assert_problem(get(&app, path).await, 404).await;
        assert!(problem["detail"].as_str().is_some(), "{path}: {problem}");
    }
    assert_eq!(
        app.sim.counters.snapshot().images,
        1,
        "only the well-formed path reached the image host"
    );
}

#[tokio::test]
async fn with_tmdb_links_posters_point_to_tmdb_and_the_proxy_is_off() {
    let app = TestApp::spawn_with(|c| c.posters.links = PosterLinks::Tmdb).await;
    let urls = poster_urls(&app).await;
    assert!(
        urls.iter()
            .all(|u| u.starts_with("https://image.tmdb.org/t/p/w342/")),
        "{urls:?}"
    );
    let file = urls[0].rsplit('/').next().unwrap();
    assert_problem(get(&app, &format!("/api/poster/w342/{file}")).await, 404).await;
}
