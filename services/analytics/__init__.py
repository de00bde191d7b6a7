"""Analytics: metric collection (collector), SQL aggregations (queries), Plotly figures and CSV export.

Entry points, imported from their modules so a caller only pays for what it uses:
- collector.analytics_job()                 scheduler job, every collector.ANALYTICS_JOB_INTERVAL_SECONDS
- filters.AnalyticsFilters                  what is on screen (local date range, tz, accounts, platforms)
- queries.*                                 workspace-scoped aggregates as small pandas frames
- figures.overview_figures / post_detail_figure, export.export_csv
"""
