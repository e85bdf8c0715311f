"""Where a streamed Markdown text may be cut for good (the live reply redraws only what comes after the cut)."""

from playground.chat.coalesce import settled_end

DOC = "Intro paragraph.\n\n```py\nx = 1\n\ny = 2\n```\n\n- one\n\n  still item one\n\nLast words"


def test_cuts_after_the_last_blank_line_before_an_unindented_line():
    cut = settled_end(DOC, min_segment=1)
    assert DOC[cut:] == "Last words"


def test_never_cuts_inside_a_code_fence_or_before_an_indented_line():
    cuts = set()
    for end in range(len(DOC) + 1):
        text = DOC[:end]
        cut = settled_end(text, min_segment=1)
        cuts.add(cut)
        head = text[:cut]
        assert head.count("```") % 2 == 0, repr(head)  # outside code
        assert cut == 0 or (head.endswith("\n\n") and not text[cut : cut + 1].isspace()), repr(text)
    assert cuts == {0, DOC.index("```"), DOC.index("- one"), DOC.index("Last words")}


def test_waits_for_the_next_line_to_start():
    assert settled_end("Para one.\n\n", min_segment=1) == 0  # it could still become an indented continuation
    assert settled_end("Para one.\n\n  ", min_segment=1) == 0
    assert settled_end("Para one.\n\nP", min_segment=1) == len("Para one.\n\n")


def test_minimum_segment_and_start():
    text = "a\n\nb\n\n" + "c" * 50 + "\n\nd"
    assert settled_end(text, min_segment=100) == 0  # too short to be worth a cut
    assert settled_end(text, min_segment=5) == len(text) - 1
    assert settled_end(text, start=3, min_segment=1) == len(text) - 1
    assert settled_end(text, start=len(text) - 1, min_segment=1) == len(text) - 1  # nothing after start


def test_the_pieces_put_back_together_are_the_text():
    text = ("Some words here.\n\n" * 300) + "```\ncode\n\nmore\n```\n\nend"
    pieces, start = [], 0
    for end in range(0, len(text) + 1, 37):
        cut = settled_end(text[:end], start=start, min_segment=200)
        assert cut >= start
        if cut > start:
            pieces.append(text[start:cut])
            start = cut
    pieces.append(text[start:])
    assert "".join(pieces) == text and len(pieces) > 10
