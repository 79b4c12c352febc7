"""What the PHP plugins' check of the service's answer costs, beside what a page already
does with the same text.

    python benchmarks/php_answer_check.py [--rounds 15] [--repeat 200]

The paragraphs of benchmarks/serve.py's page (a fragment, as a post is), with a paragraph
of five acronyms of the bundled glossary after every third (about 5 KB), and the same 100
times (about 530 KB), each annotated (every occurrence) by a real ``glossator serve``
(the bundled glossary) with each markup preset; then php-cli times, round-robin in one
process, the check (``glossator_answer_problem`` of
integrations/wordpress/glossator/includes/answer.php) and ``md5()`` of the answer, which
a page computes of a text that size for its cache key.

Prints one JSON line per page and preset: the medians and the slowest rounds in
microseconds per call, and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "benchmarks")]

from serve import five_kb_page  # noqa: E402

from serve_support import start_server  # noqa: E402

ANSWER_PHP = REPO / "integrations" / "wordpress" / "glossator" / "includes" / "answer.php"

TIMER = r"""<?php
define( 'ABSPATH', '/' );
require $argv[1];
$job = json_decode( file_get_contents( $argv[2] ), true );
$rounds = (int) $argv[3];
$repeat = (int) $argv[4];
$times  = array( 'check' => array(), 'md5' => array() );
for ( $r = 0; $r < $rounds; $r++ ) {
	$order = $r % 2 ? array( 'md5', 'check' ) : array( 'check', 'md5' );
	foreach ( $order as $what ) {
		$start = hrtime( true );
		for ( $i = 0; $i < $repeat; $i++ ) {
			if ( 'check' === $what ) {
				$said = glossator_answer_problem(
					$job['sent'], $job['answer'], $job['markup'], ''
				);
				if ( '' !== $said ) { fwrite( STDERR, $said ); exit( 1 ); }
			} else {
				md5( $job['answer'] );
			}
		}
		$times[ $what ][] = ( hrtime( true ) - $start ) / 1000 / $repeat;
	}
}
echo json_encode( $times );
"""


def main() -> None:
    """Measure, print one JSON line per page and preset."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=200, help="calls per timing")
    args = parser.parse_args()
    php = shutil.which("php")
    if php is None:
        sys.exit("php-cli is not installed: run `bash tools/provision-tests.sh`")
    terms = "<p>L’ESS, les SCOP, les SCIC, les CAE et les PTCE.</p>\n"
    page = re.sub(r"((?:<p>.*?</p>\n){3})", lambda m: m.group(1) + terms, five_kb_page())
    body = re.search(r"<body>\n(.*)</body>", page, re.S)
    assert body is not None
    # a fragment, as the plugins send a post (a whole page would get the stylesheet)
    pages = {"small": body.group(1), "large": body.group(1) * 100}
    service = start_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            timer = Path(tmp) / "timer.php"
            timer.write_text(TIMER, encoding="utf-8")
            for name, sent in pages.items():
                for markup in ("glossator", "spip", "abbr"):
                    answer = service.request(
                        "POST", f"/v1/annotate?markup={markup}&occurrences=all", sent,
                        {"Content-Type": "text/html; charset=utf-8"}).text
                    job = Path(tmp) / "job.json"
                    job.write_text(json.dumps({"sent": sent, "answer": answer,
                                               "markup": markup}), encoding="utf-8")
                    repeat = args.repeat if name == "small" else max(1, args.repeat // 50)
                    done = subprocess.run([php, str(timer), str(ANSWER_PHP), str(job),
                                           str(args.rounds), str(repeat)],
                                          capture_output=True, text=True)
                    if done.returncode:
                        sys.exit(f"{name} {markup}: the check refused: {done.stderr}")
                    times = json.loads(done.stdout)
                    med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
                    print(json.dumps({
                        "page": name, "bytes": len(sent.encode()), "markup": markup,
                        "annotations": answer.count("data-glossator-entry="),
                        "check_us_median": round(med["check"], 1),
                        "check_us_slowest": round(max(times["check"]), 1),
                        "md5_us_median": round(med["md5"], 1),
                        "md5_us_slowest": round(max(times["md5"]), 1),
                        "ratio_check_to_md5": round(med["check"] / med["md5"], 2),
                    }))
    finally:
        service.stop()


if __name__ == "__main__":
    main()
