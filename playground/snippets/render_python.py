"""The Python code-sample renderers: one request (a ``Spec``) with ``requests`` or the provider's SDK, the key
read from the environment."""

from __future__ import annotations

from playground.snippets.spec import KeyRef, Spec, comment, literal, uses_key
from playground.wire.anthropic_messages import ANTHROPIC_VERSION
from playground.wire.request import KEY_PLACEHOLDER

OPENAI_SDK_ARGS = frozenset(
    {
        "model",
        "messages",
        "temperature",
        "max_tokens",
        "max_completion_tokens",
        "top_p",
        "frequency_penalty",
        "presence_penalty",
        "stop",
        "stream",
        "stream_options",
        "reasoning_effort",
        "seed",
        "n",
        "response_format",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "user",
        "logprobs",
        "top_logprobs",
    }
)


ANTHROPIC_SDK_ARGS = frozenset(
    {  # recent anthropic releases dropped temperature/top_p: those go in extra_body
        "model",
        "max_tokens",
        "messages",
        "system",
        "stop_sequences",
        "metadata",
        "tools",
        "tool_choice",
        "thinking",
    }
)


def _python_key(spec: Spec) -> str:
    return f'API_KEY = os.environ.get("{spec.key_env}", "{KEY_PLACEHOLDER}")\n\n'


_PY_STREAM = {
    "openai": """            if payload == "[DONE]":
                break
            chunk = json.loads(payload)
            if "error" in chunk:
                raise RuntimeError(chunk["error"])
            for choice in chunk.get("choices") or []:
                print((choice.get("delta") or {}).get("content") or "", end="", flush=True)
""",
    "anthropic": """            event = json.loads(payload)
            if event.get("type") == "error":
                raise RuntimeError(event["error"])
            delta = event.get("delta") or {}
            if delta.get("type") == "text_delta":
                print(delta["text"], end="", flush=True)
""",
}


_PY_RESULT = {
    "openai": 'result["choices"][0]["message"]["content"]',
    "anthropic": '"".join(block["text"] for block in result["content"] if block["type"] == "text")',
}


def python_requests(spec: Spec) -> str:
    """Python with ``requests``, in the product page's style."""
    head = "import json\nimport os\n\nimport requests\n\n" + (_python_key(spec) if uses_key(spec) else "")
    head += f"url = {literal(spec.url, 'python')}\n\n{comment(spec, '#')}"
    head += f"headers = {literal(spec.headers, 'python')}\n\n"
    head += f"data = {literal(spec.body, 'python')}\n\n"
    if not spec.stream:
        return (
            head
            + f"""try:
    response = requests.post(url, headers=headers, json=data, timeout=120)
    response.raise_for_status()  # Raises an HTTPError for bad responses (4XX or 5XX)
    result = response.json()
    print({_PY_RESULT[spec.protocol]})
except requests.exceptions.HTTPError as http_err:
    print(f"HTTP error occurred: {{http_err}} - {{response.text}}")
"""
        )
    return (
        head
        + """with requests.post(url, headers=headers, json=data, stream=True, timeout=120) as response:
    response.raise_for_status()
    for raw in response.iter_lines():
        line = raw.decode("utf-8")
        if line.startswith("data:"):  # skip blank lines, comments and event names
            payload = line[5:].strip()
"""
        + _PY_STREAM[spec.protocol]
        + "print()\n"
    )


_SDK_USE = {  # (client line, streamed call and loop, whole call and print); @ARGS@ is the call's arguments
    "openai": (
        "from openai import OpenAI\n\nclient = OpenAI(",
        "stream = client.chat.completions.create(\n@ARGS@\n)\nfor chunk in stream:\n"
        "    if chunk.choices and chunk.choices[0].delta.content:\n"
        '        print(chunk.choices[0].delta.content, end="", flush=True)\nprint()\n',
        "completion = client.chat.completions.create(\n@ARGS@\n)\nprint(completion.choices[0].message.content)\n",
    ),
    "anthropic": (
        "import anthropic\n\nclient = anthropic.Anthropic(",
        "with client.messages.stream(\n@ARGS@\n) as stream:\n"
        '    for text in stream.text_stream:\n        print(text, end="", flush=True)\nprint()\n',
        "message = client.messages.create(\n@ARGS@\n)\n"
        'print("".join(block.text for block in message.content if block.type == "text"))\n',
    ),
}


def python_sdk(spec: Spec) -> str:
    """Python with the official ``openai`` package (or ``anthropic`` for the Messages protocol)."""
    anthropic = spec.protocol == "anthropic"
    allowed = ANTHROPIC_SDK_ARGS if anthropic else OPENAI_SDK_ARGS
    args = {k: v for k, v in spec.body.items() if k in allowed}
    extra = {k: v for k, v in spec.body.items() if k not in allowed and k != "stream"}
    if not anthropic or not spec.stream:
        args["stream"] = spec.stream  # messages.stream() sets it itself
    lines = [f"    {k}={literal(v, 'python', 1)}," for k, v in args.items()]
    if extra:
        lines.append(f"    extra_body={literal(extra, 'python', 1)},")
    base = spec.url.removesuffix("/v1/messages" if anthropic else "/chat/completions")
    client, streamed, whole = _SDK_USE[spec.protocol]
    head = f"import os\n\n{client}\n    base_url={literal(base, 'python')},\n{_sdk_auth(spec, anthropic)}"
    head += _sdk_conversation(spec) + ")\n\n"
    return head + (streamed if spec.stream else whole).replace("@ARGS@", "\n".join(lines))


def _sdk_conversation(spec: Spec) -> str:
    """The conversation header as the client's ``default_headers`` (xAI), with its comment; "" without one."""
    if not spec.conversation_header:
        return ""
    name = spec.conversation_header
    value = literal({name: spec.headers[name]}, "python", 1)
    return f"{comment(spec, '#', '    ')}    default_headers={value},\n"


def _sdk_auth(spec: Spec, anthropic: bool) -> str:
    """The client's key arguments: Bearer (``auth_token`` for anthropic), or ``x-api-key``."""
    env = f'os.environ.get("{spec.key_env}", "{KEY_PLACEHOLDER}")'
    version = f'    default_headers={{"anthropic-version": "{ANTHROPIC_VERSION}"}},\n' if anthropic else ""
    if not uses_key(spec):
        return '    api_key="none",  # this server takes no key\n' + version
    bearer = any(isinstance(v, KeyRef) and v.prefix for v in spec.headers.values())
    if anthropic and bearer:
        return f"    auth_token={env},\n" + version
    if anthropic:
        return f"    api_key={env},  # x-api-key (newer SDK releases send it as Bearer; both work)\n" + version
    if "x-api-key" in spec.headers:
        return f'    api_key={env},\n    default_headers={{"x-api-key": {env}}},\n'
    return f"    api_key={env},\n"
