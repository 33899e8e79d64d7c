//! `trustmap blast-radius`: what one compromised identity reaches, or the ranking of every
//! identity and workforce user by blast radius.

use std::io::{self, BufWriter, Write};

use anyhow::{Result, bail};
use trustmap_model::graph::{Graph, NodeIx};
use trustmap_model::review::blast::{self, BlastRadius, RankEntry};

use super::text::{Painter, Table};
use super::{BlastRadiusArgs, Status, TableFormat, input};

/// The maximum number of near matches that the error for an unknown id lists.
const NEAR_MATCHES: usize = 5;

/// The minimum Jaro-Winkler similarity (0 to 1) between an id and the one given for a near match.
const NEAR_MATCH_SIMILARITY: f64 = 0.8;

/// Runs `trustmap blast-radius`.
pub fn run(args: &BlastRadiusArgs) -> Result<Status> {
    let model = input::read_model(&args.file)?;
    let file = args.file.display().to_string();
    let graph = Graph::new(&model.document);

    let mut out = BufWriter::new(io::stdout().lock());
    let painter = Painter::for_stdout();
    match &args.identity {
        Some(id) => {
            let identity = resolve_identity(&graph, id, &file)?;
            let radius = blast::blast_radius(&graph, identity);
            match args.format {
                TableFormat::Text => write_radius(&mut out, painter, &graph, &radius)?,
                TableFormat::Json => write_json(&mut out, &radius)?,
            }
        }
        None => {
            let ranking = blast::ranking(&graph);
            match args.format {
                TableFormat::Text => {
                    let has_crown_jewel =
                        (0..graph.node_count()).any(|ix| graph.is_crown_jewel(ix));
                    write_ranking(&mut out, painter, &ranking.entries, has_crown_jewel)?
                }
                TableFormat::Json => write_json(&mut out, &ranking)?,
            }
        }
    }
    out.flush()?;
    Ok(Status::Clean)
}

/// Finds the identity or workforce user with this id, or fails with a message that lists the
/// near matches.
fn resolve_identity(graph: &Graph<'_>, id: &str, file: &str) -> Result<NodeIx> {
    let compromisable = blast::compromisable(graph);
    if let Some(ix) = graph.ix(id) {
        if compromisable.contains(&ix) {
            return Ok(ix);
        }
        bail!(
            "{id} in {file} is {}, not an identity or workforce user",
            trustmap_model::load::validate::describe_kind(graph.node(ix))
        );
    }

    let candidates: Vec<&str> = compromisable.iter().map(|&ix| graph.id(ix)).collect();
    if candidates.is_empty() {
        bail!("{file} has no identity or workforce user, so none has the id {id}");
    }
    let near = near_matches(id, &candidates);
    if near.is_empty() {
        bail!("no identity or workforce user in {file} has the id {id}");
    }
    bail!(
        "no identity or workforce user in {file} has the id {id}; did you mean {}?",
        near.join(", ")
    )
}

/// Returns the candidates most like `id`, the most similar first, at most [`NEAR_MATCHES`].
fn near_matches<'a>(id: &str, candidates: &[&'a str]) -> Vec<&'a str> {
    let lower = id.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .iter()
        .map(|&candidate| {
            let candidate_lower = candidate.to_lowercase();
            let mut score = strsim::jaro_winkler(&lower, &candidate_lower);
            if !lower.is_empty() && candidate_lower.contains(&lower) {
                score = score.max(NEAR_MATCH_SIMILARITY);
            }
            (score, candidate)
        })
        .filter(|&(score, _)| score >= NEAR_MATCH_SIMILARITY)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(NEAR_MATCHES)
        .map(|(_, candidate)| candidate)
        .collect()
}

/// Returns the ranking as a table: one row per identity or workforce user.
pub fn ranking_table(entries: &[RankEntry]) -> Table {
    let mut table = Table::new(&[
        "identity",
        "crown jewels written",
        "crown jewels read",
        "reached",
    ]);
    for entry in entries {
        table.push(vec![
            entry.identity.clone(),
            entry.crown_jewels_written.to_string(),
            entry.crown_jewels_read.to_string(),
            entry.reached.to_string(),
        ]);
    }
    table
}

/// Returns one identity's reach as a table: one row per node reached, the strongest access
/// first, with the path that gives its first access written `a -> b -> c`.
fn radius_table(radius: &BlastRadius) -> Table {
    let mut table = Table::new(&[
        "node",
        "kind",
        "access",
        "data exposed",
        "through another identity",
        "path",
    ]);
    for reached in &radius.reached {
        table.push(vec![
            reached.node.clone(),
            reached.kind.to_owned(),
            reached.access_text(),
            reached.exposure_text(),
            if reached.through_another_identity {
                "yes"
            } else {
                "no"
            }
            .to_owned(),
            reached
                .evidence
                .first()
                .map(|evidence| evidence.nodes.join(" -> "))
                .unwrap_or_default(),
        ]);
    }
    table
}

fn write_ranking(
    out: &mut dyn Write,
    painter: Painter,
    entries: &[RankEntry],
    has_crown_jewel: bool,
) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        painter.heading("Blast radius of every identity, largest first")
    )?;
    if entries.is_empty() {
        writeln!(out, "  No identity or workforce user to compromise.")?;
        return Ok(());
    }
    ranking_table(entries).write(out, painter, 2)?;
    if !has_crown_jewel {
        writeln!(
            out,
            "  {}",
            painter.dim(
                "No node is a crown jewel, so the ranking is by nodes reached alone. \
                 Mark the stores that matter critical or give them data classes."
            )
        )?;
    }
    Ok(())
}

fn write_radius(
    out: &mut dyn Write,
    painter: Painter,
    graph: &Graph<'_>,
    radius: &BlastRadius,
) -> io::Result<()> {
    let ranking = blast::ranking(graph);
    let heading = format!("Blast radius of {}", radius.identity);
    writeln!(out, "{}", painter.heading(&heading))?;

    if let Some(entry) = ranking
        .entries
        .iter()
        .find(|e| e.identity == radius.identity)
    {
        writeln!(
            out,
            "  crown jewels written: {}, crown jewels read: {}, reached: {}",
            entry.crown_jewels_written, entry.crown_jewels_read, entry.reached
        )?;
    }

    let table = radius_table(radius);
    if table.is_empty() {
        writeln!(out, "  Reaches nothing.")?;
        return Ok(());
    }
    table.write(out, painter, 2)
}

fn write_json(out: &mut dyn Write, value: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_matches_rank_similar_ids_first() {
        let candidates = ["payments-role", "ci-deployer", "payments-admin", "auditor"];
        let near = near_matches("payment-role", &candidates);
        assert_eq!(near.first(), Some(&"payments-role"));
        assert!(!near.contains(&"auditor"));
    }

    #[test]
    fn near_matches_include_containing_ids() {
        let candidates = ["ci-deployer-role", "auditor"];
        assert_eq!(
            near_matches("deployer", &candidates),
            vec!["ci-deployer-role"]
        );
    }

    #[test]
    fn near_matches_of_unrelated_id_are_empty() {
        let candidates = ["ci-deployer", "auditor"];
        assert!(near_matches("zzzz", &candidates).is_empty());
    }

    #[test]
    fn ranking_table_has_row_per_entry() {
        let entries = vec![RankEntry {
            identity: "admin".to_owned(),
            crown_jewels_written: 2,
            crown_jewels_read: 3,
            reached: 7,
        }];
        let mut out = Vec::new();
        let written = ranking_table(&entries).write(&mut out, Painter::plain(), 0);
        assert!(written.is_ok());
        let text = String::from_utf8_lossy(&out);
        let row = text.lines().nth(1).unwrap_or_default();
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells, ["admin", "2", "3", "7"]);
    }
}
