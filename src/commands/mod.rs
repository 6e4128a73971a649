//! Command implementations behind the CLI (the binary's edge: `anyhow`
//! errors, text output). `src/main.rs` only parses and dispatches.

pub mod args;
pub mod audit;
pub mod awards;
pub mod bundle;
pub mod chair;
pub mod demo;
pub mod eligibility;
pub mod form;
pub mod ingest;
pub mod results;
pub mod rubric;
pub mod score;
pub mod sheet;
pub mod synth;
