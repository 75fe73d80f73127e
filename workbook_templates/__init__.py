"""Texts and styles of the workbooks, for users to adapt (data only)."""
