"""Stage 3: drafts for human review. Every empty entry gets a fuzzy draft, translation memory first
(memory.py), then machine translation (engines.py: Apertium offline, deep-translator online; the
provider names in providers.py), with numbers, contacts and do-not-translate terms masked (masks.py)
and answers cached (mtcache.py). provenance.py spells the comment each draft carries, which review/
reads back. A draft is never published: only a person's review makes an entry translated.
"""
