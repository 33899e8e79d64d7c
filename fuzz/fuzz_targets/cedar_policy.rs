//! Puts arbitrary text in a policy store of the AWS PCI template and reviews the template.
//! The text thus goes through every step the review takes: limits, parsing, linking,
//! validation against a schema, and evaluation of every Cedar check that names the store.
//!
//! The input up to its first NUL byte becomes the store's policies. What follows the NUL,
//! if anything, becomes the store's own schema, with each node kind mapped to the type the
//! derived schema would give it (`Trustmap::Service`); without a NUL the schema is derived.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use trustmap_fuzz::{check_review, text};
use trustmap_model::Document;
use trustmap_model::load::{load_str, validate};
use trustmap_model::policy::derive::{EntityKind, NAMESPACE};

/// The template, with six Cedar checks on two stores.
const TEMPLATE: &str = include_str!("../../templates/aws-pci-zero-trust.trustmap.ron");

/// The store whose text the input replaces. Five of the template's checks name it: two
/// as a flow's own check and three as the check of the originating caller.
const STORE: &str = "payments-policies";

fn template() -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    DOC.get_or_init(
        || match load_str(TEMPLATE, "aws-pci-zero-trust.trustmap.ron") {
            Ok(doc) => doc,
            Err(error) => panic!("the template does not load: {error}"),
        },
    )
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = text(data) else {
        return;
    };
    let (policies, schema) = match text.split_once('\0') {
        Some((policies, schema)) => (policies, Some(schema)),
        None => (text, None),
    };

    let mut doc = template().clone();
    let Some(store) = doc.policy_stores.iter_mut().find(|store| store.id == STORE) else {
        panic!("the template has no store {STORE:?}");
    };
    policies.clone_into(&mut store.policies);
    if let Some(schema) = schema {
        store.schema = Some(schema.to_owned());
        store.entity_types = EntityKind::ALL
            .iter()
            .map(|kind| {
                let type_name = format!("{NAMESPACE}::{}", kind.type_name());
                (kind.key().to_owned(), type_name)
            })
            .collect();
    }

    // The loader rejects a document that does not validate, so the review never gets one.
    if validate(&doc).is_empty() {
        check_review(&doc);
    }
});
