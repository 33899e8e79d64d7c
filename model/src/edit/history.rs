//! Undo and redo stacks of edits, and whether the document differs from its saved state.

use std::collections::VecDeque;

use super::{Edit, EditError};
use crate::document::Document;

/// The undo and redo stacks of one open document.
///
/// Each entry is the inverse of an applied edit, so undoing applies it and keeps the
/// inverse of that for redo. The undo stack keeps at most `max_depth` entries and drops
/// the oldest first. Every state the document passes through gets a number, which tells
/// whether the current state is the saved one.
#[derive(Clone, Debug)]
pub struct History {
    undo: VecDeque<(Edit, u64)>,
    redo: Vec<(Edit, u64)>,
    max_depth: usize,
    current: u64,
    next_state: u64,
    saved: Option<u64>,
}

impl Default for History {
    fn default() -> Self {
        Self::new(Self::DEFAULT_DEPTH)
    }
}

impl History {
    /// Undo depth of [`History::default`].
    pub const DEFAULT_DEPTH: usize = 1000;

    /// Creates an empty history that keeps at most `max_depth` undo steps (at least one).
    /// The document as it is now counts as saved.
    pub fn new(max_depth: usize) -> Self {
        Self {
            undo: VecDeque::new(),
            redo: Vec::new(),
            max_depth: max_depth.max(1),
            current: 0,
            next_state: 1,
            saved: Some(0),
        }
    }

    /// Applies an edit and records its inverse for undo. The redo stack is cleared. On
    /// error nothing changes.
    pub fn apply(&mut self, edit: Edit, doc: &mut Document) -> Result<(), EditError> {
        let inverse = edit.apply(doc)?;
        self.undo.push_back((inverse, self.current));
        if self.undo.len() > self.max_depth {
            self.undo.pop_front();
        }
        self.redo.clear();
        self.current = self.next_state();
        Ok(())
    }

    /// Undoes the last edit. Returns `Ok(false)` when there is nothing to undo.
    pub fn undo(&mut self, doc: &mut Document) -> Result<bool, EditError> {
        let Some((inverse, previous)) = self.undo.pop_back() else {
            return Ok(false);
        };
        match inverse.clone().apply(doc) {
            Ok(redo) => {
                self.redo.push((redo, self.current));
                self.current = previous;
                Ok(true)
            }
            Err(error) => {
                // The document was changed outside this history; keep the entry.
                self.undo.push_back((inverse, previous));
                Err(error)
            }
        }
    }

    /// Redoes the last undone edit. Returns `Ok(false)` when there is nothing to redo.
    pub fn redo(&mut self, doc: &mut Document) -> Result<bool, EditError> {
        let Some((edit, next)) = self.redo.pop() else {
            return Ok(false);
        };
        match edit.clone().apply(doc) {
            Ok(inverse) => {
                self.undo.push_back((inverse, self.current));
                if self.undo.len() > self.max_depth {
                    self.undo.pop_front();
                }
                self.current = next;
                Ok(true)
            }
            Err(error) => {
                self.redo.push((edit, next));
                Err(error)
            }
        }
    }

    /// Returns whether there is an edit to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Returns whether there is an edit to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Returns the number of edits that can be undone.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// Records that the document as it is now has been saved.
    pub fn mark_saved(&mut self) {
        self.saved = Some(self.current);
    }

    /// Records that the document as it is now differs from every saved state, as a
    /// document recovered after a crash does. Only a save makes it unmodified again.
    pub fn mark_unsaved(&mut self) {
        self.saved = None;
    }

    /// Returns whether the document differs from its last saved state (undoing back to
    /// the saved state makes it unmodified again).
    pub fn is_modified(&self) -> bool {
        self.saved != Some(self.current)
    }

    /// Forgets every edit, as after opening another document, which counts as saved.
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.current = self.next_state();
        self.saved = Some(self.current);
    }

    fn next_state(&mut self) -> u64 {
        let state = self.next_state;
        self.next_state += 1;
        state
    }
}
