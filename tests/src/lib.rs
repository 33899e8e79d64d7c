//! Helpers of the end-to-end tests under `tests/`.
//!
//! [`strategy`] generates whole valid documents for the property tests. The `save_once`
//! binary is the child process that the kill-during-save test kills.

pub mod strategy;
