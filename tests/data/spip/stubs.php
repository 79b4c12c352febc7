<?php
/**
 * NOT SPIP: minimal stand-ins for the few SPIP functions and constants the glossator SPIP
 * plugin calls, so that php-cli can run the plugin's own functions against a real
 * `glossator serve` (SPIP itself is not in Debian 12 nor in the package registries this
 * project reaches). tests/test_spip.py drives it:
 *
 *   php -d error_reporting=-1 -d display_errors=1 stubs.php PLUGIN_DIR CACHE_DIR < job.json
 *
 * job.json: {"meta": {...} (lire_config('glossator')), "constants": {"_GLOSSATOR_URL": …},
 * "prive": false (test_espace_prive()), "texts": ["<p>…</p>", …], "post": {…} (_request(),
 * optional)}. It prints one JSON object: each text through glossator_post_propre(), the
 * head's additions, the log lines, and with "post" the configuration form's errors.
 * Any PHP warning or notice would be printed before it, and the test would see it.
 */

define('_ECRIRE_INC_VERSION', 'stub');
define('_LOG_ERREUR', 3);
define('_DIR_CACHE', rtrim($argv[2], '/') . '/');

$glossator_job = json_decode(stream_get_contents(STDIN), true);
$glossator_plugin = rtrim($argv[1], '/') . '/';
$glossator_log = [];
foreach ($glossator_job['constants'] ?? [] as $name => $value) {
	define($name, $value);
}

/** Stand-in: SPIP's private area ("ecrire/") or not. */
function test_espace_prive() {
	return !empty($GLOBALS['glossator_job']['prive']);
}

/** Stand-in: SPIP loads inc/NAME.php along its path; here, the plugin's. */
function include_spip($name) {
	require_once $GLOBALS['glossator_plugin'] . $name . '.php';
}

/** Stand-in: a file of the path, as a URL relative to the site. */
function find_in_path($file) {
	return is_file($GLOBALS['glossator_plugin'] . $file) ? 'plugins/glossator/' . $file : '';
}

/** Stand-in: a meta of the configuration (CVT forms store them). */
function lire_config($name, $default = null) {
	return $GLOBALS['glossator_job']['meta'][$name] ?? $default;
}

/** Stand-in: a value posted to a form (the job's "post"). */
function _request($name) {
	return $GLOBALS['glossator_job']['post'][$name] ?? null;
}

/** Stand-in: SPIP's log, kept for the test to read. */
function spip_log($message, $file = '') {
	$GLOBALS['glossator_log'][] = $file . ': ' . $message;
}

require $glossator_plugin . 'glossator_pipelines.php';

$glossator_out = ['texts' => [], 'css' => glossator_insert_head_css(''), 'js' => glossator_insert_head('')];
foreach ($glossator_job['texts'] as $glossator_text) {
	$glossator_out['texts'][] = glossator_post_propre($glossator_text);
}
$glossator_out['log'] = $glossator_log;
if (isset($glossator_job['post'])) { // the configuration form's check of what is posted
	require $glossator_plugin . 'formulaires/configurer_glossator.php';
	$glossator_out['erreurs'] = formulaires_configurer_glossator_verifier_dist();
}
echo json_encode($glossator_out, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
