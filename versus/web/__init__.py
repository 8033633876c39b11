"""The site around the handouts: index pages, tags, search index, sitemap, the facts as JSON."""
