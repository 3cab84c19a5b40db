"""Health claims in a sentence, found by what the sentence does rather than by its digits.

`find_claims(sentence)` returns the claims a sentence makes, each with its kind
(efficacy, safety, statistic, comparison, causation, dosing, authority,
testimonial, guarantee, hedged), whether it is dangerous, the words that show
it and why it matters. A number alone is never a claim: "get up after about 20
minutes", "at 3am" or "call 999" are advice. Questions, signposting ("ask your
pharmacist …") and instructions to notice or write things down make no claim.

Dangerous claims are those that can hurt a reader who acts on them when they
are wrong: dosing and repeat-dosing instructions, safety absolutes ("completely
safe", "without any risk"), contraindication statements ("fine for people with
asthma", "should not be taken in pregnancy"), advice to stop or replace a
medicine, and "cure".

`find_assertions(sentence)` reads what a sentence says about approval, safety
or recommendation (and whether it says the opposite); `contradicts()` tells
when two such statements cannot both be true.

Everything here is plain rules over English words: nothing is downloaded and
nothing learned from a corpus.
"""

import re
from dataclasses import dataclass

KINDS = {
    "dosing": "dosing or an instruction to take or stop a medicine",
    "safety": "safety or risk",
    "efficacy": "what a treatment does",
    "statistic": "how common something is, or a figure",
    "comparison": "a comparison or a superlative",
    "causation": "what causes something",
    "authority": "an appeal to authority or to unnamed research",
    "testimonial": "a personal story offered as evidence",
    "guarantee": "a guarantee or a promise of time",
    "hedged": "a hedged claim that still asserts",
}


@dataclass(frozen=True)
class Claim:
    kind: str
    cue: str  # the words that show it, as written
    why: str  # what the sentence does, for messages: "tells readers to take a medicine again"
    dangerous: bool = False


# ------------------------------------------------------------------ words

NUMBER = (
    r"(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty"
    r"|fifty|sixty|seventy|eighty|ninety|hundred|a hundred|a thousand|a million|half(?: a| an)?|a couple of|couple of"
    r"|a few|few|several|a|an)"
)
DOSE_UNIT = (
    r"(?:mg|milligrams?|g|grams?|mcg|micrograms?|µg|ml|millilitres?|units?|iu|tablets?|pills?|capsules?|caplets?"
    r"|doses?|puffs?|sprays?|squirts?|drops?|sachets?|spoonfuls?|teaspoons?(?:ful)?s?|patch(?:es)?|dropperfuls?"
    r"|pumps?|squeezes?|lozenges?|injections?|jabs?)"
)
DOSE_FORM = (
    r"(?:tablets?|pills?|capsules?|caplets?|doses?|puffs?|sprays?|squirts?|drops|sachets?|patch(?:es)?|dropperfuls?"
    r"|lozenges?|injections?|jabs?|suppositor(?:y|ies))"
)
MEDICINE = (
    r"(?:tablets?|pills?|capsules?|caplets?|doses?|dosage|medicines?|medications?|meds|painkillers?|pain ?killers?"
    r"|drugs?|prescriptions?|inhalers?|puffers?|preventers?|relievers?|puffs?|sprays?|squirts?|drops|dropperfuls?"
    r"|sachets?|syrups?|gels?|patch(?:es)?|creams?|ointments?|injections?|jabs?|antibiotics?|antihistamines?"
    r"|antidepressants?|anti-?inflammator(?:y|ies)|steroids?|supplements?|vitamins?|remed(?:y|ies)|tonics?"
    r"|tinctures?|lozenges?|insulin|paracetamol|ibuprofen|aspirin|naproxen|codeine|co-codamol|co-dydramol"
    r"|diclofenac|tramadol|morphine|calpol|nurofen|\w*triptan|cetirizine|loratadine|fexofenadine|chlorphenamine"
    r"|melatonin|iron|ferrous \w+|magnesium|zinc|\w+dipine|\w+pril|\w+sartan|\w+olol|\w+statin|\w+azepam|\w+zolam"
    r"|\w+mab|\w+cillin|\w+mycin|\w+oxetine|\w+xaban|warfarin|metformin|levothyroxine|prednisolone|salbutamol"
    r"|beclometasone|fluticasone|budesonide|mometasone|omeprazole|lansoprazole|sertraline|citalopram"
    r"|amitriptyline|topiramate|botox|hrt|oestrogen|estrogen|progestogen|progesterone|testosterone|valerian|cbd"
    r"|nicotine|sleeping (?:pills?|tablets?)|blood pressure (?:tablets?|pills?|medicine|medication)|the pill"
    r"|vaccines?|vaccinations?|\w*blockers?|inhibitors?|blood thinners?|water tablets?|the contraceptive)s?"
)
PEOPLE = (
    r"(?:people|persons|adults|children|kids|babies|toddlers|teenagers|women|men|patients|parents|sufferers"
    r"|users|runners|smokers|drinkers|carers|workers|sleepers|snorers|readers|customers|mothers|fathers|teenagers"
    r"|toddlers|everyone|everybody|anyone|anybody|those|cases|girls|boys|pregnant women|older people"
    r"|the population|migraineurs|sufferers)"
)
EXPERTS = (
    r"(?:doctors|gps|experts|scientists|researchers|specialists|physicians|clinicians|neurologists|cardiologists"
    r"|paediatricians|pediatricians|gynaecologists|gynecologists|dermatologists|nutritionists|dietitians|physios"
    r"|physiotherapists|therapists|midwives|nurses|surgeons|pharmacists|consultants|psychiatrists"
    r"|professionals|authorities|medics|dentists|psychologists|optometrists|opticians|scientists|(?:\w+ )?(?:experts"
    r"|specialists|physicians|surgeons|scientists"
    r"|doctors))"
)
CARER = (
    r"(?:doctors?|gps?|pharmacists?|nurses?|midwife|midwives|specialists?|consultants?|dentists?|health visitors?"
    r"|physios?|physiotherapists?|surgery|practice|care team|team|clinic|optometrists?|opticians?|nhs 111|111"
    r"|health ?care (?:team|professionals?))"
)
NEGATION = r"(?:not|no|never|n't|cannot|isn't|aren't|doesn't|don't|won't|without)"
ILLNESS = (
    r"(?:headaches?|migraines?|asthma|anaemia|anemia|diabetes|cancers?|dementia|heart disease|strokes?|heart attacks?"
    r"|arthritis|eczema|acne|psoriasis|ulcers?|obesity|depression|anxiety|insomnia|hay fever|allerg(?:y|ies)"
    r"|back pain|fevers?|a fever|infections?|colds?|flu|kidney stones|gout|osteoporosis|constipation|diarrhoea"
    r"|high blood pressure|hypertension|high cholesterol|a rash|rashes|nightmares|stomach ache|heartburn|the runs"
    r"|autism|adhd|\w+itis|\w+osis|\w+aemia|\w+emia)"
)

# ------------------------------------------------------------------ reading the sentence


def normalise(sentence: str) -> str:
    """Lower case, straight quotes, plain dashes and spaces, no citation markers."""
    text = sentence.translate(
        str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
    )
    text = re.sub(r"\s*\[\d{1,3}\]", "", text)
    return " ".join(text.lower().split())


SIGNPOST_RES = [
    # "ask your pharmacist how many …", "speak to your GP if …", "tell your doctor rather than stopping them"
    re.compile(
        r"\b(?:ask|check with|talk(?: it over| things over)? (?:to|with)|speak (?:to|with)|tell|see|visit|contact"
        r"|call|phone|ring|consult|discuss (?:it |this )?with|have a (?:chat|word) with|book (?:a chat|an appointment)"
        rf" with|let)\s+(?:your|a|the|their|his|her|our|my)\s+(?:\w+\s+)?{CARER}\b[^;]*"
    ),
    # "anyone unsure how to reduce a medicine should …", "if you're not sure, …"
    re.compile(
        r"\b(?:if you(?:'re| are)|anyone|people who are|those who are)\s+(?:not sure|unsure|worried|in doubt)\b[^,;]*"
    ),
    # "do not stop any prescribed medicine without talking to your doctor"
    re.compile(
        r"\b(?:do not|don't|never|never just)\s+(?:\w+\s+){0,2}(?:stop|change|reduce|start|take|give|use|cut|double)\b"
        r"[^;]*\b(?:without|unless|until)\b[^;]*"
    ),
    re.compile(r"\bread (?:the|your) (?:patient information )?(?:leaflet|label|packet|instructions)\b[^;]*"),
    re.compile(
        r"\b(?:seek|get|getting|seeking) (?:urgent |immediate |emergency )?(?:medical )?(?:help|advice|attention"
        r"|treatment)\b[^;]*|\bgo (?:straight )?to (?:a&e|the emergency department|hospital)\b[^;]*"
    ),
    # "your doctor can help you cut down", "a pharmacist will explain …": what care offers
    re.compile(
        rf"\b(?:your|a|the) (?:\w+ )?{CARER} (?:can|will|may|could|might|should be able to) (?:also )?(?:help|advise"
        r"|explain|talk|tell|check|support|suggest|discuss|refer|prescribe|arrange|show|go through|answer|work out)"
        r"\b[^;]*"
    ),
    # "as prescribed", "as the leaflet says", "follow the instructions on the packet"
    re.compile(
        r"\bas (?:your |the |a )?(?:\w+ )?(?:doctor|gp|nurse|pharmacist|specialist|consultant|midwife|leaflet|label"
        r"|packet|prescription|instructions)(?: \w+)? (?:says|said|told you|tells you|showed you|shows you|advised"
        r"|advises|recommends|recommended|prescribed|directs|directed)\b|\bas (?:prescribed|directed|advised"
        r"|instructed|recommended)(?: by (?:your|a|the) \w+)?\b|\b(?:follow|check) the (?:dosing )?(?:instructions"
        r"|leaflet|label|directions)\b[^;]*|\b(?:on|in) the (?:label|packet|leaflet|patient information leaflet)\b"
    ),
    # Instructions to observe and record: "notice whether …", "write down when …", "count the days …"
    re.compile(
        r"(?:^|[,;] )(?:notice|note|check|write down|record|count|find out|work out|ask yourself|think about|watch"
        r"|keep (?:a|track of|a note of|a record of|a list of))\b[^;]*"
    ),
]
LEADING_CONDITION_RE = re.compile(r"^(?:if|when|whenever|unless|once|while|until|before|after|as soon as)\b[^,]*,\s*")
DID_YOU_KNOW_RE = re.compile(r"^(?:did you know|do you know|have you heard)\b")


def is_question(text: str) -> bool:
    return bool(re.search(r"\?[\"')\]]*$", text)) and not DID_YOU_KNOW_RE.search(text)


def without_signposts(text: str) -> str:
    for pattern in SIGNPOST_RES:
        text = pattern.sub(" ", text)
    return " ".join(text.split())


def main_clause(text: str) -> str:
    """The sentence without a leading condition ("If the tablets upset you, …"): what it asserts."""
    return LEADING_CONDITION_RE.sub("", text)


# ------------------------------------------------------------------ the kinds


def _search(pattern: re.Pattern, text: str) -> str:
    match = pattern.search(text)
    return match.group().strip(" ,") if match else ""


# Dosing: an instruction (imperative, "you can …", "adults should …", "I'd tell anyone to …") to take, give or
# use a medicine in an amount, at a frequency or again; or a statement of what the dose is.
INSTRUCTION_VERB = (
    r"(?:take|taking|give|giving|use|using|apply|have|try|pop|swallow|inject|spray|put|stick on|chew|dissolve|do"
    r"|squirt|add|double|halve|increase|up|top up|repeat)"
)
DIRECTED = (
    r"(?:^|[,;:] |\band (?:then )?|\bthen |\bjust |\bsimply |\bso |\bnow )"  # an imperative
    r"(?:(?:just|simply|then|also|only|now|always|try to|remember to|make sure you)\s+)?(?=\w+\b)(?!a |an |the )"
    r"|\b(?:you|adults|children|kids|patients|people|anyone|everyone|women|men|parents|they|sufferers|babies)"
    r"(?: over \w+| under \w+| who \w+(?: \w+)?)?"
    r"(?:\s+(?:can|could|should|must|may|might|need to|ought to|have to|are able to|are allowed to|will need to)"
    r"(?: safely| always| just| then| also| even)?(?: be)?)\s+"
    r"|\b(?:it's|it is|it's perfectly|it is perfectly) (?:fine|ok|okay|safe|alright|good) to\s+"
)
AMOUNT_RE = re.compile(
    rf"\b{NUMBER}\s*(?:-|to|or)?\s*(?:{NUMBER}\s*)?(?:(?:extra|more|adult|full|whole|big|large|double)\s+){{0,2}}"
    rf"{DOSE_UNIT}\b|\b(?:\d+(?:[.,]\d+)?)\s*(?:mg|g|mcg|ml|iu)\b"
    rf"|\b(?:a couple of|a few|some of|one of|two of|a handful of)\s+(?:[\w']+\s+){{0,3}}?{MEDICINE}\b"
    rf"|\b(?:your|a|someone else's|somebody else's|\w+'s) (?:partner's|friend's|mum's|dad's|husband's|wife's"
    rf"|sister's|brother's|neighbour's|child's|\w+'s)\s+(?:\w+\s+)?{MEDICINE}\b"
)
FREQUENCY_RE = re.compile(
    r"\bevery\s+(?:\d+|one|two|three|four|five|six|eight|twelve|few|couple of|half(?: an)?|other|fifteen|thirty"
    r"|single)?\s*(?:hours?|minutes?|mins?|days?|nights?|half hour|morning|evening|night|\d+ hours)\b"
    r"|\b(?:once|twice|three times|four times|\d+ times|two or three times|a few times)\s+(?:a|per|each|every)\s+"
    r"(?:day|night|week|24 hours|hour)\b"
    r"|\b(?:a|per) day\b|\bat (?:once|the same time)\b|\btogether\b"
    r"|\bon top\b|\buntil (?:the|your|their|it|they|he|she)"
    r"|\bas (?:often|much|many|long) as\b|\bup to \w+ times\b|\bfor as long as\b|\bfor months\b"
    r"|\bat (?:breakfast|lunch|dinner|bedtime|night|\d+ ?(?:am|pm))\b|\bstraight away\b|\bas well\b"
    r"|\bin (?:any |one )?24 hours\b|\bdaily\b"
)
REPEAT_RE = re.compile(
    r"\b(?:another|a second|a third|an extra|a further|extra|a double|double|more|some more|the rest of)\s+"
    r"(?:\w+\s+){0,2}?(?:dose|tablet|pill|capsule|puff|spray|dropperful|one|patch|squirt|sachet|gel|time|times)s?\b"
    rf"|\b(?:another|a second|an extra|extra|a further)\s+(?:\w+\s+)?{MEDICINE}\b"
    r"|\b(?:take|took|taking|have|had|give|gave|use|used|pop|popped|swallow|swallowed|try|tried) another\b"
    r"|\bdouble (?:up|the dose|your dose|my dose|it|them|my \w+|your \w+)\b|\brepeat the dose\b"
    r"|\bto (?:catch up|make up for)\b"
    r"|\b(?:take|give|use) (?:it|them|one|some) again\b|\b(?:\w+ )?extra times\b|\bdouble (?:dose|it)\b"
)
DOSE_STATEMENT_RE = re.compile(
    r"\bthe (?:usual|normal|recommended|maximum|max|right|correct|standard|safe|adult|child's|starting) (?:daily )?"
    r"dose\b(?: of \w+)? (?:is|are|was)\b"
    r"|\b(?:can|could|should|may) (?:safely )?be (?:given|taken|used) (?:to|by|from|at|every|once|twice|up to)\b"
)
BARE_DOSE_RE = re.compile(
    r"\b(?:take|give|have|use|swallow|pop)\s+(?:one|two|three|four|five|six|\d+)\b(?!\s+(?:minutes?|hours?|days?"
    r"|weeks?|months?|steps?|deep|breaths?|of (?:these|the|them|those)|things|moves|sips|goes|laps|turns))"
    r"(?=\s+(?:today|tomorrow|tonight|the next|next|at once|now|together|instead|straight|in one go|to catch up"
    r"|to make up)|[.,;!]|$)"
)
DOSE_LABEL_RE = re.compile(
    r"^(?:adults|children|kids|babies|infants|teenagers|over \d+s?|under \d+s?|[\w ]+ (?:aged|age) [^:]+|age \d+[^:]*"
    r"|dose|dosage|usual dose|maximum dose)\s*:"
)
FIRST_PERSON_DOSING_RE = re.compile(
    r"\b(?:i|we)(?: now| just| always| then| still|'d| would)?\s+(?:take|took|give|gave|use|used|double|doubled"
    r"|have|had|pop|popped|up|upped)\b"
)
RECOMMEND_RE = re.compile(
    r"\b(?:i'd|i would|we'd|we would) (?:tell|recommend|suggest|say|advise|urge)\b|\bwhich (?:i'd|i would|we'd) "
    r"(?:suggest|recommend)\b|\b(?:which|that) is what (?:everyone|anyone|you|people) should do\b"
    r"|\b(?:everyone|anyone|you) should do the same\b|\bdo the same\b|\b(?:that's|that is) what (?:you|everyone"
    r"|anyone|people) should do\b"
    r"|\band (?:he|she|they|i|we) (?:was|were|felt) (?:absolutely |perfectly |completely )?(?:fine|ok|okay|great)\b"
    r"|\bno harm done\b|\bnever (?:had|did) (?:me |him |her )?any (?:harm|problems?)\b"
)
# Stopping or replacing a medicine.
STOP_VERB = (
    r"(?:stop|stopping|quit|come off|coming off|give up|ditch|drop|skip|leave out|leave (?:it|them) out|miss out"
    r"|throw away|throw out|bin|halve|cut down|cut out|cut back on|reduce|lower|taper|swap|switch|replace"
    r"|do without|forget about|abandon|no longer take|no longer need)"
)
STOP_RE = re.compile(
    rf"\b{STOP_VERB}\b(?:\s+(?:taking|using|giving|having|on))?\s+(?:\w+\s+){{0,3}}?(?:{MEDICINE}|it|them)\b"
    rf"|\binstead of (?:\w+\s+){{0,2}}(?:{MEDICINE}|prescribed)\b"
    rf"|\b(?:swap|switch|replace|exchange)\s+(?:\w+\s+){{0,3}}(?:for|with)\b"
    rf"|\bjust {STOP_VERB}\b"
)


def _medicine_in(text: str) -> str:
    return _search(re.compile(rf"\b{MEDICINE}\b"), text)


def _dosing(text: str, full: str) -> Claim | None:
    """Instructions to take, give, repeat, stop or replace a medicine, and statements of a dose."""
    medicine = _medicine_in(full)
    amount = _search(AMOUNT_RE, text)
    frequency = _search(FREQUENCY_RE, text)
    repeat = _search(REPEAT_RE, text)
    directed = re.search(rf"(?:{DIRECTED}){INSTRUCTION_VERB}\b", text)
    first_person = FIRST_PERSON_DOSING_RE.search(text)
    recommends = RECOMMEND_RE.search(text)
    stop = STOP_RE.search(text)
    if (
        stop
        and (medicine or "prescri" in full or re.search(r"\bstop (?:taking|using)\b", text))
        and not re.search(rf"\b{NEGATION}\s+(?:\w+\s+)?{STOP_VERB}\b", text)
    ):
        directed_stop = re.search(
            rf"(?:{DIRECTED})(?:\w+\s+){{0,2}}?{STOP_VERB}\b|^(?:\w+\s+){{0,1}}{STOP_VERB}\b"
            rf"|\b(?:can|should|could|may|must|will)\s+(?:safely |then |just |now )?{STOP_VERB}\b",
            text,
        )
        if directed_stop or recommends:
            return Claim("dosing", stop.group().strip(), "advises stopping or replacing a medicine", dangerous=True)
    if DOSE_LABEL_RE.search(text) and (amount or frequency):
        return Claim("dosing", amount or frequency, "states a dose", dangerous=True)
    bare = BARE_DOSE_RE.search(text)
    if bare and directed:
        return Claim("dosing", bare.group().strip(), "tells readers how many to take", dangerous=True)
    pain_until = re.search(
        r"\buntil (?:the |your |my |their |his |her )?(?:pain|headache|migraine|fever|temperature"
        r"|symptoms|attack|it (?:goes|has gone|stops|eases|went|wears))",
        text,
    )
    if not medicine and not re.search(rf"\b{DOSE_FORM}\b", text) and not (repeat and (frequency or pain_until)):
        return None
    if DOSE_STATEMENT_RE.search(text):
        return Claim("dosing", _search(DOSE_STATEMENT_RE, text), "states a dose", dangerous=True)
    if directed and (repeat or amount or frequency):
        cue = repeat or amount or frequency
        why = "tells readers to take a medicine again" if repeat else "gives a dose or how often to take it"
        return Claim("dosing", cue, why, dangerous=True)
    if first_person and (repeat or amount or frequency) and (recommends or repeat):
        return Claim("dosing", repeat or amount or frequency, "tells a dosing story that readers may copy", True)
    return None


# Safety and risk. Absolutes and contraindication statements are dangerous.
SAFETY_ABSOLUTE_RE = re.compile(
    r"\b(?:completely|totally|perfectly|entirely|absolutely|100 ?%|100 per ?cent|utterly|fully|always|so|very very)"
    r"\s+(?:safe|harmless|risk[- ]free|gentle|fine)\b"
    r"|\bsafe (?:for|to (?:take|use|give)(?: by| for)?)\s+(?:everyone|everybody|anyone|anybody|all ages|all)\b"
    r"|\b(?:no|zero|nil|without (?:any|the)?|free (?:of|from)(?: any)?|not (?:a|any)|none of the)\s*(?:\w+\s+)?"
    r"(?:risks?|side[- ]effects?|dangers?|danger|harm|worries|concerns?|downsides?)\b"
    r"|\bno (?:chance|risk|danger) of\b|\b(?:harmless|risk[- ]free"
    r"|non[- ]addictive|not addictive|side[- ]effect[- ]free)\b"
    r"|\bcan(?:not|'t|not possibly) (?:do (?:you |your \w+ )?(?:any )?(?:harm"
    r"|damage)|hurt|harm|damage)\b|\bwon't (?:hurt|harm)"
    r"|\b(?:can(?:not|'t)|impossible to|never) overdose\b|\bnothing to worry about\b|\bno need to worry\b"
    r"|\b(?:whatever|regardless of) the dose\b|\bat any dose\b|\bin any amount\b"
    r"|\bno matter how (?:much|many|often|long)\b|\bhowever (?:much|many|often)\b"
    r"|\bas (?:often|much|many|long) as you (?:like|want|need|wish)\b|\bwhenever you (?:like|want|feel like it)\b"
    r"|\bon (?:months|years) end\b|\bno effect on the rest of the body\b"
)
NATURAL_SO_SAFE_RE = re.compile(
    r"\b(?:natural|herbal|plant[- ]based|organic)\b[^.;]*\b(?:so|therefore|which means|means)\b[^.;]*"
    r"\b(?:safe|harm|danger|risk|fine|worr|chance|reacting)"
)
POPULATION = (
    r"(?:people|those|patients|anyone|women|men|children|kids|babies|toddlers|adults|teenagers|someone|you|mums"
    r"|mothers)?\s*(?:with|who|on|taking|having|under|over|aged|in)\b"
    r"|pregnan\w*|breastfeed\w*|alcohol|other medicines|any prescription|anything|any other|alongside|asthma"
    r"|kidney|liver|heart|stomach ulcers?|ulcers?|epilepsy|diabetes|children|kids|babies|the elderly|older people"
)
CONTRA_POSITIVE_RE = re.compile(
    r"\b(?:safe|fine|ok|okay|alright|suitable|harmless|a (?:good|safe|great|sensible) (?:choice|option))"
    r"(?: to (?:take|use|give|have))?\s+(?:even |including |also )?(?:for|in|with|during|alongside|while|by"
    r"|if you(?:'re| are| have)?|when you(?:'re| are| have)?)\s+"
    rf"(?:{POPULATION})"
    r"|\b(?:can|may) (?:safely |happily )?(?:take|use|have|be given|be taken|be used)\b[^,;]*\b(?:without (?:any )?"
    r"(?:concern|worry|worries|problem|problems|risk)|safely|alongside|in pregnancy|while pregnant|with alcohol)\b"
    r"|\bsafely be (?:given|taken|used)\b"
)
CONTRA_NEGATIVE_RE = re.compile(
    rf"\b(?:should|must|can|may)(?: not|n't| never)\s+(?:\w+\s+)?(?:be\s+)?(?:take|taken|use|used|give|given|have"
    rf"|had|prescribed)\b[^,;]*\b(?:if|by|in|during|with|when|while|for|to)\b"
    rf"|\b(?:is|are|isn't|aren't)(?: not)? (?:suitable|safe|recommended|advised) (?:for|in|during|if|with|while)\b"
    rf"|\bavoid (?:taking |using |giving )?(?:\w+\s+){{0,2}}?(?:{MEDICINE})\b[^,;]*\b(?:if|in|during|when|while|with)\b"
    rf"|\b(?:{PEOPLE})\s+(?:with|who)\b[^,;]*\b(?:should|must) (?:not|never|avoid)\b"
)
SAFETY_RE = re.compile(
    r"\bside[- ]effects?\b|\badverse (?:effects?|reactions?)\b|\bcomplications?\b|\b(?:can|may|might|will|could|often"
    r"|usually|commonly"
    r"|sometimes|rarely|almost always|always)\s+(?:\w+\s+)?(?:cause|causes|make you|give you|upset|irritate|raise"
    r"|increase|affect|trigger|lead to|harm)\b|\bmake (?:you|them|people|me) (?:drowsy|sleepy|dizzy|sick|tired)"
    r"|\bupset (?:your|the|my) (?:stomach|tummy)\b|\bhabit[- ]forming\b|\baddictive\b|\brisk(?:s|y|ier|iest)?\b"
    r"|\bdangerous\b|\bunsafe\b|\bsafe(?:ly|r|st)?\b|\bharm(?:ful|less)?\b|\btoxic\b|\binteract(?:s|ions?)?\b"
    r"|\boverdose\b|\bwell[- ]tolerated\b|\beven at (?:the |a )?(?:lowest|low|small|smallest|normal|usual)"
    r" (?:dose|strength|amount)s?\b|\b(?:damages?|destroys?|weakens?|thins?|rots?|poisons?|burns?) (?:your |the "
    r"|a child's |their )?(?:skin|liver|kidneys?|stomach|teeth|bones|brain|heart|gut|lungs)\b"
    r"|\b(?:bad|hard|tough|gentle|easy) (?:for|on) (?:your |the )?(?:liver|kidneys?|stomach|heart|tummy|gut)\b"
    r"|\bfew side[- ]effects\b|\blinked to (?:a |an )?(?:small |higher |increased )?"
    r"(?:increase|rise)\b"
)


SAFE_NEUTRAL_RE = re.compile(
    r"\b(?:somewhere|a|in a) safe(?: place)?\b|\bsafe place\b|\bkeep (?:\w+ ){0,3}safe\b|\bstay safe\b"
    r"|\bsafely (?:away|stored|locked|out of|dispose)|\bdispose of (?:\w+ ){0,3}safely\b|\bsafe (?:storage|sleeping)"
    r"|\bsafer sleep\w*|\bsafety (?:net|netting|pin|belt|glasses|catch)\b"
)


def _safety(text: str, full: str) -> Claim | None:
    text = SAFE_NEUTRAL_RE.sub(" ", text)
    medicine = _medicine_in(full)
    if cue := _search(SAFETY_ABSOLUTE_RE, text) or _search(NATURAL_SO_SAFE_RE, text):
        return Claim("safety", cue, "says something is safe without limits", dangerous=True)
    about_treatment = medicine or re.match(r"(?:it|they|this|these|both|either)\b", text)
    if about_treatment and (cue := _search(CONTRA_POSITIVE_RE, text) or _search(CONTRA_NEGATIVE_RE, text)):
        return Claim("safety", cue, "says who may or may not take a medicine", dangerous=True)
    if cue := _search(SAFETY_RE, text):
        return Claim("safety", cue, "states a risk or a side effect")
    return None


CURE_RE = re.compile(r"\b(?:cure[sd]?|curing|cure-all|cures-all)\b")
CURE_DENIED_RE = re.compile(
    r"\b(?:no|not a|not an|isn't a|is not a|there is no|there's no|nor a|cannot|can't|won't|will not|doesn't"
    r"|does not|never|no known)\s+(?:\w+\s+){0,2}?(?:cure|cures|cured)\b"
)
EFFICACY_RE = re.compile(
    r"\b(?:work(?:s|ed)? (?:for|on|in|well|better|fast|quickly|wonders|miracles|every time|a treat|against)"
    r"|(?<!how )(?:it|that|this|they|which) (?:really |actually |definitely )?works?\b|works? (?:by|brilliantly"
    r"|great))"
    r"|\bhelp(?:s|ed)?\s+(?:\w+\s+){0,2}?(?:to )?(?:relieve|reduce|ease|prevent|treat|lower|improve|clear|stop|fight"
    r"|manage|control"
    r"|boost|protect|heal|recover|recovery|with (?:the |your |low |high )?(?:\w+ )?(?:pain|symptoms|sleep|mood|anxiety"
    r"|headaches?|migraines?|flushes|fever|recovery|breathing|energy)|you (?:sleep|breathe|recover)|sleep|recovery)"
    r"|\b(?:relieves|relieved|eases|eased|reduces|reduced|lowers|lowered|improves|improved|boosts|boosted"
    r"|prevents|prevented|doubles|doubled|triples|shortens|eliminates|eliminated|banish(?:es|ed)|heals|healed"
    r"|repairs|repaired|reverses|reversed|restores|restored|realigns|resets|dissolves|rebalances|balances"
    r"|regulates|protects? (?:you )?against|fights? off|strengthens)\b"
    r"|\bstop(?:s|ped)?\s+(?:\w+\s+){0,3}?(?:attacks?|pain|migraines?|headaches?|fevers?|hay fever|wheez\w*"
    r"|flushes|symptoms|allergy|allergies|the condition|it (?:dead|in its tracks)|dead)\b"
    r"|\bblocks?\s+(?:\w+\s+){0,2}(?:pollen|pain|allergens?|nerves?|signals?|chemicals?|release|receptors?)\b"
    r"|\bclear(?:s|ed)? (?:up|out)\b|\bclears?\b"
    r"|\b(?:fix(?:es|ed)?|sort(?:s|ed)? (?:\w+ ){0,3}?out|sort out"
    r"|sorts? out|knock(?:s|ed)? (?:out|(?:\w+ ){1,3}on the head)"
    r"|get(?:s)? rid of|got rid of|flush(?:es)? (?:\w+ ){0,3}out|sweats? (?:\w+ ){0,2}out|draws? (?:\w+ ){0,2}out"
    r"|switch(?:es)? off|(?<!the )(?<!an )ends?|ended|finish(?:es|ed)|straighten(?:s|ed)?)\b"
    r"|\bbr(?:ing|ings|ought) (?:\w+ ){0,3}down\b|\b(?:returns?|return) (?:\w+ ){0,3}to normal\b"
    r"|\b(?:soothes|calms|settles|aids|promotes|tackles|targets|neutrali[sz]es|detox(?:es|ifies)"
    r"|speeds up|melts (?:\w+ )?away|wipes out|washes away|zaps|kills (?:off )?(?:germs|bacteria|viruses|the"
    r"|pain|\w+ cells)|takes the edge off|puts? (?:an end|a stop|paid) to|gets (?:\w+ )?under control"
    r"|rebuilds|regenerates|unblocks|opens up (?:your|the) (?:airways|sinuses|lungs))\b"
    r"|(?<!used )(?<!given )(?<!prescribed )(?<!licensed )(?<!approved )\b(?:can|will|may|could|helps?(?: to)?|to)"
    r" (?:\w+ )?(?:soothe|calm|settle|aid|promote|tackle|neutrali[sz]e"
    r"|detox|speed up|melt away|wipe out|zap|rebuild|regenerate|unblock|relieve|ease|heal|repair|reverse|restore"
    r"|prevent|treat|fix|boost|improve|lower|reduce|shorten) (?!(?:the|your|a) (?:form|appointment|booking))"
    r"|\b(?:is|are|was|were) (?:really |very |so |brilliant(?:ly)? |particularly )?(?:good|great|brilliant|excellent"
    r"|fantastic|amazing|wonderful|ideal) (?:for|at (?:\w+ing))\b(?! you to)"
    r"|\bmakes? a (?:big |real )?difference\b|\b(?:do|does|did|has done|have done) (?:more|wonders|miracles) for\b"
    r"|\bgave (?:me|her|him|them|us) (?:back )?(?:my|her|his|their|our)?\s*(?:life|energy|the energy)"
    r"|\b(?:effective|efficacy|beneficial|successful|success rate)\b|\bbetter results\b"
)


def _efficacy(text: str) -> Claim | None:
    if (cue := _search(CURE_RE, text)) and not CURE_DENIED_RE.search(text):
        return Claim("efficacy", cue, "promises a cure", dangerous=True)
    if cue := _search(EFFICACY_RE, text):
        return Claim("efficacy", cue, "says what a treatment or remedy does")
    return None


STATISTIC_RE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:%|per ?cent\b|percent\b)"
    rf"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    rf"|hundred|\w+-\w+)[- ](?:per ?cent|percent)\b"
    rf"|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:in|out of)\s+(?:every\s+)?(?:\d+|two|three"
    rf"|four|five|six|seven|eight|nine|ten|a hundred|hundred|a thousand)\b"
    rf"|\b(?:half|a third|one third|two thirds|a quarter|one quarter|three quarters|a fifth|a tenth)\s+of\s+"
    rf"(?:all\s+|the\s+|those\s+|us\s+|them\s+|everyone|everybody|people|adults|children|women|men|patients|\w+ers)"
    rf"|\b(?:most|the majority of|a majority of|almost all|nearly all|virtually all|practically all|the vast majority"
    rf" of|a minority of|millions of|thousands of|hundreds of|few|very few|many|lots of|plenty of|almost every"
    rf"|nearly every|practically every|virtually every|every single)\s+(?:\w+\s+)?{PEOPLE}\b"
    rf"|\b(?:almost|nearly|practically|virtually|pretty much|basically|just about) (?:everybody|everyone|nobody"
    rf"|no one|all|every|any)\b|\b(?:loads|tons|heaps|masses) of (?:\w+ )?{PEOPLE}\b"
    rf"|\b(?:is|are) (?:very |really |extremely |fairly |quite |relatively |incredibly |surprisingly )?(?:common"
    rf"|rare|uncommon|widespread)\b|\bon average\b|\bthe average (?:person|adult|child|woman|man)\b"
    rf"|\b(?:as many as|more than half|less than half|over half|up to) (?:\d|one|two|three|half|a third|a quarter)"
    rf"|\b(?:\d+(?:[.,]\d+)?|a|one|two|three|five|ten) (?:million|billion|thousand)\b"
    rf"|\b\d[\d,]* (?:{PEOPLE})\b"
    rf"|\b(?:\w+|\d+) times (?:more|less|as) (?:likely|common|often)\b|\btwice as (?:likely|common|many)\b"
    rf"|\b(?:rises?|falls?|drops?|increases?|decreases?|goes (?:up|down)|went (?:up|down)|lowers?|cuts?|reduces?"
    rf"|down|up)\s+(?:\w+\s+){{0,3}}?by\s+(?:about\s+|around\s+|up to\s+|nearly\s+|over\s+)?(?:\d|half|a third"
    rf"|a quarter|\w+ per ?cent)"
    rf"|\b(?:affects?|affected|hits?)\s+(?:about\s+|around\s+|roughly\s+|up to\s+|over\s+|more than\s+|nearly\s+)"
    rf"?(?:\d|one|two|three|four|five|half|a third|a quarter|millions)"
    rf"|\b(?:is|are) (?:the )?(?:most common|commonest|rarest|leading)\b|\bsuccess rate\b"
    rf"|^(?:most|many|the majority of|almost all|nearly all|virtually all) (?:\w+ ){{0,2}}?(?!days|mornings|nights"
    rf"|weeks|times|evenings|weekends|years|months)\w+s\b|\bin (?:rare|most|many|a few|the majority of) cases\b"
    rf"|\b(?:more|less) likely to\b"
)


def _statistic(text: str) -> Claim | None:
    if cue := _search(STATISTIC_RE, text):
        return Claim("statistic", cue, "states how common something is, or a figure")
    return None


COMPARISON_RE = re.compile(
    r"\b(?:better|worse|stronger|weaker|safer|riskier|faster|slower|quicker|gentler|healthier|superior|inferior"
    r"|more (?:effective|powerful|successful|accurate|natural|reliable|dangerous|harmful|likely|useful|potent)"
    r"|less (?:effective|accurate|safe|harmful|likely|dangerous|risky|reliable|useful))\s+(?:\w+\s+){0,4}?than\b"
    r"|\b(?:as|just as|every bit as|equally|twice as|half as|\w+ times as) (?:good|effective|safe|strong|powerful"
    r"|well|fast|quick|helpful|useful) as\b"
    r"|\b(?:by far|far and away) the\b|\bthe (?:very )?(?:best|finest|strongest|safest|most (?:effective|powerful"
    r"|successful|natural|reliable|important)|fastest|quickest|greatest|number one|no\.? ?1|top|only (?:\w+ )?"
    r"(?:treatment|cure|thing|way|remedy|medicine|option|answer))\b(?! (?:way|time|place|person|thing to do)"
    r" to (?:find|check|know|ask|see|tell|get help|contact))"
    r"|\bnothing\b(?:\s+[\w']+){0,4}?\s+(?:beats|comes close|compares|works (?:as well|better)|is (?:better|as good))"
    r"|\b(?:is|are) the (?:real |only |best |perfect )?answer\b"
    r"|(?<!heart )\b(?:beats?|outperforms?|outdoes|trumps) (?!(?:per|a|each) minute)(?:\w+ ){0,2}?(?:every|any|all"
    r"|hands down|easily|\w+ hands down)\b|(?<!heart )\bbeats? (?!(?:per|a|each) minute)\w+(?:in|ine|ol|en|ate)\b"
    r"|\b(?:the gold standard|second to none|the go-to|the first choice|unbeatable|unrivalled|unmatched"
    r"|like nothing else)\b|\b(?:kinder|gentler|tougher) (?:on|to) (?:\w+ ){0,3}than\b"
    r"|\b(?:far|much|way|miles|streets|ten times|a hundred times|a million times|\w+ times) (?:better|stronger|safer"
    r"|worse"
    r"|more \w+|less \w+)\b|\bthe \w+est\b(?= (?:\w+ )?(?:there is|available|money can buy|on the market|ever))"
)


def _comparison(text: str) -> Claim | None:
    text = re.sub(
        r"\b(?:it's|it is|are|is) best (?=to|taken|done|used|kept|stored|avoided)|\b(?:do|try) your best\b", " ", text
    )
    if cue := _search(COMPARISON_RE, text):
        return Claim("comparison", cue, "compares or ranks treatments")
    return None


CAUSATION_RE = re.compile(
    r"(?<!lots of )(?<!many )(?<!several )(?<!different )(?<!other )(?<!possible )(?<!have )\b(?:causes|caused|causing"
    r"|cause)\b(?! (?:of|such as))"
    r"|\b(?:the|a|main|major|leading|common|real|root|number one|biggest|only) (?:\w+ )?(?:cause|reason|trigger"
    r"|culprit)s? (?:of|for|why)\b|\b(?:the|a) (?:main|major|leading|real|root|number one|biggest|only|chief)"
    r" (?:cause|reason|trigger|culprit)\b|\b(?:is|are|was|were) to blame\b|\bto blame for\b"
    r"|\bblame[sd]? (?:it|them|\w+) on\b|\b(?:leads?|led|leading) to\b|(?<!your )(?<!the )(?<!test )\bresults? in\b"
    r"|(?<!your )(?<!my )(?<!his )(?<!her )(?<!their )(?<!possible )(?<!common )(?<!known )(?<!the )(?<!of )"
    r"(?<!any )(?<!avoid )(?<!avoiding )(?<!these )(?<!those )(?<!spot )(?<!identify )\btriggers\b"
    r"|\btriggers? (?:a|an|the|your|my|his|her|their|attacks?|migraines?|headaches?|asthma|it)\b|\btriggered\b"
    r"|\bsets? off\b|\bset off\b|\bbr(?:ings?|ought) on\b|\bbecause of\b|\bthanks to\b"
    r"|\bdue to\b(?! (?:start|begin|be|finish|end|open|close|arrive|take place|run|expire))"
    r"|\b(?:put|puts|putting) (?:it |this |that )?(?:all )?down to\b|\b(?:linked|associated) (?:to|with)\b"
    r"|\b(?:is|are|was|were|been) (?:closely |strongly )?(?:tied|connected|related) (?:to|with)\b"
    r"|\bresponsible for\b|\bplays? a (?:\w+ )?(?:part|role) in\b"
    rf"|\bg(?:ives?|ave) (?:you|children|kids|people|babies|women|men|adults|me|him|her|them|us) (?:\w+ )?"
    rf"(?:a |an |the |my |his |her )?{ILLNESS}\b|\b(?:is|are) (?:behind|at the root of)\b|\bst(?:ems?|emmed) from\b"
    rf"|\bcomes? from\b(?= (?:\w+ )?(?:eating|drinking|stress|sugar|gluten|dairy|screens?|a lack|too much|not enough))"
    rf"|\b(?:provokes?|contributes? to|fuels?|worsens)\b"
    r"|\b(?:is|are|was|were)(?: definitely| probably)? what(?:'s)? (?:gives?|gave|makes?|made|causes?|caused|keeps?"
    r"|kept|set|sets|pushed|brought|triggered|is keeping|was keeping)\b|\bwhat's keeping\b"
    r"|(?<!this )(?<!that )(?<!which )\b(?:is|are|was|were) why\b|\bmakes? (?:\w+ )?(?:worse|better)\b|\bmade (?:him"
    r"|her|me|them|us|you|mine|it)"
    r"(?: \w+)? (?:ill|sick|worse|better)\b|\bpushed (?:\w+ ){1,3}up\b|\bmakes? you (?:ill|sick|fat|tired)\b"
)


def _causation(text: str) -> Claim | None:
    if cue := _search(CAUSATION_RE, text):
        return Claim("causation", cue, "says what causes something")
    return None


AUTHORITY_RE = re.compile(
    rf"(?<!your )(?<!my )(?<!a )\b(?:all |most |many |the |top |leading |some )?{EXPERTS}\s+"
    rf"(?:(?!can\b|may\b|might\b|could\b|will\b|would\b|should\b|usually\b|often\b)[\w']+\s+){{0,4}}?"
    r"(?:agree[sd]?|say|says|said|believe|think|know|have known|recommend|advise|suggest|warn|confirm|insist"
    r"|found|have found|have shown|are unanimous|are agreed|accept|tell us)\b"
    r"|\b(?:research|studies|a study|one study|a recent study|a new study|new research|science|the science|the evidence"
    r"|evidence|trials|clinical trials|scientists|data|the data|tests)\s+(?:\w+\s+){0,2}?(?:shows?|showed|has shown"
    r"|have shown|proves?|proved|has proven|have proven|found|has found|have found|suggests?|confirms?|says"
    r"|tells us|is clear|agrees?|backs?|indicates?|reveals?|revealed|demonstrates?|demonstrated|links?|linked"
    r"|points? to)\b"
    r"|\b(?:a|an|one|the|recent|new|large|major|\w+) (?:\w+ )?stud(?:y|ies) (?:\w+ ){0,3}?(?:found|shows?|showed"
    r"|suggests?|proved?|revealed|linked)\b"
    r"|\b(?:backed|supported|proven|approved|recommended|endorsed) by (?:science|research|studies|doctors|experts"
    r"|scientists|dentists|the experts)\b|\bscience[- ]backed\b|\bit's a (?:proven |known )?fact\b"
    r"|\bit is a (?:proven |known )?fact\b"
    r"|\baccording to (?!(?:the |your |this |our )?(?:leaflet|label|packet|instructions))\w+"
    r"|\b(?:clinically|scientifically|medically|doctor|dermatologist)[- ](?:proven|tested|approved|recommended)\b"
    r"|\b(?:proven|proved) to\b|\bit is (?:well |widely |now |generally |commonly )?(?:known|accepted|established"
    r"|recognised|recognized|agreed) that\b|\b(?:have|has) known for\b|\beveryone knows\b|\bas we all know\b"
    r"|\b(?:the )?(?:nhs|who|world health organi[sz]ation|fda|mhra|cdc|ema|government|guidelines?|guidance)"
    r"\s+(?:now\s+)?(?:recommends?|advises?|says|states|approved|suggests?|warns?)\b"
)


def _authority(text: str) -> Claim | None:
    if cue := _search(AUTHORITY_RE, text):
        return Claim("authority", cue, "leans on authority or unnamed research instead of a source")
    return None


TELLER = (
    r"(?:my |our |a |her |his |their |one |another )?(?:friend|neighbour|neighbor|sister|brother|mum|mom|mother"
    r"|dad|father|auntie|aunt|uncle|cousin|gran|grandma|grandmother|nan|grandad|grandfather|colleague|mate"
    r"|partner|husband|wife|flatmate|boss|buddy|gym buddy|brother-in-law|sister-in-law|reader|readers|customer"
    r"|customers|patient|client|woman|man|lady|guy|someone|somebody|people|a mum|mums|one mum|teacher|coach"
    r"|\w+ buddy|(?:\w+ )?at work)"
)
TESTIMONY_RE = re.compile(
    rf"\b{TELLER}\s+(?:[\w']+\s+){{0,5}}?(?:says?|said|swears?|swore|told (?:me|us|her|him)|tells (?:me|us)"
    rf"|reckons?|promised(?: me)?|promises|claims?|insists?|swears by|raves? about|recommended|recommends)\b"
    r"|\bswear(?:s)? by\b|\bchanged (?:my|her|his|their|our) li(?:fe"
    r"|ves)\b|\blife[- ]?saver\b|\bgave me (?:my life|back)\b"
    r"|\bi put it (?:all )?down to\b|\bworked (?:for me|for us|wonders for)\b"
    r"|\b(?:i|we|he|she|they) (?:haven't|hasn't|have not|has not) (?:had|sneezed|wheezed|needed|looked back|had a)"
    r"\b[^.;]*\bsince\b"
    r"|\b(?:since|after|ever since) (?:i|we|he|she|they|[a-z]+) (?:started|began|tried|switched|took|cut out|gave up"
    r"|stopped|went|used)\b[^.;]*\b(?:gone|better|disappeared|vanished|stopped|cleared|improved|haven't|hasn't"
    r"|no more|never|fewer|less)\b"
    r"|\band (?:it|they) did\b|\b(?:\w+), (?:\d+|aged \d+)(?:, from \w+)?,? (?:says|said|told)\b"
    r"|\b(?:says|said) (?:[a-z]+), (?:\d+|aged \d+)\b"
    r"|\b(?:my|his|her) (?:\w+ )?(?:dad|mum|mother|father|uncle|auntie|aunt|brother|sister|cousin|buddy|friend"
    r"|neighbour|colleague|partner|wife|husband|gran)\b[^.;]*\b(?:got rid of|ditched|cured|fixed|sorted|never needed"
    r"|gave up|stopped|cleared|beat|beaten)\b"
)


NAMED_TELLER_RE = re.compile(
    r"(?<![.!?] )(?<!^)\b[A-Z][a-z]+(?: [A-Z][a-z]+)?(?:, (?:\d+|aged \d+|a \w+(?: \w+){0,3}),)?(?:,? from [A-Z]\w+,?)?"
    r" (?:says|said|swears|swore|reckons|told us|tells us|claims|insists|found|wrote|explains|adds)\b"
    r"|^(?!(?:She|He|It|They|This|That|We|You|I|Research|Science|Evidence|Nobody|Everyone|Someone)\b)[A-Z][a-z]+"
    r"(?:, (?:\d+|aged \d+),)?(?:,? from [A-Z]\w+,?)? (?:says|said|swears|swore|reckons|claims|insists|found|wrote)\b"
)


def _testimonial(text: str, efficacy: Claim | None, original: str = "") -> Claim | None:
    match = TESTIMONY_RE.search(text)
    if not match:
        named = NAMED_TELLER_RE.search(original)
        if named and efficacy:
            return Claim("testimonial", named.group().strip(), "offers a personal story as evidence")
        return None
    reported = re.search(rf"\b{TELLER}\s+(?:[\w']+\s+){{0,5}}?(?:says?|said|told|tells|promised|recommended)\b", text)
    if (
        reported
        and not efficacy
        and not re.search(
            r"\b(?:stopped|gone|went|fixed|sorted|cured|worked|works|finished|never|since|straightened|knock|knocked"
            r"|gave|cleared|better|overnight|energy|beat|completely|for good|wonders|miracle|draw|vanished|disappeared"
            r"|got rid|life|changed|binned|ditched|threw|quit|gave up|came off|put an end)\b",
            text[match.end() :],
        )
    ):
        return None  # "My sister suggested I write everything down": a story, not evidence
    return Claim("testimonial", match.group().strip(), "offers a personal story as evidence")


GUARANTEE_RE = re.compile(
    r"\bguarantee[sd]?\b|\b100 ?%\b|\bevery (?:single )?time\b(?! (?:you|they|he|she|i|we|your|the)\b)"
    r"|\bnever fails?\b|\balways works?\b"
    r"|\b(?:for good|permanently|forever|for ever|once and for all)\b"
    r"|\b(?:will|'ll|can) never (?:\w+ )?(?:have|need|get|be|come back|return|happen|suffer|again|go back)\b"
    r"|\bnever (?:\w+ )?again\b"
    r"|\b(?:you|it|this|they|your [\w-]+(?: [\w-]+)?|the [\w-]+|anyone|everyone|that|which|it all|an attack|he|she)"
    r"(?: will|'ll)(?: definitely| certainly| soon| quickly| always| all)? (?:feel (?:better|great|younger|amazing|fine"
    r"|brand new|like new|\w+er\b)|be (?:[\w]+-)?(?:free|fine|better|cured|gone|clear|perfect|normal|back|off|well"
    r"|sleeping|healed|fixed|sorted|over)\b|sleep|have (?:loads|more|no|fewer|less|much|plenty|tons)|stay (?:clear"
    r"|well|free|healthy)|return (?:\w+ )?to normal|go away|end (?:your|the)|bring|make (?:you|it|your|anyone)|cure"
    r"|fix|sort|clear|stop|work|disappear|vanish|notice a|wake|breathe|need no|heal|never)"
    r"|\b(?:within|in) (?:\d+|one|two|three|four|five|six|seven|ten|twenty|thirty|forty-eight|a|an|a few|a couple of"
    r"|just)? ?(?:seconds|minutes|mins|hours|days|a day|a week|weeks|a fortnight|a weekend|a month|nights|no time)\b"
    r"(?<!within \d\d minutes)(?<!within a few minutes)"
    r"|\b(?:instantly|instant relief|immediately|overnight|by morning|by the next day|by tomorrow|from tonight"
    r"|by the summer|in a week|in three days|in days|straight away relief)\b"
)
PROMISE_CONTEXT_RE = re.compile(
    r"\b(?:works?|worked|relief|gone|free|better|clear|clearer|sleeping|feel|stop|stopped|fixed|sorted|cured|never"
    r"|energy|improve|improved|see (?:\w+ )?results|(?:see|notice) a difference"
    r"|disappear|disappeared|vanish|vanished|sneeze|normal|heal|healed|knocked"
    r"|sleep like|relieve|eases?|fades?|lifts?|fever|temperature down|off your|off (?:inhalers|tablets|pills|meds))\b"
)


def _guarantee(text: str) -> Claim | None:
    match = GUARANTEE_RE.search(text)
    if not match:
        return None
    cue = match.group().strip()
    time_words = r"^(?:within|in|overnight|by|from|instantly|immediately|every)"
    if re.match(time_words, cue) and not PROMISE_CONTEXT_RE.search(text):
        return None  # "call your GP if it is no better within 2 days" is advice, not a promise
    if re.match(r"^(?:within|in) ", cue) and re.search(
        r"\b(?:if|unless|after|before|when)\b[^,;]*$", text[: match.start()]
    ):
        return None  # "… if the pain is not better within a week": a time limit in advice
    return Claim("guarantee", cue, "promises a result or how soon it comes")


HEDGE_RE = re.compile(
    rf"\b(?:some|certain|a few|many|several|other) (?:\w+ )?(?:{EXPERTS}|people|parents|users|nutritionists|say"
    r"|think|believe|reckon|suggest|claim)\b"
    r"|\bit (?:is|has been|was|'s) (?:thought|believed|suggested|claimed|said|proposed|possible|argued|rumoured)\b"
    r"|\b(?:is|are) believed\b|\bthere (?:are|is|have been|has been) (?:some )?(?:suggestions?|claims?|reports?"
    r"|a theory|theories|some evidence|hints?)\b|\bsome say\b|\b(?:people|some) reckon\b|\bthought to\b"
    r"|\b(?:may|might|could|can|would)(?: well| even| possibly| perhaps| maybe| potentially| just)+\b"
    r"|\b(?:possibly|perhaps|maybe|potentially|arguably|conceivably|supposedly|reportedly)\b"
    r"|\b(?:seems?|appears?) to (?!be (?:worth|a good idea))"
)
ASSERTING_VERB_RE = re.compile(
    r"\b(?:may|might|could|can|would|to|will)\s+(?:\w+\s+){0,3}?(?!be (?:worth|used|asked|offered)\b)"
    r"(?:help|stop|prevent|reverse|replace|cure|heal|repair|reset|realign|switch|balance|dissolve|shorten|reduce"
    r"|lower|boost|improve|protect|play|be linked|be caused|be due|trigger|cause|work|end|clear|fix|treat|ease"
    r"|relieve|damage|harm|increase|raise|protect|even out|switch off|wipe out)\b|\bplays? a (?:part|role)\b"
    r"|\blinked to\b|\bbe (?:linked|caused|due|behind|the cause|the answer|better|safer|dangerous|harmful)\b"
)


SPECULATION_RE = re.compile(
    r"\b(?:may|might|could|can)(?: well| even| possibly| perhaps| maybe| potentially)+ (?!be (?:worth|used|asked"
    r"|offered|given|a good idea)\b)\w+"
)


def _hedged(text: str) -> Claim | None:
    if speculation := SPECULATION_RE.search(text):
        return Claim("hedged", speculation.group().strip(), "hedges a claim that still asserts something")
    hedge = HEDGE_RE.search(text)
    if hedge and ASSERTING_VERB_RE.search(text):
        return Claim("hedged", hedge.group().strip(), "hedges a claim that still asserts something")
    return None


def find_claims(sentence: str) -> list[Claim]:
    """The claims `sentence` makes, dangerous ones first; empty for questions, signposting and neutral text."""
    full = normalise(sentence)
    if not full or is_question(full):
        return []
    text = without_signposts(full)
    if len(text.split()) < 2:
        return []
    asserted = main_clause(text)
    efficacy = _efficacy(asserted)
    found = [
        _dosing(text, full),
        _safety(asserted, full),
        efficacy,
        _statistic(asserted),
        _comparison(asserted),
        _causation(asserted),
        _authority(text),
        _testimonial(text, efficacy, sentence),
        _guarantee(asserted),
        _hedged(asserted),
    ]
    claims = [claim for claim in found if claim]
    return sorted(claims, key=lambda claim: not claim.dangerous)


# ------------------------------------------------------------------ contradictions


@dataclass(frozen=True)
class Assertion:
    """What a sentence says about approval, safety or recommendation: `positive` is False when it denies it."""

    topic: str  # "approved", "safe" or "recommended"
    positive: bool
    subject: frozenset[str]  # content words before the verb; empty for "it", "this" (the article's subject)
    scope: frozenset[str]  # content words of what it is (not) approved or safe for
    body: str = ""  # who approved it, when named: "fda", "nice", …


STOP_WORDS = frozenset({
    "a", "an", "the", "of", "for", "to", "in", "on", "as", "and", "or", "with", "by", "at", "is", "are", "was", "were",
    "be", "been", "it", "its", "this", "that", "these", "those", "they", "their", "them", "which", "who", "has", "have",
    "had", "not", "no", "only", "one", "kind", "type", "treatment", "treatments", "use", "used", "using", "headaches",
    "headache", "people", "adults", "patients", "anyone", "any", "all", "some", "now", "also", "still", "usually",
    "generally", "currently", "officially", "yet", "both", "medicine", "medicines", "drug", "drugs", "condition",
    "conditions", "prevent", "preventing", "prevention", "treat", "treating", "your", "you", "our", "we", "us",
})  # fmt: skip
APPROVERS = r"(?:fda|us food and drug administration|nhs|nice|mhra|ema|european medicines agency|who|tga|health canada)"
APPROVAL_RE = re.compile(
    rf"(?P<subject>[\w\s,()'-]*?)\b(?P<verb>is|are|was|were|has been|have been|isn't|aren't|wasn't|weren't"
    rf"|has not been|have not been|hasn't been|haven't been)\s+(?P<neg>not\s+|never\s+)?(?:yet\s+|currently\s+"
    rf"|officially\s+|only\s+)?(?:(?P<body1>{APPROVERS})[- ])?(?P<word>approved|licensed|licenced|authori[sz]ed"
    rf"|recommended|safe|unsafe|suitable|unsuitable)\b(?:\s+(?:by|in)\s+(?:the\s+)?(?P<body2>{APPROVERS}))?"
    rf"(?P<scope>[^;]*)"
)
CONCESSIVE_APPROVAL_RE = re.compile(
    rf"^(?:although|though|even though|while|despite being|whilst)\s+(?P<neg>not\s+)?(?:yet\s+|officially\s+)?"
    rf"(?:(?P<body>{APPROVERS})[- ])?(?:approved|licensed|licenced|authori[sz]ed)\b(?P<scope>[^,]*),\s*"
    rf"(?:the\s+)?(?P<subject>[\w-]+)"
)
ACTIVE_APPROVAL_RE = re.compile(
    rf"\b(?:the\s+)?(?P<body>{APPROVERS})\s+(?P<neg>has not |have not |hasn't |did not |didn't |does not |doesn't"
    rf"|never )?(?:\w+\s+)?(?P<word>approved|approve|licensed|license|licence|recommends|recommend|recommended"
    rf"|authori[sz]ed|authori[sz]e)\s+(?P<subject>[\w-]+(?:\s+\([\w\s-]+\))?)(?P<scope>[^;]*)"
)


def _words(text: str) -> frozenset[str]:
    words = re.findall(r"[a-z][a-z-]+", text)
    return frozenset(word.rstrip("s") if len(word) > 4 else word for word in words if word not in STOP_WORDS)


def _scope(text: str) -> frozenset[str]:
    """What follows "approved …": up to the first clause break, "as a treatment for migraine" → {migraine}."""
    text = re.split(r"[,;]|\b(?:but|because|which|although|though|when|where|since|so|and it|and is)\b", text)[0]
    text = re.sub(
        rf"\b(?:in|by) (?:the )?{APPROVERS}\b|\b(?:in|since|from) \d{{4}}\b|\bin (?:the )?(?:uk|us|usa|eu)\b", " ", text
    )
    return _words(text)


def find_assertions(sentence: str) -> list[Assertion]:
    """Statements that something is (or is not) approved, licensed, recommended, safe or suitable."""
    text = normalise(sentence)
    if is_question(text):
        return []
    assertions = []
    for match in APPROVAL_RE.finditer(text):
        word = match["word"]
        topic = "approved" if word.startswith(("approv", "licen", "authori")) else word
        if topic in ("unsafe", "unsuitable", "suitable"):
            topic = "safe"
        negative = bool(match["neg"]) or "n't" in match["verb"] or " not " in f" {match['verb']} "
        if word.startswith("un"):
            negative = not negative
        subject = re.split(r"[.,;:]|\b(?:that|which|but|and|because|so|if|when|although|while)\b", match["subject"])[-1]
        assertions.append(
            Assertion(
                topic=topic,
                positive=not negative,
                subject=_words(subject),
                scope=_scope(match["scope"]),
                body=(match["body1"] or match["body2"] or "").split()[0] if (match["body1"] or match["body2"]) else "",
            )
        )
    if match := CONCESSIVE_APPROVAL_RE.match(text):  # "Although not FDA-approved for migraine, Botox is …"
        assertions.append(
            Assertion(
                topic="approved",
                positive=not match["neg"],
                subject=_words(match["subject"]),
                scope=_scope(match["scope"]),
                body=(match["body"] or "").split()[0] if match["body"] else "",
            )
        )
    for match in ACTIVE_APPROVAL_RE.finditer(text):
        word = match["word"]
        assertions.append(
            Assertion(
                topic="recommended" if word.startswith("recommend") else "approved",
                positive=not match["neg"],
                subject=_words(match["subject"]),
                scope=_scope(match["scope"]),
                body=match["body"].split()[0],
            )
        )
    return assertions


def contradicts(first: Assertion, second: Assertion) -> bool:
    """One says yes and the other no, about the same thing (either subject may be "it"), for overlapping uses.

    Scopes overlap when one is contained in the other: "not approved for migraine" denies "approved for chronic
    migraine", but "approved for chronic migraine" and "not approved for episodic migraine" agree.
    """
    if first.topic != second.topic or first.positive == second.positive:
        return False
    if first.body and second.body and first.body != second.body:
        return False
    if first.subject and second.subject and not first.subject & second.subject:
        return False
    if not first.scope or not second.scope:
        return False
    return first.scope <= second.scope or second.scope <= first.scope
