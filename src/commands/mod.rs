//! Command implementations behind the CLI (the binary's edge: `anyhow`
//! errors, text output). `src/main.rs` only parses and dispatches.

pub mod audit;
pub mod bundle;
pub mod chair;
pub mod results;
pub mod rubric;
pub mod score;
pub mod sheet;
pub mod synth;
