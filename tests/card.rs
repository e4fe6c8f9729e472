//! The share card (issue 19) over HTTP on SQLite and PostgreSQL: its text
//! is the year's figures, worked out by hand from the fixture diary, and
//! its PNG is a 1200×630 rendering of exactly that SVG.

mod common;

use std::time::Duration;

use common::{Backend, TestApp, assert_problem};

const LONG: Duration = Duration::from_secs(60);

/// The text nodes of an SVG, in document order, entities decoded.
fn texts(svg: &str) -> Vec<String> {
    let parts: Vec<&str> = svg.split("</text>").collect();
    // Every part but the last ends with a text node: what follows its last `>`.
    parts[..parts.len() - 1]
        .iter()
        .map(|part| part[part.rfind('>').unwrap() + 1..].to_owned())
        .map(|t| {
            t.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

/// Width, height and RGBA pixels of a PNG.
fn decode(png: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).expect("a frame");
    buffer.truncate(info.buffer_size());
    (info.width, info.height, buffer)
}

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).send().await.unwrap()
}

async fn the_card_shows_the_years_figures_and_is_its_svg_rendered(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let id = app.upload_fixture("letterboxd/diary.csv").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.wait_completed(&id, LONG).await;

    // 2024: Past Lives (106 min), Dune: Part Two (167), Anatomy of a Fall
    // (152), Parasite again (133, a rewatch) and Seven Samurai (207): five
    // films, five viewings, 765 minutes ≈ 13 hours, one rewatch. Drama 4,
    // Thriller 2, then Action and Adventure (1 each, by name); every
    // director once, by name; rated 5, 4.5 (Parasite before Dune: Part Two
    // on TMDB's 8.5 against 8.2), 4.
    let response = get(&app, &format!("/api/session/{id}/card.svg?year=2024")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    let svg = response.text().await.unwrap();
    assert_eq!(
        texts(&svg),
        [
            "reelstream",
            "2024 in film",
            "5",
            "films",
            "5",
            "viewings",
            "13",
            "hours",
            "1",
            "rewatch",
            "Top genres",
            "Drama",
            "Thriller",
            "Action",
            "Adventure",
            "Top directors",
            "Akira Kurosawa",
            "Bong Joon-ho",
            "Celine Song",
            "Denis Villeneuve",
            "Rated highest",
            "Seven Samurai ★5",
            "Parasite ★4.5",
            "Dune: Part Two ★4.5",
            "Past Lives ★4",
        ],
        "{svg}"
    );

    let response = get(&app, &format!("/api/session/{id}/card.png?year=2024")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(
        response.headers()["content-disposition"],
        format!("inline; filename=reelstream-{id}-2024.png").as_str()
    );
    let png = response.bytes().await.unwrap();
    let (width, height, pixels) = decode(&png);
    assert_eq!((width, height), (1200, 630));
    let expected = reelstream::export::card::png(&svg).unwrap();
    assert!(
        pixels == decode(&expected).2,
        "the PNG is the SVG above, rendered"
    );

    // All time: eight films, nine viewings.
    let svg = get(&app, &format!("/api/session/{id}/card.svg"))
        .await
        .text()
        .await
        .unwrap();
    let all = texts(&svg);
    assert_eq!(
        all[1..6],
        ["All time in film", "8", "films", "9", "viewings"]
    );

    assert_problem(get(&app, "/api/session/nope/card.png").await, 404).await;
    let bad_year = get(&app, &format!("/api/session/{id}/card.png?year=20x4")).await;
    assert_problem(bad_year, 400).await;
}

on_both_backends! {
    the_card_shows_the_years_figures_and_is_its_svg_rendered,
}
