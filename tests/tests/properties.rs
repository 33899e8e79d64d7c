//! Properties that hold for every generated document: saving and loading is the identity,
//! the review never panics, and adding a grant never shrinks a blast radius.

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::sample::{Index, select};
use trustmap_model::document::{Action, Document, Edge, EdgeKind, Grant, NodeKind};
use trustmap_model::graph::{Graph, implies};
use trustmap_model::load::validate::{endpoint_error, validate};
use trustmap_model::load::{load_str, to_ron};
use trustmap_model::review::blast::{Reached, blast_radius, compromisable};
use trustmap_model::review::review;
use trustmap_tests::strategy::{deep_zones, document};

const FILE: &str = "generated.trustmap.ron";

/// Saves and loads a document, checking that it comes back equal and saves to the same
/// bytes again.
fn assert_round_trip(doc: &Document) -> Result<(), TestCaseError> {
    let text = to_ron(doc);
    let loaded = load_str(&text, FILE);
    prop_assert_eq!(loaded.as_ref(), Ok(doc), "saved text:\n{}", text);
    if let Ok(loaded) = loaded {
        prop_assert_eq!(to_ron(&loaded), text);
    }
    Ok(())
}

/// Adds a grant of `actions` from the first node at or after `from` that may hold grants to
/// the node at `to`, or to every node when `everything` is set. Returns `None` when no node
/// may hold a grant.
fn with_added_grant(
    doc: &Document,
    from: Index,
    to: Index,
    actions: Vec<Action>,
    everything: bool,
) -> Option<Document> {
    let count = doc.nodes.len();
    if count == 0 {
        return None;
    }
    let kind = EdgeKind::Grants(Grant { actions });
    let start = from.index(count);
    let holder = (0..count)
        .map(|step| &doc.nodes[(start + step) % count])
        .find(|node| endpoint_error(&kind, node, None).is_none())?;
    let target = if everything {
        "*".to_owned()
    } else {
        doc.nodes[to.index(count)].id.clone()
    };

    let mut edited = doc.clone();
    edited.edges.push(Edge {
        // Generated ids start with `n`, `e` or `store`, so this one is free.
        id: "added-grant".to_owned(),
        from: holder.id.clone(),
        to: target,
        kind,
    });
    Some(edited)
}

/// Returns whether the access `after` covers everything that `before` gave on one node.
fn covers(after: &Reached, before: &Reached) -> Result<(), String> {
    for &wanted in &before.access {
        if !after.access.iter().any(|&held| implies(held, wanted)) {
            return Err(format!(
                "{wanted:?} on {} was lost: {:?} became {:?}",
                before.node, before.access, after.access
            ));
        }
    }
    for class in &before.data_classes {
        if !after.data_classes.contains(class) {
            return Err(format!(
                "the data class {class:?} of {} is no longer exposed",
                before.node
            ));
        }
    }
    if before.hold.is_some() && after.hold.is_none() {
        return Err(format!("{} is no longer held", before.node));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_documents_valid(doc in document(24, 40)) {
        prop_assert_eq!(validate(&doc), Vec::new());
    }

    #[test]
    fn save_then_load_is_identity(doc in document(24, 40)) {
        assert_round_trip(&doc)?;
    }

    #[test]
    fn review_never_panics(doc in document(24, 40)) {
        let review = review(&doc);

        // Every identity is ranked, and each blast radius can be asked for on its own.
        let graph = Graph::new(&doc);
        let identities = compromisable(&graph);
        prop_assert_eq!(review.questions.blast_radius.entries.len(), identities.len());
        for identity in identities {
            let radius = blast_radius(&graph, identity);
            prop_assert_eq!(radius.identity.as_str(), graph.id(identity));
        }
    }

    #[test]
    fn added_grant_only_grows_blast_radius(
        doc in document(20, 30),
        from in any::<Index>(),
        to in any::<Index>(),
        actions in prop::collection::vec(select(&Action::ALL[..]), 1..4),
        everything in prop::bool::weighted(0.2),
    ) {
        let Some(edited) = with_added_grant(&doc, from, to, actions, everything) else {
            return Ok(());
        };
        prop_assert_eq!(validate(&edited), Vec::new());
        let graph_before = Graph::new(&doc);
        let graph_after = Graph::new(&edited);

        for identity in compromisable(&graph_before) {
            let before = blast_radius(&graph_before, identity);
            let after = blast_radius(&graph_after, identity);
            let reached_after: BTreeMap<&str, &Reached> = after
                .reached
                .iter()
                .map(|reached| (reached.node.as_str(), reached))
                .collect();

            for reached in &before.reached {
                let Some(now) = reached_after.get(reached.node.as_str()) else {
                    return Err(TestCaseError::fail(format!(
                        "{} no longer reaches {} after the grant {:?}",
                        before.identity,
                        reached.node,
                        edited.edges.last()
                    )));
                };
                if let Err(problem) = covers(now, reached) {
                    return Err(TestCaseError::fail(format!(
                        "{}: {problem} after the grant {:?}",
                        before.identity,
                        edited.edges.last()
                    )));
                }
            }
            prop_assert!(after.crown_jewels_written >= before.crown_jewels_written);
            prop_assert!(after.crown_jewels_read >= before.crown_jewels_read);
        }
    }
}

#[test]
fn deep_zone_nesting_round_trips_and_reviews() {
    // 2,000 zones, each inside the one before: nesting by reference, not by brackets, so
    // the loader's bracket limit does not apply.
    let doc = deep_zones(2_000);
    assert_eq!(validate(&doc), Vec::new());

    let text = to_ron(&doc);
    assert_eq!(load_str(&text, FILE).as_ref(), Ok(&doc));

    let review = review(&doc);
    // Each level holds one identity with no edges; none of them reaches anything.
    assert_eq!(review.questions.blast_radius.entries.len(), 2_000);
    assert!(
        review
            .questions
            .blast_radius
            .entries
            .iter()
            .all(|entry| entry.reached == 0)
    );
}

#[test]
fn strategy_covers_every_kind() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeSet;

    // 200 documents from a fixed seed must between them hold every node and edge kind,
    // grants on globs, self-loops, nested zones and identities without edges.
    let mut runner = TestRunner::deterministic();
    let strategy = document(24, 40);
    let mut seen = BTreeSet::new();
    for _ in 0..200 {
        let doc = strategy
            .new_tree(&mut runner)
            .expect("generate a document")
            .current();
        for node in &doc.nodes {
            seen.insert(node.kind.name().to_owned());
            if node.is_zone() && node.parent.is_some() {
                seen.insert("nested zone".to_owned());
            }
        }
        for edge in &doc.edges {
            seen.insert(edge.kind.name().to_owned());
            if edge.from == edge.to {
                seen.insert("self-loop".to_owned());
            }
            if matches!(edge.kind, EdgeKind::Grants(_)) && edge.to.contains(['*', '?']) {
                seen.insert("glob grant".to_owned());
            }
        }
        let lonely_identity = doc.nodes.iter().any(|node| {
            matches!(node.kind, NodeKind::Identity(_))
                && !doc
                    .edges
                    .iter()
                    .any(|edge| edge.from == node.id || edge.to == node.id)
        });
        if lonely_identity {
            seen.insert("identity without edges".to_owned());
        }
    }

    let expected = [
        "can assume",
        "data store",
        "encrypted by",
        "external",
        "flow",
        "gateway",
        "glob grant",
        "grants",
        "identity",
        "identity without edges",
        "key",
        "member of",
        "nested zone",
        "runs as",
        "secret",
        "self-loop",
        "service",
        "unlocks",
        "zone",
    ];
    for kind in expected {
        assert!(seen.contains(kind), "no generated document has a {kind}");
    }
}
