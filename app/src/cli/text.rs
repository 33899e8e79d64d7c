//! The text report of a review, and the pieces every text output shares: colour, tables and
//! wrapped paragraphs.
//!
//! Colour is used only when standard output is a terminal and `NO_COLOR` is unset or empty.

use std::io::{self, IsTerminal as _, Write};

use anstyle::{AnsiColor, Style};
use trustmap_model::document::{Document, EdgeKind};
use trustmap_model::review::checklist::{ItemResult, ItemState};
use trustmap_model::review::reach::{Level, NodeReach};
use trustmap_model::review::{Pillar, RULES, Review};
use trustmap_model::{Finding, Severity};

/// How many entries of the blast-radius ranking the review report shows.
const RANKING_SHOWN: usize = 10;

/// The column at which paragraphs wrap.
const WRAP_WIDTH: usize = 100;

/// Applies styles to text, or leaves it plain.
#[derive(Clone, Copy, Debug)]
pub struct Painter {
    colour: bool,
}

impl Painter {
    /// Creates a painter that colours when standard output is a terminal and `NO_COLOR` is
    /// unset or empty.
    pub fn for_stdout() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        Self {
            colour: io::stdout().is_terminal() && !no_color,
        }
    }

    /// Creates a painter that never colours.
    #[cfg(test)]
    pub fn plain() -> Self {
        Self { colour: false }
    }

    /// Returns the text wrapped in the style's escape codes, or as it is without colour.
    pub fn paint(self, style: Style, text: &str) -> String {
        if self.colour {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    }

    /// Returns a heading.
    pub fn heading(self, text: &str) -> String {
        self.paint(Style::new().bold(), text)
    }

    /// Returns text that matters less than what surrounds it.
    pub fn dim(self, text: &str) -> String {
        self.paint(Style::new().dimmed(), text)
    }

    /// Returns a severity's name in capitals, in its colour.
    pub fn severity(self, severity: Severity) -> String {
        let style = match severity {
            Severity::Critical => Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
            Severity::High => Style::new().fg_color(Some(AnsiColor::Red.into())),
            Severity::Medium => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
            Severity::Low => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
            Severity::Info => Style::new().dimmed(),
        };
        self.paint(style, &severity.name().to_uppercase())
    }
}

/// A table of left-aligned text columns.
#[derive(Clone, Debug, Default)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// Creates a table with these column headers.
    pub fn new(headers: &[&str]) -> Self {
        Self {
            headers: headers.iter().map(|&header| header.to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row. Missing cells are left empty and extra cells are dropped.
    pub fn push(&mut self, row: Vec<String>) {
        let mut row = row;
        row.resize(self.headers.len(), String::new());
        self.rows.push(row);
    }

    /// Returns whether the table has no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Writes the table, each line indented by `indent` spaces.
    pub fn write(&self, out: &mut dyn Write, painter: Painter, indent: usize) -> io::Result<()> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }

        let header = pad_row(&self.headers, &widths);
        writeln!(out, "{:indent$}{}", "", painter.heading(&header))?;
        for row in &self.rows {
            writeln!(out, "{:indent$}{}", "", pad_row(row, &widths))?;
        }
        Ok(())
    }
}

/// Joins cells padded to their column's width, two spaces apart, with no trailing space.
fn pad_row(cells: &[String], widths: &[usize]) -> String {
    let mut line = String::new();
    for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        line.push_str(cell);
        if i + 1 < cells.len() {
            let padding = width.saturating_sub(cell.chars().count());
            line.extend(std::iter::repeat_n(' ', padding));
        }
    }
    line.trim_end().to_owned()
}

/// Returns a path of node ids written `a -> b -> c`.
pub fn path(ids: &[String]) -> String {
    ids.join(" -> ")
}

/// Writes a paragraph wrapped at [`WRAP_WIDTH`], its first line after `first`, the following
/// lines indented by `indent` spaces.
pub fn write_wrapped(
    out: &mut dyn Write,
    first: &str,
    text: &str,
    indent: usize,
) -> io::Result<()> {
    let mut line = first.to_owned();
    let mut line_len = first.chars().count();
    let mut line_has_word = false;
    for word in text.split_whitespace() {
        let word_len = word.chars().count();
        if line_has_word && line_len + 1 + word_len > WRAP_WIDTH {
            writeln!(out, "{line}")?;
            line = " ".repeat(indent);
            line_len = indent;
            line_has_word = false;
        }
        if line_has_word {
            line.push(' ');
            line_len += 1;
        }
        line.push_str(word);
        line_len += word_len;
        line_has_word = true;
    }
    writeln!(out, "{line}")
}

/// Writes the text report of a review.
pub fn write_review(
    out: &mut dyn Write,
    painter: Painter,
    file: &str,
    document: &Document,
    review: &Review,
) -> io::Result<()> {
    let cedar_pending = !review.cedar_evaluated && has_cedar_check(document);

    write_header(out, painter, file, document, review, cedar_pending)?;
    write_reach(out, painter, review, cedar_pending)?;
    write_defence(out, painter, review)?;
    write_ranking(out, painter, file, review, cedar_pending)?;
    write_east_west(out, painter, review, cedar_pending)?;
    write_findings(out, painter, review)?;
    write_checklist(out, painter, &review.checklist, &review.findings)
}

/// Returns whether some flow authorizes its caller or the originating caller with a Cedar
/// policy store.
fn has_cedar_check(document: &Document) -> bool {
    use trustmap_model::document::OriginatingCheck;

    document.edges.iter().any(|edge| match &edge.kind {
        EdgeKind::Flow(flow) => {
            flow.authorization.cedar().is_some()
                || matches!(
                    flow.originating,
                    OriginatingCheck::Authorized { cedar: Some(_) }
                )
        }
        _ => false,
    })
}

/// Returns the heading of a review question, marked when Cedar checks were not evaluated.
fn question_heading(painter: Painter, title: &str, cedar_pending: bool) -> String {
    let mut heading = painter.heading(title);
    if cedar_pending {
        heading.push(' ');
        heading.push_str(&painter.dim("(not yet policy-evaluated)"));
    }
    heading
}

fn write_header(
    out: &mut dyn Write,
    painter: Painter,
    file: &str,
    document: &Document,
    review: &Review,
    cedar_pending: bool,
) -> io::Result<()> {
    let zones = document.nodes.iter().filter(|node| node.is_zone()).count();
    let nodes = document.nodes.len() - zones;
    let flows = document
        .edges
        .iter()
        .filter(|edge| matches!(edge.kind, EdgeKind::Flow(_)))
        .count();
    let relations = document.edges.len() - flows;

    writeln!(
        out,
        "{} {}",
        painter.heading(&document.name),
        painter.dim(&format!("({file})"))
    )?;
    writeln!(
        out,
        "{nodes} {}, {zones} {}, {flows} {}, {relations} identity {}",
        plural(nodes, "node", "nodes"),
        plural(zones, "zone", "zones"),
        plural(flows, "flow", "flows"),
        plural(relations, "relation", "relations"),
    )?;

    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .map(|&severity| {
            let count = review
                .findings
                .iter()
                .filter(|f| f.severity == severity)
                .count();
            format!("{count} {}", severity.name())
        })
        .collect();
    writeln!(
        out,
        "{} {}: {}",
        review.findings.len(),
        plural(review.findings.len(), "finding", "findings"),
        counts.join(", ")
    )?;

    if cedar_pending {
        write_wrapped(
            out,
            "",
            "Cedar policies are not yet policy-evaluated: every Cedar check counts as explicit \
             authorization, so answers that rest on one may be too generous.",
            0,
        )?;
    }
    Ok(())
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Anonymous => "anonymous",
        Level::AnyAuthenticatedPrincipal => "any authenticated principal",
        Level::ExplicitlyAuthorized => "explicitly authorized",
        Level::Unreachable => "unreachable",
    }
}

fn write_reach(
    out: &mut dyn Write,
    painter: Painter,
    review: &Review,
    cedar_pending: bool,
) -> io::Result<()> {
    writeln!(out)?;
    let title = "Q1. Can a node be reached without explicit authentication and authorization?";
    writeln!(out, "{}", question_heading(painter, title, cedar_pending))?;

    let nodes = &review.questions.unauthenticated_reach.nodes;
    if nodes.is_empty() {
        writeln!(out, "  No internal node to reach.")?;
        return Ok(());
    }

    for level in [
        Level::Anonymous,
        Level::AnyAuthenticatedPrincipal,
        Level::ExplicitlyAuthorized,
        Level::Unreachable,
    ] {
        let at_level: Vec<&NodeReach> = nodes.iter().filter(|n| n.level == level).collect();
        if at_level.is_empty() {
            continue;
        }
        writeln!(out, "  {} ({})", level_name(level), at_level.len())?;

        let weak = matches!(level, Level::Anonymous | Level::AnyAuthenticatedPrincipal);
        if weak {
            let mut table = Table::new(&["node", "evidence path"]);
            for node in at_level {
                table.push(vec![node.node.clone(), path(&node.path)]);
            }
            table.write(out, painter, 4)?;
        } else {
            let ids: Vec<&str> = at_level.iter().map(|n| n.node.as_str()).collect();
            write_wrapped(out, "    ", &ids.join(", "), 4)?;
        }
    }
    Ok(())
}

fn write_defence(out: &mut dyn Write, painter: Painter, review: &Review) -> io::Result<()> {
    let defence = &review.defence;
    writeln!(out)?;
    writeln!(out, "{}", painter.heading("Depth of defence"))?;
    if defence.jewels.is_empty() {
        writeln!(out, "  No crown jewel is reachable from a start node.")?;
    } else {
        let mut table = Table::new(&["crown jewel", "enforcing flows", "path"]);
        for jewel in &defence.jewels {
            table.push(vec![
                jewel.jewel.clone(),
                jewel.depth.to_string(),
                path(&jewel.path),
            ]);
        }
        table.write(out, painter, 2)?;
    }

    writeln!(out)?;
    writeln!(out, "{}", painter.heading("Chokepoints"))?;
    if defence.chokepoints.is_empty() {
        writeln!(out, "  None.")?;
    } else {
        let mut table = Table::new(&["node", "gates"]);
        for chokepoint in &defence.chokepoints {
            table.push(vec![chokepoint.node.clone(), chokepoint.gates.join(", ")]);
        }
        table.write(out, painter, 2)?;
    }
    Ok(())
}

fn write_ranking(
    out: &mut dyn Write,
    painter: Painter,
    file: &str,
    review: &Review,
    cedar_pending: bool,
) -> io::Result<()> {
    writeln!(out)?;
    let title = "Q2. What happens if a single identity is compromised?";
    writeln!(out, "{}", question_heading(painter, title, cedar_pending))?;

    let entries = &review.questions.blast_radius.entries;
    if entries.is_empty() {
        writeln!(out, "  No identity or workforce user to compromise.")?;
        return Ok(());
    }

    let shown = &entries[..entries.len().min(RANKING_SHOWN)];
    super::blast_radius::ranking_table(shown).write(out, painter, 2)?;
    if entries.len() > shown.len() {
        writeln!(
            out,
            "  {} more; see them all with `trustmap blast-radius {file} --all`",
            entries.len() - shown.len()
        )?;
    }
    Ok(())
}

fn write_east_west(
    out: &mut dyn Write,
    painter: Painter,
    review: &Review,
    cedar_pending: bool,
) -> io::Result<()> {
    writeln!(out)?;
    let title = "Q3. Is east-west traffic fully authenticated and logged?";
    writeln!(out, "{}", question_heading(painter, title, cedar_pending))?;

    let east_west = &review.questions.east_west;
    writeln!(
        out,
        "  {} of {} east-west flows pass",
        east_west.passing, east_west.total
    )?;
    for flow in &east_west.failing {
        let first = format!("  {} ({} -> {}): ", flow.flow, flow.from, flow.to);
        write_wrapped(out, &first, &flow.reasons.join("; "), 6)?;
    }
    Ok(())
}

fn write_findings(out: &mut dyn Write, painter: Painter, review: &Review) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{}", painter.heading("Findings"))?;
    if review.findings.is_empty() {
        writeln!(out, "  None.")?;
        return Ok(());
    }

    for &severity in Severity::ALL.iter().rev() {
        let findings: Vec<&Finding> = review
            .findings
            .iter()
            .filter(|finding| finding.severity == severity)
            .collect();
        if findings.is_empty() {
            continue;
        }
        writeln!(out, "  {} ({})", painter.severity(severity), findings.len())?;
        for finding in findings {
            write_finding(out, painter, finding)?;
        }
    }
    Ok(())
}

fn write_finding(out: &mut dyn Write, painter: Painter, finding: &Finding) -> io::Result<()> {
    const INDENT: usize = 12;

    let first = format!("    {:<7} ", finding.rule);
    write_wrapped(out, &first, &finding.title, INDENT)?;
    if !finding.evidence.is_empty() {
        let first = format!("{:INDENT$}path: ", "");
        write_wrapped(out, &first, &path(&finding.evidence), INDENT + 6)?;
    }
    if !finding.pci.is_empty() {
        writeln!(out, "{:INDENT$}PCI DSS: {}", "", finding.pci.join(", "))?;
    }
    for attribute in &finding.unknown {
        writeln!(out, "{:INDENT$}rests on an unknown value: {attribute}", "")?;
    }
    if finding.cedar_not_evaluated {
        writeln!(
            out,
            "{:INDENT$}{}",
            "",
            painter.dim("rests on a Cedar check that is not yet policy-evaluated")
        )?;
    }
    let first = format!("{:INDENT$}fix: ", "");
    write_wrapped(out, &first, finding.remediation, INDENT + 5)
}

fn state_mark(painter: Painter, state: ItemState) -> String {
    let (text, style) = match state {
        ItemState::Pass => ("pass", Style::new().fg_color(Some(AnsiColor::Green.into()))),
        ItemState::Fail => (
            "FAIL",
            Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
        ),
        ItemState::Manual => (
            "manual",
            Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        ),
        ItemState::NotApplicable => ("n/a", Style::new().dimmed()),
    };
    // Pad before painting so that escape codes do not upset the alignment.
    painter.paint(style, &format!("{text:<6}"))
}

fn write_checklist(
    out: &mut dyn Write,
    painter: Painter,
    items: &[ItemResult],
    findings: &[Finding],
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{}", painter.heading("Checklist"))?;
    if items.is_empty() {
        writeln!(out, "  No checklist item was evaluated.")?;
        return Ok(());
    }

    for pillar in Pillar::ALL {
        let in_pillar: Vec<(&ItemResult, &str)> = items
            .iter()
            .filter_map(|item| {
                let rule = RULES.iter().find(|rule| rule.id == item.id)?;
                (rule.pillar == pillar).then_some((item, rule.title))
            })
            .collect();
        if in_pillar.is_empty() {
            continue;
        }

        writeln!(out, "  {}", pillar.title())?;
        for (item, title) in in_pillar {
            let count = finding_count(item, findings);
            writeln!(
                out,
                "    {} {:<7} {title}{count}",
                state_mark(painter, item.state),
                item.id
            )?;
        }
    }
    Ok(())
}

/// Returns the count shown after a checklist item: its findings above info, and its info
/// findings apart, so that a passing item with only info findings does not look failed.
fn finding_count(item: &ItemResult, findings: &[Finding]) -> String {
    let of_item = findings.iter().filter(|finding| finding.rule == item.id);
    let info = of_item
        .filter(|finding| finding.severity == Severity::Info)
        .count()
        .min(item.findings);
    let above = item.findings - info;

    let mut parts = Vec::new();
    match above {
        0 => {}
        1 => parts.push("1 finding".to_owned()),
        n => parts.push(format!("{n} findings")),
    }
    if info > 0 {
        parts.push(format!("{info} info"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_pads_columns_to_widest_cell() -> io::Result<()> {
        let mut table = Table::new(&["id", "path"]);
        table.push(vec!["a".to_owned(), "x -> y".to_owned()]);
        table.push(vec!["longer".to_owned(), "z".to_owned()]);
        let mut out = Vec::new();
        table.write(&mut out, Painter::plain(), 2)?;
        let text = String::from_utf8_lossy(&out);
        assert_eq!(text, "  id      path\n  a       x -> y\n  longer  z\n");
        Ok(())
    }

    #[test]
    fn wrapped_paragraph_breaks_at_width() -> io::Result<()> {
        let words = vec!["word"; 30].join(" ");
        let mut out = Vec::new();
        write_wrapped(&mut out, "fix: ", &words, 5)?;
        let text = String::from_utf8_lossy(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|line| line.chars().count() <= WRAP_WIDTH));
        assert!(lines[1].starts_with("     word"));
        Ok(())
    }

    #[test]
    fn painter_without_colour_leaves_text_plain() {
        let painter = Painter::plain();
        assert_eq!(painter.severity(Severity::High), "HIGH");
        assert_eq!(painter.heading("Findings"), "Findings");
    }

    fn fixture_report() -> String {
        let document = crate::cli::fixture::document();
        let review = crate::cli::fixture::review();
        let mut out = Vec::new();
        let written = write_review(
            &mut out,
            Painter::plain(),
            "f.trustmap.ron",
            &document,
            &review,
        );
        assert!(written.is_ok());
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn report_header_counts_nodes_and_findings() {
        let report = fixture_report();
        let lines: Vec<&str> = report.lines().collect();
        assert_eq!(lines[0], "Fixture (f.trustmap.ron)");
        assert_eq!(lines[1], "4 nodes, 0 zones, 2 flows, 0 identity relations");
        assert_eq!(
            lines[2],
            "4 findings: 1 critical, 3 high, 0 medium, 0 low, 0 info"
        );
        assert!(lines[3].starts_with("Cedar policies are not yet policy-evaluated"));
    }

    #[test]
    fn report_marks_questions_not_policy_evaluated() {
        let report = fixture_report();
        for question in ["Q1.", "Q2.", "Q3."] {
            let line = report
                .lines()
                .find(|l| l.starts_with(question))
                .unwrap_or_default();
            assert!(line.ends_with("(not yet policy-evaluated)"), "{line}");
        }
    }

    #[test]
    fn report_lists_reach_levels_anonymous_first() {
        let report = fixture_report();
        let anonymous = report.find("  anonymous (1)");
        let authorized = report.find("  explicitly authorized (1)");
        let unreachable = report.find("  unreachable (1)");
        assert!(
            anonymous < authorized && authorized < unreachable,
            "{report}"
        );
        assert!(report.contains("    api   internet -> api\n"), "{report}");
    }

    #[test]
    fn report_shows_top_of_ranking_and_rest_count() {
        let report = fixture_report();
        assert!(report.contains("identity-09"), "{report}");
        assert!(!report.contains("identity-10"), "{report}");
        assert!(
            report
                .contains("2 more; see them all with `trustmap blast-radius f.trustmap.ron --all`"),
            "{report}"
        );
    }

    #[test]
    fn report_shows_east_west_answer() {
        let report = fixture_report();
        assert!(
            report.contains("  0 of 1 east-west flows pass\n"),
            "{report}"
        );
        assert!(
            report.contains("  api-to-vault (api -> vault): not logged; no TLS\n"),
            "{report}"
        );
    }

    #[test]
    fn report_groups_findings_critical_first() {
        let report = fixture_report();
        let critical = report.find("  CRITICAL (1)");
        let high = report.find("  HIGH (3)");
        assert!(critical.is_some(), "{report}");
        assert!(critical < high, "{report}");
        assert!(
            report.contains("    REV-1   Card vault is reached at depth 1\n"),
            "{report}"
        );
        assert!(
            report.contains("path: internet -> api -> vault"),
            "{report}"
        );
        assert!(report.contains("PCI DSS: 1.4, 7.2, 8.2"), "{report}");
        assert!(report.contains("rests on an unknown value: logging of flow api-to-vault"));
        assert!(report.contains("rests on a Cedar check that is not yet policy-evaluated"));
    }

    #[test]
    fn checklist_count_sets_info_apart() {
        let rule = trustmap_model::review::rules::rule("REV-1");
        let item = |findings| ItemResult {
            id: "REV-1",
            pillar: rule.pillar,
            title: rule.title,
            automatic: rule.automatic,
            state: ItemState::Pass,
            findings,
            worst: None,
            verdict: None,
            cedar_not_evaluated: false,
        };
        let finding = |severity| Finding::new("REV-1", severity, "title");
        let info = vec![finding(Severity::Info); 7];
        let mixed = vec![finding(Severity::High), finding(Severity::Info)];

        assert_eq!(finding_count(&item(7), &info), " (7 info)");
        assert_eq!(finding_count(&item(2), &mixed), " (1 finding, 1 info)");
        assert_eq!(finding_count(&item(0), &[]), "");
    }

    #[test]
    fn report_lists_checklist_by_pillar_with_marks() {
        let report = fixture_report();
        let checklist = &report[report.find("Checklist").unwrap_or_default()..];
        let lines: Vec<&str> = checklist.lines().collect();
        assert_eq!(
            lines,
            [
                "Checklist",
                "  Identity as the perimeter",
                "    FAIL   ID-1    Every request authenticates (1 finding)",
                "    pass   ID-2    Short-lived credentials",
                "    n/a    ID-5    Workload identity on Kubernetes",
                "  Continuous verification and visibility",
                "    FAIL   VIS-3   All access logged and analysable (2 findings)",
                "    manual VIS-4   Anomaly detection on identity, API and data access",
            ]
        );
    }
}
