"""The help window's requests read without Sanic (bot/webchat/parsing.py)."""
import json

import pytest

from bot.webchat.parsing import (
    MAX_BODY_BYTES,
    ApiError,
    bearer_token,
    client_id_of,
    customer_message,
    identity_of,
    json_body,
    metadata_of,
    resume_after,
    sender_of,
)
from bot.webchat.tokens import TokenSigner, user_sender_id

SECRET = b"0123456789abcdef0123456789abcdef"
NOW = 1_800_000_000


@pytest.fixture
def signer() -> TokenSigner:
    return TokenSigner(SECRET, clock=lambda: NOW)


def refused(work) -> ApiError:
    with pytest.raises(ApiError) as raised:
        work()
    return raised.value


def test_a_json_object_is_read():
    assert json_body('{"text": "收不到验证码"}'.encode()) == {"text": "收不到验证码"}


@pytest.mark.parametrize("raw, status, code", [
    (b"", 400, "bad_json"),
    (b"{not json", 400, "bad_json"),
    (b"\xff\xfe", 400, "bad_json"),
    (b"[1, 2]", 400, "bad_json"),
    (b'{"text": "' + b"a" * MAX_BODY_BYTES + b'"}', 413, "too_large"),
])
def test_bad_bodies_are_clear_4xx(raw, status, code):
    error = refused(lambda: json_body(raw))
    assert (error.status, error.code) == (status, code)


def test_a_list_body_has_its_own_message():
    assert refused(lambda: json_body(b"[]")).text == "bad_json_object"


def test_the_bearer_header_wins_over_the_query_token():
    assert bearer_token({"authorization": "Bearer abc "}, "xyz") == "abc"
    assert bearer_token({}, "xyz") == "xyz"
    assert bearer_token({"authorization": "Basic abc"}, None) is None


def test_a_forged_token_is_forbidden(signer):
    assert sender_of(signer, signer.issue("wc-anon-1")) == "wc-anon-1"
    assert refused(lambda: sender_of(signer, "forged.token")).status == 403


def test_a_signed_user_gets_their_own_conversation(signer):
    sig = signer.sign_user("u42", NOW + 60)
    identity, was_refused = identity_of(signer, {"uid": "u42", "exp": NOW + 60, "sig": sig})
    assert (identity.sender_id, identity.user_id, was_refused) == (user_sender_id("u42"), "u42",
                                                                    False)


def test_a_forged_uid_does_not_keep_another_users_conversation(signer):
    token = signer.issue(user_sender_id("u42"))
    identity, was_refused = identity_of(signer, {"uid": "u7", "exp": NOW + 60, "sig": "x",
                                                 "token": token})
    assert was_refused and identity.user_id is None
    assert identity.sender_id != user_sender_id("u42")


def test_an_anonymous_window_keeps_its_token(signer):
    token = signer.issue("wc-anon-abc")
    identity, was_refused = identity_of(signer, {"token": token})
    assert (identity.sender_id, was_refused) == ("wc-anon-abc", False)


def test_a_message_is_trimmed_and_shown_by_its_button_title():
    message = customer_message({"text": " /affirm ", "title": "是的"}, 2000)
    assert (message.text, message.shown) == ("/affirm", "是的")
    assert customer_message({"text": "👍"}, 2000).shown == "👍"


@pytest.mark.parametrize("body, status, code", [
    ({}, 400, "missing_text"),
    ({"text": 5}, 400, "missing_text"),
    ({"text": "\u200b "}, 400, "empty_message"),
    ({"text": "转" * 11}, 413, "message_too_long"),
])
def test_bad_messages_are_refused(body, status, code):
    error = refused(lambda: customer_message(body, 10))
    assert (error.status, error.code) == (status, code)


def test_an_over_long_message_says_the_limit():
    assert refused(lambda: customer_message({"text": "转" * 11}, 10)).values == {"limit": 10}


def test_metadata_keeps_known_keys_cut_short():
    metadata = metadata_of({"metadata": {"os": "iOS" * 100, "device": "", "secret": "x"}},
                           user_sender_id("u42"))
    assert metadata == {"channel": "webchat", "user_id": "u42", "app_version": None,
                        "os": ("iOS" * 100)[:100], "device": None}
    assert metadata_of({"metadata": "not a dict"}, "wc-anon-1")["user_id"] is None


def test_only_a_well_formed_client_id_is_kept():
    assert client_id_of({"client_id": "m-1_a"}) == {"client_id": "m-1_a"}
    assert client_id_of({"client_id": "<script>"}) == {}
    assert client_id_of({"client_id": json.dumps([1])}) == {}


@pytest.mark.parametrize("value, expected", [
    ("42", 42), (None, None), ("", None), ("abc", None), ("9" * 25, None),
])
def test_a_stream_resumes_after_a_valid_event_id(value, expected):
    assert resume_after(value) == expected
