//! `TMDB_API_KEY_FILE` / `TMDB_READ_TOKEN_FILE`: a secret read from a file
//! (a container or systemd secret), so that it shows in no `ps` listing and
//! no environment dump.

use std::path::Path;

/// Why a secret could not be taken from its file. The messages name the
/// setting and the file, never the content.
#[derive(Debug, thiserror::Error)]
pub enum SecretFileError {
    /// Both the value and its file were given.
    #[error("{value} and {file} are both set: give the secret one way")]
    Both {
        /// The value's variable, e.g. `TMDB_API_KEY`.
        value: &'static str,
        /// The file's variable, e.g. `TMDB_API_KEY_FILE`.
        file: &'static str,
    },
    /// The file could not be read.
    #[error("{file} ({path}) cannot be read: {source}")]
    Unreadable {
        /// The file's variable.
        file: &'static str,
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file holds nothing but whitespace.
    #[error("{file} ({path}) is empty")]
    Empty {
        /// The file's variable.
        file: &'static str,
        /// The file.
        path: String,
    },
}

/// Fills `value` from `file` when only the file is given; the trailing
/// newline (and any trailing whitespace) that editors and `echo` add is dropped.
pub(super) fn resolve(
    value: &mut Option<String>,
    file: Option<&Path>,
    names: (&'static str, &'static str),
) -> Result<(), SecretFileError> {
    let (value_name, file_name) = names;
    let Some(path) = file else {
        return Ok(());
    };
    if value.is_some() {
        return Err(SecretFileError::Both {
            value: value_name,
            file: file_name,
        });
    }
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| SecretFileError::Unreadable {
        file: file_name,
        path: shown.clone(),
        source,
    })?;
    let secret = text.trim_end();
    if secret.trim().is_empty() {
        return Err(SecretFileError::Empty {
            file: file_name,
            path: shown,
        });
    }
    *value = Some(secret.to_owned());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: (&str, &str) = ("TMDB_API_KEY", "TMDB_API_KEY_FILE");

    #[test]
    fn a_file_gives_its_secret_without_the_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, "s3cret\r\n").unwrap();
        let mut value = None;
        resolve(&mut value, Some(&path), NAMES).unwrap();
        assert_eq!(value.as_deref(), Some("s3cret"));
        // No file: the value stays as given.
        let mut given = Some("v".to_owned());
        resolve(&mut given, None, NAMES).unwrap();
        assert_eq!(given.as_deref(), Some("v"));
    }

    #[test]
    fn missing_empty_or_doubled_secrets_are_errors_naming_the_setting() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "\n").unwrap();
        let missing = dir.path().join("missing");
        let err = resolve(&mut None, Some(&missing), NAMES).unwrap_err();
        assert!(err.to_string().starts_with("TMDB_API_KEY_FILE ("), "{err}");
        let err = resolve(&mut None, Some(&empty), NAMES).unwrap_err();
        assert!(err.to_string().ends_with("is empty"), "{err}");
        let err = resolve(&mut Some("v".into()), Some(&empty), NAMES).unwrap_err();
        assert!(matches!(err, SecretFileError::Both { .. }), "{err}");
    }
}
