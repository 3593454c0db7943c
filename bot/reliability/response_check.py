"""The action server's answers, checked against Rasa's own schema with a validator built once.

Rasa 3.6 checks every custom action's answer with ``jsonschema.validate``, which first
re-validates the schema itself against the JSON Schema meta-schema: measured with py-spy over a
REST load, that was about 15% of the Rasa process's CPU per message, for a schema that never
changes. :func:`install_compiled_response_check` replaces the check with the same validation
(the same schema from ``RemoteAction.action_response_format_spec``, the same draft chosen by
``jsonschema.validators.validator_for``, the same best-matching error and message) on a
validator made once.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would on every call
    return cls(schema)


def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """Rasa's ``RemoteAction._validate_action_result``, on the validator made once."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install_compiled_response_check() -> None:
    """Use :func:`validate_action_result` for every remote action of this process."""
    from rasa.core.actions.action import RemoteAction

    _validator()
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    logger.info("custom action answers are checked with a validator built once")
