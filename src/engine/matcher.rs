//! Candidate scoring (SPEC §3): never take the first search result blindly.
//!
//! A candidate's score mixes title similarity (normalised, against both the
//! English and the original title, leading articles ignored), the distance
//! between years (exports are often one year off TMDB's primary release), and
//! popularity as a tie-breaker between remakes of equal title and year.

use crate::domain::{Candidate, MediaType};
use crate::tmdb::types::{MovieResult, TvResult};

use super::normalize::normalize_title;

/// What an export row tells about the film it names.
#[derive(Clone, Copy, Debug)]
pub struct Wanted<'a> {
    /// Title as written in the export.
    pub title: &'a str,
    /// Year as written in the export.
    pub year: Option<i32>,
}

/// A candidate with its score and whether it is acceptable as a match.
#[derive(Clone, Debug)]
pub struct Scored {
    /// The candidate, as kept for the dashboard.
    pub candidate: Candidate,
    /// Popularity on TMDB, kept for ordering.
    pub popularity: f64,
    /// Whether the title fits and the year is within one of the export's.
    pub acceptable: bool,
}

/// Titles at least this similar are the same title written differently.
const TITLE_FIT: f64 = 0.88;
/// How many candidates an unmatched film keeps.
pub const KEPT_CANDIDATES: usize = 5;

const LEADING_ARTICLES: &[&str] = &[
    "the ", "a ", "an ", "le ", "la ", "les ", "l ", "el ", "los ", "las ", "il ", "lo ", "gli ",
    "der ", "die ", "das ",
];

fn without_article(title: &str) -> &str {
    LEADING_ARTICLES
        .iter()
        .find_map(|article| title.strip_prefix(article))
        .unwrap_or(title)
}

/// Similarity of two normalised titles, 0–1.
fn title_similarity(wanted: &str, candidate: &str) -> f64 {
    if candidate.is_empty() || wanted.is_empty() {
        return 0.0;
    }
    let (a, b) = (without_article(wanted), without_article(candidate));
    if a == b {
        return 1.0;
    }
    strsim::normalized_levenshtein(a, b)
}

/// The title before a subtitle (`Mission: Impossible – Fallout` → `Mission`),
/// when there is one.
fn main_title(raw: &str) -> Option<&str> {
    [": ", " - ", " – ", " or ("]
        .iter()
        .filter_map(|sep| raw.find(sep))
        .min()
        .map(|at| &raw[..at])
}

/// Similarity of raw titles: normalised, and also with a subtitle dropped on
/// either side, which is how exports and TMDB most often disagree.
fn raw_title_similarity(wanted: &str, wanted_norm: &str, candidate: &str) -> f64 {
    let full = title_similarity(wanted_norm, &normalize_title(candidate));
    let wanted_main = main_title(wanted).map(normalize_title);
    let candidate_main = main_title(candidate).map(normalize_title);
    let dropped = match (&wanted_main, &candidate_main) {
        (None, None) => 0.0,
        (w, c) => {
            let w = w.as_deref().unwrap_or(wanted_norm);
            let c = c.clone().unwrap_or_else(|| normalize_title(candidate));
            if without_article(w) == without_article(&c) {
                0.9
            } else {
                0.0
            }
        }
    };
    full.max(dropped)
}

fn year_score(wanted: Option<i32>, candidate: Option<i32>) -> (f64, bool) {
    match (wanted, candidate) {
        (None, _) => (0.6, true),
        (Some(_), None) => (0.3, true),
        (Some(w), Some(c)) => match (w - c).abs() {
            0 => (1.0, true),
            1 => (0.75, true),
            2 => (0.3, false),
            _ => (0.0, false),
        },
    }
}

fn popularity_score(popularity: f64) -> f64 {
    ((1.0 + popularity.max(0.0)).ln() / (201.0f64).ln()).min(1.0)
}

#[allow(clippy::too_many_arguments)]
fn score(
    wanted: &Wanted<'_>,
    wanted_norm: &str,
    id: i64,
    media_type: MediaType,
    title: &str,
    original_title: &str,
    year: Option<i32>,
    popularity: f64,
) -> Scored {
    let title_sim = raw_title_similarity(wanted.title, wanted_norm, title).max(
        raw_title_similarity(wanted.title, wanted_norm, original_title),
    );
    let (year_sim, year_ok) = year_score(wanted.year, year);
    let score = 0.6 * title_sim + 0.3 * year_sim + 0.1 * popularity_score(popularity);
    Scored {
        candidate: Candidate {
            tmdb_id: id,
            media_type,
            title: title.to_owned(),
            original_title: (original_title != title).then(|| original_title.to_owned()),
            year,
            score: (score * 1000.0).round() / 1000.0,
        },
        popularity,
        acceptable: title_sim >= TITLE_FIT && year_ok,
    }
}

/// Scores film search results, best first.
pub fn rank_movies(wanted: &Wanted<'_>, results: &[MovieResult]) -> Vec<Scored> {
    let norm = normalize_title(wanted.title);
    let scored = results.iter().map(|r| {
        score(
            wanted,
            &norm,
            r.id,
            MediaType::Movie,
            &r.title,
            &r.original_title,
            r.year(),
            r.popularity,
        )
    });
    sorted(scored)
}

/// Scores TV search results, best first.
pub fn rank_tv(wanted: &Wanted<'_>, results: &[TvResult]) -> Vec<Scored> {
    let norm = normalize_title(wanted.title);
    let scored = results.iter().map(|r| {
        score(
            wanted,
            &norm,
            r.id,
            MediaType::Tv,
            &r.name,
            &r.original_name,
            r.year(),
            r.popularity,
        )
    });
    sorted(scored)
}

fn sorted(scored: impl Iterator<Item = Scored>) -> Vec<Scored> {
    let mut all: Vec<Scored> = scored.collect();
    all.sort_by(|a, b| {
        b.acceptable
            .cmp(&a.acceptable)
            .then(b.candidate.score.total_cmp(&a.candidate.score))
            .then(b.popularity.total_cmp(&a.popularity))
    });
    all
}

/// The best candidate when it is acceptable.
pub fn best(ranked: &[Scored]) -> Option<&Scored> {
    ranked.first().filter(|s| s.acceptable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn movie(id: i64, title: &str, original: &str, date: &str, popularity: f64) -> MovieResult {
        serde_json::from_value(serde_json::json!({
            "id": id, "title": title, "original_title": original,
            "release_date": date, "popularity": popularity,
        }))
        .unwrap()
    }

    fn dunes() -> Vec<MovieResult> {
        vec![
            movie(438631, "Dune", "Dune", "2021-09-15", 95.0),
            movie(
                693134,
                "Dune: Part Two",
                "Dune: Part Two",
                "2024-02-27",
                120.0,
            ),
            movie(841, "Dune", "Dune", "1984-12-14", 30.0),
        ]
    }

    #[test]
    fn remakes_are_told_apart_by_year() {
        let ranked = rank_movies(
            &Wanted {
                title: "Dune",
                year: Some(1984),
            },
            &dunes(),
        );
        assert_eq!(best(&ranked).unwrap().candidate.tmdb_id, 841);
        let ranked = rank_movies(
            &Wanted {
                title: "Dune",
                year: Some(2021),
            },
            &dunes(),
        );
        assert_eq!(best(&ranked).unwrap().candidate.tmdb_id, 438631);
    }

    #[test]
    fn a_year_off_by_one_still_matches_but_two_does_not() {
        let results = [movie(2, "Burning", "버닝", "2018-05-17", 20.0)];
        assert!(
            best(&rank_movies(
                &Wanted {
                    title: "Burning",
                    year: Some(2019)
                },
                &results
            ))
            .is_some()
        );
        assert!(
            best(&rank_movies(
                &Wanted {
                    title: "Burning",
                    year: Some(2020)
                },
                &results
            ))
            .is_none()
        );
    }

    #[test]
    fn original_titles_and_punctuation_match() {
        let seven = [movie(346, "Seven Samurai", "七人の侍", "1954-04-26", 40.0)];
        assert!(
            best(&rank_movies(
                &Wanted {
                    title: "七人の侍",
                    year: Some(1954)
                },
                &seven
            ))
            .is_some()
        );
        let wall_e = [movie(10681, "WALL·E", "WALL·E", "2008-06-22", 80.0)];
        assert!(
            best(&rank_movies(
                &Wanted {
                    title: "WALL-E",
                    year: Some(2008)
                },
                &wall_e
            ))
            .is_some()
        );
        let birdman = [movie(
            194662,
            "Birdman or (The Unexpected Virtue of Ignorance)",
            "Birdman or (The Unexpected Virtue of Ignorance)",
            "2014-10-17",
            30.0,
        )];
        assert!(
            best(&rank_movies(
                &Wanted {
                    title: "Birdman",
                    year: Some(2014)
                },
                &birdman
            ))
            .is_some()
        );
        let fast = [movie(
            13804,
            "Fast & Furious",
            "Fast & Furious",
            "2009-04-02",
            50.0,
        )];
        assert!(
            best(&rank_movies(
                &Wanted {
                    title: "Fast and Furious",
                    year: Some(2009)
                },
                &fast
            ))
            .is_some()
        );
        let shining = [movie(694, "The Shining", "The Shining", "1980-05-23", 60.0)];
        assert!(
            best(&rank_movies(
                &Wanted {
                    title: "Shining",
                    year: Some(1980)
                },
                &shining
            ))
            .is_some()
        );
    }

    #[test]
    fn a_different_film_is_not_accepted() {
        let ranked = rank_movies(
            &Wanted {
                title: "Dune Drifter",
                year: Some(2020),
            },
            &dunes(),
        );
        assert!(best(&ranked).is_none());
        assert!(ranked.iter().all(|s| s.candidate.score < 0.9));
    }

    #[test]
    fn without_a_year_popularity_breaks_the_tie() {
        let ranked = rank_movies(
            &Wanted {
                title: "Dune",
                year: None,
            },
            &dunes(),
        );
        assert_eq!(best(&ranked).unwrap().candidate.tmdb_id, 438631);
    }
}
