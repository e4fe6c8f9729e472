//! The API key never shows in an error's Display or Debug, whatever failed.

use std::time::Duration;

use super::{KEY, client, sim};
use crate::tmdb::sim::SimConfig;
use crate::tmdb::{TmdbAuth, TmdbClient, TmdbConfig, TmdbError};

fn assert_clean(err: &TmdbError) {
    let text = format!("{err} | {err:?}");
    assert!(!text.contains(KEY), "key leaked: {text}");
    assert!(!text.contains("api_key"), "query leaked: {text}");
}

#[tokio::test]
async fn no_error_text_holds_the_key() {
    // Nothing listens on a port just released.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let unreachable = TmdbClient::new(TmdbConfig {
        base_url: format!("http://{closed}/3"),
        auth: Some(TmdbAuth::ApiKey(KEY.into())),
        max_retries: 1,
        backoff_base: Duration::from_millis(1),
        ..TmdbConfig::default()
    })
    .unwrap();
    let err = unreachable.movie_details(841).await.unwrap_err();
    assert!(
        matches!(err, TmdbError::Transport { attempts: 2, .. }),
        "{err:?}"
    );
    assert_clean(&err);

    let faulty = |cfg: SimConfig| SimConfig {
        timeout_delay: Duration::from_secs(2),
        ..cfg
    };
    let cases = [
        faulty(SimConfig {
            error_rate: 1.0,
            ..SimConfig::default()
        }),
        faulty(SimConfig {
            timeout_rate: 1.0,
            ..SimConfig::default()
        }),
        faulty(SimConfig {
            drop_rate: 1.0,
            ..SimConfig::default()
        }),
        faulty(SimConfig {
            malformed_rate: 1.0,
            ..SimConfig::default()
        }),
        faulty(SimConfig {
            rate_limit: Some(0),
            ..SimConfig::default()
        }),
        faulty(SimConfig {
            api_key: Some("other".into()),
            ..SimConfig::default()
        }),
    ];
    for config in cases {
        let sim = sim(config).await;
        let tmdb = client(&sim, |c| {
            c.max_retries = 1;
            c.timeout = Duration::from_millis(200);
        });
        let err = tmdb.search_movie("Dune", Some(2021)).await.unwrap_err();
        assert_clean(&err);
        let err = tmdb.movie_details(841).await.unwrap_err();
        assert_clean(&err);
    }
}

#[test]
fn client_debug_holds_no_secret() {
    for auth in [
        TmdbAuth::ApiKey(KEY.into()),
        TmdbAuth::ReadToken(KEY.into()),
    ] {
        let tmdb = TmdbClient::new(TmdbConfig {
            auth: Some(auth),
            ..TmdbConfig::default()
        })
        .unwrap();
        let text = format!("{tmdb:?}");
        assert!(!text.contains(KEY), "{text}");
    }
}
