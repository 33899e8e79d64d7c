//! What every fuzz target checks of an input that a loader or importer accepts.
//!
//! A loader may refuse any input, but it must refuse it with an error, never a panic. What
//! it accepts must be a document the rest of Trustmap can use: it validates, the review
//! runs on it and returns the same findings from a warm policy cache as from a cold one,
//! and it saves to RON text that loads back unchanged.

#![forbid(unsafe_code)]

use trustmap_model::Document;
use trustmap_model::import::{Import, ImportError};
use trustmap_model::load;
use trustmap_model::policy::PolicyCache;
use trustmap_model::review::review_with;

/// File name the targets give the loaders for their error messages.
pub const FILE: &str = "fuzz-input";

/// Returns the input as text, or `None` when it is not UTF-8, because the command line
/// rejects such files before it calls a loader.
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Checks the result of an import: an error must format, a model must be usable.
pub fn check_import(result: Result<Import, ImportError>) {
    match result {
        Ok(import) => {
            let _ = import.report.to_string();
            check_document(&import.document);
        }
        Err(error) => check_error(&error),
    }
}

/// Checks that an error's message formats and is not empty.
pub fn check_error(error: &dyn std::error::Error) {
    assert!(!error.to_string().is_empty(), "an error without a message");
}

/// Checks that an accepted document validates, reviews alike from a cold and a warm
/// cache, and survives a save and a load unchanged.
pub fn check_document(doc: &Document) {
    let issues = load::validate(doc);
    assert!(
        issues.is_empty(),
        "an accepted document fails validation: {issues:?}"
    );

    check_review(doc);

    let saved = load::to_ron(doc);
    match load::load_str(&saved, FILE) {
        Ok(reloaded) => assert!(
            reloaded == *doc,
            "the document changed in a save and a load:\n{saved}"
        ),
        Err(error) => panic!("a saved document does not load: {error}\n{saved}"),
    }
}

/// Reviews a document twice with one cache and checks that both reviews agree.
pub fn check_review(doc: &Document) {
    let mut cache = PolicyCache::new();
    let cold = review_with(doc, &mut cache);
    let warm = review_with(doc, &mut cache);

    assert_eq!(cold.findings, warm.findings, "a warm review differs");
    assert_eq!(cold.policy_problems, warm.policy_problems);
    assert_eq!(cold.cedar_evaluated, warm.cedar_evaluated);
}
