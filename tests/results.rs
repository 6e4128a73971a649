//! From scores to the ranking and its documents: the aggregation pipeline's tables and
//! properties (`aggregate_table`, `aggregate_props`), how scores become its input
//! (`results_input`), `panel results` end to end (`results_demo`), tracks and formula awards
//! (`tracks_awards`, who may apply to a track: `track_applicants`), the text and XLSX exports (`export_snapshots`, `export_xlsx`), and the
//! chair's and secretariat's outputs used as a user would (`chair_review`).
//!
//! One test binary of several, grouped by area; each module was a test file of its own:
//! `cargo test --test results tracks_awards::`.

#[path = "results/aggregate_props.rs"]
mod aggregate_props;
#[path = "results/aggregate_table.rs"]
mod aggregate_table;
#[path = "results/chair_review.rs"]
mod chair_review;
#[path = "common/demo_panel.rs"]
mod demo_panel;
#[path = "results/export_snapshots.rs"]
mod export_snapshots;
#[path = "results/export_xlsx.rs"]
mod export_xlsx;
#[path = "common/files.rs"]
mod files;
#[path = "results/results_demo.rs"]
mod results_demo;
#[path = "results/results_input.rs"]
mod results_input;
#[path = "results/track_applicants.rs"]
mod track_applicants;
#[path = "results/tracks_awards.rs"]
mod tracks_awards;
