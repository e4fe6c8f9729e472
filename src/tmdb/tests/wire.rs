//! The simulator's wire format, checked raw through its in-process endpoint.

use poem::http::StatusCode;
use poem::{Endpoint, Request, Route};
use serde_json::{Value, json};

use crate::tmdb::sim::{SimConfig, Simulator};

async fn get(
    ep: &impl Endpoint<Output = poem::Response>,
    uri: &str,
) -> (StatusCode, Option<String>, Value) {
    let resp = ep
        .call(Request::builder().uri_str(uri).finish())
        .await
        .expect("the simulator always answers");
    let status = resp.status();
    let retry_after = resp.header("retry-after").map(str::to_owned);
    let body = resp.into_body().into_string().await.unwrap();
    (
        status,
        retry_after,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

#[tokio::test]
async fn errors_have_tmdb_bodies() {
    let sim = Simulator::new(SimConfig {
        api_key: Some("k".into()),
        ..SimConfig::default()
    });
    let ep = sim.endpoint();
    let (status, _, body) = get(&ep, "/3/movie/841").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!({"status_code":7,"status_message":"Invalid API key: You must be granted a valid key.","success":false})
    );
    let not_found = json!({"success":false,"status_code":34,"status_message":"The resource you requested could not be found."});
    for uri in [
        "/3/movie/1?api_key=k",
        "/3/movie/abc?api_key=k",
        "/3/nothing/here?api_key=k",
    ] {
        let (status, _, body) = get(&ep, uri).await;
        assert_eq!(
            (status, &body),
            (StatusCode::NOT_FOUND, &not_found),
            "{uri}"
        );
    }
    let (status, _, body) = get(&ep, "/3/search/movie?api_key=k&query=dune&page=0").await;
    assert_eq!(
        (status, body["status_code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(22))
    );
    let (status, _, _) = get(&ep, "/3/find/tt0087182?api_key=k").await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "external_source is required"
    );
}

#[tokio::test]
async fn results_have_tmdb_fields_and_credits_only_when_appended() {
    let ep = Simulator::new(SimConfig::default()).endpoint();
    let (status, _, page) = get(
        &ep,
        "/3/search/movie?api_key=x&query=dune&year=1984&include_adult=false",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for field in ["page", "results", "total_pages", "total_results"] {
        assert!(page.get(field).is_some(), "{field}");
    }
    let first = &page["results"][0];
    for field in [
        "adult",
        "genre_ids",
        "original_language",
        "original_title",
        "poster_path",
        "release_date",
        "video",
    ] {
        assert!(first.get(field).is_some(), "{field}");
    }
    assert!(first.get("media_type").is_none());

    let (_, _, bare) = get(&ep, "/3/movie/841?api_key=x").await;
    assert!(
        bare.get("credits")
            .is_some_and(|c| c["cast"].as_array().is_some_and(Vec::is_empty))
    );
    let (_, _, full) = get(
        &ep,
        "/3/movie/841?api_key=x&append_to_response=videos,credits",
    )
    .await;
    assert_eq!(full["credits"]["crew"][0]["job"], "Director");
    assert_eq!(full["credits"]["cast"][0]["order"], 0);

    let (_, _, found) = get(&ep, "/3/find/tt0087182?api_key=x&external_source=imdb_id").await;
    for field in [
        "movie_results",
        "tv_results",
        "person_results",
        "tv_episode_results",
        "tv_season_results",
    ] {
        assert!(found[field].is_array(), "{field}");
    }
    assert_eq!(found["movie_results"][0]["media_type"], "movie");
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let ep = Simulator::new(SimConfig {
        rate_limit: Some(2),
        ..SimConfig::default()
    })
    .endpoint();
    for _ in 0..2 {
        assert_eq!(get(&ep, "/3/movie/841?api_key=x").await.0, StatusCode::OK);
    }
    let (status, retry_after, body) = get(&ep, "/3/movie/841?api_key=x").await;
    assert_eq!(
        (status, retry_after.as_deref()),
        (StatusCode::TOO_MANY_REQUESTS, Some("1"))
    );
    assert_eq!(body["status_code"], 25);
}

#[tokio::test]
async fn mounts_under_a_prefix_in_process() {
    let sim = Simulator::new(SimConfig::default());
    let counters = sim.counters();
    let app = Route::new().nest("/tmdb", sim.endpoint());
    let resp = app
        .call(
            Request::builder()
                .uri_str("/tmdb/3/movie/841?api_key=x")
                .finish(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(counters.snapshot().movie_details_requests(841), 1);
}

#[tokio::test]
async fn details_by_imdb_id_answer_as_by_tmdb_id() {
    let sim = Simulator::new(SimConfig::default());
    let counters = sim.counters();
    let ep = sim.endpoint();
    let appended = "api_key=x&append_to_response=credits,external_ids";
    let (status, _, by_tmdb) = get(&ep, &format!("/3/movie/841?{appended}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_tmdb["external_ids"]["imdb_id"], "tt0087182");
    assert_eq!(by_tmdb["credits"]["crew"][0]["job"], "Director");
    for imdb in ["tt0087182", "TT0087182"] {
        let (status, _, by_imdb) = get(&ep, &format!("/3/movie/{imdb}?{appended}")).await;
        assert_eq!(status, StatusCode::OK, "{imdb}");
        assert_eq!(
            by_imdb, by_tmdb,
            "{imdb}: the same answer, `id` the TMDB id"
        );
    }
    assert_eq!(by_tmdb["id"], 841);
    // Without the appends, neither credits' content nor external_ids.
    let (_, _, bare) = get(&ep, "/3/movie/tt0087182?api_key=x").await;
    assert!(bare.get("external_ids").is_none());
    assert!(
        bare["credits"]["crew"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );

    let not_found = json!({"success":false,"status_code":34,"status_message":"The resource you requested could not be found."});
    // No film has it; a show's IMDb id (Chernobyl) is not a movie either.
    for imdb in ["tt0000000", "tt7366338"] {
        let (status, _, body) = get(&ep, &format!("/3/movie/{imdb}?{appended}")).await;
        assert_eq!(
            (status, &body),
            (StatusCode::NOT_FOUND, &not_found),
            "{imdb}"
        );
    }
    let snap = counters.snapshot();
    assert_eq!((snap.movie, snap.movie_by_imdb), (6, 5));
    assert_eq!(
        snap.movie_details_requests(841),
        4,
        "counted under the TMDB id"
    );
    assert_eq!((snap.not_found, snap.find, snap.total), (2, 0, 6));
}
