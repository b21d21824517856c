"""Escort and massage advertisers: independents, agencies and trafficking-like networks."""

from __future__ import annotations

from dataclasses import replace
from random import Random

from lightkeeper.synth import money
from lightkeeper.synth.numbers import Phone
from lightkeeper.synth.obfuscate import PLATFORMS, render_email
from lightkeeper.synth.operators import (
    EMAIL_HABITS,
    Operator,
    World,
    distinct,
    email_for,
    handle_for,
    home_city,
    personas_for,
    phone_lines,
    phone_styles,
    pick_sites,
    route,
    timeline,
    weighted,
    written_handle,
)
from lightkeeper.synth.places import COUNTRIES, City
from lightkeeper.synth.templates import Template, Voice, companion_template
from lightkeeper.synth.vocab import EMOJI


def _companion_span(rng: Random, size: int, *, independent: bool, risky: bool) -> float:
    if independent:
        return 0.0 if size == 1 else 3.0 + rng.random() * 60.0
    if risky:
        return size * (0.4 + rng.random() * 1.6)  # risky networks post often
    return size * (0.8 + rng.random() * 3.0)


def _templates(
    label: str, voice: Voice, count: int, rng: Random, *, bilingual: bool
) -> tuple[Template, ...]:
    out = []
    for i in range(count):
        if bilingual and i == count - 1 and count > 1:
            # A bilingual advertiser keeps one text in its other language.
            voice = replace(voice, language="en" if voice.language == "es" else "es")
        out.append(companion_template(f"{label}.t{i + 1}", voice, rng))
    return tuple(out)


def new_companion(
    label: str, *, world: World, rng: Random, independent: bool, size: int
) -> Operator:
    """Return an escort or massage advertiser posting `size` ads.

    About a fifth of these operators are planted as risky (trafficking-like); their indicators
    show up probabilistically in their ads, and independents show some of them too.
    """
    home = home_city(rng)
    spanish = rng.random() < COUNTRIES[home.country].spanish_share
    language = "es" if spanish else "en"
    risky = rng.random() < (0.05 if independent else 0.5 if size < 10 else 0.7)
    massage = rng.random() < 0.3
    shop = massage and not independent and rng.random() < 0.8
    if independent:
        n_personas = 1
    elif risky:
        n_personas = 2 + weighted(rng, (0.4, 0.35, 0.25))
    else:
        n_personas = 1 + weighted(rng, (0.5, 0.3, 0.2))
    third = shop or rng.random() < (0.75 if risky else 0.08 if independent else 0.4)
    span = _companion_span(rng, size, independent=independent, risky=risky)
    start, times = timeline(rng, size, span)
    span = times[-1] - start
    if risky and not shop:
        moves, stay, abroad = True, (2.0, 7.0), 0.15
    elif independent:
        moves, stay, abroad = rng.random() < 0.2, (5.0, 30.0), 0.05
    else:
        moves, stay, abroad = not shop and rng.random() < 0.4, (10.0, 60.0), 0.05
    stays = route(home, start, span, rng, stay=stay, moves=moves, abroad=abroad)
    if independent:
        rotation = None if rng.random() < 0.9 or span < 2 else (span / 2, span)
    else:
        rotation = (15.0, 50.0) if risky else (60.0, 200.0)
    lines = phone_lines(
        world.book,
        stays,
        start,
        span,
        rng,
        rotation=rotation,
        home=home,
        local_share=0.2 if risky else 0.0,
    )
    personas = personas_for(rng, n_personas, language)
    voice = Voice(language, third, risky, independent, n_personas > 1, massage, shop)
    n_templates = (
        1 if independent else 1 + weighted(rng, (0.3, 0.4, 0.3) if risky else (0.5, 0.3, 0.2))
    )
    bilingual = home.country in ("US", "ES") and rng.random() < 0.15
    templates = _templates(label, voice, n_templates, rng, bilingual=bilingual)
    n_sites = (1 if rng.random() < 0.8 else 2) if independent else 1 + (rng.random() < 0.5) + risky
    habit = "risky" if risky else "independent" if independent else "network"
    n_handles = weighted(rng, (0.45, 0.35, 0.15, 0.05))
    handles = tuple(
        written_handle(platform, handle_for(personas[0].name, rng), rng)
        for platform in distinct(rng, PLATFORMS, n_handles)
    )
    email = email_for(personas[0].name, rng) if rng.random() < 0.3 else None
    email_style = EMAIL_HABITS[int(rng.random() * len(EMAIL_HABITS))]
    if email_style == "arroba" and not spanish:
        email_style = "at_dot"
    forms = money.RATE_FORMS[(language, massage)]
    factor = 0.55 + rng.random() * 0.3 if risky else 0.85 + rng.random() * 0.45
    return Operator(
        label=label,
        kind="massage" if massage else "escort",
        risky=risky,
        deceptive=None,
        independent=independent,
        home=home,
        personas=personas,
        lines=lines,
        styles=phone_styles(rng, habit, spanish),
        email=email,
        email_text=render_email(email, email_style) if email else "",
        handles=handles,
        whatsapp=rng.random() < (0.45 if spanish else 0.15),
        templates=templates,
        sites=pick_sites(rng, "massage" if massage else "escort", n_sites, spanish),
        stays=stays,
        times=times,
        price_factor=factor,
        price_forms=tuple(distinct(rng, tuple(range(len(forms))), 1 + (rng.random() < 0.3))),
        emoji=tuple(distinct(rng, EMOJI, 1 + int(rng.random() * 3))) if rng.random() < 0.6 else (),
        agency=_agency(world, home, rng) if independent and rng.random() < 0.08 else None,
        title_phone=0.3 if rng.random() < 0.25 else 0.0,
        stock_share=0.15 if risky else 0.06,
    )


def _agency(world: World, home: City, rng: Random) -> tuple[str, Phone]:
    options = world.agencies[home.country]
    return options[int(rng.random() * len(options))]
