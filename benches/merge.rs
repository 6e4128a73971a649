//! The chair's merge of 15 expert sheets of a 10,000-application panel (30 criteria): each
//! sheet is read, parsed, its digest checked, verified against the panel (applications,
//! bundle hashes, items, ranges, steps, completeness), planned against the chair database
//! and committed in one journal commit.
//!
//! Each application is scored by 3 of the 15 experts (as `panel synth --per-app 3`), so a
//! sheet holds about 2,000 applications × 30 items (about 6 MB). A sheet covering all
//! 10,000 applications is about 34 MB, above the 16 MB base sheet limit
//! (`sheet::MAX_SHEET_BYTES`) but within this panel's limit (`PanelView::sheet_limit`, which
//! grows with the panel); the bench prints what happens to one.
//!
//! The full size takes tens of seconds, so it is timed by hand (one run, printed); criterion
//! measures the same merge on 1,000 applications.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use panel::rubric::{self, Facts};
use panel::sheet::{
    merge_sheet_view, PanelView, RosterEntry, Sheet, SheetApp, SheetItem, SHEET_SCHEMA,
};
use panel::store::{AppStatus, Store, StoreIdentity};
use panel::synth::{self, Spec};

/// The binary's allocator, so that the figures are the program's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TS: &str = "2026-11-23T08:00:00.000Z";

fn bundle_sha(code: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(code.as_bytes()))
}

fn view(spec: &Spec, dir: &Path) -> PanelView {
    let r = synth::rubric(spec);
    let text = serde_json::to_string(&r).expect("rubric json");
    let loaded = rubric::parse_rubric(&dir.join("rubric.json"), &text).expect("rubric");
    let facts = Facts::default();
    let codes: Vec<String> = (0..spec.apps).map(|i| spec.app_code(i)).collect();
    let mut v = PanelView::new(
        dir,
        &spec.panel_id(),
        loaded,
        (0..spec.experts)
            .map(|e| RosterEntry {
                id: spec.expert_id(e),
                name: String::new(),
                public_key: None,
            })
            .collect(),
        codes.iter().map(|c| (c.clone(), bundle_sha(c), &facts)),
    );
    // synthetic experts have no keys (as `panel synth`'s panel.json: signatures optional)
    v.signatures_required = false;
    v
}

/// One sheet per expert from the synthetic scores; conflicts as conflict applications.
fn sheets(spec: &Spec, v: &PanelView) -> Vec<Sheet> {
    let items: Vec<String> = (0..spec.criteria)
        .map(|c| format!("{}.1", spec.criterion_id(c)))
        .collect();
    let mut apps: Vec<BTreeMap<usize, SheetApp>> = vec![BTreeMap::new(); spec.experts];
    let new_app = |spec: &Spec, a: usize, status: AppStatus| {
        let code = spec.app_code(a);
        SheetApp {
            bundle_sha256: bundle_sha(&code),
            code,
            status,
            conflict_reason: (status == AppStatus::Conflict).then(|| "曾为该单位提供咨询".into()),
            updated_at: Some(TS.into()),
            items: BTreeMap::new(),
            comment: None,
            opinion: None,
        }
    };
    let cell = std::cell::RefCell::new(&mut apps);
    synth::for_each_score(
        spec,
        |a, e, c, h| {
            let mut apps = cell.borrow_mut();
            let app = apps[e]
                .entry(a)
                .or_insert_with(|| new_app(spec, a, AppStatus::Submitted));
            app.items.insert(
                items[c].clone(),
                SheetItem {
                    value: Some(synth::half_points(h)),
                    reason: None,
                    comment: None,
                },
            );
        },
        |a, e| {
            cell.borrow_mut()[e].insert(a, new_app(spec, a, AppStatus::Conflict));
        },
    );
    apps.into_iter()
        .enumerate()
        .map(|(e, m)| {
            let mut s = Sheet {
                schema: SHEET_SCHEMA.into(),
                panel: v.id.clone(),
                rubric: v.rubric.rubric.id.clone(),
                rubric_sha256: v.rubric.sha256.clone(),
                expert: spec.expert_id(e),
                seq: 1,
                prev_sha256: None,
                exported_at: TS.into(),
                applications: m.into_values().collect(),
                digest: String::new(),
            };
            s.digest = s.compute_digest();
            s
        })
        .collect()
}

fn chair(v: &PanelView, dir: &Path) -> Store {
    let id = StoreIdentity {
        panel_id: v.id.clone(),
        rubric_sha256: v.rubric.sha256.clone(),
        role: panel::role::Role::Chair,
    };
    Store::open(dir, &id).expect("chair store").0
}

fn bench(c: &mut Criterion) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&base).expect("target dir");
    let tmp = tempfile::Builder::new()
        .prefix("bench-merge-")
        .tempdir_in(base)
        .expect("temp dir");
    let spec = Spec {
        per_app: 3,
        seed: 5,
        bundles: false,
        ..Spec::new(10_000, 15, 30)
    };
    let v = view(&spec, tmp.path());
    let files: Vec<PathBuf> = sheets(&spec, &v)
        .iter()
        .map(|s| {
            let p = tmp.path().join(format!("{}.sheet.json", s.expert));
            std::fs::write(&p, s.to_file_bytes()).expect("write sheet");
            p
        })
        .collect();
    let bytes: u64 = files
        .iter()
        .map(|p| std::fs::metadata(p).expect("meta").len())
        .sum();
    eprintln!(
        "merge: 15 sheets, {:.1} MB together, largest {:.1} MB",
        bytes as f64 / 1e6,
        files
            .iter()
            .map(|p| std::fs::metadata(p).expect("meta").len())
            .max()
            .unwrap_or(0) as f64
            / 1e6
    );

    // A sheet covering all 10,000 applications (every expert scores everything).
    {
        let full = Spec {
            per_app: 15,
            ..spec.clone()
        };
        let s = sheets(&full, &v).swap_remove(0);
        let p = tmp.path().join("full.sheet.json");
        std::fs::write(&p, s.to_file_bytes()).expect("write sheet");
        let size = std::fs::metadata(&p).expect("meta").len();
        let mut store = chair(&v, &tmp.path().join("db-full"));
        let outcome = match merge_sheet_view(&v, &mut store, &p) {
            Ok(_) => "merged".to_string(),
            Err(e) => format!("refused: {}", e.to_string().lines().next().unwrap_or("")),
        };
        eprintln!(
            "merge: a sheet of all 10,000 applications is {:.1} MB (this panel's limit {} MB): \
             {outcome}",
            size as f64 / 1e6,
            v.sheet_limit() / (1 << 20)
        );
    }

    // The full size takes tens of seconds: timed by hand, once.
    let start = Instant::now();
    let mut store = chair(&v, &tmp.path().join("db-once"));
    for f in &files {
        merge_sheet_view(&v, &mut store, f).expect("merge");
    }
    drop(store);
    eprintln!(
        "merge: 15_sheets_10000_apps_30_criteria_3_per_app (one run): {:?}",
        start.elapsed()
    );

    // Criterion on a tenth of the panel: 1,000 applications, same shape.
    let small = Spec {
        apps: 1_000,
        ..spec.clone()
    };
    let sv = view(&small, tmp.path());
    let small_files: Vec<PathBuf> = sheets(&small, &sv)
        .iter()
        .map(|s| {
            let p = tmp.path().join(format!("small-{}.sheet.json", s.expert));
            std::fs::write(&p, s.to_file_bytes()).expect("write sheet");
            p
        })
        .collect();
    let mut n = 0;
    let mut g = c.benchmark_group("merge");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    g.bench_function("15_sheets_1000_apps_30_criteria_3_per_app", |b| {
        b.iter_batched(
            || {
                n += 1;
                chair(&sv, &tmp.path().join(format!("db-{n}")))
            },
            |mut store| {
                for f in &small_files {
                    merge_sheet_view(&sv, &mut store, f).expect("merge");
                }
                store
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
