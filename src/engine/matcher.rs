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
//! title fits — the same title at most a year off, or a looser fit (an
//! article, a typo, the export's own subtitle) at the exact year — its score reaches
//! [`AUTO_ACCEPT`], and no other candidate that fits as well comes within
//! [`RUNNER_UP_MARGIN`] of it. A candidate that only partly fits — the year
//! further off, an export title shorter than TMDB's, or one title holding the
//! other's words at the exact year — is proposed for review, never accepted.

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
    /// Worth proposing, never accepting: the title fits but the year is off
    /// (beyond one, or at all for a loose fit), the export's title is
    /// shorter than TMDB's, or the titles only partly match at the exact year.
    Partial,
    /// The same title at most a year off, or a loose fit at the exact year.
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
/// person decides. Popularity weighs 0.1, so this is half its scale: one
/// namesake must be over ten times as popular to be taken without asking.
pub const RUNNER_UP_MARGIN: f64 = 0.05;
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

/// How a candidate's title compares with the export's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum TitleFit {
    /// No fit.
    No,
    /// Written out in full, the export's title is TMDB's with a subtitle or
    /// leading words missing ("Flow" for "Flow: For Love of Water").
    Shorter,
    /// The same title once an article, a typo or the export's own subtitle
    /// is set aside ("Family Tree" for "The Family Tree", "The Raid:
    /// Redemption" for "The Raid").
    Loose,
    /// The same title, letter for letter once normalised.
    Exact,
}

/// Similarity of raw titles (normalised, and with a subtitle dropped on
/// either side, which is how exports and TMDB most often disagree) and how
/// it fits.
fn raw_title_similarity(wanted: &str, wanted_norm: &str, candidate: &str) -> (f64, TitleFit) {
    let candidate_norm = normalize_title(candidate);
    if !wanted_norm.is_empty() && wanted_norm == candidate_norm {
        return (1.0, TitleFit::Exact);
    }
    let full = title_similarity(wanted_norm, &candidate_norm);
    if full >= TITLE_FIT {
        return (full, TitleFit::Loose);
    }
    let main = |raw: &str| main_title(raw).map(normalize_title);
    let same = |a: &str, b: &str| !a.is_empty() && without_article(a) == without_article(b);
    // The export's subtitle dropped: TMDB's title is the shorter one.
    if main(wanted).is_some_and(|w| same(&w, &candidate_norm)) {
        return (0.9, TitleFit::Loose);
    }
    // TMDB's subtitle dropped: the export wrote less than the title.
    if main(candidate).is_some_and(|c| same(wanted_norm, &c)) {
        return (0.9, TitleFit::Shorter);
    }
    (full, TitleFit::No)
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
    let (title_sim, title_fit) = [found.title, found.original_title]
        .into_iter()
        .map(|title| raw_title_similarity(wanted.title, wanted_norm, title))
        .max_by(|a, b| a.1.cmp(&b.1).then(a.0.total_cmp(&b.0)))
        .expect("two titles");
    let distance = year_distance(wanted.year, found.year);
    let year_sim = year_score(distance, wanted.year);
    let score = 0.6 * title_sim + 0.3 * year_sim + 0.1 * popularity_score(found.popularity);
    let partly = || {
        partly_matches(wanted_norm, found.title)
            || partly_matches(wanted_norm, found.original_title)
    };
    // What only fits loosely must be right on the year to be sure.
    let fit = match (title_fit, distance) {
        (TitleFit::Exact, None | Some(0 | 1)) | (TitleFit::Loose, None | Some(0)) => Fit::Sure,
        (TitleFit::Exact | TitleFit::Loose, Some(1..=3)) => Fit::Partial,
        (TitleFit::Shorter, None | Some(0..=1)) => Fit::Partial,
        (_, Some(0)) if partly() => Fit::Partial,
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
        // TMDB's title is longer than the export's: proposed, not accepted.
        let ranked = rank_movies(
            &Wanted {
                title: "Birdman",
                year: Some(2014),
            },
            &birdman,
        );
        assert!(
            matches!(verdict(&ranked), Verdict::Review(top) if top.candidate.tmdb_id == 194662)
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
    fn without_a_year_the_popular_remake_is_proposed_not_accepted() {
        let ranked = rank_movies(
            &Wanted {
                title: "Dune",
                year: None,
            },
            &dunes(),
        );
        assert!(
            matches!(verdict(&ranked), Verdict::Review(top) if top.candidate.tmdb_id == 438631)
        );
    }

    #[test]
    fn a_loose_fit_a_year_off_is_proposed_not_accepted() {
        // 'Family Tree' (2012) is not TMDB's 'The Family Tree' (2011).
        let family = [movie(
            73846,
            "The Family Tree",
            "The Family Tree",
            "2011-08-26",
            3.0,
        )];
        let wanted = |year| Wanted {
            title: "Family Tree",
            year: Some(year),
        };
        assert!(matches!(
            verdict(&rank_movies(&wanted(2012), &family)),
            Verdict::Review(_)
        ));
        assert!(best(&rank_movies(&wanted(2011), &family)).is_some());
    }

    #[test]
    fn an_export_title_shorter_than_tmdbs_is_proposed_not_accepted() {
        // 'Flow' (2008) is not 'Flow: For Love of Water' (2008).
        let flow = [movie(
            18187,
            "Flow: For Love of Water",
            "Flow: For Love of Water",
            "2008-09-12",
            2.0,
        )];
        let ranked = rank_movies(
            &Wanted {
                title: "Flow",
                year: Some(2008),
            },
            &flow,
        );
        assert!(matches!(verdict(&ranked), Verdict::Review(_)));
        // The other way round, TMDB lacking the export's subtitle, fits.
        let raid = [movie(94329, "The Raid", "Serbuan maut", "2011-09-08", 20.0)];
        let ranked = rank_movies(
            &Wanted {
                title: "The Raid: Redemption",
                year: Some(2011),
            },
            &raid,
        );
        assert!(best(&ranked).is_some());
    }

    #[test]
    fn namesakes_of_one_year_are_a_persons_call() {
        // 'Love Me' (2014) and 'Love me!' (2014): popularity alone tells them apart.
        let namesakes = [
            movie(336307, "Love me!", "Love me!", "2014-03-01", 1.2),
            movie(320420, "Love Me", "Love Me", "2014-05-01", 0.6),
        ];
        let ranked = rank_movies(
            &Wanted {
                title: "Love Me",
                year: Some(2014),
            },
            &namesakes,
        );
        assert!(matches!(verdict(&ranked), Verdict::Review(_)));
        let ids: Vec<i64> = ranked.iter().map(|s| s.candidate.tmdb_id).collect();
        assert!(ids.contains(&320420));
    }
}
