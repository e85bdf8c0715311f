"""The providers' error wordings, as data: what each kind of failure says across OpenAI, xAI, Anthropic,
OpenRouter, ModelsLab and local servers (``classify`` reads them)."""

from __future__ import annotations

import re

KEY_TEXT = re.compile(
    r"(incorrect|invalid|wrong|missing|no) api[ _-]?key|api[ _-]?key (is )?(invalid|incorrect|"
    r"missing|not valid)|invalid_api_key|unauthori[sz]ed|authentication",
    re.I,
)
CREDIT_TEXT = re.compile(
    r"insufficient[ _](credit|balance|fund|quota)|out of credits|add more credits|"
    r"credit balance|payment required",
    re.I,
)
RATE_TEXT = re.compile(r"rate[ _-]?limit|too many requests|queued requests", re.I)
SIZE_TEXT = re.compile(
    r"context[ _]length|context window|maximum context|too many tokens|payload too large|"
    r"(prompt|input|message|messages|request|conversation) (is )?too (long|large)|"
    r"request entity too large|reduce the length|"
    r"max(imum)?[ _](completion[ _])?tokens.{0,40}(too large|exceed|at most|greater than)",
    re.I,
)
MODEL_TEXT = re.compile(
    r"model\b.{0,80}?\b(not found|does not exist|doesn't exist|not available|unknown|"
    r"no longer|not supported|invalid)|(unknown|invalid|no such) model|model_not_found|"
    r"no endpoints found|not a valid model",
    re.I,
)
ANTHROPIC_MODEL_404 = re.compile(r"^model:\s*\S+$", re.I)  # Anthropic's whole message for an unknown model
RETIRED_WORDS = (
    r"retired|deprecated|decommissioned|discontinued|sunset|end[ _-]of[ _-]life|no longer (?:available|"
    r"supported|served|exists|offered)|has been (?:removed|shut down|replaced)"
)
RETIRED_TEXT = re.compile(
    rf"\bmodel\b.{{0,80}}?\b(?:{RETIRED_WORDS})|\b(?:{RETIRED_WORDS})\b.{{0,40}}?\bmodel\b|model_deprecated",
    re.I,
)
ENDPOINT_TEXT = re.compile(r"endpoint|\bapi\b|\bsdk\b|compatib|route|path", re.I)
MODERATION_TEXT = re.compile(r"flagged|moderation|content policy", re.I)
OVERLOAD_TEXT = re.compile(r"overloaded|(over|at|no|insufficient) capacity|temporarily unavailable", re.I)
PARAM_PATTERNS = (
    re.compile(r"argument not supported on this model:\s*[`'\"]?([A-Za-z_]\w*(?:\.\w+)*)", re.I),
    re.compile(r"does not support (?:the )?param(?:eter)?s?\s*[`'\"]?([A-Za-z_]\w*(?:\.\w+)*)", re.I),
    re.compile(r"unsupported param(?:eter)?:?\s*[`'\"]?([A-Za-z_]\w*(?:\.\w+)*)", re.I),
    re.compile(r"[`'\"]?([A-Za-z_]\w*)[`'\"]? is not supported (?:with|by|for|on) this model", re.I),
)
TYPE_STATUS = {
    "authentication_error": 401,
    "permission_error": 403,
    "invalid_api_key": 401,
    "insufficient_quota": 402,
    "rate_limit_error": 429,
    "rate_limit_exceeded": 429,
    "not_found_error": 404,
    "model_not_found": 404,
    "request_too_large": 413,
    "context_length_exceeded": 413,
    "overloaded_error": 529,
    "api_error": 500,
    "server_error": 500,
    "timeout": 408,
    "invalid_request_error": 400,
}
