"""Clinical safety: crisis detection, medical-advice detection, crisis event records.

``bot.safety.crisis``, ``bot.safety.medical`` and ``bot.safety.normalize`` use the standard
library only, so any process (Rasa, the action server, the command line) can import them.
``bot.safety.nlu_component`` imports rasa and is loaded only by the Rasa process;
``bot.safety.events`` imports SQLAlchemy and is used only by the action server.
"""

from bot.safety.crisis import CrisisVerdict, detect_crisis
from bot.safety.medical import MedicalVerdict, detect_medical_advice

__all__ = ["CrisisVerdict", "MedicalVerdict", "detect_crisis", "detect_medical_advice"]
