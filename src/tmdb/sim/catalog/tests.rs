use super::*;

#[test]
fn embedded_catalog_is_valid_and_consistent() {
    let catalog = Catalog::embedded();
    assert!(!catalog.movies().is_empty());
    assert!(Arc::ptr_eq(&catalog, &Catalog::embedded()), "parsed once");
    for m in catalog.movies() {
        assert!(m.id > 0 && !m.title.trim().is_empty(), "movie {}", m.id);
        if let Some(imdb) = &m.imdb_id {
            assert!(imdb.starts_with("tt"), "movie {} imdb {imdb}", m.id);
        }
        if let Some(date) = &m.release_date {
            assert!(m.year().is_some(), "movie {} date {date}", m.id);
        }
    }
    for t in catalog.tv() {
        assert!(t.id > 0 && !t.name.trim().is_empty(), "tv {}", t.id);
    }
}

#[test]
fn duplicate_ids_and_alternative_title_shapes() {
    let dup = r#"{"movies":[{"id":1,"title":"A"},{"id":1,"title":"B"}]}"#;
    assert!(matches!(
        Catalog::from_json(dup),
        Err(CatalogError::DuplicateId {
            kind: "movie",
            id: 1
        })
    ));
    let alt = r#"{"movies":[{"id":1,"title":"A","alternative_titles":["B",{"iso_3166_1":"US","title":"C"}]}]}"#;
    let c = Catalog::from_json(alt).unwrap();
    assert_eq!(c.movies()[0].alternative_titles, ["B", "C"]);
    assert_eq!(c.search_movies("c", None).len(), 1);
    assert_eq!(c.movies()[0].original_title(), "A");
}

#[test]
fn search_orders_by_popularity_and_filters_by_year() {
    let json = r#"{"movies":[
        {"id":1,"title":"Dune","release_date":"1984-12-14","popularity":3.0},
        {"id":2,"title":"Dune","release_date":"2021-09-15","popularity":9.0},
        {"id":3,"title":"Dune: Part Two","release_date":"2024-02-27","popularity":5.0}]}"#;
    let c = Catalog::from_json(json).unwrap();
    let ids = |v: Vec<&CatalogMovie>| v.iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(ids(c.search_movies("dune", None)), [2, 3, 1]);
    assert_eq!(ids(c.search_movies("DUNE", Some(1984))), [1]);
    assert_eq!(ids(c.search_movies("dune part two", None)), [3]);
    assert!(c.search_movies("dune", Some(1999)).is_empty());
}

/// The shared real-data catalog's shape: names as plain strings, `alt_titles`,
/// `countries`, `runtime` 0 for unknown, `""` for no date, extra fields.
const SHARED_FORMAT: &str = r#"{"movies":[
    {"id":603,"imdb_id":"tt0133093","title":"The Matrix","original_title":"The Matrix",
     "original_language":"en","release_date":"1999-03-30","alt_years":[],
     "genres":["Action","Science Fiction","Made Up"],"runtime":136,
     "directors":["Lana Wachowski","Lilly Wachowski"],"cast":["Keanu Reeves","Carrie-Anne Moss"],
     "countries":["US","AU","ZZ"],"popularity":33.4,"vote_average":7.9,"vote_count":9079,
     "alt_titles":["Matrix"],"title_source":"movies_metadata","movielens_id":2571},
    {"id":5465,"imdb_id":null,"title":"The Millions Game","original_title":"Das Millionenspiel",
     "original_language":"xx","release_date":"","alt_years":[],"genres":[],"runtime":0,
     "directors":[],"cast":[],"countries":[],"popularity":0.4,"vote_average":0.0,"vote_count":0,
     "alt_titles":["Millionenspiel, Das"],"title_source":"movielens"}],
  "tv":[],"meta":{"note":"ignored"}}"#;

#[test]
fn the_shared_catalog_format_maps_to_tmdb_shapes() {
    let c = Catalog::from_json(SHARED_FORMAT).unwrap();
    let matrix = c.movie(603).unwrap();
    let genres: Vec<(i64, &str)> = matrix
        .genres
        .iter()
        .map(|g| (g.id, g.name.as_str()))
        .collect();
    assert_eq!(genres[..2], [(28, "Action"), (878, "Science Fiction")]);
    assert!(
        genres[2].0 > 10770,
        "an unknown genre gets an id of its own"
    );
    assert_eq!(matrix.directors[0].name, "Lana Wachowski");
    assert_eq!(matrix.directors[0].id, person_id("Lana Wachowski"));
    assert_ne!(matrix.directors[0].id, matrix.directors[1].id);
    assert_eq!(matrix.cast[1].id, person_id("Carrie-Anne Moss"));
    let countries: Vec<(&str, &str)> = matrix
        .production_countries
        .iter()
        .map(|c| (c.iso_3166_1.as_str(), c.name.as_str()))
        .collect();
    assert_eq!(
        countries,
        [
            ("US", "United States of America"),
            ("AU", "Australia"),
            ("ZZ", "ZZ")
        ]
    );
    assert_eq!((matrix.runtime, matrix.year()), (Some(136), Some(1999)));
    let game = c.movie(5465).unwrap();
    assert_eq!((game.runtime, game.release_date.as_deref()), (None, None));
    assert_eq!(game.imdb_id, None);
    // Alternative titles are searchable; the original title too.
    let ids = |v: Vec<&CatalogMovie>| v.iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(ids(c.search_movies("millionenspiel", None)), [5465]);
    assert_eq!(ids(c.search_movies("Das Millionenspiel", None)), [5465]);
    assert_eq!(ids(c.search_movies("matrix", Some(1999))), [603]);
    assert_eq!(c.find_imdb("TT0133093").0.map(|m| m.id), Some(603));
}

#[test]
fn from_path_reads_plain_and_gzipped_files() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("catalog.json");
    std::fs::write(&plain, SHARED_FORMAT).unwrap();
    let gz = dir.path().join("catalog.json.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(SHARED_FORMAT.as_bytes()).unwrap();
    enc.finish().unwrap();
    for path in [&plain, &gz] {
        let c = Catalog::from_path(path).unwrap();
        assert_eq!(c.movies().len(), 2, "{}", path.display());
    }
    let missing = Catalog::from_path(dir.path().join("nope.json")).unwrap_err();
    assert!(matches!(missing, CatalogError::Io { .. }), "{missing}");
    assert!(missing.to_string().contains("nope.json"));
}

/// The inverted index answers exactly what a scan of every title would.
#[test]
fn the_word_index_agrees_with_a_scan() {
    use super::super::search::{TitleWords, words};
    let c = Catalog::embedded();
    let scan = |query: &str, year: Option<i32>| {
        let q = words(query);
        let mut hits: Vec<&CatalogMovie> = c
            .movies()
            .iter()
            .filter(|m| {
                year.is_none_or(|y| m.year() == Some(y))
                    && std::iter::once(m.title.as_str())
                        .chain([m.original_title()])
                        .chain(m.alternative_titles.iter().map(String::as_str))
                        .any(|t| TitleWords::new(t).matches(&q))
            })
            .collect();
        hits.sort_by(|a, b| b.popularity.total_cmp(&a.popularity).then(a.id.cmp(&b.id)));
        hits.iter().map(|m| m.id).collect::<Vec<_>>()
    };
    let mut queries: Vec<(String, Option<i32>)> = vec![
        ("the".into(), None),
        ("t".into(), None),
        ("the the".into(), None),
        ("dune par".into(), None),
        ("spiderman".into(), None),
        ("l'avventura".into(), None),
        ("".into(), None),
        ("zzzz qqqq".into(), None),
    ];
    for m in c.movies().iter().step_by(7) {
        queries.push((m.title.clone(), None));
        queries.push((m.title.clone(), m.year()));
        let cut = m.title.len().saturating_sub(2);
        if m.title.is_char_boundary(cut) {
            queries.push((m.title[..cut].to_owned(), None));
        }
    }
    for (query, year) in &queries {
        let indexed: Vec<i64> = c.search_movies(query, *year).iter().map(|m| m.id).collect();
        assert_eq!(indexed, scan(query, *year), "{query:?} {year:?}");
    }
}
