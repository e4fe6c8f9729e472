//! Rows that name the same film, by the identity they carry, become one
//! film: a TMDB id, else an IMDb id, else a Letterboxd film URI, else the
//! normalised title and year. Different identities are never merged, even
//! when title and year agree (namesakes).

use std::collections::HashMap;

use super::merge::normalise_title;
use super::{ImportedMovie, TitleKind};

/// What makes two rows one film.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Identity {
    Tmdb(i64),
    Imdb(String),
    Letterboxd(String),
    /// Normalised title, year, and whether it is a show.
    Title(String, Option<i32>, bool),
}

impl Identity {
    fn of(movie: &ImportedMovie) -> Self {
        if let Some(id) = movie.tmdb_id {
            Self::Tmdb(id)
        } else if let Some(id) = &movie.imdb_id {
            Self::Imdb(id.clone())
        } else if let Some(uri) = &movie.letterboxd_uri {
            Self::Letterboxd(uri.clone())
        } else {
            let show = movie.kind == TitleKind::Show;
            Self::Title(normalise_title(&movie.title), movie.year, show)
        }
    }
}

/// Films in the order they first appear, one per identity.
#[derive(Default)]
pub struct Films {
    movies: Vec<ImportedMovie>,
    index: HashMap<Identity, usize>,
}

impl Films {
    /// Adds a row's film: a new one, or more of what is known of an earlier
    /// row's (its viewings appended; the first value of every other field kept).
    pub fn add(&mut self, movie: ImportedMovie) {
        let identity = Identity::of(&movie);
        let Some(&at) = self.index.get(&identity) else {
            self.index.insert(identity, self.movies.len());
            self.movies.push(movie);
            return;
        };
        let film = &mut self.movies[at];
        film.year = film.year.or(movie.year);
        film.letterboxd_uri = film.letterboxd_uri.take().or(movie.letterboxd_uri);
        film.imdb_id = film.imdb_id.take().or(movie.imdb_id);
        film.rating = film.rating.or(movie.rating);
        film.logged_date = film.logged_date.take().or(movie.logged_date);
        film.rated_date = film.rated_date.take().or(movie.rated_date);
        film.added_date = film.added_date.take().or(movie.added_date);
        film.viewings.extend(movie.viewings);
    }

    /// The films, in order of first appearance.
    pub fn finish(self) -> Vec<ImportedMovie> {
        self.movies
    }
}

impl FromIterator<ImportedMovie> for Films {
    fn from_iter<I: IntoIterator<Item = ImportedMovie>>(rows: I) -> Self {
        let mut films = Self::default();
        rows.into_iter().for_each(|movie| films.add(movie));
        films
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Viewing;

    fn film(title: &str, year: i32) -> ImportedMovie {
        ImportedMovie::new(title.to_owned(), Some(year), TitleKind::Film)
    }

    #[test]
    fn one_film_per_identity_and_namesakes_stay_apart() {
        let mut films = Films::default();
        let imdb = |title, id: &str| ImportedMovie {
            imdb_id: Some(id.to_owned()),
            ..film(title, 2013)
        };
        films.add(imdb("Deception", "tt0001"));
        films.add(imdb("Deception", "tt0002"));
        films.add(ImportedMovie {
            rating: Some(4.0),
            ..imdb("deception", "tt0001")
        });
        let seen = |date: &str| Viewing {
            watched_date: Some(date.to_owned()),
            ..Viewing::default()
        };
        films.add(ImportedMovie {
            viewings: vec![seen("2024-01-01")],
            ..film("Heat", 1995)
        });
        films.add(ImportedMovie {
            viewings: vec![seen("2024-02-01")],
            ..film(" HEAT ", 1995)
        });
        films.add(film("Heat", 2019));
        let movies = films.finish();
        let titles: Vec<_> = movies.iter().map(|m| (m.title.as_str(), m.year)).collect();
        assert_eq!(
            titles,
            [
                ("Deception", Some(2013)),
                ("Deception", Some(2013)),
                ("Heat", Some(1995)),
                ("Heat", Some(2019))
            ]
        );
        assert_eq!(
            movies[0].rating,
            Some(4.0),
            "the same id's later row adds to it"
        );
        assert_eq!(movies[2].viewings.len(), 2);
        assert_eq!(movies[2].watched_date(), Some("2024-02-01"));
    }
}
