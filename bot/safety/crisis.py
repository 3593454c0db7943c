"""Deterministic crisis detection: suicidal ideation, intent or plan, self-harm, overdose,
lethal means, and a third person in danger.

Standard library only, so the Rasa process, the action server and the command line can all
import it without torch, faiss or rasa.

How it decides (see docs/safety.md for the reasoning and the measured numbers):

1. The text is normalised (``bot.safety.normalize``): case, unicode, zero-width characters,
   leetspeak, repeated letters, missing apostrophes, chat shorthand, close misspellings.
2. Figures of speech are blanked out first ("dying to know", "die of embarrassment",
   "killing myself at work", "cut myself some slack") and explicit denials ("I'm not
   suicidal") are blanked out for the mention rules, so neither can trigger on its own.
3. Rules are phrase families, not example sentences: a self-directed lethal verb + a
   reflexive ("hang myself", "unalive herself"), a wish/plan word + death ("I just wish I
   could die"), loss of reasons to live, being a burden, finality and goodbyes, methods
   and means, overdose, self-harm, and emergencies involving someone else.
4. Informational questions that only *mention* the topic ("can ketamine help with suicidal
   thoughts?") are a separate level, ``concern``: the product answers the question AND adds
   the crisis resources. Anything personal ("my suicidal thoughts", "I'm suicidal") or about
   a specific other person ("my friend says she's going to kill herself") is ``crisis``.

The layer only ever adds crises: a ``none`` verdict here never overrides a learned model
that predicts a crisis (see ``bot/safety/nlu_component.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.safety.normalize import normalize_variants

CRISIS = "crisis"
CONCERN = "concern"  # informational question about the topic: answer + resources
NONE = "none"

# Category names reported in verdicts and events.
IDEATION = "suicidal_ideation"
PLAN = "suicide_plan"
SELF_HARM = "self_harm"
OVERDOSE = "overdose"
THIRD_PARTY = "third_party"


@dataclass(frozen=True)
class CrisisVerdict:
    """The detector's decision about one message."""

    level: str = NONE
    categories: tuple[str, ...] = ()
    rules: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_crisis(self) -> bool:
        """True when the message needs the crisis reply."""
        return self.level == CRISIS

    @property
    def needs_resources(self) -> bool:
        """True when crisis resources must be shown (crisis or informational concern)."""
        return self.level in (CRISIS, CONCERN)

    def as_dict(self) -> dict:
        """A JSON-friendly summary without any of the message text."""
        return {"level": self.level, "categories": list(self.categories),
                "rules": list(self.rules)}


# --- vocabulary (written against the normalised, apostrophe-free form) -------------------

SELF = r"(?:myself|my (?:own |fucking |fkn |damn |stupid |worthless |pathetic )?self)"
OTHER_SELF = r"(?:himself|herself|themselves|hisself)"
ANY_SELF = rf"(?:{SELF}|{OTHER_SELF})"
POSS = r"(?:my|his|her|their)"
# Words that may sit between the parts of a phrase without changing its meaning.
FILL = (r"(?:(?:just|really|honestly|literally|actually|seriously|so|truly|kind of|sort of|"
        r"simply|finally|even|fucking|fuckin|fking|freaking|totally|definitely|probably|maybe|"
        r"lowkey|all|still|sometimes|often|always|already|almost|nearly|quietly|slowly|"
        r"secretly|want to|going to|gonna|ever|never|badly|desperately|very|too|again) )*")
RELATION = (r"(?:friend|best friend|sister|brother|mother|father|mom|dad|parent|son|daughter|"
            r"wife|husband|partner|spouse|boyfriend|girlfriend|fiance|fiancee|roommate|flatmate|"
            r"housemate|kid|child|teen|teenager|cousin|aunt|uncle|niece|nephew|grandma|grandpa|"
            r"grandmother|grandfather|grandson|granddaughter|coworker|co worker|colleague|"
            r"classmate|neighbor|neighbour|patient|client|student|ex|boss|buddy|pal|mate|"
            r"stepson|stepdaughter|stepmom|stepdad|family member|loved one|relative|"
            r"girl|guy|man|woman|baby)")
THIRD_PERSON = (rf"\b(?:(?:my|our|a|this|his|her|their) (?:\w+ )?{RELATION}s?|someone i know|"
                r"somebody i know|someone close to me|someone i love|(?:he|she|hes|shes|him|"
                r"her|they|theyre|his)\b)")
PILLS = (r"(?:pills?|tablets?|tabs|capsules?|caps|medications?|prescriptions?|painkillers?|"
         r"pain killers?|tylenol|paracetamol|acetaminophen|advil|ibuprofen|aspirin|xanax|"
         r"sleeping pills?|sleep aids?|benadryl|oxys?|oxycodone|opioids?|opiates?|percocets?|"
         r"vicodin|heroin|fentanyl|lithium|sertraline|zoloft|prozac|antidepressants?|seroquel|"
         r"ambien|benzos?|valium|klonopin|ativan|insulin|melatonin|ketamine|morphine|"
         r"codeine|tramadol|gabapentin|trazodone)")
BIG_AMOUNT = (r"(?:whole|entire|full|all|all of|all the|every|every single|handful|handfuls|"
              r"fistful|bunch|lot|lots|load|loads|ton|tons|heap|stack|shit ton|shitload|months "
              r"worth|weeks worth|whole bottle|bottle|bottles|box|boxes|packet|packets|pack|"
              r"packs|strip|strips|blister|too many|too much|way too many|way too much|"
              r"(?<![\d.])[1-9]\d{1,3}(?! ?(?:mg|ml|mcg|milligrams?|g|grams?|units?|iu|ug|"
              r"micrograms?|minutes?|mins?|hours?|days?|weeks?|years?|am|pm|dollars?)\b)|ten|"
              r"eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|hundred|dozen|dozens)")
ACCIDENT = (r"(?:shaving|cooking|chopping|cutting (?:up|vegetables|onions|bread)|in the kitchen|"
            r"by accident|accidentally|accidently|on accident|at the gym|working out|workout|"
            r"lifting|exercising|playing|running|hiking|skiing|skating|biking|climbing|fell|"
            r"falling|slipped|tripped|on the stove|on the oven|on the iron|on a pan|gardening|"
            r"in the garden|sports?|football|soccer|basketball|tennis|curling iron|on a nail|"
            r"paper cut|on (?:a|some) (?:glass|piece|fence|nail|knife|can)|opening|in the shower|"
            r"car accident|at work|moving|carrying|a box|boxes|yard|dishes|a knife while|"
            r"stretching|yoga|dancing|sneezing)")

# Figures of speech and other phrases that contain alarming words but are not crises.
# They are blanked before any rule runs.
_FIGURES = [
    # "these kids will be the death of me", "this job is going to be the end of me"
    r"\b(?:\w+ )(?:will|would|is going to|are going to|gonna|is gonna|are gonna) be the "
    r"(?:death|end) of me\b",
    r"\bdying (?:to|for) (?:\w+ )?(?:know|see|try|hear|get|find|meet|go|ask|learn|start|book|"
    r"talk|tell|read|eat|have|visit|do|check|understand|figure|buy|watch|come|sign|schedule|"
    r"a |some|an |the |my |your |this |that |more)",
    r"\b(?:die|died|dying|dead|death|kill|killed|killing|kills) (?:of|from|with|by) "
    r"(?:\w+ )?(?:embarrassment|shame|laughter|laughing|boredom|cuteness|curiosity|envy|"
    r"jealousy|excitement|happiness|anticipation|suspense|cringe|heat|hunger|thirst|"
    r"exhaustion|the heat|old age|natural causes)",
    r"\b(?:died|dying|die) (?:laughing|of laughter)\b",
    r"\b(?:so|really|super|totally) (?:embarrassed|mortified|ashamed of (?:that|it)|"
    r"awkward) (?:that "
    r")?(?:i )?(?:wanted to|could|almost|nearly|thought id|felt like i could) (?:just )?die\b",
    r"\b(?:rather|prefer to) (?:just )?die than (?!live|living|go on|going on|keep|continue|be "
    r"here|be alive|exist|suffer|feel|wake|spend another|deal with (?:this|my) (?:life|pain))",
    r"\bdie on (?:this|that|the) hill\b", r"\bdie hard\b", r"\bdo or die\b",
    r"\bdie (?:my|her|his|your|their) hair\b",
    r"\b(?:shot|shoot|shooting) (?:myself|ourselves|themselves|himself|herself) in the foot\b",
    r"\b(?:cut|cutting) (?:myself|himself|herself|themselves) (?:off|some slack|a break|a "
    r"slice|a piece|short|loose)\b",
    r"\b(?:kill|killed|killing) (?:myself|himself|herself|themselves) (?:laughing|at (?:work|"
    r"the gym|the office)|working|studying|trying to|to (?:finish|get|make|meet|keep|pay|"
    r"impress)|over (?:this|that|work|it|nothing)|for (?:this|that|nothing|work|a job)|"
    r"with (?:work|overtime|workouts|exercise))",
    r"\b(?:burn|burned|burnt|burning|wear|wore|wearing) (?:myself|himself|herself|themselves) "
    r"out\b",
    r"\bdead (?:tired|serious|set|end|on my feet|beat|last|center|centre|wrong|right|easy|"
    r"quiet|asleep|weight|battery|phone)\b",
    r"\b(?:phone|battery|laptop|car|plant|plants|computer|tv|printer|wifi|internet|charger|"
    r"engine|conversation|party) (?:is |was |just |has |had )*(?:dead|died|dying)\b",
    r"\bkill (?:for|time)\b", r"\bkilling (?:it|time)\b", r"\bkilled it\b",
    r"\baccident(?:al)?ly (?:\w+ )?(?:cut|cutting|burned|burnt|burn|hurt|hit|stabbed|scratched|"
    r"scalded|injured|poisoned|shot|overdosed|od|took|taken|swallowed)\b",
    r"\bover my dead body\b", r"\bto death\b(?<!bleed to death)",
    r"\bsuicide (?:squad|doors?|king|prevention (?:week|month|day|walk))\b",
    r"\b(?:eating|diet) (?:is|was) killing\b",
]

# Explicit denials: they blank the mention they deny, nothing else.
_DENIALS = [
    r"\b(?:im |i was |ive |ive been |been |i am |am )?(?:not|never|no longer|not really|never "
    r"been|never felt|never was|never had|not ever been) (?:\w+ )?suicidal(?: thoughts| ideation"
    r"| feelings)?\b",
    r"\b(?:no|dont have any|dont have|havent had any|havent had|never had|never have|without|"
    r"not having any|not having|no longer have|no longer having|denies|deny) (?:any )?(?:active )?"
    r"(?:suicidal (?:thoughts|ideation|feelings|intent|plans?)|thoughts (?:of|about) "
    r"(?:suicide|self harm|hurting myself|killing myself)|history of (?:suicid\w*|self harm\w*|"
    r"overdos\w*))\b",
    r"\b(?:not|never|no longer) (?:thinking|thought) (?:about|of) suicide\b",
    r"\b(?:ive |i have |i )?never (?:self harmed|harmed myself|cut myself|attempted suicide|"
    r"tried to kill myself|overdosed)\b",
    r"\bnot (?:a )?(?:crisis|emergency)\b",
]


# Negated acts are blanked for every rule, like figures of speech: "I'm not going to hurt
# myself" denies exactly the act a rule would see. Only the negated phrase goes, so the rest
# of the message ("..., but I can't stop thinking about pills") is still checked.
_NEGATED_ACTS = [
    # "I'm not going to hurt myself", "no plans to end my life", "I would never kill myself"
    r"\b(?:im |i am |i |ill )?(?:not|never|no way im|wouldnt|would never|will never|wont) "
    r"(?:going to |gonna |planning to |trying to |about to |want to |wanting to )?(?:hurt|harm|"
    r"kill|cut|end) (?:myself|my life|it all)\b",
    r"\bno (?:plans?|intent|intention|desire|urge|wish) (?:to|of) (?:hurt|harm|kill|cut|end)\w* "
    r"(?:myself|my life|it)\b",
    r"\b(?:i )?(?:dont|do not) (?:want|wanna|plan|intend) to (?:die|hurt myself|harm myself|"
    r"kill myself|end my life|end it)\b(?! (?:tonight|today|now|anymore|any more))",
    r"\b(?:im|i am|i feel) (?:safe|not in danger|not in any danger)\b",
    # "I don't have any plans to end my life", "I've never tried to kill myself",
    # "no thoughts of hurting myself", "I haven't self harmed in years"
    r"\b(?:no|not|never|dont have any|dont have|do not have|havent had any|havent had|"
    r"have not had|without|not having|zero) (?:any |real |active )?(?:thoughts?|plans?|urges?|"
    r"intentions?|desire|history) (?:of|to|about) (?:hurting|harming|killing|ending|hurt|harm|"
    r"kill|end|cutting|cut) (?:myself|my life|it)\b",
    r"\b(?:ive |i have |i )?(?:never|not|havent|have not) (?:ever )?(?:tried|attempted|wanted|"
    r"thought about|been thinking about|thinking about|thinking of) (?:to )?(?:kill|killing|hurt|"
    r"hurting|harm|harming|end|ending) (?:myself|my life)\b",
    r"\b(?:havent|have not|hasnt|never) (?:self harmed|harmed myself|cut myself|hurt myself)\b",
]


# Bereavement and similar: about a death that already happened. Not a crisis reply, but the
# resources are shown with the answer (``concern``).
_CONCERN_PHRASES = re.compile(
    r"\b(?:lost|losing|lose) (?:my|a|our|his|her|their) (?:\w+ ){0,2}(?:to|by) (?:suicide|"
    r"an overdose|overdose)\b|\b(?:died|passed away|passed|death) (?:by|from|of|after) (?:a "
    r")?(?:suicide|overdose)\b|\bsuicide (?:loss|survivors?|bereavement)\b")


def _c(pattern: str) -> re.Pattern:
    return re.compile(pattern)


# Each rule: (name, category, pattern, topicable). ``topicable`` rules only mention the
# topic; an informational question that matches nothing else gets the ``concern`` level.
_RULES: list[tuple[str, str, re.Pattern, bool]] = [
    # --- self-directed lethal acts -------------------------------------------------------
    ("lethal_verb_self", IDEATION, _c(
        r"\b(?:kill|killing|killed|kills|kil|murder|murdering|off|offing|offed|end|ending|ended|"
        r"hang|hanging|hanged|hung|shoot|shooting|shot|drown|drowning|drowned|poison|poisoning|"
        r"poisoned|suffocate|suffocating|strangle|strangling|stab|stabbing|stabbed|electrocute|"
        r"unalive|unaliving|unalived|gas|gassing|asphyxiate|neck|necking|smother|immolate|"
        r"overdose|od|delete|erase|terminate|euthanize|euthanise|destroy|throw|throwing|threw|"
        rf"yeet|yeeting|set fire to|light) {FILL}{SELF}"
        r"(?! (?:from|off (?:the|this|your|my) (?:list|mailing|group|chat|app|website|site)|"
        r"into (?:work|my work|things|it|the|a)|at (?:the|a|my) (?:problem|task|work|job)))\b"),
     False),
    ("lethal_verb_other", THIRD_PARTY, _c(
        r"\b(?:kill|killing|killed|kills|murder|off|offing|offed|end|ending|hang|hanging|hanged|"
        r"hung|shoot|shooting|shot|drown|drowning|poison|poisoning|suffocate|strangle|stab|"
        rf"stabbing|unalive|unaliving|unalived|overdose|od|gas) {FILL}{OTHER_SELF}\b"),
     True),
    ("unalive", IDEATION, _c(r"\bunaliv(?:e|ed|ing|es)\b|\bself (?:delete|deleting|deleted|"
                             r"terminate|terminating|destruct|destructing)\b|\bctb\b|"
                             r"\bcommit (?:die|sudoku|toaster bath)\b|\bkys\b(?=.*\b(?:i|im|me|"
                             r"my|myself|ill|id|ive)\b)|\b(?:i|im|ill|id|going to|want to|"
                             r"about to|should i|should|might|will) (?:\w+ )?kys\b"),
     True),
    ("suicide_mention", IDEATION, _c(r"\bsuicid(?:e|es|al|ally|ality|ing)\b|\bcommit suicide\b"),
     True),
    ("take_my_life", IDEATION, _c(
        rf"\b(?:take|taking|took|taken|end|ending|ended|finish|finishing) {FILL}(?:my|his|her|"
        r"their) (?:own )?(?:life|lives|existence)\b"), False),
    ("end_it_all", IDEATION, _c(
        r"\b(?:end|ending|ended|finish|finishing) (?:it|this|everything|things) (?:all|for good|"
        r"once and for all|forever|permanently|tonight|today|now)\b|\bend (?:it|this|everything|"
        r"things) (?:all )?(?:right now|tonight)\b|\bend everything\b"), False),
    ("end_it", IDEATION, _c(
        r"\b(?:want|wanna|going|planning|plan|ready|about|decided|try|trying|tried|thinking about|"
        r"thinking of|thought about|thoughts of|time|way|how|urge|urges|tempted|need|should i|"
        r"could|should|will|ill|id|might|finally|just|gonna|can|cant wait to|close to|near|"
        r"considering|consider|tonight i|feel like|felt like|"
        r"feeling like) (?:to )?(?:\w+ )?(?:end|ending) "
        r"(?:it|things|this)\b"
        r"(?! (?:with|between|here|there|for (?:the|him|her|them|us)|off|early|soon with|at|on|by|"
        r"after|before|when|politely|nicely|now with|professionally|amicably|properly|"
        r"relationship|conversation|chat|call|session|meeting|subscription))"), False),
    ("dont_want_to_live", IDEATION, _c(
        r"\b(?:dont|doesnt|didnt|do not|does not|no longer|not sure i|not sure if i|dont really|"
        r"dont even|never) (?:\w+ )?(?:want|wanna|wish|care|feel like|see the point|see a "
        r"reason|see any reason|see any point|have the will|have a reason|have any reason|know "
        r"why i should|know how to keep|know if i can keep|know if i want|deserve) (?:to )?(?:be )?"
        r"(?:live|living|alive|exist|existing|keep living|go on living|continue living|be here"
        r" anymore|here anymore|stay alive|staying alive|be around anymore|around anymore|on this"
        r" earth|in this world|breathe|breathing|wake up anymore|try anymore|survive|fight "
        r"anymore|be here much longer|keep fighting|keep existing|be a person|be me)\b"), False),
    ("cant_go_on", IDEATION, _c(
        r"\b(?:cant|cannot|dont think i can|unable to|dont know if i can|dont know how to|no "
        r"longer|not able to|too tired to|dont want to|doesnt want to) (?:\w+ )?(?:go on|keep "
        r"going|carry on)(?! (?:a|an|the|to|with|back|there|vacation|holiday|holidays|trips?|dates?"
        r"|walks?|runs?|my|our|this|that|about|at|in|for|out|up|home|forward|through|on|and|"
        r"waiting|working|paying|driving|doing|the)\b)|\bcant (?:\w+ )?(?:keep living|live like "
        r"this|live with this|live anymore|do this anymore|do it anymore|do life|take it anymore|"
        r"take this anymore|take it much longer|take much more|take any more|handle (?:it|this|"
        r"life|living|anything) anymore|cope anymore|cope with life|bear it anymore|bear this "
        r"anymore|stand being alive|stand living|stand myself|go on living|face another day|face "
        r"tomorrow|survive this|survive another|hold on (?:anymore|much longer|any longer)|do "
        r"this much longer|keep fighting|keep pretending|be here anymore|exist anymore)\b"),
     False),
    ("no_reason_to_live", IDEATION, _c(
        r"\b(?:no|zero|not a|not one|not any|nothing|cant find a|cant find any|cant see a|cant "
        r"see any|dont have a|dont have any|dont see a|dont see any|lost (?:my|the|all|any)|"
        r"without a|without any|what|dont see the|cant see the|fail to see the|dont get the|"
        r"see no) "
        r"(?:single |real |good |more )?(?:reason|reasons|point|will|"
        r"purpose|motivation|desire|wish|sense) (?:\w+ )?(?:to|for|in|of) (?:live|living|life|go "
        r"on|going on|keep going|keep living|carry on|carrying on|be alive|being alive|stay "
        r"alive|staying alive|exist|existing|be here|being here|wake up|waking up|continue "
        r"living|keep breathing|get up anymore|me being (?:here|alive|around)|me (?:living|"
        r"staying alive)|my existence|my life)\b|"
        r"\bnothing (?:left )?(?:to live for|worth living for)\b|\b(?:not|isnt|no longer|never)"
        r" worth living\b|\bnot worth (?:it )?(?:being alive|the air i breathe|keeping alive|"
        r"saving)\b|\b(?:life|living|my life|existence|it|everything|this) (?:isnt|is not|not|"
        r"no longer|is no longer|wont be|will never be|is never|doesnt feel|doesnt seem|never "
        r"feels) (?:\w+ )?worth (?:living|it anymore|anything anymore|the pain|the effort|the "
        r"struggle|continuing|fighting for|being alive)\b|\b(?:whats|what is|why is there) "
        r"(?:even )?(?:the|a) point (?:of|in|to) (?:living|life|going on|being alive|existing|"
        r"anything anymore|any of it anymore|trying anymore|me being here|even being here|waking"
        r" up|carrying on|staying alive|it all|continuing|my life|my existence|me|keep going|"
        r"keep living|go on)\b|\b(?:whats|what is) (?:even )?the point anymore\b|\blife (?:is|"
        r"feels|seems) (?:so |totally |completely |just )?(?:pointless|meaningless|not worth it)"
        r"\b|\b(?:live|living) or (?:die|dying|dead)\b"), False),
    ("tired_of_living", IDEATION, _c(
        r"\b(?:tired|sick|exhausted|weary|done|finished|over) (?:of|with) (?:\w+ )?(?:living|life|"
        r"being alive|existing|being here|waking up|breathing|it all|my life|this life|this "
        r"world|everything and everyone|everyone and everything|fighting to stay alive|"
        r"trying to stay alive|trying to survive|surviving|being me)\b|\b(?:give|giving|gave|"
        r"given) up on (?:life|living|myself|my life|everything|surviving|staying alive)\b"),
     False),
    ("wish_to_die", IDEATION, _c(
        r"\b(?:want|wanna|wanted|wants|wanting|wish|wished|wishes|wishing|ready|prefer|rather|"
        r"deserve|deserves|deserving|hope|hoping|hopes|pray|praying|prays|longing|long|like|love|"
        r"need|needs|let me|should|just want|trying|try|tried|tries|plan|plans|planning|"
        r"decided|decide|allowed|happy|would love|dont mind|wouldnt mind|dont care if i|"
        r"wouldnt care if i|ok with|okay with|fine with|choose|chose|could just|can i just|"
        r"may as well|might as well|id be happy to|wants me to|going to let myself|let myself|"
        r"begging to|asking to|ask god to|beg god to|praying to|cant wait to|waiting to|"
        r"deserve to|meant to|supposed to|better if i|easier if i|relief to|rather just|"
        r"fantasi[sz]e about|fantasi[sz]ing about|dream about|dreaming about|daydream about|"
        r"daydreaming about|think about|thinking about|keep thinking about|obsess\w* (?:over|"
        r"about)|romantici[sz]e|romantici[sz]ing)"
        r"(?: (?:just|really|honestly|literally|actually|seriously|so|truly|kind of|sort of|"
        r"simply|finally|even|fucking|freaking|totally|definitely|probably|maybe|lowkey|all|"
        r"still|sometimes|often|always|to|i|that|could|would|id|can|might|myself|if|for|me|was|"
        r"were|had|already|god|would|lord|peacefully|quietly|quickly|now|tonight|today|soon))*"
        r" (?:die|died|dying|be dead|dead|not exist|not existing|stop existing|cease to exist|"
        r"not be alive|not be here anymore|disappear forever|sleep forever|never wake up|not "
        r"wake up|go to sleep forever|be gone forever|fall asleep forever|rest forever|be with "
        r"(?:my )?(?:late|dead))\b(?! (?:of|from) (?:old age|natural causes))"), False),
    ("death_wish", IDEATION, _c(
        r"\b(?:want|wish for|wishing for|welcome|welcoming|pray for|praying for|long for|longing "
        r"for|crave|craving|ready for|looking forward to|waiting for|waiting on|hoping for|hope "
        r"for|beg for|begging for) (?:\w+ )?death\b|\bdeath (?:would be|sounds|seems|feels|looks|"
        r"is|would feel) (?:like )?(?:a |the )?(?:\w+ )?(?:relief|better|nice|good|peaceful|"
        r"easier|easy|welcome|appealing|comforting|tempting|(?:only )?(?:answer|way out|solution|"
        r"option|escape))\b|\b(?:think|thinking|thought|thoughts|obsess|obsessing|obsessed|"
        r"fantasi[sz]e|fantasi[sz]ing|dream|dreaming|daydream|daydreaming|intrusive thoughts|"
        r"visions?|images?) (?:\w+ )?(?:about|of|with) (?:my own |my )?(?:death|dying|being dead|"
        r"not existing|not being here|not being alive|ending (?:it|things|my life|everything)|"
        r"killing myself|hurting myself|harming myself|taking my (?:own )?life|ending my life|"
        r"disappearing forever|jumping|hanging|not waking up)\b|\bthink about (?:death|dying) "
        r"(?:a lot|all the time|constantly|every day|daily|so much|too much|more|often)\b"),
     False),
    ("dont_want_to_wake", IDEATION, _c(
        r"\b(?:dont|do not|never|no longer) (?:really |even |ever )?(?:want|wanna|wish|plan|"
        r"intend|care|need|hope) (?:to )?(?:ever )?(?:wake up|wake(?! up)|see the morning|"
        r"see tomorrow|"
        r"see another day|open my eyes again)\b(?! (?:early|at \d|before|so early|that early|for "
        r"(?:the|my|an|a|work|school|class|it)|in time|on time|on \w+day|at \w+|\d|to (?:an|a|the)"
        r"|from (?:the|my)|during))|\b(?:hope|hoping|wish|wishing|pray|praying|want|wanted|would"
        r" be nice if|d be nice if|dont care if|wouldnt care if|dont mind if|wouldnt mind if|"
        r"better if) (?:i |that i |to |id |my heart )?(?:just |simply )?(?:dont|didnt|wouldnt|"
        r"wont|never|not|do not|would not|will not|stops?|stopped) (?:ever |again )?(?:wake up"
        r"|wake|beating|breathing|see tomorrow|see the morning)\b|\b(?:go to sleep|fall asleep|"
        r"sleep|close my eyes) (?:and|forever and|tonight and) (?:just )?(?:never|not|dont|wont) "
        r"(?:ever )?(?:wake up|open them)\b|\bnever wake up again\b|\b(?:want|wish|need|just "
        r"want|long|hope) (?:to )?(?:\w+ )?sleep (?:forever|for ever|and never|permanently)\b|"
        r"\beternal sleep\b|\bpermanent (?:sleep|solution|exit|nap|escape|rest)\b"), False),
    ("burden", IDEATION, _c(
        r"\bbetter (?:off )?dead\b|\b(?:im|feel like im|feel like i am|feel like|ive become|"
        r"i have become|being|im just|im such|im only|"
        r"im nothing but|ill always be|always be|feel like such|nothing but|such|just|only) "
        r"(?:\w+ )?(?:a |such a |nothing but a |only a |just a )?(?:burden|waste of (?:space|air|"
        r"oxygen|life))\b(?! (?:to (?:ask|bother)|on (?:my|the) (?:budget|wallet)))|"
        r"\b(?:better|easier|happier|simpler|lighter) (?:off )?(?:for (?:everyone|everybody|them|"
        r"my family|all) )?without me\b|\b(?:says|said|thinks|feels|told me|"
        r"keeps saying)\b.{0,40}\bbetter "
        r"(?:off )?without (?:him|her|them)\b|\b(?:better|easier|happier|simpler) (?:off )?(?:for "
        r"(?:everyone|everybody|them|my family|all|my kids|the world) )?if i (?:\w+ ){0,2}(?:dead|"
        r"gone|here|around|"
        r"alive|born|existed|exist|died|disappeared|killed myself)\b|\b(?:noone|everyone|"
        r"everybody|they|people|anyone) (?:would|will|wouldnt|wont|d) (?:even |really |actually "
        r"|ever )?(?:care|notice|miss me|mind|cry|be sad|be happier|be relieved|grieve|come to my"
        r" funeral)\b(?:(?: \w+){0,3} (?:if|when) i (?:\w+ ){0,2}(?:died|dead|gone|disappeared|"
        r"here|around|alive|killed|exist|existed|woke|wake|left))?(?:(?<=miss me)|(?<=funeral)|"
        r"(?<=died)|(?<=dead)|(?<=gone)|(?<=disappeared)|(?<=here)|(?<=around)|(?<=alive)|"
        r"(?<=killed)|(?<=exist)|(?<=existed)|(?<=woke)|(?<=wake)|(?<=left))"), False),
    ("disappear", IDEATION, _c(
        r"\b(?:want|wanna|wish i could|wish i would|wish id|need|going|ready|just want|"
        r"longing) (?:to )?"
        r"(?:just |simply )?(?:disappear|vanish|not exist|stop existing|stop living|"
        r"stop being alive|"
        r"cease to exist|cease "
        r"existing|fade away|be erased|be gone|evaporate|not be here)(?: forever| for good| "
        r"permanently| from (?:this|the) (?:world|earth|planet))?\b(?! (?:for (?:a|the|some|an|"
        r"\w+ (?:days?|weeks?|hours?))|on (?:vacation|holiday|a)|to (?:\w+)|from (?:social|the "
        r"internet|your|this list|the list|mailing|work|class)|into (?:a|the|my) (?:book|"
        r"show|game|work)))|\b(?:wish|wished|wishing) (?:that )?(?:i|id) (?:\w+ ){0,2}(?:never "
        r"been born|wasnt born|was never born|were never born|not been born|didnt exist|did not "
        r"exist|never existed|wasnt alive|wasnt here|werent here|was not here|was gone|were gone|"
        r"could disappear|could stop existing|was invisible forever)\b|\b(?:shouldnt|should not|"
        r"should never) have been born\b"), False),
    ("goodbye", PLAN, _c(
        r"\b(?:this is|its|heres|here is|consider this) (?:my )?(?:final |last )?goodbye\b|"
        r"\bgoodbye (?:forever|cruel world|everyone|world|for good|for the last time)\b|\bsaying "
        r"(?:my )?(?:last |final )?goodbyes\b|\b(?:suicide|goodbye|farewell) (?:note|letter|"
        r"letters|notes|video|post|message)\b|\b(?:wrote|written|writing|write|left|leave) (?:a |"
        r"my )?(?:last |final )?(?:goodbye|farewell|suicide) (?:note|letter|message)\b|\b(?:give|"
        r"giving|gave|given) away (?:all )?(?:of )?(?:my|all my) (?:stuff|things|belongings|"
        r"possessions|pets|cat|dog|stuff away)\b|\b(?:wont|will not|not going to|might not|may "
        r"not|probably wont|no longer going to) be (?:here|around|alive|on this earth|in this "
        r"world)(?: for)? (?:much longer|anymore|any longer|for long)\b|\bwont be (?:alive|"
        r"breathing) (?:tomorrow|by|to see|much longer|next)\b|\b(?:last|final) (?:day|night|"
        r"days|hours|week|sunset|meal|breath) (?:alive|on earth|of my life|on this earth|in this "
        r"world)\b|\b(?:this|today|tonight) is (?:the|my) (?:last day|last night|night|day) "
        r"(?:i|im) (?:alive|breathing|here|going to do it)\b|\b(?:see you|meet you) on the other"
        r" side\b|\btonight is the night\b|\bmade (?:my )?peace with (?:dying|death|leaving)\b"),
     False),
    ("method_question", PLAN, _c(
        r"\b(?:how (?:to|do i|can i|could i|would i|should i|do you|does one|do people|would "
        r"someone|to best|does someone|can someone|can you)|best way to|easiest way to|quickest "
        r"way to|fastest way to|painless way to|painless ways to|easy way to|surest way to|ways "
        r"to|methods? (?:to|of|for)|way to|least painful way to|guaranteed way to|quick way to|"
        r"how (?:long|fast) (?:does it|would it|will it) take to) "
        # "how to prevent / treat / recognise an overdose" asks for help, not for a method
        r"(?!(?:\w+ )?(?:prevent|treat|avoid|stop|recogni[sz]e|help|handle|manage|reverse|"
        r"survive|spot|identify|respond|deal|tell|know|detect|report|cure|save|rescue))"
        r"(?:\w+ ){0,2}(?:kill (?:myself|"
        r"yourself|oneself|someone)|die|commit suicide|end (?:my|your|ones|a|it) (?:own )?life|"
        r"end it(?: all)?|overdose|od|hang (?:myself|yourself|oneself)|slit|take my (?:own )?life|"
        r"not wake up|never wake up|unalive|bleed out|bleed to death|(?:suffocate|drown|"
        r"poison) (?:myself|yourself|oneself|someone|me))\b"
        r"(?! (?:my|your|her|his) hair)|\bpainless (?:way|ways|death|method|suicide|exit|ending)"
        r"\b|\b(?:lethal|fatal|deadly|killing|toxic) (?:dose|doses|dosage|amount|quantity|level|"
        r"overdose|combination|mix)\b|\bhow (?:many|much) (?:\w+ ){0,4}(?:to|would|will|does it "
        r"take to|do i need to|it takes to|needed to|can|before) (?:\w+ ){0,2}(?:kill|die|"
        r"overdose|od|end it|end my life|not wake up|never wake up|be fatal|be lethal|stop my "
        r"heart|stop breathing)\b|\bwhat (?:would|will|does) (?:it )?take (?:for me )?to (?:die|"
        r"not wake up|stop my heart)\b"), False),
    ("means", PLAN, _c(
        r"\b(?:stockpil\w*|hoard\w*|stash\w*|saving up|been saving|save up|collecting|been "
        r"collecting|hiding|been hiding|squirrel\w* away|storing up|keeping) (?:up )?(?:all )?"
        rf"(?:\w+ )?(?:my |of my |the |some |extra )?{PILLS}"
        r"(?! (?:for (?:the|my|a) (?:trip|vacation|travel|dog|cat|family)|in (?:the|a) "
        r"(?:fridge|cabinet|medicine cabinet|safe place|lockbox)|from (?:the|my) (?:kids|"
        r"children|dog)))|"
        r"\b(?:gun|pistol|revolver|rifle|shotgun|barrel|knife|blade|razor) (?:is |was )?(?:to|"
        r"against|in|under|at) my (?:head|mouth|chin|temple|throat|wrists?|neck|chest)\b|"
        r"\b(?:gun|pistol|revolver|rifle|shotgun) in my (?:hand|hands|lap|mouth)\b|"
        r"\b(?:bullet|bullets|gun|round|slug) (?:in|into|through) (?:my|his|her|their) (?:own )?"
        r"(?:head|brain|brains|skull|heart|chest|mouth|temple)\b|\bblow (?:my|his|her|their) "
        r"(?:own )?(?:brains|head) (?:out|off)\b|\bpull the trigger on (?:myself|me)\b|"
        r"\b(?:holding|loaded|loading|load|got|have|bought|buying|buy) (?:a |my |the |his |her )?"
        r"(?:loaded )?(?:gun|pistol|revolver|rifle|shotgun) (?:and|to|so|because|for (?:myself|"
        r"me)|in my (?:hand|lap|mouth))\b|\bloaded (?:gun|pistol|rifle|shotgun)\b|\bnooses?\b|"
        r"\b(?:tied|tie|tying|made|making|bought|buy|got|have|put|hung|hang|hanging) (?:a |the |my "
        r")?(?:rope|belt|cord|cable)(?: \w+){0,3} (?:around|round|on) (?:my|his|her|their) neck\b"
        r"|\brope (?:around|round) (?:my|his|her|their) neck\b|\b(?:going to|want to|about to|"
        r"ready to|should|might|could|time to|will|gonna|ill|id) (?:just )?rope\b(?! (?:in|off|"
        r"into|them|him|her|you|me|us|a|the))|\bexit bag\b|\bfinal exit\b|\blog (?:off|out) "
        r"(?:for good|permanently|forever|of life|of this life)\b"), False),
    ("jump", PLAN, _c(
        r"\b(?:jump|jumping|jumped|leap|leaping|leaped|throw myself|throwing myself|threw myself"
        r"|fling myself|hurl myself|drop myself|let myself fall|let go) (?:off|from|out of|over) "
        r"(?:a |the |my |this |that |our |of |an |\w+ ){0,3}(?:bridge|building|roof|rooftop|"
        r"cliff|balcony|window|ledge|overpass|tower|parking garage|top floor|railing|edge|"
        r"skyscraper|apartment)\b|\b(?:jump|jumping|jumped|step|stepping|stepped|throw myself|"
        r"throwing myself|threw myself|lie down|lay down|lying down|laying down|walk|walking|"
        r"run|running|drive|driving|swerve|swerving|steer|crash|crashing) (?:\w+ ){0,2}(?:in "
        r"front of|under|onto|into|on) (?:a |the |an |oncoming |incoming |\w+ ){0,2}(?:train|"
        r"trains|bus|truck|semi|lorry|car|cars|traffic|tracks|railway|highway|freeway|subway|"
        r"tree)\b|\b(?:walk|walking|swim|"
        r"swimming) (?:into|out into) (?:the )?(?:ocean|sea|river|lake|water) (?:and|until|till|"
        r"forever|to never|to drown)\b|\b(?:drive|driving|drove|crash|crashing|crashed|swerve|"
        r"swerving|wreck) (?:my |the )?(?:car|truck)? ?(?:off|into) (?:a |the )?(?:cliff|bridge|"
        r"river|lake|oncoming traffic|wall|tree|pole)\b|\bcrash (?:my|the) "
        r"(?:car|truck) on purpose\b|\bstanding on (?:the|a) (?:ledge|edge|railing|roof|"
        r"bridge)\b"), False),
    ("nobody_would_care", IDEATION, _c(
        r"\bif i (?:\w+ ){0,2}(?:died|was gone|were gone|disappeared|killed myself|wasnt here|"
        r"wasnt around|was dead|were dead|didnt wake up|never woke up)\b.{0,40}\b(?:noone|who|"
        r"anyone|everyone|everybody|people|they|anybody) (?:\w+ )?(?:would|will|wouldnt|d|"
        r"even|really) (?:even |really |ever )?(?:care|notice|miss|mind|cry|be sad|be happier|"
        r"be relieved)\b"), False),
    ("want_it_over", IDEATION, _c(
        r"\b(?:want|wish|need|wanted|ready for|just want|long for) (?:for )?(?:it all|everything|"
        r"all of it|this all|all this|all of this|it|this|my life|life) (?:all )?to (?:be over|"
        r"end|just end|finally end|be done)\b(?! (?:soon so|so i can|so that|and then|before))"),
     False),
    ("be_killed", IDEATION, _c(
        r"\b(?:please|pls|plz|someone|somebody|god|just) (?:just )?kill me\b|\bkill me "
        r"(?:please|pls|plz|already)\b|\b(?:want|wish|need|hope|pray|praying|hoping|wishing) "
        r"(?:that )?(?:someone|somebody|something|god|you|them|a car|a bus|a truck|a train|a "
        r"bullet|lightning|a meteor|the cancer|the illness|an accident|a plane|the plane) "
        r"(?:\w+ )?(?:to |would |could |will )?(?:just )?(?:kill|hit|run over|shoot|end|crash "
        r"into|strike|take) me\b|\b(?:hope|hoping|wish|wishing|pray|praying|want) (?:that )?(?:i "
        r")?(?:get|got|would get|could get|will get) (?:\w+ )?(?:hit by|run over|killed|shot|"
        r"struck by|murdered|in a (?:fatal |bad )?(?:crash|accident))\b"), False),
    ("means_ready", PLAN, _c(
        r"\b(?:have|got|with|holding|counted out|lined up|laid out|set out) (?:the |my |all the |"
        r"all my |some |enough )?(?:pills|rope|gun|knife|blade|razor|noose|tablets|meds)"
        r"(?: \w+)? (?:ready|lined up|counted|counted out|in front of me|in my hand|right here|"
        r"next to me|laid out)\b|\b(?:pills|rope|gun|noose|blade|razor|knife)s? and (?:im|i am) "
        r"(?:ready|going to do it|doing it)\b(?! for)|\bbought (?:a |some |the )?(?:rope|"
        r"noose|gun|razor blades)\b(?! for (?:the|my|our|a) (?:boat|garden|camping|climbing|"
        r"gym|yard|dog|hunting))|\b(?:on|at) (?:the |a |this |top of the |top of a |the top of "
        r"the )?(?:roof|rooftop|bridge|ledge|edge|cliff|balcony|top floor|overpass|railing)\b"
        r".{0,50}\b(?:jump|jumping|let go|fall|end it|do it)\b|\b(?:from|up on|on top of|top "
        r"of|standing on|sitting on|out on) (?:the |a |this |my |our )?(?:roof|rooftop|bridge|"
        r"ledge|cliff|balcony|top floor|overpass|railing|parking garage)\b.{0,50}\b(?:jump|"
        r"jumping|let go|fall|end it|do it)\b|\b(?:jump|jumping) .{0,30}"
        r"\b(?:roof|rooftop|bridge|ledge|cliff|balcony|top floor|overpass)\b"), False),
    ("way_out", IDEATION, _c(
        r"\b(?:only|no other|one|last|final|easiest|permanent) (?:\w+ )?(?:way out|escape|exit|"
        r"option left|solution left)\b(?! (?:of (?:the|this) (?:contract|plan|lease|building|"
        r"parking)))|\bway out (?:except|but|other than|besides|apart from) (?:\w+ )?(?:dying|"
        r"death|suicide|ending it|killing myself|to die|to end it)\b|\b(?:let go|leave|check "
        r"out|go away|be gone) (?:for good|forever|permanently)\b(?<!leave for good)|"
        r"\b(?:pain|suffering|it|this|everything|it all) to (?:end|stop|be over) (?:for good|"
        r"forever|permanently|once and for all)\b|\bwant (?:it|this|everything|my life|life|it"
        r" all) (?:all )?over\b(?! with)|\b(?:done|tired of|sick of|cant keep|too tired to "
        r"keep|cant go on) fighting\b(?! (?:with|for|over|about|the|my|insurance))|\b(?:cant|"
        r"dont|cannot|couldnt) (?:even )?(?:see|imagine|picture) myself (?:being |still )?"
        r"(?:alive|living|around|here|surviving|making it|existing) (?:\w+ )?(?:next|in|by|"
        r"much|another|past|to|until|till)\b"), False),
    ("future_absence", IDEATION, _c(
        r"\b(?:dont think|doubt|probably wont|might not|may not|not sure|wont|will not|not going "
        r"to|not gonna|no longer going to) (?:\w+ ){0,2}be (?:alive|breathing|around|here|a "
        r"(?:problem|burden|bother|nuisance)(?: (?:for|to)(?: \w+){1,2})?)(?: \w+)? (?:next|by|"
        r"much longer|for much longer|any longer|for long|anymore|to see|after|come)\b"
        r"(?<!be here next)(?<!be around next)|\b(?:dont think|doubt|not sure) (?:\w+ ){0,2}"
        r"(?:be|still be) (?:around|here) (?:\w+ )?(?:next|by|much longer|for long|after)\b|"
        r"\b(?:said|say|saying|wrote|written) (?:my )?(?:last |final )?goodbyes? (?:to|for) "
        r"(?:my |all my |everyone|everybody|the |all )(?:\w+ )?(?:family|kids|children|friends|"
        r"everyone|everybody|loved ones|parents|people|mom|mother|dad|father|wife|husband|"
        r"partner|world)\b(?! (?:at|before|and (?:left|went|drove|flew))|\w* (?:at the|before "
        r"(?:the|my) (?:flight|trip)))"), False),
    ("plan_place", PLAN, _c(
        r"\b(?:know|knows|figured out|decided|worked out|picked|chosen|chose) (?:exactly )?"
        r"(?:where|how|when) (?:ill|id|i will|i would|im going to|i am going to|to|he will|she "
        r"will|they will|hes going to|shes going to) (?:do it|end it|go through with it|"
        r"kill|die)\b|\b(?:threaten\w*|talk\w* about|keeps? saying|said|says) (?:that )?"
        r"(?:\w+ )?(?:to|he will|she will|they will|hes going to|shes going to|he would|she "
        r"would|he wants to|she wants to|going to|gonna) (?:jump|end it|do it|hang|shoot|"
        r"overdose|od|not be here|disappear forever)\b(?! (?:at|on|into|in|the|a|with|for))|"
        r"\b(?:too|so) (?:painful|hard|much|exhausting|heavy) to (?:keep living|keep going on|"
        r"go on living|live|stay alive|be alive|exist|keep existing|carry on living)\b|"
        r"\bnot (?:going to|gonna|planning to|expecting to) (?:live|be alive|survive|make it) "
        r"(?:that|very|much|too)? ?(?:long|longer|much longer|to see|past|until|till|through)\b"
        r"|\b(?:took|take|taken|swallowed|drank|had) (?:way )?too (?:much|many)\b.{0,30}\b(?:on"
        r" purpose|intentionally|deliberately|to (?:die|end it|not wake up|sleep forever))\b"),
     False),
    # --- self-harm -----------------------------------------------------------------------
    ("self_harm_mention", SELF_HARM, _c(
        r"\bself (?:harm|harming|harmed|harms|injury|injuring|injure|injured|mutilat\w*|"
        r"inflicted)\b|\bsh (?:scars|relapse|urges|again)\b|\bnssi\b"), True),
    ("harm_verb_self", SELF_HARM, _c(
        r"\b(?:harm|harming|harmed|mutilate|mutilating|mutilated|injure|injuring|starve|"
        r"starving|starved|bruise|bruising|bruised|burn|burning|burned|burnt|cut|cutting|slice|"
        r"slicing|sliced|carve|carving|carved|scratch|scratching|scratched|scar|scarring|hit|"
        r"hitting|punch|punching|stab|stabbing|hurt|hurting|hurts|bleed|bleeding|beat|beating|"
        rf"choke|choking|strangle|strangling|scald|scalding|pierce) {FILL}{ANY_SELF}\b"
        rf"(?!(?: \w+){{0,5}} {ACCIDENT})"),
     False),
    ("cut_body", SELF_HARM, _c(
        rf"\b(?:cut|cutting|cuts|slit|slitting|slash|slashing|slashed|carve|carving|carved|slice|"
        rf"slicing|sliced|burn|burning|burned|scratch|scratching|stab|stabbing) {FILL}{POSS} "
        r"(?:own )?(?:wrists?|arms?|forearms?|legs?|thighs?|skin|body|stomach|belly|throat|veins?|"
        r"hips?|ankles?|neck|chest)\b"
        rf"(?!(?: \w+){{0,5}} {ACCIDENT})"), False),
    ("self_harm_urge", SELF_HARM, _c(
        r"\b(?:started|start|starting|been|keep|kept|back to|relapse\w*(?: on| with| into)?|urges?"
        r" to|want to|wanna|going to|need to|craving|crave|miss|thinking about|tempted to|"
        r"urge to|strong urges? to|resist(?:ing)? the urge to|cant stop|couldnt stop|stop "
        r"myself from|addicted to) (?:\w+ )?(?:cutting|cut|sh|self harm|self harming|burning "
        r"myself|scratching myself|hurting myself|harming myself)\b(?! (?:back|down|off|out|the|"
        r"my hair|hair|class|school|carbs|sugar|ties|it out|costs|corners|in line|through|my|a|"
        r"coffee|caffeine|alcohol|drinking|smoking|gluten|meat|dairy|\w+ing|on|loose|into|"
        r"expenses|spending|the grass|grass|wood|paper|it|them|him|her|that|this|some|to|from|"
        r"for|with|and|or|costs|prices|an?))|\b(?:fresh|new|deep|bleeding|open|infected) "
        r"(?:cuts|wounds|scars|burns|marks) on my\b|"
        r"\b(?:i|ive|i have|i just|just|i) (?:\w+ )?cut (?:again|deep|deeper|last night|tonight|"
        r"today|this morning|this week)\b(?<!hair cut again)|\b(?:hurt|hurting|harm|harming|"
        r"damage|damaging|punish|punishing|destroy|destroying|mutilate|mutilating) (?:my|his|"
        r"her|their) (?:own )?body\b|\b(?:make|made|making|watch|watching|see|"
        r"until|till|til) (?:myself |me |it )?bleed\b|\bbleed (?:out|to death)\b"), False),
    # --- overdose ------------------------------------------------------------------------
    ("overdose_mention", OVERDOSE, _c(
        r"\b(?:overdose|overdosed|overdosing|overdoses|od|oded|ods|oding|odd on|od on)\b"), True),
    ("overdose_amount", OVERDOSE, _c(
        r"\b(?:took|take|taking|taken|swallowed|swallow|swallowing|downed|down|ate|eaten|eat|"
        r"popped|pop|popping|chugged|chug|necked|gulped|had|just took|took like|have taken|ive "
        r"taken|ingested|consumed|emptied|empty|finished|injected|shot up) (?:like |about |around"
        rf" |maybe |over |almost |nearly |at least |all |a |an |the |my |his |her |their )*"
        rf"{BIG_AMOUNT}\b(?: \w+){{0,5}} {PILLS}\b"
        r"(?! (?:today|this morning|this evening|on time|as prescribed|as usual|like (?:usual|"
        r"always|normal|i should|prescribed)|for the day|yesterday|this week|every day|daily|with"
        r" (?:breakfast|food|water|dinner|lunch)|in the morning|at night|correctly))"
        r"|\b(?:took|swallowed|downed|ate|popped|taken) (?:all|every one|everything|whatever) "
        r"(?:i had|i could find|i found|(?:in|from) (?:the|my|our) (?:\w+ )?(?:bottle|cabinet|"
        r"house|drawer|pack|box|cupboard|bathroom|kitchen|stash))\b|\b(?:emptied|empty|finished|"
        r"downed) (?:a|the|"
        r"my|an|his|her) (?:whole |entire |full )?(?:pill bottle|bottle of (?:pills|tablets|"
        r"meds|medication|tylenol|xanax|\w+ pills))\b"), False),
    # --- emergencies involving someone else ---------------------------------------------
    ("unresponsive", THIRD_PARTY, _c(
        r"\b(?:isnt|is not|not|stopped|stop|wont start|cant get (?:him|her|them) to start) "
        r"breathing\b(?! (?:well|properly|right|deeply|normally|through|correctly|slowly))|"
        r"\b(?:wont|will not|cant|cannot|couldnt) (?:\w+ )?wake (?:him|her|them) up\b|"
        rf"{THIRD_PERSON} (?:wont|isnt|is not|doesnt|cant|will not|is) (?:\w+ )?(?:wake up|"
        r"waking up|respond|responding|responsive)\b|\bunresponsive\b|\bblue lips\b"
        r"|\b(?:passed out|collapsed) (?:after|and (?:wont|isnt|cant)|from) (?:\w+ ){0,3}"
        rf"(?:{PILLS}|pills|drinking|breathing)\b"), False),
    # --- Spanish (answered in Spanish; 988 has Spanish, press 2) ---------------------------
    ("es_wish_to_die", IDEATION, _c(
        r"\b(?:quiero|quisiera|deseo|ganas de) (?:morir|morirme|estar muert[oa]|desaparecer "
        r"para siempre|dejar de existir)\b|\bme quiero morir\b|\bno quiero (?:vivir|seguir "
        r"viviendo|despertar|estar aqui)\b|\bya no (?:quiero|puedo) (?:vivir|seguir)\b|"
        r"\b(?:mejor|estarian mejor) sin mi\b|\bno vale la pena (?:vivir|seguir)\b"), False),
    ("es_suicide", IDEATION, _c(
        r"\b(?:suicidarme|suicidarse|suicidio|suicida|matarme|me (?:voy a|quiero) matar|quitarme "
        r"la vida|acabar con (?:mi vida|todo|esto)|terminar con (?:mi vida|todo))\b"), False),
    ("es_overdose", OVERDOSE, _c(
        r"\b(?:me tome|tome|me trague|me he tomado) (?:todas|muchas|un monton de|demasiadas|un "
        r"frasco de) (?:las |mis )?(?:pastillas|pildoras|medicinas|tabletas)\b|\bsobredosis\b"),
     False),
    ("es_self_harm", SELF_HARM, _c(
        r"\b(?:me estoy cortando|cortarme|me corto|me corte|hacerme dano|lastimarme|me lastimo|"
        r"me quemo)\b"), False),
    ("es_third_party", THIRD_PARTY, _c(
        r"\b(?:se va a|se quiere|quiere) (?:matar|suicidar|quitar la vida)\b"), False),
]

_THIRD_PERSON_RE = re.compile(THIRD_PERSON)
_FIRST_PERSON_RE = re.compile(r"\b(?:i|im|ive|id|ill|me|my|myself|mine)\b")
# Frames that put "I" into a question without making it personal ("I read that...").
_INFO_FRAMES = re.compile(
    r"\b(?:(?:can|could|would) you (?:please )?(?:tell|explain to|help) me|tell me|explain to "
    r"me|help me understand|let me know|i (?:want|wanted|would like|d like|need) to (?:know|ask|"
    r"understand|learn|find out|read)|im (?:curious|wondering|interested|asking|a (?:nurse|doctor|"
    r"therapist|student|researcher|counselor|clinician|psychologist|social worker|journalist|"
    r"writer|pharmacist|teacher|parent))|i (?:was|am) (?:curious|wondering|asking)|i wonder|"
    r"i (?:read|heard|saw|have read|have heard|ve read|ve heard|was told|learned|keep hearing|"
    r"keep reading|came across|found|noticed|understand)(?: that| about| somewhere| online| on|"
    r" in)?|ive (?:read|heard|seen|been reading|been told)(?: that| about| somewhere| online)?|"
    r"i have a question|my question is|for my (?:research|paper|thesis|class|essay|studies|"
    r"course|job|work|patients|clients|students)|do you know|(?:can|could) i ask)\b")
_QUESTION_START = re.compile(
    r"^(?:can|could|does|do|is|are|will|would|should|how|what|whats|why|when|which|who|where|"
    r"has|have|did|any|tell|explain|info|information|i want to know|i was wondering|im "
    r"wondering|im curious|do you|is there|are there|whats the|hows|wondering|question)\b")
_TOPIC_CONTEXT = re.compile(
    r"\b(?:ketamine|esketamine|spravato|infusions?|treatment|treatments|therapy|therapies|treat|"
    r"treats|treated|treating|help|helps|helping|helpful|reduce|reduces|reducing|research|"
    r"study|studies|evidence|rates?|risks?|prevent|prevents|prevention|side effects?|effects?|"
    r"works?|used|use|fda|clinic|clinics|patients|people|someone|somebody|anyone|anybody|a "
    r"person|common|signs?|symptoms?|warning|causes?|link|linked|associated|mean|means|meaning|"
    r"definition|statistics|antidepressants?|ssris?|medications?|medicine|depression|ptsd|"
    r"anxiety|bipolar|possible|happen|happens|dangerous|safe|safety|difference|protocol|"
    r"screen|screening|ask about|questions? about|policy|handle|hotline|lifeline|resources?)\b")


def _blank(text: str, patterns: list[re.Pattern]) -> str:
    for pattern in patterns:
        text = pattern.sub(" _ ", text)
    return text


_FIGURES_RE = [re.compile(p) for p in _FIGURES + _NEGATED_ACTS]
_DENIALS_RE = [re.compile(p) for p in _DENIALS]


def _is_informational(form: str, raw: str) -> bool:
    """True when the message reads as a general question about the topic, not a disclosure."""
    framed = _INFO_FRAMES.sub(" _ ", form)
    if _FIRST_PERSON_RE.search(framed) or _THIRD_PERSON_RE.search(framed):
        return False
    question = "?" in raw or bool(_QUESTION_START.match(form)) or framed != form
    return question or bool(_TOPIC_CONTEXT.search(form))


def detect_crisis(text: str) -> CrisisVerdict:
    """Classify one user message as ``crisis``, ``concern`` (informational) or ``none``.

    Deterministic and side-effect free; safe to call on every message of every channel.
    """
    if not text or not text.strip():
        return CrisisVerdict()
    hits: dict[str, tuple[str, bool]] = {}
    forms = normalize_variants(text)
    for form in forms:
        cleaned = _blank(form, _FIGURES_RE)
        undenied = _blank(cleaned, _DENIALS_RE)
        for name, category, pattern, topicable in _RULES:
            target = undenied if topicable else cleaned
            if pattern.search(target):
                hits.setdefault(name, (category, topicable))
    if not hits:
        return CrisisVerdict()
    if all(topicable for _, topicable in hits.values()) and _CONCERN_PHRASES.search(forms[0]):
        return CrisisVerdict(CONCERN, ("bereavement",), tuple(sorted(hits)))
    categories = []
    for category, _ in hits.values():
        if category not in categories:
            categories.append(category)
    main = forms[0]
    if any(_THIRD_PERSON_RE.search(f) for f in forms) and not _FIRST_PERSON_RE.search(
            _INFO_FRAMES.sub(" _ ", main).replace("my ", "")):
        if THIRD_PARTY not in categories:
            categories.append(THIRD_PARTY)
    rules = tuple(sorted(hits))
    if all(topicable for _, topicable in hits.values()) and _is_informational(main, text):
        return CrisisVerdict(CONCERN, tuple(categories), rules)
    return CrisisVerdict(CRISIS, tuple(categories), rules)


# An injury word followed by the accident that caused it ("cut myself shaving").
_ACCIDENT_RE = re.compile(rf"\b(?:cut|cuts|cutting|burn\w*|hurt|hurting|injur\w*|bled|bleeding|"
                          rf"scratch\w*|bruis\w*|broke|sprain\w*)\b(?: \w+){{0,6}} {ACCIDENT}\b")


def has_figure_or_denial(text: str) -> bool:
    """True when the message holds a figure of speech ("dying to know"), a denial ("I'm not
    suicidal") or an accident ("cut myself shaving"). A learned similarity score must not raise
    a crisis on such a message: its words are close to crisis language while its meaning is
    not; the rules, which read the whole phrase, still decide it."""
    for form in normalize_variants(text or ""):
        if (_blank(form, _FIGURES_RE) != form or _blank(form, _DENIALS_RE) != form
                or _ACCIDENT_RE.search(form)):
            return True
    return False


def is_crisis(text: str) -> bool:
    """Shorthand: True when the message needs the crisis reply."""
    return detect_crisis(text).is_crisis
