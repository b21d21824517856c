"""English phrase bank for companionship and massage ads (neutral wording only).

Patterns use `[a|b|c]` for choices fixed when an advertiser's template is built (so two
advertisers rarely write the same sentence) and `{_x}` for slots filled per ad: `{_n}` name,
`{_n2}` a second name, `{_a}` age, `{_c}` city, `{_p}` rates, `{_m}` stats, `{_d}` dates,
`{_z}` postal code.
"""

from __future__ import annotations

_ADJ = "[sweet|classy|charming|elegant|friendly|bubbly|warm|upscale|playful|lovely|gorgeous]"
_ADJ2 = "[discreet|relaxed|down-to-earth|easygoing|fun|attentive|genuine|polished|caring]"
_WHO = "[companion|lady|girl|woman|sweetheart|date]"
_HI = "[Hi|Hello|Hey|Hey there|Hi there|Good day|Greetings]"
_GUYS = "[gentlemen|guys|fellas|everyone|handsome|love|darling]"
_LIKES = (
    "[good conversation|meeting new people|quiet evenings|dinner dates|travel|live music"
    "|laughing|a glass of wine|long walks|cooking|dancing|good movies|art galleries]"
)

BANK: dict[str, tuple[str, ...]] = {
    "intro_1p": (
        f"{_HI} {_GUYS}[!|,|.] [I'm|I am|My name is|Call me|They call me] {{_n}}[,| -] [a|your] "
        f"{_ADJ} [and|&|yet] {_ADJ2} {_WHO}.",
        "{_n} here[!|.|,] [your|a] [favorite|perfect|ideal|dream] [companion|date|girl next"
        " door] [for|in] [the evening|any occasion|{_c}|a relaxing night|the weekend].",
        "[Looking for|Searching for|In need of|Want] [a|some] [sweet|classy|fun|genuine|relaxing]"
        " [companion|company|escape|time out]? [I'm|I am] {_n} [and|,] [I am|I'm] [here for you"
        "|the one you want|waiting for your call|ready to meet you|happy to help].",
        "[Treat yourself|Spoil yourself|Take a break|Unwind] [with|and meet] {_n}[,|] [the|a]"
        " [sweetest|classiest|most charming|friendliest|most relaxed] [companion|lady] in {_c}.",
        "[It's|This is] {_n}[!|.] [Independent|Private|Genuine|Real] [and|&] [discreet|professional"
        "|classy|friendly] [companion|lady] [offering|providing] [quality time|great company"
        "|a relaxing experience|warm conversation].",
        f"[Welcome|Hello and welcome|Thanks for stopping by][,|!|.] [I'm|I am] {{_n}}, {_ADJ}, "
        f"{_ADJ2} and [always|truly|simply] [happy to meet you|a pleasure to be around|fun].",
        f"[Your|The] [search|wait|long day] [is over|ends here][!|.] [I'm|I am] {{_n}}, [a|the] "
        f"{_ADJ} {_WHO} [you have been looking for|you deserve|you will remember].",
    ),
    "intro_3p": (
        f"[Meet|Say hello to|Introducing|Come meet] {{_n}}[,|:| -] [a|our] {_ADJ} {_WHO} [who|that]"
        f" [loves|enjoys|is all about] {_LIKES}.",
        f"{{_n}} is [a|our] {_ADJ} {_WHO} [and she|who] [is|will be] [waiting for you|ready to meet"
        " you|available to see you|happy to meet you].",
        "[Our|The] [lovely|beautiful|sweet|charming|stunning] {_n} [is|will be] [in {_c}|available"
        "|here|back] [now|today|tonight|this week].",
        f"[She is|She's] {{_n}}[,|:| -] {_ADJ} [and|&] [eager to meet you|always on time|easy to "
        "talk to|a great listener].",
        "[Ask for|Call and ask for|Request|Book] {_n}[,|.|!] [she is|she's] [sweet|lovely|friendly"
        "|charming] [and|&] [discreet|professional|attentive|relaxed].",
        f"[Presenting|Featuring|Now featuring] {{_n}}: {_ADJ}, {_ADJ2} [and|&] [ready|available|"
        "here] for [you|a date|dinner|a relaxing evening].",
    ),
    "describe_1p": (
        f"[I'm|I am] {{_a}} [yo|years old|y/o][,| and| -] [I love|I enjoy|I like] {_LIKES}.",
        "[I'm|I am] [the|a] [girl next door|social butterfly|sweet soul|city girl|bookworm"
        "|free spirit] [type|kind of girl|with a warm smile|with a big heart].",
        "[My|The] [friends|regulars|gentlemen] [say|tell me] [I'm|I am] [easy to talk to|a great"
        " listener|fun to be around|very sweet|a breath of fresh air].",
        f"[I|I really] [love|enjoy|adore] {_LIKES} [and|&] {_LIKES}.",
        "[Petite|Tall|Curvy|Slim|Athletic] [brunette|blonde|redhead|beauty] with [a warm smile"
        "|long hair|a great laugh|bright eyes], {_a} [yo|years old|y/o].",
    ),
    "describe_3p": (
        f"[She is|She's] {{_a}} [yo|years old|y/o][,| and| -] [loves|enjoys] {_LIKES}.",
        "[She|{_n}] [has|brings] [a warm smile|great energy|a sweet personality|a bubbly"
        " personality|beautiful eyes].",
        "[Petite|Tall|Curvy|Slim|Athletic] [brunette|blonde|redhead|beauty], {_a} [yo|years old"
        "|y/o], [very|super|always] [sweet|friendly|polite].",
        f"[She|{{_n}}] [really|truly] [loves|enjoys] {_LIKES}.",
    ),
    "services": (
        "[Offering|Providing|Now offering] [relaxing|warm|friendly|genuine] [companionship|company"
        "|dinner dates|social time].",
        "[Perfect|Great|Ideal] for [dinner dates|business trips|social events|a relaxing evening"
        "|a quiet night in|a weekend getaway].",
        "[Quality|Genuine|Upscale|Discreet] [companionship|company|time together] [for|with]"
        " [respectful|mature|generous|kind|polite] [gentlemen|men|clients].",
        "[Relaxing|Soothing|Full body|Swedish] massage [and|&] [companionship|good company"
        "|conversation] [available|offered].",
        "[Let me|Let's|We can] [make your day better|help you unwind|share a nice evening|forget"
        " about work for a while].",
    ),
    "avail": (
        "[Available|Here|Ready] [now|today|tonight|all week|all day|early and late|most days].",
        "[Incall|Outcall|Incall and outcall|Incall/outcall|In & out calls] [available|welcome|ok].",
        "[Same day|Short notice|Advance] [appointments|bookings|dates] [welcome|accepted"
        "|preferred].",
        "[Hours|Available|Open|Schedule]: [10am-4pm|9am-11pm|noon to midnight|11am-9pm|8pm-2am"
        "|10am to 10pm|9:30am-7pm].",
    ),
    "location": (
        "[Located|Staying|Conveniently located] [near|close to|minutes from] [downtown|the"
        " airport|the mall|the convention center|the highway|the stadium|the university].",
        "[Near|Close to|In the] {_z} [area|zip|neighborhood].",
        "[Upscale|Clean|Private|Quiet] [apartment|suite|hotel room|studio] [near|in] {_c}.",
    ),
    "stats": (
        "[Stats|Measurements|About me|Details]: {_m}.",
        "{_m}, [all natural|very fit|petite frame|athletic build].",
    ),
    "dates": (
        "[In town|Here|Visiting|Available] {_d} [only|].",
        "[Booking|Taking appointments] for {_d}.",
    ),
    "rates": (
        "[Rates|Donation|Specials|Special|Rate]: {_p}.",
        "[Ask about|Inquire about] [my|our] [specials|rates]: {_p}.",
        "{_p} [special today|no negotiating|firm|special for new friends].",
    ),
    "closing": (
        "[Looking forward to meeting you|Don't miss out|See you soon|Hope to hear from you"
        "|Make your day better|You won't regret it|Come say hi][!|.|!!]",
        "[Thank you|Thanks] for [reading|looking|your time][!|.] [Kisses|Hugs|xoxo|Take care].",
    ),
    "youth": (
        "[New girl|Fresh face|Sweet young thing|Just turned 18|Barely legal|Young and fresh"
        "|Brand new girl][!|.|!!]",
        "[Young|Petite and young|Fresh and young|Very young] [and|&] [sweet|shy|new to this"
        "|innocent looking].",
        "[Just turned 18|18 and new|Barely legal], [sweet|shy|fresh] [and|&] [eager to meet you"
        "|ready to meet you|new in this].",
    ),
    "ethnic": (
        "[Asian|Latina|Exotic|Brazilian|Colombian|Thai|Russian|Korean|Japanese|Venezuelan]"
        " [beauty|sweetheart|girl|lady|doll].",
        "[Exotic|Asian|Latina] [girls|ladies] [available|waiting|here now].",
    ),
    "trust": (
        "[100%|Totally|Very] [safe|discreet|trustworthy] [and|&] [no rush|clean|private|relaxed].",
        "[No rush|Never rushed|Take your time][,|.] [safe|trustworthy|discreet] [place|location"
        "|service].",
        "[Safe|Secure|Private] [and|&] [clean|quiet] [place|location|apartment], [no rush|relaxed"
        " atmosphere|trust me].",
    ),
    "restrict": (
        "[Incall only|Incall ONLY|Only incall|Incall only, no outcall].",
        "[Available|Open|Here] [24/7|24 hours|day and night|24hrs|all night].",
        "[No outcalls|Outcall not available|You come to us].",
    ),
    "multi": (
        "[Ask for|Choose between|Call for|See] {_n} [or|and|&] {_n2}.",
        "[2|Two] [girls|ladies] [available|waiting|to choose from|here now].",
        "[Our|The] [girls|ladies] [are|will be] [sweet|friendly|waiting for you|ready for you].",
        "[Many|Several|New] [girls|ladies] [every week|to choose from|available].",
    ),
    "movement": (
        "[New in town|Just arrived in {_c}|Visiting {_c} for a few days|Last days in {_c}"
        "|Passing through {_c}|Back in {_c} this week][!|.]",
        "[In {_c} for a short time|Only in {_c} this week|Touring, now in {_c}][!|.]",
    ),
    "massage_shop": (
        "[Grand opening|New management|Now open|Best massage in {_c}|Welcome to our spa][!|.]"
        " [Professional|Relaxing|Soothing|Therapeutic] [massage|body work|spa treatments] [by"
        "|with] [friendly|skilled|professional] [staff|therapists|masseuses].",
        "[Swedish|Deep tissue|Hot stone|Full body|Foot|Shiatsu|Thai] [massage|reflexology]"
        " [available|offered|by appointment|every day].",
        "[Clean|Quiet|Private|Comfortable] [rooms|space|facility] [and|with] [shower|free parking"
        "|hot towels|aromatherapy|soft music].",
        "[Walk-ins welcome|Appointments preferred|Open late|Open 7 days].",
    ),
    "massage_1p": (
        f"{_HI}, [I'm|I am] {{_n}}[,|] a [licensed|certified|professional|skilled] massage"
        " therapist [with|offering] [years of experience|a gentle touch|therapeutic bodywork].",
        "[Relax|Unwind|De-stress] [after a long day|and recharge|with a soothing massage|and let"
        " go of tension].",
        "[Mobile|Outcall|Home studio] massage [available|in {_c}|by appointment].",
        "[Deep tissue|Swedish|Sports|Relaxation] massage [tailored to you|for sore muscles"
        "|to melt stress away].",
    ),
    "massage_rates": (
        "[Rates|Prices|Sessions]: {_p}.",
        "{_p}, [cash or card|cash only|tips appreciated].",
    ),
    "contact": (
        "Call or text",
        "Text only",
        "Text me",
        "Call me",
        "Contact",
        "Serious callers only, text",
        "For appointments call",
        "Book now",
        "Text or call",
        "Reach me at",
        "Call",
    ),
    "title_1p": (
        f"{_ADJ} {{_n}} [-|~|*|•] [new in town|available now|incall/outcall|call me|{{_c}}]",
        "{_n} [{_a}|] [-|~|*] [classy|sweet|relaxing|discreet] [companion|company|time]",
        "[Available now|Just for you|Let's meet|Sweet dreams] [-|~|*] {_n} in {_c}",
        "[Your|A] [sweet|perfect|classy] [escape|companion] [-|~|*] {_n}",
    ),
    "title_3p": (
        "[New|Sweet|Young|Lovely] [girls|girl|lady] [in {_c}|available|here now] [-|~|*] {_n}",
        "{_n} [and friends|& friends|] [-|~|*] [available now|incall|24/7|new]",
        "[Meet|See] {_n} [-|~|*] [sweet|exotic|friendly|classy] [companion|girl]",
    ),
    "title_massage": (
        "[Relaxing|Professional|Best|Soothing] massage [in {_c}|now open|by {_n}|{_c}]",
        "[Grand opening|New staff|Massage spa] [-|~|*] [{_c}|open late|walk-ins welcome]",
        "[Swedish|Deep tissue|Full body] massage [-|~|*] {_n}",
    ),
}

BOILERPLATE: tuple[str, ...] = (
    "No law enforcement.",
    "Fees are for time and companionship only.",
    "Serious inquiries only.",
    "Anything else is a matter between consenting adults.",
    "No texts with explicit language.",
    "Respectful gentlemen only.",
    "No blocked or private numbers.",
    "Screening required for first time clients.",
    "Please be on time.",
    "All donations are for time only.",
    "This ad is for companionship only.",
    "Cancellations need 2 hours notice.",
)

SITE_NOTES: tuple[str, ...] = (
    "All ads are posted by users; {site} is not responsible for their content.",
    "Report abuse or suspicious ads: {support}.",
    "To report this ad call {support}.",
    "Questions about your account? Call {support}.",
)

SYNONYMS: dict[str, tuple[str, ...]] = {
    "sweet": ("lovely", "adorable"),
    "classy": ("elegant", "refined"),
    "discreet": ("private", "low-key"),
    "relaxing": ("soothing", "calming"),
    "available": ("free", "open"),
    "beautiful": ("gorgeous", "pretty"),
    "friendly": ("kind", "outgoing"),
    "gentlemen": ("guys", "men"),
    "meet": ("see", "know"),
    "quiet": ("calm", "peaceful"),
    "clean": ("tidy", "spotless"),
    "love": ("adore", "like"),
    "enjoy": ("like", "love"),
    "now": ("today", "tonight"),
    "great": ("amazing", "wonderful"),
}
