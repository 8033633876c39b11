"""Handout -> HTML: Markdown, the theme's Jinja templates, the printed page's typesetting."""
