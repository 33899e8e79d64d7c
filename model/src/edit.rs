//! Edits as values.
