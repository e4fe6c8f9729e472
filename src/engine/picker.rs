//! The picker's search: what a person types or pastes to find a film's
//! TMDB record — free text (with a year), a TMDB or IMDb URL, or an id —
//! answered through the engine's rate gate, credentials and cache.

use super::matcher::{Wanted, rank_movies, rank_tv};
use super::resolver::Resolver;
use crate::domain::{Candidate, Enrichment, MediaType};
use crate::tmdb::TmdbError;
use crate::tmdb::client::is_imdb_id;
use crate::tmdb::images::PosterLinks;

/// Most results one search answers.
pub const MAX_RESULTS: usize = 20;

/// What the picker was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PickerQuery {
    /// Words of a title.
    Text(String),
    /// A number: a TMDB id, or a title such as "1917".
    Number(i64),
    /// A TMDB record by URL (`themoviedb.org/movie/603-the-matrix`).
    Tmdb(MediaType, i64),
    /// An IMDb id or URL (`tt0133093`, `imdb.com/title/tt0133093/`).
    Imdb(String),
}

impl PickerQuery {
    /// Reads a query as a person would mean it.
    pub fn parse(raw: &str) -> Self {
        let raw = raw.trim();
        if let Some(found) = tmdb_url(raw) {
            return found;
        }
        if let Some(imdb) = imdb_id_in(raw) {
            return Self::Imdb(imdb);
        }
        match raw.parse::<i64>() {
            Ok(n) if n > 0 => Self::Number(n),
            _ => Self::Text(raw.to_owned()),
        }
    }
}

/// `…themoviedb.org/movie/603-the-matrix` or `…/tv/1399`.
fn tmdb_url(raw: &str) -> Option<PickerQuery> {
    let at = raw.find("themoviedb.org/")? + "themoviedb.org/".len();
    let path = &raw[at..];
    // Localised links carry no language segment before the kind, but allow one.
    for (kind, media_type) in [("movie/", MediaType::Movie), ("tv/", MediaType::Tv)] {
        if let Some(start) = path.find(kind) {
            let digits: String = path[start + kind.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(id) = digits.parse::<i64>() {
                return Some(PickerQuery::Tmdb(media_type, id));
            }
        }
    }
    None
}

/// `tt0133093`, alone or in an IMDb URL.
fn imdb_id_in(raw: &str) -> Option<String> {
    if is_imdb_id(raw) {
        return Some(raw.to_ascii_lowercase());
    }
    let at = raw.find("imdb.com/")?;
    raw[at..]
        .split('/')
        .find(|part| is_imdb_id(part))
        .map(str::to_ascii_lowercase)
}

/// One answer of the picker: a search result, or a record's details when
/// the query named one (then directors and runtime are known).
#[derive(Clone, Debug)]
pub struct Pick {
    /// The record as a candidate (id, titles, year, poster, score).
    pub candidate: Candidate,
    /// Its details, when fetched.
    pub details: Option<Enrichment>,
}

impl Pick {
    fn link_posters(mut self, links: PosterLinks) -> Self {
        self.candidate.poster_url = links.link(self.candidate.poster_url.take());
        if let Some(details) = &mut self.details {
            details.poster_url = links.link(details.poster_url.take());
        }
        self
    }
}

impl From<Enrichment> for Pick {
    fn from(e: Enrichment) -> Self {
        Self {
            candidate: Candidate {
                tmdb_id: e.tmdb_id,
                media_type: e.media_type,
                title: e.title.clone(),
                original_title: (e.original_title != e.title).then(|| e.original_title.clone()),
                year: crate::tmdb::types::date_year(e.release_date.as_deref()),
                score: 1.0,
                poster_url: e.poster_url.clone(),
            },
            details: Some(e),
        }
    }
}

impl Resolver {
    /// The picker's answers to `raw`, best first.
    pub async fn pick(
        &self,
        raw: &str,
        year: Option<i32>,
        media_type: MediaType,
    ) -> Result<Vec<Pick>, TmdbError> {
        let links = self.poster_links();
        let picks = self.picks(raw, year, media_type).await?;
        Ok(picks.into_iter().map(|p| p.link_posters(links)).collect())
    }

    async fn picks(
        &self,
        raw: &str,
        year: Option<i32>,
        media_type: MediaType,
    ) -> Result<Vec<Pick>, TmdbError> {
        match PickerQuery::parse(raw) {
            PickerQuery::Tmdb(kind, id) => Ok(self
                .details(kind, id)
                .await?
                .map(Pick::from)
                .into_iter()
                .collect()),
            PickerQuery::Imdb(imdb) => Ok(self
                .by_imdb_id(&imdb)
                .await?
                .map(Pick::from)
                .into_iter()
                .collect()),
            PickerQuery::Number(n) => {
                // "1917" is a title as much as an id: the record first, then the search.
                let mut picks: Vec<Pick> = self
                    .details(media_type, n)
                    .await?
                    .map(Pick::from)
                    .into_iter()
                    .collect();
                picks.extend(self.search_titles(raw.trim(), year, media_type).await?);
                picks.truncate(MAX_RESULTS);
                Ok(picks)
            }
            PickerQuery::Text(text) => self.search_titles(&text, year, media_type).await,
        }
    }

    /// A title search, scored against the query as the matcher scores.
    async fn search_titles(
        &self,
        query: &str,
        year: Option<i32>,
        media_type: MediaType,
    ) -> Result<Vec<Pick>, TmdbError> {
        let key = format!(
            "picker:{}:{}:{}",
            media_type.as_str(),
            year.map(|y| y.to_string()).unwrap_or_default(),
            query.to_lowercase()
        );
        let candidates: Vec<Candidate> = self
            .cached(&key, || async {
                let wanted = Wanted { title: query, year };
                let ranked = match media_type {
                    MediaType::Movie => {
                        rank_movies(&wanted, &self.tmdb.search_movie(query, year).await?.results)
                    }
                    MediaType::Tv => {
                        rank_tv(&wanted, &self.tmdb.search_tv(query, year).await?.results)
                    }
                };
                Ok(ranked
                    .into_iter()
                    .take(MAX_RESULTS)
                    .map(|s| s.candidate)
                    .collect())
            })
            .await?;
        Ok(candidates
            .into_iter()
            .map(|candidate| Pick {
                candidate,
                details: None,
            })
            .collect())
    }

    /// The record an IMDb id names, film or show, cached.
    async fn by_imdb_id(&self, imdb_id: &str) -> Result<Option<Enrichment>, TmdbError> {
        let key = format!("picker:imdb:{imdb_id}");
        let found: Option<(MediaType, i64)> = self
            .cached(&key, || async {
                if let Some(d) = self.tmdb.movie_details_by_imdb(imdb_id).await? {
                    return Ok(Some((MediaType::Movie, d.id)));
                }
                let found = self.tmdb.find_by_imdb(imdb_id).await?;
                Ok(found
                    .tv_results
                    .first()
                    .map(|t| (MediaType::Tv, t.id))
                    .or_else(|| {
                        found
                            .movie_results
                            .first()
                            .map(|m| (MediaType::Movie, m.id))
                    }))
            })
            .await?;
        match found {
            Some((kind, id)) => self.details(kind, id).await,
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_tmdb_urls_name_a_record() {
        assert_eq!(
            PickerQuery::parse("https://www.themoviedb.org/movie/603-the-matrix"),
            PickerQuery::Tmdb(MediaType::Movie, 603)
        );
        assert_eq!(
            PickerQuery::parse(" themoviedb.org/tv/1399-game-of-thrones?language=de "),
            PickerQuery::Tmdb(MediaType::Tv, 1399)
        );
    }

    #[test]
    fn pasted_imdb_ids_and_urls_name_a_record() {
        assert_eq!(
            PickerQuery::parse("tt0133093"),
            PickerQuery::Imdb("tt0133093".into())
        );
        assert_eq!(
            PickerQuery::parse("https://www.imdb.com/title/tt0133093/?ref_=nv_sr_srsg_0"),
            PickerQuery::Imdb("tt0133093".into())
        );
    }

    #[test]
    fn numbers_and_words_are_searched() {
        assert_eq!(PickerQuery::parse("1917"), PickerQuery::Number(1917));
        assert_eq!(
            PickerQuery::parse("The Matrix"),
            PickerQuery::Text("The Matrix".into())
        );
        assert_eq!(PickerQuery::parse("-3"), PickerQuery::Text("-3".into()));
        // Not an id: "tt" and words.
        assert_eq!(PickerQuery::parse("ttt"), PickerQuery::Text("ttt".into()));
    }
}
