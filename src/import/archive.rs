//! Letterboxd export ZIPs: find the film files by their path's tail, read
//! them under a decompression budget, and merge them into one film list.
//!
//! A corrupt or encrypted archive is `Unsupported` (415): the client sent a
//! ZIP we cannot use, which is a media-type problem rather than a CSV one.
//! One damaged member (a failed checksum, binary bytes where CSV should be)
//! is skipped with a warning naming it, since a person cannot repair the
//! export Letterboxd gave them; only when nothing usable is left is the ZIP
//! refused. Row errors name the entry in their message.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::error::ImportError;
use super::letterboxd::{self, FilmRow, Kind};
use super::merge::Merger;
use super::text::{self, TextEncoding};
use super::warnings::{ImportWarning, Warnings};
use super::{Import, Limits, SourceFormat, list};

/// Most entries an archive may declare: a real export has a dozen files plus
/// one per list, and parsing a huge central directory costs memory up front.
pub const MAX_ENTRIES: usize = 10_000;

/// Decompressed bytes allowed per uploaded byte limit: CSV compresses about
/// fivefold, so four times the upload limit fits any honest export.
const EXPANSION_FACTOR: usize = 4;

/// Whether the bytes start like a ZIP archive (a local file header, or the
/// end record of an empty archive).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Parses a Letterboxd export ZIP into one entry per distinct film. Its
/// encoding is UTF-8 unless a member was read in another, then the first
/// such member's.
pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Import, ImportError> {
    if declared_entries(bytes).is_some_and(|n| n > MAX_ENTRIES) {
        return Err(ImportError::unsupported(format!(
            "the ZIP archive has more than {MAX_ENTRIES} entries, far more than a Letterboxd export"
        )));
    }
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let entries = film_entries(&zip)?;
    let cap = limits.max_bytes.saturating_mul(EXPANSION_FACTOR);
    let mut budget = cap;
    let mut merger = Merger::new(limits.max_rows);
    let mut warnings = Warnings::default();
    let mut encoding = None;
    let mut damaged = None;
    for (kind, index, name) in entries {
        let data = match read_entry(&mut zip, index, &mut budget, cap) {
            Ok(data) => data,
            Err(err @ ImportError::TooLarge { .. }) => return Err(err),
            Err(err) => {
                skip(&mut warnings, &mut damaged, &name, &err);
                continue;
            }
        };
        let decoded = match text::decode(&data) {
            Ok(decoded) => decoded,
            // Letterboxd writes every file, even with only a header.
            Err(ImportError::Empty) => continue,
            Err(err) => {
                skip(&mut warnings, &mut damaged, &name, &err);
                continue;
            }
        };
        if !decoded.encoding.is_utf8() {
            encoding.get_or_insert(decoded.encoding);
        }
        let mut member = Warnings::default();
        match read_films(&decoded.text, kind, limits.max_rows, &mut member) {
            Ok(rows) => merger.add(kind, rows)?,
            Err(ImportError::Empty | ImportError::HeaderOnly) => {}
            Err(err) => return Err(in_entry(err, &name)),
        }
        warnings.absorb(member, &name);
    }
    let movies = merger.finish();
    if let (true, Some(detail)) = (movies.is_empty(), damaged) {
        return Err(ImportError::unsupported(detail));
    }
    super::finish(
        SourceFormat::LetterboxdZip,
        encoding.unwrap_or(TextEncoding::UTF_8),
        movies,
        warnings,
    )
}

/// Records a damaged member: a warning, and the first one's reason in case
/// nothing usable is left.
fn skip(warnings: &mut Warnings, damaged: &mut Option<String>, name: &str, err: &ImportError) {
    warnings.push(ImportWarning::member(
        name,
        format!("the file is damaged and was skipped: {err}"),
    ));
    damaged.get_or_insert_with(|| format!("{name}: {err}"));
}

fn read_films(
    text: &str,
    kind: Kind,
    max_rows: usize,
    warnings: &mut Warnings,
) -> Result<Vec<FilmRow>, ImportError> {
    match kind {
        Kind::List => list::read(text, max_rows, warnings),
        _ => letterboxd::read_file(text, max_rows, warnings),
    }
}

/// Says which entry an error comes from, where the error has room for it.
fn in_entry(err: ImportError, name: &str) -> ImportError {
    match err {
        ImportError::Malformed { errors } => ImportError::Malformed {
            errors: errors.into_iter().map(|e| e.in_entry(name)).collect(),
        },
        ImportError::Unsupported { detail } => {
            ImportError::unsupported(format!("{name}: {detail}"))
        }
        other => other,
    }
}

fn corrupt(err: zip::result::ZipError) -> ImportError {
    ImportError::unsupported(format!("the ZIP archive cannot be read ({err})"))
}

/// The archive's film files with their kind, in merge order: watched first,
/// then diary, ratings, reviews, likes, watchlist and lists.
fn film_entries(
    zip: &ZipArchive<Cursor<&[u8]>>,
) -> Result<Vec<(Kind, usize, String)>, ImportError> {
    let mut entries = Vec::new();
    let mut workbook = false;
    for index in 0..zip.len() {
        let Some(Ok(name)) = zip.name_for_index(index) else {
            continue;
        };
        workbook |= name == "xl/workbook.xml";
        if let Some(kind) = kind_of_path(&name) {
            entries.push((kind, index, name.into_owned()));
        }
    }
    if entries.is_empty() {
        let detail = if workbook {
            "the file is an Excel workbook; export the sheet as CSV and upload that"
        } else {
            "the ZIP archive holds no Letterboxd export files (watched.csv, diary.csv, \
             ratings.csv, reviews.csv, watchlist.csv, likes/films.csv or lists/*.csv)"
        };
        return Err(ImportError::unsupported(detail));
    }
    entries.sort_by(|a, b| (a.0, &a.2).cmp(&(b.0, &b.2)));
    Ok(entries)
}

/// The kind of a film file from its path's tail, so that exports zipped
/// inside a top folder are read too. Personal data (profile.csv), comments,
/// `deleted/` and `orphaned/` entries, liked reviews and lists, and macOS
/// resource forks are not film files.
pub fn kind_of_path(path: &str) -> Option<Kind> {
    let path = path.replace('\\', "/").to_lowercase();
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let (&file, folders) = parts.split_last()?;
    let skipped = |p: &&str| matches!(*p, "deleted" | "orphaned" | "__macosx");
    if folders.iter().any(skipped) || file.starts_with("._") || !file.ends_with(".csv") {
        return None;
    }
    match (folders.last().copied(), file) {
        (Some("lists"), _) => Some(Kind::List),
        (Some("likes"), "films.csv") => Some(Kind::Likes),
        (Some("likes"), _) => None,
        (_, "watched.csv") => Some(Kind::Watched),
        (_, "diary.csv") => Some(Kind::Diary),
        (_, "ratings.csv") => Some(Kind::Ratings),
        (_, "reviews.csv") => Some(Kind::Reviews),
        (_, "watchlist.csv") => Some(Kind::Watchlist),
        _ => None,
    }
}

/// Decompresses one entry, charging it to the budget; never trusts the
/// declared size, since a zip bomb lies about it.
fn read_entry(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    index: usize,
    budget: &mut usize,
    cap: usize,
) -> Result<Vec<u8>, ImportError> {
    let file = zip.by_index(index).map_err(corrupt)?;
    if usize::try_from(file.size()).map_or(true, |size| size > *budget) {
        return Err(ImportError::TooLarge { limit: cap });
    }
    let mut data = Vec::new();
    let allowance = u64::try_from(*budget).unwrap_or(u64::MAX).saturating_add(1);
    file.take(allowance).read_to_end(&mut data).map_err(|err| {
        ImportError::unsupported(format!("the ZIP archive cannot be read ({err})"))
    })?;
    *budget = budget
        .checked_sub(data.len())
        .ok_or(ImportError::TooLarge { limit: cap })?;
    Ok(data)
}

/// The entry count in the end-of-central-directory record, when one is found
/// (0xFFFF, the ZIP64 marker, reads as a count over the cap).
fn declared_entries(bytes: &[u8]) -> Option<usize> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const EOCD_LEN: usize = 22;
    // The record ends the file, followed by a comment of at most 64 KiB.
    let search_from = bytes.len().saturating_sub(EOCD_LEN + usize::from(u16::MAX));
    let at = bytes[search_from..]
        .windows(EOCD.len())
        .rposition(|w| w == EOCD)?
        + search_from;
    let count = bytes.get(at + 10..at + 12)?;
    Some(usize::from(u16::from_le_bytes([count[0], count[1]])))
}
