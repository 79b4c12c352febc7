<?php
/**
 * A must-use plugin of the test site.
 *
 * Every notice and warning is reported from here on, and displayed in the page, where the
 * tests look for them (deprecations aside: WordPress 6.1's own code has PHP 8.2 ones).
 * The [sigle] shortcode writes its content in bold, so that a term only there is
 * annotated only if glossator runs after the shortcodes.
 *
 * @package Glossator
 */

error_reporting( E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED );

add_shortcode(
	'sigle',
	function ( $atts, $content = '' ) {
		return '<strong>' . esc_html( $content ) . '</strong>';
	}
);
