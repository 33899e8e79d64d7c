//! Loading model files: every rejected input names the file, line, column, field and value;
//! accepted files survive save, load, save byte for byte.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use trustmap_model::document::*;
use trustmap_model::load::{
    LoadError, LoadErrorKind, MAX_FILE_BYTES, Position, load_file, load_str, save_file, to_ron,
};

const HEADER: &str = "#![enable(implicit_some, unwrap_variant_newtypes)]\n";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("hostile")
        .join(name)
}

/// Loads a hostile fixture and returns its error with the directory taken off the file.
fn fixture_error(name: &str) -> String {
    let path = fixture(name);
    let error = load_file(&path).expect_err(name);
    let dir = format!(
        "{}/",
        path.parent()
            .map(Path::display)
            .map(|d| d.to_string())
            .unwrap_or_default()
    );
    error.to_string().replace(&dir, "")
}

#[test]
fn fixture_dangling_reference() {
    assert_eq!(
        fixture_error("dangling_reference.trustmap.ron"),
        "dangling_reference.trustmap.ron:10:37: flow edge \"f3\" has \"to\": \"paymnts-api\", \
         which is no node or zone"
    );
}

#[test]
fn fixture_duplicate_id() {
    assert_eq!(
        fixture_error("duplicate_id.trustmap.ron"),
        "duplicate_id.trustmap.ron:10:14: the id \"api\" of the flow edge is already the id \
         of a service"
    );
}

#[test]
fn fixture_zone_cycle() {
    assert_eq!(
        fixture_error("zone_cycle.trustmap.ron"),
        "zone_cycle.trustmap.ron:6:70: zone \"outer\" lies inside itself: outer -> inner -> \
         outer"
    );
}

#[test]
fn fixture_unknown_field() {
    assert_eq!(
        fixture_error("unknown_field.trustmap.ron"),
        "unknown_field.trustmap.ron:6:35: unknown field \"colour\" in a node at nodes[0]; \
         expected one of id, label, kind, technology, position, size, parent, data_classes, \
         critical, tags, note"
    );
}

#[test]
fn fixture_wrong_type() {
    assert_eq!(
        fixture_error("wrong_type.trustmap.ron"),
        "wrong_type.trustmap.ron:6:57: expected true or false at nodes[0].kind.public, found \
         \"yes\""
    );
}

#[test]
fn fixture_truncated() {
    assert_eq!(
        fixture_error("truncated.trustmap.ron"),
        "truncated.trustmap.ron:6:41: the file ends early at nodes[0].kind; it may be truncated"
    );
}

#[test]
fn fixture_invalid_utf8() {
    // Line 4 is `    name: "caf` followed by the lone byte 0xE9 at byte offset 82.
    assert_eq!(
        fixture_error("invalid_utf8.trustmap.ron"),
        "invalid_utf8.trustmap.ron:4:15: the file is not valid UTF-8: byte 82 (0xE9) starts \
         no character"
    );
}

#[test]
fn fixture_nul_byte() {
    assert_eq!(
        fixture_error("nul_byte.trustmap.ron"),
        "nul_byte.trustmap.ron:5:5: the control character U+0000 is not allowed outside strings"
    );
}

#[test]
fn fixture_control_label() {
    let error = load_file(&fixture("control_label.trustmap.ron")).expect_err("control");
    assert_eq!(error.kind, LoadErrorKind::ControlCharacter);
    assert_eq!(
        error.position,
        Some(Position {
            line: 6,
            column: 28
        })
    );
    assert_eq!(
        error.message,
        "node \"api\" has the control character U+001B in \"label\"; only tab and newline are \
         allowed"
    );
}

#[test]
fn fixture_newer_format() {
    assert_eq!(
        fixture_error("newer_format.trustmap.ron"),
        "newer_format.trustmap.ron:3:13: \"format\": 7 is newer than this build of Trustmap \
         reads (up to 1); open the file with a newer version"
    );
}

#[test]
fn fixture_self_loop_loads() {
    let doc = load_file(&fixture("self_loop.trustmap.ron")).expect("self loop");
    assert_eq!(doc.edges[0].from, "worker");
    assert_eq!(doc.edges[0].to, "worker");
}

#[test]
fn fixture_markup_label_loads_as_written() {
    let doc = load_file(&fixture("markup_label.trustmap.ron")).expect("markup");
    assert_eq!(
        doc.nodes[0].label,
        "<b>&amp;</b> <script>alert(1)</script> \"quoted\""
    );
}

#[test]
fn format_0_migrates_data_classes() {
    let doc = load_file(&fixture("format_0.trustmap.ron")).expect("format 0");
    assert_eq!(doc.format, FORMAT_VERSION);
    assert_eq!(
        doc.nodes[0].data_classes,
        [DataClass::Pii, DataClass::Cardholder]
    );
    assert_eq!(
        doc.nodes[0].kind,
        NodeKind::DataStore(DataStore {
            encryption: Encryption::ProviderManaged,
            ..DataStore::default()
        })
    );
    assert!(doc.nodes[1].data_classes.is_empty());

    // Saved again, the model is version 1 and loads as such.
    let text = to_ron(&doc);
    assert!(text.contains("format: 1,"), "{text}");
    assert_eq!(load_str(&text, "saved"), Ok(doc));
}

#[test]
fn format_0_rejects_node_data_classes() {
    // In version 0 only data stores held data classes; a node-level field is unknown there.
    let text = format!(
        "{HEADER}(format: 0, name: \"old\", nodes: [(id: \"a\", label: \"A\", kind: Service(), \
         data_classes: [Pii])])"
    );
    let error = load_str(&text, "old.ron").expect_err("v0 node data classes");
    assert_eq!(error.kind, LoadErrorKind::UnknownField);
    assert_eq!(error.field.as_deref(), Some("nodes[0].data_classes"));
}

/// Returns the line and column of the `nth` occurrence of `needle` in `text`, plus `shift`
/// characters, counted by hand rather than by the loader's own line index.
fn position_of(text: &str, needle: &str, shift: usize) -> Position {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in {text}"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1 + shift;
    Position { line, column }
}

/// One invalid document: its body (inside the top-level parentheses, after `format` and
/// `name`), where the error must point, and its expected message.
struct Case {
    body: &'static str,
    needle: &'static str,
    shift: usize,
    kind: LoadErrorKind,
    field: &'static str,
    value: Option<&'static str>,
    message: &'static str,
}

fn check(case: &Case) {
    let text = format!(
        "{HEADER}(\n    format: 1,\n    name: \"t\",\n{}\n)\n",
        case.body
    );
    let error: LoadError = load_str(&text, "t.ron").expect_err(case.message);
    let expected = position_of(&text, case.needle, case.shift);
    assert_eq!(error.position, Some(expected), "{error}");
    assert_eq!(error.kind, case.kind, "{error}");
    assert_eq!(error.field.as_deref(), Some(case.field), "{error}");
    assert_eq!(error.value.as_deref(), case.value, "{error}");
    assert_eq!(error.message, case.message, "{error}");
    assert!(
        error
            .to_string()
            .starts_with(&format!("t.ron:{expected}: ")),
        "{error}"
    );
}

const SERVICE: &str = "(id: \"svc\", label: \"S\", kind: Service())";

#[test]
fn syntax_and_type_errors() {
    let cases = [
        Case {
            body: "    nodes: [(id: \"a\" label: \"A\", kind: Service())],",
            needle: "label",
            shift: 0,
            kind: LoadErrorKind::Syntax,
            field: "nodes[0]",
            value: Some("label"),
            message: "syntax error: expected a comma at nodes[0], found label",
        },
        Case {
            body: "    nodes: [(id: \"a\", kind: Service())],",
            // ron reports a missing field at the struct's closing parenthesis.
            needle: "Service())]",
            shift: 9,
            kind: LoadErrorKind::MissingField,
            field: "nodes[0].label",
            value: None,
            message: "a node is missing the required field \"label\" at nodes[0]",
        },
        Case {
            body: "    nodes: [(id: \"a\", label: \"A\", kind: Key(rotation: Sometimes))],",
            needle: "Sometimes",
            shift: 0,
            kind: LoadErrorKind::UnknownVariant,
            field: "nodes[0].kind.rotation",
            value: Some("Sometimes"),
            message: "unknown value \"Sometimes\" at nodes[0].kind.rotation; expected one of \
                      NoRotation, Automatic, Manual",
        },
        Case {
            body: "    edges: [(id: \"f\", from: \"a\", to: \"b\", kind: Flow(ports: (first: \
                   70000, last: 1)))],",
            needle: "70000",
            shift: 0,
            kind: LoadErrorKind::OutOfRange,
            field: "edges[0].kind.ports.first",
            value: Some("70000"),
            message: "the number 70000 at edges[0].kind.ports.first is out of range for its \
                      field",
        },
    ];
    for case in &cases {
        check(case);
    }
}

#[test]
fn reference_errors() {
    let cases = [
        Case {
            body: "    nodes: [(id: \"a\", label: \"A\", kind: Service(), parent: \"nowhere\")],",
            needle: "\"nowhere\"",
            shift: 0,
            kind: LoadErrorKind::DanglingReference,
            field: "nodes[0].parent",
            value: Some("nowhere"),
            message: "node \"a\" has \"parent\": \"nowhere\", which is no node or zone",
        },
        Case {
            body: "    nodes: [(id: \"a\", label: \"A\", kind: Service()), (id: \"b\", label: \
                   \"B\", kind: Service(), parent: \"a\")],",
            needle: "\"a\")",
            shift: 0,
            kind: LoadErrorKind::ParentNotZone,
            field: "nodes[1].parent",
            value: Some("a"),
            message: "node \"b\" has \"parent\": \"a\", which is a service, not a zone",
        },
        Case {
            body: "    edges: [(id: \"e\", from: \"ghost\", to: \"svc\", kind: Flow())],\n    \
                   nodes: [(id: \"svc\", label: \"S\", kind: Service())],",
            needle: "\"ghost\"",
            shift: 0,
            kind: LoadErrorKind::DanglingReference,
            field: "edges[0].from",
            value: Some("ghost"),
            message: "flow edge \"e\" has \"from\": \"ghost\", which is no node or zone",
        },
        Case {
            body: "    nodes: [(id: \"svc\", label: \"S\", kind: Service())],\n    edges: [(id: \
                   \"e\", from: \"svc\", to: \"svc\", kind: Flow(authorization: Cedar(store: \
                   \"nostore\", action: \"Read\")))],",
            needle: "\"nostore\"",
            shift: 0,
            kind: LoadErrorKind::DanglingReference,
            field: "edges[0].kind.authorization.store",
            value: Some("nostore"),
            message: "flow edge \"e\" names the policy store \"nostore\", which does not exist",
        },
        Case {
            body: "    nodes: [(id: \"svc\", label: \"S\", kind: Service())],\n    edges: [(id: \
                   \"e\", from: \"svc\", to: \"svc\", kind: Flow(originating: Authorized(cedar: \
                   (store: \"gone\", action: \"Read\"))))],",
            needle: "\"gone\"",
            shift: 0,
            kind: LoadErrorKind::DanglingReference,
            field: "edges[0].kind.originating.cedar.store",
            value: Some("gone"),
            message: "flow edge \"e\" names the policy store \"gone\", which does not exist",
        },
        Case {
            body: "    policy_stores: [(id: \"ps\", policies: \"\", links: [(template: \"t\", id: \
                   \"l\", principal: \"nobody\")])],",
            needle: "\"nobody\"",
            shift: 0,
            kind: LoadErrorKind::DanglingReference,
            field: "policy_stores[0].links[0].principal",
            value: Some("nobody"),
            message: "template link \"l\" of policy store \"ps\" has \"principal\": \"nobody\", \
                      which is no node or zone",
        },
        Case {
            body: "    verdicts: {\n        \"ID-1\": (verdict: Pass, reviewer: \"r\", date: \
                   \"2026-01-02\"),\n        \"XX-9\": (verdict: Fail, reviewer: \"r\", date: \
                   \"2026-01-02\"),\n    },",
            needle: "\"XX-9\"",
            shift: 0,
            kind: LoadErrorKind::DanglingReference,
            field: "verdicts[\"XX-9\"]",
            value: Some("XX-9"),
            message: "a verdict names \"XX-9\", which is no checklist item",
        },
        Case {
            body: "    nodes: [(id: \"a\", label: \"A\", kind: Service()), (id: \"a\", label: \
                   \"A2\", kind: Service())],",
            needle: "\"a\", label: \"A2\"",
            shift: 0,
            kind: LoadErrorKind::DuplicateId,
            field: "nodes[1].id",
            value: Some("a"),
            message: "the id \"a\" of a service is already the id of a service",
        },
        Case {
            body: "    policy_stores: [(id: \"ps\", policies: \"\"), (id: \"ps\", policies: \
                   \"x\")],",
            needle: "\"ps\", policies: \"x\"",
            shift: 0,
            kind: LoadErrorKind::DuplicateId,
            field: "policy_stores[1].id",
            value: Some("ps"),
            message: "two policy stores have the id \"ps\"",
        },
        Case {
            body: "    nodes: [(id: \"z\", label: \"Z\", kind: Zone(sort: Vpc), parent: \"z\")],",
            needle: "\"z\")",
            shift: 0,
            kind: LoadErrorKind::ZoneCycle,
            field: "nodes[0].parent",
            value: Some("z"),
            message: "zone \"z\" lies inside itself: z -> z",
        },
    ];
    for case in &cases {
        check(case);
    }
}

/// Nodes of every kind that edges can join, for the endpoint cases.
const CAST: &str = "    nodes: [\n        (id: \"svc\", label: \"S\", kind: Service()),\n        \
                    (id: \"role\", label: \"R\", kind: Identity(sort: IamRole)),\n        (id: \
                    \"group\", label: \"G\", kind: Identity(sort: Group)),\n        (id: \
                    \"staff\", label: \"W\", kind: External(sort: WorkforceGroup)),\n        \
                    (id: \"user\", label: \"U\", kind: External(sort: WorkforceUser(mfa: \
                    true))),\n        (id: \"db\", label: \"D\", kind: DataStore()),\n        \
                    (id: \"key\", label: \"K\", kind: Key(rotation: Automatic)),\n        (id: \
                    \"sec\", label: \"X\", kind: Secret(storage: SecretsManager)),\n    ],";

#[test]
fn endpoint_kind_errors() {
    // (edge text, field, offending id, message)
    let cases = [
        (
            "(id: \"e\", from: \"db\", to: \"role\", kind: RunsAs)",
            "from",
            "db",
            "runs as edge \"e\": a runs as edge must start at a service, but \"db\" is a data \
             store",
        ),
        (
            "(id: \"e\", from: \"svc\", to: \"db\", kind: RunsAs)",
            "to",
            "db",
            "runs as edge \"e\": a runs as edge must end at an identity, but \"db\" is a data \
             store",
        ),
        (
            "(id: \"e\", from: \"user\", to: \"role\", kind: MemberOf)",
            "to",
            "role",
            "member of edge \"e\": a member of edge must end at a group identity or a \
             workforce group, but \"role\" is an identity",
        ),
        (
            "(id: \"e\", from: \"svc\", to: \"group\", kind: MemberOf)",
            "from",
            "svc",
            "member of edge \"e\": a member of edge must start at an identity or a workforce \
             user, but \"svc\" is a service",
        ),
        (
            "(id: \"e\", from: \"svc\", to: \"role\", kind: CanAssume())",
            "from",
            "svc",
            "can assume edge \"e\": a can assume edge must start at an identity, a workforce \
             user or a workforce group, but \"svc\" is a service",
        ),
        (
            "(id: \"e\", from: \"staff\", to: \"db\", kind: CanAssume())",
            "to",
            "db",
            "can assume edge \"e\": a can assume edge must end at an identity, but \"db\" is a \
             data store",
        ),
        (
            "(id: \"e\", from: \"sec\", to: \"key\", kind: Unlocks)",
            "to",
            "key",
            "unlocks edge \"e\": a unlocks edge must end at an identity or a data store, but \
             \"key\" is a key",
        ),
        (
            "(id: \"e\", from: \"db\", to: \"svc\", kind: EncryptedBy)",
            "to",
            "svc",
            "encrypted by edge \"e\": a encrypted by edge must end at a key, but \"svc\" is a \
             service",
        ),
        (
            "(id: \"e\", from: \"user\", to: \"db\", kind: Grants(actions: [Read]))",
            "from",
            "user",
            "grants edge \"e\": a grants edge must start at an identity or a workforce group, \
             but \"user\" is a workforce user",
        ),
    ];
    for (edge, field, id, message) in cases {
        let text = format!("{HEADER}(format: 1, name: \"t\",\n{CAST}\n    edges: [{edge}],\n)");
        let error = load_str(&text, "t.ron").expect_err(message);
        let needle = format!("{field}: \"{id}\"");
        let expected = position_of(&text, &needle, field.len() + 2);
        assert_eq!(error.position, Some(expected), "{error}");
        assert_eq!(error.kind, LoadErrorKind::InvalidEndpoint, "{error}");
        assert_eq!(error.field, Some(format!("edges[0].{field}")), "{error}");
        assert_eq!(error.value.as_deref(), Some(id), "{error}");
        assert_eq!(error.message, message, "{error}");
    }
}

#[test]
fn valid_endpoints_and_globs_load() {
    let edges = "    edges: [\n        (id: \"e1\", from: \"svc\", to: \"role\", kind: RunsAs),\n        \
                 (id: \"e2\", from: \"user\", to: \"group\", kind: MemberOf),\n        (id: \"e3\", \
                 from: \"role\", to: \"staff\", kind: MemberOf),\n        (id: \"e4\", from: \
                 \"staff\", to: \"role\", kind: CanAssume(mfa_required: true)),\n        (id: \
                 \"e5\", from: \"sec\", to: \"db\", kind: Unlocks),\n        (id: \"e6\", from: \
                 \"db\", to: \"key\", kind: EncryptedBy),\n        (id: \"e7\", from: \"staff\", \
                 to: \"d*\", kind: Grants(actions: [Read])),\n        (id: \"e8\", from: \
                 \"group\", to: \"*\", kind: Grants(actions: [Configure])),\n        (id: \"e9\", \
                 from: \"db\", to: \"db\", kind: Flow()),\n    ],";
    let text = format!("{HEADER}(format: 1, name: \"t\",\n{CAST}\n{edges}\n)");
    let doc = load_str(&text, "t.ron").expect("valid endpoints");
    assert_eq!(doc.edges.len(), 9);
}

#[test]
fn range_errors() {
    let cases = [
        Case {
            body: "    nodes: [(id: \"s\", label: \"S\", kind: Service())],\n    edges: [(id: \"f\", \
                   from: \"s\", to: \"s\", kind: Flow(ports: (first: 0, last: 0)))],",
            needle: "first: 0",
            shift: 7,
            kind: LoadErrorKind::OutOfRange,
            field: "edges[0].kind.ports.first",
            value: Some("0"),
            message: "flow edge \"f\" has port 0; ports run from 1 to 65535",
        },
        Case {
            body: "    nodes: [(id: \"s\", label: \"S\", kind: Service())],\n    edges: [(id: \"f\", \
                   from: \"s\", to: \"s\", kind: Flow(ports: (first: 9000, last: 80)))],",
            needle: "80)",
            shift: 0,
            kind: LoadErrorKind::OutOfRange,
            field: "edges[0].kind.ports.last",
            value: Some("80"),
            message: "flow edge \"f\" has the port range 9000 to 80, which ends before it starts",
        },
        Case {
            body: "    nodes: [(id: \"k\", label: \"K\", kind: Secret(storage: ParameterStore, \
                   rotation_days: 0))],",
            needle: "0))",
            shift: 0,
            kind: LoadErrorKind::OutOfRange,
            field: "nodes[0].kind.rotation_days",
            value: Some("0"),
            message: "node \"k\" has \"rotation_days\": 0; a rotation period runs from 1 to \
                      3650 days",
        },
        Case {
            body: "    nodes: [(id: \"k\", label: \"K\", kind: Secret(storage: ParameterStore, \
                   rotation_days: 3651))],",
            needle: "3651",
            shift: 0,
            kind: LoadErrorKind::OutOfRange,
            field: "nodes[0].kind.rotation_days",
            value: Some("3651"),
            message: "node \"k\" has \"rotation_days\": 3651; a rotation period runs from 1 to \
                      3650 days",
        },
        Case {
            body: "    nodes: [(id: \"k\", label: \"K\", kind: Key(rotation: Manual(days: 0)))],",
            needle: "days: 0",
            shift: 6,
            kind: LoadErrorKind::OutOfRange,
            field: "nodes[0].kind.rotation.days",
            value: Some("0"),
            message: "node \"k\" has \"days\": 0; a rotation period runs from 1 to 3650 days",
        },
        Case {
            body: "    nodes: [(id: \"n\", label: \"N\", kind: Service(), position: (x: 1.5, y: \
                   NaN))],",
            needle: "NaN",
            shift: 0,
            kind: LoadErrorKind::OutOfRange,
            field: "nodes[0].position.y",
            value: Some("NaN"),
            message: "node \"n\" has the position y = NaN; coordinates must be finite and \
                      within ±10000000",
        },
        Case {
            body: "    nodes: [(id: \"n\", label: \"N\", kind: Service(), position: (x: -2e7, y: \
                   0))],",
            needle: "-2e7",
            shift: 0,
            kind: LoadErrorKind::OutOfRange,
            field: "nodes[0].position.x",
            value: Some("-20000000"),
            message: "node \"n\" has the position x = -20000000; coordinates must be finite \
                      and within ±10000000",
        },
        Case {
            body: "    nodes: [(id: \"n\", label: \"N\", kind: Service(), size: (width: 10, \
                   height: -1))],",
            needle: "-1)",
            shift: 0,
            kind: LoadErrorKind::OutOfRange,
            field: "nodes[0].size.height",
            value: Some("-1"),
            message: "node \"n\" has the height -1; sizes must be positive and at most 10000000",
        },
        Case {
            body: "    nodes: [(id: \"n\", label: \"N\", kind: Service(), size: (width: 0, \
                   height: 1))],",
            needle: "0, height",
            shift: 0,
            kind: LoadErrorKind::OutOfRange,
            field: "nodes[0].size.width",
            value: Some("0"),
            message: "node \"n\" has the width 0; sizes must be positive and at most 10000000",
        },
        Case {
            body: "    nodes: [(id: \"s\", label: \"S\", kind: Service())],\n    edges: [(id: \"f\", \
                   from: \"s\", to: \"s\", kind: Flow(source_range: \"10.0.0.0/33\"))],",
            needle: "\"10.0",
            shift: 0,
            kind: LoadErrorKind::InvalidCidr,
            field: "edges[0].kind.source_range",
            value: Some("10.0.0.0/33"),
            message: "flow edge \"f\" has \"source_range\": \"10.0.0.0/33\", which is no CIDR \
                      block: the prefix length exceeds 32",
        },
        Case {
            body: "    nodes: [(id: \"s\", label: \"S\", kind: Service())],\n    edges: [(id: \"f\", \
                   from: \"s\", to: \"s\", kind: Flow(source_range: \"2001:db8::/129\"))],",
            needle: "\"2001",
            shift: 0,
            kind: LoadErrorKind::InvalidCidr,
            field: "edges[0].kind.source_range",
            value: Some("2001:db8::/129"),
            message: "flow edge \"f\" has \"source_range\": \"2001:db8::/129\", which is no \
                      CIDR block: the prefix length exceeds 128",
        },
        Case {
            body: "    nodes: [(id: \"s\", label: \"S\", kind: Service())],\n    edges: [(id: \"f\", \
                   from: \"s\", to: \"s\", kind: Flow(source_range: \"anywhere\"))],",
            needle: "\"anywhere",
            shift: 0,
            kind: LoadErrorKind::InvalidCidr,
            field: "edges[0].kind.source_range",
            value: Some("anywhere"),
            message: "flow edge \"f\" has \"source_range\": \"anywhere\", which is no CIDR \
                      block: it has no /prefix length",
        },
        Case {
            body: "    nodes: [(id: \"r\", label: \"R\", kind: Identity(sort: IamRole))],\n    \
                   edges: [(id: \"g\", from: \"r\", to: \"pay-[\", kind: Grants(actions: \
                   [Read]))],",
            needle: "\"pay-[",
            shift: 0,
            kind: LoadErrorKind::InvalidGlob,
            field: "edges[0].to",
            value: Some("pay-["),
            message: "grants edge \"g\" has the grant target \"pay-[\", which is no valid glob: \
                      unclosed character class; missing ']'",
        },
        Case {
            body: "    nodes: [(id: \"r\", label: \"R\", kind: Identity(sort: IamRole, boundary: \
                   [(actions: [Read], targets: [\"ok\", \"db-[z-a]\"])]))],",
            needle: "\"db-[",
            shift: 0,
            kind: LoadErrorKind::InvalidGlob,
            field: "nodes[0].kind.boundary[0].targets[1]",
            value: Some("db-[z-a]"),
            message: "node \"r\" has the boundary target \"db-[z-a]\", which is no valid \
                      glob: invalid range; 'z' > 'a'",
        },
        Case {
            body: "    verdicts: {\"ID-1\": (verdict: Pass, reviewer: \"r\", date: \
                   \"2026-02-30\")},",
            needle: "\"2026",
            shift: 0,
            kind: LoadErrorKind::InvalidDate,
            field: "verdicts[\"ID-1\"].date",
            value: Some("2026-02-30"),
            message: "the verdict on \"ID-1\" has \"date\": \"2026-02-30\", which is no \
                      YYYY-MM-DD date",
        },
    ];
    for case in &cases {
        check(case);
    }
}

#[test]
fn text_and_id_errors() {
    let long_label: &'static str = Box::leak(
        format!(
            "    nodes: [(id: \"n\", label: \"{}\", kind: Service())],",
            "é".repeat(4097)
        )
        .into_boxed_str(),
    );
    let long_id: &'static str = Box::leak(
        format!(
            "    nodes: [(id: \"{}\", label: \"L\", kind: Service())],",
            "a".repeat(257)
        )
        .into_boxed_str(),
    );
    let long_id_value = &long_id[18..18 + 257];
    let long_id_message: &'static str = Box::leak(
        format!(
            "a service has the invalid id {long_id_value:?}: an id holds at most 256 \
             characters, but this one has 257"
        )
        .into_boxed_str(),
    );
    let cases = [
        Case {
            body: long_label,
            needle: "\"éé",
            shift: 0,
            kind: LoadErrorKind::TooLong,
            field: "nodes[0].label",
            value: None,
            message: "node \"n\" has a label of 4097 characters; labels hold at most 4096",
        },
        Case {
            body: "    nodes: [(id: \"n\", label: \"N\", kind: Service(), note: \"line\\r\\nline\")],",
            needle: "\"line",
            shift: 0,
            kind: LoadErrorKind::ControlCharacter,
            field: "nodes[0].note",
            value: Some("line\r\nline"),
            message: "node \"n\" has the control character U+000D in \"note\"; only tab and \
                      newline are allowed",
        },
        Case {
            body: "    nodes: [(id: \"n\", label: \"tab\\tand\\nnewline\", kind: Service(), tags: \
                   [\"ok\", \"bad\\u{0}\"])],",
            needle: "\"bad",
            shift: 0,
            kind: LoadErrorKind::ControlCharacter,
            field: "nodes[0].tags[1]",
            value: Some("bad\0"),
            message: "node \"n\" has the control character U+0000 in \"tags\"; only tab and \
                      newline are allowed",
        },
        Case {
            body: "    policy_stores: [(id: \"ps\", policies: \"permit\\u{1b}\")],",
            needle: "\"permit",
            shift: 0,
            kind: LoadErrorKind::ControlCharacter,
            field: "policy_stores[0].policies",
            value: Some("permit\u{1b}"),
            message: "policy store \"ps\" has the control character U+001B in \"policies\"; \
                      only tab and newline are allowed",
        },
        Case {
            body: "    nodes: [(id: \"\", label: \"E\", kind: Service())],",
            needle: "\"\"",
            shift: 0,
            kind: LoadErrorKind::InvalidId,
            field: "nodes[0].id",
            value: Some(""),
            message: "a service has the invalid id \"\": an id must not be empty",
        },
        Case {
            body: "    nodes: [(id: \"pay api\", label: \"P\", kind: Service())],",
            needle: "\"pay api",
            shift: 0,
            kind: LoadErrorKind::InvalidId,
            field: "nodes[0].id",
            value: Some("pay api"),
            message: "a service has the invalid id \"pay api\": ids hold only letters, digits \
                      and . _ : / @ + = , -, not ' '",
        },
        Case {
            body: long_id,
            needle: "\"aaa",
            shift: 0,
            kind: LoadErrorKind::InvalidId,
            field: "nodes[0].id",
            value: Some(long_id_value),
            message: long_id_message,
        },
    ];
    for case in &cases {
        check(case);
    }
}

#[test]
fn semantic_errors_on_hand_written_ron() {
    // No header: explicit Some(..) and newtype variants in their own parentheses, several
    // fields on one line, comments and a raw string before the error.
    let text = "( // a model\n format:1,name:r#\"a \"quoted\" name\"#, /* (nodes: [ */ nodes:[\
                (id:\"z\",label:\"Z\",kind:Zone((sort:Vpc))),(id:\"a\",label:\"A\",kind:Service((\
                )),parent:Some(\"zz\"))])";
    let error = load_str(text, "hand.ron").expect_err("dangling parent");
    let expected = position_of(text, "Some(\"zz\")", 0);
    assert_eq!(error.position, Some(expected));
    assert_eq!(error.field.as_deref(), Some("nodes[1].parent"));
    assert_eq!(
        error.to_string(),
        format!("hand.ron:{expected}: node \"a\" has \"parent\": \"zz\", which is no node or zone")
    );
}

#[test]
fn first_error_in_file_order_counts_others() {
    // Edges come before nodes in this file, so the edge's error is first although
    // validation checks nodes first.
    let text = format!(
        "{HEADER}(format: 1, name: \"t\",\n    edges: [(id: \"e\", from: \"x\", to: \"svc\", kind: \
         Flow())],\n    nodes: [{SERVICE}, (id: \"b\", label: \"B\", kind: Service(), parent: \
         \"y\")],\n)"
    );
    let error = load_str(&text, "t.ron").expect_err("two problems");
    assert_eq!(error.field.as_deref(), Some("edges[0].from"));
    assert_eq!(error.more, 1);
    assert!(
        error.to_string().ends_with("(and 1 more problem)"),
        "{error}"
    );
}

#[test]
fn limits_reject_before_parsing() {
    let big = " ".repeat(MAX_FILE_BYTES + 1);
    let error = load_str(&big, "big.ron").expect_err("too large");
    assert_eq!(error.kind, LoadErrorKind::TooLarge);
    assert_eq!(error.position, None);

    // 128 nested lists inside the tags, which are already 3 levels deep.
    let deep = format!(
        "(format: 1, name: \"d\", nodes: [(id: \"a\", label: \"A\", kind: Service(()), tags: \
         {}{})])",
        "[".repeat(128),
        "]".repeat(128)
    );
    let error = load_str(&deep, "deep.ron").expect_err("too deep");
    assert_eq!(error.kind, LoadErrorKind::TooDeep);
    // Levels: the document `(` is 1, `nodes: [` 2 and the node `(` 3, so the 126th `[` of
    // the tags is level 129, the first past the limit.
    let tags_at = deep.find("tags: ").unwrap_or_default() + "tags: ".len();
    assert_eq!(
        error.position,
        Some(Position {
            line: 1,
            column: tags_at + 126
        })
    );
}

#[test]
fn too_many_nodes_rejected_while_reading() {
    let mut text = String::from("(format: 1, name: \"many\", nodes: [");
    for i in 0..=200_000 {
        text.push_str(&format!(
            "(id:\"n{i}\",label:\"\",kind:Key((rotation:NoRotation))),"
        ));
    }
    text.push_str("])");
    let error = load_str(&text, "many.ron").expect_err("too many nodes");
    assert_eq!(error.kind, LoadErrorKind::TooMany);
    assert_eq!(error.message, "\"nodes\" holds more than 200000 elements");
    // The list is read element by element, so the error points just past the 200,001st
    // node, which is 56 characters long.
    let expected = position_of(&text, "(id:\"n200000\"", 56);
    assert_eq!(error.position, Some(expected));
}

#[test]
fn missing_file_is_io_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error = load_file(&dir.path().join("absent.trustmap.ron")).expect_err("absent");
    assert_eq!(error.kind, LoadErrorKind::Io);
    assert!(
        error.message.starts_with("failed to read the file: "),
        "{error}"
    );
}

/// Builds a model with every node kind, zone sort, edge kind, enum variant and optional field.
fn everything() -> Document {
    let mut doc = Document::new("Everything \"quoted\" ünïcödé עברית");
    doc.description = "Line one\n\tindented line two".into();

    let mut nodes = Vec::new();
    let mut add = |id: &str, kind: NodeKind, parent: Option<&str>, x: f32| {
        let mut node = Node::new(id, format!("{id} label"), kind);
        node.parent = parent.map(str::to_owned);
        node.position = Point::new(x, -3.5);
        nodes.push(node);
    };
    let zones = [
        ZoneSort::Account(Account {
            management: true,
            scps: vec!["deny-root".into(), "region-lock".into()],
            guardduty: true,
            security_hub: true,
            inspector: true,
            config: true,
            remediation: true,
            cloudtrail: true,
            cloudtrail_lake: CloudTrailLake::Organization,
        }),
        ZoneSort::Account(Account {
            cloudtrail_lake: CloudTrailLake::Own,
            ..Account::default()
        }),
        ZoneSort::Region,
        ZoneSort::Vpc,
        ZoneSort::Subnet { public: true },
        ZoneSort::EksCluster,
        ZoneSort::Namespace,
    ];
    for (i, sort) in zones.into_iter().enumerate() {
        let parent = if i == 0 { None } else { Some("zone0") };
        let kind = NodeKind::Zone(Zone {
            sort,
            default_deny: i % 2 == 0,
            cde: i == 3,
        });
        add(&format!("zone{i}"), kind, parent, 0.1);
    }
    let externals = [
        ExternalSort::Internet,
        ExternalSort::Customer,
        ExternalSort::WorkforceUser { mfa: true },
        ExternalSort::WorkforceGroup,
        ExternalSort::Partner,
    ];
    for (i, sort) in externals.into_iter().enumerate() {
        add(
            &format!("ext{i}"),
            NodeKind::External(External { sort }),
            None,
            1e6,
        );
    }
    add(
        "gw",
        NodeKind::Gateway(Gateway {
            public: true,
            waf: true,
            request_signing: true,
            identity_aware: true,
        }),
        Some("zone4"),
        -1234.5678,
    );
    add(
        "svc",
        NodeKind::Service(Service {
            public: true,
            signed_image: true,
            immutable: true,
        }),
        Some("zone6"),
        0.3,
    );
    for (i, encryption) in [
        Encryption::None,
        Encryption::ProviderManaged,
        Encryption::CustomerManaged,
    ]
    .into_iter()
    .enumerate()
    {
        let kind = NodeKind::DataStore(DataStore {
            public: i == 0,
            encryption,
            read_needs_decrypt: i == 2,
        });
        add(&format!("db{i}"), kind, Some("zone3"), 1.0 / 3.0);
    }
    for (i, storage) in [
        SecretStorage::SecretsManager,
        SecretStorage::ParameterStore,
        SecretStorage::PlaintextConfig,
    ]
    .into_iter()
    .enumerate()
    {
        let rotation_days = (i != 2).then_some(30 * (i as u32 + 1));
        let kind = NodeKind::Secret(Secret {
            storage,
            rotation_days,
        });
        add(&format!("sec{i}"), kind, None, 7.0);
    }
    for (i, rotation) in [
        KeyRotation::None,
        KeyRotation::Automatic,
        KeyRotation::Manual { days: 365 },
    ]
    .into_iter()
    .enumerate()
    {
        let kind = NodeKind::Key(Key {
            cloudhsm: i == 2,
            rotation,
        });
        add(&format!("key{i}"), kind, None, 8.0);
    }
    let identities = [
        IdentitySort::IamRole,
        IdentitySort::IamUser,
        IdentitySort::ServiceAccount,
        IdentitySort::SpiffeId,
        IdentitySort::Group,
        IdentitySort::IdentityProvider { enforces_mfa: true },
    ];
    for (i, sort) in identities.into_iter().enumerate() {
        let boundary = (i == 0).then(|| {
            vec![BoundaryRule {
                actions: Action::ALL.to_vec(),
                targets: vec!["db*".into(), "svc".into(), "*".into()],
            }]
        });
        let credentials = if i == 1 {
            CredentialLifetime::LongLived
        } else {
            CredentialLifetime::ShortLived
        };
        let kind = NodeKind::Identity(Identity {
            sort,
            credentials,
            boundary,
        });
        add(&format!("id{i}"), kind, Some("zone1"), 9.0);
    }
    doc.nodes = nodes;

    let svc = doc.nodes.iter_mut().find(|n| n.id == "svc");
    if let Some(svc) = svc {
        svc.technology = "Amazon EKS".into();
        svc.size = Size::new(200.5, 80.25);
        svc.data_classes = DataClass::ALL.to_vec();
        svc.critical = true;
        svc.tags = vec!["tier-1".into(), "<b>&amp;</b>".into()];
        svc.note = "Note with \"quotes\", \\backslash and r#\"raw\"#".into();
    }

    let mut edges = Vec::new();
    let mut edge = |id: &str, from: &str, to: &str, kind: EdgeKind| {
        edges.push(Edge {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            kind,
        });
    };
    let authentications = [
        Authentication::None,
        Authentication::Unknown,
        Authentication::ApiKey,
        Authentication::ManagedSecret,
        Authentication::Session,
        Authentication::UserJwt,
        Authentication::WorkloadJwt,
        Authentication::SigV4,
        Authentication::Mtls,
    ];
    let authorizations = [
        Authorization::None,
        Authorization::Unknown,
        Authorization::IamPolicy,
        Authorization::Cedar(CedarCheck {
            store: "store".into(),
            action: "ReadStatement".into(),
        }),
        Authorization::LatticeAuthPolicy,
        Authorization::KubernetesRbac,
        Authorization::Custom,
    ];
    let originating = [
        OriginatingCheck::None,
        OriginatingCheck::Authenticated,
        OriginatingCheck::Authorized { cedar: None },
        OriginatingCheck::Authorized {
            cedar: Some(CedarCheck {
                store: "store".into(),
                action: "Act".into(),
            }),
        },
    ];
    let networks = [
        NetworkPath::Public,
        NetworkPath::Private,
        NetworkPath::PrivateLink,
        NetworkPath::VpcLattice,
    ];
    let tls = [Tls::None, Tls::V1_2, Tls::V1_3];
    for (i, authentication) in authentications.into_iter().enumerate() {
        let flow = Flow {
            protocol: if i == 0 {
                String::new()
            } else {
                "HTTPS".into()
            },
            ports: match i {
                0 => None,
                1 => Some(PortRange::single(443)),
                _ => Some(PortRange {
                    first: 1,
                    last: 65535,
                }),
            },
            source_range: match i {
                1 => Some("0.0.0.0/0".into()),
                2 => Some("2001:db8::/32".into()),
                _ => None,
            },
            network: networks[i % networks.len()],
            data_classes: DataClass::ALL[..i % 6].to_vec(),
            tls: tls[i % tls.len()],
            logged: i % 2 == 1,
            authentication,
            authorization: authorizations[i % authorizations.len()].clone(),
            originating: originating[i % originating.len()].clone(),
        };
        edge(&format!("flow{i}"), "ext1", "gw", EdgeKind::Flow(flow));
    }
    edge(
        "assume0",
        "ext2",
        "id0",
        EdgeKind::CanAssume(CanAssume {
            mfa_required: true,
            external_id: true,
            association: true,
            technique: "iam:PassRole".into(),
        }),
    );
    edge(
        "assume1",
        "id2",
        "id0",
        EdgeKind::CanAssume(CanAssume::default()),
    );
    edge("member", "id1", "id4", EdgeKind::MemberOf);
    edge(
        "grant-node",
        "id0",
        "db0",
        EdgeKind::Grants(Grant {
            actions: vec![Action::Read, Action::Write],
        }),
    );
    edge(
        "grant-zone",
        "ext3",
        "zone3",
        EdgeKind::Grants(Grant {
            actions: vec![Action::Admin],
        }),
    );
    edge(
        "grant-glob",
        "id4",
        "db*",
        EdgeKind::Grants(Grant {
            actions: vec![Action::Decrypt, Action::Invoke, Action::Configure],
        }),
    );
    edge(
        "grant-all",
        "id0",
        "*",
        EdgeKind::Grants(Grant { actions: vec![] }),
    );
    edge("runs", "svc", "id0", EdgeKind::RunsAs);
    edge("unlock-id", "sec0", "id1", EdgeKind::Unlocks);
    edge("unlock-db", "sec1", "db1", EdgeKind::Unlocks);
    edge("enc", "db2", "key2", EdgeKind::EncryptedBy);
    edge("loop", "svc", "svc", EdgeKind::Flow(Flow::default()));
    doc.edges = edges;

    doc.policy_stores = vec![
        PolicyStore {
            id: "store".into(),
            policies: "permit(principal, action, resource)\nwhen { context.mfa };".into(),
            links: vec![
                TemplateLink {
                    template: "t1".into(),
                    id: "link1".into(),
                    principal: Some("id0".into()),
                    resource: Some("db0".into()),
                },
                TemplateLink {
                    template: "t2".into(),
                    id: "link2".into(),
                    principal: None,
                    resource: None,
                },
            ],
            schema: Some("namespace Bank { entity Service; }".into()),
            entity_types: BTreeMap::from([("service".into(), "Bank::Service".into())]),
            context_paths: BTreeMap::from([("device.managed".into(), "posture.managed".into())]),
        },
        PolicyStore {
            id: "bare".into(),
            policies: String::new(),
            ..PolicyStore::default()
        },
    ];
    for (i, verdict) in [Verdict::Pass, Verdict::Fail, Verdict::NotApplicable]
        .into_iter()
        .enumerate()
    {
        let item = trustmap_model::review::RULES[i].id.to_owned();
        let manual = ManualVerdict {
            verdict,
            reviewer: "Ana".into(),
            date: "2024-02-29".into(),
            comment: if i == 0 {
                "checked".into()
            } else {
                String::new()
            },
        };
        doc.verdicts.insert(item, manual);
    }
    doc
}

#[test]
fn everything_model_is_valid() {
    assert_eq!(trustmap_model::load::validate(&everything()), Vec::new());
}

#[test]
fn save_load_save_is_byte_identical() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("everything.trustmap.ron");
    let original = everything();

    save_file(&original, &path).expect("first save");
    let first = std::fs::read(&path).expect("read first");
    let loaded = load_file(&path).expect("load");
    assert_eq!(loaded, original);

    save_file(&loaded, &path).expect("second save");
    let second = std::fs::read(&path).expect("read second");
    assert_eq!(first, second);

    let text = String::from_utf8(first).expect("UTF-8");
    let header = "#![enable(implicit_some)]\n#![enable(unwrap_variant_newtypes)]\n(\n";
    assert!(text.starts_with(header), "{text}");
    assert!(text.ends_with(")\n"), "{text}");
    assert!(
        text.contains("\n    nodes: [\n        (\n            id: \"zone0\","),
        "{text}"
    );
    assert!(text.contains("x: 1000000.0,"), "{text}");
    assert!(text.contains("x: 0.1,"), "{text}");

    // Only the saved file is left: the temporary file was renamed over it.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|entry| entry.map(|e| e.file_name()))
        .collect::<Result<_, _>>()
        .expect("entries");
    assert_eq!(names, ["everything.trustmap.ron"]);
}

#[test]
fn save_replaces_existing_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("model.trustmap.ron");
    std::fs::write(
        &path,
        "old contents that are much longer than a tiny model ".repeat(50),
    )
    .expect("write old");

    let doc = Document::new("tiny");
    save_file(&doc, &path).expect("save");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), to_ron(&doc));
    assert_eq!(load_file(&path), Ok(doc));
}
