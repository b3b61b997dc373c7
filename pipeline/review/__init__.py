"""Stage 4: what reviewers did, and what may therefore be published.

qa.py runs the clinical checks (one function per check, severity as data) on reviewed entries;
postedit.py measures how much reviewers changed the drafts (the bulk un-fuzzy gate and the
sign-off); publish.py decides, per page and locale, whether a version goes live and says why not;
report.py builds the status report; outcome.py is what a run prints at its end.
"""
