//! Small catalogs for the simulator, shared by the suites that need exact
//! control of what TMDB knows.

use std::sync::Arc;

use reelstream::tmdb::sim::Catalog;
use serde_json::json;

/// A catalog with the real cases of issue 17: a title found only longer at
/// the exact year ("Piranha" → "Piranha 3D"), namesakes of one year told
/// apart by popularity alone, a year two off, a subtitle TMDB does not
/// have, and "Dr." for TMDB's "Doctor".
pub fn matching_cases() -> Arc<Catalog> {
    let movie = |id: i64, title: &str, date: &str, popularity: f64| {
        json!({
            "id": id, "title": title, "release_date": date, "popularity": popularity,
            "runtime": 100, "directors": [{"id": id * 10, "name": format!("Director of {title}")}],
        })
    };
    let mut heat = movie(949, "Heat", "1995-12-15", 30.0);
    heat["imdb_id"] = json!("tt0113277");
    let movies = vec![
        heat,
        movie(43593, "Piranha 3D", "2010-08-20", 12.0),
        movie(27324, "Piranha", "1978-08-03", 8.0),
        movie(500001, "Eden", "2014-01-01", 5.0),
        movie(500002, "Eden", "2014-06-01", 4.8),
        movie(44000, "Drunks", "1997-01-01", 2.0),
        movie(94329, "The Raid", "2011-09-08", 20.0),
        movie(3050, "Doctor Dolittle", "1998-06-22", 15.0),
    ];
    let json = json!({ "movies": movies, "tv": [] }).to_string();
    Arc::new(Catalog::from_json(&json).expect("a valid catalog"))
}
