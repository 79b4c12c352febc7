"""Finding a glossary's forms in text: folding, compiling, scanning.

:mod:`.fold` turns texts and forms into the same comparable bytes, :mod:`.compile` turns
a glossary's forms into named tables, and :mod:`.scan` holds the one :class:`Matcher`,
with its two backends (the C trie of ``_scan.c`` and a pure-Python fallback).
"""
