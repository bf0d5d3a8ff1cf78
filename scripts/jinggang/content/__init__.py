"""Content: reading source files, schemas, body conventions, safety, the loader and the model.

Imports nothing from site/ or outputs/.
"""
