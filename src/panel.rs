//! A panel directory (`panel.json`: rubric, bundles, expert roster).

/// The demo panel (`fixtures/park-ip-trusteeship-2024/`: panel.json,
/// bundles/ and sheets/), embedded by `build.rs` as (relative path, content).
pub const DEMO_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_demo.rs"));
