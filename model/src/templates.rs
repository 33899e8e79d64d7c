//! The reference architectures bundled with Trustmap, embedded in the binary so that a new
//! model can start from one in any working directory.
//!
//! Each template is the text of a `.trustmap.ron` file from the repository's `templates/`
//! folder, kept byte for byte so that its comments and layout survive `trustmap new`.

/// A bundled template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Template {
    /// Name given on the command line, such as `aws-pci-zero-trust`.
    pub name: &'static str,
    /// One line saying what the template models.
    pub description: &'static str,
    /// The template's `.trustmap.ron` text.
    pub text: &'static str,
}

/// Every bundled template, in the order they are listed.
pub const TEMPLATES: &[Template] = &[
    Template {
        name: "aws-pci-zero-trust",
        description: "Payments microservices on AWS in PCI DSS scope, built to the Zero Trust \
                      checklist",
        text: include_str!("../../templates/aws-pci-zero-trust.trustmap.ron"),
    },
    Template {
        name: "legacy-flat-network",
        description: "A flat legacy network with long-lived keys and unauthenticated internal \
                      flows, to compare against",
        text: include_str!("../../templates/legacy-flat-network.trustmap.ron"),
    },
    Template {
        name: "blank",
        description: "An empty model to draw from scratch",
        text: include_str!("../../templates/blank.trustmap.ron"),
    },
];

/// Returns the bundled template with this name.
pub fn template(name: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|template| template.name == name)
}

/// Returns the names of every bundled template, in listing order.
pub fn names() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|template| template.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, FORMAT_VERSION};

    #[test]
    fn template_names_are_unique() {
        let mut names: Vec<_> = names().collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TEMPLATES.len());
    }

    #[test]
    fn template_lookup_by_name() {
        assert_eq!(template("blank").map(|t| t.name), Some("blank"));
        assert!(template("no-such-template").is_none());
    }

    #[test]
    fn templates_parse_as_documents() {
        for template in TEMPLATES {
            // NOTE: parses with plain RON; the loader's validation applies on top of this.
            let document: Result<Document, _> = ron::from_str(template.text);
            let document = match document {
                Ok(document) => document,
                Err(err) => panic!("template {} does not parse: {err}", template.name),
            };
            assert_eq!(document.format, FORMAT_VERSION, "{}", template.name);
            assert!(!document.name.is_empty(), "{}", template.name);
        }
    }

    #[test]
    fn template_descriptions_are_one_line() {
        for template in TEMPLATES {
            assert!(!template.description.is_empty(), "{}", template.name);
            assert!(!template.description.contains('\n'), "{}", template.name);
        }
    }
}
