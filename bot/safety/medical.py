"""Detection of requests for individual medical advice (standard library only).

The clinic's assistant gives general, reviewed facts ("what are common side effects?") but
never individual advice. A request is individual advice when it asks about:

* dosing (how much, which dose, changing or doubling or missing a dose),
* interactions of the treatment with a named medication or "my medication",
* starting, stopping, tapering or switching a medication,
* pregnancy, trying to conceive or breastfeeding,
* alcohol or recreational drugs together with the treatment,
* suitability for this person ("is it right for me", "should I try it", "I have a heart
  condition, can I...", "am I a candidate"),
* their own symptoms or reactions ("is it normal that I feel dizzy since my infusion").

Such requests get a kind refusal, a pointer to a clinician and an offer to book a
consultation (``utter_medical_advice``). Informational questions stay with the knowledge base.
Crisis detection always runs first and wins over this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.safety.normalize import normalize_variants, said

DOSING = "dosing"
INTERACTION = "interaction"
MEDICATION_CHANGE = "medication_change"
PREGNANCY = "pregnancy"
SUBSTANCES = "alcohol_or_drugs"
SUITABILITY = "suitability"
SYMPTOMS = "personal_symptoms"


@dataclass(frozen=True)
class MedicalVerdict:
    """Whether a message asks for individual medical advice, and which kind."""

    is_advice_request: bool = False
    categories: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """A JSON-friendly summary without any of the message text."""
        return {"is_advice_request": self.is_advice_request, "categories": list(self.categories)}


NAMED_DRUG = (r"(?:ssris?|snris?|maois?|tcas?|antidepressants?|anti depressants?|antipsychotics?|"
        r"mood stabili[sz]ers?|sertraline|zoloft|fluoxetine|prozac|escitalopram|lexapro|"
        r"citalopram|celexa|paroxetine|paxil|fluvoxamine|luvox|venlafaxine|effexor|desvenlafaxine|"
        r"pristiq|duloxetine|cymbalta|bupropion|wellbutrin|mirtazapine|remeron|trazodone|"
        r"vortioxetine|trintellix|vilazodone|viibryd|phenelzine|nardil|tranylcypromine|parnate|"
        r"selegiline|emsam|amitriptyline|nortriptyline|lithium|lamotrigine|lamictal|valproate|"
        r"depakote|divalproex|carbamazepine|tegretol|quetiapine|seroquel|aripiprazole|abilify|"
        r"olanzapine|zyprexa|risperidone|risperdal|lurasidone|latuda|clozapine|haloperidol|"
        r"benzodiazepines?|benzos?|xanax|alprazolam|klonopin|clonazepam|ativan|lorazepam|valium|"
        r"diazepam|adderall|ritalin|vyvanse|concerta|methylphenidate|amphetamines?|stimulants?|"
        r"modafinil|gabapentin|neurontin|pregabalin|lyrica|opioids?|opiates?|oxycodone|"
        r"hydrocodone|percocet|vicodin|suboxone|buprenorphine|methadone|naltrexone|vivitrol|"
        r"tramadol|morphine|fentanyl|codeine|lisinopril|metoprolol|propranolol|amlodipine|"
        r"losartan|clonidine|beta blockers?|blood pressure (?:meds|medication|medicine|pills)|"
        r"birth control|contraceptives?|insulin|metformin|ozempic|semaglutide|levothyroxine|"
        r"synthroid|thyroid (?:meds|medication|medicine)|blood thinners?|warfarin|eliquis|"
        r"xarelto|sleeping pills?|ambien|zolpidem|melatonin|st johns wort|ibuprofen|advil|"
        r"tylenol|acetaminophen|paracetamol|aspirin|antihistamines?|benadryl|zofran|ondansetron|"
        r"steroids?|prednisone|hrt|testosterone|estrogen|esketamine|spravato)")
DRUG = (rf"(?:{NAMED_DRUG}|(?:my|his|her|their) (?:\w+ )?"
        r"(?:medications?|meds|medicine|pills|prescriptions?|antidepressants?|dose|dosage|"
        r"tablets))")
OTHER_PERSON = (r"(?:he|she|hes|shes|they|theyre|someone|somebody|a person|my (?:\w+ )?(?:mom|"
                r"mother|dad|father|wife|husband|partner|son|daughter|brother|sister|grandma|"
                r"grandpa|grandmother|grandfather|friend|aunt|uncle))")
CONDITION = (r"(?:high blood pressure|hypertension|low blood pressure|heart (?:condition|disease|"
             r"problems?|issues?|murmur|failure|attack)|arrhythmia|afib|a fib|pacemaker|stroke|"
             r"aneurysm|seizures?|epilepsy|glaucoma|psychosis|psychotic|schizophrenia|"
             r"schizoaffective|mania|manic|hallucinations?|history of (?:substance|drug|"
             r"alcohol|addiction|abuse)|(?:substance|drug|alcohol) (?:use|abuse|problems?|"
             r"addiction)|addiction|addicted|alcoholism|alcoholic|recovering addict|in recovery|"
             r"sober|liver (?:disease|problems?|damage)|cirrhosis|kidney (?:disease|problems?)|"
             r"bladder (?:problems?|issues?)|asthma|copd|sleep apnea|thyroid|hyperthyroid|"
             r"diabetes|diabetic|cancer|chemo|dementia|brain injury|tbi|concussion|eating "
             r"disorder|anorexia|bulimia|adhd|autism|allergy|allergic|covid|cold|flu|fever|"
             r"surgery|anemia|obese|overweight|older|elderly|teenager|under 18|minor|\d{2} "
             r"years? old|age \d{2}|my age|(?:1[0-7]|[6-9]\d)(?: years old| yo)?)")
TREATMENT = (r"(?:ketamine|esketamine|spravato|treatment|treatments|infusions?|session|sessions|"
             r"therapy|the (?:nasal )?spray|nasal spray|iv|it|this|that|appointment)")

_ADVICE_PATTERNS: list[tuple[str, re.Pattern]] = [(c, re.compile(p)) for c, p in [
    (PREGNANCY, r"\b(?:pregnan\w*|breast ?feed\w*|breast feeding|nursing (?:a|my) (?:baby|"
                r"infant|newborn|son|daughter)|still nursing|im nursing|lactat\w*|trying to "
                r"(?:conceive|get pregnant|have a baby)|ttc|expecting (?:a baby|a child|twins)|"
                r"planning (?:a|to have a) (?:baby|pregnancy|family)|get (?:someone|my \w+) "
                r"pregnant|fertility|ivf|conceiv\w*|pump and dump|pumping|breast ?milk)\b"),
    (DOSING, r"\b(?:what|which|how high|how low|how big|how strong|whats the)(?: \w+){0,2} "
             r"(?:dose|doses|dosage|dosing|amount|strength)\b|\b(?:my|the right|a safe|a higher|"
             r"a lower|a bigger|a smaller|an extra|a double|a stronger|a weaker|a second|a "
             r"third|another|the next|a half|half a|half my|the max|the "
             r"maximum) (?:\w+ )?(?:dose|doses|dosage)\b|\b(?:dose|dosage|doses) (?:\w+ ){0,2}"
             r"(?:should|would|will|do|can|could|must) (?:i|we|you give me)\b|\b\d+ ?(?:mg|mcg|"
             r"ml|milligrams?)\b|\b(?:mg|mgs|milligrams?|mcg|micrograms?) (?:per|a|of|kg|for)\b|"
             r"\bmg ?kg\b|\bper kilo\w*|\bhow (?:often|frequently|many times|soon|long) "
             r"(?:\w+ )?(?:should|can|do|would|must|may) i (?:\w+ ){0,2}(?:take|get|getting|have|"
             r"use|do|repeat|dose|redose)\b(?! (?:to )?(?:come|go|attend|stay|remain|be there|"
             r"be seen|seen|get in|"
             r"visit|book|wait|"
             r"an appointment|appointments|in|into|started|scheduled|booked|a (?:consultation|"
             r"spot|slot|call ?back))\b)|"
             r"\bhow (?:much|many) (?:ketamine|"
             r"esketamine|spravato|of (?:it|the \w+|my \w+)|sprays?|puffs|pills|tablets|mls?|"
             r"drops|units|medication|meds|milligrams?|mgs?|mls?|times a (?:day|week)) "
             r"(?:\w+ ){0,3}(?:should|can|do|"
             r"would|will|is|are|to|per|a|for|may|at)\b|\b(?:double|doubled|doubling|triple|extra|"
             r"skip|skipped|skipping|"
             r"miss|missed|missing|forgot|forget) (?:a |my |the |an |one )?(?:\w+ )?(?:dose|"
             r"pill|tablet|spray|medication|dosage|infusion)s?\b|\btake (?:more|less|extra|"
             r"another) (?:ketamine|of (?:it|my)|pills?|medication)\b|\bmicrodos\w*\b"
             # "can I take an extra one tonight" of prescribed lozenges (review 15)
             r"|\b(?:take|have|use|do) (?:an extra|another|a second|one more|an additional|half "
             r"(?:of )?(?:an|one) extra) (?:one|lozenges?|troches?|pills?|tablets?|sprays?|doses?|"
             r"puffs?)\b"
             # "what if i only take a tiny bit" of ketamine bought from someone (suite 17)
             r"|\b(?:take|use|snort) (?:only |just )?(?:a )?(?:tiny|little|small|smaller|"
             r"lower|very small) (?:bit|amount|dose|bump|line)\b"
             r"(?! (?:of|longer) (?:time|while)\b)"),
    (INTERACTION, rf"\b(?:interact\w*|interfere\w*|mix|mixing|mixed|combine|combining|combined|"
                  rf"contraindicat\w*|compatible|clash\w*|together with|along with|alongside|"
                  rf"on top of|at the same time as|same time as|safe with|ok with|okay with|"
                  rf"fine with|alright with|safe to take with|while (?:on|taking|using)|"
                  rf"while im on|if im on|since im on|when im on|as im on) (?:\w+ ){{0,4}}"
                  rf"{DRUG}\b|\b{DRUG} (?:\w+ ){{0,4}}(?:interact\w*|interfere\w*|together|"
                  rf"at the same time|mix|mixed|combined|and (?:ketamine|esketamine|spravato|"
                  rf"infusions?|treatment) (?:together|at the same time|safe|ok|okay|fine|"
                  rf"dangerous|a problem|an issue))\b|\b(?:im|i am|currently|still|already|"
                  rf"im currently|im still) (?:\w+ )?(?:on|taking|prescribed|using) {DRUG}\b"
                  rf".{{0,80}}\b(?:can i|could i|would i|should i|do i|will i|is (?:it|that|this|"
                  rf"ketamine)|safe|ok|okay|fine|"
                  rf"problem|issue|allowed|interact\w*|affect|still|with (?:ketamine|"
                  rf"esketamine|spravato|treatment|infusions?))\b|\b(?:i (?:also |currently |"
                  rf"still |already )?take|i use|i have been taking|i was prescribed|my doctor "
                  rf"prescribed|my "
                  rf"psychiatrist (?:put me on|prescribed))(?: \w+)? {DRUG}\b|\bmy (?:\w+ )?"
                  # "my spravato" is the treatment itself ("can i drive after my spravato",
                  # review 21), not another medicine taken with it
                  rf"(?!(?:spravato|esketamine)\b){NAMED_DRUG}\b|"
                  rf"\b(?:shes|hes|she is|he is|theyre|they are|he|she|they) "
                  rf"(?:also |still |currently )?(?:on|taking|takes|take|uses) {NAMED_DRUG}\b|"
                  rf"\b(?:me|myself|i) (?:\w+ )?off (?:of )?{DRUG}\b|\b(?:me|myself|"
                  rf"i) (?:\w+ )?on {DRUG}\b|\b(?:interact\w*|"
                  rf"interference|contraindicat\w*) (?:\w+ ){{0,3}}(?:medications?|meds|drugs|"
                  rf"medicines|pills|prescriptions?)\b"),
    (MEDICATION_CHANGE, rf"\b(?:stop|stopping|stopped|quit|quitting|come off|coming off|go off|"
                        rf"going off|get off|getting off|wean\w*|taper\w*|discontinu\w*|pause|"
                        rf"pausing|hold off on|skip|skipping|cut back on|cut down on|cut down|"
                        rf"reduce|reducing|lower|lowering|increase|increasing|raise|raising|"
                        rf"double|halve|switch|switching|replace|replacing|start|starting|"
                        rf"restart|restarting|continue|continuing|keep taking|stay on|staying on|"
                        rf"get rid of|ditch|drop|dropping|change|changing|"
                        rf"adjust\w*) (?:\w+ ){{0,2}}"
                        rf"{DRUG}\b|\b(?:stop|stopping|quit|come off|go off|get off|replace|"
                        rf"wean off|taper off|instead of) (?:taking )?(?:my )?(?:\w+ )?"
                        rf"(?:medications?|meds|medicine|pills|antidepressants?|prescriptions?)\b"
                        # "how fast should i taper off" (suite 18)
                        rf"|\bhow (?:fast|quickly|slowly|long|soon) (?:should|can|do|would|"
                        rf"must) i (?:taper|wean|come off|get off|go off|stop)\b"
                        rf"|\b(?:no longer need|not need|not have to take|get off) (?:my )?"
                        rf"(?:\w+ )?(?:medications?|meds|antidepressants?)\b"),
    (SUBSTANCES, rf"\b(?:alcohol|drink|drinking|drinks|beer|beers|wine|liquor|vodka|whiskey|"
                 rf"booze|shots|cocktails?|hungover|hangover|weed|marijuana|cannabis|thc|cbd|"
                 rf"edibles?|smoke|smoking|vape|vaping|joint|high|stoned|mdma|molly|ecstasy|"
                 rf"cocaine|coke|psilocybin|mushrooms|shrooms|lsd|acid|kratom|meth|heroin|"
                 rf"party drugs|recreational drugs?|street drugs|other drugs|psychedelics?|"
                 rf"ayahuasca|dmt|poppers|nicotine|caffeine|coffee|energy drinks?|xanax|"
                 rf"benzos?|opioids|painkillers) (?:\w+ ){{0,3}}(?:before|after|during|with|"
                 rf"while|on|and|the (?:day|night|morning) (?:before|after)|same day as|"
                 rf"prior to|following|between|around|within \w+ (?:hours|days) of) (?:\w+ )"
                 rf"{{0,3}}{TREATMENT}\b|\b(?:can|could|may|should|is it (?:ok|okay|safe|fine|"
                 rf"bad) to|am i allowed to|allowed to) (?:i )?(?:still )?(?:drink|smoke|vape|"
                 rf"get high|have a (?:drink|beer|glass of wine|joint)|use (?:weed|cannabis|"
                 rf"drugs|mushrooms|psychedelics))(?! water)\b|\b{TREATMENT} (?:\w+ ){{0,3}}"
                 rf"(?:with|and|after|while|if i) (?:\w+ ){{0,2}}(?:alcohol|drinking|beer|wine|"
                 rf"weed|marijuana|cannabis|thc|cbd|edibles|mdma|molly|ecstasy|cocaine|"
                 rf"psilocybin|mushrooms|shrooms|lsd|psychedelics|kratom|drugs)\b(?! (?:addiction|"
                 rf"use disorders?|dependence|dependency|abuse|problems?|cravings|withdrawal|"
                 rf"recovery))|\b(?:i|im|"
                 rf"i have been|ive been|i still|i also) (?:\w+ )?(?:use|using|smoke|smoking|"
                 rf"drink|drinking|take|taking|do|doing|vape|vaping) (?:\w+ ){{0,2}}(?:alcohol|"
                 rf"beer|wine|liquor|weed|marijuana|cannabis|thc|cbd|edibles|mdma|molly|ecstasy|"
                 rf"cocaine|coke|psilocybin|mushrooms|shrooms|lsd|psychedelics|kratom|meth|"
                 rf"heroin|recreational drugs|drugs|pot)\b.{{0,80}}\b{TREATMENT}\b"),
    (SUITABILITY, rf"\b(?:right|good|better|best|safer|safest|suitable|safe|unsafe|not safe|"
                  rf"ok|okay|fine|"
                  rf"appropriate|a good idea|a good "
                  rf"fit|a good option|the right choice|the right option|worth it|effective|"
                  rf"helpful|dangerous|risky|bad|harmful|too risky|a risk) for (?:me|my (?:\w+ )?"
                  rf"(?:case|situation|condition|son|daughter|kid|child|mother|father|wife|"
                  rf"husband|partner|body)|(?:a |an |my )?(?:\d{{1,2}} ?(?:year old|yo)|teens?|"
                  rf"teenagers?|minors?|kids?|children|child|someone (?:his|her|their|my) age|"
                  rf"someone that (?:young|old)|(?:his|her|their) age))\b|"
                  rf"\bam i (?:a |an )?(?:good |suitable |right |"
                  rf"eligible |ideal |appropriate |likely )?(?:candidate|eligible|suitable|"
                  rf"qualified|a fit|too old|too young)\b|\bwould i (?:be )?(?:a )?(?:good )?"
                  rf"(?:candidate|qualify|be eligible|benefit|fit|match|option)\b|"
                  rf"\b(?:what|anything|something|which) (?!(?:time|day|days|location|office|"
                  rf"place|hour|hours|slot|date|parking|clinic)\b)(?:\w+ ){{0,3}}(?:(?:would|do|"
                  rf"could|can) you|you (?:would|could|can|d)) (?:recommend|suggest|advise|"
                  rf"prescribe) (?:\w+ ){{0,2}}for (?:me|my|someone "
                  rf"like me)\b|\b(?:recommend|suggest|advise) (?:something|anything|what|a "
                  rf"treatment|a dose|which) (?:\w+ ){{0,2}}for me\b|"
                  rf"\b(?:can|could|may|should) (?:she|he|my (?:\w+ )?(?:mom|mother|dad|father|"
                  rf"wife|husband|son|daughter|partner|grandma|grandpa|grandmother|grandfather)) "
                  rf"(?:still )?(?:have|take|get|do|try|use|start) (?:ketamine|esketamine|spravato|"
                  rf"this treatment|the treatment|infusions?)\b(?! (?:at|in|from|near|on) )|"
                  rf"\b(?:she|he) can (?:still )?(?:have|take|get|do|try) (?:ketamine|esketamine|"
                  rf"spravato|this treatment|the treatment|infusions?)\b"
                  rf"(?! (?:at|in|from|near|on) )|"
                  # a suicide attempt or self-harm in one's past, then whether one can be
                  # treated ("I attempted suicide two years ago ... Can I still be treated?")
                  rf"\b(?:attempted suicide|suicide attempts?|tried to (?:kill myself|end my "
                  rf"life|take my (?:own )?life)|was suicidal|self harmed|used to self harm|"
                  rf"overdosed)\b.{{0,120}}\b(?:(?:can|could|may|am|will|would|do|does) (?:i|"
                  rf"that|this|it|someone like me) (?:still )?(?:be treated|get|have|qualify|be "
                  rf"eligible|be a candidate|be allowed|try|start|do|mean|matter|affect)|(?:can|"
                  rf"could|will|would|do) you (?:still )?(?:treat|take|accept|see) (?:me|someone"
                  rf"))\b|"
                  # whether something in one's history bars the treatment ("does that stop me
                  # getting ketamine?", "would my history rule me out?")
                  rf"\b(?:stop|stops|prevent|prevents|keep|keeps|bar|bars|block|blocks) (?:me|"
                  rf"him|her|them|my (?:\w+ )?(?:mom|mother|dad|father|wife|husband|son|daughter|"
                  rf"partner)) (?:from )?(?:(?:getting|having|receiving|doing|trying|starting) "
                  rf"(?:\w+ ){{0,2}}(?:ketamine|esketamine|spravato|treatment|treated|infusions?|"
                  rf"this|it|therapy|accepted|approved|eligible)|qualifying|being (?:treated|"
                  rf"accepted|approved|eligible|a candidate))\b|\b(?:rule|rules|ruled) "
                  rf"(?:me|him|her|them) out\b|\b(?:disqualif\w*|exclude\w*) (?:me|him|her|"
                  rf"them)\b|\bcounts? against (?:me|him|her|them)\b|\bmakes? (?:me|him|her|them) "
                  rf"(?:ineligible|not eligible|disqualified|unsuitable|a bad candidate)\b|"
                  rf"\bdo i (?:qualify|"
                  rf"need to (?:stop|quit|"
                  rf"taper|change|come off|go off|lower|reduce|pause)|have to (?:stop|"
                  rf"quit|taper|come off|go off))\b|\bshould i"
                  # "what should i do while i wait" after 911 was called (review 21): no advice
                  rf"(?! (?:\w+ )?do (?:while|now|until|till|next|first|in the meantime|meanwhile|"
                  rf"right now)\b)(?! (?:just )?do\W*$) (?:\w+ )?(?:try|get|do|start|take|"
                  rf"have|use|"
                  rf"go for|consider|choose|pick|stop|quit|switch|continue|increase|decrease|"
                  rf"lower|skip|double|combine|mix|risk|avoid|go with|be worried|worry|be "
                  rf"concerned|tell my doctor to|ask for|keep|go off|come off|"
                  rf"reduce) (?:\w+ ){{0,2}}"
                  rf"(?:ketamine|esketamine|spravato|it|this|treatment|infusions?|therapy|iv|the "
                  rf"(?:nasal )?spray|nasal spray|injections?|my|medication|meds|pills|dose|"
                  rf"dosage|antidepressants?|{DRUG}|instead|or|over|rather)\b|\b(?:will|would|"
                  rf"could|can|does|might|is) (?:ketamine|esketamine|spravato|it|this|"
                  rf"treatment|infusion therapy|the treatment) (?:\w+ ){{0,2}}(?:work for|work on|"
                  rf"be good for|be safe for|be right for|be ok for|be okay for|be dangerous "
                  rf"for|be risky for|be bad for) (?:me|my)\b|\b(?:can|could|may|should) (?:i|"
                  rf"someone like me) "
                  rf"(?:still )?(?:\w+ )?(?:get|have|do|try|take|use|start|receive|be treated "
                  rf"with|go ahead with) (?:\w+ ){{0,3}}(?:if|with|while|since|because|even "
                  rf"though|when|as|given|despite) (?:i|im|ive|my)\b(?! wait\b)|"
                  rf"\b(?:i have|ive got|im|i "
                  rf"had|i was diagnosed with|diagnosed with|i suffer from|i struggle with|i "
                  rf"deal with|i live with|history of|family history of|my|ive had|i have had|ive "
                  rf"been diagnosed with|i was treated for|i had) (?:\w+ )?(?:a )?"
                  rf"{CONDITION}\b.{{0,60}}\b(?:ketamine|esketamine|spravato|treatment|infusion|"
                  rf"safe|ok|okay|can i|could i|should i|is it|would it|will it|risk|dangerous|"
                  rf"candidate|eligible|allowed|work for me|help me)\b|\b(?:ketamine|esketamine|"
                  rf"spravato|treatment|infusions?|it)\b.{{0,40}}\b(?:safe|ok|okay|dangerous|"
                  rf"risky|allowed|possible) (?:for (?:me|someone like me)|with my|if (?:i|im|"
                  rf"ive|my))\b|\bwith my {CONDITION}\b|\b(?:is|would|will|could) (?:ketamine|"
                  rf"this|it|treatment|the treatment) (?:\w+ )?(?:right|the right|a good|good|"
                  rf"the best|better) (?:\w+ )?(?:for me|option for me|choice for me|treatment "
                  rf"for me|for my)\b|\bwhich (?:treatment|option|one|dose|form|route) "
                  rf"(?:\w+ )?(?:should i|is (?:best|better|right) for me|would you recommend)\b|"
                  rf"\b(?:recommend|prescribe|suggest) (?:me |for me )?(?:a |some )?(?:dose|"
                  rf"medication|meds|treatment|drug|something)\b|"
                  # someone else's condition asked about ("what if someone has a heart murmur,
                  # can they still get treatment?", "what about my dad, he had a heart attack")
                  rf"\b{OTHER_PERSON} (?:\w+ ){{0,3}}(?:a |an )?{CONDITION}\b.{{0,60}}\b"
                  rf"(?:ketamine|esketamine|spravato|treatment|infusions?|safe|ok|okay|can "
                  rf"(?:they|he|she)|could (?:they|he|she)|still|risk|dangerous|eligible|"
                  rf"allowed)\b|\b(?:what "
                  rf"about|what if|how about) .{{0,40}}\b{OTHER_PERSON} (?:\w+ ){{0,4}}(?:a |an )?"
                  rf"{CONDITION}\b"),
    (SYMPTOMS, r"\b(?:is (?:it|this|that) (?:normal|ok|okay|safe|bad|dangerous|concerning|a "
               r"problem|serious|expected)|should i (?:be )?(?:worried|concerned|go to|see)|do "
               r"i need to (?:worry|see|go)) (?:\w+ ){0,4}(?:i|im|ive|my|me)\b(?! (?:feel|get|"
               r"will|would|might|could|can) )|"
               # an experience of one's own since or after a session of one's own (not a
               # question about what to expect: "will i feel better after the first session")
               r"(?<!will )(?<!would )(?<!could )(?<!might )(?<!do )(?<!does )(?<!can )"
               # "how long before i feel better after ketamine" (review 28): what to expect
               r"(?<!before )(?<!until )(?<!till )(?<!when )"
               r"\b(?:i|im|ive|my|i have been|ive been|i keep|i started|i still|i cant stop|i "
               r"cant) (?:\w+ ){0,2}(?:feeling|feel|felt|having|getting|experiencing|got|get|had|"
               r"noticed|seeing|hearing|been|vomit\w*|throw\w* up|shak\w*|hurt\w*|ache\w*|"
               r"sleep\w*|racing|races|spiked|is|are|was|were|has|have) (?:\w+ ){0,6}(?:since|"
               r"after|following|from|because of|during) (?:my |each |every |the last |last |"
               r"yesterdays |this mornings |todays |the )?(?:\w+ )?(?:infusion|session|treatment|"
               r"dose|"
               r"spray|ketamine|appointment|visit|shot|injection)s?\b|"
               r"\b(?:(?:i|im|ive) (?:\w+ )?|my (?:\w+ ){0,2})(?:feel|felt|feeling|have|having|"
               r"had|get|getting|"
               r"got|keep|noticed|am|been|experienc\w*|hurt\w*|ache\w*|vomit\w*|dizzy|nause\w*|"
               r"sick|racing|races|spiked|is|keeps|was|went|still|feels|hurts|looks|"
               r"seems)\b.{0,60}\b(?:is (?:this|that|"
               r"it) (?:normal|ok|okay|"
               r"safe|dangerous|bad|serious|expected)|should i (?:be )?(?:worried|concerned))\b|"
               r"\bshould i go to (?:the )?(?:er|emergency room|emergency|hospital|urgent care)\b|"
               r"\bdo you think (?:that )?(?:i|im|my)\b|\b(?:would|will) i benefit from\b|"
               r"\bdo i have (?:\w+ )?(?:depression|ptsd|bipolar|anxiety|ocd|adhd|a (?:disorder|"
               r"condition|problem))\b|\bam i (?:depressed|bipolar|manic|psychotic|addicted)\b|"
               r"\bwhat (?:is|s) wrong with me\b|\bdiagnos\w* me\b"),
]]

# A named medication together with the treatment is an interaction question, unless the
# message compares them ("how is ketamine different from SSRIs?"), which is general.
_DRUG_WITH_TREATMENT = re.compile(
    rf"\b{DRUG}\b.{{0,40}}\b(?:during|while|with|alongside|along with|and|plus|before|after|"
    rf"on top of) (?:\w+ )?(?:ketamine|esketamine|spravato|infusions?|treatment|sessions?|"
    rf"therapy)\b|\b(?:ketamine|esketamine|spravato|infusions?|treatment|sessions?)\b.{{0,40}}"
    rf"\b(?:during|while|with|alongside|along with|and|plus|before|after|on top of) (?:\w+ )?"
    rf"{DRUG}\b")
_FIRST_PERSON = re.compile(r"\b(?:i|im|ive|id|me|my|mine)\b")
_COMPARISON = re.compile(r"\b(?:difference|differ|differs|diff?e?rent|compare|compared|"
                         r"comparison|versus|"
                         r"vs|different|unlike|similar|better than|faster than|instead of how|"
                         r"replace|replaces|alternative)\b")
# Questions that mention a category word but are plainly about the clinic or booking.
_NOT_ADVICE = re.compile(
    r"\b(?:cost|costs|price|prices|pricing|pay|paying|insurance|covered|coverage|refund|"
    r"parking|park|directions|address|located|location|hours|open|opening|book|booking|"
    r"schedule|appointment time|reschedule|cancel|cancellation|consultation|phone number|"
    r"email|website|wait list|waitlist|"
    # "Is it possible for me to accompany her to the appointment?" (review 16): who may come
    r"accompany|come with (?:me|her|him|them)|come along|bring (?:someone|a friend|my \w+)|"
    r"drive (?:me|her|him|them) (?:home|there)|wait (?:for|with) (?:her|him|them))\b")
_ADVICE_OVERRIDES = (PREGNANCY, DOSING, INTERACTION, MEDICATION_CHANGE, SUBSTANCES)


# "is she too old for ketamine infusions?", "is there an age limit": whether the clinic treats
# people of an age is the age_eligibility entry's question (its answer sends the patient to a
# clinician and the phone), unless the message also names a condition, a drug or a pregnancy.
_AGE_QUESTION = re.compile(r"\b(?:too old|too young|old enough|young enough|age limit|minimum "
                           r"age|maximum age|upper age|age cut ?off)\b|\b(?:can|could|do|does|"
                           r"will|would) (?:you )?(?:teenagers|teens|minors|kids|children|"
                           r"adolescents|seniors|older (?:adults|people)|elderly people) (?:get|"
                           r"have|do|try|be treated|receive|use|start|treat)\b|\b(?:treat|see|"
                           r"take) (?:teenagers|teens|minors|adolescents|seniors|older adults)\b"
                           # "im 16 can i get ketamine without my parents knowing" (review 21)
                           r"|\b(?:without|need) (?:my )?(?:parents|parent|moms|mom|dads|dad)s? "
                           r"(?:knowing|permission|consent|signing|to sign|to know)\b|\bparental "
                           r"consent\b"
                           # "im 16 can i get ketamine here" (suite 25): an age, then the question
                           r"|^(?:(?:hi|hey|hello|so|ok)\W+)?(?:im|i am) (?:only |just |almost |"
                           r"nearly )?\d{1,2}(?: (?:years? old|yrs? old|yo))?\W+(?:and )?(?:can|"
                           r"could|may|am i allowed to|do you let) (?:i|me) (?:still )?(?:get|have|"
                           r"do|try|start)\b")
_AGE_CONDITION = re.compile(r"(?:older|elderly|teenager|under 18|minor|my age|age \d{2}|"
                            r"\d{2}(?: years? old| yo)?)")
_CONDITION_RE = re.compile(rf"\b{CONDITION}\b")
_DRUG_RE = re.compile(rf"\b{DRUG}\b")


def _asks_only_about_age(form: str) -> bool:
    if not _AGE_QUESTION.search(form) or _DRUG_RE.search(form):
        return False
    return all(_AGE_CONDITION.fullmatch(found.group(0))
               for found in _CONDITION_RE.finditer(form))


def detect_medical_advice(text: str) -> MedicalVerdict:
    """Decide whether a message asks for individual medical advice.

    Deterministic and side-effect free. Crisis detection must run before this.
    """
    if not text or not text.strip():
        return MedicalVerdict()
    categories: list[str] = []
    for form in normalize_variants(text):
        for category, pattern in _ADVICE_PATTERNS:
            if category not in categories and pattern.search(form):
                categories.append(category)
        if (INTERACTION not in categories and _DRUG_WITH_TREATMENT.search(form)
                and not _COMPARISON.search(form)):
            categories.append(INTERACTION)
    if not categories:
        return MedicalVerdict()
    main = normalize_variants(text)[0]
    if categories == [SUITABILITY] and _asks_only_about_age(main):
        return MedicalVerdict()
    # "How is it different from my antidepressants?" compares; it asks nothing about combining.
    if categories == [INTERACTION] and _COMPARISON.search(main):
        return MedicalVerdict()
    # "whats the difference between ketamine and psychedelics like psilocybin" (review 15):
    # a comparison in general, with nothing of the writer's own use in it.
    if set(categories) <= {INTERACTION, SUBSTANCES} and _COMPARISON.search(main) \
            and not _FIRST_PERSON.search(main):
        return MedicalVerdict()
    # "Should I book a consultation?" or "is it ok for me to park there?" is logistics, not
    # medical advice, unless a clearly medical category also matched.
    if _NOT_ADVICE.search(main) and not any(c in _ADVICE_OVERRIDES for c in categories):
        return MedicalVerdict()
    return MedicalVerdict(True, tuple(categories))


def is_medical_advice_request(text: str) -> bool:
    """Shorthand: True when the message asks for individual medical advice."""
    return detect_medical_advice(text).is_advice_request


# "how many mg would they give me" (suite 24 got the crisis reply: the learned score reads an
# amount of a drug as an overdose): the dose the clinic would give, a question for a clinician.
_CLINIC_DOSE = re.compile(
    r"\b(?:how (?:many|much)|what (?:dose|amount|strength)|which dose)\b.{0,40}\b(?:would|will|do|"
    r"does|did|should|is) (?:they|you|u|the (?:clinic|doctor|nurse|clinician|team|provider)s?|"
    r"yall|your (?:clinic|doctors?|nurses?)) (?:\w+ )?(?:give|use|start|dose|prescribe|put|"
    r"administer|inject)\b|\bhow (?:many|much) (?:mg|milligrams?|ml|ketamine|medicine) "
    r"(?:would|will|"
    r"do|does) (?:i|my \w+) (?:get|be given|receive)\b")


def asks_the_clinic_dose(text: str) -> bool:
    """True when the message asks what dose the clinic would give ("how many mg would they give
    me"): a dosing question, never an overdose."""
    return said(_CLINIC_DOSE, text)


# "what if i just skip it the morning of", "can i just take half" after a request for
# individual advice was declined: the same kind of question about the patient's own case.
_OWN_CASE_FOLLOWUP = re.compile(
    r"^(?:(?:and|so|ok|okay|but|well|hmm|ugh|fine|then)[\s,.]+)*(?:what if i|what about if i|"
    r"what happens if i|what if she|what if he|can i (?:just |still )?|could i (?:just |still )?|"
    r"should i|is it (?:ok|okay|safe|bad|fine|dangerous) (?:if|to)|would it be (?:ok|okay|bad|"
    r"safe|fine) (?:if|to)|do i (?:need|have) to|is it fine if i|how about if i|"
    r"and if i|i (?:shouldnt|should not|should|can|cant|cannot|could) (?:just )?|"
    # suite 10: "can't you just give me a general yes or no?", "so who decides the amount then"
    r"(?:(?:cant|can't|can not|couldnt|couldn't) you (?:just |at least )?|(?:can|could) you "
    r"(?:just|at least) )(?:give|tell|say)|(?:just )?(?:give|tell) me (?:a |the )?(?:general |"
    r"simple |straight |quick |rough )?"
    r"(?:yes or no|ballpark|number|range|estimate)|who (?:decides|sets|chooses|figures out|works "
    r"out) (?:the|my|how much|what))\b", re.IGNORECASE)


# A session of the patient's own that has already happened ("i had my 3rd infusion yesterday",
# "since my infusion", "after yesterday's session"); "will i feel better after the session" is
# none.
_OWN_PAST_SESSION = re.compile(
    r"\b(?:had|did|got|finished) my (?:\w+ )?(?:infusion|session|treatment|dose|spravato)\b|"
    r"\b(?:since|after|following) (?:my|yesterday'?s|yesterdays|last (?:\w+ )?'?s?|this "
    r"morning'?s) (?:\w+ )?(?:infusion|session|treatment|dose)\b|\bmy (?:\w+ )?(?:infusion|"
    r"session|treatment) (?:was |were )?(?:yesterday|last (?:night|week)|this morning|on (?:mon|"
    r"tues|wednes|thurs|fri|satur|sun)day|(?:\d+|two|three|four|a few|a couple of|couple) days "
    r"ago)\b"
    # "I had ketamine at your clinic yesterday", "my first session last week" (review 16)
    r"|\b(?:had|got|did) (?:my |an? |the )?(?:\w+ )?(?:ketamine|infusion|esketamine|spravato)"
    r"\b(?: \w+){0,4} (?:yesterday|last (?:night|week)|this morning|earlier "
    r"today|(?:\d+|two|three|a few) days ago|on (?:mon|tues|wednes|thurs|fri|satur|sun)day)\b",
    re.IGNORECASE)
_AHEAD = re.compile(r"\b(?:will i|would i|am i going to|before my|my first(?!(?: \w+){1,2} (?:last "
                    r"(?:week|night|month)|yesterday|this morning|(?:\d+|two|three|a few) days "
                    r"ago))|my next|upcoming)\b",
                    re.IGNORECASE)


def after_own_session(text: str) -> bool:
    """True when the message speaks of a session the patient has already had: their care team,
    not a new consultation, is who to call about how they feel since."""
    text = (text or "").replace("’", "'")
    return bool(_OWN_PAST_SESSION.search(text)) and not _AHEAD.search(text)


def user_texts(events: Any) -> list[str]:
    """What the patient typed in a conversation's events, oldest first."""
    return [event.get("text") or "" for event in events if event.get("event") == "user"]


def told_of_own_session(user_texts: list[str]) -> bool:
    """True when one of the patient's messages in this conversation speaks of a session they
    have had ("had my 2nd infusion yesterday"): a current patient, whose care team is who to
    call about how they feel."""
    return any(after_own_session(text) for text in user_texts)


# "can i still book then?", "should i call you?": the offer taken up, not another what-if.
_ABOUT_THE_CLINIC = re.compile(r"\b(?:book|schedule|appointment|appt|consult\w*|call|talk|speak|"
                               r"ask (?:the|a|my|your)|come in|email|text)\b", re.IGNORECASE)


def asks_about_own_case_again(text: str, previous_intent: str | None) -> bool:
    """True when the message right after a declined request for medical advice asks another
    what-if about the patient's own case; it is declined the same way."""
    text = (text or "").strip()
    return (previous_intent == "medical_advice" and bool(_OWN_CASE_FOLLOWUP.search(text))
            and not _ABOUT_THE_CLINIC.search(text))


# Pushing for the advice just declined, anywhere in the message ("my psychiatrist is not
# answering. just tell me roughly", "how about just half of one extra", review 15).
_PUSHBACK = re.compile(
    r"\b(?:just|please|pls|can you|could you) (?:tell|give) me (?:roughly|a rough (?:idea|number|"
    r"guess)|a ballpark|approximately|the gist|something|anything)\b|\btell me roughly\b|"
    r"\bjust roughly\b|\b(?:what about|how about) (?:just )?(?:half|a half|a quarter|one more|one "
    r"extra|a little|a bit)\b|\bi wont hold you to it\b|\boff the record\b", re.IGNORECASE)


def pushes_for_the_advice(text: str, previous_intent: str | None) -> bool:
    """True when, right after a declined request for medical advice, the message presses for
    it anyway: declined again, whatever answer retrieval finds for its other words."""
    return previous_intent == "medical_advice" and bool(_PUSHBACK.search(text or ""))


# "my psychiatrist is hard to reach tho" right after a declined question about stopping or
# changing a medicine (review 18 got the referral answer): where to ask instead, and not to
# change it alone meanwhile.
_PRESCRIBER_UNREACHABLE = re.compile(
    r"\b(?:my |the )?(?:psychiatrist|doctor|dr|prescriber|gp|pcp|np|nurse practitioner|provider|"
    r"therapist)\b(?: \w+){0,3} (?:is |are |s )?(?:hard to (?:reach|get (?:a )?hold of|get in "
    r"touch with)|never (?:answers|calls back|picks up)|not (?:answering|responding|calling back)|"
    r"doesnt (?:answer|call back|respond)|wont (?:answer|call back|respond)|(?:is )?(?:away|on "
    r"vacation|out of (?:the )?office)|booked (?:out|up))\b|\b(?:cant|cannot|can never) "
    r"(?:reach|get (?:a )?hold of|get in touch with|get an appointment with) (?:my |the )?"
    r"(?:psychiatrist|"
    r"doctor|prescriber|gp|pcp|provider)\b", re.IGNORECASE)


def prescriber_is_out_of_reach(text: str, previous_intent: str | None) -> bool:
    """True when, right after a declined request for medical advice, the patient says their
    prescriber is hard to reach ("my psychiatrist is hard to reach tho")."""
    return previous_intent == "medical_advice" and bool(
        _PRESCRIBER_UNREACHABLE.search(text or ""))
