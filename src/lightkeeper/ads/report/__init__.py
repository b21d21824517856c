"""DIR/report.html: the self-contained, offline HTML report of an analysis run."""

from lightkeeper.ads.report.render import render_html, render_report

__all__ = ["render_html", "render_report"]
