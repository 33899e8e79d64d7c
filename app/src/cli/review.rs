//! `trustmap review`: reviews a model and prints the report as text, JSON or SARIF.

use std::io::{self, BufWriter, Write};

use anyhow::Result;
use trustmap_model::{Review, Severity};

use super::input;
use super::text::{self, Painter};
use super::{ReviewArgs, ReviewFormat, Status, json, sarif};

/// Runs `trustmap review`.
pub fn run(args: &ReviewArgs) -> Result<Status> {
    let model = input::read_model(&args.file)?;
    let file = args.file.display().to_string();

    let review = trustmap_model::review(&model.document);
    log::info!(
        "reviewed {file}: {} findings, worst {}",
        review.findings.len(),
        review.worst_severity().map_or("none", Severity::name)
    );

    let mut out = BufWriter::new(io::stdout().lock());
    match args.format {
        ReviewFormat::Text => {
            let painter = Painter::for_stdout();
            text::write_review(&mut out, painter, &file, &model.document, &review)?;
        }
        ReviewFormat::Json => json::write_review(&mut out, &file, &model.document, &review)?,
        ReviewFormat::Sarif => {
            let source = model.imported_from.is_none().then_some(model.text.as_str());
            sarif::write_review(&mut out, &file, source, &model.document, &review)?;
        }
    }
    out.flush()?;

    Ok(status(&review, args.fail_on.map(Severity::from)))
}

/// Returns the exit status: findings at threshold when some finding is at least as severe as
/// `fail_on`, clean otherwise (always clean without a threshold).
fn status(review: &Review, fail_on: Option<Severity>) -> Status {
    match fail_on {
        Some(threshold) if review.findings.iter().any(|f| f.severity >= threshold) => {
            Status::FindingsAtThreshold
        }
        _ => Status::Clean,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trustmap_model::Finding;

    fn review_with(severities: &[Severity]) -> Review {
        let mut review = trustmap_model::review(&trustmap_model::Document::new("Test"));
        review.findings = severities
            .iter()
            .map(|&severity| Finding::new("ID-1", severity, "a finding"))
            .collect();
        review
    }

    #[test]
    fn status_without_threshold_is_clean() {
        let review = review_with(&[Severity::Critical]);
        assert_eq!(status(&review, None), Status::Clean);
    }

    #[test]
    fn status_counts_findings_at_or_above_threshold() {
        let review = review_with(&[Severity::Low, Severity::High]);
        assert_eq!(
            status(&review, Some(Severity::High)),
            Status::FindingsAtThreshold
        );
        assert_eq!(
            status(&review, Some(Severity::Medium)),
            Status::FindingsAtThreshold
        );
        assert_eq!(status(&review, Some(Severity::Critical)), Status::Clean);
    }

    #[test]
    fn status_of_empty_review_is_clean() {
        let review = review_with(&[]);
        assert_eq!(status(&review, Some(Severity::Info)), Status::Clean);
    }
}
