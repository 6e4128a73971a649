//! The database: one process per database (`store_lock`), kill -9 while scoring
//! (`store_crash`), damaged index and journal (`store_corruption`), and `panel audit` over
//! the journal (`cli_audit`).
//!
//! One test binary of several, grouped by area; each module was a test file of its own:
//! `cargo test --test store store_crash::`. These modules spawn and kill processes and reopen
//! databases right after closing them, so they take turns (`common/turns.rs`): a module's
//! tests run beside each other, never beside another module's, as when each was a binary.

#[path = "store/store_support.rs"]
mod store_support;
#[path = "common/turns.rs"]
mod turns;

#[path = "store/cli_audit.rs"]
mod cli_audit;
#[path = "store/store_corruption.rs"]
mod store_corruption;
#[path = "store/store_crash.rs"]
mod store_crash;
#[path = "store/store_lock.rs"]
mod store_lock;
