//! Shared by the store's modules that re-execute the test binary as a child process.

/// A test's name as libtest knows it, for `--exact`: the module path of the caller (its
/// `module_path!()`) without the test binary's name, then the test's own name
/// (`store_crash::child_entry` in the `store` binary).
pub fn test_name(module_path: &str, test: &str) -> String {
    match module_path.split_once("::") {
        Some((_, module)) => format!("{module}::{test}"),
        None => test.to_string(),
    }
}
