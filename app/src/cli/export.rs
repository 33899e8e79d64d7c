//! `trustmap export`: writes the one-page blueprint PDF, the page and diagram SVG, a PNG of
//! the diagram, and Graphviz DOT and Mermaid text.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Result, bail};
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
        &args.otm,
        &args.cedar_schema,
        &args.cedar_entities,
    ];
    if outputs.iter().all(|output| output.is_none()) {
        bail!(
            "name at least one output: --pdf, --svg, --page-svg, --png, --dot, --mermaid, --otm, \
             --cedar-schema or --cedar-entities"
        );
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
    if let Some(path) = &args.otm {
        super::otm_export::write_otm(doc, path)?;
    }
    if args.cedar_schema.is_some() || args.cedar_entities.is_some() {
        super::cedar_export::write_cedar(
            doc,
            args.cedar_schema.as_deref(),
            args.cedar_entities.as_deref(),
        )?;
    }
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

/// Writes an export atomically (through the model's save module, without a backup), so a
/// reader never sees half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    trustmap_model::load::write_file(path, bytes)?;
    log::info!("wrote {}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    const MODEL: &str = "(format: 1, name: \"Export test\", nodes: [(id: \"api\", label: \"API\", \
                         kind: Service(()))])";

    fn args(dir: &Path) -> ExportArgs {
        let file = dir.join("model.trustmap.ron");
        std::fs::write(&file, MODEL).expect("the model is written");
        ExportArgs {
            file,
            pdf: None,
            svg: None,
            page_svg: None,
            png: None,
            scale: 2.0,
            dot: None,
            mermaid: None,
            otm: None,
            cedar_schema: None,
            cedar_entities: None,
            page: PageArg::Letter,
        }
    }

    #[test]
    fn writes_every_output_it_is_given() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let out = |name: &str| Some(dir.path().join(name));
        let args = ExportArgs {
            pdf: out("page.pdf"),
            svg: out("diagram.svg"),
            page_svg: out("page.svg"),
            png: out("diagram.png"),
            dot: out("diagram.dot"),
            mermaid: out("diagram.mmd"),
            ..args(dir.path())
        };

        assert_eq!(run(&args)?, Status::Clean);

        let pdf = std::fs::read(dir.path().join("page.pdf"))?;
        assert!(pdf.starts_with(b"%PDF-"));
        let png = std::fs::read(dir.path().join("diagram.png"))?;
        assert!(png.starts_with(b"\x89PNG"));
        for name in ["diagram.svg", "page.svg"] {
            assert!(std::fs::read_to_string(dir.path().join(name))?.contains("<svg"));
        }
        assert!(std::fs::read_to_string(dir.path().join("diagram.dot"))?.starts_with("digraph"));
        assert!(std::fs::read_to_string(dir.path().join("diagram.mmd"))?.starts_with("flowchart"));
        Ok(())
    }

    #[test]
    fn rejects_missing_output_bad_scale_and_model() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let plain = args(dir.path());
        let model: PathBuf = plain.file.clone();

        let none = run(&plain).expect_err("no output is named");
        assert!(none.to_string().starts_with("name at least one output"));

        let scale = ExportArgs {
            png: Some(dir.path().join("x.png")),
            scale: 0.0,
            ..args(dir.path())
        };
        assert!(run(&scale).is_err());

        let onto_model = ExportArgs {
            pdf: Some(model.clone()),
            ..args(dir.path())
        };
        let err = run(&onto_model).expect_err("the model is not overwritten");
        assert!(err.to_string().contains("is the model itself"));
        assert_eq!(std::fs::read_to_string(&model)?, MODEL);
        Ok(())
    }
}
