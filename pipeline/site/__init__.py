"""Stage 5: the static web root. pages.py renders a published version of a page (Jinja2 with
autoescape, templates/), with hreflang, canonical URL and localised metadata; sitemap.py lists every
published URL with its alternates; audit.py checks a built web root as SEO auditors do.
"""
