"""The code-sample renderers: one request (a ``Spec``) as JavaScript, cURL or PHP, the key read from the
environment, and the table of every language's renderer (Python's in ``render_python``)."""

from __future__ import annotations

import json

from playground.snippets.render_python import python_requests, python_sdk
from playground.snippets.spec import KeyRef, Spec, comment, literal, uses_key
from playground.wire.request import KEY_PLACEHOLDER

_SENTINEL = "\x00API_KEY\x00"


_JS_STREAM = {
    "openai": """      if (payload === "[DONE]") return;
      const chunk = JSON.parse(payload);
      if (chunk.error) throw new Error(JSON.stringify(chunk.error));
      const text = chunk.choices?.[0]?.delta?.content;
      if (text) process.stdout.write(text);
""",
    "anthropic": """      const event = JSON.parse(payload);
      if (event.type === "error") throw new Error(JSON.stringify(event.error));
      if (event.delta?.type === "text_delta") process.stdout.write(event.delta.text);
""",
}


_JS_RESULT = {
    "openai": "result.choices[0].message.content",
    "anthropic": 'result.content.filter((block) => block.type === "text").map((block) => block.text).join("")',
}


def javascript(spec: Spec) -> str:
    """JavaScript with ``fetch`` (Node 18+)."""
    head = f'const API_KEY = process.env.{spec.key_env} ?? "{KEY_PLACEHOLDER}";\n\n' if uses_key(spec) else ""
    head += f"const url = {literal(spec.url, 'js')};\n\nconst data = {literal(spec.body, 'js')};\n\n"
    head += 'async function main() {\n  const response = await fetch(url, {\n    method: "POST",\n'
    head += f"{comment(spec, '//', '    ')}    headers: {literal(spec.headers, 'js', 1)},\n"
    head += "    body: JSON.stringify(data),\n  });\n"
    head += "  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);\n"
    tail = "}\n\nmain().catch((err) => {\n  console.error(err);\n  process.exitCode = 1;\n});\n"
    if not spec.stream:
        shown = _JS_RESULT[spec.protocol]
        return head + f"  const result = await response.json();\n  console.log({shown});\n{tail}"
    return (
        head
        + """  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const lines = buffer.split("\\n");
    buffer = lines.pop();
    for (const line of lines) {
      if (!line.startsWith("data:")) continue; // blank lines, comments and event names
      const payload = line.slice(5).trim();
"""
        + _JS_STREAM[spec.protocol]
        + "    }\n  }\n"
        + tail
    )


def _sh(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def curl(spec: Spec) -> str:
    """A cURL command line (POSIX shell); the key comes from the environment or stays the placeholder."""
    key = f"${{{spec.key_env}:-{KEY_PLACEHOLDER}}}"
    lines = [f"curl -sS{' -N' if spec.stream else ''} -X POST {_sh(spec.url)}"]
    for name, value in spec.headers.items():
        header = f'"{name}: {value.prefix}{key}"' if isinstance(value, KeyRef) else _sh(f"{name}: {value}")
        lines.append(f"-H {header}")
    body = {k: _SENTINEL if isinstance(v, KeyRef) else v for k, v in spec.body.items()}
    text = _sh(json.dumps(body, indent=2, ensure_ascii=False))
    lines.append("-d " + text.replace(json.dumps(_SENTINEL)[1:-1], f"'\"{key}\"'"))
    return comment(spec, "#") + " \\\n  ".join(lines) + "\n"


_PHP_STREAM = {
    "openai": """    if ($payload === '[DONE]') {
        break;
    }
    $chunk = json_decode($payload, true);
    if (isset($chunk['error'])) {
        fwrite(STDERR, json_encode($chunk['error']) . PHP_EOL);
        exit(1);
    }
    echo $chunk['choices'][0]['delta']['content'] ?? '';
""",
    "anthropic": """    $event = json_decode($payload, true);
    if (($event['type'] ?? '') === 'error') {
        fwrite(STDERR, json_encode($event['error']) . PHP_EOL);
        exit(1);
    }
    if (($event['delta']['type'] ?? '') === 'text_delta') {
        echo $event['delta']['text'];
    }
""",
}


_PHP_RESULT = {
    "openai": "$result['choices'][0]['message']['content']",
    "anthropic": "implode('', array_column(array_filter($result['content'], fn ($b) => $b['type'] === 'text'),"
    " 'text'))",
}


def php(spec: Spec) -> str:
    """PHP with the built-in HTTP stream wrapper (no extension needed)."""
    headers = [
        KeyRef(f"{k}: {v.prefix}") if isinstance(v, KeyRef) else f"{k}: {v}" for k, v in spec.headers.items()
    ]
    head = "<?php\n\n"
    head += f"$apiKey = getenv('{spec.key_env}') ?: '{KEY_PLACEHOLDER}';\n\n" if uses_key(spec) else ""
    head += f"$url = {literal(spec.url, 'php')};\n\n$data = {literal(spec.body, 'php')};\n\n"
    head += f"""$context = stream_context_create(['http' => [
    'method' => 'POST',
{comment(spec, "//", "    ")}    'header' => {literal(headers, "php", 1)},
    'content' => json_encode($data, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE),
    'protocol_version' => 1.1,
    'ignore_errors' => true,
    'timeout' => 120,
]]);

"""
    if not spec.stream:
        return (
            head
            + f"""$response = file_get_contents($url, false, $context);
$result = json_decode($response, true);
if (!is_array($result) || isset($result['error'])) {{
    fwrite(STDERR, 'Request failed: ' . $response . PHP_EOL);
    exit(1);
}}
echo {_PHP_RESULT[spec.protocol]}, PHP_EOL;
"""
        )
    return (
        head
        + """$stream = fopen($url, 'r', false, $context);
if ($stream === false) {
    fwrite(STDERR, 'Request failed' . PHP_EOL);
    exit(1);
}
while (($line = fgets($stream)) !== false) {
    $line = trim($line);
    if (strncmp($line, 'data:', 5) !== 0) {
        continue; // blank lines, comments and event names
    }
    $payload = trim(substr($line, 5));
"""
        + _PHP_STREAM[spec.protocol]
        + "    flush();\n}\nfclose($stream);\necho PHP_EOL;\n"
    )


RENDERERS = {
    "python_requests": python_requests,
    "python_sdk": python_sdk,
    "javascript": javascript,
    "curl": curl,
    "php": php,
}
