//! Where the enriched library goes, in which format, checked before any
//! work so that a bad `-o` fails at once rather than after the lookups.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::CliError;
use crate::export::{ExportFormat, FileKind, Rendered};

/// The destination of the enriched library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// Standard output (`-o -`).
    Stdout,
    /// A file, created or replaced.
    File(PathBuf),
}

/// The destination and the format to write there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// Where.
    pub destination: Destination,
    /// In which format.
    pub format: ExportFormat,
}

impl Output {
    /// Resolves `-o` and `--format`: the format defaults to the output's
    /// extension, else CSV; the file defaults to `<stem>.enriched.<ext>`
    /// (`<stem>.letterboxd.csv`, `<stem>.review.csv`) next to `input`.
    pub fn resolve(input: &Path, output: Option<&Path>, format: Option<ExportFormat>) -> Self {
        match output {
            Some(path) if path == Path::new("-") => Self {
                destination: Destination::Stdout,
                format: format.unwrap_or_default(),
            },
            Some(path) => Self {
                format: format.unwrap_or_else(|| format_of(path)),
                destination: Destination::File(path.to_owned()),
            },
            None => {
                let format = format.unwrap_or_default();
                let stem = input
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "reelstream".to_owned());
                let kind = match format {
                    ExportFormat::Letterboxd => "letterboxd",
                    ExportFormat::Review => "review",
                    ExportFormat::Csv | ExportFormat::Json => "enriched",
                };
                let name = format!("{stem}.{kind}.{}", format.extension());
                Self {
                    destination: Destination::File(input.with_file_name(name)),
                    format,
                }
            }
        }
    }

    /// Refuses a destination that cannot be written or would overwrite the input.
    pub fn check(&self, input: &Path) -> Result<(), CliError> {
        let Destination::File(path) = &self.destination else {
            return Ok(());
        };
        let shown = path.display();
        if path.is_dir() {
            return Err(CliError::Usage(format!(
                "cannot write {shown}: it is a directory"
            )));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(CliError::Usage(format!(
                "cannot write {shown}: the directory {} does not exist",
                parent.display()
            )));
        }
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same(path, input) {
            return Err(CliError::Usage(format!(
                "cannot write {shown}: it is the input file; choose another with -o"
            )));
        }
        Ok(())
    }

    /// Writes the rendered library and says where it went: a Letterboxd
    /// file split into a ZIP goes to the file's path with `.zip` instead.
    pub fn write(&self, rendered: &Rendered) -> Result<Destination, CliError> {
        let bytes = rendered.bytes.as_slice();
        match &self.destination {
            Destination::Stdout => {
                let mut stdout = std::io::stdout().lock();
                match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
                    // `reelstream enrich f.csv -o - | head` closing the pipe early is fine.
                    Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {}
                    result => {
                        result.map_err(|err| CliError::runtime("cannot write stdout", err))?;
                    }
                }
                Ok(Destination::Stdout)
            }
            Destination::File(path) => {
                let path = match rendered.kind {
                    FileKind::Zip => path.with_extension("zip"),
                    _ => path.clone(),
                };
                std::fs::write(&path, bytes).map_err(|err| {
                    CliError::runtime(format!("cannot write {}", path.display()), err)
                })?;
                Ok(Destination::File(path))
            }
        }
    }
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Stdout => write!(f, "stdout"),
            Self::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// JSON for a `.json` file, CSV for anything else.
fn format_of(path: &Path) -> ExportFormat {
    match path.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("json") => ExportFormat::Json,
        _ => ExportFormat::Csv,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, format: ExportFormat) -> Output {
        Output {
            destination: Destination::File(PathBuf::from(path)),
            format,
        }
    }

    #[test]
    fn defaults_to_csv_next_to_the_input() {
        let input = Path::new("exports/watched.csv");
        assert_eq!(
            Output::resolve(input, None, None),
            file("exports/watched.enriched.csv", ExportFormat::Csv)
        );
        assert_eq!(
            Output::resolve(Path::new("letterboxd.zip"), None, Some(ExportFormat::Json)),
            file("letterboxd.enriched.json", ExportFormat::Json)
        );
        assert_eq!(
            Output::resolve(input, None, Some(ExportFormat::Letterboxd)),
            file("exports/watched.letterboxd.csv", ExportFormat::Letterboxd)
        );
        assert_eq!(
            Output::resolve(input, None, Some(ExportFormat::Review)),
            file("exports/watched.review.csv", ExportFormat::Review)
        );
    }

    #[test]
    fn the_format_follows_the_extension_unless_given() {
        let input = Path::new("watched.csv");
        let out = |o: &str, f| Output::resolve(input, Some(Path::new(o)), f);
        assert_eq!(out("lib.JSON", None).format, ExportFormat::Json);
        assert_eq!(out("lib.csv", None).format, ExportFormat::Csv);
        assert_eq!(out("lib.txt", None).format, ExportFormat::Csv);
        assert_eq!(
            out("lib.csv", Some(ExportFormat::Json)).format,
            ExportFormat::Json
        );
        assert_eq!(out("-", None).destination, Destination::Stdout);
        assert_eq!(
            out("-", Some(ExportFormat::Json)).format,
            ExportFormat::Json
        );
    }

    #[test]
    fn check_refuses_missing_directories_directories_and_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("watched.csv");
        std::fs::write(&input, "x").unwrap();
        let check = |path: PathBuf| file(path.to_str().unwrap(), ExportFormat::Csv).check(&input);
        assert!(check(dir.path().join("out.csv")).is_ok());
        assert!(check(dir.path().join("nope/out.csv")).is_err());
        assert!(check(dir.path().to_owned()).is_err());
        let err = check(input.clone()).unwrap_err();
        assert!(err.to_string().contains("the input file"), "{err}");
    }
}
