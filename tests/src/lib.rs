//! End-to-end tests live under `tests/`; this library is empty.
