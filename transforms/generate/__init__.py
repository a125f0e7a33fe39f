"""Synthetic corpus generator: realistic 事业单位法人年度报告书 files with gold and a manifest (issue 4).

Pure code: writes files under the directory it is given and imports nothing from Dagster or Streamlit.
Entry point: `generate(out_dir, Options(...))`; the CLI is `nianbao generate` (nianbao/commands/generate.py).
"""

from transforms.generate.corpus import FORMATS, Options, Summary, generate

__all__ = ["FORMATS", "Options", "Summary", "generate"]
