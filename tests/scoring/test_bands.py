from decimal import Decimal as D

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scoring import (
    GRADE_BANDS,
    Band,
    BandSet,
    Grade,
    InvalidBands,
    band_conditions,
    classify,
    classify_band,
    grade_of,
    label_of,
    round_to,
    score_table,
)
from tests.scoring.sample_tables import full_marks, phu_luc_1

MODEST = settings(max_examples=200, deadline=None)

FIVE_BANDS = BandSet(
    (Band("A", D("90")), Band("B", D("80")), Band("C", D("65")), Band("D", D("50")), Band("E", 0)),
    scale_max=D("100"),
)


# --- the 2022 letter is one band set among others ------------------------------------------


def test_classify_of_the_2022_letter_is_unchanged():
    assert classify(D("2.50")) == Grade.A_PLUS
    assert classify(D("2.494")) == Grade.A


@pytest.mark.parametrize(
    ("score", "label"),
    [
        ("3.00", "A+"),
        ("2.495", "A+"),
        ("2.494", "A"),
        ("1.50", "A"),
        ("1.49", "B"),
        ("0.50", "B"),
        ("0.49", "C"),
        ("0", "C"),
        ("-0.25", "C"),
    ],
)
def test_the_2022_bands_grade_every_boundary_as_classify_does(score, label):
    band = classify_band(D(score), GRADE_BANDS)
    assert band.label == label == classify(D(score)).value
    assert grade_of(band) == classify(D(score))


@pytest.mark.parametrize(
    ("score", "label"),
    [
        ("100", "A"),
        ("90", "A"),
        ("89.995", "A"),  # rounded half-up to 90.00 first
        ("89.994", "B"),
        ("80", "B"),
        ("79.99", "C"),
        ("65", "C"),
        ("64.99", "D"),
        ("50", "D"),
        ("49.99", "E"),
        ("0", "E"),
    ],
)
def test_five_bands_on_a_hundred_points(score, label):
    assert classify_band(D(score), FIVE_BANDS).label == label


def test_rounding_follows_the_precision_of_the_scale():
    whole = BandSet((Band("Tốt", 90), Band("Khá", 70), Band("Trung bình", 50), Band("Yếu", 0)), 0)
    assert classify_band(D("89.5"), whole).label == "Tốt"
    assert classify_band(D("89.49"), whole).label == "Khá"
    assert round_to(D("89.5"), 0) == D("90")
    assert round_to(D("0.075"), 2) == D("0.08")
    assert str(round_to(D("-0.004"), 2)) == "0.00"


def test_a_ranking_only_set_gives_no_band():
    ranking = BandSet(())
    assert ranking.is_ranking_only
    assert classify_band(D("75"), ranking) is None
    assert label_of(None) == ""
    assert band_conditions(ranking) == []


def test_conditions_read_as_the_2022_workbook_printed_them():
    assert band_conditions(GRADE_BANDS) == [
        ("A+", "Điểm ≥ 2,50"),
        ("A", "1,50 ≤ điểm < 2,50"),
        ("B", "0,50 ≤ điểm < 1,50"),
        ("C", "Điểm < 0,50"),
    ]


def test_storage_round_trip_keeps_the_precision():
    stored = FIVE_BANDS.as_list()
    assert stored[0] == {"label": "A", "lowest": "90.00"}
    assert BandSet.from_list(stored, scale_max=D("100")) == FIVE_BANDS


def test_score_table_grades_with_a_band_set():
    result = score_table(
        phu_luc_1(),
        full_marks(),
        thresholds=BandSet.from_list(
            [{"label": "Tốt", "lowest": "2.8"}, {"label": "Chưa tốt", "lowest": "0"}]
        ),
    )
    assert (result.score, result.grade.label) == (D("3.00"), "Tốt")
    assert score_table(phu_luc_1(), full_marks(), thresholds=BandSet(())).grade is None


# --- validation: a sentence naming the band -----------------------------------------------


@pytest.mark.parametrize(
    ("bands", "kwargs", "position", "field", "message"),
    [
        (
            [("A", "80"), ("B", "90")],
            {},
            1,
            "lowest",
            "Mức “B”: điểm thấp nhất phải nhỏ hơn của mức “A” (80); các mức xếp từ cao xuống thấp.",
        ),
        ([("A", "80"), ("a", "70")], {}, 1, "label", "Mức thứ 2: tên mức “a” bị trùng."),
        ([("", "80")], {}, 0, "label", "Mức thứ 1: chưa nhập tên mức."),
        (
            [("A", "120")],
            {"scale_max": D("100")},
            0,
            "lowest",
            "Mức “A”: điểm thấp nhất 120 vượt điểm tối đa của thang điểm (100).",
        ),
        (
            [("A", "89.5")],
            {"precision": 0},
            0,
            "lowest",
            "Mức “A”: điểm thấp nhất 89,5 có nhiều chữ số thập phân hơn độ chính xác của thang "
            "điểm (0 chữ số).",
        ),
    ],
)
def test_a_band_set_out_of_order_or_duplicated_is_refused(bands, kwargs, position, field, message):
    with pytest.raises(InvalidBands) as refused:
        BandSet(tuple(Band(label, D(lowest)) for label, lowest in bands), **kwargs)
    assert (refused.value.position, refused.value.field, refused.value.message) == (
        position,
        field,
        message,
    )


def test_the_lowest_band_may_start_below_zero():
    bands = BandSet((Band("Đạt", 0), Band("Không đạt", D("-10"))))
    assert classify_band(D("-3"), bands).label == "Không đạt"


# --- properties for any scale and band set ------------------------------------------------

scales = st.sampled_from([D("3"), D("10"), D("100"), D("1000")])
precisions = st.integers(min_value=0, max_value=2)


@st.composite
def band_sets(draw):
    scale = draw(scales)
    places = draw(precisions)
    step = D(1).scaleb(-places)
    top = int(scale / step)
    starts = draw(
        st.lists(st.integers(min_value=-top, max_value=top), min_size=0, max_size=8, unique=True)
    )
    starts.sort(reverse=True)
    labels = draw(
        st.lists(
            st.text(alphabet="ABCDEFKTốtháyếu+ ", min_size=1, max_size=6)
            .map(str.strip)
            .filter(bool),
            min_size=len(starts),
            max_size=len(starts),
            unique_by=str.casefold,
        )
    )
    bands = tuple(Band(label, start * step) for label, start in zip(labels, starts, strict=True))
    return BandSet(bands, precision=places, scale_max=scale)


@st.composite
def scores(draw, scale):
    cents = draw(st.integers(min_value=-int(scale * 100), max_value=int(scale * 100)))
    extra = draw(st.integers(min_value=0, max_value=9))
    return D(cents) / 100 + D(extra) / 1000


@MODEST
@given(data=st.data())
def test_every_score_falls_in_exactly_one_band(data):
    bands = data.draw(band_sets())
    score = data.draw(scores(bands.scale_max))
    band = classify_band(score, bands)
    if bands.is_ranking_only:
        assert band is None
        return
    rounded = round_to(score, bands.precision)
    containing = [
        candidate
        for position, candidate in enumerate(bands.bands)
        if (position == len(bands) - 1 or rounded >= candidate.lowest)
        and (position == 0 or rounded < bands.bands[position - 1].lowest)
    ]
    assert containing == [band]


@MODEST
@given(data=st.data())
def test_bands_stay_ordered_and_their_labels_unique(data):
    bands = data.draw(band_sets())
    lowest = [band.lowest for band in bands]
    assert lowest == sorted(lowest, reverse=True) and len(set(lowest)) == len(lowest)
    assert len({band.label.casefold() for band in bands}) == len(bands)
    assert (
        BandSet.from_list(bands.as_list(), precision=bands.precision, scale_max=bands.scale_max)
        == bands
    )


@MODEST
@given(data=st.data())
def test_a_higher_score_never_gets_a_lower_band(data):
    bands = data.draw(band_sets())
    assume(not bands.is_ranking_only)
    low, high = sorted([data.draw(scores(bands.scale_max)), data.draw(scores(bands.scale_max))])
    order = {band.label: position for position, band in enumerate(bands)}
    assert order[classify_band(high, bands).label] <= order[classify_band(low, bands).label]


@MODEST
@given(value=st.decimals(min_value=-1000, max_value=1000, places=4), places=precisions)
def test_rounding_follows_precision(value, places):
    rounded = round_to(value, places)
    assert -rounded.as_tuple().exponent == places
    assert abs(rounded - value) <= D(5).scaleb(-places - 1)
