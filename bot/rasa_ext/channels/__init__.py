"""Rasa input channels named in credentials.yml."""
