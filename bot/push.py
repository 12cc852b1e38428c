"""Messages to customers that do not answer a request of theirs (staff replies)."""
from bot.channels.webchat.outbox import push_to_customer

__all__ = ["push_to_customer"]
