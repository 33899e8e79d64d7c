//! `trustmap import`: converts another tool's model into a Trustmap model, and reports what
//! was mapped, guessed and left out.

use std::io::{self, Write};

use anyhow::{Context as _, Result};

use super::input::{self, ImportReport};
use super::{ImportArgs, Status};

/// Runs `trustmap import`: the model goes to the output file or standard output, the report
/// to standard error.
pub fn run(args: &ImportArgs) -> Result<Status> {
    let text = input::read_text(&args.file)?;
    let file = args.file.display().to_string();

    let format = match args.from {
        Some(format) => format,
        None => input::detect(&text).with_context(|| {
            format!(
                "cannot tell which tool wrote {file}; name it with --from \
                 (threagile, threat-dragon, otm, pytm or iam)"
            )
        })?,
    };
    let imported = input::import(format, &text, &file)?;
    let model = input::to_ron(&imported.document)?;

    let mut stderr = io::stderr().lock();
    write_report(&mut stderr, &file, format.name(), &imported.report)?;

    match &args.output {
        Some(output) => {
            input::write_new_file(output, &model, args.force)?;
            writeln!(stderr, "wrote {}", output.display())?;
        }
        None => {
            let mut stdout = io::stdout().lock();
            stdout.write_all(model.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(Status::Clean)
}

/// Writes the import report: the counts, then each guessed and each left-out element.
fn write_report(
    out: &mut dyn Write,
    file: &str,
    tool: &str,
    report: &ImportReport,
) -> io::Result<()> {
    writeln!(
        out,
        "imported {file} from {tool}: {} mapped, {} guessed, {} left out",
        report.mapped,
        report.guessed.len(),
        report.left_out.len()
    )?;
    for entry in &report.guessed {
        writeln!(out, "  guessed  {}: {}", entry.element, entry.message)?;
    }
    for entry in &report.left_out {
        writeln!(out, "  left out {}: {}", entry.element, entry.message)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::input::ReportEntry;

    #[test]
    fn report_lists_counts_then_entries() -> io::Result<()> {
        let report = ImportReport {
            mapped: 3,
            guessed: vec![ReportEntry {
                element: "link-1".to_owned(),
                message: "authentication unknown".to_owned(),
            }],
            left_out: vec![ReportEntry {
                element: "risk-1".to_owned(),
                message: "risks have no place in the model".to_owned(),
            }],
        };
        let mut out = Vec::new();
        write_report(&mut out, "t.yaml", "Threagile", &report)?;
        let text = String::from_utf8_lossy(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "imported t.yaml from Threagile: 3 mapped, 1 guessed, 1 left out",
                "  guessed  link-1: authentication unknown",
                "  left out risk-1: risks have no place in the model",
            ]
        );
        Ok(())
    }
}
