"""Handout PDFs -> one booklet: cover, contents, bound pages and one structure tree."""
