"""The WeChat official-account input channel and the request handling behind it."""
from bot.rasa_ext.channels.wechat.channel import WeChatInput

__all__ = ["WeChatInput"]
