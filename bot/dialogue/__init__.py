"""Dialogue data that is generated rather than written by hand."""
