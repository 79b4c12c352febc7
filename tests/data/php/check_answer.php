<?php
/**
 * Runs the plugins' check of the service's answer (their shared answer file) on cases
 * read as JSON on standard input, for tests/test_spip.py:
 *
 *   php check_answer.php ANSWER_PHP < cases.json
 *
 * cases.json: [{"sent": …, "answer": …, "markup": …, "link_to": …}, …], the texts in
 * base64 (any bytes, even not UTF-8). It prints the
 * JSON list of what each check says ('' for an answer accepted).
 */

define( '_ECRIRE_INC_VERSION', 'test' );
require $argv[1];
$glossator_out = array();
foreach ( json_decode( stream_get_contents( STDIN ), true ) as $glossator_case ) {
	$glossator_out[] = glossator_answer_problem( base64_decode( $glossator_case['sent'] ), base64_decode( $glossator_case['answer'] ), $glossator_case['markup'], $glossator_case['link_to'] );
}
echo json_encode( $glossator_out, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES );
