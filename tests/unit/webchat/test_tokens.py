import pytest

from bot.webchat.tokens import (
    InvalidToken,
    TokenSigner,
    anonymous_sender_id,
    load_secret,
    user_id_of,
    user_sender_id,
)

SECRET = b"0123456789abcdef0123456789abcdef"
NOW = 1_800_000_000


@pytest.fixture
def signer():
    return TokenSigner(SECRET, clock=lambda: NOW)


def test_token_round_trip(signer):
    assert signer.verify(signer.issue("wc-anon-abc")) == "wc-anon-abc"


def test_token_for_unicode_sender(signer):
    assert signer.verify(signer.issue("wc-user-张三")) == "wc-user-张三"


@pytest.mark.parametrize("token", [
    pytest.param(None, id="missing"),
    pytest.param("", id="empty"),
    pytest.param("no-dot", id="no-dot"),
    pytest.param("a.b.c", id="two-dots"),
    pytest.param("d2MtYW5vbi1hYmM.AAAA", id="wrong-mac"),
    pytest.param("%%%.%%%", id="not-base64"),
    pytest.param("x" * 600 + ".y", id="too-long"),
    pytest.param({"": None}, id="an-object-from-json"),  # found by tests/security/test_fuzz.py
    pytest.param(12.5, id="a-number-from-json"),
])
def test_malformed_or_forged_tokens_are_refused(signer, token):
    with pytest.raises(InvalidToken):
        signer.verify(token)


def test_token_of_one_sender_cannot_be_moved_to_another(signer):
    _, mac = signer.issue("wc-anon-victim").split(".")
    own, _ = signer.issue("wc-anon-attacker").split(".")
    with pytest.raises(InvalidToken):
        signer.verify(f"{own}.{mac}")


def test_token_from_another_secret_is_refused(signer):
    other = TokenSigner(b"another-secret-another-secret!!")
    with pytest.raises(InvalidToken):
        signer.verify(other.issue("wc-anon-abc"))


def test_signed_user_id_verifies(signer):
    sig = signer.sign_user("u42", NOW + 60)
    assert signer.verify_user("u42", str(NOW + 60), sig) == "u42"
    assert signer.verify_user("u42", str(NOW + 60), sig.upper()) == "u42"


@pytest.mark.parametrize("uid, exp, sig_for", [
    pytest.param("u42", NOW + 60, ("u43", NOW + 60), id="other-user"),
    pytest.param("u42", NOW - 1, ("u42", NOW - 1), id="expired"),
    pytest.param("u42", NOW + 60, ("u42", NOW + 61), id="other-expiry"),
    pytest.param("u 42", NOW + 60, ("u 42", NOW + 60), id="bad-characters"),
    pytest.param("u42", "soon", ("u42", NOW + 60), id="expiry-not-a-number"),
])
def test_bad_user_signatures_are_refused(signer, uid, exp, sig_for):
    sig = signer.sign_user(*sig_for)
    with pytest.raises(InvalidToken):
        signer.verify_user(uid, str(exp), sig)


def test_non_ascii_signature_is_refused_not_crashing(signer):
    with pytest.raises(InvalidToken):
        signer.verify_user("u42", str(NOW + 60), "签名")


def test_session_mac_is_not_a_user_signature(signer):
    """Domain separation: a token's MAC cannot be replayed as a uid signature."""
    token_mac = signer.issue("uid:u42:1800000060").split(".")[1]
    with pytest.raises(InvalidToken):
        signer.verify_user("u42", str(NOW + 60), token_mac)


def test_sender_ids():
    assert user_id_of(user_sender_id("u42")) == "u42"
    anonymous = anonymous_sender_id()
    assert user_id_of(anonymous) is None
    assert anonymous != anonymous_sender_id()


def test_secret_from_environment(tmp_path):
    assert load_secret("s" * 32, tmp_path / "secret") == b"s" * 32
    assert not (tmp_path / "secret").exists()


def test_short_secret_is_refused(tmp_path):
    with pytest.raises(ValueError):
        load_secret("short", tmp_path / "secret")


def test_generated_secret_is_kept(tmp_path):
    path = tmp_path / "var" / "webchat_secret"
    first = load_secret(None, path)
    assert len(first) >= 32
    assert load_secret(None, path) == first
    assert oct(path.stat().st_mode & 0o777) == "0o600"
