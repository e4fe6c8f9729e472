//! Reading and parsing FILE, with the same limits and the same error
//! messages as `POST /api/upload`.

use std::path::Path;

use super::CliError;
use crate::import::{self, Import, ImportError, Limits};

/// Reads and parses `path`; every failure is a usage error (exit status 2).
pub async fn load(path: &Path, limits: Limits) -> Result<Import, CliError> {
    let shown = path.display();
    let unreadable = |err: std::io::Error| CliError::Usage(format!("cannot read {shown}: {err}"));
    let meta = tokio::fs::metadata(path).await.map_err(unreadable)?;
    if meta.is_dir() {
        return Err(CliError::Usage(format!(
            "{shown} is a directory, not a file"
        )));
    }
    // Checked before reading, as the server checks an upload's size before
    // buffering it: a huge file is refused without being loaded.
    if meta.len() > limits.max_bytes as u64 {
        return Err(CliError::Usage(format!(
            "cannot import {shown}: the file is larger than the limit of {} bytes \
             (--max-upload-bytes, REELSTREAM_MAX_UPLOAD_BYTES)",
            limits.max_bytes
        )));
    }
    let bytes = tokio::fs::read(path).await.map_err(unreadable)?;
    let name = path.file_name().and_then(|n| n.to_str()).map(str::to_owned);
    // Parsing 50 000 rows is CPU work: keep it off the async workers.
    tokio::task::spawn_blocking(move || import::parse(&bytes, name.as_deref(), &limits))
        .await
        .map_err(|err| CliError::runtime("parsing stopped", err))?
        .map_err(|err| CliError::Usage(describe(path, &err)))
}

/// The import error's message, then one line per row at fault, as the API's
/// problem document lists them in `errors`.
pub fn describe(path: &Path, err: &ImportError) -> String {
    let mut text = format!("cannot import {}: {err}", path.display());
    for fault in err.errors() {
        let mut at = Vec::new();
        if let Some(row) = fault.row {
            at.push(format!("line {row}"));
        }
        if let Some(column) = &fault.column {
            at.push(format!("column {column}"));
        }
        text.push_str("\n  ");
        if !at.is_empty() {
            text.push_str(&at.join(", "));
            text.push_str(": ");
        }
        text.push_str(&fault.message);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_lists_the_rows_at_fault() {
        // A title-less row is a warning; a file of nothing else is refused, naming it.
        let bytes = b"Date,Name,Year,Letterboxd URI\n2024-01-01,,2020,x\n";
        let err = import::parse(bytes, Some("watched.csv"), &Limits::default()).unwrap_err();
        let text = describe(Path::new("watched.csv"), &err);
        let mut lines = text.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("cannot import watched.csv: the file is malformed"),
            "{text}"
        );
        let detail = lines.next().unwrap();
        assert!(detail.starts_with("  line 2, column Name: "), "{text}");
    }

    #[test]
    fn describe_without_row_details_is_one_line() {
        let text = describe(Path::new("empty.csv"), &ImportError::Empty);
        assert_eq!(text, "cannot import empty.csv: the file is empty");
    }

    #[tokio::test]
    async fn a_missing_file_is_a_usage_error() {
        let err = load(Path::new("/nonexistent/watched.csv"), Limits::default())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, CliError::Usage(m) if m.starts_with("cannot read /nonexistent/watched.csv: ")),
            "{err}"
        );
    }
}
