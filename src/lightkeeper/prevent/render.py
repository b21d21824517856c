"""Show a `JobCheck`: as terminal text (Rich) or as a JSON-ready mapping (web pages, APIs).

The offer's own words are untrusted: they are escaped before Rich reads them, so markup in an
offer ("[bold]", "[link=...]") prints literally.
"""

from __future__ import annotations

import io
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from lightkeeper.prevent.jobcheck import Hotline, JobCheck

LEVEL_STYLE = {"high": "bold red", "medium": "bold yellow", "low": "yellow", "none": "green"}
LABELS: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Job offer check",
        "level": "Level of concern",
        "levels": {"high": "HIGH", "medium": "MEDIUM", "low": "LOW", "none": "NO SIGNS FOUND"},
        "severity": {"high": "serious", "medium": "moderate", "low": "minor"},
        "signs": "Warning signs",
        "seen": "In the offer",
        "verify": "Check",
        "advice": "Before you accept",
        "help": "Get help (free, confidential)",
        "text": "text",
        "source": "source",
        "emergency": "emergency",
        "disclaimer": "This check reads the words of the offer only. It cannot prove an offer is "
        "safe or a trap; when in doubt, call a helpline.",
    },
    "es": {
        "title": "Revisión de oferta de trabajo",
        "level": "Nivel de alerta",
        "levels": {"high": "ALTO", "medium": "MEDIO", "low": "BAJO", "none": "SIN SEÑALES"},
        "severity": {"high": "grave", "medium": "moderada", "low": "leve"},
        "signs": "Señales de alerta",
        "seen": "En la oferta",
        "verify": "Comprueba",
        "advice": "Antes de aceptar",
        "help": "Pide ayuda (gratis, confidencial)",
        "text": "mensaje de texto",
        "source": "fuente",
        "emergency": "emergencias",
        "disclaimer": "Esta revisión solo lee las palabras de la oferta. No puede demostrar que "
        "una oferta sea segura o una trampa; si tienes dudas, llama a una línea de ayuda.",
    },
}


def job_check_json(check: JobCheck) -> dict[str, Any]:
    """The check as a JSON-ready mapping (the shape a web page or API returns)."""
    data = asdict(check)
    data["score"] = round(check.score, 4)
    data["signs"] = [{**asdict(s), "weight": round(s.weight, 4)} for s in check.signs]
    data["hotlines"] = [
        {k: v for k, v in asdict(h).items() if v != "" or k in ("country", "name", "phone")}
        for h in check.hotlines
    ]
    data["advice"] = list(check.advice)
    return data


def render_job_check(check: JobCheck, console: Console) -> None:
    """Print the check on `console` in plain language, in the check's language."""
    words = LABELS.get(check.language, LABELS["en"])
    style = LEVEL_STYLE[check.level]
    headline = f"[{style}]{words['level']}: {words['levels'][check.level]}[/]"
    console.print(
        Panel(
            f"{headline}\n{escape(check.summary)}",
            title=words["title"],
            expand=False,
        )
    )
    if check.signs:
        console.print(f"\n[bold]{words['signs']}[/]")
    for n, sign in enumerate(check.signs, start=1):
        severity = words["severity"][sign.severity]
        console.print(f"\n[bold]{n}. {escape(sign.name)}[/] ({severity})")
        console.print(f"   {escape(sign.explanation)}", highlight=False)
        console.print(f"   [dim]{words['seen']}:[/] {escape(sign.evidence)}", highlight=False)
        if sign.verify:
            console.print(f"   [cyan]{words['verify']}:[/] {escape(sign.verify)}", highlight=False)
    console.print(f"\n[bold]{words['advice']}[/]")
    for line in check.advice:
        console.print(f" - {escape(line)}", highlight=False)
    console.print(f"\n[bold]{words['help']}[/]")
    for hotline in check.hotlines:
        console.print(_hotline_text(hotline, words), highlight=False)
    console.print(f"\n[dim]{escape(words['disclaimer'])}[/]")


def _hotline_text(hotline: Hotline, words: dict[str, Any]) -> str:
    where = f"{hotline.country}: " if hotline.country else ""
    parts = [f" - [bold]{escape(where + hotline.name)}[/]: {escape(hotline.phone)}"]
    if hotline.sms:
        parts.append(f"({words['text']} {escape(hotline.sms)})")
    if hotline.email:
        parts.append(escape(hotline.email))
    if hotline.web:
        parts.append(escape(hotline.web))
    line = " ".join(parts)
    emergency = f"{words['emergency']}: {hotline.emergency}" if hotline.emergency else ""
    details = "; ".join(x for x in (hotline.hours, emergency, hotline.note) if x)
    if details:
        line += f"\n   {escape(details)}"
    return line + f"\n   [dim]{words['source']}: {escape(hotline.source)}[/]"


def job_check_text(check: JobCheck, *, width: int = 88) -> str:
    """The check as plain text (no colours), e.g. for an e-mail or a log."""
    buffer = io.StringIO()
    render_job_check(check, Console(file=buffer, width=width, no_color=True, highlight=False))
    return buffer.getvalue()
