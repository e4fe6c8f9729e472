//! TMDB v3 response types, as documented on developer.themoviedb.org.
//!
//! Deserialisation is lenient where TMDB is (missing or `null` fields take
//! their default, `""` dates become `None`) and strict on ids, which must be
//! present and numeric. The same types serialise the simulator's responses,
//! so every field TMDB sends is kept, even those reelstream does not read.

use serde::{Deserialize, Deserializer, Serialize};

/// Base URL of TMDB's image CDN; a size (`w185`, `w500`, `original`) and a `poster_path` follow.
pub const IMAGE_BASE_URL: &str = "https://image.tmdb.org/t/p";

/// The full URL of an image path such as `poster_path` at a size such as `w500`.
pub fn image_url(size: &str, path: &str) -> String {
    format!("{IMAGE_BASE_URL}/{size}{path}")
}

/// The year of a TMDB date (`"2021-09-15"` → 2021), if it has one.
pub fn date_year(date: Option<&str>) -> Option<i32> {
    date?.get(..4)?.parse().ok()
}

/// One page of a paged TMDB answer (search results).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Paged<T> {
    /// The page number, from 1.
    #[serde(default = "first_page")]
    pub page: u32,
    /// The results on this page (TMDB sends 20 per page).
    #[serde(default, deserialize_with = "null_default")]
    pub results: Vec<T>,
    /// How many pages there are.
    #[serde(default, deserialize_with = "null_default")]
    pub total_pages: u32,
    /// How many results there are over all pages.
    #[serde(default, deserialize_with = "null_default")]
    pub total_results: u32,
}

fn first_page() -> u32 {
    1
}

/// A genre (`{id, name}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Genre {
    /// TMDB genre id.
    pub id: i64,
    /// English genre name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
}

/// A production country (`{iso_3166_1, name}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductionCountry {
    /// ISO 3166-1 alpha-2 code.
    #[serde(default, deserialize_with = "null_default")]
    pub iso_3166_1: String,
    /// English country name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
}

/// A spoken language (`{iso_639_1, english_name, name}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpokenLanguage {
    /// ISO 639-1 code.
    #[serde(default, deserialize_with = "null_default")]
    pub iso_639_1: String,
    /// The language's English name.
    #[serde(default, deserialize_with = "null_default")]
    pub english_name: String,
    /// The language's own name for itself.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
}

/// A movie as `search/movie` and `find` list it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MovieResult {
    /// TMDB movie id.
    pub id: i64,
    /// Title in the requested language.
    #[serde(default, deserialize_with = "null_default")]
    pub title: String,
    /// Title in the original language.
    #[serde(default, deserialize_with = "null_default")]
    pub original_title: String,
    /// ISO 639-1 code of the original language.
    #[serde(default, deserialize_with = "null_default")]
    pub original_language: String,
    /// Primary release date `YYYY-MM-DD`; TMDB's `""` becomes `None`.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub release_date: Option<String>,
    /// TMDB popularity score.
    #[serde(default, deserialize_with = "null_default")]
    pub popularity: f64,
    /// Average user vote, 0–10.
    #[serde(default, deserialize_with = "null_default")]
    pub vote_average: f64,
    /// Number of user votes.
    #[serde(default, deserialize_with = "null_default")]
    pub vote_count: u64,
    /// Poster image path, see [`image_url`].
    #[serde(default)]
    pub poster_path: Option<String>,
    /// Backdrop image path.
    #[serde(default)]
    pub backdrop_path: Option<String>,
    /// Genre ids (names come with the details).
    #[serde(default, deserialize_with = "null_default")]
    pub genre_ids: Vec<i64>,
    /// Plot summary.
    #[serde(default, deserialize_with = "null_default")]
    pub overview: String,
    /// Adult film.
    #[serde(default, deserialize_with = "null_default")]
    pub adult: bool,
    /// A video rather than a film.
    #[serde(default, deserialize_with = "null_default")]
    pub video: bool,
    /// `"movie"` in `find` results; absent in search results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

impl MovieResult {
    /// The primary release year.
    pub fn year(&self) -> Option<i32> {
        date_year(self.release_date.as_deref())
    }
}

/// A cast credit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CastMember {
    /// TMDB person id.
    pub id: i64,
    /// Credited name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Name in the original script.
    #[serde(default)]
    pub original_name: Option<String>,
    /// The role played.
    #[serde(default, deserialize_with = "null_default")]
    pub character: String,
    /// Billing order, 0 first.
    #[serde(default, deserialize_with = "null_default")]
    pub order: u32,
    /// The person's main department (`"Acting"`).
    #[serde(default)]
    pub known_for_department: Option<String>,
    /// Profile image path.
    #[serde(default)]
    pub profile_path: Option<String>,
    /// TMDB credit id.
    #[serde(default)]
    pub credit_id: Option<String>,
}

/// A crew credit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrewMember {
    /// TMDB person id.
    pub id: i64,
    /// Credited name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Name in the original script.
    #[serde(default)]
    pub original_name: Option<String>,
    /// The job (`"Director"`, `"Screenplay"` …).
    #[serde(default, deserialize_with = "null_default")]
    pub job: String,
    /// The department (`"Directing"`, `"Writing"` …).
    #[serde(default, deserialize_with = "null_default")]
    pub department: String,
    /// The person's main department.
    #[serde(default)]
    pub known_for_department: Option<String>,
    /// Profile image path.
    #[serde(default)]
    pub profile_path: Option<String>,
    /// TMDB credit id.
    #[serde(default)]
    pub credit_id: Option<String>,
}

/// `credits`, appended to details with `append_to_response=credits`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Credits {
    /// Cast in billing order.
    #[serde(default, deserialize_with = "null_default")]
    pub cast: Vec<CastMember>,
    /// Crew, directors among them.
    #[serde(default, deserialize_with = "null_default")]
    pub crew: Vec<CrewMember>,
}

impl Credits {
    /// Crew members credited with `job` (e.g. `"Director"`).
    pub fn crew_with_job<'a>(&'a self, job: &'a str) -> impl Iterator<Item = &'a CrewMember> {
        self.crew.iter().filter(move |c| c.job == job)
    }
}

/// `GET /movie/{id}` (with `append_to_response=credits`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MovieDetails {
    /// TMDB movie id.
    pub id: i64,
    /// IMDb id (`tt…`), when TMDB knows it.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub imdb_id: Option<String>,
    /// Title in the requested language.
    #[serde(default, deserialize_with = "null_default")]
    pub title: String,
    /// Title in the original language.
    #[serde(default, deserialize_with = "null_default")]
    pub original_title: String,
    /// ISO 639-1 code of the original language.
    #[serde(default, deserialize_with = "null_default")]
    pub original_language: String,
    /// Primary release date `YYYY-MM-DD`; `""` becomes `None`.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub release_date: Option<String>,
    /// Runtime in minutes (TMDB sends 0 or null when unknown).
    #[serde(default)]
    pub runtime: Option<u32>,
    /// Genres.
    #[serde(default, deserialize_with = "null_default")]
    pub genres: Vec<Genre>,
    /// Production countries.
    #[serde(default, deserialize_with = "null_default")]
    pub production_countries: Vec<ProductionCountry>,
    /// ISO 3166-1 codes of the countries of origin.
    #[serde(default, deserialize_with = "null_default")]
    pub origin_country: Vec<String>,
    /// Spoken languages.
    #[serde(default, deserialize_with = "null_default")]
    pub spoken_languages: Vec<SpokenLanguage>,
    /// Poster image path, see [`image_url`].
    #[serde(default)]
    pub poster_path: Option<String>,
    /// Backdrop image path.
    #[serde(default)]
    pub backdrop_path: Option<String>,
    /// Plot summary.
    #[serde(default, deserialize_with = "null_default")]
    pub overview: String,
    /// Tagline.
    #[serde(default)]
    pub tagline: Option<String>,
    /// Release status (`"Released"` …).
    #[serde(default)]
    pub status: Option<String>,
    /// TMDB popularity score.
    #[serde(default, deserialize_with = "null_default")]
    pub popularity: f64,
    /// Average user vote, 0–10.
    #[serde(default, deserialize_with = "null_default")]
    pub vote_average: f64,
    /// Number of user votes.
    #[serde(default, deserialize_with = "null_default")]
    pub vote_count: u64,
    /// Adult film.
    #[serde(default, deserialize_with = "null_default")]
    pub adult: bool,
    /// A video rather than a film.
    #[serde(default, deserialize_with = "null_default")]
    pub video: bool,
    /// Cast and crew; empty unless `credits` was appended.
    #[serde(default, deserialize_with = "null_default")]
    pub credits: Credits,
}

impl MovieDetails {
    /// The primary release year.
    pub fn year(&self) -> Option<i32> {
        date_year(self.release_date.as_deref())
    }

    /// The directors, in credit order.
    pub fn directors(&self) -> impl Iterator<Item = &CrewMember> {
        self.credits.crew_with_job("Director")
    }
}

/// A TV show as `search/tv` and `find` list it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TvResult {
    /// TMDB TV id.
    pub id: i64,
    /// Name in the requested language.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Name in the original language.
    #[serde(default, deserialize_with = "null_default")]
    pub original_name: String,
    /// ISO 639-1 code of the original language.
    #[serde(default, deserialize_with = "null_default")]
    pub original_language: String,
    /// First air date `YYYY-MM-DD`; `""` becomes `None`.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub first_air_date: Option<String>,
    /// ISO 3166-1 codes of the countries of origin.
    #[serde(default, deserialize_with = "null_default")]
    pub origin_country: Vec<String>,
    /// TMDB popularity score.
    #[serde(default, deserialize_with = "null_default")]
    pub popularity: f64,
    /// Average user vote, 0–10.
    #[serde(default, deserialize_with = "null_default")]
    pub vote_average: f64,
    /// Number of user votes.
    #[serde(default, deserialize_with = "null_default")]
    pub vote_count: u64,
    /// Poster image path.
    #[serde(default)]
    pub poster_path: Option<String>,
    /// Backdrop image path.
    #[serde(default)]
    pub backdrop_path: Option<String>,
    /// Genre ids.
    #[serde(default, deserialize_with = "null_default")]
    pub genre_ids: Vec<i64>,
    /// Plot summary.
    #[serde(default, deserialize_with = "null_default")]
    pub overview: String,
    /// Adult content.
    #[serde(default, deserialize_with = "null_default")]
    pub adult: bool,
    /// `"tv"` in `find` results; absent in search results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

impl TvResult {
    /// The year of the first air date.
    pub fn year(&self) -> Option<i32> {
        date_year(self.first_air_date.as_deref())
    }
}

/// A show's creator (`created_by`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Creator {
    /// TMDB person id.
    pub id: i64,
    /// Name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Name in the original script.
    #[serde(default)]
    pub original_name: Option<String>,
    /// TMDB credit id.
    #[serde(default)]
    pub credit_id: Option<String>,
    /// Profile image path.
    #[serde(default)]
    pub profile_path: Option<String>,
}

/// `GET /tv/{id}` (with `append_to_response=credits`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TvDetails {
    /// TMDB TV id.
    pub id: i64,
    /// Name in the requested language.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Name in the original language.
    #[serde(default, deserialize_with = "null_default")]
    pub original_name: String,
    /// ISO 639-1 code of the original language.
    #[serde(default, deserialize_with = "null_default")]
    pub original_language: String,
    /// First air date; `""` becomes `None`.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub first_air_date: Option<String>,
    /// Last air date; `""` becomes `None`.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub last_air_date: Option<String>,
    /// Typical episode runtimes in minutes (often empty on recent shows).
    #[serde(default, deserialize_with = "null_default")]
    pub episode_run_time: Vec<u32>,
    /// Number of episodes.
    #[serde(default)]
    pub number_of_episodes: Option<u32>,
    /// Number of seasons.
    #[serde(default)]
    pub number_of_seasons: Option<u32>,
    /// Genres.
    #[serde(default, deserialize_with = "null_default")]
    pub genres: Vec<Genre>,
    /// ISO 3166-1 codes of the countries of origin.
    #[serde(default, deserialize_with = "null_default")]
    pub origin_country: Vec<String>,
    /// Production countries.
    #[serde(default, deserialize_with = "null_default")]
    pub production_countries: Vec<ProductionCountry>,
    /// Spoken languages.
    #[serde(default, deserialize_with = "null_default")]
    pub spoken_languages: Vec<SpokenLanguage>,
    /// Poster image path.
    #[serde(default)]
    pub poster_path: Option<String>,
    /// Backdrop image path.
    #[serde(default)]
    pub backdrop_path: Option<String>,
    /// Plot summary.
    #[serde(default, deserialize_with = "null_default")]
    pub overview: String,
    /// Production status (`"Ended"` …).
    #[serde(default)]
    pub status: Option<String>,
    /// Show type (`"Miniseries"`, `"Scripted"` …).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// TMDB popularity score.
    #[serde(default, deserialize_with = "null_default")]
    pub popularity: f64,
    /// Average user vote, 0–10.
    #[serde(default, deserialize_with = "null_default")]
    pub vote_average: f64,
    /// Number of user votes.
    #[serde(default, deserialize_with = "null_default")]
    pub vote_count: u64,
    /// Creators.
    #[serde(default, deserialize_with = "null_default")]
    pub created_by: Vec<Creator>,
    /// Cast and crew; empty unless `credits` was appended.
    #[serde(default, deserialize_with = "null_default")]
    pub credits: Credits,
    /// Ids on other sites; absent unless `external_ids` was appended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ids: Option<ExternalIds>,
}

/// `append_to_response=external_ids`: the record's ids on other sites.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExternalIds {
    /// IMDb id, `tt…`; `""` becomes `None`.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub imdb_id: Option<String>,
}

impl TvDetails {
    /// The year of the first air date.
    pub fn year(&self) -> Option<i32> {
        date_year(self.first_air_date.as_deref())
    }
}

/// `GET /find/{external_id}`: what an external id (IMDb …) refers to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FindResponse {
    /// Movies with that id.
    #[serde(default, deserialize_with = "null_default")]
    pub movie_results: Vec<MovieResult>,
    /// TV shows with that id.
    #[serde(default, deserialize_with = "null_default")]
    pub tv_results: Vec<TvResult>,
    /// People with that id (not used by reelstream, kept raw).
    #[serde(default, deserialize_with = "null_default")]
    pub person_results: Vec<serde_json::Value>,
    /// TV episodes with that id (kept raw).
    #[serde(default, deserialize_with = "null_default")]
    pub tv_episode_results: Vec<serde_json::Value>,
    /// TV seasons with that id (kept raw).
    #[serde(default, deserialize_with = "null_default")]
    pub tv_season_results: Vec<serde_json::Value>,
}

/// TMDB's error body: `{status_code, status_message, success}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// TMDB's own error code (7 invalid key, 25 rate limit, 34 not found …).
    #[serde(default, deserialize_with = "null_default")]
    pub status_code: i32,
    /// Human-readable message.
    #[serde(default, deserialize_with = "null_default")]
    pub status_message: String,
    /// Always `false` on errors.
    #[serde(default, deserialize_with = "null_default")]
    pub success: bool,
}

impl ErrorBody {
    /// An error body with `success: false`.
    pub fn new(status_code: i32, status_message: impl Into<String>) -> Self {
        Self {
            status_code,
            status_message: status_message.into(),
            success: false,
        }
    }
}

/// `null` takes the type's default, as a missing field does with `#[serde(default)]`.
fn null_default<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(de)?.unwrap_or_default())
}

/// TMDB sends `""` for unknown dates and ids; treat it like `null`.
fn empty_as_none<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(de)?.filter(|s| !s.trim().is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_result_is_lenient_on_nulls_and_empty_dates() {
        let json = r#"{"page":1,"total_pages":1,"total_results":1,"results":[
            {"id":1,"title":"X","original_title":null,"release_date":"","popularity":null,
             "genre_ids":null,"poster_path":null,"unknown_field":[1,2]}]}"#;
        let page: Paged<MovieResult> = serde_json::from_str(json).unwrap();
        let m = &page.results[0];
        assert_eq!(m.release_date, None);
        assert_eq!(m.year(), None);
        assert_eq!(m.original_title, "");
        assert!(m.genre_ids.is_empty());
        assert_eq!(m.popularity, 0.0);
    }

    #[test]
    fn ids_are_strict() {
        assert!(serde_json::from_str::<MovieResult>(r#"{"title":"X"}"#).is_err());
        assert!(serde_json::from_str::<MovieResult>(r#"{"id":"12","title":"X"}"#).is_err());
        assert!(serde_json::from_str::<MovieDetails>(r#"{"id":null}"#).is_err());
    }

    #[test]
    fn details_directors_and_year() {
        let json = r#"{"id":841,"imdb_id":"tt0087182","title":"Dune","release_date":"1984-12-14",
            "runtime":null,"credits":{"cast":[{"id":2,"name":"K","character":null,"order":0}],
            "crew":[{"id":5602,"name":"David Lynch","job":"Director","department":"Directing"},
                    {"id":9,"name":"W","job":"Screenplay","department":"Writing"}]}}"#;
        let d: MovieDetails = serde_json::from_str(json).unwrap();
        assert_eq!(d.year(), Some(1984));
        assert_eq!(d.runtime, None);
        assert_eq!(
            d.directors().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["David Lynch"]
        );
        assert_eq!(d.credits.cast[0].character, "");
    }

    #[test]
    fn details_without_credits_and_with_empty_imdb_id() {
        let d: MovieDetails = serde_json::from_str(r#"{"id":1,"imdb_id":""}"#).unwrap();
        assert_eq!(d.imdb_id, None);
        assert!(d.credits.cast.is_empty());
    }

    #[test]
    fn tv_type_field_and_find_response() {
        let tv: TvDetails =
            serde_json::from_str(r#"{"id":87108,"name":"Chernobyl","type":"Miniseries"}"#).unwrap();
        assert_eq!(tv.kind.as_deref(), Some("Miniseries"));
        let find: FindResponse = serde_json::from_str(
            r#"{"movie_results":[{"id":1,"media_type":"movie"}],"tv_results":[]}"#,
        )
        .unwrap();
        assert_eq!(find.movie_results[0].media_type.as_deref(), Some("movie"));
        assert!(find.person_results.is_empty());
    }

    #[test]
    fn helpers() {
        assert_eq!(
            image_url("w500", "/a.jpg"),
            "https://image.tmdb.org/t/p/w500/a.jpg"
        );
        assert_eq!(date_year(Some("2021-09-15")), Some(2021));
        assert_eq!(date_year(Some("")), None);
        let e: ErrorBody = serde_json::from_str(
            r#"{"status_code":34,"status_message":"The resource you requested could not be found.","success":false}"#,
        )
        .unwrap();
        assert_eq!(
            e,
            ErrorBody::new(34, "The resource you requested could not be found.")
        );
    }
}
