//! Cedar policy stores: parsing, linking and validating them, the entities and schema
//! derived from the model, and an evaluator whose decisions are cached across reviews.
//!
//! The review asks Cedar through [`facts`], which turns each flow's Cedar checks into
//! answers: whether the flow is closed (Q1), which services a held identity may call (Q2),
//! which policies still permit the workforce toward a crown jewel under the worst-case
//! context (ID-4), and every problem the stores have.
//!
//! Text is checked by [`limits`] before Cedar parses it, and parsing runs on a thread with a
//! large stack, because Cedar's parser recurses without a limit of its own.

pub mod derive;
pub mod evaluate;
pub mod facts;
pub mod limits;
pub mod request;
pub mod store;

use serde::Serialize;

pub use evaluate::{CacheStats, Outcome, PolicyCache};
pub use facts::Facts;
pub use request::{
    AuthorizationRequest, RequestChoices, RequestError, evaluate_request, request_choices,
};

/// The step of compiling or evaluating a policy store at which a problem arose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// The text is too long or nests too deep to parse safely.
    Limit,
    /// A policy, template or schema does not parse.
    Parse,
    /// A template link does not fit its template.
    Link,
    /// A template has no link (a note, not an error).
    Unlinked,
    /// The schema does not parse, or an entity type does not.
    Schema,
    /// A policy fails strict validation against the schema.
    Validation,
    /// A policy failed while a request was evaluated.
    Evaluation,
}

/// One problem of a policy store, with its place in the store's text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Problem {
    /// Id of the store.
    pub store: String,
    /// Id of the policy or template, where the problem is in one.
    pub policy: Option<String>,
    /// One-based line in the policy text (or the schema text, for a schema problem).
    pub line: usize,
    /// One-based column, in characters.
    pub column: usize,
    /// The step at which the problem arose.
    pub stage: Stage,
    /// Cedar's message.
    pub message: String,
    /// Length in bytes of the text the problem points at, from the line and column. It is 0
    /// when the problem points at a place rather than at text. Reports leave it out.
    #[serde(skip)]
    pub length: usize,
}

impl Problem {
    /// Creates a problem at a byte offset of a text.
    pub fn at(
        store: &str,
        text: &str,
        stage: Stage,
        policy: Option<&str>,
        offset: usize,
        message: String,
    ) -> Self {
        let (line, column) = limits::line_column(text, offset);
        Self {
            store: store.to_owned(),
            policy: policy.map(str::to_owned),
            line,
            column,
            stage,
            message,
            length: 0,
        }
    }

    /// Sets the length in bytes of the text the problem points at.
    #[must_use]
    pub fn with_length(mut self, length: usize) -> Self {
        self.length = length;
        self
    }

    /// Returns the byte range of `text` that the problem points at, where `text` is the text
    /// the problem was found in (the policy text, or the schema text for a schema problem).
    /// The range is clamped to the text and to character boundaries.
    pub fn span_in(&self, text: &str) -> std::ops::Range<usize> {
        let start = limits::offset_at(text, self.line, self.column);
        let mut end = (start + self.length).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        start..end
    }

    /// Returns whether the problem stops the store from being asked (all but an unlinked
    /// template).
    pub fn is_error(&self) -> bool {
        self.stage != Stage::Unlinked
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "policy store {:?}", self.store)?;
        if let Some(policy) = &self.policy {
            write!(f, ", policy {policy:?}")?;
        }
        write!(f, ", {}:{}: {}", self.line, self.column, self.message)
    }
}

#[cfg(test)]
mod tests;
