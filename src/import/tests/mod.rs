//! End-to-end tests of [`parse`](super::parse): format detection, every
//! rejection, export ZIPs, and the committed fixtures.

mod errors;
mod export_zip;
mod fixtures;
mod formats;
mod non_films;
mod quirks;

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::{Import, ImportError, Limits, parse};

/// A ZIP of the given (path, content) entries, deflated, with a fixed
/// timestamp so that the same entries always give the same bytes.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default());
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, body) in entries {
        writer
            .start_file(*name, options)
            .expect("start a ZIP entry");
        writer.write_all(body).expect("write a ZIP entry");
    }
    writer.finish().expect("finish the ZIP").into_inner()
}

/// Parses with the default limits.
pub fn parse_default(bytes: &[u8], filename: Option<&str>) -> Result<Import, ImportError> {
    parse(bytes, filename, &Limits::default())
}

/// Parses text that must be accepted.
pub fn parse_ok(text: &str) -> Import {
    parse_default(text.as_bytes(), None).unwrap_or_else(|err| panic!("rejected: {err}"))
}
