"""Protections shared by the public endpoints: rate limits, the Rasa API token,
and masking secrets before anything is stored."""
