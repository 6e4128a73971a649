//! Every refusal of `merge`: the sheet is named with the reason, and the chair database is
//! unchanged afterwards (content and journal length).

use crate::sheet_common;

use std::path::{Path, PathBuf};

use panel::sheet::{self, sig_path, Refusal, Sheet};
use panel::store::{AppStatus, Store};
use sheet_common::*;

/// E01 and E02 have keys in the roster, E03 has none.
struct Fixture {
    tp: TestPanel,
    chair: Store,
    /// The exported (and merged) seq-1 sheets.
    e01: PathBuf,
    e03: PathBuf,
    e01_store: Store,
    e03_store: Store,
}

fn fixture() -> Fixture {
    let tp = test_panel(&["E01", "E02"]);
    let view = tp.view();
    let apps: Vec<String> = view.apps.keys().cloned().collect();
    let mut e01_store = tp.expert_store("E01");
    let mut e03_store = tp.expert_store("E03");
    for (i, a) in apps.iter().enumerate() {
        score_app(
            &mut e01_store,
            &view,
            "E01",
            a,
            i as u64,
            AppStatus::Submitted,
        );
        score_app(
            &mut e03_store,
            &view,
            "E03",
            a,
            7 + i as u64,
            AppStatus::Submitted,
        );
    }
    let e01 = tp.export(&mut e01_store, "E01", "E01-1.sheet.json");
    let e03 = tp.export(&mut e03_store, "E03", "E03-1.sheet.json");
    let mut chair = tp.chair_store();
    for p in [&e01, &e03] {
        sheet::merge_sheet_view(&view, &mut chair, p).unwrap();
    }
    Fixture {
        tp,
        chair,
        e01,
        e03,
        e01_store,
        e03_store,
    }
}

fn load(path: &Path) -> Sheet {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Writes `sheet` to `<tmp>/out/<name>`; with `digest`, recomputes the digest first.
fn write(tp: &TestPanel, mut sheet: Sheet, name: &str, digest: bool) -> PathBuf {
    if digest {
        sheet.digest = sheet.compute_digest();
    }
    let p = tp.tmp.path().join("out").join(name);
    std::fs::write(&p, sheet.to_file_bytes()).unwrap();
    p
}

/// Merges `path`, expects a refusal of `kind` naming the file, and an unchanged chair db.
fn refuse(f: &mut Fixture, path: &Path, kind: Refusal, needle: &str) -> String {
    let before = snapshot(&f.chair);
    let journal = std::fs::read(f.chair.journal_path()).unwrap();
    let err = sheet::merge_sheet_view(&f.tp.view(), &mut f.chair, path).unwrap_err();
    let msg = err.to_string();
    assert_eq!(err.refusal(), Some(kind), "{msg}");
    assert!(
        msg.contains(&path.display().to_string()),
        "message does not name the sheet: {msg}"
    );
    assert!(msg.contains(needle), "expected {needle:?} in: {msg}");
    assert_eq!(
        snapshot(&f.chair),
        before,
        "chair db changed by a refused sheet"
    );
    assert_eq!(std::fs::read(f.chair.journal_path()).unwrap(), journal);
    msg
}

/// The first expert item valued in the first submitted application.
fn expert_item(s: &Sheet) -> (usize, String) {
    let (i, app) = s
        .applications
        .iter()
        .enumerate()
        .find(|(_, a)| a.status == AppStatus::Submitted)
        .unwrap();
    let id = app
        .items
        .keys()
        .find(|k| k.starts_with('B'))
        .cloned()
        .unwrap();
    (i, id)
}

#[test]
fn hand_edited_value_with_digest_left_is_refused() {
    let mut f = fixture();
    let mut s = load(&f.e03);
    let (i, id) = expert_item(&s);
    let it = s.applications[i].items.get_mut(&id).unwrap();
    it.value = Some(if it.value == Some(dec("0")) {
        dec("1")
    } else {
        dec("0")
    });
    let p = write(&f.tp, s, "E03-edited.sheet.json", false);
    // only the value differs from the exported file
    let a = std::fs::read_to_string(&f.e03).unwrap();
    let b = std::fs::read_to_string(&p).unwrap();
    let diff = a.lines().zip(b.lines()).filter(|(x, y)| x != y).count();
    assert_eq!(diff, 1);
    refuse(&mut f, &p, Refusal::Digest, "does not match its digest");

    // a signed sheet edited by hand: the digest catches it before the signature
    let mut s = load(&f.e01);
    let (i, id) = expert_item(&s);
    s.applications[i].items.get_mut(&id).unwrap().comment = Some("改过".into());
    let p = write(&f.tp, s, "E01-edited.sheet.json", false);
    std::fs::copy(sig_path(&f.e01), sig_path(&p)).unwrap();
    refuse(&mut f, &p, Refusal::Digest, "never edit a sheet by hand");
}

#[test]
fn recomputed_digest_without_valid_signature_is_refused() {
    let mut f = fixture();
    let mut s = load(&f.e01);
    let (i, id) = expert_item(&s);
    let it = s.applications[i].items.get_mut(&id).unwrap();
    it.value = Some(if it.value == Some(dec("0")) {
        dec("1")
    } else {
        dec("0")
    });
    // the old signature beside it: bad signature
    let p = write(&f.tp, s.clone(), "E01-forged.sheet.json", true);
    std::fs::copy(sig_path(&f.e01), sig_path(&p)).unwrap();
    refuse(&mut f, &p, Refusal::SignatureBad, "bad signature");
    // no signature at all: missing signature
    let p = write(&f.tp, s.clone(), "E01-nosig.sheet.json", true);
    refuse(&mut f, &p, Refusal::SignatureMissing, "roster holds a key");
    // signed with another expert's key
    let other = panel::sheet::keys::load_signing_key(&f.tp.key_dir, "E02")
        .unwrap()
        .unwrap();
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(sig_path(&p), panel::sheet::keys::sign(&bytes, &other)).unwrap();
    refuse(&mut f, &p, Refusal::SignatureBad, "does not match");
    // garbage signature file
    std::fs::write(sig_path(&p), "ed25519:nothex").unwrap();
    refuse(&mut f, &p, Refusal::SignatureBad, "not hex");
}

#[test]
fn valid_sheet_without_its_signature_is_refused() {
    let mut f = fixture();
    let p = f.tp.export(&mut f.e01_store, "E01", "E01-2.sheet.json");
    std::fs::remove_file(sig_path(&p)).unwrap();
    refuse(&mut f, &p, Refusal::SignatureMissing, "no signature file");
    // with its signature it merges
    let key = panel::sheet::keys::load_signing_key(&f.tp.key_dir, "E01")
        .unwrap()
        .unwrap();
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(sig_path(&p), panel::sheet::keys::sign(&bytes, &key)).unwrap();
    sheet::merge_sheet_view(&f.tp.view(), &mut f.chair, &p).unwrap();
}

#[test]
fn unsigned_sheet_of_an_expert_without_a_key_is_refused_unless_signatures_are_optional() {
    let mut f = fixture();
    let p = f.tp.export(&mut f.e03_store, "E03", "E03-2.sheet.json");
    // the default (panel.json without "signatures"): required
    let cfg_path = f.tp.dir.join("panel.json");
    let mut cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cfg_path).unwrap()).unwrap();
    cfg.as_object_mut().unwrap().remove("signatures");
    std::fs::write(&cfg_path, serde_json::to_string_pretty(&cfg).unwrap()).unwrap();
    assert!(f.tp.view().signatures_required);
    let msg = refuse(
        &mut f,
        &p,
        Refusal::SignatureMissing,
        "expert E03 has no public_key",
    );
    assert!(msg.contains("\"signatures\": \"optional\""), "{msg}");
    // explicitly optional: merged
    cfg["signatures"] = "optional".into();
    std::fs::write(&cfg_path, serde_json::to_string_pretty(&cfg).unwrap()).unwrap();
    assert!(!f.tp.view().signatures_required);
    sheet::merge_sheet_view(&f.tp.view(), &mut f.chair, &p).unwrap();
    // any other value is refused when the panel is opened
    cfg["signatures"] = "sometimes".into();
    std::fs::write(&cfg_path, serde_json::to_string_pretty(&cfg).unwrap()).unwrap();
    let e = panel::panel::Panel::open(&f.tp.dir)
        .unwrap_err()
        .to_string();
    assert!(e.contains("`signatures`"), "{e}");
}

#[test]
fn another_panel_or_rubric_is_refused() {
    let mut f = fixture();
    let mut s = load(&f.e03);
    s.panel = "other-panel".into();
    let p = write(&f.tp, s, "panel.sheet.json", true);
    refuse(&mut f, &p, Refusal::ForeignPanel, "other-panel");

    // a signed sheet of another panel is named as such, not as a bad signature
    let mut s = load(&f.e01);
    s.panel = "other-panel".into();
    let p = write(&f.tp, s, "panel-signed.sheet.json", true);
    std::fs::copy(sig_path(&f.e01), sig_path(&p)).unwrap();
    refuse(
        &mut f,
        &p,
        Refusal::ForeignPanel,
        "merge it into its own panel",
    );

    let mut s = load(&f.e03);
    s.rubric_sha256 = "ab".repeat(32);
    let p = write(&f.tp, s, "rubric.sheet.json", true);
    refuse(
        &mut f,
        &p,
        Refusal::ForeignRubric,
        "rubric changed after scoring",
    );

    let mut s = load(&f.e03);
    s.rubric = "ip-demo-park".into();
    let p = write(&f.tp, s, "rubric-id.sheet.json", true);
    refuse(&mut f, &p, Refusal::ForeignRubric, "ip-demo-park");
}

#[test]
fn expert_not_in_roster_is_refused() {
    let mut f = fixture();
    let mut s = load(&f.e03);
    s.expert = "E09".into();
    let p = write(&f.tp, s, "E09.sheet.json", true);
    refuse(&mut f, &p, Refusal::UnknownExpert, "not in the roster");
}

#[test]
fn unknown_application_is_refused() {
    let mut f = fixture();
    let mut s = load(&f.e03);
    s.applications[0].code = "T24-999".into();
    let p = write(&f.tp, s, "app.sheet.json", true);
    refuse(&mut f, &p, Refusal::UnknownApplication, "T24-999");

    let mut s = load(&f.e03);
    let dup = s.applications[0].clone();
    s.applications.push(dup);
    let p = write(&f.tp, s, "dup.sheet.json", true);
    refuse(&mut f, &p, Refusal::DuplicateApplication, "twice");
}

#[test]
fn unknown_item_is_refused() {
    let mut f = fixture();
    let mut s = load(&f.e03);
    let (i, id) = expert_item(&s);
    let it = s.applications[i].items[&id].clone();
    s.applications[i].items.insert("Z9.9".into(), it);
    let p = write(&f.tp, s, "item.sheet.json", true);
    refuse(&mut f, &p, Refusal::UnknownItem, "items.Z9.9");
}

#[test]
fn value_outside_range_or_step_is_refused() {
    let mut f = fixture();
    let view = f.tp.view();
    let (i, id) = expert_item(&load(&f.e03));
    let max = view.rubric.rubric.item(&id).unwrap().2.max();
    for (v, kind, needle) in [
        (
            max + dec("0.5"),
            Refusal::OutOfRange,
            "outside the item's range",
        ),
        (dec("-0.5"), Refusal::OutOfRange, "outside"),
        (
            dec("0.25"),
            Refusal::OffStep,
            "not a multiple of the item's step 0.5",
        ),
        (dec("1.2"), Refusal::OffStep, "step"),
    ] {
        let mut s = load(&f.e03);
        s.applications[i].items.get_mut(&id).unwrap().value = Some(v);
        let p = write(&f.tp, s, &format!("value-{v}.sheet.json"), true);
        let msg = refuse(&mut f, &p, kind, needle);
        assert!(msg.contains(&format!("items.{id}")), "{msg}");
    }
    // a rule item off its suggestion without a reason
    let s = load(&f.e03);
    let app = &s.applications[i];
    let rid = view.apps[&app.code]
        .suggestions
        .iter()
        .find(|(_, v)| **v > dec("0"))
        .map(|(k, _)| k.clone())
        .unwrap();
    let mut s = load(&f.e03);
    let it = s.applications[i].items.get_mut(&rid).unwrap();
    it.value = Some(dec("0"));
    it.reason = None;
    let p = write(&f.tp, s.clone(), "override.sheet.json", true);
    refuse(
        &mut f,
        &p,
        Refusal::OverrideWithoutReason,
        "without a reason",
    );
    // with a reason it is accepted
    s.applications[i].items.get_mut(&rid).unwrap().reason = Some("材料另附证明".into());
    s.seq = 5;
    let p = write(&f.tp, s, "override-ok.sheet.json", true);
    sheet::merge_sheet_view(&view, &mut f.chair, &p).unwrap();
}

#[test]
fn conflicted_application_with_scores_is_refused() {
    let mut f = fixture();
    let mut s = load(&f.e03);
    s.applications[0].status = AppStatus::Conflict;
    s.applications[0].conflict_reason = Some("曾为该单位提供咨询".into());
    let p = write(&f.tp, s, "conflict.sheet.json", true);
    refuse(
        &mut f,
        &p,
        Refusal::ConflictWithScores,
        "conflict of interest",
    );
}

#[test]
fn incomplete_submitted_application_is_refused() {
    let mut f = fixture();
    let mut s = load(&f.e03);
    let (i, id) = expert_item(&s);
    s.applications[i].items.remove(&id);
    let p = write(&f.tp, s.clone(), "incomplete.sheet.json", true);
    refuse(&mut f, &p, Refusal::Incomplete, &id);
    // the same as a draft is fine
    s.applications[i].status = AppStatus::Draft;
    s.seq = 2;
    s.prev_sha256 = Some(panel_sha(&f.e03));
    let p = write(&f.tp, s, "draft.sheet.json", true);
    sheet::merge_sheet_view(&f.tp.view(), &mut f.chair, &p).unwrap();
}

fn panel_sha(p: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(p).unwrap()))
}

#[test]
fn older_revision_is_refused() {
    let mut f = fixture();
    let p2 = f.tp.export(&mut f.e03_store, "E03", "E03-2.sheet.json");
    sheet::merge_sheet_view(&f.tp.view(), &mut f.chair, &p2).unwrap();
    let e03 = f.e03.clone();
    refuse(
        &mut f,
        &e03,
        Refusal::OlderRevision,
        "older than revision 2",
    );
    // the same file again is "already merged", not an error, and changes nothing
    let before = snapshot(&f.chair);
    let r = sheet::merge_sheet_view(&f.tp.view(), &mut f.chair, &p2).unwrap();
    assert_eq!(r.kind, sheet::MergeKind::AlreadyMerged);
    assert_eq!(snapshot(&f.chair), before);
}

#[test]
fn sequence_not_following_the_previous_hash_is_refused() {
    let mut f = fixture();
    let p2 = f.tp.export(&mut f.e03_store, "E03", "E03-2.sheet.json");
    let mut s = load(&p2);
    assert_eq!(s.seq, 2);
    assert_eq!(s.prev_sha256.as_deref(), Some(panel_sha(&f.e03).as_str()));
    s.prev_sha256 = Some("00".repeat(32));
    let p = write(&f.tp, s, "E03-2-replayed.sheet.json", true);
    refuse(
        &mut f,
        &p,
        Refusal::BrokenChain,
        "does not follow revision 1",
    );

    // same seq as merged, other content: forked
    let mut s = load(&f.e03);
    s.exported_at = "2030-01-01T00:00:00.000Z".into();
    let p = write(&f.tp, s, "E03-1-forked.sheet.json", true);
    refuse(&mut f, &p, Refusal::BrokenChain, "forked");

    // a restored expert database re-exports seq 1 with other content
    let mut fresh = f.tp.open_store("db-E03-restored", "expert:E03");
    let view = f.tp.view();
    let app = view.apps.keys().next().unwrap().clone();
    score_app(&mut fresh, &view, "E03", &app, 99, AppStatus::Submitted);
    let p = f.tp.export(&mut fresh, "E03", "E03-restored.sheet.json");
    refuse(&mut f, &p, Refusal::BrokenChain, "forked");

    // a gap (seq 3 after 1) is accepted with a note
    let _ = f.tp.export(&mut f.e03_store, "E03", "E03-2b.sheet.json");
    let p3 = f.tp.export(&mut f.e03_store, "E03", "E03-3.sheet.json");
    assert_eq!(load(&p3).seq, 4);
    let r = sheet::merge_sheet_view(&view, &mut f.chair, &p3).unwrap();
    assert!(r.notes[0].contains("never merged"), "{:?}", r.notes);
}

#[test]
fn bundle_changed_after_scoring_is_refused() {
    let mut f = fixture();
    let mut s = load(&f.e03);
    s.applications[1].bundle_sha256 = "cd".repeat(32);
    let p = write(&f.tp, s, "bundle.sheet.json", true);
    refuse(
        &mut f,
        &p,
        Refusal::BundleMismatch,
        "bundle changed after scoring",
    );

    // the panel's bundle file changes after the expert scored it
    let p2 = f.tp.export(&mut f.e03_store, "E03", "E03-2.sheet.json");
    let bfile = f.tp.panel().bundles[0].path.clone();
    let mut b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&bfile).unwrap()).unwrap();
    b["title"] = serde_json::Value::String("园区知识产权集中托管项目（修订）".into());
    std::fs::write(&bfile, serde_json::to_string_pretty(&b).unwrap()).unwrap();
    refuse(&mut f, &p2, Refusal::BundleMismatch, "bundle_sha256");
}

#[test]
fn malformed_sheets_are_refused() {
    let mut f = fixture();
    let p = f.tp.tmp.path().join("out").join("garbage.sheet.json");
    std::fs::write(&p, "{\"schema\": \"panel-sheet/1\", \"panel\": 3}").unwrap();
    refuse(&mut f, &p, Refusal::Malformed, "at `panel`");
    std::fs::write(&p, [0xff, 0xfe, 0x00]).unwrap();
    refuse(&mut f, &p, Refusal::Malformed, "UTF-8");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&f.e03).unwrap()).unwrap();
    v["extra"] = serde_json::json!(1);
    std::fs::write(&p, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    refuse(&mut f, &p, Refusal::Malformed, "extra");
    // a value as a JSON number, not a string
    let text = std::fs::read_to_string(&f.e03).unwrap();
    let i = text.find("\"value\": \"").unwrap();
    let end = text[i + 10..].find('"').unwrap() + i + 10;
    let num = text[i + 10..end].to_string();
    let edited = format!("{}\"value\": {}{}", &text[..i], num, &text[end + 1..]);
    std::fs::write(&p, edited).unwrap();
    refuse(&mut f, &p, Refusal::Malformed, "value");
    let mut s = load(&f.e03);
    s.schema = "panel-sheet/9".into();
    let p = write(&f.tp, s, "schema.sheet.json", true);
    refuse(&mut f, &p, Refusal::Malformed, "panel-sheet/9");
}

#[test]
fn a_refused_sheet_in_a_batch_leaves_the_others_merged() {
    let mut f = fixture();
    let view = f.tp.view();
    let p2 = f.tp.export(&mut f.e03_store, "E03", "E03-2.sheet.json");
    let mut s = load(&p2);
    s.panel = "x".into();
    let bad = write(&f.tp, s, "bad.sheet.json", true);
    let before = snapshot(&f.chair);
    assert!(sheet::merge_sheet_view(&view, &mut f.chair, &bad).is_err());
    assert_eq!(snapshot(&f.chair), before);
    let r = sheet::merge_sheet_view(&view, &mut f.chair, &p2).unwrap();
    assert!(matches!(r.kind, sheet::MergeKind::Merged { .. }));
    assert_eq!(r.replaced_seq, Some(1));
}

#[test]
fn the_sheet_limit_grows_with_the_panel() {
    let mut f = fixture();
    let small = f.tp.view();
    assert_eq!(small.sheet_limit(), sheet::MAX_SHEET_BYTES);
    // a file just above the base limit is refused by a small panel, for its size
    let p = f.tp.dir.join("big.sheet.json");
    std::fs::write(&p, vec![b' '; sheet::MAX_SHEET_BYTES as usize + 1]).unwrap();
    let e = sheet::merge_sheet_view(&small, &mut f.chair, &p)
        .unwrap_err()
        .to_string();
    assert!(e.contains("more than the 16777216 allowed"), "{e}");
    // a panel of 10,000 applications accepts a sheet of all of them (34.4 MB measured)
    let mut big = f.tp.view();
    let info = big.apps.values().next().unwrap().clone();
    for i in 0..10_000 {
        big.apps.insert(format!("X{i:05}"), info.clone());
    }
    let items = big.rubric.rubric.items().count() as u64;
    assert_eq!(
        big.sheet_limit(),
        big.apps.len() as u64 * items * sheet::SHEET_BYTES_PER_ITEM
    );
    assert!(big.sheet_limit() > 34_444_003);
    // the same file is now read (and refused for what it is, not for its size)
    let e = sheet::merge_sheet_view(&big, &mut f.chair, &p)
        .unwrap_err()
        .to_string();
    assert!(!e.contains("allowed"), "{e}");
}

/// The written opinion (专家评审意见, required by the seed 000 rubric) is in the digest: an
/// edited opinion is refused; a submitted application without one, or with one shorter than
/// `min_chars`, is refused as incomplete even with a recomputed digest; merged, it is in the
/// chair database under the reserved item.
#[test]
fn opinion_is_in_the_digest_and_required_for_submitted() {
    let mut f = fixture();
    let s = load(&f.e03);
    let (i, _) = expert_item(&s);
    let op = s.applications[i]
        .opinion
        .clone()
        .expect("exported with its opinion");
    assert!(op.contains("评审意见"), "{op}");
    // merged into the chair database
    let code = s.applications[i].code.clone();
    assert_eq!(
        f.chair.comment("E03", &code, panel::store::OPINION_ITEM),
        Some(op.clone())
    );

    // tampered, digest left: refused
    let mut t = s.clone();
    t.applications[i].opinion = Some(format!("{op}（改）"));
    let p = write(&f.tp, t, "E03-opinion-edited.sheet.json", false);
    refuse(&mut f, &p, Refusal::Digest, "does not match its digest");

    // removed, digest recomputed: incomplete
    let mut t = s.clone();
    t.applications[i].opinion = None;
    let p = write(&f.tp, t, "E03-no-opinion.sheet.json", true);
    refuse(&mut f, &p, Refusal::Incomplete, "专家评审意见");

    // too short (19 characters with blanks around): incomplete
    let mut t = s.clone();
    t.applications[i].opinion = Some(format!("  {}  ", "好".repeat(19)));
    let p = write(&f.tp, t, "E03-short-opinion.sheet.json", true);
    let msg = refuse(&mut f, &p, Refusal::Incomplete, "at least 20");
    assert!(msg.contains("19 characters"), "{msg}");
}

/// A sheet written before opinions existed (no `opinion` key) reads and keeps its digest:
/// the field is left out of the file and of the canonical body when absent.
#[test]
fn a_sheet_without_the_opinion_key_reads_with_the_same_digest() {
    let f = fixture();
    let s = load(&f.e03);
    assert!(String::from_utf8(s.canonical_body())
        .unwrap()
        .contains("\"opinion\":"));
    let mut old = s.clone();
    for a in &mut old.applications {
        a.opinion = None;
    }
    old.digest = old.compute_digest();
    let bytes = old.to_file_bytes();
    assert!(!String::from_utf8(bytes.clone())
        .unwrap()
        .contains("opinion"));
    assert!(!String::from_utf8(old.canonical_body())
        .unwrap()
        .contains("opinion"));
    let back: Sheet = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(back, old);
    assert_eq!(back.compute_digest(), old.digest);
}
