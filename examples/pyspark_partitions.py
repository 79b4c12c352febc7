"""glossator on Spark: a DataFrame of texts annotated partition by partition, with the
same function as Dask's (``glossator.integrations.partitions.annotate_records``).

    python examples/pyspark_partitions.py [GLOSSARY]

Needs ``pip install pyspark`` and a Java runtime (Spark 4: Java 17 or 21; Debian's
``default-jre-headless``). Spark runs here in local mode, two Python workers; on a
cluster, only the master URL changes, and each executor needs glossator installed.

The annotator travels in a Spark broadcast variable as a ``Shipped`` value (bytes): each
Python worker process builds it, compiling the glossary, once, at its first partition.
Two ways are shown, giving the same rows: ``RDD.mapPartitions``, and ``mapInPandas``
(a pandas UDF over Arrow batches, which needs pyarrow).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from glossator import Annotator, load_glossary
from glossator.integrations.partitions import Shipped, annotate_records

HERE = Path(__file__).resolve().parent

TEXTS = [
    "Le Labo de l’ESS a publié son rapport sur les PTCE.",
    "Les pôles territoriaux de coopération économique réunissent des coopératives.",
    "Aucun terme ici.",
    "L’ESS et les PTCE, encore : l’ESS n’est annotée qu’une fois par texte.",
]


def main() -> None:
    """Annotate :data:`TEXTS` both ways and print each row: id, spans, output."""
    from pyspark.sql import SparkSession

    glossary = sys.argv[1] if len(sys.argv) > 1 else str(HERE / "labo-ess.yaml")
    # the workers run this interpreter (the one glossator is installed in)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder.master("local[2]").appName("glossator")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        frame = spark.createDataFrame(list(enumerate(TEXTS)), "id long, text string")
        # pickled once here; unpickled (the glossary compiled) once per Python worker
        shipped = spark.sparkContext.broadcast(Shipped(Annotator(load_glossary(glossary))))

        def rows(partition: Iterator[Any]) -> Iterator[tuple[int, str, str]]:
            records = ({"id": row.id, "text": row.text} for row in partition)
            for done in annotate_records(records, shipped.value, fmt="html"):
                yield done["id"], done["output"], json.dumps(done["annotations"])

        by_rdd = frame.rdd.mapPartitions(rows).toDF("id long, output string, spans string")

        def batches(frames: Iterator[Any]) -> Iterator[Any]:
            import pandas as pd

            for batch in frames:
                done = list(annotate_records(batch.to_dict("records"), shipped.value))
                yield pd.DataFrame({"id": batch["id"],
                                    "output": [d["output"] for d in done],
                                    "spans": [json.dumps(d["annotations"]) for d in done]})

        by_pandas = frame.mapInPandas(batches, "id long, output string, spans string")
        first = sorted(by_rdd.collect())
        assert first == sorted(by_pandas.collect()), "the two ways disagree"
        for row in first:
            spans = [(s["surface"], s["entry"]) for s in json.loads(row.spans)]
            print(row.id, spans, row.output.strip()[:60])
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
