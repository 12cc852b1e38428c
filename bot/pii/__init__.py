"""Find and mask customer secrets (phones, ID and bank cards, SMS codes, passwords)."""
from bot.pii.redactor import Redactor, default_redactor, redact

__all__ = ["Redactor", "default_redactor", "redact"]
