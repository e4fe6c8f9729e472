//! Title matching the way TMDB's search behaves for reelstream's purposes:
//! case- and accent-insensitive, punctuation ignored, every query word
//! present in one title (the last word may be a prefix, as TMDB searches as
//! you type).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The searchable words of one title.
#[derive(Clone, Debug, Default)]
pub(super) struct TitleWords {
    /// The words, plus each adjacent pair joined, so that "Spiderman" finds
    /// "Spider-Man" and "Wall-E" is found by "WallE".
    words: Vec<String>,
}

impl TitleWords {
    /// Indexes one title.
    pub fn new(title: &str) -> Self {
        // Apostrophes both join ("schindlers") and split ("l", "avventura"),
        // so "Avventura" and "L'Avventura" both find "L'Avventura".
        let split = split_words(title, true);
        let joined_pairs = split.windows(2).map(|pair| pair.concat());
        let mut words: Vec<String> = words(title)
            .into_iter()
            .chain(joined_pairs)
            .chain(split.iter().cloned())
            .collect();
        words.sort_unstable();
        words.dedup();
        Self { words }
    }

    /// Whether every query word is one of this title's words (the last may be a prefix).
    pub fn matches(&self, query: &[String]) -> bool {
        let Some((last, rest)) = query.split_last() else {
            return false;
        };
        rest.iter().all(|q| self.words.binary_search(q).is_ok())
            && self.words.iter().any(|w| w.starts_with(last.as_str()))
    }
}

/// Lower-cased, accent-free words: NFKD (which also folds full-width
/// forms), combining marks dropped, apostrophes removed inside words
/// ("Schindler's" → "schindlers"), `&` read as "and", other punctuation a
/// word break. CJK runs without spaces stay one word.
pub(super) fn words(text: &str) -> Vec<String> {
    split_words(text, false)
}

fn split_words(text: &str, apostrophe_breaks: bool) -> Vec<String> {
    let mut cleaned = String::with_capacity(text.len());
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        match c {
            '\'' | '’' | 'ʼ' | '`' | '´' if apostrophe_breaks => cleaned.push(' '),
            '\'' | '’' | 'ʼ' | '`' | '´' => {}
            '&' => cleaned.push_str(" and "),
            c if c.is_alphanumeric() => cleaned.extend(c.to_lowercase()),
            _ => cleaned.push(' '),
        }
    }
    cleaned.split_whitespace().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(title: &str, query: &str) -> bool {
        TitleWords::new(title).matches(&words(query))
    }

    #[test]
    fn words_fold_case_accents_and_punctuation() {
        assert_eq!(
            words("Amélie: Le Fabuleux Destin d’Amélie Poulain"),
            ["amelie", "le", "fabuleux", "destin", "damelie", "poulain"]
        );
        assert_eq!(words("Fast & Furious"), ["fast", "and", "furious"]);
        assert_eq!(words("七人の侍"), ["七人の侍"]);
        assert_eq!(words("ＡＢＣ"), ["abc"]);
        assert!(words(" :–· ").is_empty());
    }

    #[test]
    fn every_query_word_must_appear() {
        assert!(m("Seven Samurai", "seven samurai"));
        assert!(m("Seven Samurai", "SAMURAI, Seven"));
        assert!(!m("Seven Samurai", "seven samurai returns"));
        assert!(m("Léon: The Professional", "Leon the professional"));
        assert!(m("Schindler's List", "schindlers list"));
        assert!(m("L'Avventura", "avventura"));
        assert!(m("L'Avventura", "L’Avventura"));
        assert!(m("Fast & Furious", "fast and furious"));
        assert!(m("Spider-Man", "spiderman"));
        assert!(m("七人の侍", "七人の侍"));
        assert!(!m("Seven Samurai", ""));
    }

    #[test]
    fn last_word_may_be_a_prefix() {
        assert!(m("Dune: Part Two", "dune par"));
        assert!(!m("Dune: Part Two", "du part"));
    }
}
