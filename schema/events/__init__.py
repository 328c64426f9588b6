"""The live event stream for dashboards."""
