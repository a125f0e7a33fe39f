"""Ingestion: discovered files -> parsed records (staging) -> core tables -> marts -> published snapshot."""
