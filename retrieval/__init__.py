"""Evidence for the judges: search, safe fetching, extraction, passage ranking, evidence store.

Imports nothing else of trustbench (see ARCHITECTURE.md).
"""
