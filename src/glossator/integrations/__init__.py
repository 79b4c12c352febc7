"""Optional integrations of glossator with other libraries.

Each integration lives in its own module and imports its library only there, so that
``import glossator`` never imports them:

* :mod:`glossator.integrations.spacy` — the ``"glossator"`` spaCy pipeline component
  (``pip install 'glossator[spacy]'``), found by spaCy through the ``spacy_factories``
  entry point, so ``nlp.add_pipe("glossator")`` works without importing glossator.
* :mod:`glossator.integrations.markdown` — the ``"glossator"`` Python-Markdown extension
  (``pip install 'glossator[markdown]'``), found through the ``markdown.extensions`` entry
  point, so ``markdown.markdown(text, extensions=["glossator"])`` works as is.
"""

__all__: list[str] = []
