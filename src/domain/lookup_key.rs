//! The identity a film is looked up by: rows of a session that share a key
//! are one film, looked up once and finalised together.

use std::fmt;
use std::str::FromStr;

use sea_orm::DeriveValueType;

use super::MediaType;

/// A film's lookup key, stored as text: `tmdb:<id>`, `tv:<id>` (a show a
/// person picked), `imdb:<id>`, `title:<normalised title>|<year>`, or
/// `show:<normalised title>|<year>` (a title the export says is a TV show).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, DeriveValueType)]
#[sea_orm(value_type = "String", from_str = "LookupKey::parse")]
pub enum LookupKey {
    /// A TMDB film id, from the export or a person's fix.
    Tmdb(i64),
    /// A TMDB show id, from a person's fix.
    Tv(i64),
    /// An IMDb id, lowercase.
    Imdb(String),
    /// A title folded by `normalize_title`, and the year when known.
    Title {
        /// The folded title.
        title: String,
        /// The year as written.
        year: Option<i32>,
    },
    /// A TV show's title, folded like [`LookupKey::Title`]: looked up among
    /// shows only, and never the same film as a film of the same title.
    Show {
        /// The folded title.
        title: String,
        /// The year as written.
        year: Option<i32>,
    },
}

/// A stored lookup key that is none of the known forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a lookup key: {0:?}")]
pub struct LookupKeyError(pub String);

impl LookupKey {
    /// The key of a film a person pointed at a TMDB record: its id says it all.
    pub fn manual(tmdb_id: i64, media_type: MediaType) -> Self {
        match media_type {
            MediaType::Movie => Self::Tmdb(tmdb_id),
            MediaType::Tv => Self::Tv(tmdb_id),
        }
    }

    /// The key of an export row whose title is already folded: ids first.
    pub fn from_row(
        folded_title: String,
        year: Option<i32>,
        imdb_id: Option<&str>,
        tmdb_id: Option<i64>,
    ) -> Self {
        match (tmdb_id, imdb_id) {
            (Some(id), _) => Self::Tmdb(id),
            (None, Some(imdb)) => Self::Imdb(imdb.to_ascii_lowercase()),
            (None, None) => Self::Title {
                title: folded_title,
                year,
            },
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Result<Self, LookupKeyError> {
        let bad = || LookupKeyError(s.chars().take(200).collect());
        let (kind, rest) = s.split_once(':').ok_or_else(bad)?;
        Ok(match kind {
            "tmdb" => Self::Tmdb(rest.parse().map_err(|_| bad())?),
            "tv" => Self::Tv(rest.parse().map_err(|_| bad())?),
            "imdb" if !rest.is_empty() => Self::Imdb(rest.to_owned()),
            "title" => {
                let (title, year) = title_and_year(rest).ok_or_else(bad)?;
                Self::Title { title, year }
            }
            "show" => {
                let (title, year) = title_and_year(rest).ok_or_else(bad)?;
                Self::Show { title, year }
            }
            _ => return Err(bad()),
        })
    }
}

/// `<folded title>|<year or nothing>`: the title is folded (no `|` survives
/// folding), so the last `|` is the separator.
fn title_and_year(rest: &str) -> Option<(String, Option<i32>)> {
    let (title, year) = rest.rsplit_once('|')?;
    let year = match year {
        "" => None,
        year => Some(year.parse().ok()?),
    };
    Some((title.to_owned(), year))
}

impl fmt::Display for LookupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tmdb(id) => write!(f, "tmdb:{id}"),
            Self::Tv(id) => write!(f, "tv:{id}"),
            Self::Imdb(id) => write!(f, "imdb:{id}"),
            Self::Title {
                title,
                year: Some(year),
            } => write!(f, "title:{title}|{year}"),
            Self::Title { title, year: None } => write!(f, "title:{title}|"),
            Self::Show {
                title,
                year: Some(year),
            } => write!(f, "show:{title}|{year}"),
            Self::Show { title, year: None } => write!(f, "show:{title}|"),
        }
    }
}

impl FromStr for LookupKey {
    type Err = LookupKeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_round_trips_through_its_stored_text() {
        for (key, text) in [
            (LookupKey::Tmdb(438631), "tmdb:438631"),
            (LookupKey::Tv(87108), "tv:87108"),
            (LookupKey::Imdb("tt1160419".into()), "imdb:tt1160419"),
            (
                LookupKey::Title {
                    title: "dune".into(),
                    year: Some(1984),
                },
                "title:dune|1984",
            ),
            (
                LookupKey::Title {
                    title: "a b".into(),
                    year: None,
                },
                "title:a b|",
            ),
            (
                LookupKey::Show {
                    title: "the queens gambit".into(),
                    year: None,
                },
                "show:the queens gambit|",
            ),
            (
                LookupKey::Show {
                    title: "dark".into(),
                    year: Some(2017),
                },
                "show:dark|2017",
            ),
        ] {
            assert_eq!(key.to_string(), text);
            assert_eq!(LookupKey::parse(text), Ok(key));
        }
    }

    #[test]
    fn an_unknown_form_is_an_error_naming_it() {
        for text in [
            "",
            "tmdb:",
            "tmdb:x",
            "imdb:",
            "title:dune",
            "show:dark",
            "show:dark|x",
            "isbn:1",
            "dune",
        ] {
            let err = LookupKey::parse(text).unwrap_err();
            assert!(err.to_string().contains(&format!("{text:?}")), "{err}");
        }
    }

    #[test]
    fn ids_win_over_the_title() {
        let title = || "dune".to_owned();
        assert_eq!(
            LookupKey::from_row(title(), Some(2021), Some("tt1160419"), Some(438631)),
            LookupKey::Tmdb(438631)
        );
        assert_eq!(
            LookupKey::from_row(title(), Some(2021), Some("TT1160419"), None),
            LookupKey::Imdb("tt1160419".into())
        );
        assert_eq!(
            LookupKey::manual(87108, MediaType::Tv).to_string(),
            "tv:87108"
        );
    }
}
