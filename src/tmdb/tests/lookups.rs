//! Matching and enrichment lookups against the embedded catalog.

use super::{client, sim};
use crate::tmdb::TmdbError;
use crate::tmdb::sim::SimConfig;

#[tokio::test]
async fn search_tells_the_dune_films_apart_by_year() {
    let sim = sim(SimConfig::default()).await;
    let tmdb = client(&sim, |_| {});

    let new = tmdb.search_movie("Dune", Some(2021)).await.unwrap();
    assert_eq!(new.results.first().map(|m| m.id), Some(438631));
    assert!(new.results.iter().all(|m| m.year() == Some(2021)));
    let old = tmdb.search_movie("dune", Some(1984)).await.unwrap();
    assert_eq!(old.results.first().map(|m| m.id), Some(841));

    let both = tmdb.search_movie("Dune", None).await.unwrap();
    let ids: Vec<i64> = both.results.iter().map(|m| m.id).collect();
    assert!(ids.contains(&438631) && ids.contains(&841), "{ids:?}");
    assert!(
        both.results
            .windows(2)
            .all(|w| w[0].popularity >= w[1].popularity),
        "most popular first"
    );
    assert_eq!(both.page, 1);
    assert!(both.total_results as usize >= both.results.len());
}

#[tokio::test]
async fn seven_samurai_is_found_by_english_and_original_title() {
    let sim = sim(SimConfig::default()).await;
    let tmdb = client(&sim, |_| {});
    for query in ["Seven Samurai", "seven   SAMURAI!", "七人の侍"] {
        let page = tmdb.search_movie(query, Some(1954)).await.unwrap();
        assert_eq!(
            page.results.first().map(|m| m.id),
            Some(346),
            "query {query:?}"
        );
        assert_eq!(page.results[0].original_title, "七人の侍");
    }
    let none = tmdb
        .search_movie("Seven Samurai", Some(1990))
        .await
        .unwrap();
    assert!(none.results.is_empty());
    assert_eq!((none.total_results, none.total_pages), (0, 1));
}

#[tokio::test]
async fn details_carry_directors_cast_and_enrichment_fields() {
    let sim = sim(SimConfig::default()).await;
    let tmdb = client(&sim, |_| {});
    let dune = tmdb
        .movie_details(438631)
        .await
        .unwrap()
        .expect("Dune (2021) exists");
    assert_eq!(dune.imdb_id.as_deref(), Some("tt1160419"));
    assert_eq!(dune.year(), Some(2021));
    assert!(dune.runtime.is_some_and(|r| r > 100));
    assert!(!dune.genres.is_empty() && !dune.production_countries.is_empty());
    assert!(dune.directors().any(|d| d.name == "Denis Villeneuve"));
    assert!(
        dune.credits
            .cast
            .iter()
            .any(|c| c.name == "Timothée Chalamet" && !c.character.is_empty())
    );
    let orders: Vec<u32> = dune.credits.cast.iter().map(|c| c.order).collect();
    assert!(
        orders.windows(2).all(|w| w[0] < w[1]) && orders.first() == Some(&0),
        "{orders:?}"
    );
    assert_eq!(sim.counters.snapshot().movie_details_requests(438631), 1);
}

#[tokio::test]
async fn find_resolves_imdb_ids() {
    let sim = sim(SimConfig::default()).await;
    let tmdb = client(&sim, |_| {});
    let found = tmdb.find_by_imdb("tt0087182").await.unwrap();
    assert_eq!(
        found.movie_results.iter().map(|m| m.id).collect::<Vec<_>>(),
        [841]
    );
    assert_eq!(found.movie_results[0].media_type.as_deref(), Some("movie"));
    assert!(found.tv_results.is_empty());
    let nothing = tmdb.find_by_imdb("tt0000000").await.unwrap();
    assert!(nothing.movie_results.is_empty() && nothing.tv_results.is_empty());
    // An id from a CSV cannot escape its path segment.
    let odd = tmdb.find_by_imdb("tt1/../../movie/841?x=").await.unwrap();
    assert!(odd.movie_results.is_empty());
    assert_eq!(sim.counters.snapshot().find, 3);
}

#[tokio::test]
async fn tv_miniseries_search_and_details() {
    let sim = sim(SimConfig::default()).await;
    let tmdb = client(&sim, |_| {});
    let page = tmdb.search_tv("chernobyl", Some(2019)).await.unwrap();
    assert_eq!(page.results.first().map(|t| t.id), Some(87108));
    let show = tmdb
        .tv_details(87108)
        .await
        .unwrap()
        .expect("Chernobyl exists");
    assert_eq!((show.name.as_str(), show.year()), ("Chernobyl", Some(2019)));
    assert!(!show.created_by.is_empty() && !show.credits.cast.is_empty());
    // A show's IMDb id comes with its details only through external_ids.
    let ids = show.external_ids.expect("external_ids appended");
    assert_eq!(ids.imdb_id.as_deref(), Some("tt7366338"));
    assert!(
        tmdb.search_tv("chernobyl", Some(2001))
            .await
            .unwrap()
            .results
            .is_empty()
    );
}

#[tokio::test]
async fn unknown_ids_are_none_not_errors() {
    let sim = sim(SimConfig::default()).await;
    let tmdb = client(&sim, |_| {});
    assert!(tmdb.movie_details(999_999_999).await.unwrap().is_none());
    assert!(tmdb.tv_details(999_999_999).await.unwrap().is_none());
    let snap = sim.counters.snapshot();
    assert_eq!((snap.not_found, snap.total), (2, 2), "a 404 is not retried");
    assert_eq!(tmdb.metrics().retries, 0);
}

#[tokio::test]
async fn bad_or_missing_credentials_are_unauthorized_and_not_retried() {
    let sim = sim(SimConfig {
        api_key: Some("right".into()),
        ..SimConfig::default()
    })
    .await;
    let wrong = client(&sim, |c| c.max_retries = 5);
    assert!(matches!(
        wrong.movie_details(841).await,
        Err(TmdbError::Unauthorized)
    ));
    let anonymous = client(&sim, |c| c.auth = None);
    assert!(matches!(
        anonymous.search_movie("Dune", None).await,
        Err(TmdbError::Unauthorized)
    ));
    let snap = sim.counters.snapshot();
    assert_eq!((snap.unauthorized, snap.total), (2, 2));
    assert_eq!((wrong.metrics().requests, wrong.metrics().retries), (1, 0));

    let right = client(&sim, |c| {
        c.auth = Some(crate::tmdb::TmdbAuth::ApiKey("right".into()))
    });
    assert!(right.movie_details(841).await.unwrap().is_some());
}

#[tokio::test]
async fn read_tokens_go_in_the_authorization_header() {
    let sim = sim(SimConfig {
        read_token: Some("tok".into()),
        api_key: Some("key".into()),
        ..SimConfig::default()
    })
    .await;
    let bearer = client(&sim, |c| {
        c.auth = Some(crate::tmdb::TmdbAuth::ReadToken("tok".into()))
    });
    assert!(bearer.movie_details(841).await.unwrap().is_some());
    let wrong = client(&sim, |c| {
        c.auth = Some(crate::tmdb::TmdbAuth::ReadToken("nope".into()))
    });
    assert!(matches!(
        wrong.movie_details(841).await,
        Err(TmdbError::Unauthorized)
    ));
}

#[tokio::test]
async fn bad_settings_are_config_errors() {
    use crate::tmdb::{TmdbAuth, TmdbClient, TmdbConfig};
    let bad = |cfg: TmdbConfig| matches!(TmdbClient::new(cfg), Err(TmdbError::Config(_)));
    assert!(bad(TmdbConfig {
        base_url: "not a url".into(),
        ..TmdbConfig::default()
    }));
    assert!(bad(TmdbConfig {
        base_url: "ftp://x/3".into(),
        ..TmdbConfig::default()
    }));
    assert!(bad(TmdbConfig {
        rps: 0,
        ..TmdbConfig::default()
    }));
    assert!(bad(TmdbConfig {
        concurrency: 0,
        ..TmdbConfig::default()
    }));
    assert!(bad(TmdbConfig {
        auth: Some(TmdbAuth::ApiKey(" ".into())),
        ..TmdbConfig::default()
    }));
    let err = TmdbClient::new(TmdbConfig {
        auth: Some(TmdbAuth::ReadToken("line\nbreak-s3cret".into())),
        ..TmdbConfig::default()
    })
    .unwrap_err();
    assert!(!format!("{err} {err:?}").contains("s3cret"));
    assert!(TmdbClient::new(TmdbConfig::default()).is_ok());
}
