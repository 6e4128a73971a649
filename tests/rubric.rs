//! The rubric engine: `panel rubric check | show | eval` and invalid rubrics named by their
//! JSON path (`rubric_check`), every band boundary, cap and override of the shipped rubrics
//! (`rubric_demo_park`, `rubric_trusteeship`), and its properties (`rubric_props`).
//!
//! One test binary of several, grouped by area; each module was a test file of its own:
//! `cargo test --test rubric rubric_props::`.

#[path = "common/demo_panel.rs"]
mod demo_panel;
#[path = "rubric/rubric_check.rs"]
mod rubric_check;
#[path = "rubric/rubric_demo_park.rs"]
mod rubric_demo_park;
#[path = "rubric/rubric_props.rs"]
mod rubric_props;
#[path = "rubric/rubric_trusteeship.rs"]
mod rubric_trusteeship;
