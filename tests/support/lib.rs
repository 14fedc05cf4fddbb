//! Shared helpers for the end-to-end and compatibility tests.
