"""Identifier extraction: one pure module per kind of identifier."""
