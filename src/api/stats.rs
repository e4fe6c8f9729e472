//! `GET /api/session/{id}/stats`: the library's statistics, aggregated in the database.

use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path, param::Query, payload::Json};

use super::ApiTags;
use super::error::ApiError;
use super::session::find;
use super::viewing_stats::{Highlights, ViewingStats};
use crate::state::AppState;
use crate::store::stats::{
    self, KeyCount, LibraryStats, NameCount, RUNTIME_BUCKET_MAX, RUNTIME_BUCKET_MIN,
    RUNTIME_BUCKET_WIDTH, RatingCount,
};
use crate::store::year_films::{self, YearFilms};

/// A genre, person, country or language and its number of films.
#[derive(Clone, Debug, PartialEq, Eq, Object)]
pub struct NamedCount {
    /// The genre or person's name, the ISO 3166-1 country code or the ISO 639-1 language code.
    pub name: String,
    /// Number of enriched films.
    pub count: i64,
}

/// A decade of release and its number of films.
#[derive(Clone, Debug, PartialEq, Eq, Object)]
pub struct DecadeCount {
    /// First year of the decade: `1990` for 1990–1999.
    pub decade: i64,
    /// Number of enriched films released in that decade.
    pub count: i64,
}

/// A year and the number of films last watched in it.
#[derive(Clone, Debug, PartialEq, Eq, Object)]
pub struct YearCount {
    /// The year.
    pub year: i64,
    /// Number of films whose (last) watched date falls in that year.
    pub count: i64,
}

/// A range of runtimes and its number of films.
#[derive(Clone, Debug, PartialEq, Eq, Object)]
pub struct RuntimeBucket {
    /// Shortest runtime in the bucket, in minutes (inclusive).
    pub min_minutes: i64,
    /// Longest runtime in the bucket, in minutes (inclusive); absent for the open-ended last bucket.
    pub max_minutes: Option<i64>,
    /// Number of enriched films with a runtime in the range.
    pub count: i64,
}

/// Runtime figures of the enriched films.
#[derive(Clone, Debug, PartialEq, Object)]
pub struct RuntimeStats {
    /// Sum of the runtimes, in minutes.
    pub total_minutes: i64,
    /// Mean runtime in minutes; absent when no film has a runtime.
    pub average_minutes: Option<f64>,
    /// Enriched films with a known runtime.
    pub films: i64,
    /// Every bucket, in order, zeros included: under 60 minutes, quarter
    /// hours from 60 to 209, then 210 and more.
    pub buckets: Vec<RuntimeBucket>,
}

/// A rating value and its number of films.
#[derive(Clone, Debug, PartialEq, Object)]
pub struct RatingBucket {
    /// The rating on the 0.5–5 scale (rounded to the nearest half star).
    pub rating: f64,
    /// Number of films the user rated so.
    pub count: i64,
}

/// The user's ratings, from the export.
#[derive(Clone, Debug, PartialEq, Object)]
pub struct RatingStats {
    /// Number of rated films.
    pub rated: i64,
    /// Mean rating.
    pub average: f64,
    /// Every half star from 0.5 to 5, in order, zeros included (and any other value the export held).
    pub histogram: Vec<RatingBucket>,
}

/// Statistics of a session's library.
///
/// Genres, people, countries, languages, decades and runtimes describe the
/// enriched films; ratings and watched years come from the export and cover
/// every row but the skipped ones (not films: TV episodes, video games…),
/// which no figure counts. Name lists are ordered by count (most first), then by name.
/// With `year`, every figure covers only the films with a viewing dated in
/// that year (the years of `viewings.years` aside, which stay whole for a picker).
#[derive(Clone, Debug, PartialEq, Object)]
pub struct LibraryStatistics {
    /// Session id.
    pub session_id: String,
    /// Rows in the session, skipped rows aside.
    pub total_movies: i64,
    /// Enriched rows, which the TMDB-derived figures cover.
    pub enriched_movies: i64,
    /// Rows in review (a proposed match to confirm): listed apart
    /// (`status=review`), counted by no TMDB-derived figure until accepted.
    pub review_movies: i64,
    /// Genres.
    pub genres: Vec<NamedCount>,
    /// Directors (creators of a miniseries).
    pub directors: Vec<NamedCount>,
    /// Top-billed cast members.
    pub actors: Vec<NamedCount>,
    /// Production countries (ISO 3166-1 codes).
    pub countries: Vec<NamedCount>,
    /// Original languages (ISO 639-1 codes).
    pub languages: Vec<NamedCount>,
    /// Films per decade of release, in order.
    pub decades: Vec<DecadeCount>,
    /// Runtime total, mean and histogram.
    pub runtime: RuntimeStats,
    /// Ratings histogram; present only when the export holds ratings.
    #[oai(skip_serializing_if_is_none)]
    pub ratings: Option<RatingStats>,
    /// Films per year of the (last) watched date, in order; empty when the export has no dates.
    pub watched_years: Vec<YearCount>,
    /// When and how often the films were watched, from their dated viewings:
    /// of the year asked for (`year`), or all time.
    pub viewings: ViewingStats,
    /// The films to name in a year in review (those watched in `year`, or
    /// all): rated furthest above and below TMDB, longest, shortest, new releases.
    pub highlights: Highlights,
}

/// Library statistics.
#[derive(Default)]
pub struct StatsApi;

#[OpenApi(tag = "ApiTags::Library")]
impl StatsApi {
    /// Statistics of a session's library.
    ///
    /// Computed in the database at the time of the request, so they can be
    /// read while the session is still enriching and grow as films arrive.
    #[oai(path = "/session/:id/stats", method = "get", operation_id = "getStats")]
    async fn stats(
        &self,
        state: Data<&AppState>,
        id: Path<String>,
        /// How many entries each name list (genres, directors, actors, countries, languages) keeps, 1 to 1000.
        #[oai(
            default = "default_top",
            validator(minimum(value = "1"), maximum(value = "1000"))
        )]
        top: Query<u64>,
        /// Narrows every figure to the films watched in this year (a year in review).
        #[oai(validator(minimum(value = "1870"), maximum(value = "2100")))]
        year: Query<Option<i32>>,
    ) -> Result<Json<LibraryStatistics>, ApiError> {
        let session = find(&state, &id).await?;
        Ok(Json(statistics(&state, session.id, top.0, year.0).await?))
    }
}

/// The statistics of a session, of `year` or all time, as `GET …/stats` answers them.
pub(super) async fn statistics(
    state: &AppState,
    session_id: String,
    top: u64,
    year: Option<i32>,
) -> Result<LibraryStatistics, ApiError> {
    let stats = stats::library(&state.db, &session_id, top, year).await?;
    let highlights = year_films::year_films(&state.db, &session_id, year).await?;
    Ok(LibraryStatistics::new(session_id, year, stats, highlights))
}

fn default_top() -> u64 {
    20
}

impl LibraryStatistics {
    fn new(session_id: String, year: Option<i32>, s: LibraryStats, films: YearFilms) -> Self {
        let names = |list: Vec<NameCount>| {
            list.into_iter()
                .map(|n| NamedCount {
                    name: n.name,
                    count: n.count,
                })
                .collect()
        };
        Self {
            session_id,
            total_movies: s.total_movies,
            enriched_movies: s.enriched_movies,
            review_movies: s.review_movies,
            genres: names(s.genres),
            directors: names(s.directors),
            actors: names(s.actors),
            countries: names(s.countries),
            languages: names(s.languages),
            decades: s
                .decades
                .into_iter()
                .map(|k| DecadeCount {
                    decade: k.bucket,
                    count: k.count,
                })
                .collect(),
            runtime: RuntimeStats {
                total_minutes: s.runtime_minutes,
                average_minutes: (s.movies_with_runtime > 0)
                    .then(|| s.runtime_minutes as f64 / s.movies_with_runtime as f64),
                films: s.movies_with_runtime,
                buckets: runtime_buckets(&s.runtime_buckets),
            },
            ratings: rating_stats(&s.ratings),
            viewings: ViewingStats::new(year, &s.viewing_days, &s.viewing_years),
            highlights: films.into(),
            watched_years: s
                .watched_years
                .into_iter()
                .map(|k| YearCount {
                    year: k.bucket,
                    count: k.count,
                })
                .collect(),
        }
    }
}

/// Every runtime bucket, zeros included.
fn runtime_buckets(counts: &[KeyCount]) -> Vec<RuntimeBucket> {
    let count = |start: i64| {
        counts
            .iter()
            .find(|k| k.bucket == start)
            .map_or(0, |k| k.count)
    };
    let mut buckets = vec![RuntimeBucket {
        min_minutes: 0,
        max_minutes: Some(RUNTIME_BUCKET_MIN - 1),
        count: count(0),
    }];
    let mut start = RUNTIME_BUCKET_MIN;
    while start < RUNTIME_BUCKET_MAX {
        buckets.push(RuntimeBucket {
            min_minutes: start,
            max_minutes: Some(start + RUNTIME_BUCKET_WIDTH - 1),
            count: count(start),
        });
        start += RUNTIME_BUCKET_WIDTH;
    }
    buckets.push(RuntimeBucket {
        min_minutes: RUNTIME_BUCKET_MAX,
        max_minutes: None,
        count: count(RUNTIME_BUCKET_MAX),
    });
    buckets
}

/// The ratings histogram with every half star, or `None` without ratings.
fn rating_stats(counts: &[RatingCount]) -> Option<RatingStats> {
    let rated: i64 = counts.iter().map(|r| r.count).sum();
    if rated == 0 {
        return None;
    }
    let sum: f64 = counts.iter().map(|r| r.rating * r.count as f64).sum();
    let mut histogram: Vec<RatingBucket> = (1..=10)
        .map(|half_stars| RatingBucket {
            rating: f64::from(half_stars) / 2.0,
            count: 0,
        })
        .collect();
    for r in counts {
        match histogram.iter_mut().find(|b| b.rating == r.rating) {
            Some(bucket) => bucket.count += r.count,
            None => histogram.push(RatingBucket {
                rating: r.rating,
                count: r.count,
            }),
        }
    }
    histogram.sort_by(|a, b| a.rating.total_cmp(&b.rating));
    Some(RatingStats {
        rated,
        average: sum / rated as f64,
        histogram,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_buckets_cover_every_range_with_zeros() {
        let buckets = runtime_buckets(&[
            KeyCount {
                bucket: 90,
                count: 3,
            },
            KeyCount {
                bucket: 210,
                count: 1,
            },
        ]);
        assert_eq!(buckets.len(), 12);
        assert_eq!(buckets[0].max_minutes, Some(59));
        assert_eq!(
            buckets[3],
            RuntimeBucket {
                min_minutes: 90,
                max_minutes: Some(104),
                count: 3
            }
        );
        assert_eq!(buckets[11].max_minutes, None);
        assert_eq!(buckets[11].count, 1);
        assert_eq!(buckets.iter().map(|b| b.count).sum::<i64>(), 4);
    }

    #[test]
    fn ratings_fill_every_half_star_and_average() {
        assert_eq!(rating_stats(&[]), None);
        let stats = rating_stats(&[
            RatingCount {
                rating: 2.5,
                count: 1,
            },
            RatingCount {
                rating: 4.5,
                count: 3,
            },
        ])
        .unwrap();
        assert_eq!(stats.rated, 4);
        assert_eq!(stats.histogram.len(), 10);
        assert_eq!(stats.histogram[4].rating, 2.5);
        assert_eq!(stats.histogram[4].count, 1);
        assert_eq!(stats.histogram[8].count, 3);
        assert!((stats.average - 4.0).abs() < 1e-9);
    }
}
