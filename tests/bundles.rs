//! From applications to bundles, the secretariat's side: filled Word forms ingested
//! (`office`), `anonymize` / `reveal` and the personal-data scan (`anonymize_roundtrip`,
//! `reveal_refusals`, `pii_corpus`), bundle checks on good, bad and special files (`bundle_*`,
//! `cli_special_files`), rule items evaluated over every fixture bundle (`bundle_eval`), and
//! synthetic panels (`synth_cli`).
//!
//! One test binary of several (grouped by area so the crate is linked a few times, not once
//! per file); each module was a test file of its own, and its name is the first part of a
//! test's path: `cargo test --test bundles pii_corpus::`.

#[path = "common/demo_panel.rs"]
mod demo_panel;
#[path = "bundles/pii_support.rs"]
mod pii_support;

#[path = "bundles/anonymize_roundtrip.rs"]
mod anonymize_roundtrip;
#[path = "bundles/bundle_bad_input.rs"]
mod bundle_bad_input;
#[path = "bundles/bundle_eval.rs"]
mod bundle_eval;
#[path = "bundles/bundle_fixtures.rs"]
mod bundle_fixtures;
#[path = "bundles/cli_special_files.rs"]
mod cli_special_files;
#[path = "bundles/ingest_sweep.rs"]
mod ingest_sweep;
#[path = "bundles/office.rs"]
mod office;
#[path = "bundles/pii_adversarial.rs"]
mod pii_adversarial;
#[path = "bundles/pii_corpus.rs"]
mod pii_corpus;
#[path = "bundles/pii_handtyped.rs"]
mod pii_handtyped;
#[path = "bundles/reveal_refusals.rs"]
mod reveal_refusals;
#[path = "bundles/synth_cli.rs"]
mod synth_cli;
