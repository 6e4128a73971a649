//! One module's tests at a time, for the test binaries that hold modules which used to be
//! binaries of their own because they measure time, spawn and kill processes, or reopen a
//! database right after closing it.
//!
//! Each test of such a module starts with `let _turn = crate::turns::take(module_path!());`.
//! The tests of one module still run beside each other (as they did in their own binary),
//! but never beside a test of another module that takes turns. Why this matters for the
//! store: while one test thread spawns a child process, the child holds a copy of the
//! parent's descriptors until it execs, and with them the advisory lock of a database that
//! another test thread has just closed. The store now retries such a lock (one its own
//! process took) for up to half a second, so a reopen at that moment waits instead of being
//! refused as `Locked`; the turns stay for the modules that measure time or kill processes.

use std::sync::{Condvar, Mutex, MutexGuard};

/// The module whose tests run now, and how many of them.
static NOW: Mutex<(Option<&'static str>, usize)> = Mutex::new((None, 0));
static CHANGED: Condvar = Condvar::new();

/// Held for the length of a test; dropping it (also when the test panics) ends the turn.
pub struct Turn;

fn now() -> MutexGuard<'static, (Option<&'static str>, usize)> {
    NOW.lock().unwrap_or_else(|e| e.into_inner())
}

/// Waits until no test of another module holds a turn, then takes one for `module`.
pub fn take(module: &'static str) -> Turn {
    let mut s = now();
    loop {
        match s.0 {
            None => {
                *s = (Some(module), 1);
                return Turn;
            }
            Some(m) if m == module => {
                s.1 += 1;
                return Turn;
            }
            Some(_) => s = CHANGED.wait(s).unwrap_or_else(|e| e.into_inner()),
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut s = now();
        s.1 -= 1;
        if s.1 == 0 {
            s.0 = None;
            CHANGED.notify_all();
        }
    }
}
