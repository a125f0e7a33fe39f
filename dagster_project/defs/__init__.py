"""Dagster definitions by domain: `warehouse/` ingests annual reports into the DuckDB warehouse."""
