"""Reference data and demo content, idempotent: running it twice keeps what exists."""

import contextlib
import datetime as dt
import os
import re

from django.db import transaction
from django.utils import timezone

from assessments.criteria_io import load_fixture_table, load_reference_agencies
from assessments.enums import PeriodStatus, Role
from assessments.models import Agency, CriteriaTable, Period, User
from assessments.models.period import LOCAL_TZ
from assessments.models.program import program_2022
from scoring import parse_decimal

DEFAULT_DEMO_PASSWORD = "DongNai@2022"  # noqa: S105 (printed for demo accounts only)

FIXTURE_TABLES = ["2022-phu-luc-1.json", "2022-phu-luc-2.json", "2022-phu-luc-3.json"]

LEGAL_BASIS_2022 = (
    "Quyết định số 16/2022/QĐ-UBND ngày 28/3/2022 của UBND tỉnh Đồng Nai ban hành Quy định về "
    "đánh giá mức độ hoàn thành nhiệm vụ của các sở, ban, ngành, đơn vị sự nghiệp công lập trực "
    "thuộc UBND tỉnh và UBND các huyện, thành phố Long Khánh, Biên Hòa (điểm h, khoản 1, Điều 7)."
)

DEMO_ACCOUNTS = [
    # username, role, agency code, full name (first, last), job title
    ("donvi1", Role.OFFICER, "so-tai-chinh", ("Lan", "Nguyễn Thị"), "Chuyên viên Văn phòng Sở"),
    ("donvi2", Role.OFFICER, "huyen-trang-bom", ("Hùng", "Trần Văn"), "Chuyên viên Phòng VH-TT"),
    ("donvi3", Role.OFFICER, "dai-phat-thanh-truyen-hinh", ("Mai", "Lê Thị"), "Phó phòng Kỹ thuật"),
    (
        "thamdinh",
        Role.REVIEWER,
        "so-thong-tin-truyen-thong",
        ("Bình", "Phạm Huy"),
        "Chuyên viên phòng CNTT-VT",
    ),
    (
        "lanhdao",
        Role.LEAD,
        "so-thong-tin-truyen-thong",
        ("Tân", "Trần Minh"),
        "Phó Trưởng phòng CNTT-VT",
    ),
    ("quantri", Role.ADMIN, None, ("Quản trị", "Hệ thống"), "Quản trị hệ thống"),
]


def document_symbol(agency) -> str:
    """The agency's letters in a document's ký hiệu, as agencies write them: a People's
    Committee “UBND”, a department “STC”, “SKHĐT”, “SNgV”: its short name with “Sở” as “S”,
    abbreviations (“KH”, “NgV”) kept, other words (“Ban”, “tỉnh”) by their capital initial."""
    if agency.name.upper().startswith("UBND"):
        return "UBND"
    short = (agency.short_name or agency.code).replace("Sở ", "S ")
    parts = [part for part in re.split(r"[\s&\-–.,]+", short) if part]
    return "".join(
        part if sum(c.isupper() for c in part) > 1 or part.isupper() else part[0].upper()
        for part in parts
    )


def signer_title_of(agency) -> str:
    """Who signs an agency's report in the demo: a People's Committee signs on behalf of its
    collective (TM.), a department by its director, a unit by its head."""
    if agency.name.upper().startswith("UBND"):
        return "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    return "GIÁM ĐỐC" if agency.name.startswith("Sở") else "THỦ TRƯỞNG ĐƠN VỊ"


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def _load_tables(period: Period) -> None:
    for name in FIXTURE_TABLES:
        kind_code = {"1": "so-ban-nganh", "2": "don-vi-su-nghiep", "3": "ubnd-cap-huyen"}[name[-6]]
        if not CriteriaTable.objects.filter(period=period, kind__code=kind_code).exists():
            load_fixture_table(name, period)


@transaction.atomic
def ensure_period_2022() -> Period:
    department = Agency.objects.get(code="so-thong-tin-truyen-thong")
    period, _ = Period.objects.get_or_create(
        code="2022",
        defaults={
            "year": 2022,
            "title": "Đánh giá ứng dụng CNTT trong quản lý điều hành năm 2022",
            "window_start": dt.date(2022, 1, 1),
            "window_end": dt.date(2022, 10, 25),
            "self_assessment_deadline": dt.date(2022, 10, 30),
            "report_deadline": dt.date(2022, 11, 20),
            "evaluating_agency": department,
            "program": program_2022(department),
            "legal_basis": LEGAL_BASIS_2022,
            "guidance_document": "Công văn số 2083/STTTT-CNTT-VT ngày 22/8/2022 của Sở TT&TT",
            "status": PeriodStatus.REVIEW,
        },
    )
    _load_tables(period)
    return period


@transaction.atomic
def ensure_practice_period(today: dt.date | None = None) -> Period:
    """A practice period open from today for 30 days, so the demo works on any date. Its dates
    move forward when a rerun finds the deadline passed."""
    today = today or timezone.localdate()
    department = Agency.objects.get(code="so-thong-tin-truyen-thong")
    dates = {
        "window_start": dt.date(today.year, 1, 1),
        "window_end": today,
        "self_assessment_deadline": today + dt.timedelta(days=30),
        "report_deadline": today + dt.timedelta(days=50),
    }
    period, created = Period.objects.get_or_create(
        code="thuc-hanh",
        defaults={
            "year": today.year,
            "title": "Kỳ thực hành (làm quen với cổng đánh giá)",
            "is_practice": True,
            "evaluating_agency": department,
            "program": program_2022(department),
            "legal_basis": LEGAL_BASIS_2022,
            "guidance_document": "Công văn số 2083/STTTT-CNTT-VT ngày 22/8/2022 của Sở TT&TT",
            "status": PeriodStatus.SELF_ASSESSMENT,
            **dates,
        },
    )
    if not created and period.self_assessment_deadline < today:
        for key, value in dates.items():
            setattr(period, key, value)
        period.save(update_fields=list(dates))
    _load_tables(period)
    return period


@transaction.atomic
def ensure_demo_accounts(password: str) -> list[User]:
    """Create the demo accounts; an existing account keeps its password."""
    users = []
    for username, role, agency_code, (first, last), title in DEMO_ACCOUNTS:
        agency = Agency.objects.get(code=agency_code) if agency_code else None
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "agency": agency,
                "first_name": first,
                "last_name": last,
                "job_title": title,
                "email": f"{username}@demo.dongnai.gov.vn",
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        users.append(user)
    return users


def seed_reference() -> Period:
    load_reference_agencies()
    return ensure_period_2022()


# --- The replayed year's clock -----------------------------------------------------------------
# A replay of 2022 must read as 2022 everywhere a date is shown: submission, appraisal, messages,
# history, finalisation, publication (result sheets, public pages, open data). Every domain
# function and every auto_now field asks django.utils.timezone.now(); during the replay that
# answers the replayed instant, moved forward step by step. Only seed_demo replays, in its own
# single-threaded process.


class ReplayClock:
    def __init__(self, start: dt.datetime):
        self.instant = start

    def __call__(self) -> dt.datetime:
        return self.instant

    def at(self, instant: dt.datetime) -> None:
        self.instant = instant


@contextlib.contextmanager
def replay_clock(start: dt.datetime):
    real_now = timezone.now
    clock = ReplayClock(start)
    timezone.now = clock
    try:
        yield clock
    finally:
        timezone.now = real_now


def _local(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2022, month, day, hour, minute, tzinfo=LOCAL_TZ)


# The 2022 calendar of the replay (the last extended deadline is 4/11/2022).
REVIEW_STARTS = _local(11, 5, 8)
RETURNED_ON = _local(11, 7, 9)
ANSWERED_ON = _local(11, 9, 10)
AGREED_ON = _local(11, 11, 14)
FINALISED_ON = _local(11, 14, 9)
PERIOD_FINALISED_ON = _local(11, 15, 16)
PUBLISHED_ON = _local(11, 25, 8, 30)


# --- 2022 results ------------------------------------------------------------------------------
# The demo replays the 2022 cycle through the same domain functions a person triggers: officers
# fill and submit, the reviewer appraises and asks for explanations, the lead finalises and
# publishes. Everything is drawn from a random generator seeded per agency code, so every fresh
# database gets the same results.

DEMO_OFFICERS = {"so-tai-chinh": "donvi1", "huyen-trang-bom": "donvi2"}
DEMO_OFFICERS["dai-phat-thanh-truyen-hinh"] = "donvi3"

# Agencies that were late (with an extension granted by the lead) in the demo year.
DEMO_EXTENSIONS = {"khu-bao-ton-thien-nhien-van-hoa": dt.date(2022, 11, 4)}


def _officer_for(agency) -> User:
    """The agency's officer who submits: the demo account where there is one, else a demo officer
    `canbo-<agency code>` without a usable password (nobody logs in as them)."""
    username = DEMO_OFFICERS.get(agency.code)
    if username:
        return User.objects.get(username=username)
    user, created = User.objects.get_or_create(
        username=f"canbo-{agency.code}"[:150],
        defaults={
            "role": Role.OFFICER,
            "agency": agency,
            "first_name": "Cán bộ đầu mối",
            "last_name": "",
            "job_title": "Cán bộ đầu mối CNTT",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _demo_inputs(criterion, rng, quality: float) -> dict:
    """Inputs an agency of the given quality (0–1) would plausibly report for the criterion."""
    params = criterion.params or {}
    rule = criterion.rule
    if rule == "yes_no":
        return {"met": rng.random() < quality + 0.15}
    if rule == "deduction":
        return {"count": 1 if rng.random() > quality + 0.25 else 0}
    if rule == "count":
        size = len(params.get("items") or []) or 3
        return {"count": size if rng.random() < quality + 0.1 else rng.randint(0, size - 1)}
    if "options" in params:
        options = sorted(params["options"], key=lambda o: -float(o["points"]))
        roll = rng.random()
        index = 0 if roll < quality else (1 if roll < quality + (1 - quality) * 0.7 else 2)
        return {"option": options[min(index, len(options) - 1)]["key"]}
    if "checklist" in params:
        size = len(params["checklist"])
        keep = max(1, min(size, round(size * min(1.0, quality + rng.uniform(-0.1, 0.2)))))
        return {"checked": sorted(rng.sample(range(size), keep))}
    denominator = rng.randint(40, 2400)
    share = min(1.0, max(0.05, quality + rng.uniform(-0.25, 0.12)))
    return {"numerator": str(round(denominator * share)), "denominator": str(denominator)}


def _form_data(inputs: dict, *, not_applicable=False, reason="") -> dict:
    """The stored inputs as the self-assessment form posts them."""
    if not_applicable:
        return {"not_applicable": "on", "not_applicable_reason": reason}
    data = {}
    for name, value in inputs.items():
        if name == "met":
            data["met"] = "yes" if value else "no"
        elif name == "checked":
            data["checked"] = [str(index) for index in value]
            if not value:
                data["checked_none"] = "on"
        else:
            data[name] = str(value)
    return data


def _save_answer(item, *, actor, **form) -> None:
    from assessments import selfassessment
    from assessments.forms.answers import answer_of

    answer = answer_of(item, _form_data(**form))
    if answer.errors:  # the generator must only produce valid answers
        raise ValueError(f"{item.criterion.code}: {answer.errors.get_json_data()}")
    selfassessment.save_item(item, actor=actor, answer=answer.answer, expected_version=item.version)


def _adjusted_inputs(item) -> dict:
    """A reviewer's correction: a lower numerator than the agency reported."""
    inputs = dict(item.inputs)
    numerator = int(parse_decimal(inputs["numerator"]))
    inputs["numerator"] = str(max(0, numerator - max(1, numerator // 4)))
    return inputs


def _demo_submission(period, agency, *, reviewer, lead, index: int, clock: ReplayClock) -> None:
    import random

    from assessments import appraisal, selfassessment, services, workflow
    from assessments.models import Extension

    # Deterministic demo data, not security: a seeded generator per agency.
    rng = random.Random(f"{period.code}:{agency.code}")  # noqa: S311
    quality = rng.uniform(0.35, 1.0)
    step = dt.timedelta(minutes=index)
    clock.at(_local(10, 10, 8) + step)
    officer = _officer_for(agency)
    submission = services.get_or_create_submission(agency, period)
    items = list(submission.items.select_related("criterion").order_by("criterion__order"))
    for item in items:
        criterion = item.criterion
        # A board without fee-charging procedures has nothing to pay online (realistic N/A).
        if criterion.allow_not_applicable and rng.random() < 0.06:
            _save_answer(
                item,
                actor=officer,
                inputs={},
                not_applicable=True,
                reason="Đơn vị không có thủ tục hành chính thuộc phạm vi tiêu chí này trong kỳ.",
            )
        else:
            _save_answer(item, actor=officer, inputs=_demo_inputs(criterion, rng, quality))
    abbreviation = document_symbol(agency)
    selfassessment.add_evidence(
        submission,
        actor=officer,
        items=[item for item in items if item.criterion.code.startswith("I.")],
        doc_number=f"{rng.randint(10, 99)}/KH-{abbreviation}",
        doc_date=dt.date(2022, rng.randint(1, 4), rng.randint(1, 28)),
        issuer=agency.name,
        summary="Kế hoạch ứng dụng công nghệ thông tin, chuyển đổi số năm 2022",
    )
    report = selfassessment.add_evidence(
        submission,
        actor=officer,
        items=[item for item in items if not item.criterion.code.startswith("I.")],
        doc_number=f"{rng.randint(100, 999)}/BC-{abbreviation}",
        doc_date=dt.date(2022, 10, rng.randint(10, 20)),
        issuer=agency.name,
        summary="Báo cáo tình hình ứng dụng CNTT, chuyển đổi số năm 2022 (số liệu kèm theo)",
    )
    submission.document_number = report.doc_number
    submission.signer_title = signer_title_of(agency)
    submission.signer_name = ""
    submission.save(update_fields=["document_number", "signer_title", "updated_at"])

    extended = DEMO_EXTENSIONS.get(agency.code)
    if extended:
        Extension.objects.get_or_create(
            period=period,
            agency=agency,
            defaults={
                "new_deadline": extended,
                "reason": "Đơn vị đề nghị gia hạn do thay đổi cán bộ đầu mối CNTT.",
                "granted_by": lead,
            },
        )
        submitted_at = dt.datetime(2022, 11, 3, 15, 20, tzinfo=LOCAL_TZ)
    else:
        submitted_at = dt.datetime(
            2022, 10, rng.randint(18, 30), rng.randint(8, 16), tzinfo=LOCAL_TZ
        )
    clock.at(submitted_at)
    submission = workflow.submit(submission, actor=officer, now=submitted_at)

    # Sở TT&TT never appraises itself through a reviewer of its own staff: the lead does.
    appraiser = lead if agency.pk == period.evaluating_agency_id else reviewer
    clock.at(REVIEW_STARTS + step)
    submission = workflow.start_review(submission, actor=appraiser)
    items = list(submission.items.select_related("criterion").order_by("criterion__order"))
    ratio_items = [
        item
        for item in items
        if "numerator" in (item.inputs or {}) and parse_decimal(item.inputs["numerator"]) > 3
    ]
    adjusted = []
    if ratio_items and index % 3 == 0:
        for item in rng.sample(ratio_items, min(len(ratio_items), 1 + index % 2)):
            appraisal.correct_inputs(
                item,
                actor=appraiser,
                inputs=_adjusted_inputs(item),
                reason=(
                    "Số liệu tự đánh giá cao hơn số liệu trích xuất từ hệ thống của tỉnh; "
                    "điều chỉnh theo số liệu hệ thống đến ngày 25/10/2022."
                ),
            )
            adjusted.append(item)
    if adjusted and index % 2 == 0:
        clock.at(RETURNED_ON + step)
        submission = workflow.return_for_explanation(
            submission,
            actor=appraiser,
            message=(
                "Đề nghị đơn vị xem lại số liệu các tiêu chí đã điều chỉnh và cho ý kiến; "
                "nếu không đồng ý, đề nghị giải trình kèm tài liệu kiểm chứng."
            ),
            reply_by=dt.date(2022, 11, 10),
        )
        clock.at(ANSWERED_ON + step)
        for item in adjusted:
            appraisal.respond_to_item(
                item,
                actor=officer,
                response="agree",
                text="Đơn vị thống nhất với số liệu đã điều chỉnh.",
            )
        submission = workflow.answer(
            submission,
            actor=officer,
            message="Đơn vị đã rà soát và thống nhất số liệu điều chỉnh của Sở TT&TT.",
        )
    clock.at(AGREED_ON + step)
    if adjusted and index % 2 != 0:
        # Adjusted without an exchange: the lead decides, so the agreement is on record.
        submission = workflow.record_decision(
            submission,
            actor=lead,
            reason="Số liệu hệ thống của tỉnh là căn cứ; giữ kết quả thẩm định.",
        )
    else:
        submission = workflow.accept(submission, actor=appraiser)
    clock.at(FINALISED_ON + step)
    workflow.finalise(submission, actor=lead)


def ensure_results_2022(period: Period) -> bool:
    """Give the 2022 period complete results for every active agency, then finalise and publish
    it. Runs only on a period without submissions that is still open (so a second run, or a
    database where people already work on 2022, is left alone). Returns whether it ran."""
    from django.test.utils import override_settings

    from assessments import workflow
    from assessments.models import Notification

    if period.status not in (PeriodStatus.SELF_ASSESSMENT, PeriodStatus.REVIEW):
        return False
    if period.submissions.exists():
        return False
    reviewer = User.objects.get(username="thamdinh")
    lead = User.objects.get(username="lanhdao")
    last_notice = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # A replay of a past year: its e-mails would go to nobody, so they are not sent at all.
    dummy_mail = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    with dummy_mail, transaction.atomic(), replay_clock(_local(10, 1, 8)) as clock:
        agencies = Agency.objects.filter(is_active=True).select_related("kind")
        for index, agency in enumerate(agencies):
            _demo_submission(period, agency, reviewer=reviewer, lead=lead, index=index, clock=clock)
        clock.at(PERIOD_FINALISED_ON)
        period = workflow.change_period_status(period, "finalise_period", actor=lead)
        clock.at(PUBLISHED_ON)
        workflow.change_period_status(period, "publish_period", actor=lead)
        # Notices about a replayed year are history, not news for the demo users.
        Notification.objects.filter(pk__gt=last_notice).update(read_at=timezone.now())
    return True
