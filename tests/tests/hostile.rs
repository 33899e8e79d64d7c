//! The hostile corpus in `tests/hostile/`, beyond the cases in `load_errors.rs`, and inputs
//! too large to commit, generated here. Each is rejected with an exact message naming the
//! file, line and column, or loads exactly as written.

use std::path::{Path, PathBuf};

use trustmap_model::load::{LoadErrorKind, MAX_FILE_BYTES, MAX_NESTING, load_file, load_str};

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("hostile")
        .join(name)
}

/// Loads a file and returns its error message with the directory taken off the file name.
fn error_of(path: &Path) -> String {
    let error = load_file(path).expect_err("a hostile file must not load");
    let dir = path.parent().map(|dir| format!("{}/", dir.display()));
    error.to_string().replace(&dir.unwrap_or_default(), "")
}

#[test]
fn corpus_errors_exact() {
    let cases = [
        (
            "empty.trustmap.ron",
            "empty.trustmap.ron:1:1: the file is empty; a model file contains at least (format: 1, \
             name: \"...\")",
        ),
        (
            // A JSON object where the model's `(` belongs.
            "json_instead.trustmap.ron",
            "json_instead.trustmap.ron:1:1: expected a struct in ( ), found {",
        ),
        (
            // Line 5 is `    name: "second",`.
            "duplicate_field.trustmap.ron",
            "duplicate_field.trustmap.ron:5:5: the model has the field \"name\" twice",
        ),
        (
            // Line 6 is `        (id: "api", kind: Service()),`; column 36 is the `)` that
            // closes the node, where the parser notices the missing field.
            "missing_field.trustmap.ron",
            "missing_field.trustmap.ron:6:36: a node is missing the required field \"label\" \
             at nodes[0]",
        ),
        (
            // Line 4 is `    name: "unterminated,`; column 11 is the opening quote.
            "unterminated_string.trustmap.ron",
            "unterminated_string.trustmap.ron:4:11: syntax error: a string has no closing \
             quote at name",
        ),
    ];
    for (name, expected) in cases {
        assert_eq!(error_of(&corpus(name)), expected, "{name}");
    }
}

#[test]
fn corpus_error_kinds() {
    let cases = [
        ("empty.trustmap.ron", LoadErrorKind::Syntax),
        ("json_instead.trustmap.ron", LoadErrorKind::WrongType),
        (
            "duplicate_field.trustmap.ron",
            LoadErrorKind::DuplicateField,
        ),
        ("missing_field.trustmap.ron", LoadErrorKind::MissingField),
        ("unterminated_string.trustmap.ron", LoadErrorKind::Syntax),
    ];
    for (name, kind) in cases {
        let error = load_file(&corpus(name)).expect_err(name);
        assert_eq!(error.kind, kind, "{name}: {error}");
    }
}

#[test]
fn bidirectional_label_loads_as_written() {
    let doc = load_file(&corpus("bidi_label.trustmap.ron")).expect("bidi label");

    // A right-to-left override, Hebrew, an emoji, an escaped tab and an escaped newline:
    // none is a control character that labels forbid.
    assert_eq!(doc.nodes[0].label, "\u{202e}txt.exe עברית 🦀\ttab\nline");
}

#[test]
fn isolated_identity_loads() {
    let doc = load_file(&corpus("isolated_identity.trustmap.ron")).expect("isolated identity");

    assert_eq!(doc.nodes.len(), 2);
    assert!(doc.edges.is_empty());
    let review = trustmap_model::review(&doc);
    assert_eq!(review.questions.blast_radius.entries.len(), 1);
    assert_eq!(review.questions.blast_radius.entries[0].reached, 0);
}

#[test]
fn hundred_megabyte_file_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.trustmap.ron");
    // A valid start and then 100 MiB of well-formed nodes: only the size is wrong.
    let node = "(id: \"n\", label: \"a label of some length\", kind: Service()),\n";
    let mut text = String::from("(format: 1, name: \"big\", nodes: [\n");
    text.push_str(&node.repeat(100 * 1024 * 1024 / node.len() + 1));
    text.push_str("])\n");
    std::fs::write(&path, &text).expect("write the big file");

    let error = load_file(&path).expect_err("too large");

    assert_eq!(error.kind, LoadErrorKind::TooLarge);
    assert_eq!(error.position, None);
    assert_eq!(
        error.message,
        format!(
            "the file has {} bytes; model files hold at most {MAX_FILE_BYTES} bytes (64 MiB)",
            text.len()
        )
    );
}

#[test]
fn ten_thousand_levels_rejected() {
    let prefix = "(format: 1, name: \"deep\", nodes: [";
    let depth = 10_000;
    let text = format!("{prefix}{}{}])", "[".repeat(depth), "]".repeat(depth));

    let error = load_str(&text, "deep.trustmap.ron").expect_err("too deep");

    // The model's `(` is level 1 and `nodes: [` level 2, so the 127th `[` of the run is
    // level 129, the first past the limit of 128.
    assert_eq!(MAX_NESTING, 128);
    let column = prefix.chars().count() + 127;
    assert_eq!(error.kind, LoadErrorKind::TooDeep);
    assert_eq!(
        error.to_string(),
        format!("deep.trustmap.ron:1:{column}: brackets nest deeper than 128 levels")
    );
}

#[test]
fn ten_thousand_mixed_levels_rejected() {
    // Parentheses, brackets and braces count alike, across lines.
    let open: String = "([{\n".repeat(2_500);
    let close: String = "}])\n".repeat(2_500);
    let text = format!("{open}{close}");

    let error = load_str(&text, "mixed.trustmap.ron").expect_err("too deep");

    // Each line opens three levels, so lines 1 to 42 reach level 126 and the `{` in column
    // 3 of line 43 is level 129.
    assert_eq!(error.kind, LoadErrorKind::TooDeep);
    assert_eq!(
        error.to_string(),
        "mixed.trustmap.ron:43:3: brackets nest deeper than 128 levels"
    );
}

#[test]
fn brackets_inside_strings_not_counted() {
    // Without the `#![enable(..)]` header a kind's attributes need their own parentheses.
    let label = "(".repeat(4_000);
    let text = format!(
        "(format: 1, name: \"{}\", nodes: [(id: \"a\", label: \"{label}\", kind: \
         Service(()))])",
        "[".repeat(4_000)
    );

    let doc = load_str(&text, "strings.trustmap.ron").expect("brackets in strings");

    assert_eq!(doc.nodes[0].label, label);
    assert_eq!(doc.name.len(), 4_000);
}
