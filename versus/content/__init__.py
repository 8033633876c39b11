"""content/ -> Handout objects: front matter, data files, and what is found in them."""
