"""clinic-l10n: copy deck -> segments -> gettext catalogs -> pre-filled drafts -> reviewed static pages.

Stages, one module each, in data-flow order:

    copydeck  source/<page>.txt            -> model.Page
    segments  model.Page                   -> model.Segment (the one traversal, both directions)
    extract   pages                        -> locales/templates/<page>.pot
    update    .pot + .po                   -> merged .po (merge.py), drafts (prefill.py)
    render    page + .po per locale        -> output/site/<lang>/<slug>/index.html
    sitemap   publication status           -> output/site/sitemap.xml
    sitecheck output/site                  -> problems, one line each
"""

__version__ = "0.1.0"
