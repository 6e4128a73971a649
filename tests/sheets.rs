//! Expert sheets between the experts and the chair: export, signatures, `merge` and its
//! refusals, `import` of paper forms, the chair's reopen, and the parsers under fuzzing.
//!
//! One test binary of several, grouped by area; each module was a test file of its own:
//! `cargo test --test sheets merge_refusals::`.

#[path = "common/files.rs"]
mod files;
#[path = "sheets/sheet_common.rs"]
mod sheet_common;

#[path = "sheets/cli_mistakes.rs"]
mod cli_mistakes;
#[path = "sheets/merge_inputs.rs"]
mod merge_inputs;
#[path = "sheets/merge_props.rs"]
mod merge_props;
#[path = "sheets/merge_refusals.rs"]
mod merge_refusals;
#[path = "sheets/merge_roundtrip.rs"]
mod merge_roundtrip;
#[path = "sheets/sheet_cli.rs"]
mod sheet_cli;
#[path = "sheets/sheet_fuzz.rs"]
mod sheet_fuzz;
#[path = "sheets/sheet_import.rs"]
mod sheet_import;
#[path = "sheets/sheet_reopen.rs"]
mod sheet_reopen;
