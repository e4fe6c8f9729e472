//! Title normalisation shared by the lookup key, the matcher and the merge of exports.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::domain::LookupKey;

/// Folds a title to compare it across sources: accents stripped, lowercase,
/// `&` read as "and", punctuation as spaces, whitespace collapsed.
pub fn normalize_title(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut pending_space = false;
    for c in title.nfkd().filter(|c| !is_combining_mark(*c)) {
        if c == '&' {
            push_word(&mut out, "and", &mut pending_space);
        } else if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else if c == '\'' || c == '’' {
            // "Schindler's" and "Schindlers" are the same word.
        } else {
            pending_space = true;
        }
    }
    out
}

fn push_word(out: &mut String, word: &str, pending_space: &mut bool) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(word);
    *pending_space = true;
}

/// The identity of a film for lookups: rows with the same key share one lookup.
pub fn lookup_key(
    title: &str,
    year: Option<i32>,
    imdb_id: Option<&str>,
    tmdb_id: Option<i64>,
) -> LookupKey {
    // Folded only when the key is the title: ids make it unnecessary.
    let folded = if tmdb_id.is_none() && imdb_id.is_none() {
        normalize_title(title)
    } else {
        String::new()
    };
    LookupKey::from_row(folded, year, imdb_id, tmdb_id)
}

/// The identity of a row its export says is a TV show: an id still wins
/// (IMDb's `/find` answers shows too), otherwise the title among shows.
pub fn show_key(
    title: &str,
    year: Option<i32>,
    imdb_id: Option<&str>,
    tmdb_id: Option<i64>,
) -> LookupKey {
    if imdb_id.is_some() || tmdb_id.is_some() {
        return lookup_key(title, year, imdb_id, tmdb_id);
    }
    LookupKey::Show {
        title: normalize_title(title),
        year,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(normalize_title("Amélie"), "amelie");
        assert_eq!(normalize_title("WALL·E"), "wall e");
        assert_eq!(normalize_title("Fast & Furious"), "fast and furious");
        assert_eq!(
            normalize_title("Spider-Man: Into the Spider-Verse"),
            "spider man into the spider verse"
        );
        assert_eq!(normalize_title("Schindler's List"), "schindlers list");
        assert_eq!(
            normalize_title("  Once Upon a Time… in Hollywood "),
            "once upon a time in hollywood"
        );
    }

    #[test]
    fn keeps_non_latin_scripts() {
        assert_eq!(normalize_title("七人の侍"), "七人の侍");
    }

    #[test]
    fn lookup_key_prefers_ids() {
        assert_eq!(
            lookup_key("Dune", Some(2021), None, Some(438631)).to_string(),
            "tmdb:438631"
        );
        assert_eq!(
            lookup_key("Dune", Some(2021), Some("tt1160419"), None).to_string(),
            "imdb:tt1160419"
        );
        assert_eq!(
            lookup_key("Dune", Some(1984), None, None).to_string(),
            "title:dune|1984"
        );
        assert_ne!(
            lookup_key("Dune", Some(1984), None, None),
            lookup_key("Dune", Some(2021), None, None)
        );
    }

    #[test]
    fn a_show_is_never_the_film_of_the_same_title() {
        assert_eq!(
            show_key("The Queen's Gambit", None, None, None).to_string(),
            "show:the queens gambit|"
        );
        assert_ne!(
            show_key("Dark", None, None, None),
            lookup_key("Dark", None, None, None)
        );
        assert_eq!(
            show_key("Chernobyl", Some(2019), Some("tt7366338"), None).to_string(),
            "imdb:tt7366338"
        );
    }
}
