//! Raw applications (`panel-raw/1`) → anonymized bundles + identity map
//! (`panel-identity/1`), and `reveal` (results joined with the identity map).
//! See `docs/bundle-format.md`.
//!
//! Anonymization:
//! 1. identity fields move to the identity map, never into the bundle;
//! 2. every text (title, sections, attachment names and extracts, string facts)
//!    is redacted: everything [`crate::pii::scan_known`] finds, with the
//!    identity's names (applicant, park, aliases, legal representative, contact,
//!    project lead, team, partners, recommender, and abbreviations the texts
//!    define for them) and values (address, postcode, bank, account, codes,
//!    phones, e-mails) matched after normalization ([`crate::pii::identity`]);
//! 3. the bundle is checked like any loaded bundle ([`bundle::check_bundle_known`],
//!    with the names and values); a bundle that still has a problem is never written.
//!
//! Codes are `<PREFIX>-<NNN>`: a prefix per program and a sequence in the
//! order the raw files are given, or the code an existing identity map holds
//! for the same raw file (same sha256, else same file name) — never derived
//! from the applicant.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::bundle::{self, Attachment, Bundle, BundleError, Section};
use crate::pii::{self, PiiKind};
use crate::rubric::{self, num};

pub mod signature;

/// Schema identifier of raw applications.
pub const RAW_SCHEMA: &str = "panel-raw/1";
/// Schema identifier of identity maps.
pub const MAP_SCHEMA: &str = "panel-identity/1";
/// Largest raw application, identity map or results file accepted (bytes).
pub const MAX_RAW_BYTES: u64 = rubric::MAX_FILE_BYTES;

/// A raw application as the secretariat types it in from the 申报书.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawApplication {
    /// Always [`RAW_SCHEMA`].
    pub schema: String,
    /// Rubric id of the program.
    pub program: String,
    /// Who applies: moved to the identity map.
    pub identity: Identity,
    /// Project title as written (redacted into the bundle's title).
    pub title: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "num::opt::serialize"
    )]
    pub requested_wan: Option<Decimal>,
    #[serde(default)]
    pub facts: Map<String, Value>,
    /// Sections of the form, as written (may contain personal data).
    pub sections: Vec<Section>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// Identity fields of an application (申报单位基本信息, 项目参与人员).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// 申报单位 / 管理主体单位名称.
    pub applicant: String,
    /// 园区名称, when the program is about a park.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub park_name: Option<String>,
    /// Other names the text uses for the applicant (short names, park names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// 单位性质.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_nature: Option<String>,
    /// 统一社会信用代码.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
    /// 法定代表人.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_rep: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_rep_phone: Option<String>,
    /// 项目联系人.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_person: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// 注册地址 / 通讯地址.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    /// 开户银行.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank: Option<String>,
    /// 银行账号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_account: Option<String>,
    /// 推荐单位 (seed 003: the municipal department that recommends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommender: Option<String>,
    /// 项目负责人.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_lead: Option<Person>,
    /// 项目主要人员.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub team: Vec<Person>,
    /// Joint applicants and partner institutions (参加单位, 服务机构).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partners: Vec<Partner>,
}

/// A person of the project team.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: String,
    /// Role in the project (项目负责人, 托管服务专员 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<String>,
    /// 职务/职称.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// 现从事专业.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub major: Option<String>,
    /// 在本项目中承担的任务.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// 所在单位.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A partner institution.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
}

impl Identity {
    /// Names searched literally in every text: applicant, park, aliases,
    /// legal representative, contact, project lead, team, partners, recommender.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = vec![self.applicant.clone()];
        v.extend(self.park_name.clone());
        v.extend(self.aliases.iter().cloned());
        v.extend(self.legal_rep.clone());
        v.extend(self.contact_person.clone());
        v.extend(self.recommender.clone());
        v.extend(self.project_lead.as_ref().map(|p| p.name.clone()));
        v.extend(self.team.iter().map(|p| p.name.clone()));
        v.extend(self.partners.iter().map(|p| p.name.clone()));
        let mut seen = BTreeSet::new();
        v.retain(|s| {
            let t = s.trim();
            t.chars().count() >= 2 && seen.insert(t.to_string())
        });
        v.iter_mut().for_each(|s| *s = s.trim().to_string());
        v
    }

    /// The persons' names: legal representative, contact, project lead, team.
    pub fn person_names(&self) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        v.extend(self.legal_rep.clone());
        v.extend(self.contact_person.clone());
        v.extend(self.project_lead.as_ref().map(|p| p.name.clone()));
        v.extend(self.team.iter().map(|p| p.name.clone()));
        let mut seen = BTreeSet::new();
        v.retain(|s| seen.insert(s.trim().to_string()));
        v
    }

    /// The identity's values redacted wherever they appear, with the kind they
    /// are redacted as: addresses, postcodes and bank names cannot be recognized
    /// by pattern, and the identity's numbers are removed even when mistyped (a
    /// wrong check digit would escape the scan).
    fn literals(&self) -> Vec<(String, PiiKind)> {
        let mut v: Vec<(String, PiiKind)> = Vec::new();
        let mut add = |s: &Option<String>, kind: PiiKind| {
            if let Some(s) = s {
                v.push((s.clone(), kind));
            }
        };
        add(&self.address, PiiKind::Address);
        add(&self.postcode, PiiKind::Postcode);
        add(&self.bank, PiiKind::Bank);
        add(&self.bank_account, PiiKind::AccountNumber);
        add(&self.credit_code, PiiKind::CreditCode);
        add(&self.legal_rep_phone, PiiKind::Landline);
        add(&self.landline, PiiKind::Landline);
        add(&self.mobile, PiiKind::Mobile);
        add(&self.email, PiiKind::Email);
        for p in self.project_lead.iter().chain(self.team.iter()) {
            add(&p.id_number, PiiKind::ResidentId);
            add(&p.mobile, PiiKind::Mobile);
            add(&p.landline, PiiKind::Landline);
            add(&p.email, PiiKind::Email);
        }
        for p in &self.partners {
            add(&p.credit_code, PiiKind::CreditCode);
        }
        v.retain(|(s, _)| s.trim().chars().count() >= 4);
        v.iter_mut().for_each(|(s, _)| *s = s.trim().to_string());
        v
    }

    /// The names and values searched in every text (see [`pii::identity`]):
    /// [`Identity::names`] and the identity's address, postcode, bank, account,
    /// codes, phones and e-mails.
    pub fn known(&self) -> pii::Known {
        let mut k = pii::Known::new();
        self.add_to(&mut k);
        k
    }

    fn add_to(&self, k: &mut pii::Known) {
        for n in self.names() {
            k.add_name(&n);
        }
        for (v, kind) in self.literals() {
            k.add_literal(&v, kind);
        }
    }
}

/// The identity map: code → applicant, for the secretariat only.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IdentityMap {
    /// Always [`MAP_SCHEMA`].
    pub schema: String,
    pub entries: Vec<MapEntry>,
}

/// One application of the identity map.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MapEntry {
    pub code: String,
    pub program: String,
    /// The raw file: relative to the identity map's folder (`../raw/SQ2024-003.json`),
    /// or absolute when there is no relative path (another drive); see
    /// [`recorded_raw_path`]. Maps written before recorded it as given on the command
    /// line (relative to the folder `panel anonymize` ran in).
    pub raw_file: String,
    /// sha256 (hex) of the raw file's bytes.
    pub raw_sha256: String,
    /// sha256 (hex) of the bundle file written for this code (maps written before
    /// bundles were bound have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle_sha256: Option<String>,
    /// The project title as written.
    pub title: String,
    pub identity: Identity,
}

impl IdentityMap {
    pub fn new() -> Self {
        IdentityMap {
            schema: MAP_SCHEMA.into(),
            entries: Vec::new(),
        }
    }

    pub fn entry(&self, code: &str) -> Option<&MapEntry> {
        self.entries.iter().find(|e| e.code == code)
    }

    /// Every name of every entry.
    pub fn names(&self) -> Vec<String> {
        let mut set = BTreeSet::new();
        for e in &self.entries {
            set.extend(e.identity.names());
        }
        set.into_iter().collect()
    }

    /// Every name and identity value of every entry (for `panel bundle check
    /// --identity-map`): addresses, postcodes, banks and accounts too.
    pub fn known(&self) -> pii::Known {
        let mut k = pii::Known::new();
        for e in &self.entries {
            e.identity.add_to(&mut k);
        }
        k
    }
}

impl Default for IdentityMap {
    fn default() -> Self {
        Self::new()
    }
}

/// Errors of anonymize and reveal.
#[derive(Debug, thiserror::Error)]
pub enum AnonError {
    #[error(transparent)]
    File(#[from] BundleError),
    #[error("{file}: {message}")]
    Invalid { file: PathBuf, message: String },
    #[error("{file}: cannot write: {cause}")]
    Write {
        file: PathBuf,
        cause: std::io::Error,
    },
    #[error("{file}: identity map already exists; pass --force to replace it (codes it holds for the same raw files are kept)")]
    MapExists { file: PathBuf },
    #[error("{file}: already exists with other content; pass --force to replace it")]
    BundleExists { file: PathBuf },
    #[error("{raw}: personal data left after redaction, bundle {code} not written: {findings}")]
    StillPersonal {
        raw: PathBuf,
        code: String,
        findings: String,
    },
    #[error("{raw}: bundle {code} would be invalid, not written: {problems}")]
    InvalidBundle {
        raw: PathBuf,
        code: String,
        problems: String,
    },
}

/// Read and parse a raw application.
pub fn read_raw(path: &Path) -> Result<(RawApplication, String), AnonError> {
    let (text, sha) = bundle::read_json_text(path, MAX_RAW_BYTES)?;
    let raw: RawApplication = rubric::parse_json(path, &text).map_err(BundleError::from)?;
    if raw.schema != RAW_SCHEMA {
        return Err(AnonError::Invalid {
            file: path.to_path_buf(),
            message: format!(
                "schema is `{}`, expected `{RAW_SCHEMA}` (is this a bundle or another file?)",
                raw.schema
            ),
        });
    }
    if raw.identity.applicant.trim().is_empty() {
        return Err(AnonError::Invalid {
            file: path.to_path_buf(),
            message: "identity.applicant is empty".into(),
        });
    }
    Ok((raw, sha))
}

/// Read an identity map.
pub fn read_map(path: &Path) -> Result<IdentityMap, AnonError> {
    let (text, _) = bundle::read_json_text(path, MAX_RAW_BYTES)?;
    let map: IdentityMap = rubric::parse_json(path, &text).map_err(BundleError::from)?;
    if map.schema != MAP_SCHEMA {
        return Err(AnonError::Invalid {
            file: path.to_path_buf(),
            message: format!("schema is `{}`, expected `{MAP_SCHEMA}`", map.schema),
        });
    }
    let mut seen = BTreeSet::new();
    for (i, e) in map.entries.iter().enumerate() {
        if !seen.insert(e.code.as_str()) {
            return Err(AnonError::Invalid {
                file: path.to_path_buf(),
                message: format!("entries[{i}]: code `{}` appears twice", e.code),
            });
        }
    }
    Ok(map)
}

/// The code prefix of a program.
pub fn program_prefix(program: &str) -> String {
    match program {
        "park-ip-trusteeship-2024" => return "T24".into(),
        "ip-demo-park" => return "DP".into(),
        "ip-operation-cluster" => return "OC".into(),
        "ip-operation-promotion-center" => return "PC".into(),
        "special-fund-2022" => return "SF".into(),
        "special-fund-2022-medical-ops-center" => return "MED".into(),
        "special-fund-2022-sme-capability" => return "SME".into(),
        "special-fund-2022-high-value-upgrade" => return "HVU".into(),
        _ => {}
    }
    if let Some(rest) = program.strip_prefix("special-fund-2022-") {
        let tail: String = rest
            .split('-')
            .filter_map(|w| w.chars().next())
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .take(3)
            .collect();
        return format!("SF{tail}");
    }
    let p: String = program
        .split(['-', '_'])
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_uppercase())
        .take(4)
        .collect();
    if p.is_empty() {
        "APP".into()
    } else {
        p
    }
}

/// What happened to one text during redaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redactions {
    /// Count per label (手机号, 姓名/名称, 地址 …).
    pub by_label: BTreeMap<String, usize>,
    /// Places where a person's name was redacted glued to chars that may make
    /// it part of a longer word (`高峰` in `高峰论坛`): `title char 3: 「…高峰论坛…」`,
    /// for the secretariat to check.
    pub names_in_words: Vec<String>,
}

impl Redactions {
    pub fn total(&self) -> usize {
        self.by_label.values().sum()
    }

    fn add(&mut self, label: &str) {
        *self.by_label.entry(label.to_string()).or_default() += 1;
    }

    /// `手机号×1, 姓名/名称×3`.
    pub fn summary(&self) -> String {
        self.by_label
            .iter()
            .map(|(k, v)| format!("{k}×{v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Redact one text: `literals` are identity values with the label they are
/// redacted as (`地址`, `邮编`, `开户银行`, or a [`PiiKind`]'s label), `names` the
/// identity's names. See [`redact_text_known`].
pub fn redact_text(
    text: &str,
    literals: &[(String, &'static str)],
    names: &[String],
    r: &mut Redactions,
) -> String {
    let mut known = pii::Known::with_names(names);
    for (lit, label) in literals {
        if let Some(kind) = PiiKind::ALL.iter().find(|k| k.label_zh() == *label) {
            known.add_literal(lit, *kind);
        }
    }
    redact_text_known(text, &known, r)
}

/// Redact one text: everything [`pii::scan_known`] finds, the identity's names
/// and values included.
pub fn redact_text_known(text: &str, known: &pii::Known, r: &mut Redactions) -> String {
    let findings = pii::scan_known(text, known);
    if findings.is_empty() {
        return text.to_string();
    }
    for f in &findings {
        r.add(f.kind.label_zh());
    }
    pii::redact(text, &findings)
}

fn redact_value(v: &Value, known: &pii::Known, r: &mut Redactions) -> Value {
    match v {
        Value::String(s) => Value::String(redact_text_known(s, known, r)),
        Value::Array(a) => Value::Array(a.iter().map(|x| redact_value(x, known, r)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), redact_value(x, known, r)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Every string of a JSON value.
fn value_strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| value_strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| value_strings(x, out)),
        _ => {}
    }
}

/// The identity's names and values, with the abbreviations any text of the raw
/// application defines for a name (`（以下简称“青禾公司”）`): an abbreviation
/// defined in one section is redacted in all of them.
fn raw_known(raw: &RawApplication) -> pii::Known {
    let mut known = raw.identity.known();
    let mut texts: Vec<&str> = vec![raw.title.as_str()];
    for s in &raw.sections {
        texts.extend([s.title.as_str(), s.text.as_str()]);
    }
    for a in &raw.attachments {
        texts.push(&a.name);
        texts.extend(a.text.as_deref());
    }
    for v in raw.facts.values() {
        value_strings(v, &mut texts);
    }
    for t in texts {
        known.learn_abbreviations(t);
    }
    known
}

/// The places of `text` (called `place`) where a person's name stands inside
/// what may be a longer word, with a few chars around it.
fn names_in_words(place: &str, text: &str, persons: &[String], r: &mut Redactions) {
    for (name, at) in pii::identity::names_inside_words(text, persons) {
        let chars: Vec<char> = text.chars().collect();
        let from = at.saturating_sub(6);
        let to = (at + name.chars().count() + 6).min(chars.len());
        let around: String = chars[from..to]
            .iter()
            .map(|&c| if c == '\n' { ' ' } else { c })
            .collect();
        r.names_in_words.push(format!(
            "{name} at {place}, char {at} of the raw text: 「…{around}…」"
        ));
    }
}

/// Build the anonymized bundle of a raw application under `code`.
pub fn make_bundle(raw: &RawApplication, code: &str) -> (Bundle, Redactions) {
    let known = raw_known(raw);
    let mut r = Redactions::default();
    let persons = raw.identity.person_names();
    names_in_words("title", &raw.title, &persons, &mut r);
    for s in &raw.sections {
        names_in_words(
            &format!("section {} title", s.key),
            &s.title,
            &persons,
            &mut r,
        );
        names_in_words(&format!("section {}", s.key), &s.text, &persons, &mut r);
    }
    for (i, a) in raw.attachments.iter().enumerate() {
        names_in_words(
            &format!("attachment {} name", i + 1),
            &a.name,
            &persons,
            &mut r,
        );
        if let Some(t) = &a.text {
            names_in_words(&format!("attachment {}", i + 1), t, &persons, &mut r);
        }
    }
    let b = Bundle {
        schema: bundle::SCHEMA.into(),
        program: raw.program.clone(),
        code: code.to_string(),
        title: redact_text_known(&raw.title, &known, &mut r),
        requested_wan: raw.requested_wan,
        facts: raw
            .facts
            .iter()
            .map(|(k, v)| (k.clone(), redact_value(v, &known, &mut r)))
            .collect(),
        sections: raw
            .sections
            .iter()
            .map(|s| Section {
                key: s.key.clone(),
                title: redact_text_known(&s.title, &known, &mut r),
                text: redact_text_known(&s.text, &known, &mut r),
            })
            .collect(),
        attachments: raw
            .attachments
            .iter()
            .map(|a| Attachment {
                name: redact_text_known(&a.name, &known, &mut r),
                sha256: a.sha256.clone(),
                text: a
                    .text
                    .as_ref()
                    .map(|t| redact_text_known(t, &known, &mut r)),
            })
            .collect(),
    };
    (b, r)
}

/// Check a bundle about to be written: no personal data may remain (names and
/// identity literals included) and it must be valid against the rubric.
pub fn verify_bundle(
    raw_path: &Path,
    b: &Bundle,
    identity: &Identity,
    rubric: &rubric::Rubric,
) -> Result<(), AnonError> {
    let (_, problems) = bundle::check_bundle_known(b, rubric, &identity.known());
    let personal: Vec<String> = problems
        .iter()
        .filter(|p| p.kind == bundle::kind::PERSONAL_DATA)
        .map(|p| {
            let label = PiiKind::ALL
                .iter()
                .find(|k| k.as_str() == p.detail)
                .map(|k| format!(" ({})", k.label_zh()))
                .unwrap_or_default();
            format!(
                "{}{label} at {} char {}",
                p.detail,
                p.location,
                p.offset.unwrap_or(0)
            )
        })
        .collect();
    if !personal.is_empty() {
        return Err(AnonError::StillPersonal {
            raw: raw_path.to_path_buf(),
            code: b.code.clone(),
            findings: personal.join("; "),
        });
    }
    if !problems.is_empty() {
        return Err(AnonError::InvalidBundle {
            raw: raw_path.to_path_buf(),
            code: b.code.clone(),
            problems: problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        });
    }
    Ok(())
}

/// Options of [`anonymize`].
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub out_dir: PathBuf,
    pub identity_map: PathBuf,
    /// Replace an existing identity map and bundles with other content.
    pub force: bool,
    /// Code prefix instead of the program's.
    pub prefix: Option<String>,
    /// Rubric to check against instead of the embedded one named by `program`.
    pub rubric: Option<rubric::Loaded>,
    /// The secretariat's key: the identity map is signed (`<map>.sig`). Without
    /// it the map is written unsigned and any old signature file is removed.
    pub key: Option<ed25519_dalek::SigningKey>,
}

/// One bundle written (or unchanged).
#[derive(Debug, Clone)]
pub struct Written {
    pub code: String,
    pub raw_file: PathBuf,
    pub bundle_path: PathBuf,
    pub redactions: Redactions,
    /// The code came from the existing identity map.
    pub reused: bool,
    /// The bundle file already had this content.
    pub unchanged: bool,
}

/// What [`anonymize`] did.
#[derive(Debug, Default)]
pub struct Report {
    pub written: Vec<Written>,
    /// Raw files that gave no bundle, with the reason.
    pub errors: Vec<AnonError>,
    pub map_entries: usize,
    /// The signature file written, when a key was given.
    pub signature: Option<PathBuf>,
}

/// Expand files and directories (their `*.json`, sorted, not recursive) in
/// the order given.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, AnonError> {
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let rd = std::fs::read_dir(p).map_err(|cause| BundleError::Io {
                file: p.clone(),
                cause,
            })?;
            let mut v: Vec<PathBuf> = rd
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|q| q.is_file() && q.extension().is_some_and(|x| x == "json"))
                .collect();
            v.sort();
            out.extend(v);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn file_name(p: &str) -> String {
    Path::new(p)
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `path` absolute and clean: the deepest ancestor that exists canonicalized (symlinks
/// resolved), the rest appended with `.` dropped and `..` applied; repeated separators
/// are gone. `None` when there is no current folder.
fn absolute_clean(path: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(path).ok()?;
    for a in abs.ancestors() {
        let Ok(mut out) = std::fs::canonicalize(a) else {
            continue;
        };
        let rest = abs.strip_prefix(a).ok()?;
        for c in rest.components() {
            match c {
                std::path::Component::ParentDir => {
                    out.pop();
                }
                std::path::Component::Normal(n) => out.push(n),
                _ => {}
            }
        }
        return Some(out);
    }
    Some(abs)
}

/// `target` relative to the folder `base` (both absolute and clean); `None` when they
/// have different roots (another drive), so that no relative path exists.
fn relative_to(target: &Path, base: &Path) -> Option<PathBuf> {
    let t: Vec<_> = target.components().collect();
    let b: Vec<_> = base.components().collect();
    if t.first() != b.first() {
        return None;
    }
    let k = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in k..b.len() {
        out.push("..");
    }
    for c in &t[k..] {
        out.push(c.as_os_str());
    }
    Some(out)
}

/// The `raw_file` an identity map at `map_file` records for the raw file `raw` (as given):
/// relative to the map's folder, from both paths made absolute and canonical
/// (`../raw/SQ2024-003.json`), so that reveal finds it from any folder as long as the map
/// and the raw files stay together; absolute when no relative path exists (another
/// drive). The raw file's own name is kept (a symlink is not resolved), so that a rerun
/// finds its code by file name.
pub fn recorded_raw_path(raw: &Path, map_file: &Path) -> String {
    let dir_of = |p: &Path| -> PathBuf {
        p.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf()
    };
    let raw_abs = raw
        .file_name()
        .and_then(|n| absolute_clean(&dir_of(raw)).map(|d| d.join(n)));
    let Some(raw_abs) = raw_abs else {
        return raw.display().to_string();
    };
    let rel = absolute_clean(&dir_of(map_file)).and_then(|m| relative_to(&raw_abs, &m));
    rel.unwrap_or(raw_abs).display().to_string()
}

fn inside(child: &Path, dir: &Path) -> bool {
    let canon = |p: &Path| -> Option<PathBuf> {
        let parent = p.parent().filter(|q| !q.as_os_str().is_empty());
        match parent {
            Some(q) => std::fs::canonicalize(q)
                .ok()
                .map(|c| c.join(p.file_name().unwrap_or_default())),
            None => std::env::current_dir()
                .ok()
                .map(|c| c.join(p.file_name().unwrap_or_default())),
        }
    };
    match (canon(child), std::fs::canonicalize(dir)) {
        (Some(c), Ok(d)) => c.starts_with(d),
        _ => false,
    }
}

/// Write `content` to `path` with [`crate::atomic_file`], owner-only (an identity map is
/// the key to the applicants' names). A path that exists and is not a regular file
/// (`/dev/null`, a FIFO) is refused: renaming over it would replace the device, and an
/// identity map or bundle must be a real file.
pub fn write_atomic(path: &Path, content: &[u8]) -> Result<(), AnonError> {
    crate::atomic_file::store(path, content, crate::atomic_file::Options::PRIVATE).map_err(|e| {
        AnonError::Write {
            file: path.to_path_buf(),
            cause: e.source,
        }
    })
}

/// Anonymize raw application files into `opts.out_dir`, writing the identity
/// map to `opts.identity_map`.
///
/// Fatal (nothing written): the identity map exists and `force` is not set;
/// the identity map would land inside the output directory; the existing map
/// cannot be read. Per raw file (reported in [`Report::errors`], the others go
/// on): unreadable or invalid raw file, unknown program, a bundle that would
/// still hold personal data or be invalid, an existing bundle file with other
/// content (without `force`).
///
/// The identity map is written before the bundles, so no bundle ever exists
/// without its entry. Entries of the existing map that this run does not
/// replace are kept. A run that gives no bundle writes nothing (the map and its
/// signature stay as they were).
pub fn anonymize(inputs: &[PathBuf], opts: &Options) -> Result<Report, AnonError> {
    let map_path = &opts.identity_map;
    let old = if map_path.exists() {
        if !opts.force {
            return Err(AnonError::MapExists {
                file: map_path.clone(),
            });
        }
        read_map(map_path)?
    } else {
        IdentityMap::new()
    };
    std::fs::create_dir_all(&opts.out_dir).map_err(|cause| AnonError::Write {
        file: opts.out_dir.clone(),
        cause,
    })?;
    if inside(map_path, &opts.out_dir) {
        return Err(AnonError::Invalid {
            file: map_path.clone(),
            message: format!(
                "the identity map must not be written into the bundles directory {} that experts receive; choose another path",
                opts.out_dir.display()
            ),
        });
    }
    if let Some(p) = &opts.prefix {
        if !bundle::code_ok(&format!("{p}-001")) {
            return Err(AnonError::Invalid {
                file: PathBuf::from("--prefix"),
                message: format!("prefix `{p}` must be ASCII letters and digits"),
            });
        }
    }

    let files = expand_inputs(inputs)?;
    let mut report = Report::default();
    let mut used: BTreeSet<String> = old.entries.iter().map(|e| e.code.clone()).collect();
    let mut replaced: BTreeSet<String> = BTreeSet::new();
    let mut next_seq: BTreeMap<String, u32> = BTreeMap::new();
    let mut new_entries: Vec<MapEntry> = Vec::new();
    let mut pending: Vec<(PathBuf, String, Written)> = Vec::new();
    let mut seen_sha: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut rubrics: BTreeMap<String, rubric::Loaded> = BTreeMap::new();

    for f in files {
        let (raw, sha) = match read_raw(&f) {
            Ok(x) => x,
            Err(e) => {
                report.errors.push(e);
                continue;
            }
        };
        if let Some(first) = seen_sha.get(&sha) {
            report.errors.push(AnonError::Invalid {
                file: f.clone(),
                message: format!(
                    "same content as {}; each application is anonymized once",
                    first.display()
                ),
            });
            continue;
        }
        seen_sha.insert(sha.clone(), f.clone());
        let loaded = match &opts.rubric {
            Some(l) => l.clone(),
            None => match rubrics.get(&raw.program) {
                Some(l) => l.clone(),
                None => match bundle::rubric_for(&f, &raw.program) {
                    Ok(l) => {
                        rubrics.insert(raw.program.clone(), l.clone());
                        l
                    }
                    Err(e) => {
                        report.errors.push(e.into());
                        continue;
                    }
                },
            },
        };
        let raw_file = recorded_raw_path(&f, map_path);
        // Code: same sha256, else same file name, in the old map; else next free.
        let prior = old
            .entries
            .iter()
            .find(|e| e.raw_sha256 == sha && e.program == raw.program)
            .or_else(|| {
                old.entries.iter().find(|e| {
                    e.program == raw.program
                        && file_name(&e.raw_file) == file_name(&raw_file)
                        && !replaced.contains(&e.code)
                })
            })
            .filter(|e| !replaced.contains(&e.code));
        let mut seq_candidate: Option<(String, u32)> = None;
        let (code, reused) = match prior {
            Some(e) => (e.code.clone(), true),
            None => {
                let prefix = opts
                    .prefix
                    .clone()
                    .unwrap_or_else(|| program_prefix(&raw.program));
                let mut n = next_seq.get(&prefix).copied().unwrap_or(0);
                loop {
                    n += 1;
                    let c = format!("{prefix}-{n:03}");
                    if !used.contains(&c) {
                        seq_candidate = Some((prefix, n));
                        break (c, false);
                    }
                }
            }
        };
        let (b, redactions) = make_bundle(&raw, &code);
        if let Err(e) = verify_bundle(&f, &b, &raw.identity, &loaded.rubric) {
            // The code stays free for the next file.
            report.errors.push(e);
            continue;
        }
        let path = opts.out_dir.join(format!("{code}.json"));
        let content = bundle::to_json_pretty(&b);
        let unchanged = match std::fs::read(&path) {
            Ok(old_bytes) => {
                if old_bytes == content.as_bytes() {
                    true
                } else if !opts.force {
                    report
                        .errors
                        .push(AnonError::BundleExists { file: path.clone() });
                    continue;
                } else {
                    false
                }
            }
            Err(_) => false,
        };
        if let Some((prefix, n)) = seq_candidate {
            next_seq.insert(prefix, n);
        }
        used.insert(code.clone());
        replaced.insert(code.clone());
        new_entries.push(MapEntry {
            code: code.clone(),
            program: raw.program.clone(),
            raw_file: raw_file.clone(),
            raw_sha256: sha,
            bundle_sha256: Some(sha256_hex(content.as_bytes())),
            title: raw.title.clone(),
            identity: raw.identity.clone(),
        });
        pending.push((
            path.clone(),
            content,
            Written {
                code,
                raw_file: f.clone(),
                bundle_path: path,
                redactions,
                reused,
                unchanged,
            },
        ));
    }

    // The map: old entries not replaced, then this run's.
    let mut map = IdentityMap::new();
    map.entries = old
        .entries
        .into_iter()
        .filter(|e| !replaced.contains(&e.code))
        .collect();
    map.entries.extend(new_entries);
    map.entries.sort_by(|a, b| a.code.cmp(&b.code));
    report.map_entries = map.entries.len();
    // A run that gives no bundle leaves the map (and its signature) as it was.
    if !pending.is_empty() {
        let text = serde_json::to_string_pretty(&map).unwrap_or_default() + "\n";
        if let Some(parent) = map_path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|cause| AnonError::Write {
                file: parent.to_path_buf(),
                cause,
            })?;
        }
        write_atomic(map_path, text.as_bytes())?;
        let sig = signature::sig_path(map_path);
        match &opts.key {
            Some(key) => {
                write_atomic(
                    &sig,
                    signature::sign_map(text.as_bytes(), &map, key).as_bytes(),
                )?;
                report.signature = Some(sig);
            }
            None => {
                // A stale signature would make the new map look tampered with.
                if std::fs::symlink_metadata(&sig).is_ok() {
                    std::fs::remove_file(&sig)
                        .map_err(|cause| AnonError::Write { file: sig, cause })?;
                }
            }
        }
    }
    for (path, content, w) in pending {
        if !w.unchanged {
            write_atomic(&path, content.as_bytes())?;
        }
        report.written.push(w);
    }
    Ok(report)
}

/// sha256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

// ---------------------------------------------------------------------------
// reveal
// ---------------------------------------------------------------------------

/// One row of a results file: the code and the other columns, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultRow {
    pub code: String,
    pub fields: Vec<(String, String)>,
}

const CODE_KEYS: [&str; 4] = ["id", "code", "application", "app"];
const LIST_KEYS: [&str; 6] = [
    "applications",
    "shortlist",
    "ranking",
    "results",
    "rows",
    "codes",
];
/// Result columns shown by reveal (when present), in this order.
const SHOWN: [&str; 6] = [
    "rank",
    "total",
    "status",
    "shortlisted",
    "funding_wan",
    "eligibility",
];

/// A results CSV column's name as reveal matches it: trimmed, unquoted, the Chinese names of
/// `panel results --lang zh` (`申报编号`, `排名`, …) in English, the others in lower case; a
/// byte order mark before the first is dropped.
fn results_column(h: &str) -> String {
    let h = h.trim_start_matches('\u{feff}').trim().trim_matches('"');
    match crate::export::english_column(h) {
        Some(en) => en.to_string(),
        None => h.to_ascii_lowercase(),
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// Read a results file: a JSON array (of codes, or of objects with `id`,
/// `code`, `application` or `app`), a JSON object holding such an array under
/// `applications` (the output of `panel results`), `shortlist`, `ranking`,
/// `results`, `rows` or `codes`; a CSV with an `id`, `application` or `code`
/// column; or a plain list of codes, one per line (`#` starts a comment).
pub fn read_results(path: &Path) -> Result<Vec<ResultRow>, AnonError> {
    let (text, _) = bundle::read_json_text(path, MAX_RAW_BYTES)?;
    let bad = |message: String| AnonError::Invalid {
        file: path.to_path_buf(),
        message,
    };
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        let v: Value = rubric::parse_json(path, &text).map_err(BundleError::from)?;
        let (arr, at) = match &v {
            Value::Array(a) => (a, String::new()),
            Value::Object(o) => {
                let found = LIST_KEYS
                    .iter()
                    .find_map(|k| o.get(*k).and_then(Value::as_array).map(|a| (a, *k)));
                match found {
                    Some((a, k)) => (a, k.to_string()),
                    None => {
                        return Err(bad(format!(
                            "JSON object without a list of applications (expected one of: {})",
                            LIST_KEYS.join(", ")
                        )))
                    }
                }
            }
            _ => return Err(bad("expected a JSON array or object".into())),
        };
        let mut rows = Vec::new();
        for (i, x) in arr.iter().enumerate() {
            let loc = if at.is_empty() {
                format!("[{i}]")
            } else {
                format!("{at}[{i}]")
            };
            match x {
                Value::String(s) => rows.push(ResultRow {
                    code: s.trim().to_string(),
                    fields: vec![],
                }),
                Value::Object(o) => {
                    let code = CODE_KEYS
                        .iter()
                        .find_map(|k| o.get(*k).and_then(Value::as_str))
                        .ok_or_else(|| {
                            bad(format!(
                                "{loc}: no code (expected a string field {})",
                                CODE_KEYS.join(", ")
                            ))
                        })?;
                    let fields = SHOWN
                        .iter()
                        .filter_map(|k| o.get(*k).and_then(scalar_text).map(|v| (k.to_string(), v)))
                        .collect();
                    rows.push(ResultRow {
                        code: code.trim().to_string(),
                        fields,
                    });
                }
                _ => {
                    return Err(bad(format!(
                        "{loc}: expected a code (string) or an object with `id`"
                    )))
                }
            }
        }
        return Ok(rows);
    }
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let header: Vec<String> = first.split(',').map(results_column).collect();
    if header.len() > 1 || CODE_KEYS.contains(&header[0].as_str()) {
        let Some(ci) = header
            .iter()
            .position(|h| CODE_KEYS.contains(&h.as_str()) || h == "代码" || h == "编号")
        else {
            return Err(bad(format!(
                "CSV header has no `id`, `application` or `code` column (found: {})",
                header.join(", ")
            )));
        };
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let heads: Vec<String> = rdr
            .headers()
            .map_err(|e| bad(format!("CSV header: {e}")))?
            .iter()
            .map(results_column)
            .collect();
        let mut rows = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| bad(format!("CSV record {}: {e}", i + 1)))?;
            let Some(code) = rec.get(ci).map(str::trim).filter(|c| !c.is_empty()) else {
                continue;
            };
            let fields = heads
                .iter()
                .enumerate()
                .filter(|(j, h)| *j != ci && SHOWN.contains(&h.as_str()))
                .filter_map(|(j, h)| rec.get(j).map(|v| (h.clone(), v.trim().to_string())))
                .collect();
            rows.push(ResultRow {
                code: code.to_string(),
                fields,
            });
        }
        return Ok(rows);
    }
    Ok(text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| ResultRow {
            code: l.to_string(),
            fields: vec![],
        })
        .collect())
}

/// A results row joined with its identity.
#[derive(Debug, Clone)]
pub struct Revealed<'a> {
    pub row: ResultRow,
    pub entry: &'a MapEntry,
}

/// Join results rows with the identity map; returns the joined rows (in the
/// results' order) and the codes the map does not hold.
pub fn reveal(rows: Vec<ResultRow>, map: &IdentityMap) -> (Vec<Revealed<'_>>, Vec<String>) {
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for row in rows {
        match map.entry(&row.code) {
            Some(entry) => out.push(Revealed { row, entry }),
            None => unknown.push(row.code),
        }
    }
    (out, unknown)
}

/// What [`check_files`] found for one code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileCheck {
    /// The file is there and its sha256 is the map's.
    Matches,
    /// Not reachable from here (not given, or no such file).
    NotReachable,
    /// The map holds no sha256 for it (a map written before bundles were bound).
    NoHash,
    /// Differs: the message names the code and the file.
    Mismatch(String),
}

/// Where a raw file the map at `identity_map` records may be: an absolute path as it is; a
/// relative one from the identity map's folder first (maps record it so), then from the
/// current folder (older maps recorded the path as given to `panel anonymize`).
pub fn raw_candidates(identity_map: &Path, raw_file: &str) -> Vec<PathBuf> {
    let p = Path::new(raw_file);
    if p.is_absolute() {
        return vec![p.to_path_buf()];
    }
    let map_dir = identity_map
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut v = vec![map_dir.join(p)];
    let here = p.to_path_buf();
    let same = match (std::fs::canonicalize(map_dir), std::fs::canonicalize(".")) {
        (Ok(a), Ok(b)) => a == b,
        _ => map_dir == Path::new("."),
    };
    if !same {
        v.push(here);
    }
    v
}

/// Checks the bundle (`<bundles_dir>/<code>.json`: its sha256 and its `code`) and
/// the raw file (as the map at `identity_map` names it, see [`raw_candidates`]: its
/// sha256) of `entry`.
pub fn check_files(
    entry: &MapEntry,
    bundles_dir: Option<&Path>,
    identity_map: &Path,
) -> (FileCheck, FileCheck) {
    let code = &entry.code;
    let bundle = match bundles_dir.map(|d| d.join(format!("{code}.json"))) {
        None => FileCheck::NotReachable,
        Some(p) => match std::fs::read(&p) {
            Err(_) => FileCheck::NotReachable,
            Ok(bytes) => {
                let inner = serde_json::from_slice::<Value>(&bytes)
                    .ok()
                    .and_then(|v| v.get("code").and_then(Value::as_str).map(str::to_string));
                if inner.as_deref().is_some_and(|c| c != code) {
                    FileCheck::Mismatch(format!(
                        "code {code}: bundle {} is the bundle of {} (codes swapped in the identity map?)",
                        p.display(),
                        inner.unwrap_or_default()
                    ))
                } else {
                    match &entry.bundle_sha256 {
                        None => FileCheck::NoHash,
                        Some(h) if *h == sha256_hex(&bytes) => FileCheck::Matches,
                        Some(_) => FileCheck::Mismatch(format!(
                            "code {code}: bundle {} does not have the sha256 the identity map holds (edited bundle, edited map, or codes swapped)",
                            p.display()
                        )),
                    }
                }
            }
        },
    };
    let mut raw = FileCheck::NotReachable;
    for c in raw_candidates(identity_map, &entry.raw_file) {
        if let Ok(bytes) = std::fs::read(&c) {
            if sha256_hex(&bytes) == entry.raw_sha256 {
                raw = FileCheck::Matches;
                break;
            }
            if raw == FileCheck::NotReachable {
                raw = FileCheck::Mismatch(format!(
                    "code {code}: raw file {} does not have the sha256 the identity map holds (edited raw file, edited raw_sha256, or codes swapped)",
                    c.display()
                ));
            }
        }
    }
    (bundle, raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawApplication {
        let r = rubric::embedded("park-ip-trusteeship-2024").unwrap().rubric;
        RawApplication {
            schema: RAW_SCHEMA.into(),
            program: r.id.clone(),
            identity: Identity {
                applicant: "上海青禾科技园区管理有限公司".into(),
                aliases: vec!["青禾园区".into()],
                contact_person: Some("林晓燕".into()),
                address: Some("上海市青浦区青禾路88号".into()),
                ..Default::default()
            },
            title: "青禾园区知识产权集中托管项目".into(),
            requested_wan: Some(Decimal::from(40)),
            facts: serde_json::from_str(r#"{"fiscal_funding_wan": 40, "self_funding_wan": 20}"#)
                .unwrap(),
            sections: bundle::sections_saying(
                &r,
                "联系人林晓燕，手机 13912345678，地址上海市青浦区青禾路88号。",
            ),
            attachments: vec![],
        }
    }

    #[test]
    fn make_bundle_redacts_everything() {
        let r = rubric::embedded("park-ip-trusteeship-2024").unwrap().rubric;
        let raw = raw();
        let (b, red) = make_bundle(&raw, "T24-001");
        assert_eq!(b.title, "[已隐去:姓名/名称]知识产权集中托管项目");
        assert_eq!(
            b.sections[0].text,
            "联系人[已隐去:姓名/名称]，手机 [已隐去:手机号]，地址[已隐去:地址]。"
        );
        assert_eq!(red.by_label.get("地址"), Some(&7));
        verify_bundle(Path::new("raw.json"), &b, &raw.identity, &r).unwrap();
    }

    #[test]
    fn verify_refuses_personal_data() {
        let r = rubric::embedded("park-ip-trusteeship-2024").unwrap().rubric;
        let raw = raw();
        let (mut b, _) = make_bundle(&raw, "T24-001");
        b.sections[3].text = "请联系 13912345678".into();
        let e = verify_bundle(Path::new("raw/x.json"), &b, &raw.identity, &r)
            .unwrap_err()
            .to_string();
        assert!(e.contains("raw/x.json") && e.contains("mobile"), "{e}");
        assert!(e.contains("sections.implementation_plan"), "{e}");
        assert!(!e.contains("13912345678"), "{e}");
        b.sections[3].text = "上海市青浦区青禾路88号".into();
        let e = verify_bundle(Path::new("raw/x.json"), &b, &raw.identity, &r)
            .unwrap_err()
            .to_string();
        assert!(e.contains("地址"), "{e}");
    }

    /// The identity's values typed differently (findings of a new-user test) never
    /// reach the bundle, and the bundle check refuses them.
    #[test]
    fn identity_values_typed_differently_are_redacted() {
        let r = rubric::embedded("park-ip-trusteeship-2024").unwrap().rubric;
        let mut raw = raw();
        raw.identity.contact_person = Some("叶佳琪".into());
        raw.identity.address = Some("上海市青浦区青禾路884号5幢".into());
        raw.identity.postcode = Some("201395".into());
        raw.identity.bank = Some("中国工商银行上海青禾支行".into());
        raw.sections = bundle::sections_saying(&r, "项目由专人负责。");
        // The abbreviation is defined in one section and used in another.
        raw.sections[0].text =
            "上海青禾 科技园区管理有限公司（以下简称“青禾公司”）负责运营。".into();
        raw.sections[2].text = concat!(
            "青禾公司联系人叶 佳 琪。地址：上海市青浦区青禾路８８４号５幢；",
            "上海市青浦区青禾路884号；青浦区青禾路884号5幢。",
            "邮编２０１３９５，开户银行：中国工商银行上海青禾支行。"
        )
        .into();
        let (b, _) = make_bundle(&raw, "T24-001");
        assert_eq!(
            b.sections[0].text,
            "[已隐去:姓名/名称]（以下简称“[已隐去:姓名/名称]”）负责运营。"
        );
        assert_eq!(
            b.sections[2].text,
            concat!(
                "[已隐去:姓名/名称]联系人[已隐去:姓名/名称]。地址：[已隐去:地址]；",
                "[已隐去:地址]；[已隐去:地址]。",
                "邮编[已隐去:邮编]，开户银行：[已隐去:开户银行]。"
            )
        );
        verify_bundle(Path::new("raw.json"), &b, &raw.identity, &r).unwrap();
        // The same values left in a bundle: refused, with the kind and its label.
        let mut left = b.clone();
        left.sections[2].text =
            "注册地址：上海市青浦区青禾路884号5幢，邮编201395，开户银行：中国工商银行上海青禾支行"
                .into();
        let e = verify_bundle(Path::new("raw.json"), &left, &raw.identity, &r)
            .unwrap_err()
            .to_string();
        for want in ["address (地址)", "postcode (邮编)", "bank (开户银行)"] {
            assert!(e.contains(want), "{want}: {e}");
        }
        // An abbreviation defined after a redacted name (a hand-edited bundle) is
        // reported where it is defined and in every other text.
        left.sections[0].text = "[已隐去:姓名/名称]（以下简称“青禾公司”）负责运营。".into();
        left.sections[2].text = "青禾公司负责。".into();
        let e = verify_bundle(Path::new("raw.json"), &left, &raw.identity, &r)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("(姓名/名称) at sections.basic_info")
                && e.contains("(姓名/名称) at sections.work_plan"),
            "{e}"
        );
    }

    #[test]
    fn prefixes() {
        assert_eq!(program_prefix("park-ip-trusteeship-2024"), "T24");
        assert_eq!(program_prefix("ip-demo-park"), "DP");
        assert_eq!(
            program_prefix("special-fund-2022-high-value-center"),
            "SFHVC"
        );
        assert_eq!(program_prefix("my-program"), "MP");
    }

    /// The recorded raw path is relative to the map's folder, clean whatever way the raw
    /// file was typed (`//`, `./`, `..`), also for a map folder not made yet.
    #[test]
    fn raw_file_is_recorded_relative_to_the_map() {
        let d = tempfile::tempdir().unwrap();
        let raw_dir = d.path().join("raw");
        std::fs::create_dir_all(raw_dir.join("sub")).unwrap();
        std::fs::create_dir_all(d.path().join("sec")).unwrap();
        std::fs::write(raw_dir.join("A.json"), "{}").unwrap();
        let map = d.path().join("sec/m.json");
        let sep = std::path::MAIN_SEPARATOR;
        let want = format!("..{sep}raw{sep}A.json");
        let top = d.path().display().to_string();
        for given in [
            format!("{top}/raw/A.json"),
            format!("{top}//raw//A.json"),
            format!("{top}/raw/./A.json"),
            format!("{top}/raw/sub/../A.json"),
            format!("{top}/sec/../raw/A.json"),
        ] {
            assert_eq!(recorded_raw_path(Path::new(&given), &map), want, "{given}");
        }
        let raw = raw_dir.join("A.json");
        assert_eq!(recorded_raw_path(&raw, &raw_dir.join("m.json")), "A.json");
        assert_eq!(
            recorded_raw_path(&raw, &d.path().join("new/deeper/m.json")),
            format!("..{sep}..{sep}raw{sep}A.json")
        );
        assert_eq!(
            recorded_raw_path(&raw, &d.path().join("sec/../sec/./m.json")),
            want
        );
        // No relative path between different roots: absolute.
        assert_eq!(relative_to(Path::new("/a/b"), Path::new("c")), None);
        assert_eq!(
            relative_to(Path::new("/a/b/c.json"), Path::new("/a/d")),
            Some(PathBuf::from("../b/c.json"))
        );
    }

    #[test]
    fn results_formats() {
        let d = tempfile::tempdir().unwrap();
        let w = |name: &str, s: &str| {
            let p = d.path().join(name);
            std::fs::write(&p, s).unwrap();
            p
        };
        let rows = read_results(&w("a.txt", "# shortlist\nT24-001\n\n T24-003 \n")).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
            ["T24-001", "T24-003"]
        );
        let rows = read_results(&w(
            "b.json",
            r#"{"applications":[{"id":"T24-002","rank":1,"total":88.5,"shortlisted":true}]}"#,
        ))
        .unwrap();
        assert_eq!(rows[0].code, "T24-002");
        assert!(rows[0]
            .fields
            .contains(&("total".to_string(), "88.5".to_string())));
        let rows = read_results(&w("c.csv", "rank,application,total\n1,T24-004,90\n")).unwrap();
        assert_eq!(rows[0].code, "T24-004");
        assert_eq!(rows[0].fields[0], ("rank".to_string(), "1".to_string()));
        assert!(read_results(&w("d.csv", "rank,total\n1,2\n")).is_err());
        assert!(read_results(&w("e.json", r#"{"x":1}"#)).is_err());
        let rows = read_results(&w("f.json", r#"["T24-001","T24-002"]"#)).unwrap();
        assert_eq!(rows.len(), 2);
    }
}
