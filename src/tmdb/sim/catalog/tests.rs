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
