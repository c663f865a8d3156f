#!/usr/bin/env python3
"""Regenerates gguf_template_cases.json: the tokenizer.chat_template embedded in the shared
vocabulary GGUFs, rendered by Python Jinja2 (configured as transformers does) for the golden
conversations of ../../shared/golden/templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.
Run by hand; CI only reads the JSON (and reads the templates from the GGUFs itself)."""
import glob, json, os, struct, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_jinja_cases import env  # noqa: E402  (same Jinja2 environment)

SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../shared")
SIZES = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}


def read(f, fmt):
    return struct.unpack("<" + fmt, f.read(struct.calcsize("<" + fmt)))[0]


def read_str(f):
    return f.read(read(f, "Q")).decode("utf-8")


def read_value(f, t):
    if t == 8:
        return read_str(f)
    if t == 9:
        at, n = read(f, "I"), read(f, "Q")
        if at in SIZES:
            f.seek(n * struct.calcsize("<" + SIZES[at]), 1)
        else:
            for _ in range(n):
                read_value(f, at)
        return None
    return read(f, SIZES[t])


def chat_template(path):
    with open(path, "rb") as f:
        assert f.read(4) == b"GGUF"
        read(f, "I")
        read(f, "Q")
        for _ in range(read(f, "Q")):
            key, t = read_str(f), None
            t = read(f, "I")
            value = read_value(f, t)
            if key == "tokenizer.chat_template":
                return value
    return None


def main():
    golden = sorted(glob.glob(os.path.join(SHARED, "golden/templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B/*.json")))
    cases = []
    for path in sorted(glob.glob(os.path.join(SHARED, "vocab/*.gguf"))):
        src = chat_template(path)
        if src is None:
            continue
        tmpl = env.from_string(src)
        for g in golden:
            d = json.load(open(g, encoding="utf-8"))
            case = {"vocab": os.path.basename(path), "case": d["case"], "bos_token": d["bos_token"],
                    "eos_token": d["eos_token"], "context": d["context"]}
            try:
                case["rendered"] = tmpl.render(bos_token=d["bos_token"], eos_token=d["eos_token"], **d["context"])
            except Exception as e:  # noqa: BLE001 — recorded as the expected failure
                case["error"] = f"{type(e).__name__}: {e}"
            cases.append(case)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gguf_template_cases.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()
