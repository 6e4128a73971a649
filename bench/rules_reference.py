#!/usr/bin/env python3
"""An independent reference of the rule-computed items of the two official rubrics.

Written from the seed texts alone (seed 000 附件3 评分标准 for `park-ip-trusteeship-2024`,
seed 004 附件4 for `ip-demo-park`) and the eight interpretation conventions of the design
brief, NOT from rubrics/*.json or src/rubric. Only the fact keys (the bundles' canonical
spelling) are shared with panel. Each function quotes the seed sentence it encodes.

Conventions applied (numbered as in the brief):
 1. 以上/以下/以内 include the number; 不足/超过 exclude it (不少于 = at least).
 2. A value in two bands: the band written with （含） wins, else the higher band.
 3. Continuous values leave no gaps (299.5 件/万人 → "250～299"; 19.9% → "10%（含）～20%").
 4. 每年 X 以上 = the minimum over the window years.
 5. 逐年增长 counts increases over four yearly values, base year first; the base year only
    serves the first comparison.
 6. A missing fact earns 0 and marks the criterion "fact missing".
 7. All-or-nothing clauses.
 8. Money in 万元.

Facts: a dict as in the bundles. A missing key, or null, is "missing" (null of a nullable
fact is "known absent": 0 but not missing). A value panel must refuse (negative counts,
wrong enum) is not evaluated here: `invalid(facts)` says so and the check expects panel to
refuse the facts.

Arithmetic: fractions.Fraction throughout (values are turned into Fractions via str()).
"""
from fractions import Fraction as F

# ---------------------------------------------------------------------------------------
# helpers


class Ctx:
    """Reads facts and records the missing ones per criterion."""

    def __init__(self, facts, nullable=()):
        self.facts = facts
        self.nullable = set(nullable)
        self.missing = set()

    def num(self, key):
        v = self.facts.get(key)
        if v is None:
            if not (key in self.facts and key in self.nullable):
                self.missing.add(key)
            return None
        if isinstance(v, bool):
            raise TypeError(key)
        return F(str(v))

    def flag(self, key):
        v = self.facts.get(key)
        if v is None:
            self.missing.add(key)
            return None
        return bool(v)

    def enum(self, key):
        v = self.facts.get(key)
        if v is None:
            self.missing.add(key)
        return v

    def years(self, key):
        v = self.facts.get(key)
        if v is None or any(x is None for x in v):
            self.missing.add(key)
            return None
        return [F(str(x)) for x in v]


def ratio_pct(num, den):
    """a / b × 100; a zero denominator gives None (no ratio: 0 points, not missing)."""
    if num is None or den is None or den == 0:
        return None
    return num / den * 100


def per10k(num, den):
    if num is None or den is None or den == 0:
        return None
    return num / den * 10000


def increases(vals):
    return sum(1 for a, b in zip(vals, vals[1:]) if b > a)


# ---------------------------------------------------------------------------------------
# seed 000 附件3: 2024 年上海市园区知识产权集中托管项目评审标准

PARK_NULLABLE = {"target_high_value_patent_growth_pct", "target_pct_applications",
                 "target_satisfaction_pct"}
PARK_NONNEG = ["smes_with_valid_patents", "national_ip_advantage_demo_firms",
               "municipal_patent_pilot_demo_units", "district_ip_pilot_demo_units",
               "ip_professional_staff", "pct_applications", "ip_pledge_financing_deals",
               "ip_insurance_policies", "patent_transfers", "patent_licenses",
               "target_firms_surveyed", "target_trust_agreements", "target_pct_applications",
               "target_license_transfers", "target_pledge_financing_wan",
               "target_product_filing_firms", "target_trainings", "target_trainee_visits",
               "target_new_professionals", "team_size", "fiscal_funding_wan",
               "self_funding_wan"]


# （1）产业符合本市“9+X”重点产业发展方向，得1分。
def park_A1_1(c):
    return F(1) if c.flag("industry_in_9x") else F(0)


# （2）拥有有效专利的中小企业80-99 家，得 1分；100 家及以上，得2分。
def park_A1_2(c):
    n = c.num("smes_with_valid_patents")
    if n is None:
        return F(0)
    if n >= 100:
        return F(2)
    if 80 <= n <= 99:
        return F(1)
    return F(0)


# （3）国家知识产权优势示范企业1家得 1分；上海市企事业专利工作试点示范单位 1家得 0.5 分，
# 区级知识产权试点示范单位1家得 0.2 分，累计总分不超过3分。
def park_A1_3(c):
    total = F(0)
    for key, rate in (("national_ip_advantage_demo_firms", F(1)),
                      ("municipal_patent_pilot_demo_units", F(1, 2)),
                      ("district_ip_pilot_demo_units", F(1, 5))):
        n = c.num(key)
        if n is not None:
            total += rate * n
    return min(total, F(3))


# （2）独立设置知识产权管理机构，得2分；非独立的，得1分。
def park_A2_2(c):
    return {"independent": F(2), "non_independent": F(1)}.get(c.enum("ip_office"), F(0))


# （3）知识产权专业管理人员1人，得 1分；2 人及以上,得 2分。
def park_A2_3(c):
    n = c.num("ip_professional_staff")
    if n is None:
        return F(0)
    return F(2) if n >= 2 else F(1) if n >= 1 else F(0)


# （4）具有专利商标管理系统的，得2分。
def park_A2_4(c):
    return F(2) if c.flag("has_ip_management_system") else F(0)


# （5）知识产权经费每年不足10 万元的，不得分；每年10-20 万元的，得1分；每年20 万元以上的，得2分。
# 每年 = the minimum over the years (conv. 4); 20 is in 10-20 and 20以上, neither （含）:
# the higher band (conv. 2); 不足10 excludes 10 (conv. 1).
def park_A2_5(c):
    ys = c.years("ip_budget_wan")
    if ys is None:
        return F(0)
    m = min(ys)
    if m >= 20:
        return F(2)
    if m >= 10:
        return F(1)
    return F(0)


# （2）PCT 专利申请每件得0.2分，累计总分不超过5分。
def park_A3_2(c):
    n = c.num("pct_applications")
    return F(0) if n is None else min(n * F(1, 5), F(5))


# （3）知识产权质押融资、保险每笔得1分；专利转让、许可每次得0.1 分；累计总分不超过 7分。
def park_A3_3(c):
    total = F(0)
    for key, rate in (("ip_pledge_financing_deals", F(1)), ("ip_insurance_policies", F(1)),
                      ("patent_transfers", F(1, 10)), ("patent_licenses", F(1, 10))):
        n = c.num(key)
        if n is not None:
            total += rate * n
    return min(total, F(7))


# （1）形成托管工作规程文件，明确服务范围、工作流程及绩效管理等内容，得3分。
def park_B2_1(c):
    return F(3) if c.flag("target_procedure_document") else F(0)


def _all(c, checks):
    """All-or-nothing (conv. 7): every fact is read (so each missing one is listed)."""
    ok = True
    for key, test in checks:
        v = c.flag(key) if test == "true" else c.num(key)
        if v is None:
            ok = False
        elif test == "true":
            ok = ok and v
        else:
            ok = ok and test(v)
    return ok


# （2）实地调研属地企业不少于150 家，形成调研报告，签订入托协议企业不少于50家，得 3分。
def park_B2_2(c):
    return F(3) if _all(c, [("target_firms_surveyed", lambda v: v >= 150),
                            ("target_survey_report", "true"),
                            ("target_trust_agreements", lambda v: v >= 50)]) else F(0)


# （3）入托企业高价值专利申请、PCT 专利申请具有量化指标，得5分。
# A quantified target is a stated number (null = not quantified). Reading checked against
# panel: a PCT target of 0 applications is not a target (nothing to achieve).
def park_B2_3(c):
    hv = c.num("target_high_value_patent_growth_pct")
    pct = c.num("target_pct_applications")
    return F(5) if hv is not None and pct is not None and pct > 0 else F(0)


# （4）入托企业完成专利许可转让不少于5次，达成专利商标质押融资交易不少于2000 万元，
# 专利产品备案企业不少于10家，得6分。
def park_B2_4(c):
    return F(6) if _all(c, [("target_license_transfers", lambda v: v >= 5),
                            ("target_pledge_financing_wan", lambda v: v >= 2000),
                            ("target_product_filing_firms", lambda v: v >= 10)]) else F(0)


# （5）培训不少于5次，累计不少于200 人次,其中培养知识产权工作者、知识产权师等专业人才不少于10人，得 3分。
def park_B2_5(c):
    return F(3) if _all(c, [("target_trainings", lambda v: v >= 5),
                            ("target_trainee_visits", lambda v: v >= 200),
                            ("target_new_professionals", lambda v: v >= 10)]) else F(0)


# （1）建立园区管理机构与知识产权服务机构协同工作机制，项目组人员不少于5人，得5分。
def park_C1_1(c):
    return F(5) if _all(c, [("has_service_agency_cooperation", "true"),
                            ("team_size", lambda v: v >= 5)]) else F(0)


# （2）配套经费符合要求，配套经费不得低于财政经费50%，且预算较为合理，得5分。
# (预算较为合理 is the expert's; the rule checks 配套 ≥ 50% × 财政.)
def park_C2_2(c):
    s = c.num("self_funding_wan")
    f = c.num("fiscal_funding_wan")
    if s is None or f is None:
        return F(0)
    return F(5) if s >= f * F(1, 2) else F(0)


# criterion id -> (max, [(item id, function)], override or None)
PARK = {
    "A1": (6, [("A1.1", park_A1_1), ("A1.2", park_A1_2), ("A1.3", park_A1_3)]),
    "A2": (10, [("A2.2", park_A2_2), ("A2.3", park_A2_3), ("A2.4", park_A2_4),
                ("A2.5", park_A2_5)]),
    "A3": (14, [("A3.2", park_A3_2), ("A3.3", park_A3_3)]),
    "B1": (20, []),
    "B2": (20, [("B2.1", park_B2_1), ("B2.2", park_B2_2), ("B2.3", park_B2_3),
                ("B2.4", park_B2_4), ("B2.5", park_B2_5)]),
    "B3": (10, []),
    "C1": (10, [("C1.1", park_C1_1)]),
    "C2": (10, [("C2.2", park_C2_2)]),
}

# ---------------------------------------------------------------------------------------
# seed 004 附件4: 上海市知识产权示范园区申报参考评价指标

DEMO_NULLABLE = {"grant_growth_pct"}
DEMO_NONNEG = ["ip_professional_staff", "ip_fulltime_staff", "total_firms",
               "firms_with_valid_patents", "firms_with_trademarks", "pct_applications_3y",
               "employees", "valid_invention_patents", "patents_granted_3y",
               "pledge_financing_wan", "dispute_cases_helped", "dispute_resolution_cases"]


def _flag(key, pts):
    return lambda c: F(pts) if c.flag(key) else F(0)


# 1 工作规划: 制定规划或计划得 2 分，纳入年度工作考核指标得 2 分，定期研究、部署、检查工作得 1 分
demo_1_1 = _flag("has_ip_plan", 2)
demo_1_2 = _flag("ip_in_annual_assessment", 2)
demo_1_3 = _flag("regular_ip_review", 1)
# 2 管理体系: 设有独立知识产权管理机构得 2 分；出台知识产权管理规章制度得 2分；
demo_2_1 = _flag("independent_ip_office", 2)
demo_2_2 = _flag("ip_management_rules", 2)


# 拥有知识产权专业管理人员 2 名或专职 1 名以上得 1 分
def demo_2_3(c):
    p = c.num("ip_professional_staff")
    f = c.num("ip_fulltime_staff")
    if (p is not None and p >= 2) or (f is not None and f >= 1):
        # one holding condition is enough: the other's absence does not matter
        c.missing.discard("ip_professional_staff")
        c.missing.discard("ip_fulltime_staff")
        return F(1)
    return F(0)


# 3 政策体系: 出台有关促进园区知识产权工作的政策、规章得 2 分；
# 专利资助政策体现以高质量专利创造、专利运用为导向得 2 分
demo_3_1 = _flag("ip_policies_issued", 2)
demo_3_2 = _flag("subsidy_quality_oriented", 2)


# 4 工作经费 (近三年园区知识产权工作经费投入情况):
# 每年投入10万元以上工作经费，且逐年增长得4分，两年增长得 3 分，仅一年增长得 2 分
# Four values, base year first; 每年 = the three window years (conv. 4, 5); the 10万 floor
# is read as applying to every grade (it opens the sentence).
def demo_4_1(c):
    ys = c.years("ip_budget_wan")
    if ys is None or min(ys[1:]) < 10:
        return F(0)
    return {3: F(4), 2: F(3), 1: F(2)}.get(increases(ys), F(0))


# 6: 比例 30%（含）以上得 3 分，20%（含）～30%得 2 分，10%（含）～20%得 1.0 分
def demo_6_1(c):
    r = ratio_pct(c.num("firms_with_valid_patents"), c.num("total_firms"))
    if r is None:
        return F(0)
    return F(3) if r >= 30 else F(2) if r >= 20 else F(1) if r >= 10 else F(0)


# 7: 比例 50%（含）以上得 3 分，40%（含）～50%得 2 分，30%（含）～40%得 1.0 分
def demo_7_1(c):
    r = ratio_pct(c.num("firms_with_trademarks"), c.num("total_firms"))
    if r is None:
        return F(0)
    return F(3) if r >= 50 else F(2) if r >= 40 else F(1) if r >= 30 else F(0)


# 8 (近三年 PCT 专利申请数量): 20 件以上得 8 分，10 件～19 件得 6 分，1～9 件得 3 分
def demo_8_1(c):
    n = c.num("pct_applications_3y")
    if n is None:
        return F(0)
    return F(8) if n >= 20 else F(6) if n >= 10 else F(3) if n >= 1 else F(0)


# 9 (有效发明专利总量/园区内企业职工总人数, 万人): 300 件以上得 2 分，250～299 件得 1.5 分,
# 200～249 件得 1 分，150（含）～199 件得 0.5 分
def demo_9_1(c):
    d = per10k(c.num("valid_invention_patents"), c.num("employees"))
    if d is None:
        return F(0)
    if d >= 300:
        return F(2)
    if d >= 250:
        return F(3, 2)
    if d >= 200:
        return F(1)
    if d >= 150:
        return F(1, 2)
    return F(0)


# 10 (近三年园区内企业共授权专利项数及年增幅): 1000 件以上得 1 分，100～999 件得 0.5 分；
def demo_10_1(c):
    n = c.num("patents_granted_3y")
    if n is None:
        return F(0)
    return F(1) if n >= 1000 else F(1, 2) if n >= 100 else F(0)


# 年增幅 10%（含）以上得 1 分，10%以下得 0.5 分  (10% itself: （含） wins → 1; no growth stated → 0)
def demo_10_2(c):
    g = c.num("grant_growth_pct")
    if g is None:
        return F(0)
    return F(1) if g >= 10 else F(1, 2)


# 13: 知识产权质押融资金额 5000 万（含）以上得 6分，1000-5000 万得 4 分，1000 万以下得 2 分。
# 1000 is in 1000-5000 and 1000以下, neither （含）: the higher band. 0 万 = no pledge
# financing at all, nothing to score.
def demo_13_1(c):
    v = c.num("pledge_financing_wan")
    if v is None or v <= 0:
        return F(0)
    return F(6) if v >= 5000 else F(4) if v >= 1000 else F(2)


# 知识产权保险工作开展较好的得 2 分，一般的得 1 分。
def demo_13_2(c):
    return {"good": F(2), "fair": F(1)}.get(c.enum("ip_insurance"), F(0))


# 成功开展知识产权证券化工作的得 8 分   (the criterion becomes 8)
def demo_13_override(c):
    return F(8) if c.flag("ip_securitization") else None


# 15: 开展专利导航的得 3 分，仅开展知识产权预警的得 2 分
demo_15_1 = _flag("patent_navigation", 3)
demo_15_2 = _flag("ip_early_warning", 2)

# 18: 园区常设维权援助(咨询)中心或类似工作机构得 2 分；
demo_18_1 = _flag("rights_assistance_center", 2)


# 协调园区内企业的知识产权纠纷，或帮助企业有效应对无效、侵权等问题得 2 分（需列举具体案例）
def demo_18_2(c):
    n = c.num("dispute_cases_helped")
    return F(2) if n is not None and n >= 1 else F(0)


# 19 (是否建立纠纷多元化解决机制，如果已建立，是否有相应的处理案例): 建立机制得 2 分，有具体处理案例得 2 分
demo_19_1 = _flag("diversified_dispute_mechanism", 2)


def demo_19_2(c):
    m = c.flag("diversified_dispute_mechanism")
    n = c.num("dispute_resolution_cases")
    return F(2) if m and n is not None and n >= 1 else F(0)


# 21: 建立宣传工作机制得 2 分；22: 建立培训机制得 2 分
demo_21_1 = _flag("publicity_mechanism", 2)
demo_22_1 = _flag("training_mechanism", 2)


# 23: 公共服务平台的服务项目建设完整且运行良好得 4 分；平台具有部分功能，且运行良好得 3 分,
# 具有公共服务平台得 1 分
def demo_23_1(c):
    return {"complete": F(4), "partial": F(3), "basic": F(1)}.get(
        c.enum("public_service_platform"), F(0))


# 27: 具体措施有效落实得 2 分（expert）；建立长效机制得 1 分
demo_27_2 = _flag("long_term_mechanism", 1)

DEMO = {
    "1": (5, [("1.1", demo_1_1), ("1.2", demo_1_2), ("1.3", demo_1_3)]),
    "2": (5, [("2.1", demo_2_1), ("2.2", demo_2_2), ("2.3", demo_2_3)]),
    "3": (4, [("3.1", demo_3_1), ("3.2", demo_3_2)]),
    "4": (4, [("4.1", demo_4_1)]),
    "5": (2, []),
    "6": (3, [("6.1", demo_6_1)]),
    "7": (3, [("7.1", demo_7_1)]),
    "8": (8, [("8.1", demo_8_1)]),
    "9": (2, [("9.1", demo_9_1)]),
    "10": (2, [("10.1", demo_10_1), ("10.2", demo_10_2)]),
    "11": (2, []),
    "12": (4, []),
    "13": (8, [("13.1", demo_13_1), ("13.2", demo_13_2), ("13.3", demo_13_override)]),
    "14": (3, []),
    "15": (3, [("15.1", demo_15_1), ("15.2", demo_15_2)]),
    "16": (2, []),
    "17": (4, []),
    "18": (4, [("18.1", demo_18_1), ("18.2", demo_18_2)]),
    "19": (4, [("19.1", demo_19_1), ("19.2", demo_19_2)]),
    "20": (3, []),
    "21": (4, [("21.1", demo_21_1)]),
    "22": (4, [("22.1", demo_22_1)]),
    "23": (4, [("23.1", demo_23_1)]),
    "24": (4, []),
    "25": (3, []),
    "26": (3, []),
    "27": (3, [("27.2", demo_27_2)]),
    "28": (10, []),  # 附加分, expert only
}

OVERRIDES = {"13.3"}

RUBRICS = {
    "park-ip-trusteeship-2024": (PARK, PARK_NULLABLE, PARK_NONNEG,
                                 {"ip_office": {"independent", "non_independent", "none"}}),
    "ip-demo-park": (DEMO, DEMO_NULLABLE, DEMO_NONNEG,
                     {"ip_insurance": {"good", "fair", "none"},
                      "public_service_platform": {"complete", "partial", "basic", "none"}}),
}


def invalid(rubric, facts):
    """Why panel must refuse these facts (negative count, unknown enum value), or None."""
    _, _, nonneg, enums = RUBRICS[rubric]
    for k in nonneg:
        v = facts.get(k)
        if v is not None and F(str(v)) < 0:
            return f"{k} negative"
    for k, allowed in enums.items():
        v = facts.get(k)
        if v is not None and v not in allowed:
            return f"{k} not one of {sorted(allowed)}"
    for k in ("ip_budget_wan",):
        for x in facts.get(k) or []:
            if x is not None and F(str(x)) < 0:
                return f"{k} entry negative"
    return None


def evaluate(rubric, facts):
    """{'items': {id: F}, 'criteria': {id: F}, 'missing': {crit id: set}, 'total': F}."""
    table, nullable, _, _ = RUBRICS[rubric]
    items, crits, missing = {}, {}, {}
    total = F(0)
    for cid, (cmax, fns) in table.items():
        c = Ctx(facts, nullable)
        s = F(0)
        override = None
        for iid, fn in fns:
            v = fn(c)
            if iid in OVERRIDES:
                items[iid] = v if v is not None else F(0)
                override = v
            else:
                items[iid] = v
                s += v
        value = override if override is not None else min(s, F(cmax))
        crits[cid] = value
        missing[cid] = c.missing
        total += value
    return {"items": items, "criteria": crits, "missing": missing, "total": total}


# ---------------------------------------------------------------------------------------
# the check: generate facts, run `panel rubric eval --json`, compare
#
#   python3 bench/rules_reference.py check PANEL_BINARY WORK_DIR [--quick] [--seed N]

import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

# boundary values per fact (exactly at, just below, just above each threshold of the seed)
PARK_VALUES = {
    "industry_in_9x": [True, False],
    "smes_with_valid_patents": [0, 1, 79, 80, 81, 98, 99, 100, 101, 1000],
    "national_ip_advantage_demo_firms": [0, 1, 2, 3, 4],
    "municipal_patent_pilot_demo_units": [0, 1, 2, 5, 6, 7],
    "district_ip_pilot_demo_units": [0, 1, 4, 5, 14, 15, 16],
    "ip_office": ["independent", "non_independent", "none"],
    "ip_professional_staff": [0, 1, 2, 3],
    "has_ip_management_system": [True, False],
    "pct_applications": [0, 1, 5, 24, 25, 26, 30, 100],
    "ip_pledge_financing_deals": [0, 1, 3, 6, 7, 8],
    "ip_insurance_policies": [0, 1, 3, 7],
    "patent_transfers": [0, 1, 9, 10, 35, 70, 71],
    "patent_licenses": [0, 1, 9, 10, 35, 69, 70],
    "target_procedure_document": [True, False],
    "target_firms_surveyed": [0, 149, 150, 151],
    "target_survey_report": [True, False],
    "target_trust_agreements": [0, 49, 50, 51],
    "target_high_value_patent_growth_pct": [None, 0, 0.5, 5, 20],
    "target_pct_applications": [None, 0, 1, 10],
    "target_license_transfers": [0, 4, 5, 6],
    "target_pledge_financing_wan": [0, 1999, 1999.99, 2000, 2000.5, 5000],
    "target_product_filing_firms": [0, 9, 10, 11],
    "target_trainings": [0, 4, 5, 6],
    "target_trainee_visits": [0, 199, 200, 201],
    "target_new_professionals": [0, 9, 10, 11],
    "team_size": [0, 4, 5, 6],
    "has_service_agency_cooperation": [True, False],
    "fiscal_funding_wan": [0, 10, 20, 40, 39.5],
    "self_funding_wan": [0, 5, 9.99, 10, 10.01, 19.75, 20, 40],
}
PARK_YEARS = [0, 5, 9.5, 9.99, 10, 10.5, 15, 19.9, 19.99, 20, 20.5, 30]

DEMO_VALUES = {
    "has_ip_plan": [True, False], "ip_in_annual_assessment": [True, False],
    "regular_ip_review": [True, False], "independent_ip_office": [True, False],
    "ip_management_rules": [True, False],
    "ip_professional_staff": [0, 1, 2, 3], "ip_fulltime_staff": [0, 1, 2],
    "ip_policies_issued": [True, False], "subsidy_quality_oriented": [True, False],
    "pct_applications_3y": [0, 1, 2, 9, 10, 11, 19, 20, 21, 100],
    "patents_granted_3y": [0, 99, 100, 101, 999, 1000, 1001],
    "grant_growth_pct": [None, -5, 0, 9.5, 9.99, 10, 10.01, 50],
    "pledge_financing_wan": [0, 0.5, 1, 999, 999.5, 1000, 1000.5, 4999, 4999.99, 5000, 5001],
    "ip_insurance": ["good", "fair", "none"],
    "ip_securitization": [True, False],
    "patent_navigation": [True, False], "ip_early_warning": [True, False],
    "rights_assistance_center": [True, False], "dispute_cases_helped": [0, 1, 2],
    "diversified_dispute_mechanism": [True, False], "dispute_resolution_cases": [0, 1, 2],
    "publicity_mechanism": [True, False], "training_mechanism": [True, False],
    "public_service_platform": ["complete", "partial", "basic", "none"],
    "long_term_mechanism": [True, False],
}
DEMO_YEARS = [0, 5, 9.5, 9.99, 10, 10.5, 12, 15]
# (numerator, denominator) pairs hitting ratio / density boundaries exactly
RATIO_PAIRS = [(0, 0), (5, 0), (0, 10), (1, 10), (99, 1000), (199, 1000), (2, 10), (201, 1000),
               (299, 1000), (3, 10), (301, 1000), (399, 1000), (4, 10), (499, 1000),
               (5, 10), (501, 1000), (1, 3), (2, 3), (10, 10), (12, 10), (9999, 100000)]
DENSITY_PAIRS = [(0, 0), (1, 0), (0, 100), (2999, 200000), (3, 200), (3001, 200000),
                 (3999, 200000), (4, 200), (4001, 200000), (4980, 200000), (4999, 200000),
                 (5, 200), (5001, 200000), (5990, 200000), (5999, 200000), (6, 200),
                 (6001, 200000), (3, 100), (1, 3), (100, 3), (20, 1)]


def _random_facts(rng, values, years_key, years_vals, n_years, p_missing):
    facts = {}
    for k, vals in values.items():
        if rng.random() < p_missing:
            continue
        facts[k] = rng.choice(vals) if rng.random() < 0.8 else _random_like(rng, vals)
    if rng.random() >= p_missing:
        facts[years_key] = [rng.choice(years_vals) for _ in range(n_years)]
    return facts


def _random_like(rng, vals):
    v = rng.choice(vals)
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return rng.randint(0, max(2 * v, 10))
    return round(rng.uniform(0, max(2 * v, 10)) * 2) / 2


def park_cases(rng, quick):
    cases = []
    base = lambda: _random_facts(rng, PARK_VALUES, "ip_budget_wan", PARK_YEARS, 3, 0.1)
    reps = 2 if quick else 6
    # every boundary of every fact, on random backgrounds, and as the only missing one
    for k, vals in PARK_VALUES.items():
        for v in vals:
            for _ in range(reps):
                f = base()
                f[k] = v
                cases.append(f)
        f = base()
        f.pop(k, None)
        cases.append(f)
    # 每年: all triples of a small value set, and a year left empty
    ys = PARK_YEARS if not quick else [9.99, 10, 19.99, 20]
    for a in ys:
        for b in ys:
            for c in ys[:: (1 if not quick else 2)]:
                f = base()
                f["ip_budget_wan"] = [a, b, c]
                cases.append(f)
    for pos in range(3):
        f = base()
        f["ip_budget_wan"] = [20, 20, 20]
        f["ip_budget_wan"][pos] = None
        cases.append(f)
    # all_of combinations: each condition at, below its threshold, or missing
    groups = {
        "B2.2": [("target_firms_surveyed", [149, 150, None]),
                 ("target_survey_report", [True, False, None]),
                 ("target_trust_agreements", [49, 50, None])],
        "B2.4": [("target_license_transfers", [4, 5, None]),
                 ("target_pledge_financing_wan", [1999.5, 2000, None]),
                 ("target_product_filing_firms", [9, 10, None])],
        "B2.5": [("target_trainings", [4, 5, None]), ("target_trainee_visits", [199, 200, None]),
                 ("target_new_professionals", [9, 10, None])],
        "B2.3": [("target_high_value_patent_growth_pct", [None, "absent", 0, 5]),
                 ("target_pct_applications", [None, "absent", 0, 1])],
        "C1.1": [("has_service_agency_cooperation", [True, False, None]),
                 ("team_size", [4, 5, None])],
        "C2.2": [("fiscal_funding_wan", [0, 20, 40, None]),
                 ("self_funding_wan", [0, 9.99, 10, 19.99, 20, None])],
    }
    for _, conds in groups.items():
        combos = [[]]
        for key, vals in conds:
            combos = [c + [(key, v)] for c in combos for v in vals]
        for combo in combos:
            f = base()
            for key, v in combo:
                f.pop(key, None)
                if v == "absent" or (v is None and key not in PARK_NULLABLE):
                    continue
                f[key] = v
            cases.append(f)
    # per-unit caps: PCT 0..40, A1.3 and A3.3 grids
    for n in range(0, 41):
        f = base()
        f["pct_applications"] = n
        cases.append(f)
    for a in range(0, 5):
        for b in range(0, 8):
            for d in (0, 1, 4, 5, 6, 15, 16):
                f = base()
                f.update(national_ip_advantage_demo_firms=a, municipal_patent_pilot_demo_units=b,
                         district_ip_pilot_demo_units=d)
                cases.append(f)
    for a in (0, 3, 6, 7, 8):
        for b in (0, 1, 4):
            for t in (0, 5, 9, 10, 30):
                f = base()
                f.update(ip_pledge_financing_deals=a, ip_insurance_policies=b,
                         patent_transfers=t, patent_licenses=rng.choice([0, 1, 10, 40]))
                cases.append(f)
    # invalid facts panel must refuse
    for k in ("smes_with_valid_patents", "pct_applications", "team_size", "self_funding_wan"):
        f = base()
        f[k] = -1
        cases.append(f)
    f = base()
    f["ip_office"] = "shared"
    cases.append(f)
    f = base()
    f["ip_budget_wan"] = [10, -1, 20]
    cases.append(f)
    # random, with more missing facts
    for _ in range(150 if quick else 1200):
        cases.append(_random_facts(rng, PARK_VALUES, "ip_budget_wan", PARK_YEARS, 3,
                                   rng.choice([0, 0.05, 0.3])))
    return cases


def demo_cases(rng, quick):
    cases = []

    def base():
        f = _random_facts(rng, DEMO_VALUES, "ip_budget_wan", DEMO_YEARS, 4, 0.1)
        for (nk, dk), pairs in ((("firms_with_valid_patents", "total_firms"), RATIO_PAIRS),
                                (("valid_invention_patents", "employees"), DENSITY_PAIRS)):
            if rng.random() > 0.1:
                f[nk], f[dk] = rng.choice(pairs)
        if rng.random() > 0.1:
            n, d = rng.choice(RATIO_PAIRS)
            f["firms_with_trademarks"] = n
            f.setdefault("total_firms", d)
            if f["total_firms"] != d:
                # keep the trademark ratio on a boundary against the shared denominator
                f["firms_with_trademarks"] = F(n, d or 1) * f["total_firms"]
                if f["firms_with_trademarks"].denominator != 1:
                    f["firms_with_trademarks"] = n
                    f["total_firms"] = d
                    f["firms_with_valid_patents"] = min(f.get("firms_with_valid_patents", 0), d)
                else:
                    f["firms_with_trademarks"] = int(f["firms_with_trademarks"])
        return f

    reps = 2 if quick else 6
    for k, vals in DEMO_VALUES.items():
        for v in vals:
            for _ in range(reps):
                f = base()
                if v is None:
                    f[k] = None
                else:
                    f[k] = v
                cases.append(f)
        f = base()
        f.pop(k, None)
        cases.append(f)
    for nk, dk, pairs in (("firms_with_valid_patents", "total_firms", RATIO_PAIRS),
                          ("firms_with_trademarks", "total_firms", RATIO_PAIRS),
                          ("valid_invention_patents", "employees", DENSITY_PAIRS)):
        for n, d in pairs:
            for _ in range(reps):
                f = base()
                f[nk], f[dk] = n, d
                if nk != "valid_invention_patents":
                    other = ("firms_with_trademarks" if nk == "firms_with_valid_patents"
                             else "firms_with_valid_patents")
                    f[other] = rng.randint(0, max(d, 1))
                cases.append(f)
        for miss in (nk, dk):
            f = base()
            f.pop(miss, None)
            cases.append(f)
    # growth windows: base year, then each window year up / equal / down, around the 10万 floor
    steps = [-1, 0, 1] if quick else [-2.5, -0.5, 0, 0.01, 0.5, 3]
    for b0 in ([9, 10, 11] if quick else [0, 9, 9.99, 10, 10.5, 12]):
        for s1 in steps:
            for s2 in steps:
                for s3 in steps:
                    ys = [b0, b0 + s1, b0 + s1 + s2, b0 + s1 + s2 + s3]
                    if min(ys) < 0:
                        continue
                    f = base()
                    f["ip_budget_wan"] = [round(y, 2) for y in ys]
                    cases.append(f)
    for pos in range(4):
        f = base()
        f["ip_budget_wan"] = [10, 11, 12, 13]
        f["ip_budget_wan"][pos] = None
        cases.append(f)
    # the override, with and without the other points of criterion 13
    for sec in (True, False, None):
        for pl in (None, 0, 999, 1000, 5000):
            for ins in ("good", "fair", "none", None):
                f = base()
                for k, v in (("ip_securitization", sec), ("pledge_financing_wan", pl),
                             ("ip_insurance", ins)):
                    f.pop(k, None)
                    if v is not None:
                        f[k] = v
                cases.append(f)
    # two-condition items
    for a in (True, False, None):
        for b in (0, 1, 2, None):
            for (ka, kb) in (("diversified_dispute_mechanism", "dispute_resolution_cases"),
                             ("patent_navigation", "ip_early_warning"),
                             ("rights_assistance_center", "dispute_cases_helped")):
                f = base()
                f.pop(ka, None)
                f.pop(kb, None)
                if a is not None:
                    f[ka] = a
                if b is not None:
                    f[kb] = b if kb != "ip_early_warning" else bool(b)
                cases.append(f)
    for p in (0, 1, 2, None):
        for q in (0, 1, None):
            f = base()
            f.pop("ip_professional_staff", None)
            f.pop("ip_fulltime_staff", None)
            if p is not None:
                f["ip_professional_staff"] = p
            if q is not None:
                f["ip_fulltime_staff"] = q
            cases.append(f)
    for k in ("pct_applications_3y", "employees", "pledge_financing_wan", "total_firms"):
        f = base()
        f[k] = -1
        cases.append(f)
    f = base()
    f["ip_insurance"] = "excellent"
    cases.append(f)
    for _ in range(150 if quick else 1200):
        f = _random_facts(rng, DEMO_VALUES, "ip_budget_wan", DEMO_YEARS, 4,
                          rng.choice([0, 0.05, 0.3]))
        f["total_firms"] = rng.choice([0, 1, 10, 97, 1000])
        f["firms_with_valid_patents"] = rng.randint(0, f["total_firms"] + 1)
        f["firms_with_trademarks"] = rng.randint(0, f["total_firms"] + 1)
        f["employees"] = rng.choice([0, 1, 200, 3333, 200000])
        f["valid_invention_patents"] = rng.randint(0, f["employees"] // 20 + 2)
        cases.append(f)
    return cases


def _json_num(v):
    if isinstance(v, F):
        return int(v) if v.denominator == 1 else float(v)
    return v


def run_case(panel, rubric_path, path):
    p = subprocess.run([panel, "rubric", "eval", rubric_path, path, "--json"],
                       capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def compare(rubric, facts, rc, out, err):
    """A list of disagreement strings (empty when panel agrees)."""
    why = invalid(rubric, facts)
    if why:
        return [] if rc != 0 else [f"panel accepted facts it must refuse ({why})"]
    if rc != 0:
        return [f"panel refused valid facts: {err.strip()[:300]}"]
    got = json.loads(out)
    ref = evaluate(rubric, facts)
    diffs = []
    seen_items = set()
    seen_crits = set()
    for c in got["criteria"]:
        cid = c["id"]
        seen_crits.add(cid)
        if cid not in ref["criteria"]:
            diffs.append(f"criterion {cid}: not in the reference")
            continue
        if F(str(c["auto"])) != ref["criteria"][cid]:
            diffs.append(f"criterion {cid}: panel {c['auto']} reference {ref['criteria'][cid]}")
        if set(c["missing_facts"]) != ref["missing"][cid]:
            diffs.append(f"criterion {cid}: missing panel {sorted(c['missing_facts'])} "
                         f"reference {sorted(ref['missing'][cid])}")
        for it in c["items"]:
            if it["kind"] == "expert":
                continue
            seen_items.add(it["id"])
            want = ref["items"].get(it["id"])
            if want is None:
                diffs.append(f"item {it['id']}: rule item not in the reference")
            elif F(str(it["auto"])) != want:
                diffs.append(f"item {it['id']}: panel {it['auto']} reference {want}  "
                             f"({it['explanation']})")
    for iid in set(ref["items"]) - seen_items:
        diffs.append(f"item {iid}: in the reference, not a rule item of panel")
    for cid in set(ref["criteria"]) - seen_crits:
        diffs.append(f"criterion {cid}: in the reference, not in panel")
    if F(str(got["auto_total"])) != ref["total"]:
        diffs.append(f"auto_total: panel {got['auto_total']} reference {ref['total']}")
    return diffs


def check(panel, work, quick, seed):
    rng = random.Random(seed)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    jobs = []
    for rubric, gen in (("park-ip-trusteeship-2024", park_cases), ("ip-demo-park", demo_cases)):
        rpath = os.path.join(root, "rubrics", rubric + ".json")
        for i, facts in enumerate(gen(rng, quick)):
            facts = {k: _json_num(v) for k, v in facts.items()}
            path = os.path.join(work, f"{rubric}-{i:05}.json")
            with open(path, "w") as fh:
                json.dump(facts, fh, ensure_ascii=False)
            jobs.append((rubric, rpath, path, facts))
    with ThreadPoolExecutor(max_workers=int(os.environ.get("JOBS", "2"))) as ex:
        results = list(ex.map(lambda j: run_case(panel, j[1], j[2]), jobs))
    bad = 0
    kinds = {}
    items = 0
    for (rubric, rpath, path, facts), (rc, out, err) in zip(jobs, results):
        diffs = compare(rubric, facts, rc, out, err)
        if rc == 0:
            items += sum(1 for c in json.loads(out)["criteria"] for it in c["items"]
                         if it["kind"] != "expert")
        if diffs:
            bad += 1
            for d in diffs:
                key = d.split(":")[0]
                kinds[key] = kinds.get(key, 0) + 1
            if bad <= 40:
                print(f"DISAGREE {panel} rubric eval {rpath} {path} --json")
                for d in diffs:
                    print("    " + d)
    refused = sum(1 for r in results if r[0] != 0)
    print(f"{len(jobs)} cases ({refused} refused as expected or not), {items} rule-item "
          f"evaluations compared; {bad} cases disagree")
    for k, n in sorted(kinds.items()):
        print(f"  {k}: {n}")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "check":
        args = sys.argv[4:]
        seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 20261204
        sys.exit(check(sys.argv[2], sys.argv[3], "--quick" in args, seed))
    print(__doc__)
    print("usage: rules_reference.py check PANEL WORK_DIR [--quick] [--seed N]")
    sys.exit(2)
