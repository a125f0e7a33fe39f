"""Command-line entry point of nianbao; the work itself lives in transforms/, dagster_project/ and dashboard/."""
