"""New files to fill in: a site (init) and a handout skeleton (new)."""
