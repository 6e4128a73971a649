//! The sheet and CSV parsers never panic: arbitrary bytes and mutated sheets are refused
//! with an error, and a sheet survives verification only unmodified.

use crate::sheet_common;

use std::sync::OnceLock;

use panel::sheet::{self, PanelView};
use panel::store::AppStatus;
use proptest::prelude::*;
use sheet_common::*;

struct Setup {
    _tp: TestPanel,
    view: PanelView,
    bytes: Vec<u8>,
}

fn setup() -> &'static Setup {
    static S: OnceLock<Setup> = OnceLock::new();
    S.get_or_init(|| {
        let tp = test_panel(&[]);
        let view = tp.view();
        let apps: Vec<String> = view.apps.keys().cloned().collect();
        let mut s = tp.expert_store("E03");
        score_app(&mut s, &view, "E03", &apps[0], 1, AppStatus::Submitted);
        score_app(&mut s, &view, "E03", &apps[1], 2, AppStatus::Draft);
        let (bytes, _) = sheet::export_sheet_view(&view, &mut s, "E03", None).unwrap();
        Setup {
            _tp: tp,
            view,
            bytes,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_are_refused(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let s = setup();
        let p = std::path::Path::new("fuzz.sheet.json");
        prop_assert!(sheet::verify_sheet(&s.view, p, &bytes, None).is_err());
        let _ = sheet::parse_csv(&s.view, std::path::Path::new("fuzz.csv"), &bytes);
    }

    #[test]
    fn any_single_byte_change_is_refused_or_harmless(pos in any::<prop::sample::Index>(), b in any::<u8>()) {
        let s = setup();
        let p = std::path::Path::new("fuzz.sheet.json");
        let mut bytes = s.bytes.clone();
        let i = pos.index(bytes.len());
        if bytes[i] == b {
            return Ok(());
        }
        bytes[i] = b;
        if let Ok(v) = sheet::verify_sheet(&s.view, p, &bytes, None) {
            // only layout may change (whitespace): the meaning is the exported one
            let orig: sheet::Sheet = serde_json::from_slice(&s.bytes).unwrap();
            prop_assert_eq!(v.sheet, orig);
        }
    }

    #[test]
    fn scores_csv_reader_never_panics(
        rows in proptest::collection::vec(
            (
                prop_oneof![Just("T24-001".to_string()), "[A-Z0-9-]{0,8}"],
                prop_oneof![Just("E01".to_string()), "[A-Z0-9]{0,4}"],
                prop_oneof![Just("B1.1".to_string()), Just("A1".to_string()), "[A-Z0-9.]{0,5}"],
                "[-0-9.,e ]{0,8}",
                "[^\n\r]{0,10}",
            ),
            0..6,
        )
    ) {
        let s = setup();
        let mut text = String::from("application,expert,criterion,value,comment\n");
        for (a, e, c, v, m) in &rows {
            text.push_str(&format!("{a},{e},{c},{v},{m}\n"));
        }
        let _ = sheet::parse_csv(&s.view, std::path::Path::new("fuzz.csv"), text.as_bytes());
    }
}
