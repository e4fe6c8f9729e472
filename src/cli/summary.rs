//! The summary printed after a run: the counts, then the films a person has
//! to look at (unmatched, with their titles; failed, with their reasons),
//! then what the import skipped or dropped (its warnings).

use std::time::Duration;

use super::progress::human;
use crate::domain::MovieStatus;
use crate::model::{Movie, Warning};

/// Most unmatched films listed by title; the output holds the rest.
const MAX_UNMATCHED: usize = 25;
/// Most films in review listed with their proposal.
const MAX_REVIEW: usize = 25;
/// Most failed films listed with their reason.
const MAX_FAILED: usize = 10;
/// Most import warnings listed; the session holds the first 100.
const MAX_WARNINGS: usize = 10;

/// How many films ended in each final state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Matched and enriched.
    pub enriched: usize,
    /// A proposal to confirm.
    pub review: usize,
    /// No acceptable match.
    pub unmatched: usize,
    /// TMDB kept failing.
    pub failed: usize,
    /// Neither a film nor a show, never looked up.
    pub skipped: usize,
}

impl Counts {
    /// Counts `movies` by status.
    pub fn of(movies: &[Movie]) -> Self {
        let count = |status| movies.iter().filter(|m| m.status == status).count();
        Self {
            enriched: count(MovieStatus::Enriched),
            review: count(MovieStatus::Review),
            unmatched: count(MovieStatus::Unmatched),
            failed: count(MovieStatus::Failed),
            skipped: count(MovieStatus::Skipped),
        }
    }
}

/// What the import skipped or dropped: the first warnings and their total.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportNotes<'a> {
    /// The first warnings.
    pub warnings: &'a [Warning],
    /// How many there were in all.
    pub total: u64,
    /// The encoding the file was read in (`utf-8` says nothing).
    pub encoding: &'a str,
}

/// The summary text, one line per entry, without a trailing newline.
pub fn render(movies: &[Movie], notes: ImportNotes<'_>, elapsed: Duration) -> String {
    let c = Counts::of(movies);
    let films = if movies.len() == 1 { "film" } else { "films" };
    let viewings: i64 = movies.iter().map(|m| m.viewing_count).sum();
    let viewings = match viewings {
        0 => String::new(),
        1 => " (1 viewing)".to_owned(),
        n => format!(" ({n} viewings)"),
    };
    let mut first = format!(
        "{} {films}{viewings} in {}: {} enriched, ",
        movies.len(),
        human(elapsed),
        c.enriched,
    );
    if c.review > 0 {
        first += &format!("{} to review, ", c.review);
    }
    first += &format!("{} unmatched, {} failed", c.unmatched, c.failed);
    if c.skipped > 0 {
        first += &format!(", {} skipped (not films)", c.skipped);
    }
    let mut lines = vec![first];
    if !notes.encoding.is_empty() && notes.encoding != "utf-8" {
        lines.push(format!("Read as {}.", notes.encoding));
    }
    list(
        &mut lines,
        movies,
        MovieStatus::Review,
        format!(
            "To review ({}), a proposed match for a person to confirm:",
            c.review
        ),
        MAX_REVIEW,
        proposal,
    );
    list(
        &mut lines,
        movies,
        MovieStatus::Unmatched,
        format!("Unmatched ({}), no TMDB film fits:", c.unmatched),
        MAX_UNMATCHED,
        |_| String::new(),
    );
    list(
        &mut lines,
        movies,
        MovieStatus::Failed,
        format!(
            "Failed ({}), TMDB kept failing; run again to retry them:",
            c.failed
        ),
        MAX_FAILED,
        |m| format!(": {}", m.error.as_deref().unwrap_or("no reason recorded")),
    );
    warnings(&mut lines, notes);
    lines.join("\n")
}

fn warnings(lines: &mut Vec<String>, notes: ImportNotes<'_>) {
    if notes.total == 0 {
        return;
    }
    lines.push(format!(
        "Warnings ({}), skipped or dropped while reading the file:",
        notes.total
    ));
    for w in notes.warnings.iter().take(MAX_WARNINGS) {
        let mut at: Vec<String> = Vec::new();
        at.extend(w.file.clone());
        at.extend(w.row.map(|row| format!("line {row}")));
        at.extend(w.column.as_ref().map(|column| format!("column {column}")));
        let at = if at.is_empty() {
            String::new()
        } else {
            format!("{}: ", at.join(", "))
        };
        lines.push(format!("  {at}{}", w.message));
    }
    let shown = notes.warnings.len().min(MAX_WARNINGS) as u64;
    if notes.total > shown {
        lines.push(format!("  … and {} more", notes.total - shown));
    }
}

fn list(
    lines: &mut Vec<String>,
    movies: &[Movie],
    status: MovieStatus,
    heading: String,
    max: usize,
    detail: impl Fn(&Movie) -> String,
) {
    let matching: Vec<&Movie> = movies.iter().filter(|m| m.status == status).collect();
    if matching.is_empty() {
        return;
    }
    lines.push(heading);
    for m in matching.iter().take(max) {
        lines.push(format!("  row {:<5} {}{}", m.row, title(m), detail(m)));
    }
    if matching.len() > max {
        lines.push(format!(
            "  … and {} more (status `{}` in the output)",
            matching.len() - max,
            status.as_str()
        ));
    }
}

/// " → Piranha 3D (2010), 84%": what a film in review is proposed as.
fn proposal(m: &Movie) -> String {
    let title = m.matched_title.as_deref().unwrap_or("?");
    let year = m
        .release_date
        .as_deref()
        .and_then(|d| d.get(..4))
        .map(|y| format!(" ({y})"))
        .unwrap_or_default();
    let confidence = m
        .match_confidence
        .map(|c| format!(", {:.0}%", c * 100.0))
        .unwrap_or_default();
    format!(" → {title}{year}{confidence}")
}

/// "Dune (2021)", or the title alone when the export had no year.
fn title(m: &Movie) -> String {
    match m.year {
        Some(year) => format!("{} ({year})", m.title),
        None => m.title.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn movie(row: i64, title: &str, status: MovieStatus, error: Option<&str>) -> Movie {
        Movie {
            id: row,
            row,
            title: title.into(),
            year: Some(2000 + row as i32),
            letterboxd_uri: None,
            imdb_id: None,
            watched_date: None,
            rating: None,
            rewatch: 0,
            viewing_count: 0,
            logged_date: None,
            rated_date: None,
            added_date: None,
            status,
            tmdb_id: None,
            media_type: None,
            matched_title: None,
            original_title: None,
            release_date: None,
            runtime: None,
            genres: vec![],
            directors: vec![],
            cast: vec![],
            countries: vec![],
            original_language: None,
            poster_url: None,
            vote_average: None,
            match_confidence: None,
            candidates: vec![],
            error: error.map(str::to_owned),
            skip_reason: None,
        }
    }

    #[test]
    fn lists_unmatched_titles_and_failure_reasons() {
        let movies = vec![
            movie(1, "Persona", MovieStatus::Enriched, None),
            movie(2, "Nothing Like It", MovieStatus::Unmatched, None),
            movie(
                3,
                "Dune",
                MovieStatus::Failed,
                Some("TMDB lookup failed: timeout"),
            ),
        ];
        let text = render(&movies, ImportNotes::default(), Duration::from_secs(3));
        assert_eq!(
            text,
            "3 films in 3s: 1 enriched, 1 unmatched, 1 failed\n\
             Unmatched (1), no TMDB film fits:\n  \
             row 2     Nothing Like It (2002)\n\
             Failed (1), TMDB kept failing; run again to retry them:\n  \
             row 3     Dune (2003): TMDB lookup failed: timeout"
        );
        assert_eq!(
            Counts::of(&movies),
            Counts {
                enriched: 1,
                review: 0,
                unmatched: 1,
                failed: 1,
                skipped: 0
            }
        );
    }

    #[test]
    fn films_in_review_are_listed_with_their_proposal() {
        let mut piranha = movie(4, "Piranha", MovieStatus::Review, None);
        piranha.year = Some(2010);
        piranha.matched_title = Some("Piranha 3D".into());
        piranha.release_date = Some("2010-08-20".into());
        piranha.match_confidence = Some(0.861);
        let movies = vec![movie(1, "Heat", MovieStatus::Enriched, None), piranha];
        let text = render(&movies, ImportNotes::default(), Duration::from_secs(2));
        assert_eq!(
            text,
            "2 films in 2s: 1 enriched, 1 to review, 0 unmatched, 0 failed\n\
             To review (1), a proposed match for a person to confirm:\n  \
             row 4     Piranha (2010) → Piranha 3D (2010), 86%"
        );
    }

    #[test]
    fn long_lists_are_cut() {
        let movies: Vec<Movie> = (1..=30)
            .map(|i| movie(i, "Lost", MovieStatus::Unmatched, None))
            .collect();
        let text = render(&movies, ImportNotes::default(), Duration::from_secs(1));
        assert!(
            text.ends_with("  … and 5 more (status `unmatched` in the output)"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 1 + 1 + MAX_UNMATCHED + 1);
    }

    #[test]
    fn warnings_follow_with_where_and_the_rest_counted() {
        let movies = vec![movie(1, "Persona", MovieStatus::Enriched, None)];
        let warning = |file: Option<&str>, row: Option<u64>, column: Option<&str>| Warning {
            file: file.map(str::to_owned),
            row,
            column: column.map(str::to_owned),
            message: "dropped".into(),
        };
        let mut kept = vec![
            warning(Some("lists/a.csv"), None, None),
            warning(None, Some(14), Some("Year")),
        ];
        kept.extend((0..20).map(|_| warning(None, Some(2), None)));
        let notes = ImportNotes {
            warnings: &kept,
            total: 130,
            encoding: "utf-8",
        };
        let text = render(&movies, notes, Duration::from_secs(1));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[1..4],
            [
                "Warnings (130), skipped or dropped while reading the file:",
                "  lists/a.csv: dropped",
                "  line 14, column Year: dropped",
            ]
        );
        assert_eq!(lines.last(), Some(&"  … and 120 more"));
        assert_eq!(lines.len(), 1 + 1 + MAX_WARNINGS + 1);
    }

    #[test]
    fn viewings_and_a_legacy_encoding_are_said() {
        let mut movies = vec![movie(1, "Persona", MovieStatus::Enriched, None)];
        movies[0].viewing_count = 3;
        let notes = ImportNotes {
            encoding: "windows-1252",
            ..ImportNotes::default()
        };
        let text = render(&movies, notes, Duration::from_secs(1));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("1 film (3 viewings) in "), "{text}");
        assert_eq!(lines[1], "Read as windows-1252.");
    }
}
