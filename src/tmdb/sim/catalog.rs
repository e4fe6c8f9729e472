//! The simulator's catalog: real films and miniseries, embedded at build time
//! from `catalog.json`, with the indexes its endpoints search.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Deserializer};

use super::search::{SearchIndex, TitleWords};
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
    /// Other titles it is known by (plain strings or TMDB's `{title}` objects;
    /// `alt_titles` in the shared catalog's format).
    #[serde(default, alias = "alt_titles", deserialize_with = "titles")]
    pub alternative_titles: Vec<String>,
    /// Primary release date `YYYY-MM-DD`; `""` is none.
    #[serde(default, deserialize_with = "non_empty")]
    pub release_date: Option<String>,
    /// Runtime in minutes; 0 is unknown, as TMDB sends it.
    #[serde(default, deserialize_with = "runtime")]
    pub runtime: Option<u32>,
    /// Genres (TMDB's objects, or names as the shared catalog writes them).
    #[serde(default, deserialize_with = "genres")]
    pub genres: Vec<Genre>,
    /// Production countries (TMDB's objects, or ISO codes as the shared
    /// catalog's `countries` writes them).
    #[serde(default, alias = "countries", deserialize_with = "countries")]
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
    /// Directors (objects, or names given a stable synthetic id).
    #[serde(default, deserialize_with = "people")]
    pub directors: Vec<CatalogPerson>,
    /// Cast in billing order (objects, or names given a stable synthetic id).
    #[serde(default, deserialize_with = "cast")]
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
    /// The file could not be read or decompressed.
    #[error("catalog {path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
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
    /// The words of each movie's title, original title and alternative titles.
    movie_index: SearchIndex,
    tv_index: SearchIndex,
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

    /// Loads a catalog file: `catalog.json`'s format or the shared real-data
    /// catalog's (`{"movies":[{…,"genres":["Comedy"],"directors":["name"],
    /// "alt_titles":[…]}]}`), plain or gzipped (told by its first bytes).
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Catalog, CatalogError> {
        use std::io::Read;
        let path = path.as_ref();
        let io = |source| CatalogError::Io {
            path: path.to_owned(),
            source,
        };
        let raw = std::fs::read(path).map_err(io)?;
        let json = if raw.starts_with(&[0x1f, 0x8b]) {
            let mut text = String::with_capacity(raw.len() * 6);
            flate2::read::MultiGzDecoder::new(raw.as_slice())
                .read_to_string(&mut text)
                .map_err(io)?;
            text
        } else {
            String::from_utf8(raw)
                .map_err(|e| io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?
        };
        Self::from_json(&json)
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
        let movie_index = SearchIndex::new(
            movies
                .iter()
                .map(|m| {
                    let titles = names(&m.title, m.original_title(), &m.alternative_titles);
                    (titles, m.popularity, m.id)
                })
                .collect(),
        );
        let tv_index = SearchIndex::new(
            tv.iter()
                .map(|t| {
                    let titles = names(&t.name, t.original_name(), &t.alternative_titles);
                    (titles, t.popularity, t.id)
                })
                .collect(),
        );
        Ok(Catalog {
            movies,
            tv,
            movie_by_id,
            tv_by_id,
            by_imdb,
            movie_index,
            tv_index,
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

    /// Films any of whose titles holds every word of `query` (the last may
    /// be a prefix), released in `year` if given, most popular first.
    pub fn search_movies(&self, query: &str, year: Option<i32>) -> Vec<&CatalogMovie> {
        self.movie_index
            .search(query, |i| {
                year.is_none_or(|y| self.movies[i].year() == Some(y))
            })
            .into_iter()
            .map(|i| &self.movies[i])
            .collect()
    }

    /// Shows any of whose names holds every word of `query`, first aired in
    /// `year` if given, most popular first.
    pub fn search_tv(&self, query: &str, year: Option<i32>) -> Vec<&CatalogTv> {
        self.tv_index
            .search(query, |i| year.is_none_or(|y| self.tv[i].year() == Some(y)))
            .into_iter()
            .map(|i| &self.tv[i])
            .collect()
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

/// `None` for an absent or empty string.
fn non_empty<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(de)?.filter(|s| !s.trim().is_empty()))
}

/// A runtime; 0 (the shared catalog's "unknown") is none.
fn runtime<'de, D: Deserializer<'de>>(de: D) -> Result<Option<u32>, D::Error> {
    Ok(Option::<u32>::deserialize(de)?.filter(|&r| r > 0))
}

/// An entry given as an object, or as the plain string the shared catalog writes.
#[derive(Deserialize)]
#[serde(untagged)]
enum OrName<T> {
    Name(String),
    Full(T),
}

fn or_names<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    de: D,
    from_name: impl Fn(String) -> T,
) -> Result<Vec<T>, D::Error> {
    let entries = Option::<Vec<OrName<T>>>::deserialize(de)?.unwrap_or_default();
    Ok(entries
        .into_iter()
        .map(|e| match e {
            OrName::Name(name) => from_name(name),
            OrName::Full(full) => full,
        })
        .collect())
}

fn genres<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<Genre>, D::Error> {
    or_names(de, |name| Genre {
        id: genre_id(&name),
        name,
    })
}

fn countries<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<ProductionCountry>, D::Error> {
    or_names(de, |code| ProductionCountry {
        name: country_name(&code).unwrap_or(&code).to_owned(),
        iso_3166_1: code,
    })
}

fn people<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<CatalogPerson>, D::Error> {
    or_names(de, |name| CatalogPerson {
        id: person_id(&name),
        name,
    })
}

fn cast<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<CatalogCast>, D::Error> {
    or_names(de, |name| CatalogCast {
        id: person_id(&name),
        name,
        character: String::new(),
    })
}

/// TMDB's id of a movie genre by its English name; a stable id above TMDB's
/// range for a name TMDB does not have.
pub(super) fn genre_id(name: &str) -> i64 {
    const TMDB: [(&str, i64); 19] = [
        ("Action", 28),
        ("Adventure", 12),
        ("Animation", 16),
        ("Comedy", 35),
        ("Crime", 80),
        ("Documentary", 99),
        ("Drama", 18),
        ("Family", 10751),
        ("Fantasy", 14),
        ("History", 36),
        ("Horror", 27),
        ("Music", 10402),
        ("Mystery", 9648),
        ("Romance", 10749),
        ("Science Fiction", 878),
        ("TV Movie", 10770),
        ("Thriller", 53),
        ("War", 10752),
        ("Western", 37),
    ];
    TMDB.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
        .map_or_else(|| 20_000 + (fnv1a(name) % 10_000) as i64, |(_, id)| *id)
}

/// A stable synthetic person id for a name the catalog gives without one,
/// above the ids TMDB has handed out.
pub(super) fn person_id(name: &str) -> i64 {
    100_000_000 + (fnv1a(name) % 900_000_000) as i64
}

/// FNV-1a, 64 bits: stable across builds and platforms, unlike `DefaultHasher`.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// English names of the production countries most films have (TMDB's spelling).
fn country_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "US" => "United States of America",
        "GB" => "United Kingdom",
        "FR" => "France",
        "DE" => "Germany",
        "CA" => "Canada",
        "IT" => "Italy",
        "JP" => "Japan",
        "ES" => "Spain",
        "AU" => "Australia",
        "IN" => "India",
        "HK" => "Hong Kong",
        "CN" => "China",
        "KR" => "South Korea",
        "SE" => "Sweden",
        "DK" => "Denmark",
        "BE" => "Belgium",
        "NL" => "Netherlands",
        "MX" => "Mexico",
        "IE" => "Ireland",
        "NZ" => "New Zealand",
        "RU" => "Russia",
        "BR" => "Brazil",
        "AR" => "Argentina",
        "NO" => "Norway",
        "FI" => "Finland",
        "CH" => "Switzerland",
        "AT" => "Austria",
        "PL" => "Poland",
        "CZ" => "Czech Republic",
        "HU" => "Hungary",
        "ZA" => "South Africa",
        "IL" => "Israel",
        "IR" => "Iran",
        "TW" => "Taiwan",
        "TH" => "Thailand",
        "SU" => "Soviet Union",
        _ => return None,
    })
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
