"""Handoff tickets and their transcripts (SQLAlchemy 1.4, 2.0-style API)."""
