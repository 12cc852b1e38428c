"""The in-app help window's input channel (page, JSON API, Server-Sent Events)."""
from bot.rasa_ext.channels.webchat.channel import WebChatInput

__all__ = ["WebChatInput"]
