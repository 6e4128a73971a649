//! In a real terminal and against the clock: end to end through tmux (`e2e_tmux`) and the
//! keystroke-to-frame time of the expert's screen (`tui_perf`).
//!
//! One test binary of several, grouped by area; each module was a test file of its own:
//! `cargo test --test terminal e2e_tmux::`. The two modules take turns
//! (`common/turns.rs`), so the timing is never measured beside the tmux sessions, as when
//! each was a binary.

#[path = "common/files.rs"]
mod files;
#[path = "tui/tui_support.rs"]
mod tui_support;
#[path = "common/turns.rs"]
mod turns;

#[path = "terminal/e2e_tmux.rs"]
mod e2e_tmux;
#[path = "terminal/tui_perf.rs"]
mod tui_perf;
