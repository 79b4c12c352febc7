<?php
/**
 * A must-use plugin of the test site: the [sigle] shortcode writes its content in bold,
 * so that a term only there is annotated only if glossator runs after the shortcodes.
 *
 * @package Glossator
 */

add_shortcode(
	'sigle',
	function ( $atts, $content = '' ) {
		return '<strong>' . esc_html( $content ) . '</strong>';
	}
);
