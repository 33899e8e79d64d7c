//! Graphviz DOT of the diagram: zones as nested clusters, nodes and edges as the canvas
//! draws them, every label a quoted and escaped string.

use std::fmt::Write as _;

use super::scene::{Dash, edge_stroke};
use crate::document::{Document, EdgeKind, NodeKind};
use crate::geometry::Diagram;
use crate::graph::{Graph, NodeIx};

/// Returns the DOT text of the diagram.
pub fn write(doc: &Document, diagram: &Diagram) -> String {
    let graph = Graph::new(doc);
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", quote(&doc.name));
    let _ = writeln!(
        out,
        "  graph [label={}, labelloc=t, rankdir=LR, fontname=\"DejaVu Sans\"];",
        quote(&doc.name)
    );
    out.push_str("  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"DejaVu Sans\"];\n");
    out.push_str("  edge [fontname=\"DejaVu Sans\", fontsize=10];\n");

    // Zones that an edge starts or ends at are drawn as nodes inside their clusters too.
    let mut edge_ends = vec![false; doc.nodes.len()];
    for edge in &diagram.edges {
        edge_ends[edge.from] = true;
        edge_ends[edge.to] = true;
    }

    let mut written = vec![false; doc.nodes.len()];
    for ix in 0..doc.nodes.len() {
        if top_level(&graph, ix) {
            write_member(&graph, ix, &edge_ends, &mut written, 1, &mut out);
        }
    }
    // Nodes in a parent cycle have no top-level ancestor; they are written at the top.
    for ix in 0..doc.nodes.len() {
        if !written[ix] {
            write_member(&graph, ix, &edge_ends, &mut written, 1, &mut out);
        }
    }

    for shape in &diagram.edges {
        let edge = &doc.edges[shape.edge];
        let stroke = edge_stroke(&edge.kind);
        let style = match stroke.dash {
            Dash::Solid => "solid",
            Dash::Dashed => "dashed",
            Dash::Dotted => "dotted",
        };
        let label = match &edge.kind {
            EdgeKind::Flow(flow) => flow.protocol.clone(),
            other => other.name().to_owned(),
        };
        let _ = writeln!(
            out,
            "  {} -> {} [id={}, label={}, style={style}, color=\"{}\"];",
            quote(&doc.nodes[shape.from].id),
            quote(&doc.nodes[shape.to].id),
            quote(&edge.id),
            quote(&label),
            stroke.color.hex()
        );
    }
    out.push_str("}\n");
    out
}

fn top_level(graph: &Graph<'_>, ix: NodeIx) -> bool {
    graph
        .parent(ix)
        .is_none_or(|parent| !graph.node(parent).is_zone())
}

fn write_member(
    graph: &Graph<'_>,
    ix: NodeIx,
    edge_ends: &[bool],
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
    if !node.is_zone() {
        let shape = match node.kind {
            NodeKind::DataStore(_) => "cylinder",
            NodeKind::External(_) => "house",
            NodeKind::Identity(_) => "hexagon",
            NodeKind::Key(_) | NodeKind::Secret(_) => "note",
            _ => "box",
        };
        let fill = if node.is_crown_jewel() {
            "#fef3c7"
        } else {
            "white"
        };
        let _ = writeln!(
            out,
            "{indent}{} [label={}, shape={shape}, fillcolor=\"{fill}\"];",
            quote(&node.id),
            quote(&node.label)
        );
        return;
    }

    let _ = writeln!(
        out,
        "{indent}subgraph {} {{",
        quote(&format!("cluster_{ix}"))
    );
    let _ = writeln!(out, "{indent}  label={};", quote(&node.label));
    let _ = writeln!(out, "{indent}  style=rounded; color=\"#64748b\";");
    if edge_ends[ix] {
        let _ = writeln!(
            out,
            "{indent}  {} [label={}, shape=folder];",
            quote(&node.id),
            quote(&node.label)
        );
    }
    for &child in graph.children(ix) {
        write_member(graph, child, edge_ends, written, depth + 1, out);
    }
    let _ = writeln!(out, "{indent}}}");
}

/// Quotes a string for DOT. Inside quotes DOT gives meaning to `\` (escapes such as `\n`
/// and `\N`) and `"`; both are escaped, and line breaks become `\n`.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            ch if ch.is_control() && ch != '\t' => out.push(' '),
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
    fn quote_escapes_quotes_backslashes_and_line_breaks() {
        assert_eq!(quote(r#"say "hi"\n"#), r#""say \"hi\"\\n""#);
        assert_eq!(quote("a\nb"), r#""a\nb""#);
        assert_eq!(quote("A < B & 'D'"), "\"A < B & 'D'\"");
    }
}
