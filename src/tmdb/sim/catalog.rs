//! The simulator's catalog: real films and miniseries, embedded at build time
//! from `catalog.json`, with the indexes its endpoints search.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Deserializer};

use super::search::{TitleWords, words};
use crate::tmdb::types::{Genre, ProductionCountry, SpokenLanguage, date_year};

/// The catalog compiled into the binary.
const EMBEDDED_JSON: &str = include_str!("catalog.json");

/// A person credited by id and name (director, creator).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CatalogPerson {
    /// TMDB person id.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// An actor and the role.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CatalogCast {
    /// TMDB person id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The role played.
    #[serde(default)]
    pub character: String,
}

/// One film of the catalog.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CatalogMovie {
    /// TMDB movie id.
    pub id: i64,
    /// IMDb id, `tt…`.
    #[serde(default)]
    pub imdb_id: Option<String>,
    /// English title.
    pub title: String,
    /// Original title; the English title when absent.
    #[serde(default)]
    pub original_title: Option<String>,
    /// ISO 639-1 code of the original language.
    #[serde(default)]
    pub original_language: String,
    /// Other titles it is known by (plain strings or TMDB's `{title}` objects).
    #[serde(default, deserialize_with = "titles")]
    pub alternative_titles: Vec<String>,
    /// Primary release date `YYYY-MM-DD`.
    #[serde(default)]
    pub release_date: Option<String>,
    /// Runtime in minutes.
    #[serde(default)]
    pub runtime: Option<u32>,
    /// Genres.
    #[serde(default)]
    pub genres: Vec<Genre>,
    /// Production countries.
    #[serde(default)]
    pub production_countries: Vec<ProductionCountry>,
    /// Spoken languages.
    #[serde(default)]
    pub spoken_languages: Vec<SpokenLanguage>,
    /// TMDB popularity; search results are ordered by it.
    #[serde(default)]
    pub popularity: f64,
    /// Average vote.
    #[serde(default)]
    pub vote_average: f64,
    /// Vote count.
    #[serde(default)]
    pub vote_count: u64,
    /// Poster path.
    #[serde(default)]
    pub poster_path: Option<String>,
    /// Plot summary.
    #[serde(default)]
    pub overview: String,
    /// Directors.
    #[serde(default)]
    pub directors: Vec<CatalogPerson>,
    /// Cast in billing order.
    #[serde(default)]
    pub cast: Vec<CatalogCast>,
}

impl CatalogMovie {
    /// The original title, falling back to the title.
    pub fn original_title(&self) -> &str {
        self.original_title.as_deref().unwrap_or(&self.title)
    }

    /// The release year.
    pub fn year(&self) -> Option<i32> {
        date_year(self.release_date.as_deref())
    }
}

/// One TV show (miniseries) of the catalog.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CatalogTv {
    /// TMDB TV id.
    pub id: i64,
    /// IMDb id, `tt…`, so that `find` resolves it.
    #[serde(default)]
    pub imdb_id: Option<String>,
    /// English name.
    pub name: String,
    /// Original name; the English name when absent.
    #[serde(default)]
    pub original_name: Option<String>,
    /// ISO 639-1 code of the original language.
    #[serde(default)]
    pub original_language: String,
    /// Other names it is known by.
    #[serde(default, deserialize_with = "titles")]
    pub alternative_titles: Vec<String>,
    /// First air date `YYYY-MM-DD`.
    #[serde(default)]
    pub first_air_date: Option<String>,
    /// Episode runtimes in minutes.
    #[serde(default)]
    pub episode_run_time: Vec<u32>,
    /// Number of episodes.
    #[serde(default)]
    pub number_of_episodes: Option<u32>,
    /// Number of seasons (1 when absent).
    #[serde(default)]
    pub number_of_seasons: Option<u32>,
    /// Genres.
    #[serde(default)]
    pub genres: Vec<Genre>,
    /// ISO 3166-1 codes of the countries of origin.
    #[serde(default)]
    pub origin_country: Vec<String>,
    /// Production countries.
    #[serde(default)]
    pub production_countries: Vec<ProductionCountry>,
    /// Spoken languages.
    #[serde(default)]
    pub spoken_languages: Vec<SpokenLanguage>,
    /// TMDB popularity.
    #[serde(default)]
    pub popularity: f64,
    /// Average vote.
    #[serde(default)]
    pub vote_average: f64,
    /// Vote count.
    #[serde(default)]
    pub vote_count: u64,
    /// Poster path.
    #[serde(default)]
    pub poster_path: Option<String>,
    /// Plot summary.
    #[serde(default)]
    pub overview: String,
    /// Creators.
    #[serde(default)]
    pub created_by: Vec<CatalogPerson>,
    /// Cast in billing order.
    #[serde(default)]
    pub cast: Vec<CatalogCast>,
}

impl CatalogTv {
    /// The original name, falling back to the name.
    pub fn original_name(&self) -> &str {
        self.original_name.as_deref().unwrap_or(&self.name)
    }

    /// The year of the first air date.
    pub fn year(&self) -> Option<i32> {
        date_year(self.first_air_date.as_deref())
    }
}

/// Why a catalog could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// Not JSON of the catalog's shape.
    #[error("catalog JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Two entries of one kind share an id.
    #[error("catalog has {kind} id {id} twice")]
    DuplicateId {
        /// `"movie"` or `"tv"`.
        kind: &'static str,
        /// The repeated id.
        id: i64,
    },
}

/// What an IMDb id refers to.
#[derive(Clone, Copy, Debug)]
enum ImdbTarget {
    Movie(usize),
    Tv(usize),
}

/// The films and shows, with their search indexes. Immutable once built.
#[derive(Debug)]
pub struct Catalog {
    movies: Vec<CatalogMovie>,
    tv: Vec<CatalogTv>,
    movie_by_id: HashMap<i64, usize>,
    tv_by_id: HashMap<i64, usize>,
    by_imdb: HashMap<String, ImdbTarget>,
    /// Per movie, the words of its title, original title and alternative titles.
    movie_words: Vec<Vec<TitleWords>>,
    tv_words: Vec<Vec<TitleWords>>,
}

#[derive(Deserialize)]
struct CatalogFile {
    #[serde(default)]
    movies: Vec<CatalogMovie>,
    #[serde(default)]
    tv: Vec<CatalogTv>,
}

impl Catalog {
    /// The catalog embedded in the binary, parsed on first use and shared.
    pub fn embedded() -> Arc<Catalog> {
        // Parsed once; the OnceLock is written a single time and never mutated after.
        static EMBEDDED: OnceLock<Arc<Catalog>> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| {
                // A broken embedded catalog is a build defect, caught by the tests below.
                Arc::new(Catalog::from_json(EMBEDDED_JSON).expect("embedded catalog.json is valid"))
            })
            .clone()
    }

    /// Parses and indexes a catalog in `catalog.json`'s format.
    pub fn from_json(json: &str) -> Result<Catalog, CatalogError> {
        let file: CatalogFile = serde_json::from_str(json)?;
        Self::new(file.movies, file.tv)
    }

    /// Indexes the given films and shows.
    pub fn new(movies: Vec<CatalogMovie>, tv: Vec<CatalogTv>) -> Result<Catalog, CatalogError> {
        let movie_by_id = index_ids("movie", movies.iter().map(|m| m.id))?;
        let tv_by_id = index_ids("tv", tv.iter().map(|t| t.id))?;
        let mut by_imdb = HashMap::new();
        for (i, t) in tv.iter().enumerate() {
            if let Some(imdb) = &t.imdb_id {
                by_imdb.insert(imdb.to_ascii_lowercase(), ImdbTarget::Tv(i));
            }
        }
        for (i, m) in movies.iter().enumerate() {
            if let Some(imdb) = &m.imdb_id {
                by_imdb.insert(imdb.to_ascii_lowercase(), ImdbTarget::Movie(i));
            }
        }
        let names = |title: &str, original: &str, alternatives: &[String]| {
            std::iter::once(title)
                .chain([original])
                .chain(alternatives.iter().map(String::as_str))
                .map(TitleWords::new)
                .collect()
        };
        let movie_words = movies
            .iter()
            .map(|m| names(&m.title, m.original_title(), &m.alternative_titles))
            .collect();
        let tv_words = tv
            .iter()
            .map(|t| names(&t.name, t.original_name(), &t.alternative_titles))
            .collect();
        Ok(Catalog {
            movies,
            tv,
            movie_by_id,
            tv_by_id,
            by_imdb,
            movie_words,
            tv_words,
        })
    }

    /// All films.
    pub fn movies(&self) -> &[CatalogMovie] {
        &self.movies
    }

    /// All TV shows.
    pub fn tv(&self) -> &[CatalogTv] {
        &self.tv
    }

    /// The film with TMDB id `id`.
    pub fn movie(&self, id: i64) -> Option<&CatalogMovie> {
        self.movie_by_id.get(&id).map(|&i| &self.movies[i])
    }

    /// The show with TMDB id `id`.
    pub fn tv_show(&self, id: i64) -> Option<&CatalogTv> {
        self.tv_by_id.get(&id).map(|&i| &self.tv[i])
    }

    /// The film or show with this IMDb id (case-insensitive).
    pub fn find_imdb(&self, imdb_id: &str) -> (Option<&CatalogMovie>, Option<&CatalogTv>) {
        match self.by_imdb.get(&imdb_id.trim().to_ascii_lowercase()) {
            Some(ImdbTarget::Movie(i)) => (Some(&self.movies[*i]), None),
            Some(ImdbTarget::Tv(i)) => (None, Some(&self.tv[*i])),
            None => (None, None),
        }
    }

    /// Films any of whose titles holds every word of `query`, released in
    /// `year` if given, most popular first.
    pub fn search_movies(&self, query: &str, year: Option<i32>) -> Vec<&CatalogMovie> {
        let query = words(query);
        let mut hits: Vec<&CatalogMovie> = self
            .movies
            .iter()
            .zip(&self.movie_words)
            .filter(|(m, names)| {
                year.is_none_or(|y| m.year() == Some(y)) && names.iter().any(|n| n.matches(&query))
            })
            .map(|(m, _)| m)
            .collect();
        hits.sort_by(|a, b| b.popularity.total_cmp(&a.popularity).then(a.id.cmp(&b.id)));
        hits
    }

    /// Shows any of whose names holds every word of `query`, first aired in
    /// `year` if given, most popular first.
    pub fn search_tv(&self, query: &str, year: Option<i32>) -> Vec<&CatalogTv> {
        let query = words(query);
        let mut hits: Vec<&CatalogTv> = self
            .tv
            .iter()
            .zip(&self.tv_words)
            .filter(|(t, names)| {
                year.is_none_or(|y| t.year() == Some(y)) && names.iter().any(|n| n.matches(&query))
            })
            .map(|(t, _)| t)
            .collect();
        hits.sort_by(|a, b| b.popularity.total_cmp(&a.popularity).then(a.id.cmp(&b.id)));
        hits
    }
}

fn index_ids(
    kind: &'static str,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, usize>, CatalogError> {
    let mut index = HashMap::new();
    for (i, id) in ids.enumerate() {
        if index.insert(id, i).is_some() {
            return Err(CatalogError::DuplicateId { kind, id });
        }
    }
    Ok(index)
}

/// Alternative titles as plain strings or as TMDB's `{"title": …}` objects.
fn titles<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Title {
        Plain(String),
        Entry { title: String },
    }
    let titles = Option::<Vec<Title>>::deserialize(de)?.unwrap_or_default();
    Ok(titles
        .into_iter()
        .map(|t| match t {
            Title::Plain(s) | Title::Entry { title: s } => s,
        })
        .collect())
}

#[cfg(test)]
mod tests;
