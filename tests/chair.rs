//! The chair's screen without a terminal: `panel chair` on the command line, key sequences
//! through `update()`, snapshots, `--watch`, the demo's F2 switch between the expert's and
//! the chair's screens, and the demo panel's generated sheets.
//!
//! One test binary of several, grouped by area; each module was a test file of its own:
//! `cargo test --test chair chair_snapshots::`.

#[path = "chair/chair_support.rs"]
mod chair_support;
#[path = "common/english.rs"]
mod english;

#[path = "chair/chair_cli.rs"]
mod chair_cli;
#[path = "chair/chair_demo_sheets.rs"]
mod chair_demo_sheets;
#[path = "chair/chair_demo_switch.rs"]
mod chair_demo_switch;
#[path = "chair/chair_snapshots.rs"]
mod chair_snapshots;
#[path = "chair/chair_trial.rs"]
mod chair_trial;
#[path = "chair/chair_update.rs"]
mod chair_update;
#[path = "chair/chair_watch.rs"]
mod chair_watch;
