"""content/ -> Handout objects: front matter, the comparison table as facts, data files, and what is found in them."""
