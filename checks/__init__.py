"""auditui's headless core: models, checks, engine, triage store and reports.

Nothing in this package imports Textual.
"""
