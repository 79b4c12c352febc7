<?php
/**
 * The client of `glossator serve` for SPIP: the settings, the request, the cache, and the
 * fail-open rule (any error, any status but 200, any wait past 2 seconds: the text goes
 * out as it came, and one line goes to SPIP's log, glossator.log).
 *
 * Settings, the first found of: a constant in config/mes_options.php (_GLOSSATOR_URL,
 * _GLOSSATOR_GLOSSAIRE, _GLOSSATOR_MARKUP, _GLOSSATOR_OCCURRENCES, _GLOSSATOR_LIEN,
 * _GLOSSATOR_TOKEN, _GLOSSATOR_TIMEOUT), the plugin's configuration form (the meta
 * "glossator"), the default. The token is read from its constant only: it stays out of
 * the database.
 *
 * @package Glossator
 */

if (!defined('_ECRIRE_INC_VERSION')) {
	return;
}

/** Seconds without calling the service after a failure, so a dead service costs one wait. */
define('_GLOSSATOR_PAUSE', 30);

/** Seconds a glossary's version is trusted before a request asks the service again. */
define('_GLOSSATOR_VERSION_TTL', 300);

/** Seconds an annotated text is kept (WordPress's plugin keeps its transients as long). */
define('_GLOSSATOR_CACHE_TTL', 7 * 86400);

/**
 * The settings.
 *
 * @return array<string, string|float>
 */
function glossator_config() {
	$config = [
		'url' => 'http://127.0.0.1:8765',
		'glossaire' => 'default',
		'markup' => 'spip',
		'occurrences' => 'first',
		'lien' => '',
	];
	$saved = function_exists('lire_config') ? lire_config('glossator', []) : [];
	foreach ($config as $key => $default) {
		$constant = '_GLOSSATOR_' . strtoupper($key);
		if (defined($constant)) {
			$config[$key] = (string) constant($constant);
		} elseif (is_array($saved) && isset($saved[$key]) && '' !== trim((string) $saved[$key])) {
			$config[$key] = trim((string) $saved[$key]);
		}
	}
	$config['token'] = defined('_GLOSSATOR_TOKEN') ? (string) _GLOSSATOR_TOKEN : '';
	$config['timeout'] = defined('_GLOSSATOR_TIMEOUT') ? (float) _GLOSSATOR_TIMEOUT : 2.0;
	return $config;
}

/**
 * Whether a URL can be the service's: http or https, with a host.
 *
 * @param string $url The URL.
 * @return bool
 */
function glossator_url_service_valide($url) {
	return 1 === preg_match('#^https?://[^/?\#\s@<>"\']+(?:[/?\#][^\s<>"\']*)?$#Di', $url);
}

/**
 * Whether a URL can be the A–Z index page's, by the service's own rules for link_to: a
 * relative URL (index.html, ../lexique/, /glossaire.html) or an http or https one, without
 * white space, control character nor <>"'`, and without a #fragment unless it holds {id}
 * (where the entry's id goes: /glossaire/{id}, lexique.html#mot-{id}).
 *
 * @param string $lien The URL.
 * @return bool
 */
function glossator_lien_valide($lien) {
	$scheme = preg_match('#^([A-Za-z][A-Za-z0-9+.-]*):#', str_replace('{id}', 'id', $lien), $m) ? strtolower($m[1]) : '';
	return 1 !== preg_match('/[\s\x00-\x1f\x7f<>"\'`]/u', $lien) && preg_match('//u', $lien)
		&& in_array($scheme, ['', 'http', 'https'], true)
		&& (false === strpos($lien, '#') || false !== strpos($lien, '{id}'));
}

/**
 * The folder of the plugin's cache: in SPIP's tmp/cache, so "Vider le cache" empties it.
 *
 * @return string
 */
function glossator_dossier_cache() {
	$base = defined('_DIR_CACHE') ? _DIR_CACHE : sys_get_temp_dir() . '/';
	$dir = $base . 'glossator/';
	if (!is_dir($dir)) {
		@mkdir($dir, 0777, true);
	}
	return $dir;
}

/**
 * Writes a file whole (a reader sees the old content or the new, never half).
 *
 * @param string $file    The file.
 * @param string $content Its content.
 */
function glossator_ecrire($file, $content) {
	$tmp = $file . '.' . getmypid() . '.tmp';
	if (false !== @file_put_contents($tmp, $content)) {
		@rename($tmp, $file);
	}
}

/**
 * A file's content if it was written less than $ttl seconds ago (any age with null).
 *
 * @param string   $file The file.
 * @param int|null $ttl  Its life.
 * @return string|null
 */
function glossator_lire($file, $ttl = null) {
	$mtime = @filemtime($file);
	if (false === $mtime || (null !== $ttl && $mtime < time() - $ttl)) {
		return null;
	}
	$content = @file_get_contents($file);
	return false === $content ? null : $content;
}

/**
 * One line in SPIP's log (glossator.log), if SPIP's log is there.
 *
 * @param string $message What happened.
 */
function glossator_log($message) {
	if (function_exists('spip_log')) {
		spip_log($message, 'glossator.' . (defined('_LOG_ERREUR') ? _LOG_ERREUR : 3));
	}
}

/**
 * POST a text to the service's raw mode; the timeout bounds the whole exchange, however
 * slowly the service sends its answer: with PHP's curl when it is there, else with PHP's
 * streams read against a deadline.
 *
 * @param array<string, string|float> $config The settings.
 * @param array<string, string>       $query  The options, in the query string.
 * @param string                      $html   The text.
 * @return array{0: string|null, 1: string, 2: string} The annotated text (null on failure),
 *     the glossary's version, what went wrong.
 */
function glossator_requete($config, $query, $html) {
	if (!glossator_url_service_valide((string) $config['url'])) {
		return [null, '', 'the service URL is not an http or https URL: ' . substr((string) $config['url'], 0, 80)];
	}
	$headers = ['Content-Type: text/html; charset=utf-8', 'Accept: text/html'];
	if ('' !== $config['token']) {
		$headers[] = 'Authorization: Bearer ' . $config['token'];
	}
	$url = rtrim((string) $config['url'], '/') . '/v1/annotate?' . http_build_query($query, '', '&', PHP_QUERY_RFC3986);
	$timeout = max(0.1, (float) $config['timeout']);
	// glossator's markup makes a text at most a few times longer: the rest is not read
	$max = (int) min(8 << 20, max(1 << 20, 32 * strlen($html)));
	$answer = function_exists('curl_init')
		? glossator_requete_curl($url, $headers, $html, $timeout, $max)
		: glossator_requete_flux($url, $headers, $html, $timeout, $max);
	if (is_string($answer)) {
		return [null, '', $answer];
	}
	list($body, $lines) = $answer;
	$status = 0;
	$type = '';
	$version = '';
	foreach ($lines as $line) {
		if (preg_match('#^HTTP/\S+\s+(\d{3})#', $line, $m)) {
			$status = (int) $m[1];
		} elseif (preg_match('/^content-type:\s*(.*)$/i', $line, $m)) {
			$type = strtolower(trim($m[1]));
		} elseif (preg_match('/^x-glossator-glossary:.*version=([0-9a-f]+)/i', $line, $m)) {
			$version = $m[1];
		}
	}
	if (200 !== $status) {
		$problem = json_decode($body, true);
		$detail = is_array($problem) && isset($problem['detail']) ? ': ' . substr((string) $problem['detail'], 0, 200) : '';
		return [null, '', 'the service answered HTTP ' . $status . $detail];
	}
	if (0 !== strpos($type, 'text/html')) {
		return [null, '', 'the service answered ' . $type . ' where text/html was expected'];
	}
	return [$body, $version, ''];
}

/**
 * The exchange with curl: http or https only, no redirection, the timeout for the whole.
 *
 * @param string   $url     The URL.
 * @param string[] $headers The request's headers.
 * @param string   $html    The body.
 * @param float    $timeout Seconds.
 * @param int      $max     Bytes read at most.
 * @return array{0: string, 1: string[]}|string The body and the header lines, or what
 *     went wrong.
 */
function glossator_requete_curl($url, $headers, $html, $timeout, $max) {
	$lines = [];
	$body = '';
	$curl = curl_init($url);
	curl_setopt_array($curl, [
		CURLOPT_POST => true,
		CURLOPT_POSTFIELDS => $html,
		CURLOPT_HTTPHEADER => array_merge($headers, ['Expect:']),
		CURLOPT_WRITEFUNCTION => function ($curl, $piece) use (&$body, $max) {
			$body .= $piece;
			return strlen($body) > $max ? 0 : strlen($piece); // 0: curl stops
		},
		CURLOPT_FOLLOWLOCATION => false,
		CURLOPT_PROTOCOLS => CURLPROTO_HTTP | CURLPROTO_HTTPS,
		CURLOPT_NOSIGNAL => true,
		CURLOPT_TIMEOUT_MS => (int) ($timeout * 1000),
		CURLOPT_HEADERFUNCTION => function ($curl, $line) use (&$lines) {
			$lines[] = rtrim($line, "\r\n");
			return strlen($line);
		},
	]);
	$done = curl_exec($curl);
	$error = false === $done ? curl_error($curl) : '';
	curl_close($curl);
	if (strlen($body) > $max) {
		return 'the service answered more than ' . $max . ' bytes';
	}
	return false === $done ? ($error ? $error : 'no answer') : [$body, $lines];
}

/**
 * The exchange with PHP's sockets, without curl: one deadline over all of it (connection,
 * TLS, request, headers, body), each wait no longer than what is left of it, so that a
 * service sending its headers or its body a few bytes at a time is not waited for. The
 * request is HTTP/1.0 (no chunked answer), as PHP's http:// wrapper sends it.
 *
 * @param string   $url     The URL.
 * @param string[] $headers The request's headers.
 * @param string   $html    The body.
 * @param float    $timeout Seconds.
 * @param int      $max     Bytes read at most.
 * @return array{0: string, 1: string[]}|string The body and the header lines, or what
 *     went wrong.
 */
function glossator_requete_flux($url, $headers, $html, $timeout, $max) {
	$deadline = microtime(true) + $timeout;
	$late = 'the service timed out: no whole answer within ' . $timeout . ' s';
	$parts = parse_url($url);
	$socket = glossator_flux_connexion($parts, $deadline);
	if (is_string($socket)) {
		return $socket;
	}
	$port = isset($parts['port']) ? ':' . $parts['port'] : '';
	$request = 'POST ' . (isset($parts['path']) ? $parts['path'] : '/') . (isset($parts['query']) ? '?' . $parts['query'] : '')
		. " HTTP/1.0\r\nHost: " . $parts['host'] . $port . "\r\nConnection: close\r\nContent-Length: " . strlen($html)
		. "\r\n" . implode("\r\n", $headers) . "\r\n\r\n" . $html;
	while ('' !== $request) {
		$sent = glossator_flux_attendre($socket, false, $deadline) ? @fwrite($socket, $request) : false;
		if (false === $sent) {
			fclose($socket);
			return microtime(true) < $deadline ? 'the request could not be sent' : $late;
		}
		$request = (string) substr($request, $sent);
	}
	$raw = '';
	while (!feof($socket) && strlen($raw) <= $max + 65536) { // (65536: room for the headers)
		if (!glossator_flux_attendre($socket, true, $deadline)) {
			fclose($socket);
			return $late;
		}
		do { // all there is: TLS may hold decrypted bytes that stream_select() does not see
			$piece = (string) fread($socket, 65536);
			$raw .= $piece;
		} while ('' !== $piece && strlen($raw) <= $max + 65536);
	}
	fclose($socket);
	$end = strpos($raw, "\r\n\r\n");
	if (false === $end) {
		return strlen($raw) > $max ? 'the service answered more than ' . $max . ' bytes' : 'the service\'s answer has no end of headers';
	}
	$body = (string) substr($raw, $end + 4);
	if (strlen($body) > $max) {
		return 'the service answered more than ' . $max . ' bytes';
	}
	return [$body, explode("\r\n", substr($raw, 0, $end))];
}

/**
 * A socket connected to the service (TLS set up for https, its certificate checked), not
 * blocking, before the deadline; or what went wrong.
 *
 * @param array<string, string|int> $parts    The URL's parts (parse_url()).
 * @param float                     $deadline When the whole exchange must be over.
 * @return resource|string
 */
function glossator_flux_connexion($parts, $deadline) {
	$https = 'https' === strtolower((string) $parts['scheme']);
	$host = (string) $parts['host'];
	$port = isset($parts['port']) ? (int) $parts['port'] : ($https ? 443 : 80);
	$context = stream_context_create(['ssl' => ['peer_name' => trim($host, '[]'), 'SNI_enabled' => true]]);
	$socket = @stream_socket_client('tcp://' . $host . ':' . $port, $errno, $errstr, max(0.001, $deadline - microtime(true)), STREAM_CLIENT_CONNECT, $context);
	if (false === $socket) {
		return '' !== (string) $errstr ? 'could not connect: ' . $errstr : 'could not connect to ' . $host;
	}
	stream_set_blocking($socket, false);
	while ($https) {
		$done = @stream_socket_enable_crypto($socket, true, STREAM_CRYPTO_METHOD_TLS_CLIENT);
		if (true === $done) {
			break;
		}
		if (false === $done || !glossator_flux_attendre($socket, null, $deadline)) {
			fclose($socket);
			return false === $done ? 'the TLS connection failed' : 'the service timed out during the TLS handshake';
		}
	}
	return $socket;
}

/**
 * Waits, at most until the deadline, for a socket to be readable (true), writable
 * (false) or either (null).
 *
 * @param resource  $socket   The socket.
 * @param bool|null $read     What to wait for.
 * @param float     $deadline When to give up.
 * @return bool Whether it is ready.
 */
function glossator_flux_attendre($socket, $read, $deadline) {
	$left = $deadline - microtime(true);
	if ($left <= 0) {
		return false;
	}
	$readable = false !== $read ? [$socket] : [];
	$writable = true !== $read ? [$socket] : [];
	$none = [];
	return (bool) @stream_select($readable, $writable, $none, (int) $left, (int) (($left - (int) $left) * 1000000));
}

/**
 * A text annotated by the service, from the plugin's cache when it can (its key holds the
 * text, the options and the glossary's version); on any failure, the text as it came.
 *
 * @param string $html A text as propre() made it.
 * @return string
 */
function glossator_annoter($html) {
	if ('' === trim($html)) {
		return $html;
	}
	$charset = isset($GLOBALS['meta']['charset']) ? strtolower($GLOBALS['meta']['charset']) : 'utf-8';
	if ('utf-8' !== $charset) {
		return $html;
	}
	// not valid UTF-8 (the service would refuse it), or annotated already: as it is
	if (!preg_match('//u', $html) || false !== strpos($html, 'data-glossator-entry')) {
		return $html;
	}
	$config = glossator_config();
	$query = [
		'glossary' => $config['glossaire'],
		'markup' => $config['markup'],
		'occurrences' => $config['occurrences'],
	];
	if ('' !== $config['lien'] && glossator_lien_valide($config['lien'])) {
		$query['link_to'] = $config['lien'];
	} else {
		$config['lien'] = '';
	}
	$dir = glossator_dossier_cache();
	$base = md5($config['url'] . "\0" . $config['glossaire']);
	$version = glossator_lire($dir . 'version-' . $base, _GLOSSATOR_VERSION_TTL);
	$key = function ($version) use ($dir, $config, $query, $html) {
		return $dir . md5($config['url'] . "\0" . json_encode($query) . "\0" . $version . "\0" . $html) . '.html';
	};
	if (null !== $version) {
		$kept = glossator_lire($key($version));
		// checked again: kept by an older plugin, it may not have been
		include_spip('inc/glossator_reponse');
		if (null !== $kept && '' === glossator_answer_problem($html, $kept, $config['markup'], $config['lien'])) {
			return $kept;
		}
	}
	if (null !== glossator_lire($dir . 'pause', _GLOSSATOR_PAUSE)) {
		return $html;
	}
	list($annotated, $version, $error) = glossator_requete($config, $query, $html);
	if (null !== $annotated) { // never put in a page markup glossator did not write
		include_spip('inc/glossator_reponse');
		$problem = glossator_answer_problem($html, $annotated, $config['markup'], $config['lien']);
		if ('' !== $problem) {
			list($annotated, $error) = [null, "the service's answer was refused: " . $problem];
		}
	}
	if (null === $annotated) {
		glossator_ecrire($dir . 'pause', $error);
		glossator_log('glossator: the service failed, texts are shown unannotated: ' . $error);
		return $html;
	}
	if ('' !== $version) {
		glossator_ecrire($dir . 'version-' . $base, $version);
		glossator_ecrire($key($version), $annotated);
		glossator_balayer($dir);
	}
	return $annotated;
}

/**
 * Once a day, deletes the texts kept for more than _GLOSSATOR_CACHE_TTL seconds: SPIP's
 * own cleaning of tmp/cache/ does not reach this folder, and a text edited, or annotated
 * by a glossary since changed, is never read again.
 *
 * @param string $dir The plugin's cache folder.
 */
function glossator_balayer($dir) {
	if (null !== glossator_lire($dir . 'balayage', 86400)) {
		return;
	}
	glossator_ecrire($dir . 'balayage', (string) time());
	$avant = time() - _GLOSSATOR_CACHE_TTL;
	foreach (glob($dir . '*.html') ?: [] as $file) {
		$mtime = @filemtime($file);
		if (false !== $mtime && $mtime < $avant) {
			@unlink($file);
		}
	}
}
