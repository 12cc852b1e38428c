"""Parse the XML WeChat posts into wechatpy message objects."""
from __future__ import annotations

from typing import Any, Dict
from xml.parsers.expat import ExpatError

import xmltodict
from wechatpy import parse_message
from wechatpy.messages import BaseMessage


class MalformedMessage(ValueError):
    """The body is not a WeChat message (bad XML, missing fields)."""


def parse_xml(body: str) -> Dict[str, Any]:
    """The children of the ``<xml>`` root as a dict (entities are never expanded)."""
    try:
        document = xmltodict.parse(body, disable_entities=True)
    except (ExpatError, ValueError) as error:
        raise MalformedMessage(f"not XML: {error}") from None
    root = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise MalformedMessage("root element is not <xml> or is empty")
    return root


def parse(body: str) -> BaseMessage:
    """A wechatpy message or event; unknown types come back as ``UnknownMessage``."""
    root = parse_xml(body)
    for field in ("MsgType", "FromUserName", "CreateTime"):
        if not isinstance(root.get(field), str) or not root[field].strip():
            raise MalformedMessage(f"missing {field}")
    if not root["CreateTime"].strip().isdigit():
        raise MalformedMessage("CreateTime is not a number")
    if root.get("MsgId") is not None and not str(root["MsgId"]).strip().isdigit():
        raise MalformedMessage("MsgId is not a number")
    try:
        return parse_message(body)
    except (ExpatError, KeyError, TypeError, ValueError) as error:
        raise MalformedMessage(f"cannot read message: {error}") from None
