//! Inputs that the fuzz targets found, each with the result the importer now returns.
//!
//! Each input under `hostile/fuzz/` is a fuzzer's finding, kept as found. Before the fixes
//! the importers accepted them but returned documents that failed validation, so a saved
//! import did not load again. Every test checks the repaired field and that the document
//! now validates and survives a save and a load unchanged.

use std::path::PathBuf;

use trustmap_model::Document;
use trustmap_model::import::{Import, import_iam, import_otm, import_pytm, import_threat_dragon};
use trustmap_model::load::{load_str, to_ron, validate};

/// Longest id a document holds, in bytes.
const MAX_ID_LEN: usize = 256;

fn input(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "hostile", "fuzz", name]
        .iter()
        .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Checks that a document validates, and loads back equal from the text it saves to.
fn assert_round_trip(doc: &Document) {
    let issues = validate(doc);
    assert!(issues.is_empty(), "{issues:?}");

    let saved = to_ron(doc);
    let reloaded = load_str(&saved, "saved.trustmap.ron").unwrap_or_else(|error| panic!("{error}"));
    assert!(
        reloaded == *doc,
        "the document changed in a save and a load"
    );
}

/// Returns whether the report lists an element as guessed with a message that contains
/// `text`.
fn guessed(import: &Import, id: &str, text: &str) -> bool {
    import
        .report
        .guessed
        .iter()
        .any(|entry| entry.id == id && entry.message.contains(text))
}

#[test]
fn otm_long_component_id_is_cut() {
    // Component 1's id is 318 characters of a UUID run into a threat's text. Its spaces
    // become `-` and the id keeps its first 256 bytes.
    let text = input("otm-long-component-id.json");
    let import =
        import_otm(&text, "otm-long-component-id.json").unwrap_or_else(|error| panic!("{error}"));

    let long: Vec<&str> = import
        .document
        .nodes
        .iter()
        .map(|node| node.id.as_str())
        .filter(|id| id.starts_with("6183b7fa-eba5-4bf8-a0aL-procedures---Details-of-dynamic"))
        .collect();
    assert_eq!(long.len(), 1, "{long:?}");
    assert_eq!(long[0].len(), MAX_ID_LEN);
    assert!(
        import
            .document
            .nodes
            .iter()
            .all(|node| node.id.len() <= MAX_ID_LEN),
        "an id is too long"
    );
    assert_round_trip(&import.document);
}

#[test]
fn pytm_nul_in_description_is_replaced() {
    // The model's description is "\u0000aaa": the NUL becomes a space.
    let text = input("pytm-nul-in-description.json");
    let import = import_pytm(&text, "pytm-nul-in-description.json")
        .unwrap_or_else(|error| panic!("{error}"));

    assert_eq!(import.document.description, " aaa");
    assert!(
        guessed(&import, "model", "description"),
        "{}",
        import.report
    );
    assert_round_trip(&import.document);
}

#[test]
fn iam_nul_in_role_arn_is_replaced() {
    // Role `ci` has the ARN "arn:a\u0000::111122223333:role/ci", which the importer keeps
    // in the role node's note.
    let text = input("iam-nul-in-role-arn.json");
    let import =
        import_iam(&text, "iam-nul-in-role-arn.json").unwrap_or_else(|error| panic!("{error}"));

    let role = import
        .document
        .node("role/ci")
        .unwrap_or_else(|| panic!("no node role/ci"));
    assert_eq!(role.note, "arn:a ::111122223333:role/ci");
    assert!(guessed(&import, "role/ci", "note"), "{}", import.report);
    assert_round_trip(&import.document);
}

#[test]
fn threat_dragon_delete_in_description_is_replaced() {
    // The summary's description holds U+007F (DEL) inside "3-Tier-Web-App".
    let text = input("threat-dragon-delete-in-description.json");
    let import = import_threat_dragon(&text, "threat-dragon-delete-in-description.json")
        .unwrap_or_else(|error| panic!("{error}"));

    assert!(
        import
            .document
            .description
            .ends_with("threat-model-cookbook/IriusRisk/3-Tier -Web-App"),
        "{:?}",
        import.document.description
    );
    assert!(
        guessed(&import, "model", "description"),
        "{}",
        import.report
    );
    assert_round_trip(&import.document);
}
