//! Cell parsers. Optional cells that cannot be read become `None` rather than
//! rejecting the row: a film with an odd date is still worth enriching.

/// Earliest year taken as a film's year (the first films date from the 1880s).
const MIN_YEAR: i32 = 1870;

/// Latest year taken as a film's year: next year's films are announced and
/// sit on watchlists, a later one is no film's.
fn max_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().year() + 1
}

/// A release year: `1999`, `1999.0` (spreadsheets) or a date such as `1999-05-01`.
pub fn year(cell: &str) -> Option<i32> {
    checked_year(cell).ok().flatten()
}

/// A release year as [`year`] reads it, `Ok(None)` for a blank cell, and
/// the reason for a cell that holds no possible year (`????`, `2031`).
pub fn checked_year(cell: &str) -> Result<Option<i32>, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    let digits = cell.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &cell[digits..];
    let year_like = digits == 4 && (rest.is_empty() || rest.starts_with(['-', '/', '.', ' ', 'T']));
    let year = year_like.then(|| cell[..4].parse::<i32>().ok()).flatten();
    match year {
        None => {
            let shown: String = cell.chars().take(40).collect();
            Err(format!("`{shown}` is not a year"))
        }
        Some(year) if year < MIN_YEAR => Err(format!("{year} is before the first films")),
        Some(year) if year > max_year() => Err(format!(
            "{year} is after {}, the latest year a film can have",
            max_year()
        )),
        Some(year) => Ok(Some(year)),
    }
}

/// A calendar date as ISO `YYYY-MM-DD`, from `YYYY-MM-DD`, `YYYY/MM/DD` or
/// `YYYY.MM.DD`, optionally followed by a time. Day-first and month-first
/// dates are ambiguous and give `None`.
pub fn date(cell: &str) -> Option<String> {
    let cell = cell.trim();
    let (day, rest) = cell.split_at_checked(10)?;
    if !(rest.is_empty() || rest.starts_with(['T', ' '])) {
        return None;
    }
    let bytes = day.as_bytes();
    let separator = bytes[4];
    if !matches!(separator, b'-' | b'/' | b'.') || bytes[7] != separator {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = &day[range];
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, m, d) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let valid = (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m);
    valid.then(|| format!("{y:04}-{m:02}-{d:02}"))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A positive rating no greater than `max`; a decimal comma is accepted
/// because semicolon-separated files come from locales that write one.
pub fn rating(cell: &str, max: f64) -> Option<f64> {
    let value: f64 = cell.trim().replace(',', ".").parse().ok()?;
    (value.is_finite() && value > 0.0 && value <= max).then_some(value)
}

/// An IMDb title id (`tt` and digits), bare or inside an IMDb URL, lowercased.
pub fn imdb_id(cell: &str) -> Option<String> {
    let cell = cell.trim().to_ascii_lowercase();
    let id = match cell.find("/title/") {
        Some(at) => cell[at + "/title/".len()..].split(['/', '?']).next()?,
        None => cell.as_str(),
    };
    let digits = id.strip_prefix("tt")?;
    let valid = (1..=12).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    valid.then(|| id.to_owned())
}

/// A TMDB movie id, bare or from a `…/movie/603-the-matrix` URL.
pub fn tmdb_id(cell: &str) -> Option<i64> {
    let cell = cell.trim();
    let id = match cell.find("/movie/") {
        Some(at) => {
            let tail = &cell[at + "/movie/".len()..];
            &tail[..tail.bytes().take_while(u8::is_ascii_digit).count()]
        }
        // Spreadsheets turn 603 into 603.0.
        None => cell.strip_suffix(".0").unwrap_or(cell),
    };
    id.parse::<i64>().ok().filter(|&id| id > 0)
}

/// A yes/no cell such as Letterboxd's Rewatch column (`Yes` or empty).
pub fn flag(cell: &str) -> bool {
    matches!(
        cell.trim().to_ascii_lowercase().as_str(),
        "yes" | "y" | "true" | "1" | "x"
    )
}

/// A non-empty trimmed cell.
pub fn text(cell: &str) -> Option<String> {
    let cell = cell.trim();
    (!cell.is_empty()).then(|| cell.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years() {
        assert_eq!(year("1999"), Some(1999));
        assert_eq!(year(" 2021 "), Some(2021));
        assert_eq!(year("1999.0"), Some(1999));
        assert_eq!(year("1999-05-01"), Some(1999));
        assert_eq!(year("2001-12-19T00:00:00Z"), Some(2001));
        for bad in [
            "", "unknown", "99", "19999", "0000", "3000", "1999a", "-1999", "????",
        ] {
            assert_eq!(year(bad), None, "{bad}");
        }
    }

    #[test]
    fn impossible_years_say_why_and_blank_ones_do_not() {
        assert_eq!(checked_year(" "), Ok(None));
        assert_eq!(checked_year("2001"), Ok(Some(2001)));
        let next = max_year();
        assert_eq!(checked_year(&next.to_string()), Ok(Some(next)));
        let after = checked_year(&(next + 1).to_string()).unwrap_err();
        assert!(after.contains(&format!("after {next}")), "{after}");
        assert_eq!(checked_year("????").unwrap_err(), "`????` is not a year");
        assert!(checked_year("1066").unwrap_err().contains("before"));
    }

    #[test]
    fn dates() {
        assert_eq!(date("2024-01-05").as_deref(), Some("2024-01-05"));
        assert_eq!(date("2024/01/05").as_deref(), Some("2024-01-05"));
        assert_eq!(date("2024.01.05").as_deref(), Some("2024-01-05"));
        assert_eq!(date("2024-01-05T21:30:00Z").as_deref(), Some("2024-01-05"));
        assert_eq!(date("2024-01-05 21:30").as_deref(), Some("2024-01-05"));
        assert_eq!(date("2024-02-29").as_deref(), Some("2024-02-29"));
        for bad in [
            "",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "05/01/2024",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
        for bad in [
            "2024-01-5",
            "2024-01/05",
            "2024-01-05x",
            "２０２４-01-05",
            "2024-01-0é",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
    }

    #[test]
    fn ratings() {
        assert_eq!(rating("4.5", 5.0), Some(4.5));
        assert_eq!(rating("3,5", 5.0), Some(3.5));
        assert_eq!(rating("8", 10.0), Some(8.0));
        for bad in ["", "0", "-1", "5.5", "NaN", "inf", "good"] {
            assert_eq!(rating(bad, 5.0), None, "{bad}");
        }
    }

    #[test]
    fn imdb_ids() {
        assert_eq!(imdb_id("tt0111161").as_deref(), Some("tt0111161"));
        assert_eq!(imdb_id(" TT0111161 ").as_deref(), Some("tt0111161"));
        let url = "https://www.imdb.com/title/tt15239678/?ref_=x";
        assert_eq!(imdb_id(url).as_deref(), Some("tt15239678"));
        for bad in ["", "tt", "0111161", "nm0000123", "tt01a", "tt0111161x"] {
            assert_eq!(imdb_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn tmdb_ids() {
        assert_eq!(tmdb_id("603"), Some(603));
        assert_eq!(tmdb_id("603.0"), Some(603));
        assert_eq!(
            tmdb_id("https://www.themoviedb.org/movie/603-the-matrix"),
            Some(603)
        );
        for bad in ["", "0", "-5", "abc", "https://www.themoviedb.org/tv/1396"] {
            assert_eq!(tmdb_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn flags() {
        assert!(flag("Yes"));
        assert!(flag(" yes "));
        assert!(!flag(""));
        assert!(!flag("No"));
    }
}
