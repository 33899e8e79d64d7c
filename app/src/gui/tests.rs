//! Tests that drive the whole window through egui_kittest.
