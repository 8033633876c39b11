"""HTML -> PDF: the only WeasyPrint importer; layout fixes, structure, variants, clusters."""
