<?php
/**
 * The check of the service's answer before it goes into a page, shared by the WordPress
 * and SPIP plugins (the two copies are identical; a test keeps them so).
 *
 * The service promises that the annotated HTML is the HTML sent, byte for byte, with
 * only glossator's markup added around terms. A page must not take that on trust: a
 * service misconfigured, replaced, or answering through a man in the middle could send
 * any markup. So the answer is accepted only when:
 *
 * - taking off every annotation of the markup preset asked for gives back the HTML
 *   sent, byte for byte;
 * - each annotation is exactly the preset's markup around a term's text (no tag in
 *   it), its texts and attributes without `<`, `>` (nor `"` in attributes), its tooltip
 *   ids the service's own (`glossator-1`, `gl-1`), its links either the index page asked
 *   for (`link_to`) or an http, https or mailto source;
 * - each annotation sits in text: not inside a tag, a comment, or the content of
 *   `script`, `style`, `textarea`, `title`, `svg`, `math` and the like, and not inside
 *   a UTF-8 character.
 *
 * @package Glossator
 */

if ( ! defined( 'ABSPATH' ) && ! defined( '_ECRIRE_INC_VERSION' ) ) {
	exit;
}

/**
 * The regular expressions of one annotation of a markup preset: its opening (before the
 * term's text) and its closing (after it); the caller anchors each where its search
 * starts. Tooltip ids are the service's own (`glossator-1`, `gl-1`, `gl-2-1`…): never one
 * of the page's (`wpadminbar`).
 *
 * @param string $markup The preset: glossator, spip or abbr.
 * @param bool   $linked Whether terms link to the index page (link_to).
 * @return array{0: string, 1: string}|null
 */
function glossator_answer_patterns( $markup, $linked ) {
	$attr   = '[^"<>]*';
	$tip    = '(?:glossator|gl)-[0-9]+(?:-[0-9]+)?';
	$text   = '[^<>]*';
	$href   = '([^"<>]*)';
	$source = '(?:<span class="glossator-source">' . $text
		. '(?:<a href="(?i:https?://|mailto:)[^"<>]*">' . $text . '</a>)?</span> )?';
	if ( 'glossator' === $markup ) {
		$trigger = $linked
			? '<a class="glossator-term" href="' . $href . '" aria-describedby="' . $tip . '">'
			: '<span class="glossator-term" tabindex="0" aria-describedby="' . $tip . '">';
		return array(
			'<span class="glossator" data-glossator-entry="' . $attr . '">' . $trigger,
			( $linked ? '</a>' : '</span>' ) . '<span class="glossator-tip" role="tooltip" id="' . $tip . '"> '
				. '<span class="glossator-title">' . $text . '</span> '
				. '<span class="glossator-definition">' . $text . '</span> ' . $source . '</span></span>',
		);
	}
	if ( 'spip' === $markup ) {
		$opening = $linked
			? '<a class="cs_glossaire" data-glossator-entry="' . $attr . '" href="' . $href . '" aria-label="'
				. $attr . '" aria-describedby="' . $tip . '"><span class="gl_mot">'
			: '<a class="cs_glossaire" data-glossator-entry="' . $attr . '"><span class="gl_mot" tabindex="0" aria-describedby="' . $tip . '">';
		return array(
			$opening,
			'</span><span class="gl_dl" role="tooltip" id="' . $tip . '"> <span class="gl_dt">' . $text
				. '</span> <span class="gl_dd">' . $text . '</span> '
				. '(?:<span class="glossator-source">' . $text . '</span> )?</span></a>',
		);
	}
	if ( 'abbr' === $markup ) {
		return array(
			'<abbr data-glossator-entry="' . $attr . '" title="' . $attr . '">' . ( $linked ? '<a href="' . $href . '">' : '' ),
			( $linked ? '</a>' : '' ) . '</abbr>',
		);
	}
	return null;
}

/**
 * Whether a link of an annotation leads where the index page (link_to) says: link_to
 * and the entry's `#anchor`, or link_to with `{id}` replaced by a percent-encoded id.
 *
 * @param string $href    The link, as written in the attribute.
 * @param string $link_to The index page asked for.
 * @return bool
 */
function glossator_answer_link_ok( $href, $link_to ) {
	$href    = html_entity_decode( $href, ENT_QUOTES | ENT_HTML5, 'UTF-8' );
	$link_to = trim( $link_to );
	if ( false === strpos( $link_to, '{id}' ) ) {
		return 0 === strpos( $href, $link_to . '#' ) && ! preg_match( '/[\s"<>]/', $href );
	}
	$parts = array_map(
		function ( $part ) {
			return preg_quote( $part, '/' );
		},
		explode( '{id}', $link_to )
	);
	return 1 === preg_match( '/^' . implode( '[A-Za-z0-9%._~-]*', $parts ) . '$/D', $href );
}

/**
 * The spans of an HTML text where nothing may be inserted: the inside of each tag,
 * comment, doctype or processing instruction, and of each element whose content is not
 * HTML text (raw text, foreign content). Each span is [first, last] byte offsets:
 * inserting at an offset p with first <= p <= last is refused.
 *
 * @param string $html The HTML.
 * @return array<int, array{0: int, 1: int}>
 */
function glossator_answer_closed_spans( $html ) {
	$spans  = array();
	$length = strlen( $html );
	$at     = strpos( $html, '<' );
	while ( false !== $at && $at < $length - 1 ) {
		$end = glossator_answer_markup_end( $html, $at );
		if ( $end <= $at ) { // a "<" that opens nothing: text
			$at = strpos( $html, '<', $at + 1 );
			continue;
		}
		$raw = preg_match( '/\G<(script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|template|svg|math|plaintext)(?=[\s\/>])/i', $html, $found, 0, $at );
		if ( false === $raw ) { // PCRE failed: nothing after is text
			$spans[] = array( $at + 1, $length );
			break;
		}
		if ( $raw ) {
			$name  = strtolower( $found[1] );
			$close = 'plaintext' !== $name && preg_match( '#</' . $name . '(?=[\s/>])#i', $html, $found, PREG_OFFSET_CAPTURE, $end );
			$end   = $close ? glossator_answer_markup_end( $html, $found[0][1] ) : $length;
		}
		$spans[] = array( $at + 1, $end - 1 );
		$at      = $end < $length ? strpos( $html, '<', $end ) : false;
	}
	return $spans;
}

/**
 * Where a tag, comment or other markup starting with "<" at $at ends (the offset after
 * its ">", or the text's length), or $at when that "<" opens nothing. Quotes are honoured
 * in tags wherever they appear, which can only make a tag longer than a browser reads it.
 *
 * @param string $html The HTML.
 * @param int    $at   The offset of a "<".
 * @return int
 */
function glossator_answer_markup_end( $html, $at ) {
	$length = strlen( $html );
	if ( 0 === substr_compare( $html, '<!--', $at, 4 ) ) {
		$close = strpos( $html, '-->', $at + 4 );
		return false === $close ? $length : $close + 3;
	}
	$letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
	$next    = $at + 1 < $length ? $html[ $at + 1 ] : '';
	$after   = $at + 2 < $length ? $html[ $at + 2 ] : '';
	if ( '' === $next || false === strpos( $letters . '!?/', $next ) ) {
		return $at;
	}
	if ( false !== strpos( $letters, $next ) || ( '/' === $next && '' !== $after && false !== strpos( $letters, $after ) ) ) {
		// a tag: to its ">", or never closed (or PCRE failed: then too, nothing after is text)
		$tag = preg_match( '/\G<\/?[A-Za-z][^\s\/>]*+(?:[^"\'>]++|"[^"]*+"|\'[^\']*+\')*+>/', $html, $found, 0, $at );
		return $tag ? $at + strlen( $found[0] ) : $length;
	}
	$close = strpos( $html, '>', $at + 1 ); // <!doctype>, <![CDATA[, <?…>, </ >
	return false === $close ? $length : $close + 1;
}

/**
 * What is wrong with the service's answer to a text, or '' when it is the text with only
 * glossator's markup added, in text (see the file's comment).
 *
 * @param string $sent    The HTML sent.
 * @param string $answer  The HTML answered.
 * @param string $markup  The markup preset asked for.
 * @param string $link_to The index page asked for ('' for none).
 * @return string
 */
function glossator_answer_problem( $sent, $answer, $markup, $link_to ) {
	$patterns = glossator_answer_patterns( $markup, '' !== $link_to );
	if ( null === $patterns ) {
		return 'unknown markup preset ' . $markup;
	}
	$kept   = '';     // the answer without the annotations: must be what was sent
	$points = array(); // where, in it, annotations begin and end
	$at     = 0;
	while ( preg_match( '#' . $patterns[0] . '#', $answer, $opening, PREG_OFFSET_CAPTURE, $at ) ) {
		$start = $opening[0][1];
		if ( '' !== $link_to && ! glossator_answer_link_ok( $opening[1][0], $link_to ) ) {
			return 'a term links to ' . substr( $opening[1][0], 0, 80 ) . ', not to the index page';
		}
		// the term's text, without markup, then the closing: \G holds the search at the term
		$term = $start + strlen( $opening[0][0] );
		if ( ! preg_match( '#\G([^<]*+)' . $patterns[1] . '#', $answer, $closing, 0, $term ) ) {
			return 'an annotation at byte ' . $start . ' is not closed as glossator closes it';
		}
		$kept    .= substr( $answer, $at, $start - $at );
		$points[] = strlen( $kept );
		$kept    .= $closing[1];
		$points[] = strlen( $kept );
		$at       = $term + strlen( $closing[0] );
	}
	if ( PREG_NO_ERROR !== preg_last_error() ) {
		return 'the answer could not be read (' . preg_last_error() . ')';
	}
	$kept .= substr( $answer, $at );
	if ( $kept !== $sent ) {
		return 'it is not the text sent with only glossator\'s markup added';
	}
	return glossator_answer_points_problem( $sent, $points );
}

/**
 * What is wrong with the places annotations were inserted at, or ''.
 *
 * @param string   $sent   The HTML sent.
 * @param int[]    $points The offsets, in it, of each annotation's start and end, in order.
 * @return string
 */
function glossator_answer_points_problem( $sent, $points ) {
	if ( ! $points ) {
		return '';
	}
	$spans = glossator_answer_closed_spans( $sent );
	$span  = 0;
	foreach ( $points as $point ) {
		while ( isset( $spans[ $span ] ) && $spans[ $span ][1] < $point ) {
			++$span;
		}
		if ( isset( $spans[ $span ] ) && $spans[ $span ][0] <= $point ) {
			return 'an annotation at byte ' . $point . ' is inside a tag, a comment or a script';
		}
		if ( $point < strlen( $sent ) && 0x80 === ( ord( $sent[ $point ] ) & 0xC0 ) ) {
			return 'an annotation at byte ' . $point . ' cuts a character';
		}
	}
	return '';
}
