//! The statistics of a library's viewings: when and how often its films
//! were watched, for one year or all time. The database sums viewings per
//! film and day (`store::stats::DayFilm`, at most a few thousand rows a
//! year); months, weekdays and the calendar are folded from those here.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{Datelike, NaiveDate};
use poem_openapi::Object;

use crate::store::stats::{DayFilm, KeyCount};
use crate::store::year_films::{NamedFilm, YearFilms};

/// A year and its dated viewings.
#[derive(Clone, Debug, PartialEq, Eq, Object)]
pub struct YearViewings {
    /// The year.
    pub year: i64,
    /// Viewings dated in it.
    pub viewings: i64,
}

/// A month's viewings and the distinct films they were of.
#[derive(Clone, Debug, PartialEq, Eq, Object)]
pub struct MonthViewings {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// Viewings dated in it.
    pub viewings: i64,
    /// Distinct films watched in it.
    pub films: i64,
}

/// A day with viewings: one cell of the calendar heatmap.
#[derive(Clone, Debug, PartialEq, Eq, Object)]
pub struct DayViewings {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// Viewings dated that day.
    pub viewings: i64,
}

/// When and how often the library's films were watched, from their dated
/// viewings (diary and review entries, viewing-history lines; a rating's or
/// a watchlist's date is no viewing). Skipped rows count for nothing.
#[derive(Clone, Debug, PartialEq, Eq, Object)]
pub struct ViewingStats {
    /// The year these figures cover; absent for all time.
    #[oai(skip_serializing_if_is_none)]
    pub year: Option<i32>,
    /// Every year with dated viewings and how many, in order (for a year picker; not narrowed by `year`).
    pub years: Vec<YearViewings>,
    /// Dated viewings.
    pub viewings: i64,
    /// Distinct films watched.
    pub films: i64,
    /// Viewings not marked as rewatches.
    pub first_watches: i64,
    /// Viewings marked as rewatches.
    pub rewatches: i64,
    /// Viewings and films per month, in order (months without viewings left out).
    pub months: Vec<MonthViewings>,
    /// Viewings per weekday, seven counts from Monday to Sunday.
    pub weekdays: Vec<i64>,
    /// Viewings per day, in order (days without viewings left out).
    pub days: Vec<DayViewings>,
}

impl ViewingStats {
    /// Folds the per-film, per-day sums of `year` (or all time) and the
    /// viewings per year into the figures.
    pub fn new(year: Option<i32>, day_films: &[DayFilm], years: &[KeyCount]) -> Self {
        let mut days: BTreeMap<&str, i64> = BTreeMap::new();
        let mut months: BTreeMap<&str, (i64, BTreeSet<i32>)> = BTreeMap::new();
        let mut weekdays = vec![0; 7];
        let mut films = HashSet::new();
        let (mut viewings, mut rewatches) = (0, 0);
        for d in day_films {
            viewings += d.viewings;
            rewatches += d.rewatches;
            films.insert(d.movie_row);
            *days.entry(d.day.as_str()).or_default() += d.viewings;
            let month = months.entry(d.day.get(..7).unwrap_or(&d.day)).or_default();
            month.0 += d.viewings;
            month.1.insert(d.movie_row);
            if let Ok(date) = NaiveDate::parse_from_str(&d.day, "%Y-%m-%d") {
                weekdays[date.weekday().num_days_from_monday() as usize] += d.viewings;
            }
        }
        Self {
            year,
            years: years
                .iter()
                .map(|k| YearViewings {
                    year: k.bucket,
                    viewings: k.count,
                })
                .collect(),
            viewings,
            films: films.len() as i64,
            first_watches: viewings - rewatches,
            rewatches,
            months: months
                .into_iter()
                .map(|(month, (viewings, films))| MonthViewings {
                    month: month.to_owned(),
                    viewings,
                    films: films.len() as i64,
                })
                .collect(),
            weekdays,
            days: days
                .into_iter()
                .map(|(date, viewings)| DayViewings {
                    date: date.to_owned(),
                    viewings,
                })
                .collect(),
        }
    }
}

/// A film a year in review names.
#[derive(Clone, Debug, PartialEq, Object)]
pub struct HighlightFilm {
    /// Movie id.
    pub id: i64,
    /// Title as the export wrote it.
    pub title: String,
    /// Year as the export wrote it.
    pub year: Option<i32>,
    /// The person's rating, 0.5–5.
    pub rating: Option<f64>,
    /// TMDB's vote average, 0–10.
    pub vote_average: Option<f64>,
    /// Runtime in minutes.
    pub runtime: Option<i32>,
}

/// The enriched films of the year asked for (those with a viewing dated in
/// it), or all of them: the ones to name, five each, and how many were new.
#[derive(Clone, Debug, PartialEq, Object)]
pub struct Highlights {
    /// Rated highest by the person, best first.
    pub top_rated: Vec<HighlightFilm>,
    /// Rated furthest above TMDB's vote average (rating × 2 − average), most first.
    pub above_tmdb: Vec<HighlightFilm>,
    /// Rated furthest below it, most first.
    pub below_tmdb: Vec<HighlightFilm>,
    /// The longest, longest first.
    pub longest: Vec<HighlightFilm>,
    /// The shortest, shortest first.
    pub shortest: Vec<HighlightFilm>,
    /// Films counted.
    pub films: i64,
    /// Of them, watched in the year they were released (the year asked for,
    /// or for all time the year of their last watch).
    pub new_releases: i64,
    /// Of them, older films.
    pub older: i64,
}

impl From<YearFilms> for Highlights {
    fn from(f: YearFilms) -> Self {
        let named = |list: Vec<NamedFilm>| {
            list.into_iter()
                .map(|n| HighlightFilm {
                    id: n.id,
                    title: n.title,
                    year: n.year,
                    rating: n.rating,
                    vote_average: n.vote_average,
                    runtime: n.runtime,
                })
                .collect()
        };
        Self {
            top_rated: named(f.top_rated),
            above_tmdb: named(f.above_tmdb),
            below_tmdb: named(f.below_tmdb),
            longest: named(f.longest),
            shortest: named(f.shortest),
            films: f.films,
            new_releases: f.new_releases,
            older: f.films - f.new_releases,
        }
    }
}
