"""Optional integrations of glossator with other libraries.

Each integration lives in its own module and imports its library only there, so that
``import glossator`` never imports them:

* :mod:`glossator.integrations.spacy` — the ``"glossator"`` spaCy pipeline component
  (``pip install 'glossator[spacy]'``), found by spaCy through the ``spacy_factories``
  entry point, so ``nlp.add_pipe("glossator")`` works without importing glossator.
* :mod:`glossator.integrations.markdown` — the ``"glossator"`` Python-Markdown extension
  (``pip install 'glossator[markdown]'``), found through the ``markdown.extensions`` entry
  point, so ``markdown.markdown(text, extensions=["glossator"])`` works as is.
* :mod:`glossator.integrations.dask` — Dask bags and dataframe columns annotated by
  partition, and the cluster behind ``glossator annotate --dask`` (``pip install
  'glossator[dask]'``).
* :mod:`glossator.integrations.partitions` — what any engine maps over partitions of
  texts (Dask, Spark): the annotating function, and ``Shipped``, which carries an
  annotator to worker processes and builds it once in each. It imports no engine.
"""

__all__: list[str] = []
