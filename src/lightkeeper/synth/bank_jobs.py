"""Phrase banks for job ads, legitimate and deceptive, in English and Spanish.

Deceptive recruitment indicators follow the usual guidance (ILO, Polaris): fees or debts for
travel and visas, free travel and housing, wages far above market, no named employer,
urgency, demands for passports or photos, age or appearance requirements, work abroad, no
experience needed. Slots: `{_e}` employer, `{_r}` role, `{_t}` destination, `{_x}` address,
`{_f}` fee (fixed per template); `{_p}` wage, `{_c}` city, `{_n}` contact, `{_j}` job reference
and `{_d}` start date (per ad).
"""

from __future__ import annotations

LEGIT: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "intro": (
            "{_e} is [hiring|now hiring|looking for|recruiting] {_r} [in {_c}|for our {_c} site"
            "|for immediate openings|].",
            "[Join|Work with|Come work at] {_e}[!|.] [We are hiring|Now hiring|Openings for] {_r}"
            " [in {_c}|].",
            "[Now accepting applications|Openings available|Hiring event] at {_e}: {_r}.",
        ),
        "pay": (
            "[Pay|Wage|Starting pay|Salary]: {_p}[, paid weekly|, paid every two weeks|].",
            "[We offer|Earn] {_p} [plus overtime|with raises after 90 days|to start].",
        ),
        "schedule": (
            "[Full-time|Part-time|Full and part-time] [positions|shifts][,|:] [Monday to Friday"
            "|weekends included|rotating shifts|day and night shifts] [8am-5pm|7am-3:30pm"
            "|2pm-10pm|].",
            "Start date: {_d}.",
        ),
        "benefits": (
            "[Benefits|We offer]: [health insurance|paid time off|a retirement plan|overtime pay"
            "|uniforms provided] [and|,] [paid training|employee discounts|weekly pay"
            "|paid holidays].",
        ),
        "requirements": (
            "[Requirements|Must have]: [valid ID|high school diploma|1 year of experience|forklift"
            " certification|reliable transportation|food handler card|a clean driving record].",
            "[No experience needed|Experience preferred|We provide training], [friendly team"
            "|growth opportunities|great place to work].",
        ),
        "apply": (
            "[Apply in person at|Visit us at|Interviews held at|Apply at] {_x}.",
            "[Apply online or visit|Bring your resume to] {_x}[, Monday-Friday 9am-4pm|].",
        ),
        "trust": (
            "[We never charge fees to applicants|No fees of any kind|Applying is always free].",
            "[Equal opportunity employer|All qualified applicants are welcome|Background check"
            " required].",
            "[Job ref|Ref|Position ID|Job #] {_j}.",
        ),
        "contact": ("Questions? Call", "Contact HR at", "Call our office at", "Call {_n} at"),
        "title": (
            "[Now hiring|Hiring|Job opening]: {_r} [-|–|~] {_e}",
            "{_r} [wanted|needed] [in {_c}|] [-|–] {_p}",
            "{_e} [is hiring|hiring now] [-|–] {_r}",
        ),
    },
    "es": {
        "intro": (
            "{_e} [busca|contrata|solicita] {_r} [en {_c}|para su sucursal de {_c}|].",
            "[Únete a|Trabaja en|Forma parte de] {_e}[!|.] [Solicitamos|Contratamos] {_r}"
            " [en {_c}|].",
            "[Vacantes disponibles|Feria de empleo|Abierta la convocatoria] en {_e}: {_r}.",
        ),
        "pay": (
            "[Sueldo|Salario|Pago]: {_p}[, pago semanal|, pago quincenal|].",
            "[Ofrecemos|Gana] {_p} [más horas extra|con aumentos|para empezar].",
        ),
        "schedule": (
            "[Jornada completa|Medio tiempo|Tiempo completo y medio tiempo][,|:] [de lunes a"
            " viernes|fines de semana|turnos rotativos] [de 8:00 a 17:00|de 7 a 15 h|].",
            "Fecha de inicio: {_d}.",
        ),
        "benefits": (
            "[Prestaciones de ley|Seguro médico|Vacaciones pagadas|Contrato indefinido][,| y]"
            " [capacitación pagada|vales de despensa|uniformes|comedor].",
        ),
        "requirements": (
            "[Requisitos|Indispensable]: [identificación oficial|secundaria terminada|1 año de"
            " experiencia|carnet de manipulador de alimentos|licencia de conducir].",
            "[Sin experiencia|Experiencia deseable|Te capacitamos], [buen ambiente|crecimiento"
            " laboral|estabilidad].",
        ),
        "apply": (
            "[Preséntate en|Entrevistas en|Entrega tu CV en] {_x}.",
            "[Envía tu CV o acude a|Visítanos en] {_x}[, de lunes a viernes de 9 a 14 h|].",
        ),
        "trust": (
            "[Nunca cobramos a los candidatos|Sin costo alguno|El proceso es gratuito].",
            "[Empresa con igualdad de oportunidades|Todas las personas son bienvenidas].",
            "[Ref.|Referencia|Vacante núm.] {_j}.",
        ),
        "contact": (
            "Informes al",
            "Llama a Recursos Humanos al",
            "Tel. oficina",
            "Pregunta por {_n} al",
        ),
        "title": (
            "[Se solicita|Vacante|Empleo]: {_r} [-|–] {_e}",
            "{_r} [en {_c}|] [-|–] {_p}",
            "{_e} [contrata|busca] {_r}",
        ),
    },
}

DECEPTIVE: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "intro": (
            "[Work abroad|Jobs abroad|International opportunity|Urgent hiring][!|.] [We are looking"
            " for|Now recruiting|Hiring] {_r} [for|to work in] {_t}.",
            "[Dream job|Amazing opportunity|Change your life][!|.] {_r} [needed|wanted] in {_t}.",
            "[Hiring|Recruiting] {_r} [now|today|this week][,|:] [great|excellent|high] pay"
            " in {_t}.",
        ),
        "wage": (
            "[Earn|Make|Salary of] {_p} [per week|weekly|a month|monthly] [guaranteed|cash"
            "|plus tips].",
            "[Up to|Over|At least] {_p} [a week|per week|a month], [paid in cash|no taxes"
            "|tips extra].",
        ),
        "free": (
            "[Free travel and housing|Flight and accommodation included|We pay your ticket and"
            " housing|Free visa, travel and room].",
        ),
        "fee": (
            "[Only a small fee|Just pay the registration fee|Processing fee] of {_f} [for visa"
            " processing|for documents|to reserve your place].",
            "[Travel costs are advanced and repaid from your wages|The ticket is deducted from your"
            " pay|We lend you the travel money].",
        ),
        "noexp": ("[No experience needed|No experience required|We train you|No English needed].",),
        "urgency": (
            "[Limited spots|Only 5 places left|Travel this week|Urgent, start immediately"
            "|Leave in 3"
            " days][!|!!|.]",
        ),
        "documents": (
            "[Send|Send us] [photos|full-body photos|a recent photo] and [a copy of your passport"
            "|your passport details|your ID] [to apply|by message|today].",
            "[We keep your passport safe|Your documents are handled by the agency] [during the"
            " contract|while you work].",
        ),
        "appearance": (
            "[Women|Girls|Ladies] [18-25|18 to 28|under 30], [good appearance|slim|attractive|good"
            " presence] [required|only].",
        ),
        "agency": (
            "[International agency|Our agency|Trusted agency] [with years of experience|works with"
            " the best clubs and hotels|guarantees your contract].",
        ),
        "contact": ("Contact us on", "Write to", "Message", "Info", "Apply now"),
        "title": (
            "[Work abroad|Jobs in {_t}|Urgent]: {_r} [-|–|!] {_p}",
            "[Earn|Make] {_p} [in {_t}|abroad] [-|–] {_r}",
            "{_r} [needed|wanted] [-|–] {_t} [free travel|housing included|urgent]",
        ),
    },
    "es": {
        "intro": (
            "[Trabajo en el extranjero|Empleo en el extranjero|Oportunidad internacional"
            "|Urgente][!|.]"
            " [Buscamos|Solicitamos|Contratamos] {_r} para [trabajar en|] {_t}.",
            "[El trabajo de tus sueños|Gran oportunidad|Cambia tu vida][!|.] Se buscan {_r}"
            " en {_t}.",
        ),
        "wage": (
            "[Gana|Sueldo de|Ingresos de] {_p} [a la semana|semanales|al mes|mensuales]"
            " [garantizados|en efectivo|más propinas].",
        ),
        "free": (
            "[Viaje y alojamiento gratis|Boleto de avión y hospedaje incluidos|Te pagamos el viaje"
            " y la vivienda|Visa, viaje y cuarto gratis].",
        ),
        "fee": (
            "[Solo pagas|Únicamente cubre|Cuota de inscripción de] {_f} [del trámite de visa"
            "|por los"
            " documentos|para apartar tu lugar].",
            "[El viaje se descuenta de tu sueldo|Te prestamos el dinero del viaje"
            "|La deuda del boleto"
            " se paga con tu trabajo].",
        ),
        "noexp": (
            "[Sin experiencia|No se requiere experiencia|Te capacitamos|No necesitas inglés].",
        ),
        "urgency": (
            "[Cupo limitado|Quedan 5 lugares|Viaje esta semana|Urgente, inicio inmediato|Salida en"
            " 3 días][!|!!|.]",
        ),
        "documents": (
            "[Envía|Manda] [fotos|fotos de cuerpo completo|una foto reciente] y [copia de tu"
            " pasaporte|tus datos de pasaporte|tu identificación] [para aplicar|por mensaje|hoy].",
            "[La agencia guarda tu pasaporte|Tus documentos los maneja la agencia] [durante el"
            " contrato|mientras trabajas].",
        ),
        "appearance": (
            "[Mujeres|Chicas|Señoritas] [de 18 a 25 años|de 18 a 28|menores de 30], [buena"
            " presencia|delgadas|atractivas] [indispensable|únicamente].",
        ),
        "agency": (
            "[Agencia internacional|Nuestra agencia|Agencia de confianza] [con años de"
            " experiencia|trabaja con los mejores clubes y hoteles|garantiza tu contrato].",
        ),
        "contact": ("Contáctanos al", "Escribe al", "Mensaje al", "Informes", "Aplica ya"),
        "title": (
            "[Trabajo en {_t}|Empleo en el extranjero|Urgente]: {_r} [-|–|!] {_p}",
            "[Gana|Hasta] {_p} [en {_t}|en el extranjero] [-|–] {_r}",
        ),
    },
}

LEGIT_ROLES: dict[str, tuple[str, ...]] = {
    "en": (
        "warehouse associates",
        "line cooks",
        "housekeepers",
        "delivery drivers",
        "cashiers",
        "home caregivers",
        "farm workers",
        "construction laborers",
        "office cleaners",
        "receptionists",
        "dishwashers",
        "forklift operators",
        "security guards",
    ),
    "es": (
        "ayudantes de almacén",
        "cocineros",
        "camaristas",
        "repartidores",
        "cajeros",
        "cuidadoras",
        "jornaleros",
        "ayudantes de construcción",
        "personal de limpieza",
        "recepcionistas",
        "lavaplatos",
        "montacarguistas",
        "guardias de seguridad",
    ),
}

DECEPTIVE_ROLES: dict[str, tuple[str, ...]] = {
    "en": (
        "hostesses",
        "waitresses",
        "models",
        "dancers",
        "nannies",
        "hotel staff",
        "massage therapists",
        "promoters",
        "bar staff",
        "caregivers",
    ),
    "es": (
        "edecanes",
        "meseras",
        "modelos",
        "bailarinas",
        "niñeras",
        "personal de hotel",
        "masajistas",
        "promotoras",
        "anfitrionas",
        "cuidadoras",
    ),
}

# Destinations that are not abroad for recruiters based in a country.
HOME_DESTINATIONS: dict[str, tuple[str, ...]] = {
    "US": ("the USA", "Estados Unidos"),
    "CA": ("Canada", "Canadá"),
    "ES": ("Spain", "España", "Europe", "Europa"),
    "GB": ("Europe", "Europa"),
    "MX": ("Cancún",),
}

DESTINATIONS: dict[str, tuple[str, ...]] = {
    "en": (
        "Dubai",
        "Japan",
        "Europe",
        "the USA",
        "Canada",
        "Spain",
        "Cancún",
        "cruise ships",
        "a luxury resort",
        "Singapore",
    ),
    "es": (
        "Dubái",
        "Japón",
        "Europa",
        "Estados Unidos",
        "Canadá",
        "España",
        "Cancún",
        "cruceros",
        "un hotel de lujo",
        "Panamá",
    ),
}

EMPLOYER_PARTS: tuple[tuple[str, ...], tuple[str, ...]] = (
    (
        "Harbor",
        "Summit",
        "Lone Star",
        "Maple",
        "Pioneer",
        "Bluebird",
        "Riverside",
        "Oakwood",
        "Sunrise",
        "Northgate",
        "Cedar",
        "Granite",
        "Redwood",
        "Silverline",
        "Keystone",
        "Alameda",
        "Sierra",
        "Del Valle",
        "Altamira",
        "Costa Azul",
    ),
    (
        "Logistics",
        "Foods",
        "Cleaning Services",
        "Construction",
        "Home Care",
        "Hotel Group",
        "Farms",
        "Distribution",
        "Restaurants",
        "Facility Services",
        "Security",
        "Packaging",
    ),
)

EMPLOYER_SUFFIX: dict[str, tuple[str, ...]] = {
    "US": ("LLC", "Inc.", "Co."),
    "CA": ("Inc.", "Ltd."),
    "GB": ("Ltd", "Ltd", "plc"),
    "ES": ("S.L.", "S.A."),
    "MX": ("S.A. de C.V.", "S. de R.L."),
}

STREETS: tuple[str, ...] = (
    "Main",
    "Commerce",
    "Industrial",
    "Market",
    "Oak",
    "Elm",
    "Park",
    "Lake",
    "Hidalgo",
    "Juárez",
    "Mayor",
    "Alcalá",
    "Reforma",
    "Victoria",
    "Station",
    "Mill",
)
