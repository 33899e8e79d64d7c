//! Reading the model a command names: a `.trustmap.ron` file, or another tool's file that is
//! imported first.
//!
//! Everything that parses a file or imports one goes through the functions at the end of
//! this module, so that the commands do not depend on how a model is loaded.

use std::fs::File;
use std::io::Read as _;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use clap::ValueEnum;
use trustmap_model::Document;

/// The largest file a command reads, in bytes.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The tools whose files can be imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SourceFormat {
    /// Threagile YAML.
    Threagile,
    /// OWASP Threat Dragon JSON, version 1 or 2.
    ThreatDragon,
    /// Open Threat Model JSON or YAML.
    Otm,
    /// pytm's JSON model.
    Pytm,
    /// The output of `aws iam get-account-authorization-details`.
    Iam,
}

impl SourceFormat {
    /// Returns the tool's name as messages spell it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Threagile => "Threagile",
            Self::ThreatDragon => "Threat Dragon",
            Self::Otm => "Open Threat Model",
            Self::Pytm => "pytm",
            Self::Iam => "AWS IAM authorization details",
        }
    }
}

/// The record of the elements an import mapped, guessed and left out.
#[derive(Clone, Debug, Default)]
pub struct ImportReport {
    /// How many elements of the source were mapped onto the model as they are.
    pub mapped: usize,
    /// Elements whose mapping rests on a guess, such as an authentication the source does
    /// not state.
    pub guessed: Vec<ReportEntry>,
    /// Elements the model has no place for.
    pub left_out: Vec<ReportEntry>,
}

/// One element of an import report.
#[derive(Clone, Debug)]
pub struct ReportEntry {
    /// The element's id in the source file.
    pub element: String,
    /// The guess, or the reason the element was left out.
    pub message: String,
}

/// A model imported from another tool's file.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The model.
    pub document: Document,
    /// The elements the import mapped, guessed and left out.
    pub report: ImportReport,
}

/// A model read from a file.
#[derive(Clone, Debug)]
pub struct Model {
    /// The model.
    pub document: Document,
    /// The file's text.
    pub text: String,
    /// The tool that wrote the file, when it was imported.
    pub imported_from: Option<SourceFormat>,
}

/// Reads a model: a `.trustmap.ron` file, or a file of another tool, detected by its content
/// and imported. An import prints a one-line summary to standard error.
pub fn read_model(path: &Path) -> Result<Model> {
    let text = read_text(path)?;
    let file = path.display().to_string();

    let Some(format) = detect(&text) else {
        let document = parse_trustmap(&text, &file)?;
        return Ok(Model {
            document,
            text,
            imported_from: None,
        });
    };

    log::info!("{file} is a {} file; importing it", format.name());
    let imported = import(format, &text, &file)?;
    print_import_summary(&file, format, &imported.report);
    Ok(Model {
        document: imported.document,
        text,
        imported_from: Some(format),
    })
}

/// Prints one line about an import to standard error, so that it stays out of the report on
/// standard output.
fn print_import_summary(file: &str, format: SourceFormat, report: &ImportReport) {
    eprintln!(
        "imported {file} from {}: {} mapped, {} guessed, {} left out \
         (`trustmap import {file}` lists them)",
        format.name(),
        report.mapped,
        report.guessed.len(),
        report.left_out.len()
    );
}

/// Reads a whole UTF-8 text file of at most [`MAX_FILE_BYTES`].
pub fn read_text(path: &Path) -> Result<String> {
    let file = File::open(path).with_context(|| format!("failed to open {}", path.display()))?;

    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("failed to read {}", path.display()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        bail!(
            "{} is larger than the limit of {} MiB",
            path.display(),
            MAX_FILE_BYTES / (1024 * 1024)
        );
    }

    String::from_utf8(bytes).map_err(|err| {
        let (line, col) = position_of_byte(&err.as_bytes()[..err.utf8_error().valid_up_to()]);
        anyhow::anyhow!(
            "{}:{line}:{col}: the file is not valid UTF-8 text",
            path.display()
        )
    })
}

/// Returns the 1-based line and column just after a run of valid UTF-8.
fn position_of_byte(valid: &[u8]) -> (usize, usize) {
    let text = String::from_utf8_lossy(valid);
    let line = text.matches('\n').count() + 1;
    let col = text
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count())
        + 1;
    (line, col)
}

/// Writes a model to `path` without overwriting an existing file, unless `force` is set.
/// With `force`, the file is replaced atomically (written beside it, synced, then renamed).
pub fn write_new_file(path: &Path, text: &str, force: bool) -> Result<()> {
    use std::io::Write as _;

    if !force {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|err| match err.kind() {
                std::io::ErrorKind::AlreadyExists => anyhow::anyhow!(
                    "{} already exists; pass --force to overwrite it",
                    path.display()
                ),
                _ => {
                    anyhow::Error::new(err).context(format!("failed to create {}", path.display()))
                }
            })?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .with_context(|| format!("failed to write {}", path.display()))?;
        return Ok(());
    }

    trustmap_model::load::write_file(path, text.as_bytes())?;
    Ok(())
}

/// Parses a `.trustmap.ron` text with the model's loader; errors read `file:line:col:
/// sentence`.
fn parse_trustmap(text: &str, file: &str) -> Result<Document> {
    trustmap_model::load::load_str(text, file).map_err(|err| anyhow::anyhow!("{err}"))
}

/// Serializes a model as `.trustmap.ron` text.
pub fn to_ron(document: &Document) -> Result<String> {
    Ok(trustmap_model::load::to_ron(document))
}

/// Returns the tool that wrote a file, judged by its content, or `None` for a Trustmap
/// model or an unknown file.
pub fn detect(text: &str) -> Option<SourceFormat> {
    use trustmap_model::import::SourceFormat as Source;

    Some(match trustmap_model::import::detect(text)? {
        Source::Threagile => SourceFormat::Threagile,
        Source::ThreatDragon => SourceFormat::ThreatDragon,
        Source::Otm => SourceFormat::Otm,
        Source::Pytm => SourceFormat::Pytm,
        Source::Iam => SourceFormat::Iam,
    })
}

/// Imports another tool's file.
pub fn import(format: SourceFormat, text: &str, file: &str) -> Result<Imported> {
    let imported = match format {
        SourceFormat::Threagile => trustmap_model::import::import_threagile(text, file)?,
        SourceFormat::ThreatDragon => trustmap_model::import::import_threat_dragon(text, file)?,
        SourceFormat::Otm => trustmap_model::import::import_otm(text, file)?,
        SourceFormat::Pytm => trustmap_model::import::import_pytm(text, file)?,
        SourceFormat::Iam => trustmap_model::import::import_iam(text, file)?,
    };
    let entries = |entries: Vec<trustmap_model::import::ReportEntry>| {
        entries
            .into_iter()
            .map(|entry| ReportEntry {
                element: entry.id,
                message: entry.message,
            })
            .collect()
    };
    Ok(Imported {
        document: imported.document,
        report: ImportReport {
            mapped: imported.report.mapped.len(),
            guessed: entries(imported.report.guessed),
            left_out: entries(imported.report.left_out),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_of_byte_counts_lines_and_columns() {
        assert_eq!(position_of_byte(b""), (1, 1));
        assert_eq!(position_of_byte(b"ab"), (1, 3));
        assert_eq!(position_of_byte(b"ab\ncd"), (2, 3));
        assert_eq!(position_of_byte(b"ab\n"), (2, 1));
    }

    #[test]
    fn detect_threagile_by_version_key() {
        let text = "threagile_version: 1.0.0\ntitle: Stub\n";
        assert_eq!(detect(text), Some(SourceFormat::Threagile));
        assert_eq!(detect("(format: 1, name: \"x\")"), None);
    }

    #[test]
    fn parse_error_names_file_and_position() {
        let err = parse_trustmap("(\n    format: 1,\n    nam: \"x\",\n)", "m.trustmap.ron");
        let message = format!("{:#}", err.err().map(|e| e.to_string()).unwrap_or_default());
        assert!(message.starts_with("m.trustmap.ron:3:"), "{message}");
    }

    #[test]
    fn to_ron_round_trips() -> Result<()> {
        let document = Document::new("Round trip");
        let text = to_ron(&document)?;
        assert_eq!(parse_trustmap(&text, "x")?, document);
        Ok(())
    }
}
