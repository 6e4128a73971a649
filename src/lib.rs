//! `panel`: rubric-aware scoring for expert review panels of Shanghai IP program calls.
//!
//! The domain lives here and never imports a terminal library:
//! - [`rubric`]: rubric files, their validation and evaluation against facts;
//! - [`pii`]: the personal-data scan;
//! - [`bundle`]: anonymized application bundles and their loading/validation;
//! - [`anonymize`]: raw applications → bundles + identity map, and `reveal`;
//! - [`panel`]: a panel directory (`panel.json`: rubric, bundles, expert roster);
//! - [`role`]: who a database belongs to (`chair`, `expert:<id>`);
//! - [`store`]: the only module that touches sled (journal + sled, lock, repair);
//! - [`atomic_file`]: storing a file atomically (temporary file, fsync, rename, directory fsync);
//! - [`scores`]: the scores CSV read (for `import` and `results --scores`);
//! - [`sheet`]: score sheets, signatures and merge;
//! - [`decisions`]: the chair's recorded decisions (manual gates, award grades);
//! - [`aggregate`]: the aggregation, ranking and shortlist pipeline;
//! - [`results_input`]: the results' input read from the panel and the chair database (or a
//!   scores CSV), and the pipeline run on it;
//! - [`export`]: CSV, XLSX, Markdown, JSON and Word outputs;
//! - [`office`]: the program's 申报书 as Word, and filled 申报书 read into raw applications.
//!
//! `tui` is a thin layer over these modules.

/// An enum of plain variants spelled the same way in every output: serialized, displayed
/// and parsed (serde, strum) in one `$case` (`"snake_case"`, `"lowercase"`), iterable, with
/// `as_str`. Further derives (e.g. `PartialOrd, Ord`) go in the enum's own attributes.
/// `spelled_enum!(@own_parse …)` leaves out strum's `FromStr`, for an enum that parses its
/// own way (the aggregation settings).
macro_rules! spelled_enum {
    (@own_parse $case:tt, $(#[$meta:meta])* $vis:vis enum $name:ident $body:tt) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            serde::Serialize,
            serde::Deserialize,
            strum::Display,
            strum::AsRefStr,
            strum::IntoStaticStr,
            strum::EnumIter,
        )]
        #[serde(rename_all = $case)]
        #[strum(serialize_all = $case)]
        $vis enum $name $body

        impl $name {
            #[doc = concat!("The ", $case, " spelling (as in JSON, CSV and the other outputs).")]
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }
    };
    ($case:tt, $(#[$meta:meta])* $vis:vis enum $name:ident $body:tt) => {
        spelled_enum! {
            @own_parse $case,
            #[derive(strum::EnumString)]
            $(#[$meta])*
            $vis enum $name $body
        }
    };
}

pub mod aggregate;
pub mod anonymize;
pub mod atomic_file;
pub mod bundle;
pub mod commands;
pub mod decisions;
pub mod export;
pub mod io_hint;
pub mod office;
pub mod panel;
pub mod pii;
pub mod report;
pub mod results_input;
pub mod role;
pub mod rubric;
pub mod scores;
pub mod sheet;
pub mod store;
pub mod synth;
pub mod tui;
