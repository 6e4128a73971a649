//! What to do about a file that cannot be read, said from the kind of the I/O error: a
//! missing file, a folder given for a file, a path through a file, missing permissions.

use std::io::{Error, ErrorKind};

/// The error with the advice that fits it, for messages of the form
/// `<file>: cannot read: <explain>`.
pub fn explain(e: &Error) -> String {
    match e.kind() {
        ErrorKind::NotFound => format!(
            "no such file ({e}); check the spelling and the folder (a relative path starts \
             from the current folder)"
        ),
        ErrorKind::IsADirectory => {
            format!("it is a folder, not a file ({e}); give the path of a file in it")
        }
        ErrorKind::NotADirectory => format!(
            "a part of the path is a file, not a folder ({e}); check the path (are the \
             arguments in the right order?)"
        ),
        ErrorKind::PermissionDenied => {
            format!("{e}; check the permissions of the file and of its folders")
        }
        _ => format!("{e}. Check the path and permissions."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let missing = std::fs::read(dir.path().join("nope.json")).unwrap_err();
        assert!(explain(&missing).starts_with("no such file"), "{missing}");
        let folder = Error::new(ErrorKind::IsADirectory, "is a directory");
        assert!(explain(&folder).contains("it is a folder, not a file"));
        let file = dir.path().join("f");
        std::fs::write(&file, "x").unwrap();
        let through = std::fs::read(file.join("g")).unwrap_err();
        assert!(
            explain(&through).contains("a part of the path is a file"),
            "{through:?}"
        );
        let other = Error::other("odd");
        assert_eq!(explain(&other), "odd. Check the path and permissions.");
    }
}
