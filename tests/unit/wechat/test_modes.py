"""bot/wechat/service.py over HTTP-shaped input: verification and the three modes."""
import pytest

from bot.rasa_ext.channels.wechat.service import WeChatService
from bot.wechat.config import WeChatSettings
from tests.support.wechat_platform import Platform, reply_content, text_xml

platform = Platform()


def test_verification_echoes_echostr(make_service):
    reply = make_service().verify({**platform.query(), "echostr": "echo-123"})
    assert (reply.status, reply.body) == (200, "echo-123")


def test_verification_with_forged_signature_is_403(make_service):
    query = {**platform.query(), "echostr": "echo-123"}
    query["signature"] = "0" * 40
    reply = make_service().verify(query)
    assert reply.status == 403 and "echo-123" not in reply.body


async def test_plaintext_mode_round_trip(make_service, rasa):
    service = make_service(mode="plaintext", aes_key="")
    reply = await service.receive(platform.query(), text_xml("o-plain", "你好").encode(), rasa)
    assert reply.status == 200
    assert reply_content(reply.body) == "答：你好"
    assert rasa.texts == ["你好"]


async def test_plaintext_mode_refuses_encrypted_requests_it_cannot_read(make_service, rasa):
    service = make_service(mode="plaintext", aes_key="")
    query, body = platform.encrypt(text_xml("o-plain", "你好"), platform.query())
    reply = await service.receive(query, body.encode(), rasa)
    assert reply.status == 403 and rasa.texts == []


@pytest.mark.parametrize("mode", ["compatible", "safe"])
async def test_encrypted_round_trip(make_service, rasa, mode):
    service = make_service(mode=mode)
    query, body = platform.encrypt(text_xml("o-safe", "收不到验证码"), platform.query())
    reply = await service.receive(query, body.encode(), rasa)
    assert reply.status == 200
    assert "收不到验证码" not in reply.body  # encrypted on the wire
    assert reply_content(platform.decrypt_reply(reply.body)) == "答：收不到验证码"
    assert rasa.texts == ["收不到验证码"]


async def test_compatible_mode_also_takes_plaintext(make_service, rasa):
    reply = await make_service(mode="compatible").receive(
        platform.query(), text_xml("o-compat", "你好").encode(), rasa)
    assert reply_content(reply.body) == "答：你好"


async def test_safe_mode_refuses_plaintext(make_service, rasa):
    reply = await make_service(mode="safe").receive(platform.query(), text_xml("o-x", "你好").encode(), rasa)
    assert reply.status == 403 and rasa.texts == []


async def test_forged_signature_is_403(make_service, rasa):
    query = platform.query()
    query["signature"] = "f" * 40
    reply = await make_service().receive(query, text_xml("o-x", "你好").encode(), rasa)
    assert reply.status == 403 and rasa.texts == []


async def test_forged_msg_signature_is_403(make_service, rasa):
    query, body = platform.encrypt(text_xml("o-x", "你好"), platform.query())
    query["msg_signature"] = "0" * 40
    reply = await make_service(mode="safe").receive(query, body.encode(), rasa)
    assert reply.status == 403 and rasa.texts == []


@pytest.mark.parametrize("body", [
    pytest.param(b"<xml><MsgType>text", id="truncated"),
    pytest.param(b"not xml at all", id="not-xml"),
    pytest.param(b"", id="empty"),
    pytest.param(b"<xml></xml>", id="empty-root"),
    pytest.param(b"<html><MsgType>text</MsgType></html>", id="other-root"),
    pytest.param(b"<xml><MsgType>text</MsgType><CreateTime>1</CreateTime></xml>", id="no-sender"),
    pytest.param(b"<xml><FromUserName>o</FromUserName><CreateTime>x</CreateTime><MsgType>text</MsgType></xml>",
                 id="bad-createtime"),
    pytest.param("<xml>\udcff</xml>".encode("utf-8", "surrogatepass"), id="not-utf8"),
    pytest.param(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Content>&a;</Content></xml>',
                 id="entities"),
])
async def test_malformed_xml_is_400(make_service, rasa, body):
    reply = await make_service().receive(platform.query(), body, rasa)
    assert reply.status == 400 and rasa.texts == []


async def test_huge_body_is_refused(make_service, rasa):
    body = text_xml("o-x", "转" * 200_000).encode()
    reply = await make_service().receive(platform.query(), body, rasa)
    assert reply.status == 413 and rasa.texts == []


async def test_without_secrets_every_request_is_503(rasa):
    service = WeChatService(WeChatSettings.from_credentials({"mode": "safe"}, {}))
    assert service.missing == ["WECHAT_TOKEN", "WECHAT_APPID", "WECHAT_AES_KEY"]
    assert service.verify({**platform.query(), "echostr": "e"}).status == 503
    assert (await service.receive(platform.query(), text_xml("o", "hi").encode(), rasa)).status == 503
    assert rasa.texts == []


def test_secrets_come_from_the_environment_when_not_in_credentials():
    env = {"WECHAT_TOKEN": "t", "WECHAT_APPID": "a", "WECHAT_SECRET": "s",
           "WECHAT_AES_KEY": "k" * 43}
    settings = WeChatSettings.from_credentials({"customer_service_api": "false"}, env)
    assert (settings.token, settings.app_id, settings.secret, settings.aes_key) == ("t", "a", "s", "k" * 43)
    assert settings.mode == "safe" and settings.missing() == []
    assert not settings.can_push
    assert WeChatSettings.from_credentials({"token": "own"}, env).token == "own"


def test_rasa_expands_env_vars_in_credentials_and_fails_when_unset(tmp_path, monkeypatch):
    """Why credentials.yml leaves the secrets out: Rasa aborts on an unset ${VAR}."""
    from rasa.shared.exceptions import RasaException
    from rasa.shared.utils.io import read_config_file

    path = tmp_path / "credentials.yml"
    path.write_text("bot.rasa_ext.channels.wechat.WeChatInput:\n  token: ${WECHAT_TEST_TOKEN_X}\n")
    monkeypatch.setenv("WECHAT_TEST_TOKEN_X", "from-env")
    assert read_config_file(path)["bot.rasa_ext.channels.wechat.WeChatInput"]["token"] == "from-env"
    monkeypatch.delenv("WECHAT_TEST_TOKEN_X")
    with pytest.raises(RasaException):
        read_config_file(path)


def test_bad_aes_key_disables_the_channel_instead_of_crashing():
    settings = WeChatSettings.from_credentials({"token": "t", "app_id": "a", "aes_key": "short"}, {})
    assert settings.missing() == ["WECHAT_AES_KEY (the 43-character EncodingAESKey)"]
    assert not WeChatService(settings).configured


def test_unknown_mode_is_a_clear_error():
    from bot.wechat.config import SettingsError

    with pytest.raises(SettingsError):
        WeChatSettings.from_credentials({"mode": "secure"}, {})
