"""bot/wechat/crypto.py: request signatures and the encrypted envelope."""
import pytest

from bot.wechat.crypto import Envelope, ForgedSignature, sign, signature_ok
from bot.wechat.parse import MalformedMessage
from tests.support.wechat_platform import AES_KEY, APP_ID, TOKEN, Platform, text_xml


def test_signature_is_sha1_of_sorted_parts():
    # the platform's documented algorithm: sort token, timestamp, nonce; join; sha1
    import hashlib

    expected = hashlib.sha1("".join(sorted([TOKEN, "1700000000", "abc"])).encode()).hexdigest()
    assert sign(TOKEN, "1700000000", "abc") == expected


@pytest.mark.parametrize(
    "signature, timestamp, nonce, ok",
    [
        pytest.param(sign(TOKEN, "1700000000", "abc"), "1700000000", "abc", True, id="valid"),
        pytest.param(sign(TOKEN, "1700000000", "abc").upper(), "1700000000", "abc", True, id="upper-hex"),
        pytest.param(sign(TOKEN, "1700000000", "abc"), "1700000001", "abc", False, id="other-timestamp"),
        pytest.param(sign("other-token", "1700000000", "abc"), "1700000000", "abc", False, id="other-token"),
        pytest.param("", "1700000000", "abc", False, id="empty-signature"),
        pytest.param(None, "1700000000", "abc", False, id="no-signature"),
        pytest.param(sign(TOKEN, "1700000000", ""), "1700000000", None, False, id="no-nonce"),
        pytest.param("签名" * 20, "1700000000", "abc", False, id="non-ascii"),
    ],
)
def test_signature_check(signature, timestamp, nonce, ok):
    assert signature_ok(TOKEN, signature, timestamp, nonce) is ok


def test_no_token_accepts_nothing():
    assert not signature_ok("", sign("", "1", "2"), "1", "2")


def test_envelope_opens_what_the_platform_sealed():
    platform = Platform()
    xml = text_xml("o-user", "收不到验证码")
    query, body = platform.encrypt(xml, platform.query())
    opened = Envelope(TOKEN, AES_KEY, APP_ID).open(body, query["msg_signature"], query["timestamp"],
                                                   query["nonce"])
    assert opened == xml


def test_sealed_reply_is_readable_by_the_platform():
    sealed = Envelope(TOKEN, AES_KEY, APP_ID).seal("<xml><Content>好</Content></xml>", "n1", "1700000000")
    assert Platform().decrypt_reply(sealed) == "<xml><Content>好</Content></xml>"


def test_forged_msg_signature_is_refused():
    platform = Platform()
    query, body = platform.encrypt(text_xml("o-user", "hi"), platform.query())
    with pytest.raises(ForgedSignature):
        Envelope(TOKEN, AES_KEY, APP_ID).open(body, "0" * 40, query["timestamp"], query["nonce"])


def test_message_for_another_app_id_is_refused():
    platform = Platform(app_id="wx-someone-else")
    query, body = platform.encrypt(text_xml("o-user", "hi"), platform.query())
    with pytest.raises(ForgedSignature):
        Envelope(TOKEN, AES_KEY, APP_ID).open(body, query["msg_signature"], query["timestamp"],
                                              query["nonce"])


@pytest.mark.parametrize("body", [
    pytest.param("<xml><Encrypt><![CDATA[bm90IGFlcw==]]></Encrypt></xml>", id="not-aes-blocks"),
    pytest.param("<xml><ToUserName>x</ToUserName></xml>", id="no-encrypt"),
    pytest.param("<xml><Encrypt>", id="broken-xml"),
])
def test_undecryptable_bodies_are_malformed(body):
    from bot.wechat.parse import parse_xml

    outer = parse_xml(body) if body.endswith("</xml>") else {}
    encrypted = outer.get("Encrypt") or ""
    with pytest.raises(MalformedMessage):
        Envelope(TOKEN, AES_KEY, APP_ID).open(body, sign(TOKEN, "1", "2", encrypted), "1", "2")
