//! The last step of every import: free texts that the source copied in with control
//! characters, which a document may not hold, are cleaned so the imported document loads
//! again once saved.

use crate::document::{Document, EdgeKind, NodeKind, ZoneSort};

use super::ImportReport;

/// Cleans every free text of an imported document and reports each element whose text
/// changed as guessed.
///
/// A carriage return before a newline is dropped and any other carriage return becomes a
/// newline. Every other control character except tab and newline becomes a space.
pub(crate) fn clean_texts(doc: &mut Document, report: &mut ImportReport) {
    let mut changed = Vec::new();

    let model_fields = [
        ("name", &mut doc.name),
        ("description", &mut doc.description),
    ];
    for (field, text) in model_fields {
        if clean(text) {
            changed.push(("model".to_owned(), field));
        }
    }

    for node in &mut doc.nodes {
        let mut fields = vec![
            ("label", &mut node.label),
            ("technology", &mut node.technology),
            ("note", &mut node.note),
        ];
        fields.extend(node.tags.iter_mut().map(|tag| ("tags", tag)));
        match &mut node.kind {
            NodeKind::Identity(identity) => fields.extend(
                identity
                    .boundary
                    .iter_mut()
                    .flatten()
                    .flat_map(|rule| rule.targets.iter_mut())
                    .map(|target| ("boundary targets", target)),
            ),
            NodeKind::Zone(zone) => {
                if let ZoneSort::Account(account) = &mut zone.sort {
                    fields.extend(account.scps.iter_mut().map(|scp| ("scps", scp)));
                }
            }
            _ => {}
        }
        for (field, text) in fields {
            if clean(text) {
                changed.push((node.id.clone(), field));
            }
        }
    }

    for edge in &mut doc.edges {
        let mut fields = Vec::new();
        match &mut edge.kind {
            // A grant's target may be a glob, which is text; any other target is a node id,
            // which an importer builds from id characters only.
            EdgeKind::Grants(_) => fields.push(("to", &mut edge.to)),
            EdgeKind::CanAssume(condition) => fields.push(("technique", &mut condition.technique)),
            EdgeKind::Flow(flow) => {
                fields.push(("protocol", &mut flow.protocol));
                fields.extend(
                    flow.source_range
                        .iter_mut()
                        .map(|range| ("source_range", range)),
                );
            }
            _ => {}
        }
        for (field, text) in fields {
            if clean(text) {
                changed.push((edge.id.clone(), field));
            }
        }
    }

    for (id, field) in changed {
        report.guessed(
            id,
            format!("control characters in its {field} were replaced with spaces"),
        );
    }
}

/// Cleans one text in place; returns whether it changed.
fn clean(text: &mut String) -> bool {
    let is_bad = |c: char| c.is_control() && c != '\t' && c != '\n';
    if !text.contains(is_bad) {
        return false;
    }
    *text = text
        .replace("\r\n", "\n")
        .chars()
        .map(|c| match c {
            '\r' => '\n',
            c if is_bad(c) => ' ',
            c => c,
        })
        .collect();
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::validate;

    #[test]
    fn clean_replaces_control_characters() {
        let cases = [
            ("plain\ttext\n", "plain\ttext\n", false),
            ("a\r\nb\rc", "a\nb\nc", true),
            ("nul\0here", "nul here", true),
            (
                "delete\u{7f} and next line\u{85}",
                "delete  and next line ",
                true,
            ),
        ];
        for (input, expected, changes) in cases {
            let mut text = input.to_owned();
            assert_eq!(clean(&mut text), changes, "{input:?}");
            assert_eq!(text, expected, "{input:?}");
        }
    }

    #[test]
    fn clean_texts_makes_document_valid() {
        // The model's description and a node's note each hold a NUL: both are cleaned,
        // both are reported, and the document then validates.
        let mut doc = Document::new("model");
        doc.description = "about\0it".to_owned();
        let mut node =
            crate::document::Node::new("role/ci", "ci", NodeKind::Service(Default::default()));
        node.note = "arn:a\0::111122223333:role/ci".to_owned();
        doc.nodes.push(node);
        let mut report = ImportReport::default();

        clean_texts(&mut doc, &mut report);

        assert_eq!(doc.description, "about it");
        assert_eq!(doc.nodes[0].note, "arn:a ::111122223333:role/ci");
        assert_eq!(report.guessed.len(), 2);
        assert_eq!(report.guessed[1].id, "role/ci");
        assert!(validate(&doc).is_empty(), "{:?}", validate(&doc));
    }
}
