"""The pure engine: mapping expressions and the CSV audience."""

from __future__ import annotations

import pytest

from campaigns import mapping


def test_column_constant_and_fallback():
    expression = mapping.parse_expression('first_name|nickname|"friend"', param="fields.name")
    assert expression.columns() == {"first_name", "nickname"}
    assert expression.evaluate({"first_name": "Ana"}) == "Ana"
    assert expression.evaluate({"first_name": "  ", "nickname": "Bo"}) == "Bo"
    assert expression.evaluate({"first_name": ""}) == "friend"
    assert mapping.parse_expression('"a|b"', param="x").evaluate({}) == "a|b"


def test_json_paths_lists_and_missing_values():
    values, missing = mapping.evaluate(
        {
            "plan": mapping.parse_expression("attributes.plan", param="p"),
            "tags": mapping.parse_expression("tags", param="t"),
            "name": mapping.parse_expression("first_name", param="n"),
        },
        {"attributes": {"plan": "gold"}, "tags": ["vip", "es"], "first_name": None},
    )
    assert values == {"plan": "gold", "tags": "vip, es"}
    assert missing == ["name"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "give a column name"),
        ('"open', "not closed"),
        ("first name!", "neither a column name"),
        ("a||b", "(empty) is neither"),
        ('"bad \\q"', "not a valid"),
    ],
)
def test_bad_expressions_name_the_field(text, message):
    with pytest.raises(mapping.MappingError) as caught:
        mapping.parse_expression(text, param="fields.name")
    assert caught.value.param == "fields.name" and message in str(caught.value)


def test_unknown_columns():
    expressions = mapping.parse_mapping({"name": 'first|"x"', "city": "town"})
    assert mapping.unknown_columns(expressions, ["first", "email"]) == {"city": ["town"]}


def test_csv_rows_header_bom_and_blank_lines():
    columns, rows = mapping.parse_csv("\ufeffemail,first_name\r\na@x.test, Ana \r\n\r\nb@x.test,\r\n")
    assert columns == ["email", "first_name"]
    assert rows == [{"email": "a@x.test", "first_name": "Ana"}, {"email": "b@x.test", "first_name": ""}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1 must be a header"),
        ("a,,b\n1,2,3\n", "line 1, column 2 has no name"),
        ("a,a\n1,2\n", 'names the column "a" twice'),
        ("a,b\n1,2\n3\n4,5\n", "line 3 has 1 values, the header has 2"),
        ("a,b\n", "no rows after the header"),
        ('a,b\n1,"2\n', "line"),
    ],
)
def test_bad_csv_names_the_line(text, message):
    with pytest.raises(mapping.MappingError) as caught:
        mapping.parse_csv(text)
    assert message in str(caught.value)


def test_csv_row_limit():
    with pytest.raises(mapping.MappingError, match="at most 2 rows \\(line 4\\)"):
        mapping.parse_csv("a\n1\n2\n3\n", max_rows=2)
