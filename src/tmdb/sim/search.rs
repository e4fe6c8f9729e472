//! Title matching the way TMDB's search behaves for reelstream's purposes:
//! case- and accent-insensitive, punctuation ignored, every query word
//! present in one title (the last word may be a prefix, as TMDB searches as
//! you type).
//!
//! [`SearchIndex`] answers a query from an inverted word index instead of a
//! scan, so a 40 000-film catalog answers in microseconds.

use std::collections::BTreeMap;
use std::ops::Bound;

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

/// The titles of a list of entries (films or shows), indexed by word, with
/// the entries ranked most popular first.
#[derive(Debug, Default)]
pub(super) struct SearchIndex {
    /// Per entry, the words of each of its titles.
    names: Vec<Vec<TitleWords>>,
    /// Rank (0 = most popular, ties by lower id) → entry.
    by_rank: Vec<u32>,
    /// Word → ranks of the entries one of whose titles holds it, ascending.
    postings: BTreeMap<String, Vec<u32>>,
}

impl SearchIndex {
    /// Indexes entries given as (their titles' words, popularity, id).
    pub fn new(entries: Vec<(Vec<TitleWords>, f64, i64)>) -> Self {
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&entries[a], &entries[b]);
            b.1.total_cmp(&a.1).then(a.2.cmp(&b.2))
        });
        let mut postings: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for (rank, &entry) in order.iter().enumerate() {
            let mut words: Vec<&String> = entries[entry].0.iter().flat_map(|n| &n.words).collect();
            words.sort_unstable();
            words.dedup();
            for word in words {
                // Ranks are visited in order, so each list comes out sorted.
                postings.entry(word.clone()).or_default().push(rank as u32);
            }
        }
        Self {
            names: entries.into_iter().map(|e| e.0).collect(),
            by_rank: order.into_iter().map(|i| i as u32).collect(),
            postings,
        }
    }

    /// The entries one of whose titles holds every word of `query` (the last
    /// may be a prefix) and that `keep` accepts, most popular first.
    pub fn search(&self, query: &str, keep: impl Fn(usize) -> bool) -> Vec<usize> {
        let query = words(query);
        let Some((last, rest)) = query.split_last() else {
            return Vec::new();
        };
        let entry = |rank: u32| self.by_rank[rank as usize] as usize;
        if rest.is_empty() {
            // One word: every title with a word it begins is a hit.
            let mut hit = vec![false; self.by_rank.len()];
            for (_, ranks) in self
                .postings
                .range::<str, _>((Bound::Included(last.as_str()), Bound::Unbounded))
                .take_while(|(w, _)| w.starts_with(last.as_str()))
            {
                for &r in ranks {
                    hit[r as usize] = true;
                }
            }
            return (0..hit.len() as u32)
                .filter(|&r| hit[r as usize])
                .map(entry)
                .filter(|&e| keep(e))
                .collect();
        }
        // Several words: intersect the whole words' lists and the last word's
        // prefix list, starting from the shortest, then check each candidate's
        // titles one by one (all words in one title).
        let mut lists = Vec::with_capacity(rest.len());
        for word in rest {
            match self.postings.get(word) {
                Some(ranks) => lists.push(ranks.as_slice()),
                None => return Vec::new(),
            }
        }
        lists.sort_by_key(|l| l.len());
        let prefixed: Vec<&[u32]> = self
            .postings
            .range::<str, _>((Bound::Included(last.as_str()), Bound::Unbounded))
            .take_while(|(w, _)| w.starts_with(last.as_str()))
            .map(|(_, ranks)| ranks.as_slice())
            .collect();
        let mut candidates = if prefixed.iter().map(|l| l.len()).sum::<usize>() < lists[0].len() {
            let mut union = prefixed.concat();
            union.sort_unstable();
            union.dedup();
            union
        } else {
            lists[0].to_vec()
        };
        for list in &lists {
            candidates.retain(|r| list.binary_search(r).is_ok());
        }
        candidates
            .into_iter()
            .map(entry)
            .filter(|&e| keep(e) && self.names[e].iter().any(|n| n.matches(&query)))
            .collect()
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
