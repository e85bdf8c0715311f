"""The product page's Quick Start samples: one fixed "Hello!" request in Python, JavaScript, cURL and PHP.

Unlike the live samples (``samples.py``), these do not follow the playground's state: they are the page's own
request shape, the same for every visitor and shown with no key. Only ``Content-Type`` is sent as a header;
``model_id`` and ``key`` travel in the JSON body (ModelsLab's body style), and the key is always the placeholder.
The Python sample is the page's text exactly; the other three send the same request and print the same way.
"""

from __future__ import annotations

import json
from typing import Any

from playground.facts.catalog import GROK_3_MINI, Model
from playground.facts.providers import MODELSLAB
from playground.snippets.spec import literal
from playground.wire.request import KEY_PLACEHOLDER

PROMPT = "Hello!"  # the page's sample message
MAX_TOKENS = 1000  # the page's sample max_tokens
URL = f"{MODELSLAB.base_url}/chat/completions"
HEADERS = {"Content-Type": "application/json"}
LANGUAGES: tuple[str, ...] = ("python", "javascript", "curl", "php")
LABELS = {"python": "Python", "javascript": "JavaScript", "curl": "cURL", "php": "PHP"}  # the page's tab names
HIGHLIGHT = {"python": "python", "javascript": "javascript", "curl": "bash", "php": "php"}


def body(*, model: Model = GROK_3_MINI) -> dict[str, Any]:
    """The request body every Quick Start sample sends, the key a placeholder."""
    return {
        "model_id": model.name_for(MODELSLAB.id),
        "messages": [{"role": "user", "content": PROMPT}],
        "max_tokens": MAX_TOKENS,
        "key": KEY_PLACEHOLDER,
    }


def _json(value: Any, indent: int, hang: int) -> str:
    """``value`` as indented JSON, every line after the first shifted right by ``hang`` spaces."""
    return json.dumps(value, indent=indent, ensure_ascii=False).replace("\n", "\n" + " " * hang)


def python(*, url: str, data: dict[str, Any]) -> str:
    """Python with ``requests``: the page's text (its body dict is indented one level deeper than usual)."""
    return f"""import requests
import json

url = {json.dumps(url)}

headers = {_json(HEADERS, 4, 0)}

data = {_json(data, 4, 4)}

try:
    response = requests.post(url, headers=headers, json=data)
    response.raise_for_status()  # Raises an HTTPError for bad responses (4XX or 5XX)
    result = response.json()
    print("API Response:")
    print(json.dumps(result, indent=2))
except requests.exceptions.HTTPError as http_err:
    print(f"HTTP error occurred: {{http_err}} - {{response.text}}")
except Exception as err:
    print(f"Other error occurred: {{err}}")"""


def javascript(*, url: str, data: dict[str, Any]) -> str:
    """JavaScript with ``fetch`` (Node 18+ or a browser), printing as the Python sample does."""
    return f"""const url = {literal(url, "js")};

const headers = {literal(HEADERS, "js")};

const data = {literal(data, "js")};

async function main() {{
  let response;
  try {{
    response = await fetch(url, {{
      method: "POST",
      headers: headers,
      body: JSON.stringify(data),
    }});
  }} catch (err) {{
    console.log(`Other error occurred: ${{err}}`);
    return;
  }}
  const text = await response.text();
  if (!response.ok) {{
    console.log(`HTTP error occurred: ${{response.status}} ${{response.statusText}} - ${{text}}`);
    return;
  }}
  try {{
    const result = JSON.parse(text);
    console.log("API Response:");
    console.log(JSON.stringify(result, null, 2));
  }} catch (err) {{
    console.log(`Other error occurred: ${{err}}`);
  }}
}}

main();
"""


def _sh(text: str) -> str:
    """``text`` as one single-quoted POSIX shell word."""
    return "'" + text.replace("'", "'\\''") + "'"


def curl(*, url: str, data: dict[str, Any]) -> str:
    """A cURL command line (POSIX shell); ``--fail-with-body`` prints the error body and exits non-zero."""
    lines = [f"curl --fail-with-body -sS -X POST {_sh(url)}"]
    lines += [f"-H {_sh(f'{name}: {value}')}" for name, value in HEADERS.items()]
    lines.append(f"-d {_sh(_json(data, 2, 2))}")
    return " \\\n  ".join(lines) + "\n"


def php(*, url: str, data: dict[str, Any]) -> str:
    """PHP with the built-in HTTP stream wrapper (no extension needed), printing as the Python sample does."""
    headers = [f"{name}: {value}" for name, value in HEADERS.items()]
    return f"""<?php

$url = {literal(url, "php")};

$headers = {literal(headers, "php")};

$data = {literal(data, "php")};

$context = stream_context_create(['http' => [
    'method' => 'POST',
    'header' => $headers,
    'content' => json_encode($data),
    'ignore_errors' => true,
]]);

try {{
    $response = @file_get_contents($url, false, $context);
    if ($response === false) {{
        throw new RuntimeException(error_get_last()['message'] ?? 'no response');
    }}
    $status = $http_response_header[0] ?? '';
    if (!preg_match('#^HTTP/\\S+ 2\\d\\d#', $status)) {{
        echo "HTTP error occurred: $status - $response", PHP_EOL;
    }} else {{
        $result = json_decode($response, true, 512, JSON_THROW_ON_ERROR);
        echo 'API Response:', PHP_EOL;
        echo json_encode($result, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), PHP_EOL;
    }}
}} catch (Throwable $err) {{
    echo 'Other error occurred: ', $err->getMessage(), PHP_EOL;
}}
"""


RENDERERS = {"python": python, "javascript": javascript, "curl": curl, "php": php}


def samples(*, model: Model = GROK_3_MINI, url: str = URL) -> dict[str, str]:
    """The Quick Start code per language (keys of ``LANGUAGES``); ``url`` is the page's unless a test points it
    at a local server."""
    data = body(model=model)
    return {lang: RENDERERS[lang](url=url, data=data) for lang in LANGUAGES}
