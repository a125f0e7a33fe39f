"""The `nianbao` command line; the work itself lives in transforms/, dagster_project/ and dashboard/."""
