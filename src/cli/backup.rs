//! `reelstream backup OUT`: a consistent copy of the server's SQLite
//! database, taken while it runs (uploads, lookups and all).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{EXIT_FAILED, EXIT_USAGE};
use crate::config::DEFAULT_DATABASE_URL;
use crate::store::backup;

/// Settings of `reelstream backup`.
#[derive(Clone, Debug, Args)]
pub struct BackupArgs {
    /// The file to write; it must not exist yet.
    #[arg(value_name = "OUT")]
    pub output: PathBuf,
    /// The server's database (SQLite; back PostgreSQL up with `pg_dump`).
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

/// The SQLite file a `sqlite://` URL names, or why it names none.
fn sqlite_file(url: &str) -> Result<PathBuf, String> {
    if url.starts_with("postgres") {
        return Err(
            "reelstream backup copies a SQLite database; back PostgreSQL up \
                    with pg_dump (see the README's Deployment section)"
                .into(),
        );
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| format!("'{url}' is not a database URL reelstream knows"))?;
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Err("an in-memory database has nothing to back up".into());
    }
    Ok(PathBuf::from(path))
}

/// Writes the copy and says what it holds, on stderr.
pub async fn run(args: BackupArgs) -> ExitCode {
    let usage = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(EXIT_USAGE)
    };
    let source = match sqlite_file(&args.database_url) {
        Ok(path) => path,
        Err(message) => return usage(message),
    };
    if !source.is_file() {
        return usage(format!("no database at {}", source.display()));
    }
    let out = &args.output;
    if out.exists() {
        return usage(format!(
            "{} exists; the backup goes to a new file",
            out.display()
        ));
    }
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.is_dir()
    {
        return usage(format!("the directory {} does not exist", parent.display()));
    }
    // Read-only: the copy is taken from a snapshot and never writes the source.
    let url = format!("sqlite://{}?mode=ro", source.display());
    match backup::sqlite(&url, out).await {
        Ok(copy) => {
            eprintln!(
                "Backed up {} to {} ({} bytes): {} sessions, {} films",
                source.display(),
                out.display(),
                copy.bytes,
                copy.sessions,
                copy.films
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: the backup failed: {err}");
            // Nothing half-written is left to be mistaken for a backup.
            let _ = std::fs::remove_file(out);
            ExitCode::from(EXIT_FAILED)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sqlite_files_are_backed_up() {
        assert_eq!(
            sqlite_file("sqlite://reelstream.db?mode=rwc").unwrap(),
            PathBuf::from("reelstream.db")
        );
        assert_eq!(
            sqlite_file("sqlite:///var/lib/reelstream/r.db").unwrap(),
            PathBuf::from("/var/lib/reelstream/r.db")
        );
        assert!(
            sqlite_file("postgres://u@h/db")
                .unwrap_err()
                .contains("pg_dump")
        );
        assert!(sqlite_file("sqlite::memory:").is_err());
        assert!(sqlite_file("mysql://x").is_err());
    }
}
