//! The chair screen in the terminal loop, and `panel demo`'s pair of screens: the expert's
//! and the chair's, switched with one key.

use std::time::Duration;

use crossterm::event::{Event, KeyEventKind, MouseButton, MouseEventKind};

use super::action::Action;
use super::app::{App, Overlay};
use super::chair::{self, ChairApp};
use super::chair_view;
use super::term::Screen;

/// How often the chair screen polls the sheets folder under `--watch`.
pub const WATCH_EVERY: Duration = Duration::from_secs(1);

/// Translate one terminal event into chair actions.
pub fn on_chair_event(app: &mut ChairApp, ev: Event) {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => chair::handle_key(app, k),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => chair::update(
                app,
                Action::Click {
                    col: m.column,
                    row: m.row,
                },
            ),
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => chair::update(
                app,
                Action::Scroll {
                    col: m.column,
                    row: m.row,
                    down: m.kind == MouseEventKind::ScrollDown,
                },
            ),
            _ => {}
        },
        Event::Resize(w, h) => chair::update(app, Action::Resize { w, h }),
        Event::Paste(s) => {
            if matches!(app.overlays.last(), Some(Overlay::Editor { .. })) {
                for c in s.chars().filter(|c| *c == '\n' || !c.is_control()) {
                    chair::update(app, Action::Char(c));
                }
            }
        }
        _ => {}
    }
}

impl Screen for ChairApp {
    fn size(&self) -> (u16, u16) {
        self.size
    }
    fn on_event(&mut self, ev: Event) {
        on_chair_event(self, ev)
    }
    fn draw(&self, frame: &mut ratatui::Frame) {
        chair_view::draw(frame, self)
    }
    fn quit(&self) -> bool {
        self.quit
    }
    fn tick_every(&self) -> Option<Duration> {
        self.watch.then_some(WATCH_EVERY)
    }
    fn tick(&mut self) {
        chair::tick(self);
    }
}

/// `panel demo`: the expert's screen and the chair's, one of them active; the switch-view
/// key flips between them. Switching to the chair merges what the expert submitted (the
/// chair watches the sheets folder); switching back applies the chair's reopen notes.
pub struct Demo {
    pub expert: App,
    pub chair: ChairApp,
    pub chair_active: bool,
}

impl Demo {
    /// Both screens, the expert's first; the switch key enabled on both.
    pub fn new(mut expert: App, mut chair: ChairApp) -> Demo {
        expert.can_switch = true;
        chair.can_switch = true;
        Demo {
            expert,
            chair,
            chair_active: false,
        }
    }

    /// Flip to the other screen (at the current size).
    pub fn switch(&mut self) {
        let (w, h) = self.size();
        self.expert.switch_requested = false;
        self.chair.switch_requested = false;
        self.chair_active = !self.chair_active;
        if self.chair_active {
            chair::update(&mut self.chair, Action::Resize { w, h });
            chair::tick(&mut self.chair);
        } else {
            super::app::update(&mut self.expert, Action::Resize { w, h });
            self.expert.refresh();
        }
    }
}

impl Screen for Demo {
    fn size(&self) -> (u16, u16) {
        if self.chair_active {
            self.chair.size
        } else {
            self.expert.size
        }
    }
    fn on_event(&mut self, ev: Event) {
        if self.chair_active {
            on_chair_event(&mut self.chair, ev);
        } else {
            super::term::on_event(&mut self.expert, ev);
        }
        if self.expert.switch_requested || self.chair.switch_requested {
            self.switch();
        }
    }
    fn draw(&self, frame: &mut ratatui::Frame) {
        if self.chair_active {
            chair_view::draw(frame, &self.chair)
        } else {
            super::view::draw(frame, &self.expert)
        }
    }
    fn quit(&self) -> bool {
        self.expert.quit || self.chair.quit
    }
    fn tick_every(&self) -> Option<Duration> {
        (self.chair_active && self.chair.watch).then_some(WATCH_EVERY)
    }
    fn tick(&mut self) {
        if self.chair_active {
            chair::tick(&mut self.chair);
        }
    }
}
