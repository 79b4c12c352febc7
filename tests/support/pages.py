"""A small glossary, the pages and the generated HTML that several test modules annotate.

``GLOSSARY`` holds ESS, PTCE and two entries that overlap them; ``PAGE`` is a whole page
with everything an annotator must leave alone (head, scripts, styles, comments, attributes,
links); ``html_st`` generates nested fragments for the strip and idempotence properties;
``SMALL_YAML`` and ``CLI_PAGE`` are the files of the command-line tests.
"""

from __future__ import annotations

from hypothesis import strategies as st

import glossator

ESS_DEF = "Économie sociale et solidaire."
PTCE_DEF = "Pôle territorial de coopération économique."
GLOSSARY = glossator.Glossary.from_dicts([
    {"term": "ESS", "definition": ESS_DEF},
    {"term": "PTCE", "definition": PTCE_DEF},
    {"term": "coopérative", "definition": "Entreprise détenue par ses membres."},
    {"term": "économie sociale et solidaire", "id": "ess-long",
     "definition": "Ensemble d’entreprises à but non lucratif & solidaires."},
])
ANNOTATOR = glossator.Annotator(GLOSSARY)
ALL = glossator.Annotator(GLOSSARY, occurrences="all")


PAGE = """<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>L'ESS et les PTCE</title>
<style>.ESS { color: red } /* </p> PTCE */</style>
<script>var s = "ESS </p> <b>PTCE</b>"; if (a < b) {}</script>
</head>
<body>
<!-- ESS dans un commentaire -->
<nav><ul><li><a href="/ess" title="ESS">L’ESS</a></li><li><a href="/ptce">PTCE</a></li></ul></nav>
<main id="content">
<h1>Les PTCE et l’ESS</h1>
<p class="intro" data-info="ESS PTCE">Le Labo de l&rsquo;ESS soutient les PTCE&nbsp;:
une coopérative, l&#8217;économie&nbsp;sociale et solidaire &amp; 3 &lt; 4 < 5.</p>
<p>Encore l’ESS, les PTCE, <code>ESS</code>, <b>coopérative</b>.</p>
</main>
</body>
</html>
"""


WORDS = ["ESS", "PTCE", "coopérative", "coopératives", "l’ESS", "d'ESS", "économie",
         "sociale", "et", "solidaire", "économie&nbsp;sociale", "le", "des", "essai",
         "CRESS", "&nbsp;", "&amp;", "&rsquo;", "l&rsquo;ESS", "&#8217;", "&eacute", "3 < 4",
         "a<b", "&", "\n", "  ", "É", "PTCE."]

text_st = st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join)
script_st = st.lists(st.sampled_from(["ESS", "</p>", "<b>", "PTCE", "x < y", "'"]),
                     max_size=5).map(lambda xs: "<script>" + " ".join(xs) + "</script>")
leaf_st = st.one_of(text_st, script_st, st.just("<!-- ESS -->"), st.just("<br>"),
                    st.just("</p>"), st.just('<img alt="ESS">'))


def _wrap(children: list[str], tag: str, attrs: str) -> str:
    return f"<{tag}{attrs}>" + "".join(children) + f"</{tag}>"


html_st = st.recursive(
    leaf_st,
    lambda inner: st.builds(
        _wrap,
        st.lists(inner, max_size=4),
        st.sampled_from(["p", "div", "span", "b", "a", "code"]),
        st.sampled_from(["", ' class="x"', ' title="ESS"', ' href="/ess?a=1&amp;b=2"',
                         ' class="noglossary"']),
    ),
    max_leaves=20,
)


SMALL_YAML = f"""\
- term: ESS
  definition: "{ESS_DEF}"
- term: PTCE
  definition: "{PTCE_DEF}"
"""
CLI_PAGE = ('<html><body><div class="sidebar"><p>l’ESS</p></div>'
            "<main><p>l’ESS et les PTCE</p></main><p>PTCE</p></body></html>\n")
