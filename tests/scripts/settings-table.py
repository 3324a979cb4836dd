#!/usr/bin/env python3
"""Prints README's configuration table from src/AotBot/Core/Settings.cs (the one catalogue of settings)."""
import re, pathlib
src = pathlib.Path(__file__).resolve().parents[2] / "src/AotBot/Core/Settings.cs"
rows = re.findall(r'new\("([^"]+)", "([^"]*)", "([^"]*)"(, Secret: true)?\)', src.read_text())
print("| setting | environment variable | default | what it does |")
print("|---|---|---|---|")
for key, default, desc, secret in rows:
    env = "AOTBOT_" + key.replace(":", "__")
    d = f"`{default}`" if default else "—"
    print(f"| `{key}` | `{env}` | {d} | {desc}{' (secret: masked)' if secret else ''} |")
