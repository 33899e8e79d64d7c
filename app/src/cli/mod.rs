//! The command line: the arguments, one module per command, and one module per output format.
//!
//! Every command returns a [`Status`] or an error. The binary's `main` turns them into the
//! exit codes: 0 when clean, 1 when `review --fail-on` finds something at or above the
//! threshold, 2 for bad input or usage.

mod blast_radius;
mod cedar_export;
mod export;
#[cfg(test)]
mod fixture;
mod import;
mod input;
mod json;
mod new;
mod otm_export;
mod review;
mod sarif;
mod templates;
mod text;

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, CommandFactory as _, Parser, Subcommand, ValueEnum};
use trustmap_model::Severity;

/// Draw a system's trust map and review it against Zero Trust questions.
#[derive(Debug, Parser)]
#[command(
    name = "trustmap",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// The command to run; without one, the window opens.
    #[command(subcommand)]
    command: Option<Command>,

    /// A model to open in the window.
    file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Review a model and print its findings, the answers to the review questions and the
    /// checklist.
    Review(ReviewArgs),
    /// Show what a compromised identity reaches, or rank every identity by blast radius.
    BlastRadius(BlastRadiusArgs),
    /// Export the one-page blueprint PDF, SVG, PNG, Graphviz DOT, Mermaid or Open Threat
    /// Model JSON.
    Export(ExportArgs),
    /// Convert another tool's model into a Trustmap model. A Threat Dragon file with
    /// several diagrams becomes one model with one zone per diagram.
    Import(ImportArgs),
    /// Write a new model from a bundled template.
    New(NewArgs),
    /// List the bundled templates.
    Templates,
}

/// Arguments of `trustmap review`.
#[derive(Debug, Args)]
struct ReviewArgs {
    /// The model: a `.trustmap.ron` file, or a Threagile YAML file (imported first).
    file: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReviewFormat::Text)]
    format: ReviewFormat,

    /// Exit with code 1 when a finding has this severity or a higher one.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<SeverityArg>,
}

/// Output formats of `trustmap review`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ReviewFormat {
    /// A report for the terminal.
    Text,
    /// The whole review as JSON.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

/// A severity as the command line spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl From<SeverityArg> for Severity {
    fn from(arg: SeverityArg) -> Self {
        match arg {
            SeverityArg::Info => Self::Info,
            SeverityArg::Low => Self::Low,
            SeverityArg::Medium => Self::Medium,
            SeverityArg::High => Self::High,
            SeverityArg::Critical => Self::Critical,
        }
    }
}

/// Arguments of `trustmap blast-radius`.
#[derive(Debug, Args)]
struct BlastRadiusArgs {
    /// The model: a `.trustmap.ron` file, or a Threagile YAML file (imported first).
    file: PathBuf,

    /// Id of the identity or workforce user to treat as compromised.
    #[arg(long, value_name = "ID", conflicts_with = "all")]
    identity: Option<String>,

    /// Rank every identity and workforce user by blast radius (the default).
    #[arg(long)]
    all: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Text)]
    format: TableFormat,
}

/// Output formats of the commands that print a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum TableFormat {
    /// A table for the terminal.
    Text,
    /// JSON.
    Json,
}

/// Arguments of `trustmap export`.
#[derive(Debug, Args)]
struct ExportArgs {
    /// The model: a `.trustmap.ron` file, or another tool's file (imported first).
    file: PathBuf,

    /// Write the one-page blueprint as PDF.
    #[arg(long, value_name = "P")]
    pdf: Option<PathBuf>,

    /// Write the diagram as SVG.
    #[arg(long, value_name = "S")]
    svg: Option<PathBuf>,

    /// Write the one-page blueprint as SVG.
    #[arg(long, value_name = "S")]
    page_svg: Option<PathBuf>,

    /// Write the diagram as PNG.
    #[arg(long, value_name = "G")]
    png: Option<PathBuf>,

    /// Pixels of the PNG per unit of the diagram.
    #[arg(long, value_name = "X", default_value_t = 2.0)]
    scale: f32,

    /// Write the diagram as Graphviz DOT.
    #[arg(long, value_name = "D")]
    dot: Option<PathBuf>,

    /// Write the diagram as a Mermaid flowchart.
    #[arg(long, value_name = "M")]
    mermaid: Option<PathBuf>,

    /// Write the model as Open Threat Model JSON.
    #[arg(long, value_name = "O")]
    otm: Option<PathBuf>,

    /// Write the Cedar schema derived from the model (JSON), as Verified Permissions
    /// accepts it.
    #[arg(long, value_name = "S")]
    cedar_schema: Option<PathBuf>,

    /// Write the Cedar entities derived from the model (JSON).
    #[arg(long, value_name = "E")]
    cedar_entities: Option<PathBuf>,

    /// Paper size of the blueprint, landscape.
    #[arg(long, value_enum, default_value_t = PageArg::A4)]
    page: PageArg,
}

/// Paper sizes as the command line spells them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum PageArg {
    /// ISO A4.
    A4,
    /// US Letter.
    Letter,
}

/// Arguments of `trustmap import`.
#[derive(Debug, Args)]
struct ImportArgs {
    /// The file to import.
    file: PathBuf,

    /// The tool that wrote the file; detected from the content when left out.
    #[arg(long, value_enum, value_name = "FORMAT")]
    from: Option<input::SourceFormat>,

    /// Output file for the model (standard output when left out).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,

    /// Overwrite OUT if it exists.
    #[arg(long, requires = "output")]
    force: bool,
}

/// Arguments of `trustmap new`.
#[derive(Debug, Args)]
struct NewArgs {
    /// Name of the template, as `trustmap templates` lists it.
    #[arg(long, value_name = "NAME")]
    template: String,

    /// The file to write.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,

    /// Overwrite the file if it exists.
    #[arg(long)]
    force: bool,
}

/// The outcome of a command that did not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Nothing to report: exit code 0.
    Clean,
    /// The review found something at or above the `--fail-on` severity: exit code 1.
    FindingsAtThreshold,
}

/// Runs the command the arguments name.
pub fn run(cli: Cli) -> Result<Status> {
    match (cli.command, cli.file) {
        (Some(Command::Review(args)), _) => review::run(&args),
        (Some(Command::BlastRadius(args)), _) => blast_radius::run(&args),
        (Some(Command::Export(args)), _) => export::run(&args),
        (Some(Command::Import(args)), _) => import::run(&args),
        (Some(Command::New(args)), _) => new::run(&args),
        (Some(Command::Templates), _) => templates::run(),
        (None, file) => {
            if let Some(path) = &file {
                check_window_file(path)?;
            }
            crate::gui::run(file)?;
            Ok(Status::Clean)
        }
    }
}

/// Fails when the file to open in the window does not exist, naming the command the user
/// probably meant when the argument is a misspelt one (`trustmap reveiw`).
fn check_window_file(path: &Path) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    let typed = path.to_string_lossy();
    let command = Cli::command();
    let closest = command
        .get_subcommands()
        .map(|sub| sub.get_name())
        .map(|name| (strsim::damerau_levenshtein(&typed, name), name))
        .filter(|&(distance, name)| distance <= 2 && distance < name.len())
        .min();
    match closest {
        Some((_, name)) => {
            anyhow::bail!("{typed}: no such file or command; did you mean `trustmap {name}`?")
        }
        None => anyhow::bail!("{typed}: no such file"),
    }
}
