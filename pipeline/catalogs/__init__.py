"""Stage 2: catalogs. A page's segments become its template (template.py); a locale's catalog is
refreshed against the template with its header kept (refresh.py, merging through po.merge);
catalogcache.py keeps parsed catalogs (plain values, marshalled) keyed by their bytes; verify.py is
check mode (are the catalogs up to date, readable and msgfmt-clean?).
"""
