"""The factories' shortcuts build exactly what the product would."""

from assessments.criteria_io import dump_table, load_fixture_table
from assessments.demo import FIXTURE_TABLES
from tests.factories import make_period


def test_a_periods_copied_tables_equal_a_fresh_load_of_the_fixtures(reference):
    make_period(code="2021", year=2021)  # the first period of a session loads, later ones copy
    copied = make_period(code="2022", year=2022)
    fresh = make_period(code="2023", year=2023, tables=False)
    for name in FIXTURE_TABLES:
        load_fixture_table(name, fresh)

    def tables(period):
        return [dump_table(table) for table in period.tables.order_by("kind__order")]

    def orders(period):
        return list(
            period.tables.order_by("kind__order", "criteria__order").values_list(
                "kind__code", "criteria__code", "criteria__order", "criteria__parent__code"
            )
        )

    assert tables(copied) == tables(fresh)
    assert orders(copied) == orders(fresh)
    assert [t.criteria.count() for t in copied.tables.order_by("kind__order")] == [26, 24, 30]
