//! Headless Chromium clicks through the mock's pages as a person would.
//!
//! These tests need Debian's `chromium` and `chromium-driver`; `cargo xtask ci` installs them
//! and runs the tests (they are ignored by a plain `cargo test`).

mod mock_pages;
