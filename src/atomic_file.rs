//! Storing a file atomically: the one way every output, sheet, key and bundle file of the
//! crate is written.
//!
//! A temporary file is created in the target's own directory (so the rename never crosses a
//! file system), filled, fsynced, renamed over the target, and the directory is fsynced so
//! that the rename itself survives a crash. A reader sees the old file or the new one, whole,
//! never a mix; on any error the temporary file is removed and the target is left as it was.
//!
//! Built on [`tempfile::NamedTempFile`] (unique name, removal on drop, `persist` = rename).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Who may read the stored file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The owner only (`0600`): secret keys, identity maps, score sheets.
    Owner,
    /// Everyone may read (`0644`, less what the umask removes): ordinary documents.
    Everyone,
}

/// What to do with a target that exists and is neither a regular file nor a directory
/// (`/dev/null`, `/dev/stdout`, a FIFO): renaming over it would replace the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    /// Refuse it (a file that must be a real file afterwards: an identity map, a bundle).
    Refuse,
    /// Write into it in place, not atomically (`-o /dev/stdout`).
    WriteInPlace,
}

/// How [`store`] treats the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub access: Access,
    pub special: Special,
}

impl Options {
    /// Owner-only, refusing special files: keys and identity maps.
    pub const PRIVATE: Options = Options {
        access: Access::Owner,
        special: Special::Refuse,
    };
    /// Readable by everyone, written in place into a device or FIFO: reports and exports.
    pub const DOCUMENT: Options = Options {
        access: Access::Everyone,
        special: Special::WriteInPlace,
    };
}

/// A file that could not be stored: what was being done, to which path, and why.
/// The message reads e.g. `cannot write temporary file for out/x.json: No space left on device`.
#[derive(Debug, thiserror::Error)]
#[error("{action} {}: {source}", path.display())]
pub struct WriteError {
    /// What was being done (`cannot create a temporary file in`, `cannot write`, …).
    pub action: &'static str,
    /// The target, or its directory when the temporary file could not be created there.
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

fn fail(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> WriteError {
    let path = path.to_path_buf();
    move |source| WriteError {
        action,
        path,
        source,
    }
}

/// Stores `bytes` at `path` atomically (see the module documentation). A directory target is
/// refused; a special file is refused or written in place as `opts.special` says. The parent
/// directory must exist.
pub fn store(path: &Path, bytes: &[u8], opts: Options) -> Result<(), WriteError> {
    store_with(path, opts, |w| w.write_all(bytes))
}

/// [`store`], the content written by `fill` through a buffered writer (for content produced
/// piece by piece). An error from `fill` leaves the target as it was.
pub fn store_with<T>(
    path: &Path,
    opts: Options,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<T>,
) -> Result<T, WriteError> {
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_dir() {
            return Err(fail("cannot write", path)(io::Error::other(
                "exists and is a directory; choose a file path",
            )));
        }
        if !meta.is_file() {
            return match opts.special {
                Special::Refuse => Err(fail("cannot write", path)(io::Error::other(
                    "exists and is not a regular file; choose a file path",
                ))),
                Special::WriteInPlace => {
                    let file = std::fs::OpenOptions::new()
                        .write(true)
                        .open(path)
                        .map_err(fail("cannot write", path))?;
                    let mut w = BufWriter::new(file);
                    let out = fill(&mut w).map_err(fail("cannot write", path))?;
                    w.flush().map_err(fail("cannot write", path))?;
                    Ok(out)
                }
            };
        }
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".panel-tmp-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match opts.access {
            Access::Owner => 0o600,
            Access::Everyone => 0o644,
        };
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let tmp = builder
        .tempfile_in(dir)
        .map_err(fail("cannot create a temporary file in", dir))?;
    // From here on, an early return drops `tmp`, which removes the temporary file.
    let mut w = BufWriter::with_capacity(1 << 16, tmp);
    let out = fill(&mut w).map_err(fail("cannot write temporary file for", path))?;
    let tmp = w
        .into_inner()
        .map_err(|e| fail("cannot write temporary file for", path)(e.into_error()))?;
    tmp.as_file()
        .sync_all()
        .map_err(fail("cannot sync temporary file for", path))?;
    tmp.persist(path)
        .map_err(|e| fail("cannot rename temporary file onto", path)(e.error))?;
    sync_dir(dir);
    Ok(out)
}

/// Makes a rename in `dir` durable. Some platforms and file systems refuse to open or sync
/// a directory; the file itself is synced by then, so that is not an error.
fn sync_dir(dir: &Path) -> bool {
    File::open(dir).and_then(|d| d.sync_all()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_the_file_whole_and_leaves_nothing_beside_it() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.json");
        store(&p, b"old content, longer than the new", Options::DOCUMENT).unwrap();
        store(&p, b"new", Options::DOCUMENT).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        assert_eq!(names(d.path()), ["out.json"]);
    }

    #[test]
    fn an_error_while_writing_leaves_the_target_and_no_temporary_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("sheet.json");
        std::fs::write(&p, "before").unwrap();
        let err = store_with(&p, Options::PRIVATE, |w| {
            w.write_all(b"half of it")?;
            Err::<(), _>(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(err.action, "cannot write temporary file for");
        assert!(err.to_string().contains("sheet.json"), "{err}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "before");
        assert_eq!(names(d.path()), ["sheet.json"]);
    }

    #[test]
    fn a_missing_directory_is_an_error_naming_it() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("no-such-dir").join("x.csv");
        let err = store(&p, b"x", Options::DOCUMENT).unwrap_err();
        assert_eq!(err.action, "cannot create a temporary file in");
        assert_eq!(err.path, d.path().join("no-such-dir"));
        assert_eq!(names(d.path()), Vec::<String>::new());
    }

    #[test]
    fn a_directory_target_is_refused_and_kept() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("results");
        std::fs::create_dir(&target).unwrap();
        for opts in [Options::PRIVATE, Options::DOCUMENT] {
            let err = store(&target, b"x", opts).unwrap_err();
            assert!(err.to_string().contains("is a directory"), "{err}");
            assert!(target.is_dir());
        }
        assert_eq!(names(d.path()), ["results"]);
    }

    #[test]
    fn the_directory_is_synced() {
        let d = tempfile::tempdir().unwrap();
        assert!(sync_dir(d.path()));
        assert!(!sync_dir(&d.path().join("absent")));
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_refused_or_written_in_place() {
        let dev_null = Path::new("/dev/null");
        let err = store(dev_null, b"x", Options::PRIVATE).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        store(dev_null, b"x", Options::DOCUMENT).unwrap();
        assert!(!std::fs::metadata(dev_null).unwrap().is_file());
    }

    #[cfg(unix)]
    #[test]
    fn access_sets_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("key");
        store(&p, b"secret", Options::PRIVATE).unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // Replacing keeps the mode asked for, not the old file's.
        store(&p, b"doc", Options::DOCUMENT).unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode();
        assert_eq!(mode & 0o600, 0o600);
        assert_eq!(mode & 0o133, 0, "never more than 0644: {mode:o}");
    }
}
