"""Diagnostic forms: which details staff need per problem, and reading answers."""
