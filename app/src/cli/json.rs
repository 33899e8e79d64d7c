//! The JSON report of a review: the model's name and file, every finding, the answers to the
//! three review questions, depth of defence and the checklist.

use std::io::{self, Write};

use serde::Serialize;
use trustmap_model::Document;
use trustmap_model::review::checklist::ItemResult;
use trustmap_model::review::defence::Defence;
use trustmap_model::review::{Finding, Questions, Review};

/// The top-level JSON object.
#[derive(Serialize)]
struct Report<'a> {
    model: ModelInfo<'a>,
    findings: &'a [Finding],
    questions: &'a Questions,
    defence: &'a Defence,
    checklist: &'a [ItemResult],
    cedar_evaluated: bool,
}

/// The reviewed model.
#[derive(Serialize)]
struct ModelInfo<'a> {
    name: &'a str,
    file: &'a str,
}

/// Writes the review as pretty-printed JSON followed by a newline.
pub fn write_review(
    out: &mut dyn Write,
    file: &str,
    document: &Document,
    review: &Review,
) -> io::Result<()> {
    let report = Report {
        model: ModelInfo {
            name: &document.name,
            file,
        },
        findings: &review.findings,
        questions: &review.questions,
        defence: &review.defence,
        checklist: &review.checklist,
        cedar_evaluated: review.cedar_evaluated,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_has_every_top_level_key() -> anyhow::Result<()> {
        let document = Document::new("Keys");
        let review = trustmap_model::review(&document);
        let mut out = Vec::new();
        write_review(&mut out, "keys.trustmap.ron", &document, &review)?;

        let value: serde_json::Value = serde_json::from_slice(&out)?;
        for key in ["model", "findings", "questions", "defence", "checklist"] {
            assert!(value.get(key).is_some(), "missing {key}");
        }
        for key in ["unauthenticated_reach", "blast_radius", "east_west"] {
            assert!(value["questions"].get(key).is_some(), "missing {key}");
        }
        assert_eq!(value["model"]["name"], "Keys");
        assert_eq!(value["model"]["file"], "keys.trustmap.ron");
        Ok(())
    }
}
