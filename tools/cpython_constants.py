#!/usr/bin/env python3
"""Writes tools/reference/cpython/socket_constants.json: every integer and
string constant that CPython's socket module defines, read from
Modules/socketmodule.c.

Each entry keeps what decides the name and its value on a given OS: the C
expression CPython passes, and the preprocessor condition around it (the
#if/#ifdef/#else chain, joined with &&). tools/gen_tables.py compiles these
against each OS's headers, so the table holds exactly the names Python has
there, with the values its headers give.

Run when CPython adds names, with a checkout of CPython:
    python3 tools/cpython_constants.py PATH/TO/Modules/socketmodule.c COMMIT
"""
import json, os, re, sys

OUT = os.path.join(os.path.dirname(__file__), "reference", "cpython", "socket_constants.json")


def lines_of(text):
    """Source lines with continuations joined and comments removed."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return text.replace("\\\n", " ").split("\n")


def extract(text):
    start = text.index("socket_exec(PyObject *m)")
    end = text.index("#undef ADD_INT_MACRO", start)
    frames = []  # per open #if: [condition of each branch so far, condition now in force]
    entries = []
    pending = ""  # an ADD_* call that spans lines
    in_names = False

    def condition():
        return " && ".join(f[1] for f in frames if f[1])

    def add(entry):
        cond = condition()
        if cond:
            entry["if"] = cond
        entries.append(entry)

    for raw in lines_of(text[start:end]):
        line = raw.strip()
        m = re.match(r"#\s*(\w+)\s*(.*)", line)
        if m:
            word, rest = m.group(1), m.group(2).strip()
            opened = {"ifdef": f"defined({rest})", "ifndef": f"!defined({rest})", "if": rest}
            if word in opened:
                frames.append([[opened[word]], opened[word]])
            elif word in ("elif", "else"):
                branches = frames[-1][0]
                now = [f"!({c})" for c in branches] + ([f"({rest})"] if word == "elif" else [])
                branches.append(rest)
                frames[-1][1] = " && ".join(now)
            elif word == "endif":
                frames.pop()
            elif word == "define":
                d = re.match(r"(\w+)\s+(.+)$", rest)
                if d and not d.group(1).startswith(("ADD_", "__")):
                    add({"define": d.group(1), "value": d.group(2).strip()})
            continue
        if in_names:
            for name in re.findall(r'"(\w+)"', line):
                add({"name": name, "value": name, "unsigned": True})
            in_names = "};" not in line
            continue
        if re.search(r"const char \*names\[\]", line):
            for name in re.findall(r'"(\w+)"', line):
                add({"name": name, "value": name, "unsigned": True})
            in_names = "};" not in line
            continue
        if pending or re.match(r"ADD_(INT_MACRO|INT_CONST|STR_CONST)\(", line):
            pending += " " + line
            if not pending.rstrip().endswith(";"):
                continue
            call, pending = pending.strip(), ""
            macro = re.match(r"ADD_INT_MACRO\(m,\s*(\w+)\);", call)
            const = re.match(r'ADD_INT_CONST\(m,\s*"(\w+)",\s*(.+)\);', call)
            text = re.match(r'ADD_STR_CONST\(m,\s*"(\w+)",\s*"([^"]*)"\);', call)
            if text:
                add({"name": text.group(1), "string": text.group(2)})
            elif macro:
                add({"name": macro.group(1), "value": macro.group(1)})
            elif const:
                add({"name": const.group(1), "value": const.group(2).strip()})
            else:
                raise SystemExit(f"cannot read: {call}")
    if frames:
        raise SystemExit(f"unbalanced #if: {frames}")
    return entries


def main():
    path, commit = sys.argv[1], sys.argv[2]
    entries = extract(open(path).read())
    data = {
        "_source": f"CPython Modules/socketmodule.c at commit {commit}, function socket_exec(): "
                   "each integer name with the C expression CPython gives it (or a string "
                   "constant with its text), and the preprocessor condition it is defined under. Written by tools/cpython_constants.py.",
        "entries": entries,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:  # one entry a line, so a diff shows what CPython changed
        f.write('{\n "_source": ' + json.dumps(data["_source"]) + ',\n "entries": [\n')
        f.write(",\n".join("  " + json.dumps(e) for e in entries) + "\n ]\n}\n")
    names = {e["name"] for e in entries if "name" in e}
    print(f"{len(names)} names, {len(entries)} entries -> {OUT}")


if __name__ == "__main__":
    main()
