"""Prevention for the public: check a job offer for signs of deceptive recruitment.

check_job(text, *, country=None) -> JobCheck     warning signs, level, helplines
render_job_check(check, console)                 terminal text (Rich)
job_check_json(check) -> dict                    JSON form, for a web page or API
"""

from lightkeeper.prevent.jobcheck import (
    Hotline,
    JobCheck,
    WarningSign,
    check_job,
    hotlines_for,
    job_offer_scores,
)
from lightkeeper.prevent.render import job_check_json, job_check_text, render_job_check

__all__ = [
    "Hotline",
    "JobCheck",
    "WarningSign",
    "check_job",
    "hotlines_for",
    "job_check_json",
    "job_check_text",
    "job_offer_scores",
    "render_job_check",
]
