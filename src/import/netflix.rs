//! Netflix viewing histories: `Title,Date`, one line per viewing, newest
//! first. An episode's title names its show before a season, part, volume
//! or episode component ("Dark: Season 1: Secrets"): the line counts for the
//! show, looked up as TV. Other titles are films. Dates are written in the
//! account's locale; their order is decided once per file, from all of them.

use super::error::{ImportError, RowError};
use super::films::Films;
use super::table::{self, Header, Table};
use super::values;
use super::warnings::Warnings;
use super::{ImportedMovie, TitleKind, Viewing};

/// Whether a header is a Netflix history's: exactly a title and a date column.
pub fn is_netflix(header: &Header) -> bool {
    header.names().len() == 2 && header.has("title") && header.has("date")
}

/// One line of the history.
struct Line {
    title: String,
    date: String,
}

/// Reads the lines after a Netflix header: one film per distinct show or
/// title, in order of first appearance, with its line count and dates.
pub fn read(
    table: &mut Table<'_>,
    header: &Header,
    max_rows: usize,
    warnings: &mut Warnings,
) -> Result<Vec<ImportedMovie>, ImportError> {
    let title = header
        .find(&["title"])
        .ok_or_else(|| ImportError::UnrecognisedColumns {
            found: header.names(),
        })?;
    let date = header.find(&["date"]);
    let lines = table::read_rows(table, header, max_rows, warnings, |record, warnings| {
        let Some(title) = table::title(record, header, title, None, warnings)? else {
            return Ok::<_, RowError>(None);
        };
        Ok(Some(Line {
            title,
            date: record.get(date).to_owned(),
        }))
    })?;
    let order = DateOrder::of(lines.iter().map(|l| l.date.as_str()));
    // Every line is a viewing: of the film, or of one of the show's
    // episodes; lines of one title (a show apart from a film) are one film.
    let mut films: Vec<ImportedMovie> = lines
        .into_iter()
        .map(|line| {
            let (title, kind) = match show_of(&line.title) {
                Some(show) => (show.to_owned(), TitleKind::Show),
                None => (line.title, TitleKind::Film),
            };
            ImportedMovie {
                viewings: vec![Viewing {
                    watched_date: order.iso(&line.date),
                    ..Viewing::default()
                }],
                ..ImportedMovie::new(title, None, kind)
            }
        })
        .collect::<Films>()
        .finish();
    // Newest first: every viewing of a film but its last line (the first
    // watch) watches it again. A show's lines are its episodes.
    for film in films.iter_mut().filter(|f| f.kind == TitleKind::Film) {
        if let Some((_first_watch, again)) = film.viewings.split_last_mut() {
            again.iter_mut().for_each(|v| v.rewatch = true);
        }
    }
    Ok(films)
}

/// Words that, followed by a number, mark a season or an episode, in the
/// languages Netflix writes histories in: anywhere after the show's name.
const SEASON_WORDS: &[&str] = &[
    "season",
    "series",
    "episode",
    "temporada",
    "staffel",
    "saison",
    "stagione",
    "seizoen",
    "säsong",
    "sesong",
    "sæson",
    "sezon",
    "kausi",
    "évad",
    "sezona",
    "episodio",
    "episódio",
    "épisode",
    "folge",
    "aflevering",
    "avsnitt",
    "jakso",
    "odcinek",
    "afsnit",
    "epizoda",
];

/// Words that, followed by a number, mark a part or a volume. Films end so
/// too ("Kill Bill: Vol. 1", "Dune: Part Two"), so they mark a show only
/// when an episode's own title follows.
const PART_WORDS: &[&str] = &[
    "part",
    "volume",
    "vol.",
    "vol",
    "chapter",
    "book",
    "collection",
    "parte",
    "teil",
    "partie",
    "deel",
    "del",
    "osa",
    "część",
    "volumen",
    "capítulo",
    "capitolo",
    "kapitel",
    "rész",
];

/// Whole components that mark a miniseries.
const MINISERIES: &[&str] = &[
    "limited series",
    "miniseries",
    "mini-series",
    "minissérie",
    "minisarja",
    "miniserie",
    "mini-série",
    "miniserial",
    "serie limitada",
    "série limitée",
    "miniserie limitata",
];

/// The show named before a title's first season, part, volume or episode
/// component; none for a film's title.
pub fn show_of(title: &str) -> Option<&str> {
    let parts: Vec<&str> = title.split(": ").collect();
    let mut offset = 0;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if i > 0 && is_marker(part, last) {
            let show = title[..offset - ": ".len()].trim();
            return (!show.is_empty()).then_some(show);
        }
        offset += part.len() + ": ".len();
    }
    None
}

fn is_marker(part: &str, last: bool) -> bool {
    let part = part.trim().to_lowercase();
    if MINISERIES.contains(&part.as_str()) {
        return true;
    }
    let mut words = part.split_whitespace();
    let (Some(word), Some(number), None) = (words.next(), words.next(), words.next()) else {
        return false;
    };
    if !is_number(number) {
        return false;
    }
    SEASON_WORDS.contains(&word) || (!last && PART_WORDS.contains(&word))
}

/// Digits, a roman numeral up to twenty, or an English number word up to ten.
fn is_number(word: &str) -> bool {
    const WORDS: &[&str] = &[
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    let digits = !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit());
    let roman = !word.is_empty() && word.len() <= 5 && word.chars().all(|c| "ivx".contains(c));
    digits || roman || WORDS.contains(&word)
}

/// How a file writes its dates, decided once from all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    /// `2024-01-05`, `2024/01/05`.
    Ymd,
    /// `5.1.2024`, `05/01/2024`, `05/01/24`.
    Dmy,
    /// `1/5/24`, `01/05/2024` (the United States).
    Mdy,
}

/// A date's three numbers, its separator and whether the year comes first.
struct Parts {
    numbers: [u32; 3],
    separator: char,
    year_digits: usize,
    year_first: bool,
}

fn parts(cell: &str) -> Option<Parts> {
    let cell = cell.trim();
    let separator = cell.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let fields: Vec<&str> = cell.trim_end_matches(separator).split(separator).collect();
    let [a, b, c] = fields[..] else { return None };
    let number = |s: &str| -> Option<u32> {
        let ok = (1..=4).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| s.parse().ok())?
    };
    let numbers = [number(a)?, number(b)?, number(c)?];
    let year_first = a.len() == 4;
    let year_digits = if year_first { a.len() } else { c.len() };
    (year_digits == 2 || year_digits == 4).then_some(Parts {
        numbers,
        separator,
        year_digits,
        year_first,
    })
}

impl DateOrder {
    /// The order of a file's dates: year first when they say so; day first
    /// when any first number is over 12, month first when any second one is;
    /// when every date fits both, day first for `.` and four-digit years,
    /// month first for Netflix's American `M/D/YY`.
    pub fn of<'a>(cells: impl Iterator<Item = &'a str>) -> Self {
        let all: Vec<Parts> = cells.filter_map(parts).collect();
        if all.iter().any(|p| p.year_first) {
            return Self::Ymd;
        }
        if all.iter().any(|p| p.numbers[0] > 12) {
            return Self::Dmy;
        }
        if all.iter().any(|p| p.numbers[1] > 12) {
            return Self::Mdy;
        }
        let american = all.iter().any(|p| p.separator == '/' && p.year_digits == 2);
        if american { Self::Mdy } else { Self::Dmy }
    }

    /// A cell as ISO `YYYY-MM-DD` in this order; none when it is no date in it.
    pub fn iso(self, cell: &str) -> Option<String> {
        let p = parts(cell)?;
        let [a, b, c] = p.numbers;
        let (year, month, day) = match self {
            Self::Ymd if p.year_first => (a, b, c),
            Self::Dmy if !p.year_first => (c, b, a),
            Self::Mdy if !p.year_first => (c, a, b),
            _ => return None,
        };
        // Netflix began streaming in 2007: a two-digit year is this century's.
        let year = if p.year_digits == 2 {
            2000 + year
        } else {
            year
        };
        values::date(&format!("{year:04}-{month:02}-{day:02}"))
    }
}
