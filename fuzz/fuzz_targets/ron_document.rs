//! Feeds arbitrary bytes to the `.trustmap.ron` loader and checks any document it returns.

#![no_main]

use libfuzzer_sys::fuzz_target;
use trustmap_fuzz::{FILE, check_document, check_error, text};
use trustmap_model::load::load_str;

fuzz_target!(|data: &[u8]| {
    if let Some(text) = text(data) {
        match load_str(text, FILE) {
            Ok(doc) => check_document(&doc),
            Err(error) => check_error(&error),
        }
    }
});
