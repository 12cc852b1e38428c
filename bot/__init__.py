"""Support assistant package: NLU components, channels, ticket store, console, PII redaction."""
