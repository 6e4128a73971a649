//! Terminal interface (ratatui): a thin layer over the domain modules.
//!
//! - [`action`]: every user action; its doc comments are the help text;
//! - [`keys`]: the key map (data: `keys.json`), key names, lookup by context;
//! - [`app`]: the expert screen's state and the pure `update`;
//! - [`chair`], [`chair_view`]: the chair's screen (ranking, details, progress, experts);
//! - [`demo`]: the chair screen in the terminal loop and `panel demo`'s pair of screens;
//! - [`layout`]: pane geometry shared by views and `update`;
//! - [`overlay`]: the overlay stack's entries and the status note, shared by both screens;
//! - [`view`]: widgets that only read the state;
//! - [`term`]: the terminal loop, restored on every exit path;
//! - [`i18n`]: interface strings (Chinese, English); [`text`]: display width.

pub mod action;
pub mod app;
pub mod chair;
pub mod chair_view;
pub mod demo;
pub mod i18n;
pub mod keys;
pub mod layout;
pub mod overlay;
pub mod term;
pub mod text;
pub mod textbox;
pub mod view;

pub use action::Action;
pub use app::{
    feed, handle_key, update, App, AppInput, MemPersist, Persist, SectionText, Session, Sheet,
};
pub use chair::ChairApp;
pub use i18n::Lang;
pub use layout::Pane;

/// Colours are off when `NO_COLOR` is set to a non-empty value.
pub fn color_enabled() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
