"""Seed 004's /rest surface, through HTTP: the Django test client (passing the raw
URI as ``REQUEST_URI``, as uWSGI and mod_wsgi do) and a real server."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from personalization.models import Placeholder, Product, VisitorUser


class Rest:
    def __init__(self, tenant, client: Client | None = None, key: str | None = None):
        self.client = client or Client()
        token = base64.b64encode(f"api:{key or tenant.key}".encode()).decode()
        self.headers = {"HTTP_AUTHORIZATION": f"Basic {token}"}

    def __call__(self, method: str, path: str, body=None, **extra):
        data = body if isinstance(body, (str, bytes)) or body is None else json.dumps(body)
        call = getattr(self.client, method.lower())
        return call(
            "/rest/" + path,
            data=data or "",
            content_type="application/json",
            REQUEST_URI="/rest/" + path,
            **self.headers,
            **extra,
        )

    def ok(self, method: str, path: str, body=None):
        response = self(method, path, body)
        assert response.status_code == 200, (response.status_code, response.content)
        assert response["Content-Type"] == "application/json"
        return json.loads(response.content)

    def error(self, method: str, path: str, body=None, status: int = 400) -> str:
        response = self(method, path, body)
        assert response.status_code == status, (response.status_code, response.content)
        assert response["Content-Type"].startswith("text/plain")
        return response.content.decode().strip()


@pytest.fixture
def rest(tenant):
    return Rest(tenant)


@pytest.fixture
def other_rest(other_tenant):
    return Rest(other_tenant)


def _users(rest, *rows):
    return rest.ok("POST", "users", list(rows))


# --- the seed's sequence over a real server ---------------------------------------


def _basic(tenant) -> httpx.BasicAuth:
    return httpx.BasicAuth("api", tenant.key)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seed_sequence_over_real_http(raw_live_server, tenant):
    with httpx.Client(base_url=raw_live_server.url, auth=_basic(tenant)) as http:
        assert http.get("/rest/placeholders").json() == []
        # curl --data, as in the seed: the body is JSON but the content type is a form's.
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        created = http.post("/rest/placeholders", content='{"name": "Fake", "html_id": ".fake"}', headers=form)
        assert created.status_code == 200
        new_id = created.json()
        assert isinstance(new_id, int)
        assert http.get("/rest/placeholders").json() == [
            {"id": new_id, "name": "Fake", "html_id": ".fake", "description": "", "active": True}
        ]
        changed = http.put(f"/rest/placeholders/{new_id}", content='{"html_id": "#fake"}', headers=form)
        assert changed.text == "1"
        assert http.get(f"/rest/placeholders/{new_id}").json()[0]["html_id"] == "#fake"
        deleted = http.delete(f"/rest/placeholders/{new_id}")
        assert deleted.text == "1"
        gone = http.get(f"/rest/placeholders/{new_id}")
        assert (gone.status_code, gone.json()) == (200, [])  # a selection of nothing, as /where/ gives


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_percent_escapes_reach_the_parser_undecoded_over_real_http(raw_live_server, tenant):
    with httpx.Client(base_url=raw_live_server.url, auth=_basic(tenant)) as http:
        ids = http.post(
            "/rest/users",
            json=[
                {"email": "a@x.test", "first_name": "Smith & Sons/UK"},
                {"email": "b@x.test", "first_name": "Smith "},
                {"email": "c@x.test", "first_name": "x=1|y, 100%"},
            ],
        ).json()

        # httpx would normalise the escapes; send the raw bytes of the path.
        def get(raw_path):
            return http.get(httpx.URL(raw_live_server.url + "/rest/users"), extensions={"target": raw_path.encode()})

        found = get("/rest/users/where/first_name=Smith%20%26%20Sons%2FUK/column/id")
        assert found.json() == [ids[0]]
        assert get("/rest/users/where/first_name=x%3D1%7Cy%2C%20100%25/column/id").json() == [ids[2]]
        assert get("/rest/users/where/first_name:Smith%20,x%3D1%7Cy%2C%20100%25/column/id").json() == [ids[1], ids[2]]
        assert get("/rest/users/where/email=a%40x.test/column/first_name").json() == ["Smith & Sons/UK"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_real_http_auth_failures(raw_live_server, tenant):
    with httpx.Client(base_url=raw_live_server.url) as http:
        missing = http.get("/rest/users")
        assert missing.status_code == 401
        assert missing.headers["WWW-Authenticate"] == 'Basic realm="api"'
        assert http.get("/rest/users", auth=httpx.BasicAuth("api", "psk_nope_nope")).status_code == 401


# --- authentication ------------------------------------------------------------------


def test_missing_key_is_401_plain_text(tenant):
    response = Client().get("/rest/users", REQUEST_URI="/rest/users")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("text/plain")
    assert "HTTP Basic" in response.content.decode()


def test_bad_key_is_401(tenant):
    wrong = tenant.key[:-4] + ("0000" if not tenant.key.endswith("0000") else "1111")
    assert Rest(tenant, key=wrong).error("GET", "users", status=401) == "Invalid API key"
    assert Rest(tenant, key="garbage").error("GET", "users", status=401) == "Invalid API key"


def test_basic_user_must_be_api(tenant):
    token = base64.b64encode(f"admin:{tenant.key}".encode()).decode()
    response = Client().get("/rest/users", HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code == 401


def test_dashboard_session_is_not_a_credential(client, tenant):
    client.force_login(tenant.user)
    assert client.get("/rest/users").status_code == 401


@override_settings(ALLOW_PLAIN_HTTP_API=False)
def test_plain_http_is_401_even_with_a_good_key(rest):
    assert "HTTPS" in rest.error("GET", "users", status=401)


@override_settings(ALLOW_PLAIN_HTTP_API=False)
def test_https_is_accepted(rest):
    assert rest("GET", "users", secure=True).status_code == 200


@override_settings(ALLOW_PLAIN_HTTP_API=False, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_https_terminated_by_a_trusted_proxy_is_accepted(rest):
    assert rest("GET", "users", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert rest("GET", "users", HTTP_X_FORWARDED_PROTO="http").status_code == 401


@override_settings(ALLOW_PLAIN_HTTP_API=False)
def test_forwarded_proto_is_ignored_without_a_trusted_proxy(rest):
    assert rest("GET", "users", HTTP_X_FORWARDED_PROTO="https").status_code == 401


def test_other_credential_styles_of_the_auth_layer_work(api):
    assert api.get("/rest/users").status_code == 200


# --- methods ---------------------------------------------------------------------


def test_get_returns_all_fields_of_each_object(rest):
    rest.ok("POST", "products", {"name": "Mug", "internal_id": "SKU-1", "price": 9.5, "attributes": {"colour": "red"}})
    rest.ok("POST", "users", {"email": "ann@x.test", "tags": ["vip"], "last_seen": "2024-05-31T12:00:00Z"})
    [product] = rest.ok("GET", "products")
    assert product == {
        "id": product["id"],
        "internal_id": "SKU-1",
        "name": "Mug",
        "url": "",
        "image_url": "",
        "price": 9.5,
        "currency": "",
        "category": "",
        "in_stock": True,
        "attributes": {"colour": "red"},
    }
    [user] = rest.ok("GET", "users")
    assert user["email"] == "ann@x.test" and user["tags"] == ["vip"] and user["attributes"] == {}
    assert user["last_seen"] == "2024-05-31T12:00:00Z" and user["created"].endswith("Z")
    assert set(user) == {
        "id",
        "internal_id",
        "email",
        "first_name",
        "last_name",
        "country",
        "tags",
        "attributes",
        "created",
        "last_seen",
    }


def test_get_by_id_returns_an_array(rest):
    new_id = rest.ok("POST", "placeholders", {"name": "Hero"})
    assert [row["name"] for row in rest.ok("GET", f"placeholders/{new_id}")] == ["Hero"]
    assert rest.ok("GET", f"placeholders/{new_id}/columns/name") == [{"name": "Hero"}]
    assert rest.ok("GET", f"placeholders/{new_id}/column/name") == ["Hero"]
    assert rest.ok("GET", f"placeholders/{new_id + 1}") == []


def test_post_array_returns_ids_in_order(rest):
    ids = _users(rest, {"email": "a@x.test"}, {"email": "b@x.test"})
    assert ids == sorted(ids) and len(ids) == 2
    assert rest.ok("GET", "users/column/email") == ["a@x.test", "b@x.test"]
    assert rest.ok("POST", "users", []) == []


def test_bulk_insert_is_all_or_nothing(rest, account):
    _users(rest, {"email": "taken@x.test"})
    message = rest.error("POST", "users", [{"email": "new@x.test"}, {"email": "taken@x.test"}], status=409)
    assert message == 'Duplicate email: "taken@x.test" already exists'
    message = rest.error("POST", "users", [{"email": "n1@x.test"}, {"email": "n1@x.test"}], status=409)
    assert message == 'Duplicate email "n1@x.test" in the request'
    message = rest.error("POST", "users", [{"email": "n2@x.test"}, {"email": 5}])
    assert message == "record 1: email: expected a string"
    assert VisitorUser.objects.for_account(account).count() == 1


def test_put_updates_selected_rows_and_returns_the_count(rest):
    _users(
        rest,
        {"email": "a@x.test", "country": "FR"},
        {"email": "b@x.test", "country": "FR"},
        {"email": "c@x.test", "country": "DE"},
    )
    assert rest.ok("PUT", "users/where/country=FR", {"last_name": "Dupont"}) == 2
    assert rest.ok("GET", "users/where/last_name=Dupont/column/email") == ["a@x.test", "b@x.test"]
    assert rest.ok("PUT", "users/where/country=IT", {"last_name": "Rossi"}) == 0


def test_put_to_an_existing_email_is_409(rest):
    ids = _users(rest, {"email": "a@x.test"}, {"email": "b@x.test"})
    message = rest.error("PUT", f"users/{ids[1]}", {"email": "a@x.test"}, status=409)
    assert message == 'Duplicate email: "a@x.test" already exists'


def test_delete_returns_the_count(rest):
    _users(rest, {"email": "a@x.test", "country": "FR"}, {"email": "b@x.test", "country": "FR"})
    assert rest.ok("DELETE", "users/where/country=FR") == 2
    assert rest.ok("DELETE", "users/where/country=FR") == 0


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_put_and_delete_need_an_id_or_a_where(rest, method):
    _users(rest, {"email": "a@x.test"})
    message = rest.error(method, "users", {"first_name": "X"}, status=405)
    assert message.startswith(f"{method} needs an id or a where condition")
    assert rest(method, "users", {"first_name": "X"})["Allow"] == "GET, POST"
    assert (
        rest.error(method, "users/order_by/id", {"first_name": "X"})
        == f'Modifier "order_by" cannot be used with {method}'
    )
    assert rest.ok("GET", "users/column/first_name") == [""]


def test_post_refuses_an_id_or_modifiers(rest):
    message = rest.error("POST", "placeholders/3", {"name": "x"}, status=405)
    assert message.startswith("POST takes no id or modifiers")


def test_unsupported_method_is_405(rest):
    assert rest("PATCH", "users", {}).status_code == 405


# --- validation messages ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("users", {"first_name": "Al"}, '"email" is required'),
        ("placeholders", {"html_id": "#a"}, '"name" is required'),
        ("placeholders", {"name": "a", "colour": "red"}, 'unknown field "colour" for object "placeholders"'),
        ("placeholders", {"name": "a", "id": 4}, '"id" is assigned by the server and cannot be set'),
        ("placeholders", {"name": 3}, "name: expected a string"),
        ("placeholders", {"name": "a", "active": "yes"}, "active: expected true or false"),
        ("products", {"name": "a", "price": "cheap"}, "price: expected a number"),
        ("products", {"name": "a", "price": 1e20}, "price: too large"),
        ("products", {"name": "a", "price": "1e30"}, "price: too large"),  # was a 500: quantize raised
        ("products", {"name": "a", "attributes": [1]}, "attributes: expected a JSON object"),
        ("users", {"email": "a@x", "tags": "vip"}, "tags: expected an array of strings"),
        (
            "users",
            {"email": "a@x", "last_seen": "yesterday"},
            "last_seen: expected an ISO 8601 date-time like 2024-05-31T12:00:00Z",
        ),
        ("users", {"email": "x" * 300}, "email: at most 254 characters"),
        ("users", "[1, 2", "The request body is not valid JSON"),
        ("users", "42", "expected a JSON object of users fields"),
        ("users", [{"email": "a@x"}, 7], "record 1: expected a JSON object of users fields"),
    ],
)
def test_post_validation_messages(rest, path, body, message):
    assert rest.error("POST", path, body) == message


def test_put_validation_messages(rest):
    [uid] = _users(rest, {"email": "a@x.test"})
    assert rest.error("PUT", f"users/{uid}", {}) == "expected a JSON object with at least one field to change"
    assert rest.error("PUT", f"users/{uid}", {"email": ""}) == '"email" cannot be empty'
    assert rest.error("PUT", f"users/{uid}", {"nickname": "x"}) == 'unknown field "nickname" for object "users"'


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("widgets", 'Unknown object "widgets"'),
        ("users/where/frist_name=Al", 'Unknown column "frist_name" for object "users"'),
        ("users/where/first_name~Al", 'where: no operator in "first_name~Al"; use one of != >= <= !: = > < :'),
        ("users/limit/1001", "limit: at most 1000 records per request"),
        ("users/limit/5,1001", "limit: at most 1000 records per request"),
        ("users/limit/x", 'limit: expected /limit/{count} or /limit/{offset},{count} with whole numbers, got "x"'),
        ("users/where/id=1/where/id=2", 'Modifier "where" is given more than once'),
        ("users/order_by/id/order_by_desc/id", 'Modifiers "order_by" and "order_by_desc" cannot be used together'),
        ("users/where/id=abc", 'where: column "id" expects a whole number, got "abc"'),
        ("users/where/attributes=1", 'where: column "attributes" holds JSON and cannot be filtered'),
        ("users/where/email=%ZZ", 'where: "%" must be followed by two hex digits (write %25 for a literal %)'),
        (
            "users/sideways/1",
            'Unknown modifier "sideways": expected a numeric id or where, order_by, order_by_desc, '
            "limit, columns, column",
        ),
        ("users/columns/id,nope", 'Unknown column "nope" for object "users"'),
        ("users/where", 'Modifier "where" needs a value: /where/{value}'),
    ],
)
def test_each_path_error_is_a_400_naming_the_problem(rest, path, message):
    assert rest.error("GET", path) == message


# --- the query language end to end ---------------------------------------------------


@pytest.fixture
def catalog(rest):
    rows = [
        {"name": "A", "internal_id": "a", "price": 5, "category": "mugs", "in_stock": True},
        {"name": "B", "internal_id": "b", "price": 10, "category": "mugs", "in_stock": False},
        {"name": "C", "internal_id": "c", "price": 15, "category": "hats", "in_stock": True},
        {"name": "D", "internal_id": "d", "price": 20, "category": "hats", "in_stock": False},
        {"name": "E", "internal_id": "e", "price": 25, "category": "bags", "in_stock": True},
    ]
    rest.ok("POST", "products", rows)
    return rest


@pytest.mark.parametrize(
    ("where", "names"),
    [
        ("price=10", "B"),
        ("price!=10", "ACDE"),
        ("price>15", "DE"),
        ("price<15", "AB"),
        ("price>=15", "CDE"),
        ("price<=15", "ABC"),
        ("category:mugs,bags", "ABE"),
        ("category!:mugs,bags", "CD"),
        ("in_stock=1", "ACE"),
        ("in_stock=false", "BD"),
        ("category=mugs&in_stock=0", "B"),
        ("category=bags|category=mugs&price>5", "BE"),  # & binds tighter than |
        ("price<10|price>20&category=bags|name=C", "ACE"),
        ("price>=10&price<=20&in_stock=1", "C"),
    ],
)
def test_every_operator_and_precedence(catalog, where, names):
    assert "".join(catalog.ok("GET", f"products/where/{where}/column/name")) == names


def test_ordering(catalog):
    assert catalog.ok("GET", "products/order_by_desc/price/column/name") == list("EDCBA")
    assert catalog.ok("GET", "products/order_by/category,price/column/name") == list("ECDAB")
    assert catalog.ok("GET", "products/order_by_desc/category,price/column/name") == list("BADCE")
    assert catalog.ok("GET", "products/column/name") == list("ABCDE")  # default: by id


def test_limit_and_offset(catalog):
    assert catalog.ok("GET", "products/limit/2/column/name") == ["A", "B"]
    assert catalog.ok("GET", "products/limit/2,2/column/name") == ["C", "D"]
    assert catalog.ok("GET", "products/limit/4,1000/column/name") == ["E"]
    assert catalog.ok("GET", "products/limit/9,10/column/name") == []
    assert catalog.ok("GET", "products/limit/0/column/name") == []
    assert catalog.ok("GET", "products/column/name/limit/1/order_by_desc/price/where/price<20") == ["C"]


def test_default_limit_is_1000(rest, account):
    VisitorUser.objects.bulk_create([VisitorUser(account=account, email=f"{i}@x.test") for i in range(1005)])
    assert len(rest.ok("GET", "users/column/id")) == 1000
    assert len(rest.ok("GET", "users/limit/1000,1000/column/id")) == 5


def test_columns_and_column(catalog):
    rows = catalog.ok("GET", "products/where/price<=10/columns/name,price")
    assert rows == [{"name": "A", "price": 5.0}, {"name": "B", "price": 10.0}]
    assert catalog.ok("GET", "products/where/price<=10/column/in_stock") == [True, False]


def test_url_decoding_of_values(rest):
    _users(rest, {"email": "o'brien+1@x.test", "first_name": "Zoë", "last_name": "a/b&c=d|e,f%g"})
    assert rest.ok("GET", "users/where/email=o'brien%2B1%40x.test/column/first_name") == ["Zoë"]
    assert rest.ok("GET", "users/where/first_name=Zo%C3%AB/column/email") == ["o'brien+1@x.test"]
    assert rest.ok("GET", "users/where/last_name=a%2Fb%26c%3Dd%7Ce%2Cf%25g/column/first_name") == ["Zoë"]
    assert rest.ok("GET", "users/where/last_name:x,a%2Fb%26c%3Dd%7Ce%2Cf%25g/column/first_name") == ["Zoë"]


def test_without_a_raw_uri_the_decoded_path_is_reencoded(tenant):
    """Django's runserver gives no raw URI: ordinary escapes still work."""
    rest = Rest(tenant)
    rest.ok("POST", "users", {"email": "a b@x.test"})
    response = rest.client.get("/rest/users/where/email=a%20b%40x.test/column/email", **rest.headers)
    assert json.loads(response.content) == ["a b@x.test"]


def test_datetime_filters(rest):
    _users(
        rest,
        {"email": "old@x.test", "last_seen": "2020-01-01T00:00:00Z"},
        {"email": "new@x.test", "last_seen": "2024-06-01T10:00:00+02:00"},
    )
    assert rest.ok("GET", "users/where/last_seen<2021-01-01/column/email") == ["old@x.test"]
    assert rest.ok("GET", "users/where/last_seen>=2024-06-01T08:00:00Z/column/email") == ["new@x.test"]


# --- slow queries ------------------------------------------------------------------------


@override_settings(PERSONALIZATION_SLOW_TABLE_ROWS=2, PERSONALIZATION_SLOW_QUERIES_PER_MINUTE=3)
def test_repeated_slow_queries_get_503_with_retry_after(rest, other_rest):
    _users(rest, {"email": "a@x.test"}, {"email": "b@x.test"}, {"email": "c@x.test"})
    for _ in range(3):
        rest.ok("GET", "users/where/first_name=Al")
    response = rest("GET", "users/where/first_name=Al")
    assert response.status_code == 503
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "slow queries" in response.content.decode()
    assert rest("PUT", "users/where/country=FR", {"country": "DE"}).status_code == 503
    # Look-ups by email and by id stay fast and are never refused.
    [uid] = rest.ok("GET", "users/where/email=a%40x.test/column/id")
    assert rest.ok("GET", f"users/{uid}")[0]["email"] == "a@x.test"
    assert rest.ok("GET", f"users/{uid}/where/first_name=/column/email") == ["a@x.test"]  # id and where: a list
    assert rest.ok("GET", "users/where/email:a%40x.test,b%40x.test&internal_id!=z/column/id")
    # Another account has its own allowance (and a small table here).
    other_rest.ok("POST", "users", [{"email": f"{i}@y.test"} for i in range(3)])
    assert other_rest("GET", "users/where/first_name=Al").status_code == 200


@override_settings(PERSONALIZATION_SLOW_QUERIES_PER_MINUTE=1)
def test_unindexed_filters_on_small_tables_are_not_slow(rest):
    _users(rest, {"email": "a@x.test"})
    for _ in range(3):
        rest.ok("GET", "users/where/first_name=Al")


# --- tenant isolation -------------------------------------------------------------------


def test_another_accounts_records_are_invisible(rest, other_rest, account, other_account):
    [mine] = _users(rest, {"email": "same@x.test", "country": "FR"})
    [theirs] = other_rest.ok("POST", "users", [{"email": "same@x.test", "country": "FR"}])  # unique per account
    pid = other_rest.ok("POST", "placeholders", {"name": "Theirs"})
    prod = other_rest.ok("POST", "products", {"name": "Theirs", "internal_id": "a"})
    assert rest.ok("POST", "products", {"name": "Mine", "internal_id": "a"})

    assert rest.ok("GET", "users/column/id") == [mine]
    assert rest.ok("GET", "placeholders") == []
    assert rest.ok("GET", "products/column/name") == ["Mine"]
    for path in (f"users/{theirs}", f"placeholders/{pid}", f"products/{prod}"):
        assert rest.ok("GET", path) == []
        assert rest.ok("PUT", path, {"name" if "users" not in path else "first_name": "Hacked"}) == 0
        assert rest.ok("DELETE", path) == 0
    assert rest.ok("GET", f"users/where/id={theirs}") == []
    assert rest.ok("PUT", "users/where/country=FR", {"country": "DE"}) == 1
    assert rest.ok("DELETE", f"users/where/id:{mine},{theirs}") == 1

    assert VisitorUser.objects.for_account(other_account).get(id=theirs).country == "FR"
    assert Placeholder.objects.for_account(other_account).get(id=pid).name == "Theirs"
    assert Product.objects.for_account(other_account).get(id=prod).name == "Theirs"


# --- errors ---------------------------------------------------------------------------------


def test_unexpected_errors_are_500_with_a_request_id(rest, monkeypatch, caplog):
    """A fault inside a selector (forced here: nothing in the product raises one on demand)."""
    from personalization import selectors

    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(selectors, "record_list", broken)
    response = rest("GET", "users")
    assert response.status_code == 500
    body = response.content.decode()
    assert response["X-Request-ID"] in body and "disk on fire" not in body and "Traceback" not in body
    assert "disk on fire" in caplog.text


# --- property: any path is a 200 or a 400, never a crash --------------------------------------

_PATH_ALPHABET = "abcdefghijklmnopqrstuvwxyz_/0123456789=!<>:,&|%.-@ +éZ"


@pytest.fixture
def unmetered_rest(tenant):
    """The fuzzer sends more requests than a plan allows a minute (0: no limit)."""
    plan = tenant.account.plan
    plan.rate_limit_per_minute = 0
    plan.save()
    return Rest(tenant)


@given(st.text(alphabet=_PATH_ALPHABET, max_size=60) | st.text(max_size=30))
@example(path="\n")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_path_answers_200_or_400(unmetered_rest, path):
    from urllib.parse import quote

    raw = quote(path, safe=_PATH_ALPHABET.replace(" ", "").replace("é", ""))
    for prefix in ("users/", "products/", "", "placeholders/7/"):
        response = unmetered_rest("GET", prefix + raw)
        assert response.status_code in (200, 400), (prefix + raw, response.content)
        if response.status_code == 400:
            assert response["Content-Type"].startswith("text/plain")


def test_openapi_schema_documents_the_rest_objects(client):
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    for name, label in (("placeholders", "Placeholder"), ("products", "Product"), ("users", "User")):
        assert set(schema["paths"][f"/rest/{name}"]) == {"get", "post"}
        assert set(schema["paths"][f"/rest/{name}/{{id}}"]) == {"get", "put", "delete"}
        assert "503" in schema["paths"][f"/rest/{name}/where/{{condition}}"]["get"]["responses"]
        assert "id" in schema["components"]["schemas"][f"Rest{label}"]["properties"]
    user = schema["components"]["schemas"]["RestUserNew"]
    assert user["required"] == ["email"] and user["properties"]["tags"]["type"] == "array"
    assert schema["components"]["securitySchemes"]["BasicAuth"]["scheme"] == "basic"


# --- where the raw path comes from ------------------------------------------------------------


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"RAW_URI": "/rest/users/where/a=x%2Fy?z=1"}, "users/where/a=x%2Fy"),  # gunicorn
        ({"REQUEST_URI": "/rest/users/where/a=x%26y"}, "users/where/a=x%26y"),  # uWSGI, mod_wsgi
        ({"RAW_URI": "http://host:8000/rest/users/where/a=%3D"}, "users/where/a=%3D"),  # absolute-form target
        ({"RAW_URI": "/app/rest/users/1", "SCRIPT_NAME": "/app"}, "users/1"),  # mounted under a prefix
        ({}, "users/where/a=x/y%20z"),  # runserver: decoded, re-encoded; %2F is lost
    ],
)
def test_raw_rest_path(rf, meta, expected):
    from personalization.api import raw_rest_path

    request = rf.get("/rest/users/where/a=x%2Fy%20z")
    request.META.update(meta)
    if "SCRIPT_NAME" in meta:
        request.path_info = "/rest/users/1"
    assert raw_rest_path(request) == expected


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_too_large_body_is_413(rest):
    body = [{"email": f"{i}@x.test"} for i in range(100)]
    assert rest.error("POST", "users", body, status=413).startswith("The request body is larger than 1,000 bytes")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"email": "a@x.test", "first_name": "\\ud800"}', "A value cannot be stored: text must be valid Unicode"),
        (
            '{"email": "a@x.test", "attributes": {"k": "\\ud800"}}',
            "A value cannot be stored: text must be valid Unicode",
        ),
        ("[" * 100_000 + "]" * 100_000, "The request body is nested too deeply"),
    ],
)
def test_bodies_the_database_cannot_store_are_400(rest, account, body, message):
    assert rest.error("POST", "users", body).startswith(message)
    assert not VisitorUser.objects.for_account(account).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_escaped_operators_mean_the_same_under_gunicorn_as_under_the_test_client(gunicorn_server, tenant):
    """``%21`` (!), ``%3D`` (=) and ``%26`` (&) inside a where-condition are literal text, never the
    operator or the AND they spell: gunicorn's RAW_URI and the test client's REQUEST_URI agree."""
    rest = Rest(tenant)
    names = ["Tom!", "a=b", "a&email=b@x.test", "Tom", "a"]
    ids = rest.ok("POST", "users", [{"email": f"{i}@x.test", "first_name": name} for i, name in enumerate(names)])
    paths = {
        "users/where/first_name=Tom%21/column/id": [ids[0]],
        "users/where/first_name!=Tom%21/column/id": [ids[1], ids[2], ids[3], ids[4]],
        "users/where/first_name%21=Tom/column/id": None,  # "first_name!" is no column: 400
        "users/where/first_name=a%3Db/column/id": [ids[1]],
        "users/where/first_name=a%26email=b@x.test/column/id": [ids[2]],
        "users/where/first_name=a&email=4@x.test/column/id": [ids[4]],  # a real AND
        "users/where/first_name:Tom%21,a%3Db/column/id": [ids[0], ids[1]],
    }
    with httpx.Client(base_url=gunicorn_server, auth=_basic(tenant), timeout=30) as http:
        for path, expected in paths.items():
            # httpx would normalise the escapes; the raw bytes of the path go on the request line.
            served = http.get(
                httpx.URL(gunicorn_server + "/rest/users"), extensions={"target": f"/rest/{path}".encode()}
            )
            local = rest("GET", path)
            assert (served.status_code, served.text) == (local.status_code, local.content.decode()), path
            if expected is None:
                assert served.status_code == 400, (path, served.text)
            else:
                assert served.json() == expected, (path, served.text)
