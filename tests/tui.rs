//! The expert's screen without a terminal: `panel score | status | demo` from the outside,
//! key sequences through `update()`, snapshots, the sheets wired to the screen, and the
//! captures of `docs/screens.md`.
//!
//! One test binary of several, grouped by area; each module was a test file of its own:
//! `cargo test --test tui tui_update::`. The timing test of the screen is in `terminal`.

#[path = "common/english.rs"]
mod english;
#[path = "tui/tui_support.rs"]
mod tui_support;

#[path = "tui/tui_commands.rs"]
mod tui_commands;
#[path = "tui/tui_keybar.rs"]
mod tui_keybar;
#[path = "tui/tui_screens_doc.rs"]
mod tui_screens_doc;
#[path = "tui/tui_sheet_wiring.rs"]
mod tui_sheet_wiring;
#[path = "tui/tui_snapshots.rs"]
mod tui_snapshots;
#[path = "tui/tui_update.rs"]
mod tui_update;
