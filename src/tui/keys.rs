//! The key map: data (`keys.json`, embedded), parsed at start.
//!
//! A context is where keys are looked up: an overlay, the inline score
//! entry, a pane, or `global`. Key names: a single character (`j`, `G`,
//! `?`), `ctrl-<c>`, `alt-<c>`, or one of `enter esc tab backtab backspace
//! delete space up down left right home end pageup pagedown f1`…`f12`.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::action::Action;
use super::i18n::Lang;
use super::overlay::{Level, Note, Overlay};

/// The embedded default key map.
pub const DEFAULT_KEYS: &str = include_str!("keys.json");

/// Where keys are looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Apps,
    Tree,
    Evidence,
    Entry,
    Editor,
    Confirm,
    Help,
    Message,
    /// Chair screen: the ranking table.
    Ranking,
    /// Chair screen: one application's experts × criteria matrix.
    Detail,
    /// Chair screen: the progress grid (expert × application).
    Progress,
    /// Chair screen: per-expert lean and score distributions.
    Experts,
}

impl Context {
    pub const ALL: [Context; 13] = [
        Context::Global,
        Context::Apps,
        Context::Tree,
        Context::Evidence,
        Context::Entry,
        Context::Editor,
        Context::Confirm,
        Context::Help,
        Context::Message,
        Context::Ranking,
        Context::Detail,
        Context::Progress,
        Context::Experts,
    ];

    /// The context of an overlay's keys (an overlay on top has every key).
    pub fn of_overlay(o: &Overlay) -> Context {
        match o {
            Overlay::Help { .. } => Context::Help,
            Overlay::Confirm { .. } => Context::Confirm,
            Overlay::Editor { .. } => Context::Editor,
            Overlay::Message { .. } => Context::Message,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Apps => "apps",
            Context::Tree => "tree",
            Context::Evidence => "evidence",
            Context::Entry => "entry",
            Context::Editor => "editor",
            Context::Confirm => "confirm",
            Context::Help => "help",
            Context::Message => "message",
            Context::Ranking => "ranking",
            Context::Detail => "detail",
            Context::Progress => "progress",
            Context::Experts => "experts",
        }
    }

    fn from_name(s: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == s)
    }
}

/// One binding: a normalized key name and its action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub key: String,
    pub action: Action,
}

/// Errors in a key map file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeymapError {
    #[error("key map {file}: not valid JSON: {detail}. Fix the file (see src/tui/keys.json).")]
    Json { file: String, detail: String },
    #[error("key map {file}: unknown context `{context}`; known: {known}")]
    Context {
        file: String,
        context: String,
        known: String,
    },
    #[error("key map {file}, context `{context}`: unknown key name `{key}`")]
    Key {
        file: String,
        context: String,
        key: String,
    },
    #[error("key map {file}, context `{context}`, key `{key}`: unknown action `{action}`")]
    Action {
        file: String,
        context: String,
        key: String,
        action: String,
    },
    #[error("key map {file}, context `{context}`: key `{key}` is bound twice")]
    Duplicate {
        file: String,
        context: String,
        key: String,
    },
}

/// The parsed key map, in file order per context.
#[derive(Debug, Clone)]
pub struct Keymap {
    pub contexts: Vec<(Context, Vec<Binding>)>,
}

/// A JSON object read as ordered pairs, so duplicate keys stay visible.
struct Pairs(Vec<(String, Value)>);

enum Value {
    Str(String),
    Map(Vec<(String, Value)>),
    Other,
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or an object")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Str(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(Value::Map(out))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Value, E> {
                Ok(Value::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Value, E> {
                Ok(Value::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Value, E> {
                Ok(Value::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Value, E> {
                Ok(Value::Other)
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Other)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut s: A) -> Result<Value, A::Error> {
                while s.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Value::Other)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Pairs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Map(m) => Ok(Pairs(m)),
            _ => Err(serde::de::Error::custom("expected an object of contexts")),
        }
    }
}

const NAMED: [&str; 15] = [
    "enter",
    "esc",
    "tab",
    "backtab",
    "backspace",
    "delete",
    "space",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "pageup",
    "pagedown",
];

/// Normalize a key name from the file; `None` when it names no key.
pub fn normalize(name: &str) -> Option<String> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.clone().next()) {
        return (!c.is_control() && c != ' ').then(|| c.to_string());
    }
    let lower = name.to_ascii_lowercase();
    if NAMED.contains(&lower.as_str()) {
        return Some(lower);
    }
    if let Some(n) = lower.strip_prefix('f') {
        if let Ok(k) = n.parse::<u8>() {
            if (1..=12).contains(&k) {
                return Some(lower);
            }
        }
    }
    for prefix in ["ctrl-", "alt-"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let mut cs = rest.chars();
            if let (Some(c), None) = (cs.next(), cs.next()) {
                if c.is_ascii_graphic() {
                    return Some(format!("{prefix}{c}"));
                }
            }
        }
    }
    None
}

/// The normalized name of a key event; `None` for key releases and keys we do not name.
pub fn key_name(ev: &KeyEvent) -> Option<String> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let m = ev.modifiers;
    let code = match ev.code {
        KeyCode::Char(c) => KeyCode::Char(ascii_key(c)),
        other => other,
    };
    let s = match code {
        KeyCode::Char(c) if m.contains(KeyModifiers::CONTROL) => {
            format!("ctrl-{}", c.to_ascii_lowercase())
        }
        KeyCode::Char(c) if m.contains(KeyModifiers::ALT) => {
            format!("alt-{}", c.to_ascii_lowercase())
        }
        KeyCode::Char(' ') => "space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Esc => "esc".into(),
        KeyCode::Tab if m.contains(KeyModifiers::SHIFT) => "backtab".into(),
        KeyCode::Tab => "tab".into(),
        KeyCode::BackTab => "backtab".into(),
        KeyCode::Backspace => "backspace".into(),
        KeyCode::Delete => "delete".into(),
        KeyCode::Up => "up".into(),
        KeyCode::Down => "down".into(),
        KeyCode::Left => "left".into(),
        KeyCode::Right => "right".into(),
        KeyCode::Home => "home".into(),
        KeyCode::End => "end".into(),
        KeyCode::PageUp => "pageup".into(),
        KeyCode::PageDown => "pagedown".into(),
        KeyCode::F(n) => format!("f{n}"),
        _ => return None,
    };
    Some(s)
}

/// The key a character stands for when an input method types it in its full-width mode
/// (`ｊ`, `４`, `．`, the ideographic space) or as Chinese punctuation (`。` for `.`): the keys
/// then work the same with the input method on. Text typed into an editor is not changed.
fn ascii_key(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '。' => '.',
        _ => c,
    }
}

/// A key event from a normalized name (tests and scripted input).
pub fn key_event(name: &str) -> Option<KeyEvent> {
    let n = normalize(name)?;
    let code = |c: KeyCode| Some(KeyEvent::new(c, KeyModifiers::NONE));
    match n.as_str() {
        "enter" => code(KeyCode::Enter),
        "esc" => code(KeyCode::Esc),
        "tab" => code(KeyCode::Tab),
        "backtab" => Some(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
        "backspace" => code(KeyCode::Backspace),
        "delete" => code(KeyCode::Delete),
        "space" => code(KeyCode::Char(' ')),
        "up" => code(KeyCode::Up),
        "down" => code(KeyCode::Down),
        "left" => code(KeyCode::Left),
        "right" => code(KeyCode::Right),
        "home" => code(KeyCode::Home),
        "end" => code(KeyCode::End),
        "pageup" => code(KeyCode::PageUp),
        "pagedown" => code(KeyCode::PageDown),
        s if s.starts_with("ctrl-") => s[5..]
            .chars()
            .next()
            .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        s if s.starts_with("alt-") => s[4..]
            .chars()
            .next()
            .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT)),
        s if s.len() > 1 && s.starts_with('f') => {
            s[1..].parse().ok().and_then(|k| code(KeyCode::F(k)))
        }
        s => {
            let c = s.chars().next()?;
            let m = if c.is_ascii_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            Some(KeyEvent::new(KeyCode::Char(c), m))
        }
    }
}

/// How a key is shown in the help and the bottom bar.
pub fn display(key: &str) -> String {
    match key {
        "enter" => "Enter".into(),
        "esc" => "Esc".into(),
        "tab" => "Tab".into(),
        "backtab" => "S-Tab".into(),
        "backspace" => "Bksp".into(),
        "delete" => "Del".into(),
        "space" => "Space".into(),
        "up" => "↑".into(),
        "down" => "↓".into(),
        "left" => "←".into(),
        "right" => "→".into(),
        "home" => "Home".into(),
        "end" => "End".into(),
        "pageup" => "PgUp".into(),
        "pagedown" => "PgDn".into(),
        s if s.starts_with("ctrl-") => format!("Ctrl-{}", s[5..].to_ascii_uppercase()),
        s if s.starts_with("alt-") => format!("Alt-{}", &s[4..]),
        s if s.len() > 1 && s.starts_with('f') => s.to_ascii_uppercase(),
        s => s.to_string(),
    }
}

impl Keymap {
    /// The embedded default key map.
    pub fn default_map() -> Keymap {
        match Keymap::parse("src/tui/keys.json", DEFAULT_KEYS) {
            Ok(k) => k,
            // The embedded file is checked by the tests; this cannot happen in a release.
            Err(e) => panic!("embedded key map is invalid: {e}"),
        }
    }

    /// Parse a key map file; every key must be a known key name bound once per context.
    pub fn parse(file: &str, text: &str) -> Result<Keymap, KeymapError> {
        let pairs: Pairs = serde_json::from_str(text).map_err(|e| KeymapError::Json {
            file: file.into(),
            detail: e.to_string(),
        })?;
        let mut contexts = Vec::new();
        for (cname, v) in pairs.0 {
            let ctx = Context::from_name(&cname).ok_or_else(|| KeymapError::Context {
                file: file.into(),
                context: cname.clone(),
                known: Context::ALL.map(|c| c.name()).join(", "),
            })?;
            let Value::Map(binds) = v else {
                return Err(KeymapError::Json {
                    file: file.into(),
                    detail: format!("context `{cname}` must be an object of key → action"),
                });
            };
            let mut out: Vec<Binding> = Vec::new();
            for (k, a) in binds {
                let key = normalize(&k).ok_or_else(|| KeymapError::Key {
                    file: file.into(),
                    context: cname.clone(),
                    key: k.clone(),
                })?;
                let Value::Str(aname) = a else {
                    return Err(KeymapError::Action {
                        file: file.into(),
                        context: cname.clone(),
                        key: k.clone(),
                        action: "(not a string)".into(),
                    });
                };
                let ch = (key.chars().count() == 1)
                    .then(|| key.chars().next())
                    .flatten();
                let action = Action::from_name(&aname, ch).ok_or_else(|| KeymapError::Action {
                    file: file.into(),
                    context: cname.clone(),
                    key: k.clone(),
                    action: aname.clone(),
                })?;
                if out.iter().any(|b| b.key == key) {
                    return Err(KeymapError::Duplicate {
                        file: file.into(),
                        context: cname.clone(),
                        key,
                    });
                }
                out.push(Binding { key, action });
            }
            if let Some(existing) = contexts.iter().position(|(c, _)| *c == ctx) {
                let _ = existing;
                return Err(KeymapError::Duplicate {
                    file: file.into(),
                    context: cname,
                    key: "(whole context)".into(),
                });
            }
            contexts.push((ctx, out));
        }
        Ok(Keymap { contexts })
    }

    /// The bindings of one context.
    pub fn bindings(&self, ctx: Context) -> &[Binding] {
        self.contexts
            .iter()
            .find(|(c, _)| *c == ctx)
            .map(|(_, b)| b.as_slice())
            .unwrap_or(&[])
    }

    /// The action of `key` in the first context (in order) that binds it.
    pub fn lookup(&self, contexts: &[Context], key: &str) -> Option<Action> {
        contexts.iter().find_map(|c| {
            self.bindings(*c)
                .iter()
                .find(|b| b.key == key)
                .map(|b| b.action)
        })
    }

    /// Keys bound to `action` in `ctx`, in file order (a `type` binding matches any char).
    pub fn keys_for(&self, ctx: Context, action: Action) -> Vec<&str> {
        self.bindings(ctx)
            .iter()
            .filter(|b| same_kind(b.action, action))
            .map(|b| b.key.as_str())
            .collect()
    }

    /// Distinct actions of a context in file order, each with its keys.
    pub fn actions(&self, ctx: Context) -> Vec<(Action, Vec<&str>)> {
        let mut out: Vec<(Action, Vec<&str>)> = Vec::new();
        for b in self.bindings(ctx) {
            match out.iter_mut().find(|(a, _)| same_kind(*a, b.action)) {
                Some((_, keys)) => keys.push(&b.key),
                None => out.push((b.action, vec![&b.key])),
            }
        }
        out
    }
}

/// Equal actions, counting every `Type(_)` as one.
pub fn same_kind(a: Action, b: Action) -> bool {
    match (a, b) {
        (Action::Type(_), Action::Type(_)) => true,
        _ => a == b,
    }
}

/// Keys shown compactly: a run of digits and `.` bound to `type` becomes `0-9 .`.
pub fn show_keys(keys: &[&str]) -> String {
    let digits = keys
        .iter()
        .filter(|k| k.len() == 1 && k.as_bytes()[0].is_ascii_digit())
        .count();
    let mut parts: Vec<String> = Vec::new();
    if digits == 10 {
        parts.push("0-9".into());
    }
    for k in keys {
        if digits == 10 && k.len() == 1 && k.as_bytes()[0].is_ascii_digit() {
            continue;
        }
        parts.push(display(k));
    }
    parts.join("/")
}

/// The state every screen keeps alike, as [`KeyTarget::apply`] updates it.
pub(crate) struct Shared<'a> {
    pub quit: &'a mut bool,
    pub size: &'a mut (u16, u16),
    /// The note on the status line.
    pub note: &'a mut Option<Note>,
    /// The interface language (of the notes written here).
    pub lang: Lang,
}

/// What key dispatch needs of a screen (the expert and the chair screens).
pub(crate) trait KeyTarget {
    fn keymap(&self) -> &Keymap;
    fn contexts(&self) -> Vec<Context>;
    /// The overlay on top of the stack, which sees keys first.
    fn top_overlay(&self) -> Option<&Overlay>;
    fn shared(&mut self) -> Shared<'_>;
    /// The screen's own handling of an action (its overlays first, then its panes).
    fn handle(&mut self, action: Action);
    /// Keeps the selection on screen (after every action).
    fn keep_visible(&mut self);

    /// Apply an action, the same way on every screen: Ctrl-C quits at once, except that
    /// with text typed into a comment, reason or opinion box and not saved, it first says
    /// so and quits on a second Ctrl-C right after; a resize is taken; any other action but
    /// the mouse wheel clears the last note, then goes to the screen's own
    /// [`KeyTarget::handle`]. No terminal I/O.
    fn apply(&mut self, action: Action) {
        let unsaved = matches!(self.top_overlay(),
            Some(Overlay::Editor { buf, .. }) if buf.is_multiline() && buf.changed());
        let shared = self.shared();
        match action {
            Action::ForceQuit => {
                let warning = shared.lang.unsaved_text_on_quit();
                let warned = shared.note.as_ref().is_some_and(|n| n.text == warning);
                if unsaved && !warned {
                    *shared.note = Some(Note {
                        level: Level::Error,
                        text: warning,
                    });
                } else {
                    *shared.quit = true;
                }
                return;
            }
            Action::Resize { w, h } => *shared.size = (w, h),
            Action::Scroll { .. } => self.handle(action),
            _ => {
                *shared.note = None;
                self.handle(action);
            }
        }
        self.keep_visible();
    }
}

/// Translate a key event into an action for `target` and apply it: Ctrl-C
/// (ForceQuit) always wins; unbound characters go to an open editor; any
/// unbound key closes a message.
pub(crate) fn dispatch<T: KeyTarget>(target: &mut T, ev: KeyEvent) {
    let Some(name) = key_name(&ev) else {
        return;
    };
    if target.keymap().lookup(&[Context::Global], &name) == Some(Action::ForceQuit) {
        target.apply(Action::ForceQuit);
        return;
    }
    // an editor's text box takes every key but Enter (save) and Esc (cancel) as it comes:
    // cursor moves, word deletes, line breaks
    if matches!(target.top_overlay(), Some(Overlay::Editor { .. }))
        && !(ev.modifiers.is_empty() && matches!(ev.code, KeyCode::Enter | KeyCode::Esc))
    {
        target.apply(Action::EditKey(ev));
        return;
    }
    let ctxs = target.contexts();
    if let Some(a) = target.keymap().lookup(&ctxs, &name) {
        target.apply(a);
        return;
    }
    match target.top_overlay() {
        Some(Overlay::Editor { .. }) => {
            if let KeyCode::Char(c) = ev.code {
                if !ev
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                {
                    target.apply(Action::Char(c));
                }
            }
        }
        Some(Overlay::Message { .. }) => target.apply(Action::Back),
        _ => {}
    }
}

/// Feed space-separated key names (`"j j 4 . 5 enter"`) to `target`;
/// `text:` prefixes literal editor text (`"text:理由"`, `_` for a space); `alt-enter`
/// breaks a line in an editor. For tests and scripted input.
pub(crate) fn feed<T: KeyTarget>(target: &mut T, keys_str: &str) {
    for k in keys_str.split(' ').filter(|s| !s.is_empty()) {
        if let Some(t) = k.strip_prefix("text:") {
            for c in t.chars() {
                let c = if c == '_' { ' ' } else { c };
                dispatch(target, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            }
        } else if k == "alt-enter" {
            dispatch(target, KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT));
        } else if let Some(ev) = key_event(k) {
            dispatch(target, ev);
        } else {
            panic!("feed: unknown key name `{k}`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_map_parses_and_binds_no_key_twice_in_a_context() {
        let k = Keymap::parse("keys.json", DEFAULT_KEYS).unwrap();
        for (ctx, binds) in &k.contexts {
            let mut seen = std::collections::BTreeSet::new();
            for b in binds {
                assert!(seen.insert(b.key.clone()), "{ctx:?}: {} twice", b.key);
            }
        }
        // every context is present
        for c in Context::ALL {
            assert!(!k.bindings(c).is_empty(), "{c:?} has no bindings");
        }
        // the keys users expect
        assert_eq!(
            k.lookup(&[Context::Global], "ctrl-c"),
            Some(Action::ForceQuit)
        );
        assert_eq!(
            k.lookup(&[Context::Tree, Context::Global], "q"),
            Some(Action::Quit)
        );
        assert_eq!(
            k.lookup(&[Context::Tree, Context::Global], "esc"),
            Some(Action::Back)
        );
        assert_eq!(k.lookup(&[Context::Tree], "7"), Some(Action::Type('7')));
        assert_eq!(k.lookup(&[Context::Tree], "."), Some(Action::Type('.')));
        assert_eq!(k.lookup(&[Context::Apps], "G"), Some(Action::Bottom));
        assert_eq!(
            k.lookup(&[Context::Evidence], "N"),
            Some(Action::SearchPrev)
        );
        // Esc never quits anywhere
        for c in Context::ALL {
            assert_ne!(k.lookup(&[c], "esc"), Some(Action::Quit));
            assert_ne!(k.lookup(&[c], "esc"), Some(Action::ForceQuit));
        }
    }

    /// Each screen's help lists its contexts' actions with their doc text, so the text of an
    /// action the chair's views bind must not describe the expert screen (PgUp/PgDn said
    /// "in the criterion tree: scroll the evidence" in the chair's help); the tree's page
    /// keys have actions of their own.
    #[test]
    fn the_chair_views_bind_no_action_described_by_the_expert_screen() {
        let k = Keymap::parse("keys.json", DEFAULT_KEYS).unwrap();
        for ctx in [
            Context::Ranking,
            Context::Detail,
            Context::Progress,
            Context::Experts,
        ] {
            for (a, _) in k.actions(ctx) {
                let (zh, en) = a.help().unwrap();
                for word in [
                    "criterion tree",
                    "criteria pane",
                    "evidence",
                    "在评分表中",
                    "证据",
                ] {
                    assert!(
                        !en.contains(word) && !zh.contains(word),
                        "{ctx:?} binds {a:?}, whose help says {word:?}: {en} / {zh}"
                    );
                }
            }
        }
        assert_eq!(
            k.lookup(&[Context::Tree], "pageup"),
            Some(Action::EvidencePageUp)
        );
        assert_eq!(
            k.lookup(&[Context::Tree], "pagedown"),
            Some(Action::EvidencePageDown)
        );
        assert_eq!(k.lookup(&[Context::Apps], "7"), Some(Action::DigitInList));
    }

    #[test]
    fn duplicates_and_unknowns_are_refused_with_the_place() {
        let e = Keymap::parse("k.json", r#"{"tree": {"j": "down", "j": "up"}}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "key map k.json, context `tree`: key `j` is bound twice"
        );
        // different spellings of one key are one key
        let e =
            Keymap::parse("k.json", r#"{"tree": {"Enter": "edit", "enter": "up"}}"#).unwrap_err();
        assert!(matches!(e, KeymapError::Duplicate { .. }), "{e}");
        let e = Keymap::parse("k.json", r#"{"tree": {"j": "jump"}}"#).unwrap_err();
        assert!(e.to_string().contains("unknown action `jump`"), "{e}");
        let e = Keymap::parse("k.json", r#"{"tree": {"hyper-j": "down"}}"#).unwrap_err();
        assert!(e.to_string().contains("unknown key name `hyper-j`"), "{e}");
        let e = Keymap::parse("k.json", r#"{"nowhere": {}}"#).unwrap_err();
        assert!(e.to_string().contains("unknown context `nowhere`"), "{e}");
        let e = Keymap::parse("k.json", r#"{"tree": {"enter": "type"}}"#).unwrap_err();
        assert!(matches!(e, KeymapError::Action { .. }), "{e}");
        assert!(matches!(
            Keymap::parse("k.json", "{").unwrap_err(),
            KeymapError::Json { .. }
        ));
    }

    #[test]
    fn full_width_keys_name_their_ascii_key() {
        for (c, want) in [
            ('ｊ', "j"),
            ('４', "4"),
            ('．', "."),
            ('。', "."),
            ('？', "?"),
        ] {
            let ev = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            assert_eq!(key_name(&ev).as_deref(), Some(want), "{c}");
        }
        let ev = KeyEvent::new(KeyCode::Char('\u{3000}'), KeyModifiers::NONE);
        assert_eq!(key_name(&ev).as_deref(), Some("space"));
        let ev = KeyEvent::new(KeyCode::Char('中'), KeyModifiers::NONE);
        assert_eq!(key_name(&ev).as_deref(), Some("中"));
    }

    #[test]
    fn key_names_round_trip() {
        for n in [
            "j",
            "G",
            "?",
            "/",
            ".",
            "0",
            "enter",
            "esc",
            "tab",
            "backtab",
            "backspace",
            "up",
            "pagedown",
            "ctrl-c",
            "f1",
            "space",
        ] {
            let ev = key_event(n).unwrap();
            assert_eq!(key_name(&ev).as_deref(), Some(n), "{n}");
        }
        assert_eq!(normalize("PageUp").as_deref(), Some("pageup"));
        assert_eq!(normalize("Ctrl-C").as_deref(), Some("ctrl-c"));
        assert_eq!(normalize(""), None);
        assert_eq!(normalize("f13"), None);
        assert_eq!(
            show_keys(&["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "."]),
            "0-9/."
        );
        assert_eq!(show_keys(&["j", "down"]), "j/↓");
    }
}
