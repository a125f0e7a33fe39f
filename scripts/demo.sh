#!/usr/bin/env bash
# The README's main command: set up from the lock file, ingest the sample corpus through the Dagster job
# into data/warehouse.duckdb (published snapshot in data/published/), then serve the dashboard.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/bootstrap.sh
.venv/bin/nianbao ingest data/samples/000_b1d8bfba56152971.txt data/samples/demo/reports
.venv/bin/nianbao sql "SELECT r.report_year AS 年度, count(*) AS 报告数, sum(f.net_assets_end_wan) AS 期末净资产合计_万元
                       FROM reports r JOIN finances f USING (report_id) WHERE r.status = 'current'
                       GROUP BY ALL ORDER BY 1"
exec .venv/bin/nianbao dashboard --port "${NIANBAO_PORT:-8501}"
