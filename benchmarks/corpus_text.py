"""Hand-written sample text for the token-estimator corpus (English, chat prompts, CJK, emoji, code) and the
seeded generators of JSON values and emoji sequences."""

import random
import unicodedata

PROSE = [
    "The harbour town woke slowly. Fishermen hauled their nets onto the quay while gulls argued over the scraps, "
    "and the baker on Mill Street pulled the first trays of bread from an oven older than anyone could remember. "
    "By eight o'clock the ferry had sounded its horn twice, and the children were running late for school again.",
    "Quantum computers store information in qubits, which can represent a zero, a one, or a weighted mixture of "
    "both at the same time. When many qubits are entangled, the machine can explore a very large space of "
    "possibilities in parallel. The catch is that the answer has to be read out by measurement, which collapses "
    "the state, so useful algorithms arrange for the wrong answers to cancel out and the right one to survive.",
    "Our quarterly revenue grew by eleven percent, driven mainly by the subscription business in Europe and a "
    "strong holiday season. Operating costs rose faster than planned because we hired ahead of demand, and the "
    "board has asked management to present a revised hiring plan before the next meeting in September.",
    "If you are reading this, the migration finished without errors. Please check that your saved settings look "
    "right, sign out and back in on every device you use, and tell us within two weeks if anything is missing. "
    "After that we will delete the old copies for good, as promised in our privacy notice.",
    "She had never liked the word 'ordinary'. It sounded like a door closing. Yet here she was, forty-two years "
    "old, standing in an ordinary kitchen, holding an ordinary letter that would change everything she thought "
    "she knew about her father, her brother, and the summer the lake froze over in July.",
    "Photosynthesis converts light energy into chemical energy. Chlorophyll absorbs mostly blue and red light, "
    "which is why leaves look green to us. The light reactions split water and release oxygen, while the Calvin "
    "cycle uses carbon dioxide from the air to build sugars that the plant can store or burn for energy later.",
    "To reset the router, hold the small button on the back for ten seconds until the lights blink amber. Wait "
    "about two minutes for it to restart, then connect to the network printed on the sticker underneath. The "
    "default password is also on that sticker; change it as soon as you have signed in to the admin page.",
    "Historians still disagree about why the empire declined so quickly. Some point to a series of poor harvests "
    "and the plague that followed; others blame civil wars, debased coinage and an overstretched army. Most now "
    "accept that no single cause is enough, and that the crisis looked very different from the provinces.",
    "Dear Ms. Patel, thank you for your application for the position of senior data analyst. We were impressed "
    "by your experience with forecasting models and would like to invite you to an interview on Thursday at "
    "10:30 a.m. Please let us know whether this time suits you, or suggest another slot later in the week.",
    "Mix the flour, sugar and a pinch of salt in a large bowl. Rub in the cold butter until the mixture looks "
    "like breadcrumbs, then add the egg and just enough milk to bring the dough together. Chill it for half an "
    "hour, roll it out thinly, and bake at 180 degrees until the edges are golden.",
    "The committee reviewed forty-seven proposals this year, more than double the number we received last year. "
    "Reviewers scored each one for originality, feasibility and expected impact, and the twelve highest-ranked "
    "projects have been offered funding for an initial period of eighteen months, subject to the usual checks.",
    "Rain again. The tent leaks at the seams and everything smells of wet wool, but the view from the ridge this "
    "morning made up for it: a whole valley of cloud below us, with the peaks sticking out like islands. We "
    "packed up in silence, ate cold porridge, and started down the long scree slope towards the hut.",
    "Large language models predict the next token in a sequence. A tokenizer first cuts the text into pieces "
    "from a fixed vocabulary, so common words become a single token while rare words, numbers and other "
    "scripts are split into several. Prices and context limits are counted in these tokens, not in words.",
    "Before you submit the form, make sure that every required field is filled in and that the attachments are "
    "in PDF format. Incomplete applications cannot be processed. If you need help, our support team is "
    "available Monday to Friday between nine and five, except on public holidays.",
]

CHAT = [
    "Explain quantum computing in simple terms.",
    "Write a Python function to sort a list of dictionaries by the value of a given key.",
    "Create a marketing email for a SaaS product that helps small teams track their time.",
    "Compare REST vs GraphQL APIs. When would you choose one over the other?",
    "Summarise the following paragraph in two sentences and keep the tone neutral.",
    "You are a helpful assistant. Answer concisely and cite your sources when you can.",
    "What is the difference between a process and a thread? Give an example of each.",
    "Translate 'Where is the nearest train station?' into French, German and Spanish.",
    "Can you help me plan a three-day trip to Lisbon on a modest budget? I like food and museums.",
    "Rewrite this sentence so it sounds more formal: we can't make it to the meeting tomorrow, sorry.",
    "I keep getting a 'connection refused' error when my app calls the database. What should I check first?",
    "Give me five ideas for a birthday party for a seven-year-old who loves dinosaurs.",
    "Why is the sky blue during the day but red and orange at sunset?",
    "List the pros and cons of remote work for a company with about fifty employees.",
    "Write a haiku about debugging late at night.",
    "How many tokens does a typical English word use, and why does it matter for API pricing?",
]

CODE = [
    "SELECT u.id, u.email, COUNT(o.id) AS orders\nFROM users AS u\nLEFT JOIN orders AS o ON o.user_id = u.id\n"
    "WHERE u.created_at >= '2024-01-01'\nGROUP BY u.id, u.email\nHAVING COUNT(o.id) > 3\nORDER BY orders DESC\n"
    "LIMIT 50;\n",
    '#!/usr/bin/env bash\nset -euo pipefail\n\nfor f in "$@"; do\n  if [[ -f "$f" ]]; then\n'
    '    wc -l "$f"\n  else\n    echo "missing: $f" >&2\n    exit 1\n  fi\ndone\n',
    "export async function fetchJson(url, { retries = 3, timeoutMs = 5000 } = {}) {\n"
    "  for (let attempt = 0; attempt <= retries; attempt++) {\n    const controller = new AbortController();\n"
    "    const timer = setTimeout(() => controller.abort(), timeoutMs);\n    try {\n"
    "      const res = await fetch(url, { signal: controller.signal });\n"
    "      if (!res.ok) throw new Error(`HTTP ${res.status}`);\n      return await res.json();\n"
    "    } catch (err) {\n      if (attempt === retries) throw err;\n    } finally {\n"
    "      clearTimeout(timer);\n    }\n  }\n}\n",
    'fn main() {\n    let words = vec!["alpha", "beta", "gamma"];\n'
    "    let total: usize = words.iter().map(|w| w.len()).sum();\n"
    '    println!("{} words, {} letters", words.len(), total);\n}\n',
    'package main\n\nimport (\n\t"fmt"\n\t"net/http"\n)\n\n'
    "func handler(w http.ResponseWriter, r *http.Request) {\n"
    '\tfmt.Fprintf(w, "hello, %s\\n", r.URL.Path[1:])\n}\n\nfunc main() {\n\thttp.HandleFunc("/", handler)\n'
    '\thttp.ListenAndServe("127.0.0.1:8080", nil)\n}\n',
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n  <title>Playground</title>\n'
    '  <link rel="stylesheet" href="/static/main.css">\n</head>\n<body>\n'
    '  <main id="app" class="container">\n    <h1>Hello</h1>\n'
    '    <button type="button" onclick="send()">Send</button>\n  </main>\n</body>\n</html>\n',
    'def merge_sorted(a: list[int], b: list[int]) -> list[int]:\n    """Merge two sorted lists."""\n'
    "    i = j = 0\n    out = []\n    while i < len(a) and j < len(b):\n        if a[i] <= b[j]:\n"
    "            out.append(a[i]); i += 1\n        else:\n            out.append(b[j]); j += 1\n"
    "    return out + a[i:] + b[j:]\n",
    "#include <stdio.h>\n#include <stdlib.h>\n\nint main(int argc, char **argv) {\n"
    '    if (argc < 2) {\n        fprintf(stderr, "usage: %s N\\n", argv[0]);\n        return EXIT_FAILURE;\n'
    '    }\n    long n = strtol(argv[1], NULL, 10);\n    for (long i = 0; i < n; ++i) printf("%ld\\n", i * i);\n'
    "    return 0;\n}\n",
]

CJK = {
    "zh": [
        "今天天气很好，我们一起去公园散步吧。",
        "这个模型可以回答问题、写代码，还能帮助你总结长篇文章。",
        "请把下面这段话翻译成英文，并保持原来的语气。",
        "量子计算利用量子比特的叠加和纠缠来处理信息。",
        "我们公司的第三季度收入比去年同期增长了百分之十二。",
        "如果你遇到连接错误，请先检查网络设置，然后重新启动应用程序。",
        "他在北京大学学习计算机科学，毕业后去了上海工作。",
        "春节期间，很多人会回家和家人一起吃年夜饭。",
    ],
    "zh_TW": [
        "這是一個用於測試繁體中文的句子，包含了常見的詞語。",
        "請在下方輸入您的電子郵件地址，我們會盡快與您聯繫。",
    ],
    "ja": [
        "今日はとても良い天気ですね。散歩に行きませんか。",
        "このモデルは質問に答えたり、文章を要約したりすることができます。",
        "東京駅から新幹線に乗って、京都まで約二時間半かかります。",
        "エラーが発生しました。しばらくしてからもう一度お試しください。",
        "私は毎朝コーヒーを飲みながらニュースを読みます。",
        "プログラミングを始めるなら、まずPythonを勉強するのがおすすめです。",
    ],
    "ko": [
        "오늘 날씨가 정말 좋네요. 같이 산책하러 갈까요?",
        "이 모델은 질문에 답하고 긴 글을 요약할 수 있습니다.",
        "서울에서 부산까지 기차로 약 세 시간이 걸립니다.",
        "오류가 발생했습니다. 잠시 후 다시 시도해 주세요.",
        "저는 매일 아침 커피를 마시면서 뉴스를 읽습니다.",
        "한국어와 영어를 모두 할 수 있는 개발자를 찾고 있습니다.",
    ],
}

EMOJI = [
    "Happy birthday! 🎂🎉 Hope you have an amazing day 😊",
    "Just landed in Tokyo ✈️🇯🇵 can't wait to try the ramen 🍜",
    "Great job on the launch team 🚀🔥👏👏",
    "Running 10 minutes late 🏃‍♀️💨 sorry!!",
    "Who else is ready for the weekend? 🙌😎🍻",
    "New blog post is live 📝👉 link in bio",
    "Our family trip 👨‍👩‍👧‍👦🏖️☀️ best week ever ❤️",
    "Thanks so much 🙏 that really helped 💯",
    "Game night tonight 🎲🃏 bring snacks 🍕🍿",
    "Weather update: 🌧️ then ⛅ and finally ☀️ by the afternoon",
    "lol 😂😂😂 I can't believe that happened",
    "Merry Christmas 🎄🎁⛄ and a happy new year 🥂✨",
    "Coffee first ☕ then emails 📧 then maybe the gym 🏋🏽‍♂️",
    "Congrats on the new job! 🥳💼👍🏻",
    "Don't forget: meeting at 3pm 📅⏰",
    "Love this song 🎶🎧 on repeat all day 🔁",
]


# ---- generators -----------------------------------------------------------------------------------------

WORDS = (
    "id name user email created_at updated_at status items price currency total count enabled tags "
    "description title url type value data meta page limit offset error message code role content model "
    "temperature max_tokens choices index delta usage prompt_tokens completion_tokens address city country "
    "latitude longitude version config options timeout retries labels annotations spec kind"
).split()


def json_value(rng: random.Random, depth: int) -> object:
    """A random JSON value, nested up to ``depth``."""
    kind = rng.choice("sssnnfbxdl" if depth > 0 else "sssnnfbx")
    if kind == "s":
        stamp = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:{rng.randint(0, 59):02d}:00Z"
        name, url = f"{rng.choice(WORDS)}-{rng.randint(1, 9999)}", f"https://example.com/{rng.choice(WORDS)}"
        return rng.choice(
            [" ".join(rng.choices(WORDS, k=rng.randint(1, 6))), rng.choice(CHAT)[:60], stamp, name, url]
        )
    if kind == "n":
        return rng.randint(0, 10 ** rng.randint(1, 9))
    if kind == "f":
        return round(rng.uniform(-1000, 1000), rng.randint(1, 6))
    if kind == "b":
        return rng.random() < 0.5
    if kind == "x":
        return None
    if kind == "l":
        return [json_value(rng, depth - 1) for _ in range(rng.randint(0, 5))]
    return {k: json_value(rng, depth - 1) for k in rng.sample(WORDS, rng.randint(1, 6))}


EMOJI_RANGES = (
    (0x1F600, 0x1F64F),
    (0x1F300, 0x1F5FF),
    (0x1F680, 0x1F6FF),
    (0x1F900, 0x1F9FF),
    (0x2600, 0x26FF),
    (0x2700, 0x27BF),
)


def emoji(rng: random.Random) -> str:
    """One emoji, sometimes with a skin tone, variation selector, ZWJ sequence, flag or keycap."""
    r = rng.random()
    if r < 0.05:
        return chr(0x1F1E6 + rng.randrange(26)) + chr(0x1F1E6 + rng.randrange(26))
    if r < 0.08:
        return rng.choice("0123456789#") + "\ufe0f\u20e3"
    while True:
        lo, hi = rng.choice(EMOJI_RANGES)
        ch = chr(rng.randint(lo, hi))
        if unicodedata.name(ch, ""):
            break
    if r < 0.18:
        return ch + chr(rng.randint(0x1F3FB, 0x1F3FF))
    if r < 0.28:
        return ch + "\ufe0f"
    if r < 0.36:
        return ch + "\u200d" + emoji(rng)
    return ch
