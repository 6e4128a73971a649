//! The terminal loop: synchronous, redraws after each event. The terminal
//! (raw mode, alternate screen, mouse capture, bracketed paste) is restored on every exit
//! path: normal quit, Ctrl-C (a key in raw mode), an error (the guard's
//! `Drop`), a panic (a hook that restores, then runs the previous hook) and
//! SIGTERM/SIGHUP/SIGQUIT (a thread that restores, then exits).

use std::io::{self, Stdout};
use std::sync::Once;
use std::time::{Duration, Instant};

use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyEventKind, MouseButton, MouseEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

use super::action::Action;
use super::app::{handle_key, update, App, Overlay};
use super::view;

/// Put the terminal back: leave raw mode, the alternate screen and mouse
/// capture, show the cursor. Safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Restores the terminal when dropped (every return and `?` path).
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

static HOOK: Once = Once::new();

/// Restore the terminal before any panic message is printed.
fn install_panic_hook() {
    HOOK.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            prev(info);
        }));
    });
}

static SIGNALS: Once = Once::new();

/// On SIGTERM, SIGHUP or SIGQUIT (a closed window, `kill`), put the terminal
/// back and exit with 128 + the signal number. Every score the screen called
/// saved is already durable (journal first), so nothing acknowledged is lost.
fn install_signal_handlers() {
    SIGNALS.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGQUIT, SIGTERM};
        if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGQUIT]) {
            let _ = std::thread::Builder::new()
                .name("panel-signals".into())
                .spawn(move || {
                    if let Some(sig) = signals.forever().next() {
                        restore();
                        std::process::exit(128 + sig);
                    }
                });
        }
    });
}

/// Enter raw mode, the alternate screen and mouse capture. The returned
/// guard restores them when dropped.
pub fn enter() -> io::Result<(Terminal<CrosstermBackend<Stdout>>, Guard)> {
    install_panic_hook();
    install_signal_handlers();
    let guard = Guard;
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    Ok((terminal, guard))
}

/// Translate one terminal event into actions.
pub fn on_event(app: &mut App, ev: Event) {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => handle_key(app, k),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => update(
                app,
                Action::Click {
                    col: m.column,
                    row: m.row,
                },
            ),
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => update(
                app,
                Action::Scroll {
                    col: m.column,
                    row: m.row,
                    down: m.kind == MouseEventKind::ScrollDown,
                },
            ),
            _ => {}
        },
        Event::Resize(w, h) => update(app, Action::Resize { w, h }),
        Event::Paste(s) => {
            if matches!(app.overlays.last(), Some(Overlay::Editor { .. })) {
                for c in s.chars().filter(|c| *c == '\n' || !c.is_control()) {
                    update(app, Action::Char(c));
                }
            }
        }
        _ => {}
    }
}

/// A screen the terminal loop can run: the expert screen, the chair screen, or the
/// demo's pair of them.
pub trait Screen {
    /// The size the screen was last laid out for.
    fn size(&self) -> (u16, u16);
    /// Apply one terminal event (keys, mouse, resize, paste).
    fn on_event(&mut self, ev: Event);
    /// Draw the whole screen.
    fn draw(&self, frame: &mut ratatui::Frame);
    /// The user asked to quit.
    fn quit(&self) -> bool;
    /// How often [`Screen::tick`] wants to run while no event arrives (`None`: never).
    fn tick_every(&self) -> Option<Duration> {
        None
    }
    /// Periodic work (e.g. the chair's `--watch` of the sheets folder).
    fn tick(&mut self) {}
}

impl Screen for App {
    fn size(&self) -> (u16, u16) {
        self.size
    }
    fn on_event(&mut self, ev: Event) {
        on_event(self, ev)
    }
    fn draw(&self, frame: &mut ratatui::Frame) {
        view::draw(frame, self)
    }
    fn quit(&self) -> bool {
        self.quit
    }
    /// The chair may reopen an application while the expert's screen is open.
    fn tick_every(&self) -> Option<Duration> {
        Some(REOPEN_POLL)
    }
    fn tick(&mut self) {
        self.poll_reopens();
    }
}

/// How often the open expert screen looks for the chair's reopen notes.
const REOPEN_POLL: Duration = Duration::from_secs(2);

/// Run the expert screen until the user quits. The terminal is restored
/// before this returns, whatever happened.
///
/// Fault injection for the end-to-end test: with `PANEL_DEBUG_PANIC_AFTER_DRAW`
/// set, the loop panics after the first frame (the terminal must come back).
pub fn run(app: &mut App) -> io::Result<()> {
    run_screen(app)
}

/// Run any [`Screen`] until it quits; between events, [`Screen::tick`] runs every
/// [`Screen::tick_every`] (the loop waits with `event::poll`). The terminal is restored
/// before this returns, whatever happened.
pub fn run_screen(screen: &mut dyn Screen) -> io::Result<()> {
    let panic_after_draw =
        std::env::var_os("PANEL_DEBUG_PANIC_AFTER_DRAW").is_some_and(|v| !v.is_empty());
    let (mut terminal, _guard) = enter()?;
    let mut last_tick = Instant::now();
    loop {
        let size = terminal.size()?;
        if (size.width, size.height) != screen.size() {
            screen.on_event(Event::Resize(size.width, size.height));
        }
        terminal.draw(|f| screen.draw(f))?;
        if panic_after_draw {
            panic!("PANEL_DEBUG_PANIC_AFTER_DRAW is set: deliberate panic to test the terminal restore");
        }
        if screen.quit() {
            return Ok(());
        }
        match screen.tick_every() {
            None => {
                let ev = event::read()?;
                screen.on_event(ev);
            }
            Some(every) => {
                let wait = every.saturating_sub(last_tick.elapsed());
                if event::poll(wait)? {
                    let ev = event::read()?;
                    screen.on_event(ev);
                }
                if last_tick.elapsed() >= every {
                    screen.tick();
                    last_tick = Instant::now();
                }
            }
        }
    }
}

/// The terminal's size in columns and rows, 80×24 when it cannot be read.
pub fn terminal_size() -> (u16, u16) {
    crossterm::terminal::size().unwrap_or((80, 24))
}
