"""Build requests the way the WeChat platform does: signed query strings, message
XML, and (compatible/safe mode) bodies encrypted with wechatpy's crypto helper."""
from __future__ import annotations

import itertools
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Dict, Optional, Tuple

import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

TOKEN = "test-token"
APP_ID = "wx-test-app"
SECRET = "test-secret"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as the platform issues
OFFICIAL = "gh_test_account"

_ids = itertools.count(int(time.time() * 1000))


def next_msg_id() -> str:
    return str(next(_ids))


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


class Platform:
    def __init__(self, token: str = TOKEN, app_id: str = APP_ID, aes_key: str = AES_KEY) -> None:
        self.token = token
        self.crypto = WeChatCrypto(token, aes_key, app_id)

    def query(self, timestamp: Optional[str] = None, nonce: str = "n0nce") -> Dict[str, str]:
        timestamp = timestamp or str(int(time.time()))
        return {"signature": sign(self.token, timestamp, nonce), "timestamp": timestamp,
                "nonce": nonce, "openid": "o-any"}

    def encrypt(self, xml: str, query: Dict[str, str]) -> Tuple[Dict[str, str], str]:
        """Safe-mode body and query (``encrypt_type=aes``, ``msg_signature``)."""
        sealed = self.crypto.encrypt_message(xml, query["nonce"], query["timestamp"])
        outer = xmltodict.parse(sealed)["xml"]
        return {**query, "encrypt_type": "aes", "msg_signature": outer["MsgSignature"]}, \
            f"<xml><ToUserName><![CDATA[{OFFICIAL}]]></ToUserName><Encrypt><![CDATA[{outer['Encrypt']}]]></Encrypt></xml>"

    def decrypt_reply(self, body: str) -> str:
        outer = xmltodict.parse(body)["xml"]
        return self.crypto.decrypt_message(body, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"])


def message_xml(sender: str, msg_type: str = "text", msg_id: Optional[str] = None,
                create_time: Optional[int] = None, **fields: str) -> str:
    parts = [f"<ToUserName><![CDATA[{OFFICIAL}]]></ToUserName>",
             f"<FromUserName><![CDATA[{sender}]]></FromUserName>",
             f"<CreateTime>{create_time or int(time.time())}</CreateTime>",
             f"<MsgType><![CDATA[{msg_type}]]></MsgType>"]
    parts += [f"<{name}><![CDATA[{value}]]></{name}>" for name, value in fields.items()]
    if msg_type != "event":
        parts.append(f"<MsgId>{msg_id or next_msg_id()}</MsgId>")
    return "<xml>" + "".join(parts) + "</xml>"


def text_xml(sender: str, content: str, msg_id: Optional[str] = None, create_time: Optional[int] = None) -> str:
    return message_xml(sender, "text", msg_id, create_time, Content=content)


def event_xml(sender: str, event: str, key: Optional[str] = None, create_time: Optional[int] = None) -> str:
    fields = {"Event": event}
    if key is not None:
        fields["EventKey"] = key
    return message_xml(sender, "event", create_time=create_time, **fields)


def reply_content(xml: str) -> str:
    return xmltodict.parse(xml)["xml"]["Content"] or ""


def http(method: str, url: str, query: Dict[str, str], body: Optional[str] = None,
         timeout: float = 30) -> Tuple[int, str]:
    full = f"{url}?{urllib.parse.urlencode(query)}"
    data = body.encode("utf-8") if body is not None else None
    request = urllib.request.Request(full, data=data, method=method,
                                     headers={"Content-Type": "text/xml"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace")


def post_safe(base: str, xml: str, platform: Optional[Platform] = None) -> Tuple[int, str]:
    """Post like the platform in safe mode; (status, decrypted reply XML or raw body)."""
    platform = platform or Platform()
    query, body = platform.encrypt(xml, platform.query())
    status, answer = http("POST", f"{base}/webhooks/wechat/webhook", query, body)
    if status == 200 and answer != "success":
        answer = platform.decrypt_reply(answer)
    return status, answer
