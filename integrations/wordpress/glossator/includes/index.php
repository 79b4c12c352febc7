<?php
/**
 * The [glossaire] shortcode: the A–Z index of a glossary, from the service's
 * GET /v1/glossaries/{name}/entries. Each entry's element has the anchor the service
 * gives (`glossaire-ess`), the one annotated terms link to when "Index page" is set.
 *
 * @package Glossator
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The section of the index a term goes under, as `glossator index` files it: its first
 * letter, accents folded ("A"…"Z"), "0–9" for a digit, "Autres" for the rest.
 *
 * @param string $term The term.
 * @return string
 */
function glossator_index_letter( $term ) {
	$letter = strtoupper( substr( remove_accents( ltrim( $term ) ), 0, 1 ) );
	if ( '' !== $letter && ctype_digit( $letter ) ) {
		return '0–9';
	}
	return ( '' !== $letter && ctype_alpha( $letter ) ) ? $letter : 'Autres';
}

/**
 * The id of a section's heading, as `glossator index` writes it (`lettre-a`, `lettre-0-9`,
 * `lettre-autres`): an entry's anchor always starts with `glossaire-`, so none is ever
 * the same.
 *
 * @param string $letter The section (glossator_index_letter()).
 * @return string
 */
function glossator_index_section_id( $letter ) {
	return 'lettre-' . ( '0–9' === $letter ? '0-9' : strtolower( $letter ) );
}

/**
 * Where a section goes in the index: "0–9" first, the letters, "Autres" last.
 *
 * @param string $letter The section (glossator_index_letter()).
 * @return int
 */
function glossator_index_rank( $letter ) {
	if ( '0–9' === $letter ) {
		return 0;
	}
	return 'Autres' === $letter ? 100 : ord( $letter );
}

/**
 * One entry of the index: its term (and title), its definition, its source: linked when
 * its URL is http, https or mailto, else as text, as `glossator index` shows it. Its
 * labels are French, as the annotations the service writes.
 *
 * @param array<string, mixed> $entry An entry of the service.
 * @return string
 */
function glossator_index_entry( $entry ) {
	$term  = (string) $entry['term'];
	$title = isset( $entry['title'] ) ? (string) $entry['title'] : '';
	$out   = '<dt id="' . esc_attr( (string) $entry['anchor'] ) . '">' . esc_html( $term );
	if ( '' !== $title && $title !== $term ) {
		$out .= ' <span class="glossator-index-title">(' . esc_html( $title ) . ')</span>';
	}
	$out   .= '</dt><dd>' . esc_html( (string) $entry['definition'] );
	$url    = isset( $entry['url'] ) ? trim( (string) $entry['url'] ) : '';
	$source = isset( $entry['source'] ) && '' !== (string) $entry['source'] ? (string) $entry['source'] : $url;
	if ( '' !== $source ) {
		$shown = '' !== $url && preg_match( '#^(https?:|mailto:)#i', $url )
			? '<a href="' . esc_url( $url ) . '">' . esc_html( $source ) . '</a>'
			: esc_html( $source );
		$out  .= ' <span class="glossator-source">Source&#160;: ' . $shown . '</span>';
	}
	return $out . "</dd>\n";
}

/**
 * The [glossaire] shortcode. Attribute: glossary (the settings' glossary by default).
 * Marked `noglossary`: the index itself is never annotated. When the service cannot be
 * reached and no copy is kept, it renders nothing (fail open).
 *
 * @param array<string, string>|string $atts The shortcode's attributes.
 * @return string
 */
function glossator_index_shortcode( $atts ) {
	$atts = shortcode_atts( array( 'glossary' => glossator_settings()['glossary'] ), $atts, 'glossaire' );
	if ( ! preg_match( '/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/D', (string) $atts['glossary'] ) ) {
		return ''; // written by any author: only a glossary's name goes into the service's URL
	}
	$entries = glossator_entries( (string) $atts['glossary'] );
	if ( ! $entries ) {
		return '';
	}
	$sections = array();
	foreach ( $entries as $entry ) {
		if ( is_array( $entry ) && isset( $entry['term'], $entry['definition'], $entry['anchor'] )
			&& is_scalar( $entry['term'] ) && is_scalar( $entry['definition'] ) && is_scalar( $entry['anchor'] )
			&& ( ! isset( $entry['title'] ) || is_scalar( $entry['title'] ) )
			&& ( ! isset( $entry['url'] ) || is_scalar( $entry['url'] ) )
			&& ( ! isset( $entry['source'] ) || is_scalar( $entry['source'] ) ) ) {
			$sections[ glossator_index_letter( (string) $entry['term'] ) ][] = $entry;
		}
	}
	uksort(
		$sections,
		function ( $a, $b ) {
			return glossator_index_rank( (string) $a ) - glossator_index_rank( (string) $b );
		}
	);
	$nav  = '';
	$body = '';
	foreach ( $sections as $letter => $items ) {
		usort(
			$items,
			function ( $a, $b ) {
				return strcasecmp( remove_accents( (string) $a['term'] ), remove_accents( (string) $b['term'] ) );
			}
		);
		$id    = glossator_index_section_id( (string) $letter );
		$nav  .= '<a href="#' . esc_attr( $id ) . '">' . esc_html( $letter ) . '</a> ';
		$body .= '<h2 id="' . esc_attr( $id ) . '">' . esc_html( $letter ) . "</h2>\n<dl>\n";
		foreach ( $items as $entry ) {
			$body .= glossator_index_entry( $entry );
		}
		$body .= "</dl>\n";
	}
	return '<div class="glossator-index noglossary"><nav aria-label="Index alphabétique">'
		. trim( $nav ) . "</nav>\n" . $body . '</div>';
}
add_shortcode( 'glossaire', 'glossator_index_shortcode' );
