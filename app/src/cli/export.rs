//! `trustmap export`: writes the one-page blueprint PDF, the page and diagram SVG, a PNG of
//! the diagram, and Graphviz DOT and Mermaid text.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use trustmap_model::export::{self, PageOptions, PageSize, dot, mermaid, pdf, png, svg};
use trustmap_model::{geometry, review};

use super::{ExportArgs, PageArg, Status, input};

/// Runs `trustmap export`: reads the model, lays the page out once and writes each output
/// the arguments name, each file replaced atomically.
pub fn run(args: &ExportArgs) -> Result<Status> {
    let outputs = [
        &args.pdf,
        &args.svg,
        &args.page_svg,
        &args.png,
        &args.dot,
        &args.mermaid,
    ];
    if outputs.iter().all(|output| output.is_none()) {
        bail!("name at least one output: --pdf, --svg, --page-svg, --png, --dot or --mermaid");
    }
    if !(args.scale.is_finite() && args.scale > 0.0) {
        bail!("--scale must be a number above 0, such as 2");
    }
    for output in outputs.iter().copied().flatten() {
        if same_file(output, &args.file) {
            bail!(
                "{} is the model itself; choose another output file",
                output.display()
            );
        }
    }

    let model = input::read_model(&args.file)?;
    let doc = &model.document;
    let diagram = geometry::layout(doc);
    let review = review(doc);
    let mut missing = BTreeSet::new();

    if args.pdf.is_some() || args.page_svg.is_some() {
        let options = PageOptions {
            size: match args.page {
                PageArg::A4 => PageSize::A4,
                PageArg::Letter => PageSize::Letter,
            },
            date: jiff::Zoned::now().date().to_string(),
        };
        let page = export::page::layout(
            doc,
            &diagram,
            &review,
            &options,
            export::fonts::Fonts::new(),
        );
        missing.extend(page.missing_characters().iter().copied());
        if let Some(path) = &args.pdf {
            write_atomically(path, &pdf::write(&page)?)?;
        }
        if let Some(path) = &args.page_svg {
            write_atomically(path, svg::page(&page).as_bytes())?;
        }
    }

    if args.svg.is_some() || args.png.is_some() {
        let mut fonts = export::fonts::Fonts::new();
        let diagram_svg = svg::diagram(doc, &diagram, &review, &mut fonts);
        missing.extend(fonts.missing().iter().copied());
        if let Some(path) = &args.svg {
            write_atomically(path, diagram_svg.as_bytes())?;
        }
        if let Some(path) = &args.png {
            write_atomically(path, &png::render(&diagram_svg, args.scale)?)?;
        }
    }

    if let Some(path) = &args.dot {
        write_atomically(path, dot::write(doc, &diagram).as_bytes())?;
    }
    if let Some(path) = &args.mermaid {
        write_atomically(path, mermaid::write(doc, &diagram).as_bytes())?;
    }

    if !missing.is_empty() {
        let listed: Vec<String> = missing
            .iter()
            .map(|ch| format!("{ch} (U+{:04X})", u32::from(*ch)))
            .collect();
        eprintln!(
            "warning: no bundled or installed font has {}; the PDF prints U+FFFD in their place",
            listed.join(", ")
        );
    }
    Ok(Status::Clean)
}

/// Returns whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Writes a file beside its destination, syncs it, then renames it over the destination,
/// so a reader never sees half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("failed to create a file in {}", dir.display()))?;
    temp.write_all(bytes)
        .and_then(|()| permissions_for(path, temp.as_file()))
        .and_then(|permissions| temp.as_file().set_permissions(permissions))
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("failed to write {}", path.display()))?;
    temp.persist(path)
        .with_context(|| format!("failed to replace {}", path.display()))?;
    log::info!("wrote {}", path.display());
    Ok(())
}

/// Returns the permissions of the file being replaced, or those of a new file readable by
/// everyone (the temporary file starts readable by its owner alone).
fn permissions_for(path: &Path, temp: &std::fs::File) -> std::io::Result<std::fs::Permissions> {
    if let Ok(metadata) = std::fs::metadata(path) {
        return Ok(metadata.permissions());
    }
    #[allow(unused_mut)]
    let mut permissions = temp.metadata()?.permissions();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        permissions.set_mode(0o644);
    }
    Ok(permissions)
}
