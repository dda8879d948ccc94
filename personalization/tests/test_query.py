"""Edge cases of the path-parameter engine; no database needed."""

import itertools
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db.models import Q
from hypothesis import given, settings
from hypothesis import strategies as st

from personalization.query import (
    ColumnType,
    ObjectSchema,
    Query,
    QueryError,
    Term,
    parse_path,
)

T = ColumnType
USERS = ObjectSchema(
    name="users",
    columns={
        "id": T.INT,
        "email": T.TEXT,
        "first_name": T.TEXT,
        "country": T.TEXT,
        "age": T.INT,
        "score": T.FLOAT,
        "balance": T.DECIMAL,
        "active": T.BOOL,
        "created": T.DATETIME,
        "data": T.JSON,
    },
    indexed={"id", "email"},
)
SCHEMAS = {"users": USERS, "products": ObjectSchema("products", {"id": T.INT, "name": T.TEXT}, {"id"})}

_LOOKUP = {
    "exact": lambda a, b: a == b,
    "gt": lambda a, b: a > b,
    "lt": lambda a, b: a < b,
    "gte": lambda a, b: a >= b,
    "lte": lambda a, b: a <= b,
    "in": lambda a, b: a in b,
}


def matches(q: Q, row: dict) -> bool:
    """Evaluate a Q against a plain dict, the way the database would (no NULLs here)."""
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(matches(child, row))
        else:
            lookup, value = child
            column, _, name = lookup.partition("__")
            results.append(_LOOKUP[name or "exact"](row[column], value))
    result = all(results) if q.connector == Q.AND else any(results)
    return not result if q.negated else result


def parse(path: str) -> Query:
    return parse_path(path, SCHEMAS)


def test_bare_object_gets_defaults():
    query = parse("users")
    assert query == Query(object_name="users")
    assert query.limit == 1000 and query.offset == 0
    assert query.ordering() == ["id"]
    assert query.filter_q() == Q()
    assert not query.has_selector()


def test_id_segment_selects_and_combines_with_where():
    query = parse("users/42/where/age>30")
    assert query.id == 42 and query.has_selector()
    q = query.filter_q()
    assert matches(q, {"id": 42, "age": 31})
    assert not matches(q, {"id": 42, "age": 30})
    assert not matches(q, {"id": 41, "age": 31})


@pytest.mark.parametrize(
    ("condition", "passing", "failing"),
    [
        ("age=30", [30], [29, 31]),
        ("age!=30", [29, 31], [30]),
        ("age>30", [31], [30, 29]),
        ("age<30", [29], [30, 31]),
        ("age>=30", [30, 31], [29]),
        ("age<=30", [29, 30], [31]),
        ("age:29,31", [29, 31], [30]),
        ("age!:29,31", [30], [29, 31]),
    ],
)
def test_every_operator(condition, passing, failing):
    q = parse(f"users/where/{condition}").filter_q()
    assert all(matches(q, {"age": age}) for age in passing)
    assert not any(matches(q, {"age": age}) for age in failing)


def test_operator_lookups_and_negation():
    assert parse("users/where/age>=1").filter_q() == Q(age__gte=1)
    assert parse("users/where/age!=1").filter_q() == ~Q(age__exact=1)
    assert parse("users/where/age!:1,2").filter_q() == ~Q(age__in=[1, 2])
    assert parse("users/where/country:FR,DE").where == [[Term("country", ":", ["FR", "DE"])]]


def test_and_binds_tighter_than_or():
    query = parse("users/where/age=1|email=b&country=c")
    assert query.where == [[Term("age", "=", 1)], [Term("email", "=", "b"), Term("country", "=", "c")]]
    assert query.filter_q() == Q(age__exact=1) | (Q(email__exact="b") & Q(country__exact="c"))
    for a, b, c in itertools.product([True, False], repeat=3):
        row = {"age": 1 if a else 0, "email": "b" if b else "x", "country": "c" if c else "x"}
        assert matches(query.filter_q(), row) == (a or (b and c))


def test_example_from_the_brief():
    query = parse(
        "users/where/email=a%40b.com&country:FR,DE|first_name=Al/order_by_desc/id/limit/10,20/columns/id,email"
    )
    assert query.where == [
        [Term("email", "=", "a@b.com"), Term("country", ":", ["FR", "DE"])],
        [Term("first_name", "=", "Al")],
    ]
    assert query.ordering() == ["-id"]
    assert (query.offset, query.limit) == (10, 20)
    assert query.columns == ["id", "email"] and query.column is None
    assert query.uses_unindexed_filter(USERS)


def test_ordering():
    assert parse("users/order_by/country,age").ordering() == ["country", "age"]
    assert parse("users/order_by_desc/country,age").ordering() == ["-country", "-age"]


@pytest.mark.parametrize(
    ("value", "offset", "limit"), [("10", 0, 10), ("5,20", 5, 20), ("0", 0, 0), ("1000", 0, 1000), ("7,1000", 7, 1000)]
)
def test_limit(value, offset, limit):
    query = parse(f"users/limit/{value}")
    assert (query.offset, query.limit) == (offset, limit)


def test_columns_and_column():
    assert parse("users/columns/email,first_name").columns == ["email", "first_name"]
    query = parse("users/3/column/email")
    assert query.column == "email" and query.columns is None


def test_modifiers_in_any_order_and_trailing_slash():
    a = parse("users/limit/5/where/age=1/column/email/")
    b = parse("/users/column/email/where/age=1/limit/5")
    assert a == b


def test_values_are_decoded_after_splitting():
    query = parse("users/where/email=a%2Fb%26first_name%3Dc%7Cd%25e")
    assert query.where == [[Term("email", "=", "a/b&first_name=c|d%e")]]
    query = parse("users/where/country:FR%2CDE,IT&first_name!:%C3%A9")
    assert query.where == [[Term("country", ":", ["FR,DE", "IT"]), Term("first_name", "!:", ["é"])]]
    assert parse("users/columns/first%5Fname").columns == ["first_name"]


def test_value_may_contain_raw_operator_characters_after_the_operator():
    assert parse("users/where/email=a=b").where == [[Term("email", "=", "a=b")]]
    assert parse("users/where/email=").where == [[Term("email", "=", "")]]


def test_types_are_converted():
    query = parse("users/where/active=true&active!=0&score>1.5&balance<=10.25&created>=2024-05-31T12:00:00")
    values = [term.value for term in query.where[0]]
    assert values == [True, False, 1.5, Decimal("10.25"), datetime(2024, 5, 31, 12, tzinfo=UTC)]
    assert parse("users/where/active:1,FALSE").where[0][0].value == [True, False]
    assert parse("users/where/age=-3").where[0][0].value == -3


def test_selectors_and_index_use():
    assert not parse("users/where/email=x|id=3").uses_unindexed_filter(USERS)
    assert parse("users/where/email=x|first_name=Al").uses_unindexed_filter(USERS)
    assert not parse("users/7").uses_unindexed_filter(USERS)
    assert parse("users/where/age=1").has_selector()
    assert not parse("users/limit/5").has_selector()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("", "Missing object name: use /rest/{object}"),
        ("usres", 'Unknown object "usres"'),
        ("users/where/frist_name=Al", 'Unknown column "frist_name" for object "users"'),
        ("users/order_by/nope", 'Unknown column "nope" for object "users"'),
        ("users/columns/id,,email", "columns: empty column name"),
        ("users/columns/id,id", 'columns: column "id" is listed twice'),
        (
            "users/abc",
            'Unknown modifier "abc": expected a numeric id or where, order_by, order_by_desc, limit, columns, column',
        ),
        ("users/5/sort/id", 'Unknown modifier "sort": expected where, order_by, order_by_desc, limit, columns, column'),
        ("users//limit/5", "Empty path segment (two slashes in a row?)"),
        ("users/limit/5/limit/6", 'Modifier "limit" is given more than once'),
        ("users/where/age=1/where/age=2", 'Modifier "where" is given more than once'),
        ("users/order_by/id/order_by_desc/id", 'Modifiers "order_by" and "order_by_desc" cannot be used together'),
        ("users/column/id/columns/id", 'Modifiers "column" and "columns" cannot be used together'),
        ("users/limit", 'Modifier "limit" needs a value: /limit/{value}'),
        ("users/limit/", 'Modifier "limit" needs a value: /limit/{value}'),
        ("users/limit/1001", "limit: at most 1000 records per request"),
        ("users/limit/0,99999999999999999999999", "limit: at most 1000 records per request"),
        ("users/limit/99999999999999999999,5", "limit: offset is too large"),
        ("users/limit/-5", 'limit: expected /limit/{count} or /limit/{offset},{count} with whole numbers, got "-5"'),
        (
            "users/limit/1,2,3",
            'limit: expected /limit/{count} or /limit/{offset},{count} with whole numbers, got "1,2,3"',
        ),
        ("users/99999999999999999999", 'id: "99999999999999999999" is too large'),
        ("users/where/age", 'where: no operator in "age"; use one of != >= <= !: = > < :'),
        ("users/where/age!5", 'where: bad operator in "age!5"; use one of != >= <= !: = > < :'),
        ("users/where/=5", 'where: missing column name before "="'),
        ("users/where/age=1&", "where: empty condition (a doubled or trailing & or |?)"),
        ("users/where/age=1||age=2", "where: empty condition (a doubled or trailing & or |?)"),
        ("users/where/id=abc", 'where: column "id" expects a whole number, got "abc"'),
        ("users/where/age=", 'where: column "age" expects a whole number, got ""'),
        (
            "users/where/age=99999999999999999999",
            'where: column "age" expects a whole number, got "99999999999999999999"',
        ),
        ("users/where/active=yes", 'where: column "active" expects 1, 0, true or false, got "yes"'),
        ("users/where/score>1e999", 'where: column "score" expects a number, got "1e999"'),
        ("users/where/balance=NaN", 'where: column "balance" expects a decimal number, got "NaN"'),
        (
            "users/where/created<soon",
            'where: column "created" expects an ISO 8601 date or date-time like 2024-05-31T12:00:00Z, got "soon"',
        ),
        ("users/where/data=1", 'where: column "data" holds JSON and cannot be filtered'),
        ("users/where/age:", 'where: "age:" needs a comma-separated list of values'),
        ("users/where/age:1,,2", 'where: column "age" expects a whole number, got ""'),
        ("users/where/email=100%", 'where: "%" must be followed by two hex digits (write %25 for a literal %)'),
        ("users/where/email=%FF", "where: percent-encoded bytes are not valid UTF-8"),
        ("users/where/email=a%00", "where: NUL characters are not allowed"),
        ("users/where/email=\ud800", "The path is not valid text"),
    ],
)
def test_error_messages(path, message):
    with pytest.raises(QueryError) as error:
        parse(path)
    assert str(error.value) == message


def test_long_input_is_truncated_in_messages():
    with pytest.raises(QueryError) as error:
        parse("x" * 500)
    assert str(error.value) == 'Unknown object "' + "x" * 80 + '…"'


def test_huge_list_is_refused():
    with pytest.raises(QueryError, match="at most 1000 values"):
        parse("users/where/age:" + ",".join(["1"] * 1001))


_PIECES = [
    "users",
    "products",
    "where",
    "order_by",
    "order_by_desc",
    "limit",
    "columns",
    "column",
    "id",
    "email",
    "age",
    "score",
    "balance",
    "active",
    "created",
    "data",
    "name",
    "=",
    "!=",
    ">=",
    "<=",
    ">",
    "<",
    ":",
    "!:",
    "!",
    "&",
    "|",
    ",",
    "/",
    "//",
    "%2F",
    "%26",
    "%3D",
    "%25",
    "%2C",
    "%7C",
    "%",
    "%z",
    "%FF",
    "%C3%A9",
    "%00",
    "é",
    " ",
    "0",
    "1",
    "-1",
    "1.5",
    "1000",
    "1001",
    "true",
    "abc",
    "2024-05-31",
    "1e999",
    "9" * 30,
    "9" * 5000,
]
_grammarish = st.one_of(
    st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
    st.lists(st.lists(st.sampled_from(_PIECES), max_size=6).map("".join), max_size=10).map(
        lambda segments: "users/" + "/".join(segments)
    ),
    st.tuples(st.sampled_from(["users/where/", "users/1/limit/", "users/columns/"]), st.text()).map("".join),
)


@settings(max_examples=600)
@given(st.one_of(st.text(), _grammarish))
def test_parse_path_raises_only_query_error(path):
    try:
        query = parse(path)
    except QueryError as error:
        assert str(error)
        return
    assert isinstance(query, Query)
    assert 0 <= query.limit <= 1000 and query.offset >= 0
    assert isinstance(query.filter_q(), Q)
    assert query.ordering()
    query.uses_unindexed_filter(SCHEMAS[query.object_name])
    query.has_selector()


def test_values_and_shape_split_a_query_into_its_sql_and_its_parameters():
    query = parse_path("users/7/where/email=a%40x.test&age>3|country:FR,DE/limit/5,10", SCHEMAS)
    assert query.values() == [7, "a@x.test", 3, "FR", "DE"]
    same_shape = parse_path("users/8/where/email=b%40x.test&age>9|country:IT,ES/limit/5,10", SCHEMAS)
    assert same_shape.shape() == query.shape()
    for other in ("users/7/where/email=a%40x.test&age>3|country:FR/limit/5,10", "users/7/limit/5,10", "users/7"):
        assert parse_path(other, SCHEMAS).shape() != query.shape()
    moved = query.with_values(same_shape.values())
    assert moved == same_shape and moved.filter_q() == same_shape.filter_q()
    assert query.values() == [7, "a@x.test", 3, "FR", "DE"]  # the original is left alone
