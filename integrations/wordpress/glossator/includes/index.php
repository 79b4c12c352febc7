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
 * The first letter of a term, accents folded, for the index's sections ("#" for the rest).
 *
 * @param string $term The term.
 * @return string
 */
function glossator_index_letter( $term ) {
	$letter = strtoupper( substr( remove_accents( ltrim( $term ) ), 0, 1 ) );
	return ( '' !== $letter && ctype_alpha( $letter ) ) ? $letter : '#';
}

/**
 * One entry of the index: its term (and title), its definition, its source.
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
	$out .= '</dt><dd>' . esc_html( (string) $entry['definition'] );
	$url  = isset( $entry['url'] ) ? (string) $entry['url'] : '';
	if ( '' !== $url && preg_match( '#^(https?:|mailto:)#i', $url ) ) {
		$source = isset( $entry['source'] ) && '' !== (string) $entry['source'] ? (string) $entry['source'] : $url;
		$out   .= ' <span class="glossator-source">' . esc_html__( 'Source:', 'glossator' ) . ' <a href="' . esc_url( $url ) . '">' . esc_html( $source ) . '</a></span>';
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
	ksort( $sections, SORT_STRING );
	$nav  = '';
	$body = '';
	foreach ( $sections as $letter => $items ) {
		usort(
			$items,
			function ( $a, $b ) {
				return strcasecmp( remove_accents( (string) $a['term'] ), remove_accents( (string) $b['term'] ) );
			}
		);
		$id    = 'glossaire-lettre-' . ( '#' === $letter ? 'autres' : strtolower( $letter ) );
		$nav  .= '<a href="#' . esc_attr( $id ) . '">' . esc_html( $letter ) . '</a> ';
		$body .= '<h2 id="' . esc_attr( $id ) . '">' . esc_html( $letter ) . "</h2>\n<dl>\n";
		foreach ( $items as $entry ) {
			$body .= glossator_index_entry( $entry );
		}
		$body .= "</dl>\n";
	}
	return '<div class="glossator-index noglossary"><nav aria-label="' . esc_attr__( 'Index letters', 'glossator' ) . '">'
		. trim( $nav ) . "</nav>\n" . $body . '</div>';
}
add_shortcode( 'glossaire', 'glossator_index_shortcode' );
