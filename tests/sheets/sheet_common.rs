//! Shared helpers of the sheet/merge tests: a panel directory in a temp dir, expert and
//! chair stores, scoring through the library, and a snapshot of the chair database.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use panel::panel::Panel;
use panel::rubric::Rule;
use panel::sheet::{self, keys, PanelView};
use panel::store::{AppStatus, Op, Store, StoreIdentity};
use rust_decimal::Decimal;
use serde_json::{json, Value};

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub struct TestPanel {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub key_dir: PathBuf,
}

const FIXTURE: &str = "fixtures/park-ip-trusteeship-2024";
pub const EXPERTS: [&str; 3] = ["E01", "E02", "E03"];

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_file() {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// A copy of the demo panel (panel.json and bundles/) with experts E01–E03; `keyed` experts get a key (in `key_dir`) and
/// their public key in the roster.
pub fn test_panel(keyed: &[&str]) -> TestPanel {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("panel");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    assert!(
        fixture.join("bundles").is_dir(),
        "the demo panel {} is missing",
        fixture.display()
    );
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(fixture.join("panel.json"), dir.join("panel.json")).unwrap();
    copy_dir(&fixture.join("bundles"), &dir.join("bundles"));
    let key_dir = tmp.path().join("keys");
    let mut cfg: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("panel.json")).unwrap()).unwrap();
    let experts: Vec<Value> = EXPERTS
        .iter()
        .map(|e| {
            let pk = keyed.contains(e).then(|| {
                let (pk, _, _) = keys::keygen(&key_dir, e, false).unwrap();
                keys::public_key_string(&pk)
            });
            json!({"id": e, "name": format!("专家 {e}"), "public_key": pk})
        })
        .collect();
    cfg["experts"] = Value::Array(experts);
    cfg.as_object_mut().unwrap().remove("chair");
    // experts without a key are part of these tests: their unsigned sheets are accepted
    // (tests/sheets/merge_refusals.rs checks the default, signatures required)
    cfg["signatures"] = json!("optional");
    std::fs::write(
        dir.join("panel.json"),
        serde_json::to_string_pretty(&cfg).unwrap(),
    )
    .unwrap();
    TestPanel { tmp, dir, key_dir }
}

impl TestPanel {
    pub fn panel(&self) -> Panel {
        Panel::open(&self.dir).unwrap()
    }

    pub fn view(&self) -> PanelView {
        PanelView::from_panel(&self.panel())
    }

    pub fn open_store(&self, name: &str, role: &str) -> Store {
        let p = self.panel();
        let ident = StoreIdentity {
            panel_id: p.config.id.clone(),
            rubric_sha256: p.rubric.sha256.clone(),
            role: role.parse().expect("a role: chair or expert:<id>"),
        };
        Store::open(&self.tmp.path().join(name), &ident).unwrap().0
    }

    pub fn expert_store(&self, expert: &str) -> Store {
        self.open_store(&format!("db-{expert}"), &format!("expert:{expert}"))
    }

    pub fn chair_store(&self) -> Store {
        self.open_store("chair", "chair")
    }

    pub fn chair_path(&self) -> PathBuf {
        self.tmp.path().join("chair")
    }

    /// Exports the sheet of `expert` to `<tmp>/out/<name>` (signed when the expert has a key).
    pub fn export(&self, store: &mut Store, expert: &str, name: &str) -> PathBuf {
        let key = keys::load_signing_key(&self.key_dir, expert).unwrap();
        let (bytes, sig) =
            sheet::export_sheet_view(&self.view(), store, expert, key.as_ref()).unwrap();
        let path = self.tmp.path().join("out").join(name);
        sheet::write_sheet_atomic(&path, &bytes, sig.as_deref()).unwrap();
        path
    }
}

/// A deterministic value for `item` (multiple of its step, within range), varied by `seed`.
pub fn value_for(max: Decimal, step: Decimal, seed: u64) -> Decimal {
    let n = (max / step).trunc();
    let n: u64 = n.to_string().parse().unwrap_or(0);
    let k = seed % (n + 1);
    step * Decimal::from(k)
}

/// Scores every expert item (and every rule item without a suggestion) of `app` for
/// `expert`, comments on it, and sets the status. Returns the values set.
pub fn score_app(
    store: &mut Store,
    view: &PanelView,
    expert: &str,
    app: &str,
    seed: u64,
    status: AppStatus,
) -> BTreeMap<String, Decimal> {
    let mut ops = Vec::new();
    let mut set = BTreeMap::new();
    let info = &view.apps[app];
    for (n, (_, _, item)) in view.rubric.rubric.items().enumerate() {
        let needs =
            matches!(item.rule, Rule::Expert { .. }) || !info.suggestions.contains_key(&item.id);
        if !needs {
            continue;
        }
        let v = value_for(item.max(), item.step(), seed.wrapping_mul(31) + n as u64);
        ops.push(Op::SetScore {
            expert: expert.into(),
            app: app.into(),
            item: item.id.clone(),
            value: v,
            reason: None,
        });
        set.insert(item.id.clone(), v);
    }
    ops.push(Op::SetComment {
        expert: expert.into(),
        app: app.into(),
        item: String::new(),
        text: format!("{expert} 对 {app} 的总体意见 #{seed}"),
    });
    if view.rubric.rubric.opinion.is_some() {
        ops.push(Op::SetComment {
            expert: expert.into(),
            app: app.into(),
            item: panel::store::OPINION_ITEM.into(),
            text: format!(
                "{expert} 对 {app} 的评审意见：方案完整，目标明确，建议予以支持。#{seed}"
            ),
        });
    }
    ops.push(Op::SetStatus {
        expert: expert.into(),
        app: app.into(),
        status,
        reason: None,
    });
    store.commit(ops).unwrap();
    set
}

/// The content of a store without journal positions or timestamps.
#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    pub scores: Vec<(String, String, String, String, Option<String>)>,
    pub statuses: Vec<(String, String, AppStatus, Option<String>)>,
    pub comments: Vec<(String, String, String, String)>,
    pub merged: Vec<(String, Option<String>)>,
}

pub fn content(store: &Store) -> Content {
    Content {
        scores: store
            .all_scores()
            .into_iter()
            .map(|(e, a, i, s)| (e, a, i, s.value.to_string(), s.reason))
            .collect(),
        statuses: store.all_statuses(),
        comments: store.all_comments(),
        merged: EXPERTS
            .iter()
            .map(|e| (e.to_string(), store.meta(&sheet::merged_meta_key(e))))
            .collect(),
    }
}

/// Content plus the journal length: a refused merge must change neither.
pub fn snapshot(store: &Store) -> (Content, u64) {
    (content(store), store.seq())
}
