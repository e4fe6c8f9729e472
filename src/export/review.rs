//! The "to review" CSV: the films a person still has to decide on (a
//! proposal to confirm, or no match at all), each with the best candidates
//! TMDB offered, as links they can open.

use super::safe_record;
use crate::domain::{Candidate, MovieStatus};
use crate::model::Movie;

/// Candidates listed per film, best first.
pub const CANDIDATES: usize = 3;

/// The columns before the candidates'.
const FILM_COLUMNS: [&str; 8] = [
    "row",
    "title",
    "year",
    "status",
    "watched_date",
    "letterboxd_uri",
    "match_confidence",
    "error",
];

/// The columns of each candidate, after `candidate_<n>_`.
const CANDIDATE_COLUMNS: [&str; 5] = ["tmdb_id", "title", "year", "score", "tmdb_url"];

/// The header line.
pub fn header() -> Vec<u8> {
    let candidates = (1..=CANDIDATES).flat_map(|n| {
        CANDIDATE_COLUMNS
            .iter()
            .map(move |column| format!("candidate_{n}_{column}"))
    });
    safe_record(
        FILM_COLUMNS
            .iter()
            .map(|c| (*c).to_owned())
            .chain(candidates),
    )
}

/// The line of a film in review or unmatched; nothing for any other.
pub fn row(movie: &Movie) -> Vec<u8> {
    if !matches!(movie.status, MovieStatus::Review | MovieStatus::Unmatched) {
        return Vec::new();
    }
    let opt = |v: Option<String>| v.unwrap_or_default();
    let film = [
        movie.row.to_string(),
        movie.title.clone(),
        opt(movie.year.map(|y| y.to_string())),
        movie.status.to_string(),
        opt(movie.watched_date.clone()),
        opt(movie.letterboxd_uri.clone()),
        opt(movie.match_confidence.map(|c| format!("{c:.2}"))),
        opt(movie.error.clone()),
    ];
    let candidates = (0..CANDIDATES).flat_map(|i| candidate_cells(movie.candidates.get(i)));
    safe_record(film.into_iter().chain(candidates))
}

/// A candidate's cells, or empty ones.
fn candidate_cells(candidate: Option<&Candidate>) -> [String; CANDIDATE_COLUMNS.len()] {
    let Some(c) = candidate else {
        return Default::default();
    };
    [
        c.tmdb_id.to_string(),
        c.title.clone(),
        c.year.map(|y| y.to_string()).unwrap_or_default(),
        format!("{:.2}", c.score),
        format!("https://www.themoviedb.org/{}/{}", c.media_type, c.tmdb_id),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::MediaType;

    fn record(bytes: &[u8]) -> Vec<String> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes);
        let record = reader.records().next().unwrap().unwrap();
        record.iter().map(str::to_owned).collect()
    }

    #[test]
    fn films_to_decide_on_are_listed_with_their_candidates() {
        let header = record(&header());
        assert_eq!(
            header.len(),
            FILM_COLUMNS.len() + 3 * CANDIDATE_COLUMNS.len()
        );
        assert_eq!(header[8], "candidate_1_tmdb_id");

        let example = <Movie as poem_openapi::types::Example>::example();
        assert!(row(&example).is_empty(), "an enriched film is not listed");
        let unmatched = Movie {
            status: MovieStatus::Unmatched,
            title: "=Heat".into(),
            candidates: vec![Candidate {
                tmdb_id: 949,
                media_type: MediaType::Movie,
                title: "Heat".into(),
                original_title: None,
                year: Some(1995),
                score: 0.61,
                poster_url: None,
            }],
            ..example
        };
        let cells = record(&row(&unmatched));
        assert_eq!(cells.len(), header.len());
        assert_eq!(cells[1], "'=Heat", "formula cells neutralised");
        assert_eq!(cells[3], "unmatched");
        assert_eq!(
            &cells[8..13],
            [
                "949",
                "Heat",
                "1995",
                "0.61",
                "https://www.themoviedb.org/movie/949"
            ]
        );
        assert!(cells[13..].iter().all(String::is_empty));
    }
}
