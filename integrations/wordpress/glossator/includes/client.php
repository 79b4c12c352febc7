<?php
/**
 * The client of `glossator serve`: the settings, the requests, their cache, and the
 * fail-open rule (any error, any status but 200, any wait past the timeout: the content
 * goes out as it came in, and administrators see a notice).
 *
 * @package Glossator
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** The option holding the settings (an array). */
define( 'GLOSSATOR_OPTION', 'glossator_settings' );

/** The option holding the last failure (time and message), shown to administrators. */
define( 'GLOSSATOR_ERROR_OPTION', 'glossator_last_error' );

/** Seconds without calling the service after a failure, so a dead service costs one wait. */
define( 'GLOSSATOR_PAUSE', 30 );

/** Seconds a glossary's version is trusted before a request asks the service again. */
define( 'GLOSSATOR_VERSION_TTL', 300 );

/** Bytes read at most of any answer of the service (an index of 5 000 entries is 2 MB). */
define( 'GLOSSATOR_MAX_ANSWER', 8 * MB_IN_BYTES );

/** Seconds an annotated text is kept (its key holds the text and the glossary's version). */
define( 'GLOSSATOR_CACHE_TTL', 7 * DAY_IN_SECONDS );

/**
 * The settings' defaults.
 *
 * @return array<string, mixed>
 */
function glossator_defaults() {
	return array(
		'url'         => 'http://127.0.0.1:8765',
		'token'       => '',
		'glossary'    => 'default',
		'markup'      => 'glossator',
		'occurrences' => 'first',
		'link_to'     => '',
		'post_types'  => array( 'post', 'page' ),
	);
}

/**
 * The settings, saved ones over the defaults; the constant GLOSSATOR_TOKEN (in
 * wp-config.php) wins over a saved token.
 *
 * @return array<string, mixed>
 */
function glossator_settings() {
	$saved    = get_option( GLOSSATOR_OPTION, array() );
	$settings = array_merge( glossator_defaults(), is_array( $saved ) ? $saved : array() );
	if ( defined( 'GLOSSATOR_TOKEN' ) ) {
		$settings['token'] = (string) GLOSSATOR_TOKEN;
	}
	if ( ! glossator_link_to_valid( (string) $settings['link_to'] ) ) {
		$settings['link_to'] = ''; // saved before it was checked: the service would refuse it
	}
	return $settings;
}

/**
 * Whether a URL can be the A–Z index page's, by the service's own rules for link_to ('' is:
 * no index page): a relative URL (glossaire.html, ../lexique/, /glossaire/) or an http or
 * https one, without white space, control character nor <>"'`, and without a #fragment
 * unless it holds {id} (where the entry's id goes: /glossaire/{id}, lexique.html#mot-{id}).
 *
 * @param string $link_to The URL, as typed.
 * @return bool
 */
function glossator_link_to_valid( $link_to ) {
	if ( '' === $link_to ) {
		return true;
	}
	$scheme = preg_match( '#^([A-Za-z][A-Za-z0-9+.-]*):#', str_replace( '{id}', 'id', $link_to ), $found ) ? strtolower( $found[1] ) : '';
	return 1 !== preg_match( '/[\s\x00-\x1f\x7f<>"\'`]/u', $link_to ) && preg_match( '//u', $link_to )
		&& in_array( $scheme, array( '', 'http', 'https' ), true )
		&& ( false === strpos( $link_to, '#' ) || false !== strpos( $link_to, '{id}' ) );
}

/**
 * The URL of one of the service's routes.
 *
 * @param array<string, mixed> $settings The settings.
 * @param string               $path     The route, from its first slash.
 * @param array<string, mixed> $query    The query string's parameters.
 * @return string
 */
function glossator_endpoint( $settings, $path, $query = array() ) {
	$url = untrailingslashit( (string) $settings['url'] ) . $path;
	if ( $query ) {
		$url .= '?' . http_build_query( $query, '', '&', PHP_QUERY_RFC3986 );
	}
	return $url;
}

/**
 * The arguments of a request to the service: a short timeout, no redirection, the token.
 *
 * @param array<string, mixed>  $settings The settings.
 * @param array<string, string> $headers  More headers.
 * @return array<string, mixed>
 */
function glossator_request_args( $settings, $headers = array() ) {
	if ( '' !== $settings['token'] ) {
		$headers['Authorization'] = 'Bearer ' . $settings['token'];
	}
	/**
	 * Filters how long a page waits for the service, in seconds (2 by default; kept
	 * between 0.1 and 10: 0 would mean no limit to WordPress's HTTP API).
	 *
	 * @param float $seconds The timeout.
	 */
	$timeout = min( 10.0, max( 0.1, (float) apply_filters( 'glossator_timeout', 2.0 ) ) );
	return array(
		'timeout'             => $timeout,
		'redirection'         => 0,
		'headers'             => $headers,
		'limit_response_size' => GLOSSATOR_MAX_ANSWER, // a longer one is cut (the rest read, not kept)
	);
}

/**
 * What went wrong with a response, or null when it is a 200 of the expected type.
 *
 * @param array|WP_Error $response The response of wp_remote_*.
 * @param string         $type     The expected media type.
 * @return string|null
 */
function glossator_response_error( $response, $type ) {
	if ( is_wp_error( $response ) ) {
		return $response->get_error_message();
	}
	$code = (int) wp_remote_retrieve_response_code( $response );
	if ( 200 !== $code ) {
		$problem = json_decode( wp_remote_retrieve_body( $response ), true );
		$detail  = is_array( $problem ) && isset( $problem['detail'] ) ? ': ' . $problem['detail'] : '';
		return sprintf( 'the service answered HTTP %d%s', $code, $detail );
	}
	$media = strtolower( (string) wp_remote_retrieve_header( $response, 'content-type' ) );
	if ( 0 !== strpos( $media, $type ) ) {
		return sprintf( 'the service answered %s where %s was expected', $media, $type );
	}
	return null;
}

/**
 * Whether calls to the service are paused after a recent failure.
 *
 * @return bool
 */
function glossator_is_paused() {
	return false !== get_transient( 'glossator_down' );
}

/**
 * Records a failure: calls pause for GLOSSATOR_PAUSE seconds, administrators are told.
 *
 * @param string $message What went wrong.
 * @param bool   $pause   Whether calls pause (not when the service answered, but about
 *                        one glossary only).
 */
function glossator_failed( $message, $pause = true ) {
	if ( $pause ) {
		set_transient( 'glossator_down', 1, GLOSSATOR_PAUSE );
	}
	update_option(
		GLOSSATOR_ERROR_OPTION,
		array(
			'time'    => time(),
			'message' => mb_substr( $message, 0, 300 ), // a service's own words: a line
		),
		false
	);
}

/** Records a success: the failure notice goes away. */
function glossator_succeeded() {
	if ( false !== get_option( GLOSSATOR_ERROR_OPTION, false ) ) {
		delete_option( GLOSSATOR_ERROR_OPTION );
	}
}

/**
 * The query string of POST /v1/annotate for these settings.
 *
 * @param array<string, mixed> $settings The settings.
 * @return array<string, string>
 */
function glossator_annotate_query( $settings ) {
	$query = array(
		'glossary'    => (string) $settings['glossary'],
		'markup'      => (string) $settings['markup'],
		'occurrences' => (string) $settings['occurrences'],
	);
	if ( '' !== $settings['link_to'] ) {
		$query['link_to'] = (string) $settings['link_to'];
	}
	return $query;
}

/**
 * The name of the transient holding a glossary's version.
 *
 * @param array<string, mixed> $settings The settings.
 * @return string
 */
function glossator_version_key( $settings ) {
	return 'glossator_v_' . md5( glossator_generation() . "\0" . $settings['url'] . "\0" . $settings['glossary'] );
}

/**
 * The name of the transient holding one annotated text: the text, the options and the
 * glossary's version make the key, so an edit or a new glossary never serves a stale page.
 *
 * @param array<string, mixed>  $settings The settings.
 * @param string                $html     The text sent.
 * @param array<string, string> $query    The options sent.
 * @param string                $version  The glossary's version.
 * @return string
 */
function glossator_cache_key( $settings, $html, $query, $version ) {
	return 'glossator_c_' . md5( glossator_generation() . "\0" . $settings['url'] . "\0" . wp_json_encode( $query ) . "\0" . $version . "\0" . $html );
}

/**
 * The HTML annotated by the service, from the cache when it can; on any failure, the HTML
 * as it came (fail open).
 *
 * @param string $html A post's content, as the_content made it.
 * @return string
 */
function glossator_annotate( $html ) {
	if ( '' === trim( $html ) || 'UTF-8' !== strtoupper( (string) get_option( 'blog_charset', 'UTF-8' ) ) ) {
		return $html;
	}
	// not valid UTF-8 (the service would refuse it), or annotated already (a theme that
	// filters the content twice; a page pasted from an annotated one): as it is
	if ( ! preg_match( '//u', $html ) || false !== strpos( $html, 'data-glossator-entry' ) ) {
		return $html;
	}
	$settings = glossator_settings();
	$query    = glossator_annotate_query( $settings );
	$version  = get_transient( glossator_version_key( $settings ) );
	if ( false !== $version ) {
		$cached = get_transient( glossator_cache_key( $settings, $html, $query, $version ) );
		// checked again (75 µs for 5 KB): kept by an older plugin, or by anything else
		// that writes the options table or the object cache, it may not be
		if ( is_string( $cached ) && '' === glossator_answer_problem( $html, $cached, (string) $settings['markup'], (string) $settings['link_to'] ) ) {
			return $cached;
		}
	}
	if ( glossator_is_paused() ) {
		return $html;
	}
	$args         = glossator_request_args(
		$settings,
		array(
			'Content-Type' => 'text/html; charset=utf-8',
			'Accept'       => 'text/html',
		)
	);
	$args['body'] = $html;
	// glossator's markup makes a text at most a few times longer: the rest is not kept
	$args['limit_response_size'] = (int) min( GLOSSATOR_MAX_ANSWER, max( MB_IN_BYTES, 32 * strlen( $html ) ) );
	$response     = wp_remote_post( glossator_endpoint( $settings, '/v1/annotate', $query ), $args );
	$error        = glossator_response_error( $response, 'text/html' );
	if ( null !== $error ) {
		glossator_failed( $error );
		return $html;
	}
	$annotated = wp_remote_retrieve_body( $response );
	$problem   = glossator_answer_problem( $html, $annotated, (string) $settings['markup'], (string) $settings['link_to'] );
	if ( '' !== $problem ) { // never put in a page markup glossator did not write
		glossator_failed( 'the service\'s answer was refused: ' . $problem );
		return $html;
	}
	glossator_succeeded();
	$header    = (string) wp_remote_retrieve_header( $response, 'x-glossator-glossary' );
	if ( preg_match( '/version=([0-9a-f]+)/', $header, $found ) ) {
		if ( $found[1] !== $version ) { // written when learnt or changed, to expire on time
			set_transient( glossator_version_key( $settings ), $found[1], GLOSSATOR_VERSION_TTL );
		}
		set_transient( glossator_cache_key( $settings, $html, $query, $found[1] ), $annotated, GLOSSATOR_CACHE_TTL );
	}
	return $annotated;
}

/**
 * A glossary's entries (GET /v1/glossaries/{name}/entries), kept with their ETag and
 * asked again with If-None-Match after GLOSSATOR_VERSION_TTL seconds; null when the
 * service cannot be reached and nothing is kept.
 *
 * @param string $glossary The glossary's name.
 * @return array<int, array<string, mixed>>|null
 */
function glossator_entries( $glossary ) {
	$settings = glossator_settings();
	$key      = 'glossator_e_' . md5( glossator_generation() . "\0" . $settings['url'] . "\0" . $glossary );
	$kept     = get_transient( $key );
	$kept     = is_array( $kept ) ? $kept : null;
	if ( $kept && time() - $kept['checked'] < GLOSSATOR_VERSION_TTL ) {
		return $kept['entries'];
	}
	if ( glossator_is_paused() ) {
		return $kept ? $kept['entries'] : null;
	}
	$headers = array( 'Accept' => 'application/json' );
	if ( $kept ) {
		$headers['If-None-Match'] = $kept['etag'];
	}
	$path     = '/v1/glossaries/' . rawurlencode( $glossary ) . '/entries';
	$response = wp_remote_get( glossator_endpoint( $settings, $path ), glossator_request_args( $settings, $headers ) );
	if ( $kept && 304 === (int) wp_remote_retrieve_response_code( $response ) ) {
		$kept['checked'] = time();
		set_transient( $key, $kept, GLOSSATOR_CACHE_TTL );
		return $kept['entries'];
	}
	$error = glossator_response_error( $response, 'application/json' );
	$data  = null === $error ? json_decode( wp_remote_retrieve_body( $response ), true ) : null;
	if ( null === $error && ! ( is_array( $data ) && isset( $data['entries'] ) && is_array( $data['entries'] ) ) ) {
		$error = 'the service answered entries that are not a list';
	}
	if ( null !== $error ) { // an unknown glossary (404, a shortcode's typo) pauses nothing
		glossator_failed( $error, 404 !== (int) wp_remote_retrieve_response_code( $response ) );
		return $kept ? $kept['entries'] : null;
	}
	glossator_succeeded();
	$kept = array(
		'etag'    => (string) wp_remote_retrieve_header( $response, 'etag' ),
		'checked' => time(),
		'entries' => $data['entries'],
	);
	set_transient( $key, $kept, GLOSSATOR_CACHE_TTL );
	return $kept['entries'];
}

/**
 * The generation of the cache: part of every key, so that raising it forgets at once
 * every text, version and index kept, whatever stores the transients.
 *
 * @return string
 */
function glossator_generation() {
	return (string) get_option( 'glossator_generation', '0' );
}

/**
 * Forgets every annotated text, version and index kept, and the pause after a failure
 * (on a change of settings, and from uninstall.php). Transients kept in the options
 * table are deleted; those of an object cache expire on their own.
 */
function glossator_flush_cache() {
	global $wpdb;
	update_option( 'glossator_generation', (string) ( (int) glossator_generation() + 1 ) );
	delete_transient( 'glossator_down' );
	if ( ! wp_using_ext_object_cache() ) {
		$wpdb->query(
			$wpdb->prepare(
				"DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s",
				$wpdb->esc_like( '_transient_glossator_' ) . '%',
				$wpdb->esc_like( '_transient_timeout_glossator_' ) . '%'
			)
		);
	}
}
