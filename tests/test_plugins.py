"""A new output format, markup preset or occurrence policy comes from outside glossator,
through its registry or an entry point, with no edit to glossator.

The entry-point tests install a real (if tiny) distribution: a module and its
``.dist-info`` folder on ``PYTHONPATH``, found by :mod:`importlib.metadata` the way pip's
installs are, and run the real command line in a new process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from glossator import Annotator, Glossary, render
from glossator.policy import OCCURRENCE_POLICIES, register_policy
from glossator.render import available_renderers, register_renderer
from glossator.render.html import MARKUP_PRESETS, MarkupPreset, TermMarkup, register_markup

GLOSSARY = textwrap.dedent("""\
    - term: ESS
      definition: Économie sociale et solidaire.
    - term: PTCE
      definition: Pôles territoriaux de coopération économique.
    """)
TEXT = "Le Labo de l’ESS étudie les PTCE. L’ESS grandit, les PTCE aussi.\n"

PLUGIN = textwrap.dedent('''\
    """A plug-in of glossator's, installed from outside the package."""
    from glossator.render.html import MarkupPreset


    def render_brackets(doc, **options):
        """Each annotated term as [term: definition]."""
        out = []
        for piece, ann in doc.segments():
            out.append(piece if ann is None else f"[{piece}: {ann.entry.definition}]")
        return "".join(out)


    def last_occurrence(matches, entry_of, text):
        """Keep the last match of each entry."""
        last = {}
        for m in matches:
            last[entry_of(m).id] = m
        return sorted(last.values())


    def _wrap(t):
        return (f'<dfn class="demo-term" data-glossator-entry="{t.entry_id}" '
                f'title="{t.definition_text}">', "</dfn>")


    DFN = MarkupPreset("dfn", _wrap, marker="dfn.demo-term")
    ''')
ENTRY_POINTS = textwrap.dedent("""\
    [glossator.renderers]
    brackets = glossator_demo_plugin:render_brackets

    [glossator.policies]
    last = glossator_demo_plugin:last_occurrence

    [glossator.markups]
    dfn = glossator_demo_plugin:DFN
    """)


@pytest.fixture
def plugin_env(tmp_path: Path) -> dict[str, str]:
    """An environment whose ``PYTHONPATH`` holds the demo plug-in, installed as a
    distribution with its entry points."""
    site = tmp_path / "site"
    dist = site / "glossator_demo_plugin-0.1.dist-info"
    dist.mkdir(parents=True)
    (site / "glossator_demo_plugin.py").write_text(PLUGIN, encoding="utf-8")
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: glossator-demo-plugin\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(ENTRY_POINTS, encoding="utf-8")
    (tmp_path / "g.yaml").write_text(GLOSSARY, encoding="utf-8")
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    return env


def _glossator(env: dict[str, str], cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "glossator", *argv], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False, timeout=120)


def test_an_output_format_from_an_entry_point(plugin_env: dict[str, str], tmp_path: Path) -> None:
    done = _glossator(plugin_env, tmp_path, "annotate", "a.txt", "-g", "g.yaml",
                      "-f", "brackets")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ("Le Labo de l’[ESS: Économie sociale et solidaire.] étudie les "
                           "[PTCE: Pôles territoriaux de coopération économique.]. L’ESS "
                           "grandit, les PTCE aussi.\n")


def test_an_occurrence_policy_from_an_entry_point(plugin_env: dict[str, str],
                                                  tmp_path: Path) -> None:
    done = _glossator(plugin_env, tmp_path, "annotate", "a.txt", "-g", "g.yaml",
                      "-f", "brackets", "--occurrences", "last")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("[") == 2
    assert done.stdout.startswith("Le Labo de l’ESS étudie les PTCE. L’[ESS:")


def test_a_markup_preset_from_an_entry_point(plugin_env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        "<html><body><p>Le Labo de l’ESS et les PTCE.</p></body></html>\n", encoding="utf-8")
    done = _glossator(plugin_env, tmp_path, "annotate", "page.html", "-g", "g.yaml",
                      "--markup", "dfn", "-o", "out.html")
    assert done.returncode == 0, done.stderr
    out = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert ('<dfn class="demo-term" data-glossator-entry="ess" '
            'title="Économie sociale et solidaire.">ESS</dfn>') in out
    # the preset's marker is honoured: annotating the result again changes nothing
    again = _glossator(plugin_env, tmp_path, "annotate", "out.html", "-g", "g.yaml",
                       "--markup", "dfn", "-o", "again.html")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again.html").read_text(encoding="utf-8") == out


def test_unknown_names_list_what_the_registries_hold(plugin_env: dict[str, str],
                                                      tmp_path: Path) -> None:
    for option, value, needle in [("-f", "nope", "brackets"), ("--markup", "nope", "dfn"),
                                  ("--occurrences", "nope", "last")]:
        done = _glossator(plugin_env, tmp_path, "annotate", "a.txt", "-g", "g.yaml",
                          option, value)
        assert done.returncode == 2, (option, done.stderr)
        assert needle in done.stderr and done.stderr.count("\n") == 1, done.stderr


def test_registries_from_python() -> None:
    g = Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale."}])
    register_renderer("upper-demo", lambda doc, **_: doc.text.upper())
    register_policy("none-demo", lambda matches, entry_of, text: [])
    register_markup(MarkupPreset("mark-demo", lambda t: ("<mark>", "</mark>"), "mark"))
    try:
        assert "upper-demo" in available_renderers()
        assert render(Annotator(g).annotate("l’ESS"), "upper-demo") == "L’ESS"
        assert len(Annotator(g, occurrences="none-demo").annotate("l’ESS")) == 0
        html = render(Annotator(g).annotate("l’ESS"), "html", markup="mark-demo")
        assert html == "<p>l’<mark>ESS</mark></p>\n"
        assert isinstance(TermMarkup, type)
    finally:
        from glossator.render import _REGISTERED

        _REGISTERED.pop("upper-demo", None)
        OCCURRENCE_POLICIES.pop("none-demo", None)
        MARKUP_PRESETS.pop("mark-demo", None)
