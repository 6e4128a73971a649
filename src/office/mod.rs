//! Office documents of the secretariat's side: a program's blank 申报书 as Word
//! ([`form_layout`] computes what it holds, [`form_write`] writes it) and filled 申报书
//! read back into raw applications ([`docx_read`] reads the .docx, [`cell_values`] the
//! values as typed, [`form_read`] the form into `panel-raw/1`).

pub mod cell_values;
pub mod docx_read;
pub mod docx_write;
pub mod form_layout;
pub mod form_read;
pub mod form_write;

use std::path::PathBuf;

pub use docx_read::{read_docx, read_docx_bytes, DocBlock, DocCell};
pub use form_layout::{call_prints_a_form, layout, FormLayout, Slot};
pub use form_read::{ingest, is_form_of, Ingested, Missing};
pub use form_write::{form_docx, FormFill};

/// Errors reading or writing office documents. Each names the file, what it is and what
/// to do.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error("{}: cannot read: {}", file.display(), crate::io_hint::explain(source))]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: this is an old binary Word document (.doc, Word 97-2003), not a .docx. Open it in Word or WPS and save it as \"Word 文档 (*.docx)\", then ingest the .docx.", file.display())]
    OldWord { file: PathBuf },
    #[error("{}: this Word document is password-protected (encrypted). Ask the applicant for an unprotected copy, or open it with the password and save it without one (文件 → 信息 → 保护文档 → 用密码进行加密 → 清空).", file.display())]
    Encrypted { file: PathBuf },
    #[error("{}: not a Word .docx document: {what}. Ingest the applicant's 申报书 saved as .docx.", file.display())]
    NotDocx { file: PathBuf, what: String },
    #[error("{}: the .docx is damaged: {why}. Open it in Word or WPS (which may repair it) and save it again, or ask the applicant for a new copy.", file.display())]
    Corrupt { file: PathBuf, why: String },
    #[error("{}: not a 申报书 of program {program} (\"{expected}\" is not in its title or first tables){hint}. Pass the right --program, or check that this is the applicant's form.", file.display())]
    OtherProgram {
        file: PathBuf,
        program: String,
        expected: String,
        hint: String,
    },
    #[error("cannot build the Word document: {0} (a bug: please report it)")]
    Write(String),
}
