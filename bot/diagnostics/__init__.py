"""Diagnostic forms: which details staff need per problem, reading answers, one field per fact."""
