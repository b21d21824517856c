"""Spanish phrase bank for companionship and massage ads (neutral wording only).

Same pattern syntax and slots as `bank_en`: `[a|b]` chosen per template, `{_x}` per ad.
"""

from __future__ import annotations

_ADJ = "[dulce|elegante|encantadora|simpática|cariñosa|alegre|educada|preciosa|coqueta]"
_ADJ2 = "[discreta|tranquila|sencilla|divertida|atenta|auténtica|natural|detallista]"
_WHO = "[acompañante|chica|mujer|señorita|compañera]"
_HI = "[Hola|Buenas|Qué tal|Hola hola|Saludos|Buenos días]"
_GUYS = "[caballeros|chicos|amor|guapo|a todos|cariño]"
_LIKES = (
    "[una buena conversación|conocer gente nueva|las cenas|viajar|la música|reír|un buen vino"
    "|pasear|bailar|el cine|cocinar|la playa]"
)

BANK: dict[str, tuple[str, ...]] = {
    "intro_1p": (
        f"{_HI} {_GUYS}[!|,|.] [Soy|Me llamo|Mi nombre es] {{_n}}[,| -] [una|tu] {_ADJ} [y|pero]"
        f" {_ADJ2} {_WHO}.",
        "[Aquí|Hola, aquí] {_n}[!|.|,] [tu|la] [compañía|acompañante|cita] [ideal|perfecta|soñada]"
        " [en {_c}|para la noche|para cualquier ocasión|para relajarte].",
        "¿[Buscas|Necesitas|Quieres] [compañía|una cita|desconectar|un momento de relax]? [Soy"
        "|Me llamo] {_n} [y|,] [te espero|estoy aquí para ti|soy lo que buscas|te voy a encantar].",
        f"[Date un gusto|Regálate un momento|Desconecta] [con|y conoce a] {{_n}}[,|] la {_WHO}"
        " más [dulce|elegante|simpática|tranquila] de {_c}.",
        "[Soy|Aquí] {_n}[!|.] [Independiente|Particular|Auténtica|Real] [y|,] [discreta|educada"
        "|elegante] [acompañante|chica] [para|que ofrece] [buena compañía|ratos agradables"
        "|conversación y relax].",
        f"[Bienvenido|Hola y bienvenido|Gracias por pasar][,|!|.] soy {{_n}}, {_ADJ}, {_ADJ2}"
        " y [siempre|muy] [con buena energía|feliz de conocerte|sonriente].",
    ),
    "intro_3p": (
        f"[Conoce a|Te presentamos a|Ven a conocer a] {{_n}}[,|:| -] [una|nuestra] {_ADJ} {_WHO}"
        f" [a la que le encanta|que disfruta de] {_LIKES}.",
        f"{{_n}} es [una|nuestra] {_ADJ} {_WHO} [y|que] [te espera|está lista para conocerte"
        "|está disponible|quiere conocerte].",
        "[Nuestra|La] [preciosa|dulce|bella|encantadora] {_n} [está|estará] [en {_c}|disponible"
        "|aquí] [ahora|hoy|esta noche|esta semana].",
        f"[Ella es|Es] {{_n}}[,|:| -] {_ADJ} [y|,] [con ganas de conocerte|siempre puntual|fácil"
        " de tratar|muy cariñosa].",
        "[Pregunta por|Llama y pregunta por|Pide a] {_n}[,|.|!] [es|ella es] [dulce|cariñosa"
        "|simpática|encantadora] [y|,] [discreta|educada|atenta].",
    ),
    "describe_1p": (
        f"[Tengo|Con] {{_a}} [años|añitos][,| y| -] [me encanta|disfruto de|me gusta] {_LIKES}.",
        "[Soy|Me considero] [la chica de al lado|muy sociable|un alma dulce|una chica de ciudad"
        "|un espíritu libre] [con una gran sonrisa|con buen corazón|y muy natural].",
        "[Mis amigos|Los caballeros|Mis clientes] [dicen|me dicen] que soy [fácil de tratar|muy"
        " buena escuchando|muy divertida|muy dulce].",
        "[Morena|Rubia|Pelirroja|Delgada|Alta|Bajita] [con una sonrisa cálida|de pelo largo"
        "|de ojos bonitos|y muy natural], {_a} [años|añitos].",
    ),
    "describe_3p": (
        f"[Tiene|Con] {{_a}} [años|añitos][,| y| -] [le encanta|disfruta de] {_LIKES}.",
        "[Ella|{_n}] [tiene|trae] [una sonrisa preciosa|muy buena energía|una personalidad dulce"
        "|unos ojos bonitos].",
        "[Morena|Rubia|Delgada|Alta|Bajita], {_a} [años|añitos], [muy|super|siempre]"
        " [dulce|simpática|educada].",
    ),
    "services": (
        "[Ofrezco|Ofrecemos|Disponible para] [compañía|cenas|eventos sociales|ratos agradables].",
        "[Ideal|Perfecta|Genial] para [cenas|viajes de negocios|eventos|una noche tranquila"
        "|un fin de semana].",
        "[Compañía|Trato|Tiempo] [de calidad|exclusivo|discreto|agradable] para [caballeros"
        "|hombres] [educados|respetuosos|generosos|maduros].",
        "[Masaje|Masajes] [relajante|relajantes|con aceites|descontracturante] [y|con] [buena"
        " compañía|conversación] [disponible|incluido].",
    ),
    "avail": (
        "[Disponible|Estoy|Lista] [ahora|hoy|esta noche|toda la semana|todo el día"
        "|a cualquier hora].",
        "[Incall|Outcall|Incall y outcall|Hotel y domicilio|En mi apartamento o en tu hotel]"
        " [disponible|sin problema|ok].",
        "[Citas|Reservas] [el mismo día|con antelación|sin prisas] [bienvenidas|aceptadas|por"
        " favor].",
        "[Horario|Disponible|Atiendo]: [de 10:00 a 22:00 hrs|10am-10pm|de 12 a 24h|9:00-21:00"
        "|de 11 a 20 h].",
    ),
    "location": (
        "[Ubicada|Estoy|Cerca] [en el centro|cerca del aeropuerto|junto al centro comercial|cerca"
        " del metro|en zona tranquila].",
        "[Zona|Cerca de|Código postal] {_z}.",
        "[Apartamento|Piso|Hotel|Estudio] [privado|limpio|discreto|tranquilo] en {_c}.",
    ),
    "stats": (
        "[Medidas|Datos|Sobre mí]: {_m}.",
        "{_m}, [muy natural|cuerpo atlético|delgadita].",
    ),
    "dates": (
        "[En la ciudad|Aquí|De visita|Disponible] [del|los días] {_d} [solamente|].",
        "[Reservas|Citas] para {_d}.",
    ),
    "rates": (
        "[Tarifa|Tarifas|Precio|Promoción]: {_p}.",
        "[Pregunta por|Consulta] [mis|nuestras] [promociones|tarifas]: {_p}.",
        "{_p} [promoción de hoy|precio fijo|especial para nuevos amigos].",
    ),
    "closing": (
        "[Te espero|No te lo pierdas|Nos vemos pronto|Espero tu mensaje|No te arrepentirás"
        "|Anímate][!|.|!!]",
        "[Gracias|Muchas gracias] por [leer|tu tiempo|mirar][!|.] [Besos|Un beso|Abrazos|Cuídate].",
    ),
    "youth": (
        "[Chica nueva|Jovencita|Cara nueva|Recién cumplidos 18|Muy jovencita|Nueva y joven][!|.]",
        "[Joven|Jovencita|Muy joven] [y|,] [dulce|tímida|nueva en esto|inocente].",
        "[Recién cumplidos 18|18 añitos|Nueva y jovencita], [dulce|tímida] y [con ganas de"
        " conocerte|lista para conocerte].",
    ),
    "ethnic": (
        "[Latina|Asiática|Exótica|Colombiana|Venezolana|Brasileña|Dominicana|Rusa|Paraguaya]"
        " [preciosa|encantadora|dulce|guapísima].",
        "[Chicas|Señoritas] [latinas|asiáticas|exóticas] [disponibles|te esperan].",
    ),
    "trust": (
        "[100%|Totalmente|Muy] [segura|discreta|de confianza] [y|,] [sin prisas|limpia|privada"
        "|tranquila].",
        "[Sin prisas|Sin reloj|Con calma][,|.] [lugar|trato|servicio] [seguro|de confianza"
        "|discreto].",
        "[Lugar|Piso|Apartamento] [seguro|privado] y [limpio|tranquilo], [sin prisas|ambiente"
        " relajado|confía en mí].",
    ),
    "restrict": (
        "[Solo incall|Sólo en mi piso|Solo en apartamento|Únicamente incall].",
        "[Disponible|Abierto|Atendemos] [24 horas|24/7|día y noche|las 24h].",
        "[No salgo|No hago salidas|Sin salidas a domicilio].",
    ),
    "multi": (
        "[Pregunta por|Elige entre|Llama por] {_n} [o|y] {_n2}.",
        "[2|Dos] [chicas|señoritas] [disponibles|te esperan|para elegir].",
        "[Nuestras|Las] [chicas|señoritas] [son|están] [muy dulces|esperándote|listas para ti].",
        "[Muchas|Varias|Nuevas] [chicas|señoritas] [cada semana|para elegir|disponibles].",
    ),
    "movement": (
        "[Recién llegada|Nueva en la ciudad|Recién llegada a {_c}|De visita en {_c} por pocos días"
        "|Últimos días en {_c}|De paso por {_c}][!|.]",
        "[Solo esta semana en {_c}|Estoy de gira, ahora en {_c}|Por poco tiempo en {_c}][!|.]",
    ),
    "massage_shop": (
        "[Gran apertura|Nueva dirección|Ya abrimos|El mejor masaje de {_c}|Bienvenido a nuestro"
        " spa][!|.] [Masajes|Tratamientos] [profesionales|relajantes|terapéuticos] [con|por]"
        " [personal|masajistas|terapeutas] [amables|expertas|profesionales].",
        "[Masaje sueco|Masaje descontracturante|Piedras calientes|Reflexología|Masaje"
        " tailandés|Masaje con aceites] [disponible|con cita|todos los días].",
        "[Cabinas|Salas|Instalaciones] [limpias|tranquilas|privadas|cómodas] [con|y] [ducha"
        "|estacionamiento|toallas calientes|aromaterapia|música suave].",
        "[Sin cita previa|Con cita previa|Abierto hasta tarde|Abrimos todos los días].",
    ),
    "massage_1p": (
        f"{_HI}, soy {{_n}}[,|] masajista [titulada|profesional|con experiencia|certificada]"
        " [con|que ofrece] [años de experiencia|un toque suave|masajes terapéuticos].",
        "[Relájate|Desconecta|Olvida el estrés] [después del trabajo|y recarga energía|con un"
        " masaje relajante].",
        "Masaje [a domicilio|en hotel|en mi estudio] [disponible|en {_c}|con cita].",
    ),
    "massage_rates": (
        "[Tarifas|Precios|Sesiones]: {_p}.",
        "{_p}, [efectivo o tarjeta|solo efectivo|propina voluntaria].",
    ),
    "contact": (
        "Llama o escribe al",
        "Solo mensajes al",
        "Escríbeme al",
        "Llámame al",
        "Contacto",
        "Citas al",
        "Reserva ya al",
        "Información al",
        "Tel",
    ),
    "title_1p": (
        f"{_ADJ} {{_n}} [-|~|*|•] [recién llegada|disponible ahora|en {{_c}}|llámame|{{_c}}]",
        "{_n} [{_a}|] [-|~|*] [elegante|dulce|discreta|tranquila] [compañía|acompañante]",
        "[Disponible ahora|Solo para ti|Conóceme] [-|~|*] {_n} en {_c}",
    ),
    "title_3p": (
        "[Chicas nuevas|Chica nueva|Jovencitas|Señoritas] [en {_c}|disponibles|ya] [-|~|*] {_n}",
        "{_n} [y amigas|] [-|~|*] [disponible|24 horas|nueva]",
        "[Conoce a|Ven a ver a] {_n} [-|~|*] [dulce|exótica|latina|elegante]",
    ),
    "title_massage": (
        "[Masaje relajante|Masajes profesionales|El mejor masaje|Masajes] [en {_c}|ya abrimos"
        "|con {_n}]",
        "[Gran apertura|Personal nuevo|Spa de masajes] [-|~|*] [{_c}|abierto hasta tarde]",
    ),
}

BOILERPLATE: tuple[str, ...] = (
    "No policías.",
    "El pago es únicamente por tiempo y compañía.",
    "Solo personas serias.",
    "Abstenerse curiosos.",
    "No contesto números ocultos.",
    "Solo caballeros respetuosos.",
    "Soy mayor de edad.",
    "Anuncio solo de compañía.",
    "Cancelaciones con 2 horas de antelación.",
    "Lo demás es entre adultos.",
)

SITE_NOTES: tuple[str, ...] = (
    "Todos los anuncios son publicados por usuarios; {site} no se responsabiliza de su contenido.",
    "Para denunciar un anuncio llama al {support}.",
    "Atención al cliente: {support}.",
)

SYNONYMS: dict[str, tuple[str, ...]] = {
    "dulce": ("tierna", "cariñosa"),
    "elegante": ("fina", "distinguida"),
    "discreta": ("reservada", "prudente"),
    "relajante": ("tranquilo", "suave"),
    "disponible": ("libre", "lista"),
    "preciosa": ("guapa", "bonita"),
    "caballeros": ("señores", "hombres"),
    "tranquila": ("calmada", "serena"),
    "limpio": ("impecable", "aseado"),
    "ahora": ("hoy", "ya"),
    "encanta": ("gusta", "fascina"),
}
