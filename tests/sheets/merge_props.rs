//! Property: merging the same set of sheets in any order (repeats included) gives the same
//! chair database content, the newest revision of each expert.

use crate::sheet_common;

use std::path::PathBuf;
use std::sync::OnceLock;

use panel::sheet::{self, PanelView};
use panel::store::{AppStatus, Op, Store};
use proptest::prelude::*;
use sheet_common::*;

struct Setup {
    tp: TestPanel,
    view: PanelView,
    sheets: Vec<PathBuf>,
    reference: Content,
}

fn setup() -> &'static Setup {
    static S: OnceLock<Setup> = OnceLock::new();
    S.get_or_init(|| {
        let tp = test_panel(&["E01", "E02"]);
        let view = tp.view();
        let apps: Vec<String> = view.apps.keys().cloned().collect();
        let mut sheets = Vec::new();
        // E01: revision 1, then revision 2 with a value changed, a comment removed and an
        // application back to a partial draft (values cleared).
        let mut e1 = tp.expert_store("E01");
        for (i, a) in apps.iter().enumerate() {
            score_app(&mut e1, &view, "E01", a, i as u64, AppStatus::Submitted);
        }
        sheets.push(tp.export(&mut e1, "E01", "E01-1.sheet.json"));
        e1.commit(vec![
            Op::SetScore {
                expert: "E01".into(),
                app: apps[0].clone(),
                item: "B1.1".into(),
                value: dec("1.5"),
                reason: None,
            },
            Op::SetComment {
                expert: "E01".into(),
                app: apps[0].clone(),
                item: String::new(),
                text: String::new(),
            },
            Op::ClearScore {
                expert: "E01".into(),
                app: apps[1].clone(),
                item: "B1.2".into(),
            },
            Op::SetStatus {
                expert: "E01".into(),
                app: apps[1].clone(),
                status: AppStatus::Draft,
                reason: None,
            },
        ])
        .unwrap();
        sheets.push(tp.export(&mut e1, "E01", "E01-2.sheet.json"));
        // E02: one revision with a conflict.
        let mut e2 = tp.expert_store("E02");
        e2.commit(vec![Op::SetStatus {
            expert: "E02".into(),
            app: apps[2].clone(),
            status: AppStatus::Conflict,
            reason: Some("回避".into()),
        }])
        .unwrap();
        for (i, a) in apps.iter().enumerate().take(2) {
            score_app(
                &mut e2,
                &view,
                "E02",
                a,
                20 + i as u64,
                AppStatus::Submitted,
            );
        }
        sheets.push(tp.export(&mut e2, "E02", "E02-1.sheet.json"));
        // E03 (unsigned): revision 1, revision 2 never merged, revision 3.
        let mut e3 = tp.expert_store("E03");
        score_app(&mut e3, &view, "E03", &apps[0], 5, AppStatus::Submitted);
        sheets.push(tp.export(&mut e3, "E03", "E03-1.sheet.json"));
        score_app(&mut e3, &view, "E03", &apps[1], 6, AppStatus::Draft);
        let _ = tp.export(&mut e3, "E03", "E03-2.sheet.json");
        score_app(&mut e3, &view, "E03", &apps[1], 8, AppStatus::Submitted);
        sheets.push(tp.export(&mut e3, "E03", "E03-3.sheet.json"));

        // Reference: only the newest revision of each expert.
        let dir = tempfile::tempdir().unwrap();
        let mut chair = open_chair(&tp, dir.path());
        for i in [1, 2, 4] {
            sheet::merge_sheet_view(&view, &mut chair, &sheets[i]).unwrap();
        }
        let reference = content(&chair);
        drop(chair);
        assert!(!reference.scores.is_empty());
        Setup {
            tp,
            view,
            sheets,
            reference,
        }
    })
}

fn open_chair(tp: &TestPanel, dir: &std::path::Path) -> Store {
    let p = tp.panel();
    let ident = panel::store::StoreIdentity {
        panel_id: p.config.id.clone(),
        rubric_sha256: p.rubric.sha256.clone(),
        role: panel::role::Role::Chair,
    };
    Store::open(dir, &ident).unwrap().0
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn merge_order_does_not_matter(
        order in Just((0..5usize).collect::<Vec<_>>()).prop_shuffle(),
        repeats in proptest::collection::vec(0..5usize, 0..3),
    ) {
        let s = setup();
        let dir = tempfile::tempdir().unwrap();
        let mut chair = open_chair(&s.tp, dir.path());
        let mut accepted = 0;
        for &i in order.iter().chain(repeats.iter()) {
            let before = snapshot(&chair);
            match sheet::merge_sheet_view(&s.view, &mut chair, &s.sheets[i]) {
                Ok(_) => accepted += 1,
                Err(e) => {
                    // only older revisions may be refused, and they change nothing
                    prop_assert_eq!(e.refusal(), Some(sheet::Refusal::OlderRevision), "{}", e);
                    prop_assert_eq!(snapshot(&chair), before);
                }
            }
        }
        prop_assert!(accepted >= 3);
        prop_assert_eq!(content(&chair), s.reference.clone());
    }
}
