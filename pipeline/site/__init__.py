"""Stage 5: the static web root. pages.py renders a published version of a page (Jinja2 with
autoescape, templates/), with hreflang, canonical URL and localised metadata; sitemap.py lists every
published URL with its alternates and lastmod; audit.py checks a built web root as SEO auditors do.
Around the pages: interface.py (the interface strings' catalog, site.po), navigation.py and
indexes.py (home, index and condition pages named by breadcrumbs; the language chooser and 404),
furniture.py (the clinic: images, footer, MedicalClinic publisher).
"""
