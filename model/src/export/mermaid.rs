//! Mermaid flowchart of the diagram: zones as nested subgraphs, nodes and edges as the
//! canvas draws them. Ids are generated (`n0`, `z1`), so a label is only ever text in
//! quotes, with Mermaid's entity codes for the characters that would break out of it.

use std::fmt::Write as _;

use super::scene::{Dash, edge_stroke};
use crate::document::{Document, EdgeKind, NodeKind};
use crate::geometry::Diagram;
use crate::graph::{Graph, NodeIx};

/// Returns the Mermaid text of the diagram.
pub fn write(doc: &Document, diagram: &Diagram) -> String {
    let graph = Graph::new(doc);
    let mut out = String::from("flowchart LR\n");
    let mut written = vec![false; doc.nodes.len()];
    for ix in 0..doc.nodes.len() {
        let top = graph
            .parent(ix)
            .is_none_or(|parent| !graph.node(parent).is_zone());
        if top {
            write_member(&graph, ix, &mut written, 1, &mut out);
        }
    }
    for ix in 0..doc.nodes.len() {
        if !written[ix] {
            write_member(&graph, ix, &mut written, 1, &mut out);
        }
    }

    let mut red_links = Vec::new();
    for (link, shape) in diagram.edges.iter().enumerate() {
        let edge = &doc.edges[shape.edge];
        let stroke = edge_stroke(&edge.kind);
        let arrow = match stroke.dash {
            Dash::Solid => "-->",
            Dash::Dashed | Dash::Dotted => "-.->",
        };
        let label = match &edge.kind {
            EdgeKind::Flow(flow) => flow.protocol.clone(),
            other => other.name().to_owned(),
        };
        let from = id(&graph, shape.from);
        let to = id(&graph, shape.to);
        if label.trim().is_empty() {
            let _ = writeln!(out, "  {from} {arrow} {to}");
        } else {
            let _ = writeln!(out, "  {from} {arrow}|{}| {to}", quote(&label));
        }
        if stroke.dash == Dash::Dashed {
            red_links.push(link.to_string());
        }
    }
    if !red_links.is_empty() {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:#b91c1c,stroke-dasharray:6 4",
            red_links.join(",")
        );
    }
    out
}

fn id(graph: &Graph<'_>, ix: NodeIx) -> String {
    if graph.node(ix).is_zone() {
        format!("z{ix}")
    } else {
        format!("n{ix}")
    }
}

fn write_member(
    graph: &Graph<'_>,
    ix: NodeIx,
    written: &mut [bool],
    depth: usize,
    out: &mut String,
) {
    if written[ix] {
        return;
    }
    written[ix] = true;
    let node = graph.node(ix);
    let indent = "  ".repeat(depth);
    let label = quote(&node.label);
    if !node.is_zone() {
        let shape = match node.kind {
            NodeKind::DataStore(_) => format!("[({label})]"),
            NodeKind::External(_) => format!("([{label}])"),
            NodeKind::Identity(_) => format!("{{{{{label}}}}}"),
            _ => format!("[{label}]"),
        };
        let _ = writeln!(out, "{indent}{}{shape}", id(graph, ix));
        return;
    }
    let _ = writeln!(out, "{indent}subgraph {}[{label}]", id(graph, ix));
    for &child in graph.children(ix) {
        write_member(graph, child, written, depth + 1, out);
    }
    let _ = writeln!(out, "{indent}end");
}

/// Quotes a label for Mermaid: double quotes around it, and entity codes for `"`, `#`,
/// `&`, `<`, `>`, `|` and the backtick, which Mermaid would otherwise read as syntax,
/// markup or Markdown. Line breaks become spaces.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            ch if ch.is_control() => out.push(' '),
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_replaces_syntax_characters_with_entity_codes() {
        assert_eq!(
            quote(r#"A < B & "C" #1 | `x`"#),
            "\"A #lt; B #amp; #quot;C#quot; #35;1 #124; #96;x#96;\""
        );
        assert_eq!(quote("a\nb"), "\"a b\"");
    }
}
