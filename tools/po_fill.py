"""Fill empty msgstr entries of a .po file from a JSON dictionary {msgid: msgstr}.

    python tools/po_fill.py locale/zh_Hans/LC_MESSAGES/django.po locale/zh_Hans.json

Keeps the .po as Django's makemessages writes it; only single-line msgids are matched, and entries
already translated are left alone (the .po stays the source of truth; the JSON is a working list)."""

import json
import re
import sys


def unquote(s: str) -> str:
    return json.loads(s)


def main(po_path: str, json_path: str) -> None:
    table = json.load(open(json_path, encoding="utf-8"))
    lines = open(po_path, encoding="utf-8").read().split("\n")
    out, filled, i = [], 0, 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        m = re.match(r'^msgid (".*")$', line)
        if m and i + 1 < len(lines):
            msgid = unquote(m.group(1))
            nxt = lines[i + 1]
            if nxt == 'msgstr ""' and (i + 2 >= len(lines) or not lines[i + 2].startswith('"')) and msgid in table:
                out.append("msgstr " + json.dumps(table[msgid], ensure_ascii=False))
                filled += 1
                i += 2
                continue
        i += 1
    text = "\n".join(out).replace("#, fuzzy\nmsgid \"\"", "msgid \"\"", 1)
    open(po_path, "w", encoding="utf-8").write(text)
    print(f"filled {filled}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
