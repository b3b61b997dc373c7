"""Gettext PO files, generic: the catalog model, GNU-exact reading and writing, line breaking, merge.

Nothing here knows about clinics, pages or the pipeline; the only project module it imports is
`pipeline.errors` (CatalogError names file and line). catalog.py is the immutable model; pofile.py
reads what msgfmt accepts and writes byte for byte what msgcat writes (linebreak.py, formatdirs.py
decide where lines break); merge.py merges a catalog with a new template as ``msgmerge --previous``.
"""
