//! The Trustmap model: the document, its graph view, edits, loading and saving, the Zero
//! Trust review, and import from other tools.
//!
//! Nothing here knows of a screen. The layers build on each other in this order: the
//! [`document`] types, then the [`graph`] view, [`edit`], [`load`] and [`import`], then the
//! [`review`].

pub mod document;
pub mod edit;
pub mod export;
pub mod generate;
pub mod geometry;
pub mod graph;
pub mod import;
pub mod layout;
pub mod load;
pub mod policy;
pub mod review;
pub mod templates;

pub use document::Document;
pub use review::{Finding, Review, Severity, review};
