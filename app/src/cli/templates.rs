//! `trustmap templates`: lists the bundled templates.

use std::io::{self, BufWriter, Write};

use anyhow::Result;
use trustmap_model::templates::TEMPLATES;

use super::Status;

/// Runs `trustmap templates`: one line per template, its name and its description.
pub fn run() -> Result<Status> {
    let mut out = BufWriter::new(io::stdout().lock());
    let width = TEMPLATES.iter().map(|t| t.name.len()).max().unwrap_or(0);
    for template in TEMPLATES {
        writeln!(out, "{:width$}  {}", template.name, template.description)?;
    }
    out.flush()?;
    Ok(Status::Clean)
}
