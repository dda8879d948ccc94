import base64
import hashlib
import hmac
import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from webhooks.signing import new_secret, sign, signature_headers

BODY = json.dumps({"id": "5331669c0fa92a6755582c9e", "status": {"code": "done"}, "name": "Vidéo"}).encode()


def expected_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The Standard Webhooks scheme written out by hand, independent of both
    our module and the reference library."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def test_new_secret_shape_and_randomness():
    secret = new_secret()
    assert secret.startswith("whsec_")
    key = base64.b64decode(secret[len("whsec_") :], validate=True)
    assert 24 <= len(key) <= 32
    assert len({new_secret() for _ in range(100)}) == 100


def test_signature_matches_hand_written_hmac():
    secret, now = new_secret(), int(time.time())
    assert sign([secret], "msg_1", now, BODY) == expected_signature(secret, "msg_1", now, BODY)


def test_published_test_vector():
    # The example of the Standard Webhooks reference implementations.
    header = sign(
        ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        b'{"test": 2432232314}',
    )
    assert header == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_reference_library_verifies_our_headers():
    secret = new_secret()
    headers = signature_headers([secret], "msg_2", int(time.time()), BODY)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert Webhook(secret).verify(BODY, headers) == json.loads(BODY)


def test_reference_library_rejects_a_tampered_body_or_another_secret():
    secret = new_secret()
    headers = signature_headers([secret], "msg_3", int(time.time()), BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"done", b"fail"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)


def test_rotation_signs_with_every_secret_and_each_verifies():
    old, new, now = new_secret(), new_secret(), int(time.time())
    header = sign([old, new], "msg_4", now, BODY)
    parts = header.split(" ")
    assert parts == [expected_signature(s, "msg_4", now, BODY) for s in (old, new)]
    headers = {
        "webhook-id": "msg_4",
        "webhook-timestamp": str(now),
        "webhook-signature": header,
    }
    for secret in (old, new):
        Webhook(secret).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)


def test_unpadded_secret_is_accepted_like_the_reference_library():
    secret = "whsec_" + base64.b64encode(b"k" * 25).decode().rstrip("=")
    now = int(time.time())
    header = sign([secret], "msg_5", now, BODY)
    Webhook(secret).verify(
        BODY,
        {
            "webhook-id": "msg_5",
            "webhook-timestamp": str(now),
            "webhook-signature": header,
        },
    )


@pytest.mark.parametrize("secret", ["whsec_not base64!", "whsec_", "whsec_$$$$"])
def test_malformed_secrets_are_refused(secret):
    with pytest.raises(ValueError, match="webhook secret"):
        sign([secret], "msg_6", 1, BODY)


def test_needs_a_secret_and_an_id():
    with pytest.raises(ValueError):
        sign([], "msg_7", 1, BODY)
    with pytest.raises(ValueError):
        sign([new_secret()], "", 1, BODY)


@given(
    key=st.binary(min_size=1, max_size=64),
    msg_id=st.text(st.characters(codec="ascii", exclude_categories=["Cc"]), min_size=1, max_size=40),
    timestamp=st.integers(min_value=0, max_value=2**33),
    body=st.text().map(str.encode),
)
def test_any_input_matches_hand_written_hmac(key, msg_id, timestamp, body):
    secret = "whsec_" + base64.b64encode(key).decode()
    assert sign([secret], msg_id, timestamp, body) == expected_signature(secret, msg_id, timestamp, body)
