"""Job advertisers: legitimate employers and deceptive recruiters (planted as risky)."""

from __future__ import annotations

from random import Random

from lightkeeper.synth import bank_jobs, money
from lightkeeper.synth.obfuscate import render_email
from lightkeeper.synth.operators import (
    Operator,
    Persona,
    World,
    email_for,
    handle_for,
    home_city,
    phone_lines,
    phone_styles,
    pick_sites,
    route,
    timeline,
    written_handle,
)
from lightkeeper.synth.places import COUNTRIES, City
from lightkeeper.synth.templates import job_template
from lightkeeper.synth.vocab import CONTACT_NAMES


def _employer(rng: Random, country: str) -> str:
    first, second = bank_jobs.EMPLOYER_PARTS
    suffixes = bank_jobs.EMPLOYER_SUFFIX[country]
    return (
        f"{first[int(rng.random() * len(first))]} {second[int(rng.random() * len(second))]}"
        f" {suffixes[int(rng.random() * len(suffixes))]}"
    )


def _address(rng: Random, city: City) -> str:
    number = 10 + int(rng.random() * 4980)
    street = bank_jobs.STREETS[int(rng.random() * len(bank_jobs.STREETS))]
    postcode = "".join(str(int(rng.random() * 10)) if ch == "#" else ch for ch in city.postcode)
    if city.country in ("US", "CA"):
        kind = ("St", "Ave", "Blvd", "Rd")[int(rng.random() * 4)]
        return f"{number} {street} {kind}, {city.name}, {city.region} {postcode}"
    if city.country == "GB":
        return f"{number % 300} {street} Road, {city.name} {postcode}"
    if city.country == "ES":
        return f"Calle {street} {number % 200}, {postcode} {city.name}"
    return f"Av. {street} {number}, Col. Centro, {city.name}, CP {postcode}"


def _employer_email(employer: str, country: str, rng: Random, *, spanish: bool) -> str:
    words = employer.lower().split(" ")
    slug = "".join(ch for ch in words[0] + words[1] if "a" <= ch <= "z")
    tld = {"US": "com", "CA": "ca", "GB": "co.uk", "ES": "es", "MX": "com.mx"}[country]
    boxes = ("rrhh", "empleo", "vacantes") if spanish else ("jobs", "careers", "hr")
    return f"{boxes[int(rng.random() * 3)]}@{slug}.{tld}"


def new_job(label: str, *, world: World, rng: Random, deceptive: bool, size: int) -> Operator:
    """Return a job advertiser: a legitimate employer or a deceptive recruiter (planted risky)."""
    home = home_city(rng)
    spanish = rng.random() < max(0.05, COUNTRIES[home.country].spanish_share)
    language = "es" if spanish else "en"
    contact = CONTACT_NAMES[language][int(rng.random() * len(CONTACT_NAMES[language]))]
    roles = (bank_jobs.DECEPTIVE_ROLES if deceptive else bank_jobs.LEGIT_ROLES)[language]
    employer = _employer(rng, home.country)
    at_home = bank_jobs.HOME_DESTINATIONS[home.country]
    destinations = tuple(d for d in bank_jobs.DESTINATIONS[language] if d not in at_home)
    fixed = {
        "{_e}": employer,
        "{_r}": roles[int(rng.random() * len(roles))],
        "{_t}": destinations[int(rng.random() * len(destinations))],
        "{_x}": _address(rng, home),
        "{_f}": money.fee_text(home.country, 150 + 50 * int(rng.random() * 8)),
        "{_n}": contact,
    }
    n_templates = 1 + (rng.random() < (0.5 if deceptive else 0.2))
    templates = tuple(
        job_template(
            f"{label}.t{i + 1}",
            language=language,
            deceptive=deceptive,
            fixed=fixed,
            rng=rng,
        )
        for i in range(n_templates)
    )
    span = 1.0 + size * (1.0 + rng.random() * 6.0)
    start, times = timeline(rng, size, span)
    span = times[-1] - start
    stays = route(
        home,
        start,
        span,
        rng,
        stay=(5.0, 20.0),
        moves=deceptive and rng.random() < 0.6,
        abroad=0.05,
    )
    rotation = (20.0, 60.0) if deceptive else None
    lines = phone_lines(
        world.book, stays, start, span, rng, rotation=rotation, home=home, local_share=0.0
    )
    logo = (rng.getrandbits(64),) if not deceptive and rng.random() < 0.4 else ()
    email: str | None = (
        email_for(contact, rng)
        if deceptive
        else _employer_email(employer, home.country, rng, spanish=spanish)
    )
    if rng.random() >= (0.4 if deceptive else 0.7):
        email = None
    email_style = "plain" if not deceptive or rng.random() < 0.6 else "at_dot"
    handles: tuple[tuple[str, str, str], ...] = ()
    if deceptive and rng.random() < 0.3:
        handles = (written_handle("telegram", handle_for(contact, rng), rng),)
    wage = (
        float(3000 + 500 * int(rng.random() * 10))
        if deceptive
        else money.legit_wage_value(home.country, rng.random())
    )
    return Operator(
        label=label,
        kind="job",
        risky=deceptive,
        deceptive=deceptive,
        independent=not deceptive,
        home=home,
        personas=(Persona(contact, 0, "", logo),),
        lines=lines,
        styles=phone_styles(rng, "job", spanish),
        email=email,
        email_text=render_email(email, email_style) if email else "",
        handles=handles,
        whatsapp=rng.random() < (0.5 if deceptive else 0.08),
        templates=templates,
        sites=pick_sites(rng, "job", 1 + (rng.random() < 0.4), spanish),
        stays=stays,
        times=times,
        price_factor=1.0,
        price_forms=(),
        emoji=(),
        agency=None,
        title_phone=0.0,
        stock_share=0.4 if deceptive else 0.0,
        wage=wage,
    )
