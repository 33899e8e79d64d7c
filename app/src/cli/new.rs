//! `trustmap new`: starts a model from a bundled template.

use anyhow::{Result, bail};
use trustmap_model::templates;

use super::{NewArgs, Status, input};

/// Runs `trustmap new`: writes the template's text to the output file, which must not exist
/// unless `--force` is given.
pub fn run(args: &NewArgs) -> Result<Status> {
    let Some(template) = templates::template(&args.template) else {
        let names: Vec<&str> = templates::names().collect();
        bail!(
            "no template is named {}; the templates are {}",
            args.template,
            names.join(", ")
        );
    };

    input::write_new_file(&args.output, template.text, args.force)?;
    eprintln!(
        "wrote {} from the template {}",
        args.output.display(),
        template.name
    );
    Ok(Status::Clean)
}
