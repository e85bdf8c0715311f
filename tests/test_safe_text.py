"""Server text shown literally and remote images not loaded (issue 12, finding 8): the text functions."""

from __future__ import annotations

import pytest

from playground.text import block_remote_images, label_text, plain

PHISH = "Session expired. [Re-enter your key](https://phish.example/login) ![logo](https://phish.example/p.png)"


def test_plain_makes_server_text_a_code_span_whatever_it_contains():
    """Finding 8: a 401 body's Markdown link and image were live inside the app's error box."""
    shown = plain(PHISH + " **bold** :red[alarm] $x$ <b>x</b>\nnext line")
    assert shown == "` " + PHISH + " **bold** :red[alarm] $x$ <b>x</b> next line `"
    assert plain("a `tick` and ``two``") == "``` a `tick` and ``two`` ```"
    assert plain("") == ""


@pytest.mark.parametrize(
    ("markdown", "host"),
    [
        ("See ![chart](https://img.example/c.png?system=leak) here", "img.example"),
        ('![a](<https://img.example/x.png> "title")', "img.example"),
        ("![ref][pic]\n\n[pic]: https://ref.example/x.png", "ref.example"),
        ("![pic]\n\n[pic]: https://short.example/x.png", "short.example"),
        ("![](//proto.example/x.png)", "proto.example"),
    ],
)
def test_remote_images_become_links_naming_the_host(markdown, host):
    """Finding 8: an image in model output was loaded by the browser, leaking to its host."""
    shown = block_remote_images(markdown)
    assert "![" not in shown and f"image from {host}, not loaded" in shown


def test_code_is_left_as_it_is():
    text = "Inline `![x](https://code.example/a.png)` and\n"
    text += "```\n![y](https://fence.example/b.png)\n```\nthen ![z](https://after.example/c.png)"
    shown = block_remote_images(text)
    assert "`![x](https://code.example/a.png)`" in shown  # code is shown as code
    assert "![y](https://fence.example/b.png)" in shown
    assert "image from after.example" in shown


def test_text_without_images_is_unchanged():
    text = "Hello! Here is a [link](https://example.com) and 3! = 6."
    assert block_remote_images(text) == text


def test_label_text_keeps_plain_names_and_quotes_the_rest():
    """Button labels render Markdown (links, images): a server's model id goes in as plain text."""
    assert label_text("x-ai-grok-3-mini") == "x-ai-grok-3-mini"
    assert label_text("![p](https://img.example/p.png)") == "` ![p](https://img.example/p.png) `"
