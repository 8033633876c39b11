"""watch and serve: rebuild on a save, and show output/ live in a browser."""
