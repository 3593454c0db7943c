"""Deterministic detection of urgent medical situations: the person needs 911 or Poison Control
now, whether or not anyone meant harm (trouble breathing, chest pain, a racing heart, fainting,
someone unresponsive or seizing, too much of a substance, ketamine taken outside a clinic).

Standard library only, like ``bot.safety.crisis``. A crisis (suicidal intent, self-harm,
overdose) is decided first by that module; this one catches the medical emergencies that are
not a crisis. Questions about side effects in general ("can ketamine raise blood pressure?")
are not urgent: the knowledge answers them.
"""

from __future__ import annotations

import re

from bot.safety.crisis import has_figure_or_denial, is_resolved_history
from bot.safety.normalize import normalize_variants, said

_NOT = r"(?<!no )(?<!not )(?<!without )(?<!never )(?<!any )"

_ALCOHOL = (r"vodka|alcohol|wine|beers?|whiske?y|tequila|rum|gin|booze|liquor|drinks|"
            r"drinking|shots")
_SEDATING = (r"oxy\w*|opioids?|opiates?|percocets?|vicodin|xanax|benzos?|valium|klonopin|"
             r"ativan|ambien|sleeping pills?|pills|meds|painkillers?|pain pills|fentanyl|heroin|"
             r"ketamine|k|gabapentin|morphine|codeine|tramadol|seroquel|trazodone")
_SEDATIVES = (r"xanax|benzos?|valium|klonopin|ativan|alprazolam|clonazepam|lorazepam|diazepam|"
              r"sleeping pills?|ambien|zolpidem|oxy\w*|percocets?|opioids?|opiates?|painkillers?|"
              r"pain pills|vicodin|hydrocodone|fentanyl|heroin|morphine|codeine|tramadol|seroquel|"
              r"gabapentin|trazodone|ketamine|special k|k")
# Medicines by name, as people type them (suite 20, review 22: "my 4 yr old ... chewed some of
# my klonopin", "my dog just ate like 5 of my trazodone").
_MEDICINE_NAMES = (r"trazodone|xanax|klonopin|clonazepam|ativan|lorazepam|valium|diazepam|"
                   r"alprazolam|adderall|ibuprofen|advil|motrin|tylenol|acetaminophen|aspirin|"
                   r"zoloft|sertraline|prozac|fluoxetine|lexapro|wellbutrin|seroquel|ambien|"
                   r"gabapentin|lisinopril|metformin|oxy\w*|percocets?|tramadol|melatonin|"
                   r"benadryl|lithium|vitamins?|gummies|edibles?|"
                   # review 24: "the dog ate a bottle of my bupropion"
                   r"bupropion|citalopram|escitalopram|celexa|paroxetine|paxil|venlafaxine|"
                   r"effexor|duloxetine|cymbalta|mirtazapine|remeron|amitriptyline|lamotrigine|"
                   r"lamictal|quetiapine|aripiprazole|abilify|risperidone|olanzapine|hydroxyzine|"
                   r"propranolol|clonidine|buspirone|buspar|naltrexone|vyvanse|ritalin|"
                   r"methylphenidate|concerta|prednisone|levothyroxine|synthroid|amlodipine|"
                   r"losartan|atorvastatin|naproxen|aleve|hydrocodone|suboxone|methadone")
_DOSE_WORD = (r"\b(?:lozenges?|troches?|doses?|pills?|tabs?|tablets?|sprays?|ketamine|spravato|"
              r"bumps?|lines?|gummies|edibles?|" + _MEDICINE_NAMES + r")\b")
# someone else too ("my grandma took her heart pills twice ... shes really dizzy", the sixteenth
# round's final read got the mix-up reply)
_UNWELL = (r"\b(?:feel\w*|im|i am|getting|gone|hes|shes|he is|she is|theyre|they are|(?:he|she|"
           r"they) (?:seems?|looks?|feels?)) (?:really |so |very |super |kinda |kind of |a bit "
           r"|pretty )?(?:weird|strange|off|wrong|sick|dizzy|out of it|confused|drowsy|faint|"
           r"awful|terrible|scared|numb|sleepy|like im dying|shaky|nauseous|nauseated|"
           r"lightheaded|light headed|woozy|wobbly)\b")

# A mind that is not clear, a treatment, and a time that makes it recent (review 18).
_MIND_STATE = (r"(?:confused|disoriented|delirious|hallucinat\w*|seeing things|hearing things|"
               r"agitated|paranoid|not making sense|"
               # review 23: "doesnt know what year it is and keeps asking where she is", "didnt
               # recognize our kitchen", "still really out of it"
               r"(?:doesnt|does not|didnt|did not) (?:know|recogni[sz]e) (?:what (?:year|day|"
               r"month) it is|where (?:she|he|they|i) (?:is|are|am)|(?:our|the|his|her|my) \w+)|"
               r"keeps asking where|still (?:really |so |very )?out of it)\b(?! (?:about|by|with|"
               r"as to|why|how|what|if|whether|on|over|at)\b)")
_TREATMENT = r"(?:infusion|session|treatment|ketamine|spravato|esketamine|dose)"
_RECENTLY = (r"(?:today|tonight|this (?:morning|afternoon|evening)|hours? (?:ago|later|after|"
             r"since)|hrs? (?:ago|later|after|since)|at (?:noon|\d{1,2}(?: ?[ap]m)?)|earlier|"
             r"yesterday)")

_SYMPTOMS = [
    # a heartbeat that feels slow or weak ("her heartbeat feels slow")
    r"\b(?:my|his|her|their) (?:heart ?beat|heart|pulse|heart rate) (?:feels|is|seems|has been|"
    r"got|went) (?:really |very |so |super |kinda |kind of |a bit |too )?(?:slow|weak|faint|"
    r"irregular)\b(?! to\b)",
    # review 25: someone else's breath ("cant catch her breath, her lips look a little grey")
    r"\b(?:cant|cannot|can barely|can hardly|struggling to|trouble|hard (?:for (?:him|her|them) )?"
    r"to) (?:catch|get) (?:his|her|their) breath\b|\b(?:lips|face|skin|fingers?|fingertips) "
    r"(?:look|looks|are|is|turning|turned|went|gone|going|getting|seem|seems)? ?(?:a (?:little|"
    r"bit) |kind of |kinda |really |very )?(?:grey|gray|blue|bluish|purple|ashen)\b|\b(?:hes|shes|"
    r"theyre|he is|she is|they are|(?:he|she|they) (?:is|keeps)|my \w+ is|im|i am|i keep) "
    r"(?:\w+ )?(?:breathing|panting|gasping) (?:really |very |so |super |way too |too )?(?:fast|"
    r"hard|heavy|shallow|weird|strange|funny|slow|slowly)\b",
    # a slow pulse by its number ("her pulse is 42", review 25)
    r"\b(?:pulse|heart ?rate|hr|heartbeat)\b(?: \w+){0,3} (?:is |of |at |around |about |like |only "
    r"|was |reading |says |down to |dropped to )*(?:[2-4]\d)\b(?! (?:years?|yrs?|mg|min|minutes|"
    r"pills?|days?|times))",
    # ketamine bought from someone and taken, told in this order ("i did ketamine i bought off a
    # guy, kind of a lot, and now everything is spinning and i keep throwing up", review 25)
    r"\b(?:did|took|used|snorted|had|tried) (?:some |a lot of |a bunch of |too much )?(?:ketamine|"
    r"special k|k) (?:that )?(?:i|we) (?:got|bought|scored|picked up) (?:from|off|off of) "
    r"(?:a |my |some |this |the )?(?:friend|dealer|guy|someone|somebody|party|street|online|"
    r"website)\b",
    # being sick over and over with the room spinning
    r"\b(?:spinning|room is spinning)\b.{0,40}\b(?:throwing up|keep throwing up|vomit\w*|puking|"
    r"threw up)\b|\b(?:throwing up|vomit\w*|puking|threw up)\b.{0,40}\b(?:spinning|cant "
    r"stand)\b",
    rf"\b{_NOT}(?:cant|cannot|can barely|can hardly|struggling to|hard to|trouble|difficulty) "
    r"(?:breathe|breathing|catch my breath)\b",
    r"\b(?:isnt|is not|not|stopped|stop) breathing\b",
    rf"\b{_NOT}(?:chest pains?|pain in (?:my|his|her) chest|(?:my|his|her) chest "
    r"(?:really |so |very |still )?(?:hurts|is (?:tight|heavy|hurting)|feels (?:tight|heavy|like))"
    r"|crushing chest)\b",
    # "chest is really tight after my treatment today" (review 28): no "my", a word between
    r"(?:^|\b(?:my|his|her|and|so|now|but) )chest (?:is|feels|has been|got|went) (?:really |so |"
    r"very |still |kinda |kind of |super |pretty )?(?:tight|heavy|hurting|painful|sore|"
    r"pounding)\b(?!.{0,40}\b(?:from (?:the )?(?:gym|workout|lifting|coughing|push ?ups|"
    r"bench)|after (?:the )?(?:gym|workout|lifting|coughing))\b)",
    # "my infusion earlier and my heart wont slow down" (review 28)
    r"\b(?:my|his|her) (?:heart|heart ?rate|pulse) (?:still )?(?:wont|will not|isnt|is not|"
    r"doesnt|does not|cant) (?:slow(?:ing)? down|calm down|go down|stop (?:racing|pounding))\b"
    r"(?!.{0,40}\b(?:lol|haha|lmao|excit\w*|nervous|wedding|date|crush)\b)",
    # signs of a heart attack or a stroke: a numb arm or face, a drooping face, slurred speech
    r"\b(?:my|his|her) (?:left |right )?(?:arm|face|side) (?:is |went |feels |has gone |"
    r"keeps going )?(?:numb|drooping|tingling)\b(?! (?:from|after) (?:sleeping|lying|sitting|"
    r"leaning))|\bslurr(?:ed|ing) (?:speech|(?:my|his|her) "
    r"words)\b|\b(?:cant|cannot) (?:really |even |properly )?(?:feel|move) (?:my|his|her) "
    r"(?:arms?|legs?|face|side|hands?|feet)\b(?! (?:from|after) (?:sleeping|lying|sitting|"
    r"leaning))",
    r"\b(?:my|his|her) heart (?:is |keeps |feels |feels like its )?(?:kinda |kind of |a bit |a "
    r"little |really |so |very |pretty |super )?(?:pounding|racing|fast|beating (?:so |"
    r"really |very |super )?(?:fast|hard|weird)|skipping|going crazy|out of my chest)\b"
    r"(?! (?:to see|for you|with (?:excitement|joy|love)))",
    r"\b(?:(?:i|he|she|they) (?:just )?(?:passed out|fainted|collapsed)|(?:going|about) to "
    r"(?:faint|pass out)|feel (?:like )?(?:im going to )?(?:faint|like passing out))\b",
    # "cant wake her properly", "i can barely wake him" (review 13, after a session at the clinic)
    r"\b(?:cant|cannot|can barely|can hardly|barely|hardly) (?:wake|rouse) (?:him|her|them)\b|"
    # someone who does not respond: "now hes on the bathroom floor and wont respond" (suite 17)
    # "my neighbor is on his apartment floor and not responding to me" (suite 22)
    r"\b(?:he|she|they|hes|shes|theyre|he is|she is|they are|him|her|them|my (?:\w+ )?"
    r"(?:son|daughter|husband|wife|partner|boyfriend|girlfriend|bf|gf|brother|sister|mom|mother|"
    r"dad|father|friend|kid|child|roommate|roomate|flatmate|buddy|cousin|neighbou?r|grandma|"
    r"grandpa|grandmother|grandfather|uncle|aunt|fiance|fiancee|coworker|baby|toddler|teen|"
    r"nephew|niece|patient|client))\b(?: \w+){0,6} "
    r"(?:wont|will not|doesnt|does not|isnt|is not|not|cant|stopped) (?:respond|responding|"
    r"react|reacting)\b(?=\s*(?:$|[.,!?;]|(?:and|at all|when|even|no matter|hes|shes|theyre|"
    r"to (?:me|us|anything|anyone|his name|her name|their name)|"
    # "now hes not responding, like his eyes are open but hes not there" (suite 21)
    r"like|his|her|their|eyes|but|or|ive|i|we|"
    r"just|now|anymore|please|help|what)\b))|"
    # shaking and not answering: a seizure ("my boyfriend is shaking all over and not answering
    # me, he had ketamine at the clinic this afternoon", suite 21)
    r"\b(?:hes|shes|theyre|he is|she is|they are|(?:he|she|they|my (?:\w+ )?\w+) (?:is|was|"
    r"started|keeps|kept))"
    r"(?: \w+){0,2} (?:shaking|jerking|twitching|convulsing|seizing|shaking and jerking)\b"
    r"(?! (?:from|with|because of|like a leaf|after the scary|about)\b).{0,40}\b(?:not|wont|isnt|"
    r"cant|doesnt|will not) (?:\w+ )?(?:answering|answer|responding|respond|talking|waking)\b|"
    r"\b(?:unresponsive|wont wake up|will not wake up|cant wake (?:him|her|them) up|not waking "
    r"up|(?:is|are|was) (?:having|had) a seizure|seizing|convuls\w*|turning blue|lips are blue)\b",
    r"\b(?:took|take|taken|used|snorted|drank|swallowed) (?:some |a lot of |too much |way too "
    r"much |more )?(?:ketamine|k|special k|it|pills?|something) (?:that |i )?(?:from|off|i got "
    r"from|i bought) (?:a |my |some )?(?:friend|dealer|party|guy|online|the street|someone)\b",
    # ketamine given by someone outside a clinic and already taken ("my friend gave me some
    # of his ketamine about an hour ago")
    r"\b(?:friend|dealer|roommate|guy|someone|somebody|coworker|buddy|neighbou?r|brother|"
    r"sister|cousin|boyfriend|girlfriend|partner|he|she)\b(?: \w+){0,3} (?:just )?"
    r"(?:gave|sold|slipped) me "
    r"(?:some )?(?:of )?(?:his |her |their |a bit of |a bump of )?"
    r"(?:ketamine|special k|k)\b.{0,60}\b(?:ago|took|tried|used|did|snorted|feel|feeling|"
    r"now)\b",
    # ketamine taken at a friend's place or a party ("ok so i did some k at a friends place like
    # an hour ago and i feel really weird", suite 18)
    r"\b(?:did|took|used|snorted|had|tried) (?:some |a bit of |a bump of |a line of |a few bumps "
    r"of )?(?:ketamine|special k|k) (?:at|from|with) (?:a |my |some |the |this )?(?:friends?|"
    r"friends place|party|club|rave|festival|concert|dealer|guy)\b.{0,60}\b(?:ago|feel|feeling|"
    r"now|cant|weird)\b",
    # ketamine someone gave, already taken ("i took some k my friend gave me like an hour ago",
    # suite 19)
    r"\b(?:did|took|used|snorted|had|tried) (?:some |a bit of |a bump of |a line of |the )?"
    r"(?:ketamine|special k|k) (?:that )?(?:my |a |some |this |the )?(?:friend|dealer|roommate|"
    r"guy|someone|somebody|coworker|buddy|neighbou?r|brother|sister|cousin|boyfriend|"
    r"girlfriend|partner) (?:\w+ )?(?:gave|sold|slipped) me\b",
    # "i got some ketamine from a friend and took it about an hour ago"
    r"\b(?:got|bought|picked up|scored|was given|found) (?:some |a bit of |a bag of )?(?:ketamine|"
    r"special k|k) (?:from|off|off of) (?:a |my |some |this |the )?(?:friend|dealer|roommate|guy|"
    r"someone|somebody|coworker|buddy|neighbou?r|party|street|online|website)\b.{0,60}"
    r"(?<!havent )(?<!have not )(?<!not )(?<!never )(?<!didnt )\b(?:took|tried|used|did|snorted|"
    r"taken|had) (?:it|some|a bit|a bump|a line|them|a couple (?:of )?(?:bumps|lines)|a few "
    r"(?:bumps|lines)|bumps|lines)\b",
    r"\b(?:took|taken|used|had) (?:way )?(?:too much|too many|more than i (?:should|was "
    r"supposed to))\b",
    # the same in the writer's spelling, with the pills named ("i tookk to many of my seroqel
    # pils", review 15)
    r"\b(?:took+|tok|tooken|taken|swall?owe?d|had|popped) (?:way )?to+ (?:many|much) (?:of )?"
    r"(?:my |the |his |her |those |these )?(?:\w+ )?(?:pills?|pils|meds|medicines?|medications?|"
    r"tablets?|tabs|capsules?|sleeping pills?)\b",
    r"\b(?:took|taken|swallowed|had) (?:way |a lot |much )?more (?:of )?(?:\w+ ){0,5}than (?:i "
    r"(?:should|was supposed to|am supposed to)|im supposed to|(?:was |is )?prescribed)\b",
    # someone barely responding or breathing badly: "he's barely responding and breathing weird",
    # "he's breathing but it's really slow"
    r"\b(?:he|she|they|hes|shes|theyre|him|her|my (?:\w+ )?(?:friend|son|daughter|brother|"
    r"sister|partner|boyfriend|girlfriend|husband|wife|mom|dad|roommate))\b.{0,30}\b(?:barely|"
    r"hardly|not really|isnt really) (?:responding|responsive|conscious|breathing|making "
    r"sense|moving)\b|\bbreathing (?:is |seems |sounds )?(?:really |very |so |super |too |kind of "
    r"|kinda )?(?:weird|funny|strange|shallow|irregular|wrong|off|raspy|gurgl\w*|ragged)\b|"
    # snoring oddly in someone who is hard to wake is a sign of a blocked airway (review 13)
    r"\b(?:(?:hes|shes|theyre|he is|she is|they are) |(?:his|her|their) )(?:snoring|breathing) "
    r"(?:really |very |so |super |kind of |kinda )?(?:weird|funny|strange|oddly|loud and weird)\b|"
    r"\b(?:(?:his|her|their) breathing is|(?:hes|shes|theyre|he is|she is|they are) breathing "
    r"(?:but )?(?:its |it is )?)(?:really |very |so |super |too )?(?:slow|slowly|shallow)\b|"
    r"\b(?:hard|difficult|impossible) to wake\b|\b(?:cant|cannot|can barely) (?:keep|get) (?:him|"
    r"her|them) (?:awake|to (?:respond|wake up|answer))\b",
    # a child or someone else into a medicine ("my 16 yr old got into my ketamine nasal spray
    # and used a bunch of it", suite 15): Poison Control and 911
    r"\b(?:got into|got hold of|got ahold of|found|went through|drank|ate) (?:my|his|her|their|"
    r"our|the|grandmas|grandpas|moms|dads) (?:\w+ ){0,3}(?:spray|pills?|meds|medicines?|"
    r"medications?|bottle|ketamine|gummies|edibles|tablets?|troches?|lozenges?|patch(?:es)?|vape|"
    r"stash)\b.{0,50}\b"
    r"(?:used|took|ate|swallowed|drank|sprayed|had|chewed|taken|eaten)\b(?! (?:none|nothing|"
    r"only one|just one|a sip)\b)(?:.{0,20}\b(?:a bunch|a lot|some|all|most|half|the whole|"
    r"too much|too many|several|\d+|a few|of it|of them)\b)",
    # pills eaten like sweets ("got into my purse and ate some of my pills")
    r"\b(?:ate|chewed|chewed up|drank) (?:some|a few|\d{1,3}|a bunch|a lot|a handful|all|half|"
    r"several|most) (?:of )?(?:my|his|her|their|our|the|grandmas|grandpas|moms|dads) (?:\w+ ){0,2}"
    r"(?:pills?|meds|medicines?|medications?|tablets?|capsules?)\b",
    # someone out of it who does not answer ("hes really out of it and wont answer me")
    r"\b(?:hes|shes|theyre|he is|she is|they are|(?:he|she|they) (?:seems?|looks?))(?: \w+){0,2} "
    r"(?:out of it|not making sense|limp|floppy|so drowsy|really drowsy|barely awake)\b.{0,40}"
    r"\b(?:wont|will not|doesnt|does not|isnt|is not|cant|not) (?:\w+ )?(?:answer|answering|"
    r"respond|responding|wake|talk|talking|open (?:his|her|their) eyes)\b",
    # being sick and confused or faint together ("still dizzy and confused and I threw up")
    r"\b(?:confused|disoriented|dizzy|faint|cant stand|cant think)\b.{0,50}\b(?:threw up|throwing "
    r"up|vomit\w*|puking|puked)\b|\b(?:threw up|throwing up|vomit\w*|puking|puked)\b.{0,50}"
    r"\b(?:confused|disoriented|cant stand|cant think|passing out|blacking out)\b",
    # too much of a medicine or the wrong one, by mistake: Poison Control and 911 (a dose
    # taken twice with nothing else wrong is a medication mix-up, below)
    r"\b(?:accidentally|by accident|by mistake|mistakenly|accidently) (?:took|taken|double "
    r"dosed|gave)\b.{0,40}\b(?:too many|too much|wrong (?:pills?|meds|medicine))\b",
    # a dose taken twice by mistake and feeling unwell
    # ("took double my prescribed dose of trazodone by accident ... feel kinda dizzy", review 24)
    rf"\b(?:twice|double dos\w*|two doses|extra dose|already taken|already took|(?:double|triple|"
    rf"twice) (?:my|his|her|their|the) (?:\w+ )?(?:dose|dosage|amount))\b.{{0,80}}"
    rf"{_UNWELL}",
    # review 20: four emergencies as people type them. Sedatives and alcohol both taken ("took 2
    # xanax and had like 4 drinks"), or one's own breathing slow
    rf"\b(?:took|taken|had|popped|swallowed|did)\b(?: \w+){{0,3}} (?:{_SEDATIVES})\b.{{0,50}}"
    rf"\b(?:{_ALCOHOL}|drank)\b(?!.{{0,80}}\b(?:felt fine|was fine|were fine|felt ok|felt okay|"
    rf"no problems?|nothing happened)\b)|\b(?:had|drank|been drinking)\b(?: \w+){{0,4}} "
    rf"(?:{_ALCOHOL})\b"
    rf".{{0,50}}\b(?:took|taken|popped|swallowed)\b(?: \w+){{0,3}} (?:{_SEDATIVES})\b"
    r"(?!.{0,80}\b(?:felt fine|was fine|were fine|felt ok|felt okay|no problems?|nothing "
    r"happened)\b)",
    r"\bmy breathing (?:is |feels |seems |has )?(?:gotten |become |getting |gone )?(?:really |very "
    r"|so |super |too |kind of |kinda |a bit |pretty )?(?:slow|slower|shallow|weird|funny|"
    r"strange)\b",
    # hives or a rash with lips, mouth or throat tingling, numb or swelling after a treatment
    # (review 22: "itchy rash on my neck and arms and my lips feel tingly")
    r"\b(?:hives|rash|welts|itchy|itching|breaking out)\b.{0,80}\b(?:lips?|tongue|mouth|throat|"
    r"face)\b.{0,25}\b(?:tingl\w*|numb|swell\w*|swollen|puffy|tight|itchy|burning)\b|\b(?:lips?|"
    r"tongue|mouth|throat)\b.{0,25}\b(?:tingl\w*|numb|swell\w*|swollen|puffy)\b.{0,80}\b(?:hives|"
    r"rash|welts)\b",
    # an allergic reaction: lips, tongue or throat swelling or tight, swallowing harder
    r"\b(?:throat|tongue|lips?|mouth|face|eyes?|eyelids?) (?:is |are |feels |feel |keeps |has |"
    r"have |started |starting to |getting |seems |seem |look |looks )?(?:getting |gotten |going |"
    r"really |so |very |kind of |kinda |a bit |a little |all )?(?:numb and |tingly and )?"
    r"(?:swell\w*|"
    r"swollen|puffy|puffed up|"
    r"tight|tighter|closing|closing up)\b(?!.{0,30}\b(?:lol|haha|from crying|from the cold)\b)",
    r"\b(?:harder|hard|difficult|trouble|struggling|painful) to swallow\b|\b(?:cant|cannot|can "
    r"barely) swallow\b",
    r"\b(?:im having|i am having|think im having|think i am having|hes having|shes having|is "
    r"having|getting|having) an? (?:allergic reaction|anaphyla\w*)\b",
    # a small child into a medicine ("my toddler swallowed some of my ketamine lozenges")
    r"\b(?:toddler|baby|kid|child|little one|son|daughter|grandson|granddaughter|\d{1,2} ?(?:yr|"
    r"year|yo|y/o)s? old)\b.{0,60}\b(?:swallowed|ate|eaten|got into|chewed|drank|licked)\b.{0,50}"
    r"\b(?:ketamine|troches?|lozenges?|pills?|meds|medicines?|medications?|tablets?|gummies|spray|"
    r"edibles?|" + _MEDICINE_NAMES + r")\b",
    # "my daughter took two of my adderall thinking they were candy, she's 6" (review 28): a
    # child who took a parent's medicine
    r"\b(?:toddler|baby|kid|child|little one|son|daughter|grandson|granddaughter)\b.{0,30}"
    r"\btook\b (?:\w+ ){0,3}?(?:of )?(?:my|our|his dads|her dads|his moms|her moms|grandmas|"
    r"grandpas|the) (?:\w+ )?(?:pills?|meds|medicines?|medications?|tablets?|gummies|ketamine|"
    r"troches?|lozenges?|" + _MEDICINE_NAMES + r")\b(?=.{0,60}\b(?:thinking (?:they|it) "
    r"(?:were|was) (?:candy|candies|sweets|vitamins|gummies|mints)|(?:shes|hes|she is|he is) "
    r"(?:only )?(?:[1-9]|1[0-2])\b|by (?:mistake|accident)|accidentally)\b)",
    # "my daughter got into my xanax bottle, theres 3 missing i think. shes 5" (review 22)
    r"\bgot (?:into|ahold of|hold of) (?:my|his|her|their|the|grandmas|grandpas) (?:\w+ )?"
    r"(?:pill )?"
    r"(?:bottle|pills?|meds|" + _MEDICINE_NAMES + r")\b.{0,80}\b(?:(?:shes|hes|she is|he is) "
    r"(?:only )?\d{1,2}\b|(?:toddler|baby|kid|child|little one|\d{1,2} ?(?:yr|year|yo|y/o)s? "
    r"old)\b)",
    # a second dose taken on one's own and now unwell ("took my ketamine lozenge at 6 and then
    # another one at 8 ... now everything is spinning", review 22)
    r"(?:\b(?:took|had|used|did) (?:\w+ )?(?:2|two|3|three|4|four) (?:(?:of (?:my|the) )?(?:\w+ )?"
    + _DOSE_WORD + r"(?: \w+)? )?instead of (?:1|one|just one)|"
    r"\b(?:took|had|used|did) (?:another|a second|an extra|one more) (?:\w+ ){0,3}?"
    r"(?:of (?:my|the|those|these) (?:\w+ )?)?" + _DOSE_WORD + r"|" + _DOSE_WORD
    + r".{0,40}\b(?:then|and then) (?:took |had )?(?:another|a second|an extra|one more))\b"
    r".{0,100}\b(?:spinning|dizzy|(?:feel|feeling) (?:really |so |very |super )?(?:weird|strange|"
    r"off|sick|faint|spacey|floaty|out of it)|cant stand|throwing up|threw up|heart is (?:racing|"
    r"pounding))\b",
    # review 23: a racing pulse at rest by its number ("pulse is 142 just sitting on the couch",
    # "my heart rate is still 138-145 on my apple watch")
    r"^(?!.*\b(?:workout|working out|running|run|exercis\w*|gym|cardio|spin|treadmill|hike|hiking|"
    r"max|target|zone|usually|normally)\b).*?(?:\b(?:pulse|heart ?rate|hr|heartbeat|resting "
    r"rate)\b(?: \w+){0,4} (?:is |of |at |around |about |like |still |was |been |reading |says |"
    r"showing )*(?:1[3-9]\d|2\d\d)\b|\b(?:1[3-9]\d|2\d\d) ?bpm\b)",
    # "been throwing up nonstop since my session at 2, cant keep even water down"
    r"\b(?:cant|cannot|can not|unable to) keep (?:even |any |anything |much )?(?:water|fluids|"
    r"food|anything|liquids)(?: \w+)? down\b",
    # chest pain told as it started, and an arm that goes heavy ("my chest started hurting, like a
    # squeezing, and my left arm feels heavy")
    r"\b(?:my|his|her) chest (?:started |is |keeps |has been |began )?(?:hurting|aching|squeezing|"
    r"pounding and hurting)\b|\b(?:my|his|her) left arm (?:feels |is |went |has gone |got )?"
    r"(?:really |kinda |kind of |so |very )?(?:heavy|numb|weak|tingly|dead)\b(?! (?:from|after|"
    r"where) (?:the |my )?(?:iv|needle|infusion|shot|blood draw|workout|gym|lifting|sleeping))",
    # a seizure told as just happened ("my wife had a seizure an hour after her infusion today",
    # round 14), not one long ago
    r"\b(?:had|has had|just had|is having|having) (?:a |another |what looked like a )?(?:seizure|"
    r"convulsion)s?\b(?!.{0,60}\b(?:years? ago|as a (?:kid|child|baby|teen)|when (?:i|she|he|"
    r"they) (?:was|were)|in the past|history|last year|in (?:19|20)\d\d)\b)",
    # review 21: a fall with a knock to the head and drowsiness, as told ("she got up ... and
    # fell, she hit her head on the door frame. She seems very sleepy now"), or someone who keeps
    # dozing off mid-sentence
    r"\b(?:hit|bumped|banged|knocked|smacked|hurt) (?:the (?:back|side|front|top) of )?(?:her|his|"
    r"my|their) head\b.{0,80}\b(?:sleepy|drowsy|dozing|nodding off|falling asleep|cant stay awake|"
    r"hard to wake|throwing up|threw up|vomit\w*|confused|not making sense|passed out|blacked out|"
    r"out of it|groggy|slurr\w*|not (?:himself|herself|themselves))\b",
    r"\b(?:keeps?|kept|is|are|hes|shes|theyre) (?:\w+ )?(?:dozing off|nodding off|falling asleep|"
    r"drifting off) (?:mid ?sentence|while (?:talking|eating|standing|sitting up)|in the middle of|"
    r"talking)\b",
    # chest tightness told the other way round, and pain that goes into the arm or jaw
    r"\b(?:tightness|pressure|squeezing|heaviness|crushing pain|a weight) (?:in|on|across) (?:my|"
    r"his|her) chest\b(?!.{0,40}\b(?:lol|haha|bills?|work|exam))|\b(?:goes|going|spreads?|"
    r"spreading|radiat\w*|shoots?|shooting|moves?|moving|travels?|travelling|traveling) "
    r"(?:\w+ )?(?:down |up )?(?:in)?to (?:my |his |her )?(?:left arm|jaw|neck|left shoulder)\b",
    # vomiting counted out with words between ("throwing up since i got home from my session,
    # like 8 or 9 times now")
    r"\b(?:thrown up|threw up|throwing up|vomited|vomiting|puked|puking|been sick)\b.{0,50}"
    r"\b(?:\d+|five|six|seven|eight|nine|ten|a dozen) (?:or \d+ |or \w+ )?times\b",
    # a chest that feels tight with a pounding heart, without "my" (review 17)
    r"\bchest (?:feels |is |has been |keeps )?(?:so |really |very |kind of |kinda )?(?:tight|heavy|"
    r"hurting|crushing)\b.{0,40}\bheart\b|\bheart (?:is )?(?:pounding|racing)\b.{0,40}\bchest "
    r"(?:feels |is )?(?:tight|heavy|hurts|pain)\b",
    # seeing double with a headache, as typed ("hed hurts so bad ... seeing dubble", review 17)
    r"\bseeing d(?:ou|o|u)b+le\b|\b(?:wrost|worst|wosrt) (?:headache|ever)\b.{0,40}\b(?:see|seeing|"
    r"vision|blurry|blurred)\b",
    # blood in the vomit (review 17)
    r"\b(?:vomit\w*|throw\w* up|threw up|puk\w*|cough\w* up)\b.{0,80}\bblood\b|\bblood (?:in|when "
    r"i) (?:my |the )?(?:vomit|puke|throw up|throwing up)\b",
    # the worst headache of one's life, or a headache with the vision going (review 16): a
    # stroke or a dangerous blood pressure until a doctor says otherwise
    r"\bworst headache (?:of my life|ever|ive ever had|i have ever had)\b|\b(?:headache|getting "
    r"worse|worse today|since then)\b.{0,80}\bvision (?:is |went |has gone |keeps going |got |is "
    r"getting |getting )?(?:really |so |very |suddenly |all |a bit |kind of |kinda )?(?:blurry|"
    r"blurred|double|dark|black|fuzzy|going)\b|\b(?:vision|eyes?) (?:is |are |went |has gone |got "
    r")?(?:really |so |very |suddenly |all )?(?:blurry|blurred|double|dark)\b.{0,60}\b(?:worst "
    r"headache|headache (?:is |keeps )?(?:getting worse|worse|wont go away))\b|\bsudden (?:severe |"
    r"terrible )?(?:headache|loss of vision|vision loss)\b|\b(?:cant|cannot) see (?:out of|"
    r"properly|anything)\b",
    # bleeding that does not stop (also as typed: "wont stop bleding", "cut to deep")
    r"\b(?:ble+d+ing (?:a lot|heavily|badly|everywhere|so much)|(?:blood|ble+d+ing) (?:everywhere|"
    r"all over|on the floor|wont stop|will not stop|is pouring|keeps coming)|(?:cant|cannot|wont|"
    r"will not) stop "
    r"(?:the )?ble+d+ing|lost a lot of blood|(?:cut|cuts) (?:to+|way to+|really) deep)\b"
    r"(?!.{0,40}\b(?:but (?:its|it is|im|i am) (?:fine|ok|okay)|stopped|plaster|band ?aids?)\b)",
    # a sedating medicine, more of it than meant or with alcohol, and someone drowsy ("my
    # husband took like 4 of his xanax instead of 1 and had some beers, hes really sleepy",
    # review 24: the comma decided the route)
    rf"\b(?:{_SEDATIVES})\b.{{0,60}}\b(?:instead of (?:1|one|2|two|half)|{_ALCOHOL})\b.{{0,60}}"
    r"\b(?:hes|shes|theyre|he is|she is|they are|im|i am|i feel|feeling|getting|(?:he|she|they) "
    r"(?:seems?|looks?|keeps?|is))(?: \w+){0,2} (?:really |so |very |super |kinda |"
    r"kind of |pretty )?"
    r"(?:sleepy|drowsy|out of it|slurring|snoring|hard to wake|passing out|confused|dizzy|"
    r"wobbly|falling asleep|nodding off)\b",
    # alcohol with a sedating drug, and feeling unwell: "mixed vodka with my oxy, feel weird"
    rf"\b(?:{_ALCOHOL}) (?:with|and|on top of|plus) (?:\w+ ){{0,2}}(?:{_SEDATING})\b.{{0,60}}"
    rf"{_UNWELL}|\b(?:{_SEDATING}) (?:with|and|on top of|plus) (?:\w+ ){{0,2}}(?:{_ALCOHOL})\b"
    rf".{{0,60}}{_UNWELL}",
    # new confusion, not knowing where one is, or seeing things, hours after a session (review
    # 18: "very confused and can not remember where she is" got a choice of FAQ topics): the
    # clinic's own answer says to call 911 for confusion after a session
    r"\b(?:doesnt|does not|dont|do not|cant|cannot|can not|didnt|did not) (?:even )?(?:know|"
    r"remember|recogni[sz]e) (?:where (?:she|he|they) (?:is|are)|who (?:she|he|they) (?:is|are)|"
    r"who i am|me|us)\b",
    rf"\b{_MIND_STATE}(?=.{{0,120}}\b{_TREATMENT}\b.{{0,40}}\b{_RECENTLY}\b)",
    rf"\b{_TREATMENT}\b.{{0,80}}\b{_RECENTLY}\b.{{0,120}}\b{_MIND_STATE}",
    r"\b(?:hes|shes|theyre|he is|she is|they are|he keeps|she keeps|they keep) (?:\w+ )?"
    r"(?:hallucinating|seeing things|hearing things|seeing (?:people|bugs|stuff|things) (?:that )?"
    r"(?:arent|are not|isnt|is not) there)\b",
    # review 19: emergencies in everyday words. One side of the body numb or weak, a face
    # drooping, words coming out wrong (a stroke until a doctor says otherwise)
    r"\b(?:my|his|her) (?:left |right )?(?:arm|face|leg|hand|side)(?: and (?:my |his |her "
    r")?(?:left |right )?(?:arm|face|leg|hand|side))? (?:is |are |went |go |feels? |has gone |"
    r"have gone |keeps? going |is going |are going )?(?:all |really |so |very |kind of |kinda "
    r")?(?:numb|drooping|droopy|tingl\w*|weak|dead)\b(?! (?:from|after) (?:sleeping|lying|sitting|"
    r"leaning|the (?:iv|needle|cuff)))|\bnumbness (?:in|on|down) (?:my |his |her )?(?:left|right|"
    r"one) (?:side|arm|leg)\b|\b(?:words|speech) (?:are |is |keep |keeps )?(?:coming out "
    r")?(?:wrong|jumbled|all jumbled|garbled|mixed up|slurred|weird)\b(?!.{0,30}\b(?:email|text|"
    r"message|essay|writing|lol|haha)\b)|\b(?:cant|cannot|can not) (?:find|get) (?:my |the "
    r")?words(?: out)?\b(?! to (?:thank|say|express|describe|tell))",
    # chest pressure, pain that spreads to the jaw or the arm (a heart attack)
    r"\bchest (?:pressure|tightness|heaviness|squeezing)\b|\bpressure (?:in|on) (?:my |his |her "
    r")?chest\b(?!.{0,40}\b(?:lol|haha|bills?|work|exam))|\bpain (?:going |spreading |radiating |"
    r"moving |shooting )?(?:in)?to (?:my |his |her )?(?:jaw|left arm|neck and jaw)\b",
    # a heart pounding for hours, breath short
    r"\b(?:my|his|her) heart (?:has been|been|keeps|kept) (?:pounding|racing|beating (?:so |"
    r"really )?fast)\b|\b(?:short of breath|shortness of breath|(?:cant|cannot) get (?:a "
    r")?(?:full |deep )?breath)\b(?! (?:after|from|when|climbing|running|walking|on the stairs))",
    # the worst headache, as typed
    r"\bworst headache (?:ive|i have|i've|i ever|ive ever|i've ever) (?:ever )?had\b",
    # vomiting again and again, nothing stays down
    r"\b(?:thrown up|threw up|throwing up|vomited|puked|been sick) (?:like |about |maybe |at "
    r"least )?(?:\d+|five|six|seven|eight|nine|ten|a dozen|so many) times\b|\b(?:cant|cannot|can "
    r"not) (?:even )?keep (?:any )?(?:water|anything|fluids|food|liquids) down\b",
    # unable to pass urine, or blood in it (bladder damage is a known ketamine risk)
    r"\b(?:cant|cannot|can not|can barely|can hardly) (?:pee|urinate|wee)\b|\bcant pee much\b|"
    r"\bblood in (?:my |his |her )?(?:pee|urine|wee)\b|\b(?:peeing|urinating) blood\b",
    # burning or pain passing urine with blood (review 19 got the crisis reply), and "i think i
    # need to go to the hospital" (the clinic's card, closed)
    r"\b(?:burning|pain|hurts|stings|it burns) (?:when|while|if) (?:i )?(?:pee|urinate|wee)\b"
    r".{0,60}\bblood\b|\b(?:i think )?i (?:need|have) to go to (?:the )?(?:hospital|er|emergency "
    r"room)\b(?! (?:for (?:my|a) (?:check ?up|appointment|shift|work|visit)|to (?:visit|see|"
    r"pick)))",
    # a head injury on blood thinners
    r"(?=.*\b(?:blood thinners?|warfarin|coumadin|eliquis|xarelto|apixaban|"
    r"anticoagulants?)\b).*\b(?:hit|bumped|banged|knocked|hurt) (?:her|his|my|their) head\b",
    # street ketamine in slang, taken ("did ket at a party like 3 hrs ago")
    r"\b(?:did|took|tried|had|snorted|railed|bumped|done) (?:some |a bit of |a line of |a bump of "
    r"|too much |a lot of |way too much )?(?:ket|ketamine|special k|kitty)\b(?: \w+){0,4} (?:at a "
    r"party|at the party|at a rave|at a club|at a festival|last night|tonight|earlier|(?:\d+|a "
    r"few|two|three) (?:hrs?|hours?|mins?|minutes?) ago)\b",
    # several pills taken by accident ("my dad took like 6 of his sleeping pills by accident i
    # think", review 27 got the reply for someone else's suicidal crisis)
    r"\b(?:took|taken|swallowed|ate|had|gave (?:him|her|them))\b (?:like |about |maybe |around |"
    r"almost |over )?(?:[3-9]|\d\d|three|four|five|six|seven|eight|nine|ten|a (?:bunch|handful|"
    r"lot)|several) (?:of )?(?:his|her|their|my|the|grandmas?|grandpas?|moms?|dads?) (?:\w+ )?"
    r"(?:pills?|tablets?|meds|medications?|capsules?|gummies)\b.{0,40}\b(?:by (?:accident|"
    r"mistake)|accidentally|accidently)\b|"
    # Spanish: a child or someone into pills ("mi hijo se tomo unas pastillas de mi mama")
    r"\b(?:se )?(?:tomo|trago|comio|se comio) (?:unas|varias|muchas|todas las|las|algunas|un "
    r"monton de|un punado de) (?:de )?(?:pastillas|pildoras|tabletas|medicinas|gomitas)\b|"
    # a drug taken in slang ("too late lol, took a bump 20 min ago and my legs feel numb", suite
    # 24 got "I'm not sure how I can help"); a bump on the head or a line dance is none
    r"\b(?:took|did|snorted|railed|had|tried) (?:a |another |one more |two |a couple (?:of )?|a "
    r"few |some )?(?:bumps?|lines?|keys?)\b(?! (?:on|to|of (?:code|text|poetry)|dance|dancing|"
    r"item|edit|up)\b)(?: \w+){0,4} (?:(?:\d+|a few|two|three|ten|twenty|thirty) (?:mins?|minutes?|"
    r"hrs?|hours?) ago|last night|tonight|earlier|just now)\b",
    # Spanish
    r"\bno puedo respirar\b|\b(?:dolor en el pecho|me duele el pecho)\b|\bel corazon (?:me "
    r"late (?:muy )?(?:rapido|fuerte)|acelerado)\b|\bme (?:desmaye|voy a desmayar)\b|\bno "
    r"(?:me )?(?:responde|despierta)\b(?! (?:los|las|el|mis|a mis|al|por|en|desde|cuando))|"
    r"\bconvulsi\w*\b|"
    # a bad headache with the sight going, chest pain with no air (review 17)
    r"\b(?:dolor de cabeza|me duele (?:mucho )?la cabeza)\b.{0,40}\b(?:no (?:ve|veo) bien|vista "
    r"borrosa|veo borroso|ve borroso|veo doble)\b|\bel peor dolor de cabeza\b|\bme "
    r"(?:falta|faltaba) el aire\b|\b(?:duele|dolor)\b.{0,20}\bpecho\b|"
    # "no para de sangrar", "está sangrando mucho" (review 16)
    r"\bno (?:para|deja) de sangrar\b|\b(?:sangra|sangrando|esta sangrando) (?:mucho|muchisimo|"
    r"sin parar)\b|\bmucha sangre\b|"
    # someone who swallowed a bottle of pills ("mi hija se tomó un frasco de pastillas")
    r"\b(?:se )?(?:tomo|trago|bebio|tome|trague|nos tomamos) (?:un frasco|un bote|una caja|un "
    r"monton|un punado|(?:todas|todos|muchas|muchos|demasiad\w*) (?:las |los |sus |mis )?"
    r"(?:pastillas|pildoras|medicinas|medicamentos|tabletas|capsulas))\b",
    # "está respirando pero no contesta" (review 15)
    r"\bno (?:se despierta|abre los ojos)\b|^(?=.*\b(?:respir\w*|despiert\w*|dormid\w*|"
    r"inconsciente|desmay\w*|piso|suelo|ojos|pastillas|se tomo)\b).*\bno (?:me )?(?:contesta|"
    r"reacciona)\b(?! (?:el|los|las|mis|al|por|en|desde|cuando|mensajes|el telefono|la llamada|"
    r"el celular))",
]
_SYMPTOM_RES = [re.compile(p) for p in _SYMPTOMS]
# "can ketamine cause chest pain?", "is a racing heart a side effect": a question about the
# treatment in general, answered from the knowledge.
_GENERAL_QUESTION = re.compile(
    r"^(?:can|could|does|do|will|would|is|are) (?:ketamine|it|the treatment|treatment|an? "
    r"infusion|esketamine|spravato|(?:a )?(?:racing|pounding) heart|chest pain)\b|\bside effects?"
    r"\b|\b(?:in general|generally|usually|common)\b")


# A medicine taken twice or an extra dose by mistake: a question for Poison Control (whether it
# matters), not an emergency, unless the person feels unwell (then ``is_urgent``).
_MEDICATION_MISTAKE = re.compile(
    # Spanish: "mi papa se tomo sus pastillas de la presion dos veces hoy por error" (suite 20)
    r"\b(?:tomo|tome|tomaste|tomamos|tomaron|le di|le dimos|le dieron|se le dio)\b.{0,60}"
    r"\b(?:dos veces(?! (?:al|por|a la|cada) (?:dia|semana|mes))|doble dosis|una dosis (?:extra|"
    r"de mas)|otra dosis|de mas|las (?:pastillas|"
    r"pildoras) (?:equivocadas|de otra persona|de (?:mi|su) \w+))\b|\b(?:por error|por "
    r"equivocacion|sin querer|por accidente)\b.{0,60}\b(?:dos veces|doble dosis|otra (?:dosis|"
    r"pastilla))\b|"
    r"\b(?:accidentally|by accident|by mistake|mistakenly|accidently) (?:took|taken|double "
    r"dosed|gave|had)\b.{0,50}\b(?:twice|double|two doses|an extra|extra|again|a second)\b|"
    r"\b(?:took|taken|gave (?:him|her|them)) (?:my|his|her|their) (?:\w+ ){0,3}(?:twice|two "
    r"doses|a double dose|a second dose|an extra dose)\b(?! (?:a|per|every|each) )|"
    r"\b(?:double dosed|doubled up on)\b|"
    r"\b(?:took|taken|had|gave (?:him|her|them)) (?:a )?(?:double|triple|twice) (?:my|"
    r"his|her|their|"
    r"the) (?:\w+ )?(?:dose|doses|dosage|amount)\b|"
    # as typed: "dubble dose this morning by acident" (review 16)
    r"\bd(?:ou|o|u)b+le dose\b.{0,60}\b(?:by (?:ac+ide?nt|mistake)|ac+ide?nt(?:al)?ly)\b|"
    r"\b(?:by (?:ac+ide?nt|mistake)|ac+ide?nt(?:al)?ly)\b.{0,60}\bd(?:ou|o|u)b+le dose\b|"
    r"\b(?:accidentally|by accident|by mistake|mistakenly|accidently) doubled (?:up on )?"
    r"(?:my|his|her|the)\b|"
    # someone else's medicine or the wrong one ("took my husband's pill instead of mine")
    r"\b(?:took|taken|had|swallowed) (?:my |the )?(?:\w+s |the wrong |someone elses |somebody "
    r"elses )(?:\w+ ){0,2}(?:pills?|meds|medications?|medicine|tablets?|dose|capsules?)\b.{0,15}"
    r"\b(?:instead of (?:mine|my own|my \w+)|by (?:mistake|accident))|\b(?:took|taken|had) the "
    r"wrong (?:\w+ ){0,2}(?:pills?|meds|medications?|medicine|tablets?|dose|capsules?)\b|"
    r"\b(?:took|taken|had)\b.{0,50}\b(?:realized|realised|forgot)\b.{0,30}\b(?:already "
    r"(?:taken|took|had)|taken (?:it|them|one) already|had (?:it|them|one) already)\b|"
    r"\bforgot (?:that )?(?:i|id|i had|he|she) already (?:took|taken|had)\b|"
    # "my dad took like double his heart pills by accident, hes 80" (review 26 got the helper's
    # crisis reply)
    r"\b(?:took|taken|had|gave (?:him|her|them)) (?:like |about |maybe |probably )?(?:double|"
    r"twice|triple) (?:my|his|her|their|the) (?:\w+ ){0,3}(?:pills?|meds|medications?|medicine|"
    r"tablets?|doses?|capsules?)\b.{0,40}\b(?:by (?:mistake|accident)|accidentally|accidently|"
    r"mistakenly)\b|"
    # "i used my spravato at home by mistake, i thought it was my allergy spray" (review 27 got
    # "not sure how I can help")
    r"\b(?:used|took|taken|sprayed|had) (?:my |his |her |the )?(?:spravato|esketamine|ketamine|"
    r"\w+ (?:spray|troches?|lozenges?))\b.{0,30}\b(?:by (?:mistake|accident)|accidentally|"
    r"accidently|mistakenly)\b|"
    # "my grandma accidentally took my ketamine troche instead of her own pill" (review 28)
    r"\b(?:accidentally|by (?:mistake|accident)|mistakenly|accidently) (?:took|taken|had|"
    r"swallowed|used) (?:my|his|her|their|the) (?:\w+ ){0,2}(?:pills?|meds|medications?|"
    r"medicine|tablets?|troches?|lozenges?|ketamine|spray|capsules?)\b.{0,20}\binstead of\b|"
    # "my mom took an extra blood pressure pill by mistake" (dev12)
    r"\b(?:took|taken|had|gave (?:him|her|them)) (?:an extra|one extra|a second|a double|two) "
    r"(?:\w+ ){0,3}(?:pills?|doses?|tablets?|meds|medications?|capsules?)\b.{0,20}\b(?:by "
    r"(?:mistake|accident)|accidentally|accidently|mistakenly)\b")


# A mind that is not clear now, told without the session (review 19: "its now like 9pm and im
# really confused" after "i had my 3rd infusion this morning"; "my wife says im not making
# sense sometimes" the day after): urgent when the conversation has told of a session.
_MIND_NOW = re.compile(
    r"\b(?:im|i am|i feel|i keep|hes|he is|shes|she is|theyre|they are|he seems|she seems|(?:says|"
    r"said) (?:im|i am|hes|he is|shes|she is))(?: \w+){0,2} " + _MIND_STATE
    + r"(?!\W*(?:lol|haha|lmao|which|what|how|where|when|why|is|are|do|does|can)\b)")


def is_urgent_after_a_session(text: str) -> bool:
    """True for confusion, seeing things or not making sense told now, which is an emergency
    once the conversation has told of a session that day or the day before (the caller checks
    that); "im confused about the cost" is none."""
    if is_resolved_history(text) or has_figure_or_denial(text):
        return False
    return any(_MIND_NOW.search(form) and not _GENERAL_QUESTION.search(form)
               for form in normalize_variants(text or ""))


_HEAD_HIT = re.compile(r"\b(?:hit|bumped|banged|knocked|hurt|cut|smacked|whacked|cracked|slammed) "
                       r"(?:her|his|my|their) head\b|\bhead (?:injury|wound)\b")
# Signs after a knock to the head that make it an emergency, or a treatment the same day (review
# 24: "my son had ketamine at your clinic this afternoon and he just fell down the stairs and
# hit his head, theres some blood", "after my session today i slipped in the shower and banged
# my head, theres a lump", then "kinda dizzy", all got "I don't know" or reassurance).
_HEAD_SIGNS = re.compile(
    r"\b(?:blood|bleed\w*|confused|confusion|dizzy|dizziness|vomit\w*|threw up|throwing up|puk\w*|"
    r"sick to (?:my|his|her|their) stomach|nause\w*|headache|lump|drowsy|sleepy|passed out|"
    r"knocked out|blacked out|cant remember|keeps asking|slurr\w*|blurry|seeing double|wont wake|"
    r"cant stay awake|not making sense|out of it)\b")
_HAD_TREATMENT = (r"\b(?:had|got|after|did|since|from|finished) (?:my |his |her |their |a |an |the "
                  rf"|some )?(?:\w+ )?{_TREATMENT}\b")
_TREATMENT_TODAY = re.compile(rf"{_HAD_TREATMENT}.{{0,80}}\b{_RECENTLY}\b|\b{_RECENTLY}\b.{{0,80}}"
                              rf"{_HAD_TREATMENT}|{_HAD_TREATMENT} {_RECENTLY}\b")


def head_injury_with_signs(text: str) -> bool:
    """True for a knock to the head told with a sign that needs a doctor now (blood, confusion,
    being sick, a lump, drowsiness) or on the day of a treatment."""
    return any(_HEAD_HIT.search(form) and (_HEAD_SIGNS.search(form) or _TREATMENT_TODAY.search(
        form)) for form in normalize_variants(text or ""))


def head_injury_then_signs(texts: list[str]) -> bool:
    """True when the latest message tells of a sign ("kinda dizzy", "bit of a headache and i
    feel sick") and one of the two before it of a knock to the head."""
    if len(texts) < 2:
        return False
    latest = " ".join(normalize_variants(texts[-1]))
    return bool(_HEAD_SIGNS.search(latest)) and any(
        _HEAD_HIT.search(" ".join(normalize_variants(text))) for text in texts[-3:-1])
_THINNERS = re.compile(r"\b(?:blood thinners?|warfarin|coumadin|eliquis|xarelto|apixaban|"
                       r"rivaroxaban|anticoagulants?)\b")


def head_injury_on_thinners(texts: list[str]) -> bool:
    """True when the latest message and the ones just before it tell of a head injury and of
    blood thinners between them ("she hit her head on the counter", then "shes on blood
    thinners", review 19): the ER tonight, whatever the messages said alone. ``texts`` are the
    patient's latest messages, oldest first; the last one must name one of the two."""
    if not texts:
        return False
    recent = [" ".join(normalize_variants(text)) for text in texts[-3:]]
    latest = recent[-1]
    if not (_HEAD_HIT.search(latest) or _THINNERS.search(latest)):
        return False
    return any(_HEAD_HIT.search(t) for t in recent) and any(_THINNERS.search(t) for t in recent)


def is_medication_mistake(text: str) -> bool:
    """True for a medicine taken twice or an extra dose by mistake, with nothing that makes it
    an emergency ("I accidentally took my sertraline twice this morning"): Poison Control can
    say whether it matters, 911 if symptoms start."""
    if is_resolved_history(text) or is_urgent(text):
        return False
    return any(_MEDICATION_MISTAKE.search(form) and not _GENERAL_QUESTION.search(form)
               for form in normalize_variants(text or ""))


# A blood pressure reading in the danger zone, as typed ("its reading 195/118", "190 over 115",
# review 20): 180 or more on top, or 120 or more below. Read on the raw text, whose slash the
# normalised forms drop.
_DANGEROUS_BP = re.compile(
    r"(?<![\d/])(?:(?:1[89]\d|2[0-4]\d) ?(?:/|over) ?(?:[5-9]\d|1\d\d)|1\d\d ?(?:/|over) ?"
    r"1[2-4]\d)(?![\d/])", re.IGNORECASE)

# A reading asked about for eligibility or told as one's usual ("is 185/95 too high for
# treatment?"): a question for the consultation, not an emergency now.
_BP_IN_GENERAL = re.compile(r"\b(?:usually|normally|typically|too high (?:for|to)|for (?:the )?"
                            r"treatment|can i still|eligible|allowed to)\b", re.IGNORECASE)


# A pet into a medicine ("my dog just ate a couple of my ketamine lozenges", review 21): a vet
# and an animal poison line (utter_pet_poisoning), not 911 and the emergency room.
_PET_INTO_MEDICINE = re.compile(
    r"\b(?:dog|puppy|pup|cat|kitten|pet|beagle|lab|labrador|retriever|terrier|poodle|chihuahua|"
    r"hamster|rabbit|bunny|ferret|parrot)\b.{0,40}\b(?:ate|eaten|got into|chewed|swallowed|"
    r"licked|ingested)\b(?=.{0,60}\b(?:pills?|meds|medicines?|medications?|tablets?|lozenges?|"
    r"troches?|ketamine|spray|gummies|edibles?|capsules?|prescription|"
    r"bottle of (?!water|wine|beer)|"
    # a medicine by its name ("my dog just ate like 5 of my trazodone", suite 20)
    + _MEDICINE_NAMES + r")\b)|"
    # the medicine told first ("my cat knocked my bottle of lorazepam over and i think she ate one
    # or two", review 22)
    r"\b(?:dog|puppy|pup|cat|kitten|pet|beagle|lab|labrador|retriever|terrier|poodle|chihuahua|"
    r"hamster|rabbit|bunny|ferret|parrot)\b.{0,60}\b(?:pills?|meds|medicines?|medications?|"
    r"tablets?|lozenges?|troches?|ketamine|bottle|" + _MEDICINE_NAMES + r")\b.{0,60}\b(?:ate|"
    r"eaten|chewed|swallowed|licked|ingested)\b|\banimal poison\b|"
    r"\bpet poison\b")


def pet_into_medicine(text: str) -> bool:
    """True when a pet swallowed a medicine, or the message asks for an animal poison line."""
    return said(_PET_INTO_MEDICINE, text)


_ABOUT_THE_PET_AGAIN = re.compile(
    r"\b(?:emergency|vets?|poison|number|throw up|vomit|sick|wait|safe|worried|what do i do|what "
    # "hes acting weird and wobbly" (review 27 got "I don't know")
    r"should i do|weird|wobbly|stumbl\w*|drool\w*|shaking|twitch\w*|seizure|panting|lethargic|"
    r"cant (?:walk|stand|get up)|not (?:eating|moving|walking)|"
    r"should i do|(?:be|is|it|she|he|they) (?:ok|okay|fine)|"
    # "he seems fine now" (review 24 got "I don't know")
    r"(?:seems?|looks?|acting|is acting) (?:\w+ )?(?:ok|okay|fine|normal|alright|good))\b")
# "ok. unrelated but do you do evening appointments" (suite 20 got the pet's reply again).
_ANOTHER_TOPIC = re.compile(r"\b(?:unrelated|different question|another question|other "
                            r"question|anyway|on another note|changing the subject)\b")


def about_a_pet_into_medicine(texts: list[str]) -> bool:
    """True when the latest message tells of a pet into a medicine, or asks about it right after
    ("is this an emergency for him? our vet is closed"). ``texts``: the patient's messages,
    oldest first."""
    if not texts:
        return False
    if pet_into_medicine(texts[-1]):
        return True
    forms = normalize_variants(texts[-1])
    # "he seems ok right now", then "should i give him peroxide to make him vomit" (review 24)
    return any(pet_into_medicine(text) for text in texts[-3:-1]) and any(
        _ABOUT_THE_PET_AGAIN.search(form) for form in forms) and not any(
            _ANOTHER_TOPIC.search(form) for form in forms)


def is_urgent(text: str) -> bool:
    """True when the message describes a medical emergency happening now (not a history that
    is over: "I took too many pills when I was 17, will that be a problem?"); a pet into a
    medicine has its own reply (``pet_into_medicine``)."""
    if is_resolved_history(text) or pet_into_medicine(text):
        return False
    if head_injury_with_signs(text):
        return True
    if _DANGEROUS_BP.search(text or "") and not _BP_IN_GENERAL.search(text or "") and not any(
            _GENERAL_QUESTION.search(form) for form in normalize_variants(text or "")):
        return True
    for form in normalize_variants(text or ""):
        if any(p.search(form) for p in _SYMPTOM_RES):
            return not _GENERAL_QUESTION.search(form)
    return False


# Words of danger to a body or a life: a reply that cannot help ("I don't know", "not sure how I
# can help") still names 911 and 988 when the message holds one (review 17: a knife, chest
# pain, blood, "dead before the appointment" fell into those replies with neither).
_DANGER_TO_BODY = re.compile(
    r"\b(?:knife|knives|gun|rifle|pistol|weapon|rope|blood(?! (?:pressure|test|tests|work|"
    r"thinners?|sugar|draw|type|donation|levels?|panel|count))|bleed\w*|overdos\w*|unconscious|"
    r"wont wake|seizure|threaten\w*|hurt (?:myself|herself|himself|themselves)|sangr\w*|cuchillo|"
    r"(?:hit|banged|bumped) (?:her|his|my|their) head|ledge|"
    r"pistola|arma)\b")


# Emoji that stand for a means of harm ("💊💊💊💊💊💊 🛏️" after crying faces, review 22 got "I can
# only search for questions written in words").
_DANGER_EMOJI = ("\U0001f52a", "\U0001f52b", "\U0001faa6", "\u26b0", "\U0001fa78", "\U0001faa2")
_PILL_EMOJI = "\U0001f48a"


def danger_in_emoji(text: str) -> bool:
    """True for a message of emoji only (no letters) that shows a means of harm: a knife, a gun,
    a grave, a coffin, blood, a rope, or pills more than once."""
    text = text or ""
    if any(ch.isalpha() for ch in text):
        return False
    return text.count(_PILL_EMOJI) >= 2 or any(emoji in text for emoji in _DANGER_EMOJI)


def mentions_danger(text: str) -> bool:
    """True when the message names a danger to someone's body or life: a weapon, blood, an
    overdose, someone who will not wake. Figures of speech and denials do not count ("this
    wait is killing me", "not suicidal"): ordinary conversations get no 988 (the distress
    panels' calm_without_988)."""
    if has_figure_or_denial(text):
        return False
    return said(_DANGER_TO_BODY, text)

