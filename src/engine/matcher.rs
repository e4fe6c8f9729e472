//! Candidate scoring (SPEC §3) and the matcher's verdict: never take the
//! first search result blindly, and never accept silently what a person
//! should confirm.
//!
//! A candidate's score mixes title similarity (normalised, against both the
//! English and the original title, leading articles ignored), the distance
//! between years (exports are often one year off TMDB's primary release), and
//! popularity as a tie-breaker between remakes of equal title and year.
//!
//! The verdict (README, "Review") accepts the best candidate only when its
//! title fits, its year is at most one off, its score reaches
//! [`AUTO_ACCEPT`], and no other candidate that fits as well comes within
//! [`RUNNER_UP_MARGIN`] of it. A candidate that only partly fits — the year
//! two or three off, or one title holding the other's words at the exact
//! year — is proposed for review, never accepted.

use crate::domain::{Candidate, MediaType};
use crate::tmdb::types::{MovieResult, TvResult, image_url};

use super::normalize::normalize_title;

/// What an export row tells about the film it names.
#[derive(Clone, Copy, Debug)]
pub struct Wanted<'a> {
    /// Title as written in the export (or an equivalent spelling of it).
    pub title: &'a str,
    /// Year as written in the export.
    pub year: Option<i32>,
}

/// How well a candidate fits the row, best last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fit {
    /// Neither title nor year says it is the film.
    No,
    /// Worth proposing, never accepting: the title fits but the year is two
    /// or three off, or the titles only partly match at the exact year.
    Partial,
    /// The title fits and the year is at most one off.
    Sure,
}

/// A candidate with its score and how well it fits.
#[derive(Clone, Debug)]
pub struct Scored {
    /// The candidate, as kept for the dashboard.
    pub candidate: Candidate,
    /// Popularity on TMDB, kept for ordering.
    pub popularity: f64,
    /// How well it fits the row.
    pub fit: Fit,
}

/// What the matcher makes of ranked candidates.
#[derive(Clone, Copy, Debug)]
pub enum Verdict<'a> {
    /// Sure enough to accept without asking.
    Accept(&'a Scored),
    /// The best proposal, for a person to confirm.
    Review(&'a Scored),
    /// Nothing worth proposing.
    Nothing,
}

/// Titles at least this similar are the same title written differently.
const TITLE_FIT: f64 = 0.88;
/// The lowest score accepted without review. A fitting title at the exact
/// year scores 0.9 or more, one year off 0.81 or more, and without a year
/// in the export 0.78 or more; what scores less fits only loosely.
pub const AUTO_ACCEPT: f64 = 0.75;
/// A runner-up that fits as well and scores within this of the best is a
/// namesake (same title, same year) told apart by popularity alone: a
/// person decides. Popularity weighs 0.1, so this is a popularity gap of
/// about a fifth of its scale.
pub const RUNNER_UP_MARGIN: f64 = 0.02;
/// How many candidates a film in review or unmatched keeps.
pub const KEPT_CANDIDATES: usize = 5;
/// Poster size of a candidate's thumbnail.
const THUMB_SIZE: &str = "w92";

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

/// Whether two normalised titles partly match: one holds every word of the
/// other ("Piranha" and "Piranha 3D"), or both have the same words in
/// another order ("Godzilla vs. Mothra" and "Mothra vs. Godzilla").
fn partly_matches(wanted_norm: &str, candidate: &str) -> bool {
    let words = |t: &str| -> Vec<String> {
        let mut w: Vec<String> = without_article(t).split(' ').map(str::to_owned).collect();
        w.sort_unstable();
        w.dedup();
        w
    };
    let (a, b) = (words(wanted_norm), words(&normalize_title(candidate)));
    let within = |small: &[String], big: &[String]| {
        !small.is_empty() && small.iter().all(|w| big.binary_search(w).is_ok())
    };
    within(&a, &b) || within(&b, &a)
}

fn year_distance(wanted: Option<i32>, candidate: Option<i32>) -> Option<i32> {
    Some((wanted? - candidate?).abs())
}

fn year_score(distance: Option<i32>, wanted: Option<i32>) -> f64 {
    match (wanted, distance) {
        (None, _) => 0.6,
        (Some(_), None) => 0.3,
        (Some(_), Some(0)) => 1.0,
        (Some(_), Some(1)) => 0.75,
        (Some(_), Some(2)) => 0.3,
        _ => 0.0,
    }
}

fn popularity_score(popularity: f64) -> f64 {
    ((1.0 + popularity.max(0.0)).ln() / (201.0f64).ln()).min(1.0)
}

/// One TMDB search result, whatever its kind.
struct Found<'a> {
    id: i64,
    media_type: MediaType,
    title: &'a str,
    original_title: &'a str,
    year: Option<i32>,
    popularity: f64,
    poster_path: Option<&'a str>,
}

fn score(wanted: &Wanted<'_>, wanted_norm: &str, found: Found<'_>) -> Scored {
    let title_sim = raw_title_similarity(wanted.title, wanted_norm, found.title).max(
        raw_title_similarity(wanted.title, wanted_norm, found.original_title),
    );
    let distance = year_distance(wanted.year, found.year);
    let year_sim = year_score(distance, wanted.year);
    let score = 0.6 * title_sim + 0.3 * year_sim + 0.1 * popularity_score(found.popularity);
    let title_fits = title_sim >= TITLE_FIT;
    let fit = match distance {
        None | Some(0 | 1) if title_fits => Fit::Sure,
        Some(2 | 3) if title_fits => Fit::Partial,
        Some(0)
            if partly_matches(wanted_norm, found.title)
                || partly_matches(wanted_norm, found.original_title) =>
        {
            Fit::Partial
        }
        _ => Fit::No,
    };
    Scored {
        candidate: Candidate {
            tmdb_id: found.id,
            media_type: found.media_type,
            title: found.title.to_owned(),
            original_title: (found.original_title != found.title)
                .then(|| found.original_title.to_owned()),
            year: found.year,
            score: (score * 1000.0).round() / 1000.0,
            poster_url: found.poster_path.map(|p| image_url(THUMB_SIZE, p)),
        },
        popularity: found.popularity,
        fit,
    }
}

/// Scores film search results, best first.
pub fn rank_movies(wanted: &Wanted<'_>, results: &[MovieResult]) -> Vec<Scored> {
    let norm = normalize_title(wanted.title);
    let scored = results.iter().map(|r| {
        let found = Found {
            id: r.id,
            media_type: MediaType::Movie,
            title: &r.title,
            original_title: &r.original_title,
            year: r.year(),
            popularity: r.popularity,
            poster_path: r.poster_path.as_deref(),
        };
        score(wanted, &norm, found)
    });
    sorted(scored)
}

/// Scores TV search results, best first.
pub fn rank_tv(wanted: &Wanted<'_>, results: &[TvResult]) -> Vec<Scored> {
    let norm = normalize_title(wanted.title);
    let scored = results.iter().map(|r| {
        let found = Found {
            id: r.id,
            media_type: MediaType::Tv,
            title: &r.name,
            original_title: &r.original_name,
            year: r.year(),
            popularity: r.popularity,
            poster_path: r.poster_path.as_deref(),
        };
        score(wanted, &norm, found)
    });
    sorted(scored)
}

/// Best first: the better fit, then the higher score, then the more popular.
pub fn sorted(scored: impl IntoIterator<Item = Scored>) -> Vec<Scored> {
    let mut all: Vec<Scored> = scored.into_iter().collect();
    all.sort_by(|a, b| {
        b.fit
            .cmp(&a.fit)
            .then(b.candidate.score.total_cmp(&a.candidate.score))
            .then(b.popularity.total_cmp(&a.popularity))
    });
    all
}

/// The matcher's verdict on candidates ranked by [`sorted`].
pub fn verdict(ranked: &[Scored]) -> Verdict<'_> {
    let Some(top) = ranked.first() else {
        return Verdict::Nothing;
    };
    match top.fit {
        Fit::No => Verdict::Nothing,
        Fit::Partial => Verdict::Review(top),
        Fit::Sure => {
            let contested = ranked[1..].iter().any(|other| {
                other.fit == Fit::Sure
                    && other.candidate.tmdb_id != top.candidate.tmdb_id
                    && top.candidate.score - other.candidate.score < RUNNER_UP_MARGIN
            });
            if contested || top.candidate.score < AUTO_ACCEPT {
                Verdict::Review(top)
            } else {
                Verdict::Accept(top)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The best candidate when it is accepted without review.
    fn best(ranked: &[Scored]) -> Option<&Scored> {
        match verdict(ranked) {
            Verdict::Accept(top) => Some(top),
            Verdict::Review(_) | Verdict::Nothing => None,
        }
    }

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
