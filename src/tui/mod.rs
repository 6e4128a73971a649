//! Terminal interface (ratatui): a thin layer over the domain modules.
//!
//! - [`action`]: every user action; its doc comments are the help text;
//! - [`keys`]: the key map (data: `keys.json`), key names, lookup by context;
//! - [`overlay`]: the overlays on each screen's stack, each a component with its `draw` and
//!   its `handle` (`overlay/help.rs`, `confirm.rs`, `editor.rs`, `message.rs`; the keys both
//!   screens share in `Overlay::handle_common`), and the status note; key dispatch looks only
//!   at these, so [`keys`] imports neither screen;
//! - [`app`]: the expert screen: `App` composes its components, each owning its state (private
//!   fields), its text, its `draw` and its `handle` ([`app::AppList`], [`app::CriteriaTree`],
//!   the evidence pane, [`app::InlineEntry`]); `app/update.rs` dispatches keys to the focused
//!   one and handles the keys every pane shares, once; commits go through `Persist`
//!   (`app/data.rs`), and the sheet is read back from the store;
//! - [`chair`]: the chair's screen, composed of components (`chair::ranking`, `detail`,
//!   `progress`, `experts`), each owning its state, its text, its `draw` and its `handle`;
//!   [`chair_view`]: the frame around them (title, info and status lines, key bar, help);
//! - [`demo`]: the chair screen in the terminal loop and `panel demo`'s pair of screens;
//! - [`layout`]: pane geometry shared by views and `update`;
//! - [`draw`]: drawing helpers shared by both screens, their components and the overlays
//!   (theme, pane blocks, the key bar, centred boxes);
//! - [`view`]: the expert screen's frame (title, status line, key bar, help) around the
//!   components, which draw themselves;
//! - [`term`]: the terminal loop, restored on every exit path;
//! - [`i18n`]: interface strings (Chinese, English); [`text`]: display width.

pub mod action;
pub mod app;
pub mod chair;
pub mod chair_view;
pub mod demo;
pub mod draw;
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
