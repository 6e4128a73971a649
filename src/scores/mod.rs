//! Reading input: the raw-score CSV (`application,expert,criterion,value[,comment]`), the
//! one format of paper forms (`panel import`) and of `panel results --scores`.
//!
//! - [`read`]: the one CSV reader, built on the `csv` crate's parser (`csv_core`), streaming
//!   rows (with the line each starts on) to a callback; blank rows, field counts, UTF-8 and
//!   runaway lines are checked there, once.
//! - [`header`]: the one header check (English names in any case, or Chinese ones).
//! - [`sniff`]: what a file is when it is not a CSV of scores (a workbook, GBK text, …),
//!   for the refusal.
//! - [`table`]: the rows of `results --scores` into a score table (criterion and item
//!   rows, values checked by `rubric::value_check`).
//! - [`rubric_index`]: the rubric by position, and item values → criterion values, shared
//!   by the CSV and the chair database.
//!
//! `panel import` turns the same rows into store operations (`sheet::import`).

pub mod header;
pub mod read;
pub mod rubric_index;
pub mod sniff;
pub mod table;

use std::path::PathBuf;

pub use read::{Problems, Row, RowReader, MAX_PROBLEMS};
pub use table::{read_scores_csv, CsvScores, Detail};

/// One problem of a CSV file, 1-based line (the header is line 1) and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvProblem {
    pub line: u64,
    pub column: usize,
    pub message: String,
}

/// Why a scores CSV could not be read. The commands wrap it in their own error (same
/// wording: `file:line:column: message` per problem).
#[derive(Debug)]
pub enum ReadError {
    /// Problems with their places (at most [`MAX_PROBLEMS`], sorted by place).
    Csv {
        file: PathBuf,
        problems: Vec<CsvProblem>,
    },
    /// The file could not be opened.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}
