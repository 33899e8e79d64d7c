//! Feeds arbitrary bytes to `import_pytm` and checks any model it returns.

#![no_main]

use libfuzzer_sys::fuzz_target;
use trustmap_fuzz::{FILE, check_import, text};
use trustmap_model::import::import_pytm;

fuzz_target!(|data: &[u8]| {
    if let Some(text) = text(data) {
        check_import(import_pytm(text, FILE));
    }
});
