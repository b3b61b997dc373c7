"""Stage 1: the copy deck as the copywriter delivers it, read into the typed model.

parse.py reads ``source/<page>.txt`` (header, sections, blocks) into a `model.Page`; grammar.py says
what each body line is (markers first, then heuristics with warnings); segments.py is the one
traversal of a page into translatable segments, used both to extract and to rebuild; outline.py
shows how a deck was read (``clinic-l10n explain``). No I/O except reading the deck.
"""
