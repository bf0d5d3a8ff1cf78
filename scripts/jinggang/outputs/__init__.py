"""Outputs: the render store and printer, and what plugs into them (packets, field kits, slides, offline zips)."""
