"""clinic-l10n: copy deck -> segments -> gettext catalogs -> pre-filled drafts -> reviewed static pages.

The sub-packages follow the data flow; each says in its ``__init__`` what it holds:

    copydeck/   source/<page>.txt -> Page (the typed model) -> segments
    catalogs/   Page -> locales/templates/LC_MESSAGES/<page>.pot; .pot + .po -> refreshed .po; check mode
    drafts/     empty entries -> fuzzy drafts from translation memory and machine translation
    review/     what reviewers did: QA findings, review state, what may be published, the report
    site/       published catalogs -> output/site/ (pages, sitemap), and the audit of a web root
    jobs/       one module per Snakefile rule: reads through paths.Project, writes, keeps manifests
    po/         gettext PO files as GNU gettext reads and writes them (generic: no clinic in it)

Shared basics at the top: cli (the commands), config (Settings), paths (where files live),
locales (locale spellings), quantities (numbers, units, contacts), errors (Problem and the
exceptions), fsio (atomic writes), runtime (what the Snakefile needs around Snakemake).
"""

__version__ = "0.1.0"
