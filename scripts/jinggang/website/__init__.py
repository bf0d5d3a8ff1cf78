"""The site: the MkDocs plugin, its config, generated pages, glossary and search index."""
