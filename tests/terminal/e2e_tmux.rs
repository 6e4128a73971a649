//! End to end in a real terminal (tmux): score an item by keystrokes, quit,
//! start again and see the score; Ctrl-C and a panic leave the terminal
//! sane; a second `panel score` on the same database fails fast.
//!
//! Skipped, with a message, when tmux is not installed (`.ci/run` installs it).

use crate::files::hash_tree;
use crate::tui_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

struct Tmux {
    /// The server's socket, inside the test's temporary directory.
    socket: PathBuf,
}

/// True (and says so) when tmux is not installed: the test is skipped.
fn skip_without_tmux() -> bool {
    if Tmux::available() {
        return false;
    }
    eprintln!(
        "SKIPPED e2e_tmux: tmux is not installed (apt-get install tmux; .ci/run installs it)"
    );
    true
}

/// What every test here starts with: its turn among the tests that time things, a temporary
/// directory and a tmux server of its own in it; `None` (the test is skipped) without tmux.
fn setup() -> Option<(crate::turns::Turn, tempfile::TempDir, Tmux)> {
    let turn = crate::turns::take(module_path!());
    if skip_without_tmux() {
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    let t = Tmux::new(tmp.path());
    Some((turn, tmp, t))
}

impl Tmux {
    fn available() -> bool {
        Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    fn new(dir: &Path) -> Tmux {
        Tmux {
            socket: dir.join("tmux.sock"),
        }
    }

    fn cmd(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("tmux runs")
    }

    /// A new window running `sh -c script`, 100×30.
    fn start(&self, name: &str, script: &str) {
        self.start_at(name, script, (100, 30));
    }

    /// A new window running `sh -c script`; the first window sets the size (width, height)
    /// of every window of the test.
    fn start_at(&self, name: &str, script: &str, (w, h): (u16, u16)) {
        let (w, h) = (w.to_string(), h.to_string());
        let first = !self.cmd(&["has-session", "-t", "e2e"]).status.success();
        let out = if first {
            self.cmd(&[
                "new-session",
                "-d",
                "-s",
                "e2e",
                "-n",
                name,
                "-x",
                &w,
                "-y",
                &h,
                "sh",
                "-c",
                script,
            ])
        } else {
            self.cmd(&[
                "new-window",
                "-d",
                "-t",
                "e2e",
                "-n",
                name,
                "sh",
                "-c",
                script,
            ])
        };
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn capture(&self, win: &str) -> String {
        let o = self.cmd(&["capture-pane", "-p", "-t", &format!("e2e:{win}")]);
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn flag(&self, win: &str, fmt: &str) -> String {
        let o = self.cmd(&["display-message", "-p", "-t", &format!("e2e:{win}"), fmt]);
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }

    fn keys(&self, win: &str, keys: &[&str]) {
        for k in keys {
            let o = self.cmd(&["send-keys", "-t", &format!("e2e:{win}"), k]);
            assert!(o.status.success());
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    fn wait_for(&self, win: &str, needle: &str, secs: u64) -> String {
        let t = Instant::now();
        loop {
            let c = self.capture(win);
            if c.contains(needle) {
                return c;
            }
            if t.elapsed() > Duration::from_secs(secs) {
                panic!("timed out waiting for {needle:?} in window {win}:\n{c}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // only the server of this test's own socket
        let _ = self.cmd(&["kill-server"]);
    }
}

fn sh_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

/// The screen's command followed by the exit code and the terminal modes.
fn script(bin: &str, args: &str, env: &str, stty_file: &Path) -> String {
    format!(
        "{env} {bin} {args}; echo EXIT=$?; stty -a > {}; echo STTY-DONE; exec sleep 600",
        sh_quote(stty_file)
    )
}

fn assert_sane(t: &Tmux, win: &str, stty_file: &Path) {
    t.wait_for(win, "STTY-DONE", 10);
    assert_eq!(t.flag(win, "#{alternate_on}"), "0", "alternate screen left");
    assert_eq!(t.flag(win, "#{mouse_any_flag}"), "0", "mouse capture off");
    assert_eq!(
        t.flag(win, "#{mouse_button_flag}"),
        "0",
        "mouse capture off"
    );
    let stty = std::fs::read_to_string(stty_file).unwrap();
    let words: Vec<&str> = stty.split_whitespace().collect();
    for mode in ["icanon", "echo", "isig", "icrnl", "opost"] {
        assert!(
            words.contains(&mode),
            "terminal mode {mode} not restored:\n{stty}"
        );
    }
}

#[test]
fn score_quit_restart_and_a_second_process() {
    let _turn = crate::turns::take(module_path!());
    if skip_without_tmux() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_panel");
    let tmp = tempfile::tempdir().unwrap();
    let panel_dir = tmp.path().join("panel");
    tui_support::write_panel(&panel_dir);
    let db: PathBuf = tmp.path().join("db");
    let args = format!(
        "score {} --expert E01 --db {} --lang en",
        sh_quote(&panel_dir),
        sh_quote(&db)
    );
    let t = Tmux::new(tmp.path());
    let stty1 = tmp.path().join("stty1");

    // 1. score A2.1 = 1.5 by keystrokes, then quit with q
    t.start("one", &script(bin, &args, "NO_COLOR=1", &stty1));
    t.wait_for("one", "Applications", 10);
    assert_eq!(
        t.flag("one", "#{alternate_on}"),
        "1",
        "runs on the alternate screen"
    );
    assert_eq!(t.flag("one", "#{mouse_any_flag}"), "1", "mouse capture on");
    t.keys("one", &["Tab", "j", "j", "j"]);
    t.wait_for("one", "A2.1: 0–2, step 0.5", 5);
    // a refused value stays shown; the next digits replace it (never "1.251.5"), and a
    // second "." is not taken
    t.keys("one", &["1", ".", "2", "5", "Enter"]);
    t.wait_for("one", "multiple of 0.5", 5);
    t.keys("one", &["1", ".", "."]);
    t.wait_for("one", "one decimal point", 5);
    t.keys("one", &["5", "Enter"]);
    t.wait_for("one", "saved T24-001 A2.1 = 1.5", 5);

    // 2. a second process on the same database fails fast, before touching the terminal
    let started = Instant::now();
    let o = Command::new(bin)
        .args(["score"])
        .arg(&panel_dir)
        .args(["--expert", "E01", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "must not wait for the lock"
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("is open for changes in another panel process")
            && err.contains("`panel status`")
            && err.contains("`panel results`"),
        "{err}"
    );
    assert_eq!(
        err.matches("open for changes").count(),
        1,
        "the lock message is printed once: {err}"
    );
    assert!(
        err.contains(&db.display().to_string()),
        "names the path: {err}"
    );
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("\u{1b}[?1049h"),
        "no alternate screen"
    );

    // 2b. reading needs no lock: `panel status` works while the screen is open, and
    // leaves every byte of the database as it was (after sled's background flush, at most
    // 500 ms after the last save, so that only a reader could change a byte)
    std::thread::sleep(Duration::from_millis(1200));
    let before = hash_tree(&db);
    let o = Command::new(bin)
        .arg("status")
        .arg(&panel_dir)
        .args(["--expert", "E01", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let row = out.lines().find(|l| l.starts_with("T24-001")).unwrap_or("");
    assert!(
        row.contains("1/9"),
        "the screen's saved score is seen: {out}"
    );
    assert_eq!(hash_tree(&db), before, "status changed the database");

    t.keys("one", &["q"]);
    let c = t.wait_for("one", "EXIT=", 10);
    assert!(c.contains("EXIT=0"), "{c}");
    assert!(c.contains("scores saved in"), "{c}");
    assert_sane(&t, "one", &stty1);

    // 3. start again: the score is there; quit with Ctrl-C
    let stty2 = tmp.path().join("stty2");
    t.start("two", &script(bin, &args, "NO_COLOR=1", &stty2));
    t.wait_for("two", "Applications", 10);
    let c = t.capture("two");
    let row = c
        .lines()
        .find(|l| l.contains("A2.1"))
        .unwrap_or_else(|| panic!("no A2.1 row:\n{c}"));
    assert!(row.contains(" 1.5 "), "the stored score is shown: {row}");
    assert!(c.contains("● T24-001"), "in progress mark:\n{c}");
    t.keys("two", &["C-c"]);
    let c = t.wait_for("two", "EXIT=", 10);
    assert!(c.contains("EXIT=0"), "{c}");
    assert_sane(&t, "two", &stty2);

    // 4. a panic inside the screen restores the terminal before the message
    let stty3 = tmp.path().join("stty3");
    t.start(
        "three",
        &script(bin, &args, "PANEL_DEBUG_PANIC_AFTER_DRAW=1", &stty3),
    );
    let c = t.wait_for("three", "EXIT=", 10);
    assert!(
        c.contains("PANEL_DEBUG_PANIC_AFTER_DRAW"),
        "panic message visible:\n{c}"
    );
    assert!(!c.contains("EXIT=0"), "{c}");
    assert_sane(&t, "three", &stty3);

    // 5. the store still holds the score and `panel status` reports it
    let o = Command::new(bin)
        .arg("status")
        .arg(&panel_dir)
        .args(["--expert", "E01", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    let row = out.lines().find(|l| l.starts_with("T24-001")).unwrap_or("");
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cols.get(1..3), Some(&["in_progress", "1/9"][..]), "{out}");
}

#[test]
fn demo_switches_to_the_chair_view_and_chair_watches() {
    let Some((_turn, tmp, t)) = setup() else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_panel");

    // 1. `panel demo`: the expert screen, F2 to the chair's ranking, Tab to the grid, quit
    let stty1 = tmp.path().join("stty1");
    t.start(
        "demo",
        &script(
            bin,
            "demo --lang en",
            &format!("NO_COLOR=1 TMPDIR={}", sh_quote(tmp.path())),
            &stty1,
        ),
    );
    let c = t.wait_for("demo", "Applications", 10);
    assert!(c.contains("F2"), "the switch key is in the bar:\n{c}");
    t.keys("demo", &["F2"]);
    let c = t.wait_for("demo", "cut line", 10);
    for needle in ["T24-003", "40←50", "ineligible", "≠B1", "[Ranking]"] {
        assert!(c.contains(needle), "{needle}:\n{c}");
    }
    t.keys("demo", &["Tab"]);
    let c = t.wait_for("demo", "[Progress]", 5);
    assert!(c.contains("seq 1") && c.contains("no sheet"), "{c}");
    t.keys("demo", &["F2"]);
    t.wait_for("demo", "Applications", 5);
    t.keys("demo", &["q"]);
    let c = t.wait_for("demo", "EXIT=", 10);
    assert!(c.contains("EXIT=0"), "{c}");
    assert!(c.contains("chair database"), "{c}");
    assert_sane(&t, "demo", &stty1);

    // 2. `panel chair` without a database and without --watch: a clear error, at once
    let panel_dir = tmp.path().join("panel");
    panel::panel::materialize_demo(&panel_dir).unwrap();
    let db = tmp.path().join("chair-db");
    let o = Command::new(bin)
        .arg("chair")
        .arg(&panel_dir)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no chair database") && err.contains("--watch"),
        "{err}"
    );

    // 3. `panel chair --watch`: the sheets already there are merged at start
    let stty2 = tmp.path().join("stty2");
    let args = format!(
        "chair {} --db {} --watch --lang en",
        sh_quote(&panel_dir),
        sh_quote(&db)
    );
    // the demo's chair key (materialized with the panel) signs the chair database
    let env = format!(
        "NO_COLOR=1 PANEL_KEY_DIR={}",
        sh_quote(&panel_dir.join("keys"))
    );
    t.start("chair", &script(bin, &args, &env, &stty2));
    let c = t.wait_for("chair", "cut line", 10);
    assert!(c.contains("watching sheets/"), "{c}");
    t.keys("chair", &["q"]);
    let c = t.wait_for("chair", "EXIT=", 10);
    assert!(c.contains("EXIT=0"), "{c}");
    assert_sane(&t, "chair", &stty2);
}

#[test]
fn sigterm_restores_the_terminal() {
    let Some((_turn, tmp, t)) = setup() else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_panel");
    let stty = tmp.path().join("stty");
    t.start(
        "term",
        &script(
            bin,
            "demo --lang en",
            &format!("NO_COLOR=1 TMPDIR={}", sh_quote(tmp.path())),
            &stty,
        ),
    );
    t.wait_for("term", "Applications", 10);
    assert_eq!(t.flag("term", "#{alternate_on}"), "1");
    // The pane's shell runs `panel` as its child: send it SIGTERM.
    let shell = t.flag("term", "#{pane_pid}");
    let out = Command::new("pgrep")
        .args(["-P", &shell, "-x", "panel"])
        .output()
        .expect("pgrep runs");
    let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(!pid.is_empty(), "panel runs under the pane's shell {shell}");
    let st = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(st.success());
    assert_sane(&t, "term", &stty);
    assert!(t.capture("term").contains("EXIT=143"), "exit 128 + SIGTERM");
}

/// Reading needs no lock: while the chair's screen holds the chair database, `panel results`
/// and `panel audit verify` work on it and leave every byte as it was.
#[test]
fn results_and_audit_verify_while_the_chair_screen_is_open() {
    let _turn = crate::turns::take(module_path!());
    if skip_without_tmux() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_panel");
    let tmp = tempfile::tempdir().unwrap();
    let panel_dir = tmp.path().join("panel");
    panel::panel::materialize_demo(&panel_dir).unwrap();
    let keys = panel_dir.join("keys");
    let db = tmp.path().join("chair");
    let mut sheets: Vec<PathBuf> = std::fs::read_dir(panel_dir.join("sheets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".sheet.json"))
        .collect();
    sheets.sort();
    let o = Command::new(bin)
        .arg("merge")
        .arg(&panel_dir)
        .args(&sheets)
        .arg("--db")
        .arg(&db)
        .env("PANEL_KEY_DIR", &keys)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let t = Tmux::new(tmp.path());
    let stty = tmp.path().join("stty");
    let args = format!(
        "chair {} --db {} --lang en",
        sh_quote(&panel_dir),
        sh_quote(&db)
    );
    let env = format!("NO_COLOR=1 PANEL_KEY_DIR={}", sh_quote(&keys));
    t.start("chair", &script(bin, &args, &env, &stty));
    t.wait_for("chair", "T24-003", 10);
    assert_eq!(
        t.flag("chair", "#{alternate_on}"),
        "1",
        "the screen is open"
    );

    // the holder's background flush settles first (sled flushes at most every 500 ms)
    let mut before = hash_tree(&db);
    for _ in 0..10 {
        std::thread::sleep(Duration::from_millis(700));
        let now = hash_tree(&db);
        if now == before {
            break;
        }
        before = now;
    }
    let o = Command::new(bin)
        .arg("results")
        .arg(&panel_dir)
        .arg("--db")
        .arg(&db)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("T24-003"));
    let o = Command::new(bin)
        .args(["audit", "verify"])
        .arg(&db)
        .arg("--panel")
        .arg(&panel_dir)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("every line signed by E01"), "{out}");
    // sled/ belongs to the screen, whose background flushes may rewrite it at any time (the
    // byte-for-byte check of sled/ is in cli_audit, with no writer); the rest is unchanged
    let outside_sled = |t: std::collections::BTreeMap<PathBuf, String>| {
        t.into_iter()
            .filter(|(k, _)| !k.starts_with("sled"))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    assert_eq!(
        outside_sled(hash_tree(&db)),
        outside_sled(before),
        "a reader changed the database"
    );

    t.keys("chair", &["q"]);
    let c = t.wait_for("chair", "EXIT=", 10);
    assert!(c.contains("EXIT=0"), "{c}");
    assert_sane(&t, "chair", &stty);
}

/// What a new user met at 80×24 without colour (`panel demo --lang en`, NO_COLOR): the
/// selected application is marked with ▶, not only by reverse video; the help has one border,
/// says how much is below and scrolls; the suggestion names the fact by its label with the
/// screen's yes/no; the conflict confirmation says what yes does; the written opinion's
/// length leaves out the line break; Ctrl-C does not drop a typed comment unasked.
#[test]
fn demo_at_80x24_without_colour_reads_in_plain_text() {
    let Some((_turn, tmp, t)) = setup() else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_panel");
    let stty = tmp.path().join("stty");
    let env = format!("NO_COLOR=1 TMPDIR={}", sh_quote(tmp.path()));
    t.start_at(
        "demo",
        &script(bin, "demo --lang en", &env, &stty),
        (80, 24),
    );
    // 1. the selection in plain text: ▶ in the first column of the list, alone
    let c = t.wait_for("demo", "Applications 0/10", 10);
    assert!(c.contains("┃▶○ T24-001"), "{c}");
    t.keys("demo", &["j"]);
    let c = t.wait_for("demo", "┃▶○ T24-002", 5);
    let marked = c.lines().filter(|l| l.starts_with("┃▶")).count();
    assert_eq!(marked, 1, "one selected application:\n{c}");
    assert!(c.contains("┃ ○ T24-001"), "{c}");

    // 2. the help: one border, what is below, j/k/G scroll it
    t.keys("demo", &["?"]);
    let c = t.wait_for("demo", "Help · ? / Esc", 5);
    let rows: Vec<&str> = c.lines().collect();
    assert!(rows[1].starts_with("┏[ Help"), "{c}");
    assert!(!c.contains("┏┏") && !c.contains("┃┃"), "{c}");
    assert!(
        rows[22].contains("▼") && rows[22].contains(" · 1–20/"),
        "{c}"
    );
    assert!(
        c.contains("j/k") && c.contains("scroll"),
        "the bar names the keys:\n{c}"
    );
    t.keys("demo", &["j"]);
    t.wait_for("demo", " · 2–21/", 5);
    t.keys("demo", &["G"]);
    let c = t.wait_for("demo", "Mouse: click", 5);
    let bottom = c.lines().nth(22).unwrap_or("");
    assert!(
        c.contains("✍ written opinion") && !bottom.contains('▼'),
        "{c}"
    );
    t.keys("demo", &["k"]);
    let c = t.wait_for("demo", "▼1 · ", 5);
    let bottom = c.lines().nth(22).unwrap_or("");
    assert!(bottom.contains('▲'), "k scrolls back at once after G:\n{c}");
    t.keys("demo", &["Escape"]);
    t.wait_for("demo", "Applications 0/10", 5);

    // 3. T24-004's A1.1: the fact's label and the screen's yes/no, never the raw key
    t.keys("demo", &["j", "j", "Tab"]);
    let c = t.wait_for("demo", "Suggestion 0:", 5);
    assert!(c.contains("T24-004"), "{c}");
    assert!(
        c.contains("Leading industry") && c.contains("= no → 0"),
        "{c}"
    );
    assert!(!c.contains("industry_in_9x"), "{c}");

    // 4. the conflict confirmation says what yes does
    t.keys("demo", &["x"]);
    t.wait_for("demo", "give a reason", 5);
    t.keys("demo", &["related", "Enter"]);
    let c = t.wait_for("demo", "[y/Enter] declare the conflict", 5);
    assert!(!c.contains("[y/Enter] submit"), "{c}");
    t.keys("demo", &["n"]);
    t.wait_for("demo", "no conflict declared", 5);

    // 5. the written opinion: a line break is not a character
    t.keys("demo", &["w"]);
    t.wait_for("demo", "Alt+Enter", 5);
    t.keys("demo", &["很好", "M-Enter", "第二行", "Enter"]);
    t.wait_for("demo", "opinion, but 5 characters; 20 needed", 5);

    // 6. Ctrl-C with a comment typed and not saved: warned first, the second one quits
    t.keys("demo", &["Escape", "c", "draft", "C-c"]);
    t.wait_for(
        "demo",
        "text not saved: Enter saves it, Esc drops it, Ctrl-C again quits",
        5,
    );
    assert_eq!(t.flag("demo", "#{alternate_on}"), "1", "still open");
    t.keys("demo", &["C-c"]);
    let c = t.wait_for("demo", "EXIT=", 10);
    assert!(c.contains("EXIT=0"), "{c}");
    assert_sane(&t, "demo", &stty);
}

/// The chair's typed text in a real terminal, 80×24, Chinese: a reopen reason left with Esc
/// comes back with the next `r`, `q` warns before dropping it and the second `q` quits;
/// a comparison method is exported to its own folder, the official files untouched.
#[test]
fn chair_keeps_a_reopen_reason_and_exports_a_comparison_apart() {
    let Some((_turn, tmp, t)) = setup() else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_panel");
    let panel_dir = tmp.path().join("panel");
    panel::panel::materialize_demo(&panel_dir).unwrap();
    let db = tmp.path().join("chair-db");
    let stty = tmp.path().join("stty");
    let args = format!(
        "chair {} --db {} --watch --lang zh",
        sh_quote(&panel_dir),
        sh_quote(&db)
    );
    let env = format!(
        "NO_COLOR=1 PANEL_KEY_DIR={}",
        sh_quote(&panel_dir.join("keys"))
    );
    t.start_at("chair", &script(bin, &args, &env, &stty), (80, 24));
    t.wait_for("chair", "入围线", 10);

    // a comparison method: exported apart, and said so
    t.keys("chair", &["m", "e"]);
    let c = t.wait_for("chair", "非官方结果", 10);
    assert!(c.contains("compare-trimmed-total"), "{c}");
    let results = panel_dir.join("results");
    assert!(results.join("compare-trimmed-total/results.json").is_file());
    assert!(
        !results.join("results.json").exists(),
        "no official file written"
    );
    t.keys("chair", &["Escape", "m", "m", "m"]);
    t.wait_for("chair", "回到官方", 10);

    // progress grid, E03 × T24-001: type a reason, leave with Esc, r again
    t.keys("chair", &["Tab", "j", "j", "r"]);
    t.wait_for("chair", "退回 T24-001 给 E03", 10);
    t.keys("chair", &["请复核B1"]);
    t.wait_for("chair", "请复核B1", 10);
    t.keys("chair", &["Escape"]);
    t.wait_for("chair", "已输入的理由已保留", 10);
    t.keys("chair", &["r"]);
    let c = t.wait_for("chair", "已恢复", 10);
    assert!(c.contains("请复核B1"), "{c}");
    t.keys("chair", &["Escape", "q"]);
    let c = t.wait_for("chair", "再按 q 退出", 10);
    assert!(!c.contains("EXIT="), "{c}");
    t.keys("chair", &["q"]);
    let c = t.wait_for("chair", "EXIT=", 10);
    assert!(c.contains("EXIT=0"), "{c}");
    assert_sane(&t, "chair", &stty);
    assert!(!panel::sheet::reopen_note_path(&panel_dir, "E03", "T24-001").exists());
}

/// A whole round between two terminals: the expert scores and submits in `panel score`, the
/// chair's `--watch` merges the sheet, the chair hands the application back with a reason,
/// the expert's screen — still open — shows the reason within seconds and keeps it in the
/// status line, the expert submits again and the chair merges the new revision.
#[test]
fn a_reopen_reaches_the_open_expert_screen_and_the_resubmission_the_chair() {
    let Some((_turn, tmp, t)) = setup() else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_panel");
    let panel_dir = tmp.path().join("panel");
    panel::panel::materialize_demo(&panel_dir).unwrap();
    // E02 scores afresh: the shipped sheet of E02 was written by another database
    for f in ["E02.sheet.json", "E02.sheet.json.sig"] {
        let _ = std::fs::remove_file(panel_dir.join("sheets").join(f));
    }
    let env = format!(
        "NO_COLOR=1 PANEL_KEY_DIR={}",
        sh_quote(&panel_dir.join("keys"))
    );
    let chair_args = format!(
        "chair {} --db {} --watch --lang zh",
        sh_quote(&panel_dir),
        sh_quote(&tmp.path().join("chair-db"))
    );
    let expert_args = format!(
        "score {} --expert E02 --db {} --lang zh",
        sh_quote(&panel_dir),
        sh_quote(&tmp.path().join("e02-db"))
    );
    let (stty_c, stty_e) = (tmp.path().join("stty-c"), tmp.path().join("stty-e"));
    t.start_at("chair", &script(bin, &chair_args, &env, &stty_c), (80, 24));
    t.wait_for("chair", "入围线", 10);
    t.start("expert", &script(bin, &expert_args, &env, &stty_e));
    t.wait_for("expert", "申报项目", 10);

    // every expert item of T24-001 by keys (Enter saves and moves on), the opinion, submit
    t.keys("expert", &["n"]);
    for _ in 0..9 {
        t.keys("expert", &["1", "Enter"]);
    }
    t.wait_for("expert", "必评项均已评分", 10);
    t.keys(
        "expert",
        &[
            "w",
            "托管工作基础较好，方案基本完整，考核指标需进一步细化。",
            "Enter",
        ],
    );
    t.wait_for("expert", "已保存 T24-001 的专家评审意见", 10);
    t.keys("expert", &["s", "y"]);
    t.wait_for("expert", "已提交", 10);
    t.wait_for("chair", "已合并 E02 的评分表（第 1 版", 10);

    // the chair hands it back from the progress grid: E02 × T24-001
    t.keys("chair", &["Tab", "j", "r"]);
    t.wait_for("chair", "退回 T24-001 给 E02", 10);
    t.keys("chair", &["请复核B1评分", "Enter"]);
    t.wait_for("chair", "已退回 T24-001 给 E02", 10);
    // the chair is told what happens next (watching: merged as it arrives); a key closes it
    let c = t.wait_for("chair", "几秒内", 10);
    assert!(c.contains("监听已开启"), "the reopen message:\n{c}");
    t.keys("chair", &["Escape"]);

    // the expert's open screen shows it, and keeps it in the status line after the message
    let c = t.wait_for("expert", "组长已退回 T24-001 重评：请复核B1评分", 10);
    assert!(c.contains("组长退回重评"), "the message box:\n{c}");
    t.keys("expert", &["Escape", "Escape", "g"]);
    let c = t.wait_for("expert", "↺ 组长已退回 T24-001", 10);
    assert!(c.contains("● T24-001"), "in progress again:\n{c}");

    // submitted again: the chair merges the new revision
    t.keys("expert", &["s", "y"]);
    t.wait_for("expert", "已提交", 10);
    t.wait_for("chair", "已合并 E02 的评分表（第 2 版", 10);

    for w in ["expert", "chair"] {
        t.keys(w, &["q"]);
        let c = t.wait_for(w, "EXIT=", 10);
        assert!(c.contains("EXIT=0"), "{c}");
    }
    assert_sane(&t, "expert", &stty_e);
    assert_sane(&t, "chair", &stty_c);
}
