//! Other ways to ask for a title TMDB's search did not find: what people add
//! to a title or write differently than TMDB does.
//!
//! TMDB's search wants every word of the query in one title, so a longer
//! title than TMDB's ("The Raid: Redemption" for "The Raid") finds nothing.
//! A *spelling* says the same title another way ("Dr." and "Doctor", "V" and
//! "5"): its results are scored as that title. A *shortening* drops words
//! (a subtitle, a leading possessive): its results are still scored against
//! the title as written, so a film found that way fits only partly unless
//! the matcher's own subtitle rule says it is the same title.

/// A query to try after the title as written found nothing that fits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// The query.
    pub query: String,
    /// Whether it is the same title spelled another way (scored as itself)
    /// rather than a shortened one (scored as the title as written).
    pub same_title: bool,
}

/// At most this many variants are searched per film: each is a TMDB call.
pub const MAX_VARIANTS: usize = 4;

const ARTICLES: &[&str] = &["The ", "A ", "An "];

/// The variants of `title` worth a search, best first, without repeats and
/// never the title itself.
pub fn query_variants(title: &str) -> Vec<Variant> {
    let title = title.trim();
    let mut out: Vec<Variant> = Vec::new();
    let mut push = |query: String, same_title: bool| {
        let query = collapse_spaces(&query);
        if !query.is_empty()
            && !query.eq_ignore_ascii_case(title)
            && !out.iter().any(|v| v.query.eq_ignore_ascii_case(&query))
        {
            out.push(Variant { query, same_title });
        }
    };
    for spelling in spellings(title) {
        push(spelling, true);
    }
    if let Some(main) = without_subtitle(title) {
        push(main.to_owned(), false);
    }
    if let Some(rest) = without_possessive(title) {
        push(rest.to_owned(), false);
        if let Some(main) = without_subtitle(rest) {
            push(main.to_owned(), false);
        }
    }
    if let Some(rest) = without_article(title) {
        push(rest.to_owned(), true);
    }
    out.truncate(MAX_VARIANTS);
    out
}

/// The same title written another way: numbering, abbreviations, `&`.
fn spellings(title: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(unnumbered) = without_part_number(title) {
        out.push(unnumbered);
    }
    // A title's first word is never a numeral to rewrite ("I, Robot", "2012").
    if let Some(arabic) = map_words(title, 1, roman_to_arabic) {
        out.push(arabic);
    } else if let Some(roman) = map_words(title, 1, arabic_to_roman) {
        out.push(roman);
    }
    if let Some(spelled) = map_words(title, 0, abbreviation) {
        out.push(spelled);
    }
    if title.contains('&') {
        out.push(title.replace('&', "and"));
    } else if title.contains(" and ") {
        out.push(title.replace(" and ", " & "));
    }
    out
}

/// The title before its subtitle (`: `, ` - `, ` – `), when one follows.
fn without_subtitle(title: &str) -> Option<&str> {
    [": ", " - ", " – ", " — "]
        .iter()
        .filter_map(|sep| title.find(sep))
        .min()
        .map(|at| title[..at].trim())
        .filter(|main| !main.is_empty())
}

/// The title after a leading possessive of up to three words
/// ("Akira Kurosawa's Dreams" → "Dreams").
fn without_possessive(title: &str) -> Option<&str> {
    let words: Vec<&str> = title.splitn(5, ' ').collect();
    let at = words
        .iter()
        .take(3)
        .position(|w| w.ends_with("'s") || w.ends_with("’s") || w.ends_with("s'"))?;
    let rest = words[at + 1..].join(" ");
    let start = title.len() - rest.len();
    Some(title[start..].trim()).filter(|rest| !rest.is_empty())
}

/// The title without a leading English article ("The Banshee Chapter").
fn without_article(title: &str) -> Option<&str> {
    ARTICLES
        .iter()
        .find_map(|a| title.strip_prefix(a))
        .map(str::trim)
        .filter(|rest| !rest.is_empty())
}

/// "Part V" or "Part 5" dropped where a subtitle or the end follows
/// ("Friday the 13th Part V: A New Beginning" → "Friday the 13th: A New Beginning").
fn without_part_number(title: &str) -> Option<String> {
    let words: Vec<&str> = title.split(' ').collect();
    let at = words
        .windows(2)
        .position(|pair| {
            pair[0].eq_ignore_ascii_case("part") && {
                let number = pair[1].trim_end_matches([':', ',']);
                number.parse::<u32>().is_ok() || roman_value(number).is_some()
            }
        })
        .filter(|&at| at > 0)?;
    let tail = words[at + 1].trim_start_matches(|c: char| c.is_alphanumeric());
    let mut kept: Vec<&str> = words[..at].to_vec();
    let joined_tail;
    if !tail.is_empty() {
        joined_tail = format!("{}{tail}", kept.pop().unwrap_or_default());
        kept.push(&joined_tail);
        kept.extend(&words[at + 2..]);
        return Some(kept.join(" "));
    }
    kept.extend(&words[at + 2..]);
    Some(kept.join(" "))
}

/// Each word from the `from`th on passed through `f` (with trailing
/// punctuation kept); none when no word changed.
fn map_words(title: &str, from: usize, f: fn(&str) -> Option<String>) -> Option<String> {
    let mut changed = false;
    let words: Vec<String> = title
        .split(' ')
        .enumerate()
        .map(|(i, word)| {
            let core = word.trim_end_matches([':', ',']);
            let core = if core.is_empty() { word } else { core };
            match (i >= from).then(|| f(core)).flatten() {
                Some(new) => {
                    changed = true;
                    format!("{new}{}", &word[core.len()..])
                }
                None => word.to_owned(),
            }
        })
        .collect();
    changed.then(|| words.join(" "))
}

const ROMAN: &[(&str, u32)] = &[
    ("II", 2),
    ("III", 3),
    ("IV", 4),
    ("V", 5),
    ("VI", 6),
    ("VII", 7),
    ("VIII", 8),
    ("IX", 9),
    ("X", 10),
    ("XI", 11),
    ("XII", 12),
];

fn roman_value(word: &str) -> Option<u32> {
    ROMAN.iter().find(|(r, _)| *r == word).map(|(_, n)| *n)
}

fn roman_to_arabic(word: &str) -> Option<String> {
    roman_value(word).map(|n| n.to_string())
}

fn arabic_to_roman(word: &str) -> Option<String> {
    let n: u32 = word.parse().ok()?;
    ROMAN
        .iter()
        .find(|(_, v)| *v == n)
        .map(|(r, _)| (*r).to_owned())
}

fn abbreviation(word: &str) -> Option<String> {
    let spelled = match word {
        "Dr." | "Dr" => "Doctor",
        "Doctor" => "Dr.",
        "Mr." | "Mr" => "Mister",
        "Mister" => "Mr.",
        "St." | "St" => "Saint",
        "Saint" => "St.",
        _ => return None,
    };
    Some(spelled.to_owned())
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queries(title: &str) -> Vec<String> {
        query_variants(title).into_iter().map(|v| v.query).collect()
    }

    fn has(title: &str, query: &str, same_title: bool) -> bool {
        query_variants(title)
            .iter()
            .any(|v| v.query == query && v.same_title == same_title)
    }

    #[test]
    fn the_raid_redemption_drops_its_subtitle() {
        assert!(has("The Raid: Redemption", "The Raid", false));
    }

    #[test]
    fn akira_kurosawas_dreams_drops_the_possessive() {
        assert!(has("Akira Kurosawa's Dreams", "Dreams", false));
    }

    #[test]
    fn monty_pythons_and_now_drops_the_possessive() {
        assert!(has(
            "Monty Python's And Now for Something Completely Different",
            "And Now for Something Completely Different",
            false
        ));
    }

    #[test]
    fn friday_the_13th_part_v_drops_the_part_number() {
        assert!(has(
            "Friday the 13th Part V: A New Beginning",
            "Friday the 13th: A New Beginning",
            true
        ));
        assert!(has("Halloween Part 2", "Halloween", true));
    }

    #[test]
    fn dr_dolittle_is_doctor_dolittle() {
        assert!(has("Dr. Dolittle", "Doctor Dolittle", true));
        assert!(has("Doctor Dolittle", "Dr. Dolittle", true));
    }

    #[test]
    fn the_banshee_chapter_drops_its_article() {
        assert!(has("The Banshee Chapter", "Banshee Chapter", true));
    }

    #[test]
    fn rocky_ii_and_rocky_2_are_one_title() {
        assert!(has("Rocky II", "Rocky 2", true));
        assert!(has("Rocky 2", "Rocky II", true));
        // A leading "I" is a word, not a numeral.
        assert!(!queries("I, Robot").iter().any(|q| q.contains('1')));
    }

    #[test]
    fn fast_and_furious_swaps_the_ampersand() {
        assert!(has("Fast & Furious", "Fast and Furious", true));
        assert!(has("Fast and Furious", "Fast & Furious", true));
    }

    #[test]
    fn a_plain_title_has_no_variant_and_none_repeats_or_overflows() {
        assert!(queries("Heat").is_empty());
        let many = queries("The Dr. Strange's Part II: Rocky & Co - More");
        assert!(many.len() <= MAX_VARIANTS);
        let mut unique = many.clone();
        unique.dedup();
        assert_eq!(unique, many);
    }
}
