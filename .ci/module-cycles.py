#!/usr/bin/env python3
"""Fails when modules of src/ depend on each other in a circle.

Each file is a module (`src/store/work.rs` is `store::work`, a `mod.rs` its
folder). Every `crate::…`, `super::…` and `self::…` path it names is an edge,
lifted to the two siblings under the modules' lowest common ancestor: a use
of `crate::store::work::Lease` in `engine/scheduler.rs` is the edge
engine → store; one of `super::sessions` in `store/work.rs` is
store::work → store::sessions. A module using its own parent or child is
not an edge (a folder's `mod.rs` declares its children, and children use
what their parent defines). Any cycle among siblings is printed, and the
exit status is 1.

Usage: python3 .ci/module-cycles.py [SRC_DIR]   (default: src)
"""
import re
import sys
from pathlib import Path

SRC = Path(sys.argv[1] if len(sys.argv) > 1 else "src")
PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+|::\{)")


def module_of(path: Path) -> tuple:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts.pop()
    return tuple(parts)


def strip_comments(text: str) -> str:
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def brace_paths(text: str, start: int, prefix: list) -> list:
    """Expands `prefix::{a::b, c, d::{e}}` starting after the `{`."""
    paths, depth, item, i = [], 1, "", start
    while i < len(text) and depth:
        ch = text[i]
        if ch == "{":
            sub = brace_paths(text, i + 1, prefix + [p for p in item.strip().strip(":").split("::") if p])
            paths.extend(sub[0])
            i = sub[1]
            item = ""
            continue
        if ch == "}":
            depth -= 1
        if ch in ",}":
            names = [p for p in item.strip().split(" as ")[0].split("::") if p]
            if names:
                paths.append(prefix + names)
            item = ""
        else:
            item += ch
        i += 1
    return paths, i


def referenced(module: tuple, text: str, modules: set) -> set:
    targets = set()
    for m in PATH.finditer(text):
        root, rest = m.group(1), m.group(2)
        if rest == "::{":
            tails, _ = brace_paths(text, m.end(), [])
        else:
            tails = [rest.strip(":").split("::")]
        for tail in tails:
            base = [] if root == "crate" else list(module)
            names = list(tail)
            while names and names[0] in ("super", "self"):
                if names[0] == "super":
                    base = base[:-1]
                names.pop(0)
            if root == "super":
                base = base[:-1]
            full = tuple(base + names)
            # The longest module prefix of the path is what it depends on.
            while full and full not in modules:
                full = full[:-1]
            targets.add(full)
    return targets


def main() -> int:
    files = sorted(SRC.rglob("*.rs"))
    modules = {module_of(f) for f in files}
    # Test-only modules (`#[cfg(test)] mod tests;` folders) are left out:
    # they may use anything of the module they test.
    edges = {}
    for f in files:
        source = module_of(f)
        if "tests" in source or (source and source[-1] == "plans"):
            continue
        text = strip_comments(f.read_text())
        text = re.split(r"#\[cfg\(test\)\]\s*mod\s+tests\s*\{", text)[0]
        for target in referenced(source, text, modules):
            if "tests" in target:
                continue
            common = 0
            while common < min(len(source), len(target)) and source[common] == target[common]:
                common += 1
            if common == len(source) or common == len(target):
                continue  # itself, an ancestor or a descendant
            a, b = source[: common + 1], target[: common + 1]
            edges.setdefault(a, set()).add(b)
    cycles = find_cycles(edges)
    for cycle in cycles:
        print("cycle: " + " -> ".join("::".join(m) for m in cycle))
    if cycles:
        return 1
    print(f"no import cycle among {len(modules)} modules of {SRC}/")
    return 0


def find_cycles(edges: dict) -> list:
    """One cycle per strongly connected component with more than one module."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component) + [sorted(component)[0]])

    sys.setrecursionlimit(10000)
    for v in list(edges):
        if v not in index:
            visit(v)
    return out


if __name__ == "__main__":
    sys.exit(main())
