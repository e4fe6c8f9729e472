//! From an export row to an [`Outcome`]: ids first, then a scored title
//! search, then TV miniseries; every TMDB answer cached across sessions in the
//! database and concurrent identical lookups coalesced into one call.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use dashmap::DashMap;
use serde::{Serialize, de::DeserializeOwned};
use tokio::sync::OnceCell;

use super::enrichment::Outcome;
use super::matcher::{Verdict, Wanted, rank_movies, rank_tv, verdict};
use super::normalize::lookup_key;
use super::pool::{Pool, Resolution, matched};
use super::variants::query_variants;
use crate::domain::{Enrichment, LookupKey, MediaType};
use crate::logging::Clipped;
use crate::store::entities::movie;
use crate::store::{Db, cache};
use crate::tmdb::images::PosterLinks;
use crate::tmdb::{TmdbClient, TmdbError};

/// The facts of an export row that drive its lookup.
#[derive(Clone, Debug)]
pub struct Film {
    /// The film's lookup key (see `normalize::lookup_key`).
    pub lookup_key: LookupKey,
    /// Title as written.
    pub title: String,
    /// Year as written.
    pub year: Option<i32>,
    /// IMDb id from the export.
    pub imdb_id: Option<String>,
    /// TMDB id from the export or a manual fix.
    pub tmdb_id: Option<i64>,
}

impl From<movie::Model> for Film {
    fn from(m: movie::Model) -> Self {
        Self {
            lookup_key: m.lookup_key,
            title: m.title,
            year: m.year,
            imdb_id: m.imdb_id,
            tmdb_id: m.tmdb_id,
        }
    }
}

/// The resolution cache's key prefix; a new matcher version starts afresh
/// rather than serve what the old one decided.
const RESOLVE_PREFIX: &str = "resolve:v2";

/// Looks films up on TMDB through the shared cache.
pub struct Resolver {
    pub(super) tmdb: TmdbClient,
    db: Db,
    ttl: Duration,
    flights: DashMap<String, Arc<OnceCell<String>>>,
    /// Recent answers in memory in front of the database cache: a warm
    /// upload then costs no query per film.
    memo: moka::sync::Cache<String, Arc<str>>,
    /// Where the posters of what it finds link to.
    links: PosterLinks,
}

/// Answers kept in memory (a few KiB each).
const MEMO_ENTRIES: u64 = 20_000;

impl Resolver {
    /// A resolver using `tmdb`, caching in `db` for `ttl`.
    pub fn new(tmdb: TmdbClient, db: Db, ttl: Duration) -> Self {
        // Never longer than the database TTL, and short enough that replicas
        // sharing one database converge quickly on a refreshed entry.
        let memo = moka::sync::Cache::builder()
            .max_capacity(MEMO_ENTRIES)
            .time_to_live(ttl.min(Duration::from_secs(3600)))
            .build();
        Self {
            tmdb,
            db,
            ttl,
            flights: DashMap::new(),
            memo,
            links: PosterLinks::Tmdb,
        }
    }

    /// The same resolver, its posters linked as `links` says.
    pub fn with_poster_links(self, links: PosterLinks) -> Self {
        Self { links, ..self }
    }

    /// Where posters link to.
    pub fn poster_links(&self) -> PosterLinks {
        self.links
    }

    /// Looks a film up; TMDB failures after every retry become `Failed`.
    pub async fn lookup(&self, film: &Film) -> Outcome {
        match self.try_lookup(film).await {
            Ok(outcome) => outcome.link_posters(self.links),
            Err(err) => {
                tracing::warn!(
                    key = %Clipped(&film.lookup_key.to_string()),
                    error = %Clipped(&err.to_string()),
                    "lookup failed"
                );
                Outcome::Failed(format!("TMDB lookup failed: {err}"))
            }
        }
    }

    async fn try_lookup(&self, film: &Film) -> Result<Outcome, TmdbError> {
        let by_id = match &film.lookup_key {
            LookupKey::Tv(id) => Some(matched(*id, MediaType::Tv, 1.0)),
            LookupKey::Tmdb(id) => Some(matched(*id, MediaType::Movie, 1.0)),
            LookupKey::Imdb(imdb_id) => {
                let key = format!("{RESOLVE_PREFIX}:{}", film.lookup_key);
                let resolution = self.cached(&key, || self.by_imdb(imdb_id, film)).await?;
                return self.outcome(resolution).await;
            }
            LookupKey::Title { .. } | LookupKey::Show { .. } => None,
        };
        let Some(by_id) = by_id else {
            return self.by_search(film).await;
        };
        let from_export = matches!(film.lookup_key, LookupKey::Tmdb(_));
        match self.outcome(by_id).await? {
            // An id TMDB has no record of (a typo in the export): the IMDb id
            // or the title may still find the film, with candidates if not.
            // A show's id comes from a person's fix, which a search must not override.
            Outcome::Unmatched(none) if none.is_empty() && from_export => {
                let fallback = Film {
                    lookup_key: lookup_key(&film.title, film.year, film.imdb_id.as_deref(), None),
                    tmdb_id: None,
                    ..film.clone()
                };
                self.by_search(&fallback).await
            }
            outcome => Ok(outcome),
        }
    }

    /// Resolves a film by IMDb id or title (cached), then enriches the match.
    async fn by_search(&self, film: &Film) -> Result<Outcome, TmdbError> {
        let key = format!("{RESOLVE_PREFIX}:{}", film.lookup_key);
        let resolution = self.cached(&key, || self.resolve(film)).await?;
        self.outcome(resolution).await
    }

    /// The outcome of a resolution: a match enriched from its details.
    async fn outcome(&self, resolution: Resolution) -> Result<Outcome, TmdbError> {
        Ok(match resolution {
            Resolution::Matched {
                tmdb_id,
                media_type,
                confidence,
            } => match self.details(media_type, tmdb_id).await? {
                Some(enrichment) => Outcome::Enriched(Box::new(enrichment), confidence),
                None => Outcome::Unmatched(Vec::new()),
            },
            Resolution::Proposed {
                tmdb_id,
                media_type,
                confidence,
                candidates,
            } => match self.details(media_type, tmdb_id).await? {
                Some(enrichment) => Outcome::Review(Box::new(enrichment), confidence, candidates),
                None => Outcome::Unmatched(candidates),
            },
            Resolution::Unmatched { candidates } => Outcome::Unmatched(candidates),
        })
    }

    /// Resolves a film by its IMDb id in one call: TMDB's movie details take
    /// the IMDb id, and the answer is cached as that film's details. `/find`
    /// only when no film has the id (a show's), then the title.
    async fn by_imdb(&self, imdb_id: &str, film: &Film) -> Result<Resolution, TmdbError> {
        if let Some(details) = self.tmdb.movie_details_by_imdb(imdb_id).await? {
            let tmdb_id = details.id;
            let enrichment = Enrichment::from(details);
            let key = details_key(MediaType::Movie, tmdb_id);
            self.store(&key, &Some(enrichment)).await;
            return Ok(matched(tmdb_id, MediaType::Movie, 1.0));
        }
        let found = self.tmdb.find_by_imdb(imdb_id).await?;
        if let Some(t) = found.tv_results.first() {
            return Ok(matched(t.id, MediaType::Tv, 1.0));
        }
        if let Some(m) = found.movie_results.first() {
            return Ok(matched(m.id, MediaType::Movie, 1.0));
        }
        self.by_title(film).await
    }

    /// The enrichment of one TMDB record, cached; None when TMDB has no such id.
    pub async fn details(
        &self,
        media_type: MediaType,
        tmdb_id: i64,
    ) -> Result<Option<Enrichment>, TmdbError> {
        let key = details_key(media_type, tmdb_id);
        self.cached(&key, || async {
            Ok(match media_type {
                MediaType::Tv => self.tmdb.tv_details(tmdb_id).await?.map(Enrichment::from),
                MediaType::Movie => self
                    .tmdb
                    .movie_details(tmdb_id)
                    .await?
                    .map(Enrichment::from),
            })
        })
        .await
    }

    async fn resolve(&self, film: &Film) -> Result<Resolution, TmdbError> {
        if let Some(imdb_id) = &film.imdb_id {
            // A row with both an IMDb id and a TMDB id TMDB did not know.
            let found = self.tmdb.find_by_imdb(imdb_id).await?;
            if let Some(m) = found.movie_results.first() {
                return Ok(matched(m.id, MediaType::Movie, 1.0));
            }
            if let Some(t) = found.tv_results.first() {
                return Ok(matched(t.id, MediaType::Tv, 1.0));
            }
        }
        self.by_title(film).await
    }

    /// Resolves a film by its title: the title as written, the pages of its
    /// year when crowded, other ways to write it, then TV miniseries.
    async fn by_title(&self, film: &Film) -> Result<Resolution, TmdbError> {
        let wanted = Wanted {
            title: &film.title,
            year: film.year,
        };
        let mut pool = Pool::default();
        if matches!(film.lookup_key, LookupKey::Show { .. }) {
            // The export says it is a show: a film of the same name is no answer.
            let shows = self.tmdb.search_tv(&film.title, None).await?;
            return Ok(pool
                .offer(rank_tv(&wanted, &shows.results))
                .unwrap_or_else(|| pool.finish()));
        }

        // One search without the year finds remakes and year-off-by-one
        // releases alike; scoring picks among them.
        let page = self.tmdb.search_movie(&film.title, None).await?;
        let crowded = page.total_results as usize > page.results.len();
        let ranked = rank_movies(&wanted, &page.results);
        // A crowded first page's match a year off may hide the film itself
        // (or its namesake) beyond the page: the year's search decides.
        let hidden = crowded
            && film.year.is_some()
            && matches!(verdict(&ranked), Verdict::Accept(top) if top.candidate.year != film.year);
        if hidden {
            pool.keep(ranked);
        } else if let Some(found) = pool.offer(ranked) {
            return Ok(found);
        }
        // A common title may hide the film beyond the first page: search its
        // year, then the years either side (exports and TMDB often disagree
        // by one: festival premiere, release, time zone).
        if crowded && let Some(year) = film.year {
            for year in [year, year - 1, year + 1] {
                let page = self.tmdb.search_movie(&film.title, Some(year)).await?;
                if let Some(found) = pool.offer(rank_movies(&wanted, &page.results)) {
                    return Ok(found);
                }
            }
        }
        // What people add or write differently (see `variants`); a proposal
        // already found is not improved on by a shortened title.
        for variant in query_variants(&film.title) {
            if pool.has_proposal() && !variant.same_title {
                continue;
            }
            let page = self.tmdb.search_movie(&variant.query, None).await?;
            let as_written = Wanted {
                title: if variant.same_title {
                    &variant.query
                } else {
                    &film.title
                },
                ..wanted
            };
            if let Some(found) = pool.offer(rank_movies(&as_written, &page.results)) {
                return Ok(found);
            }
        }
        // Letterboxd also lists TV miniseries; try them when no film fits.
        if !pool.has_proposal() {
            let shows = self.tmdb.search_tv(&film.title, None).await?;
            if let Some(found) = pool.offer(rank_tv(&wanted, &shows.results)) {
                return Ok(found);
            }
        }
        Ok(pool.finish())
    }

    /// Stores an answer in the cache (database and memory); returns it as stored.
    async fn store<T: Serialize>(&self, key: &str, value: &T) -> String {
        let body = serde_json::to_string(value).expect("cache values serialise");
        if let Err(err) = cache::put(&self.db, key, &body).await {
            tracing::warn!(key = %Clipped(key), error = %err, "could not write the TMDB cache");
        }
        self.memo.insert(key.to_owned(), Arc::from(body.as_str()));
        body
    }

    /// Reads `key` from the cache, or computes it once however many tasks ask
    /// at the same time, and stores the answer.
    pub(super) async fn cached<T, F, Fut>(&self, key: &str, fetch: F) -> Result<T, TmdbError>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, TmdbError>>,
    {
        if let Some(value) = self.read_cache(key).await {
            return Ok(value);
        }
        let cell = self.flights.entry(key.to_owned()).or_default().clone();
        let result = cell
            .get_or_try_init(|| async {
                // Another task may have finished this key between our read and now.
                if let Some(body) = self.read_cache_raw(key).await {
                    return Ok(body);
                }
                let value = fetch().await?;
                Ok::<_, TmdbError>(self.store(key, &value).await)
            })
            .await
            .cloned();
        self.flights.remove_if(key, |_, c| Arc::ptr_eq(c, &cell));
        let body = result?;
        serde_json::from_str(&body).map_err(|err| TmdbError::Malformed {
            message: self.tmdb.scrub(format!("cached answer unreadable: {err}")),
            attempts: 0,
        })
    }

    async fn read_cache<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let body = self.read_cache_raw(key).await?;
        serde_json::from_str(&body).ok()
    }

    async fn read_cache_raw(&self, key: &str) -> Option<String> {
        if let Some(body) = self.memo.get(key) {
            return Some(body.to_string());
        }
        let body = self.read_db_cache(key).await?;
        self.memo.insert(key.to_owned(), Arc::from(body.as_str()));
        Some(body)
    }

    async fn read_db_cache(&self, key: &str) -> Option<String> {
        let ttl = chrono::Duration::from_std(self.ttl).unwrap_or(chrono::Duration::MAX);
        let since = Utc::now().checked_sub_signed(ttl).unwrap_or_default();
        match cache::get_fresh(&self.db, key, since).await {
            Ok(hit) => hit,
            Err(err) => {
                tracing::warn!(key = %Clipped(key), error = %err, "could not read the TMDB cache");
                None
            }
        }
    }
}

/// The cache key of a TMDB record's details.
fn details_key(media_type: MediaType, tmdb_id: i64) -> String {
    format!("{}:{tmdb_id}", media_type.as_str())
}
