<?php
/**
 * The front end: the_content filter, run after the shortcodes (priority 20, where
 * WordPress expands shortcodes at 11), and the stylesheet and script of the tooltips.
 *
 * @package Glossator
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** The post meta that turns glossator off for one post ("1"). */
define( 'GLOSSATOR_OFF_META', '_glossator_off' );

/**
 * Whether a post is to be annotated: its type is chosen in the settings and its own
 * switch is not off.
 *
 * @param WP_Post|int|null $post The post.
 * @return bool
 */
function glossator_post_enabled( $post ) {
	$post = get_post( $post );
	if ( ! $post ) {
		return false;
	}
	$settings = glossator_settings();
	if ( ! in_array( $post->post_type, (array) $settings['post_types'], true ) ) {
		return false;
	}
	return '1' !== get_post_meta( $post->ID, GLOSSATOR_OFF_META, true );
}

/**
 * The the_content filter: the post's HTML annotated by the service, or as it came.
 *
 * Only the main query's posts, in the loop, on the public side; not in feeds, the REST
 * API or excerpts made from the content.
 *
 * @param string $content The post's content, shortcodes expanded.
 * @return string
 */
function glossator_the_content( $content ) {
	if ( is_admin() || is_feed() || ( defined( 'REST_REQUEST' ) && REST_REQUEST ) ) {
		return $content;
	}
	if ( ! in_the_loop() || ! is_main_query() || doing_filter( 'get_the_excerpt' ) ) {
		return $content;
	}
	if ( ! glossator_post_enabled( get_the_ID() ) ) {
		return $content;
	}
	$annotated = glossator_annotate( $content );
	if ( $annotated !== $content && ! wp_style_is( 'glossator', 'enqueued' ) ) {
		glossator_enqueue(); // a loop the enqueue hook did not foresee: printed in the footer
	}
	return $annotated;
}
add_filter( 'the_content', 'glossator_the_content', 20 );

/** Enqueues the tooltips' stylesheet and script (shipped in the plugin's assets/). */
function glossator_enqueue() {
	wp_enqueue_style( 'glossator', plugins_url( 'assets/glossator.css', GLOSSATOR_FILE ), array(), GLOSSATOR_VERSION );
	wp_enqueue_script( 'glossator', plugins_url( 'assets/glossator.js', GLOSSATOR_FILE ), array(), GLOSSATOR_VERSION, true );
}

/**
 * On the public side, enqueues the assets when the main query shows a post to annotate,
 * so that the stylesheet is linked in the head.
 */
function glossator_enqueue_scripts() {
	global $wp_query;
	if ( is_feed() || ! $wp_query || empty( $wp_query->posts ) ) {
		return;
	}
	foreach ( $wp_query->posts as $post ) {
		if ( glossator_post_enabled( $post ) ) {
			glossator_enqueue();
			return;
		}
	}
}
add_action( 'wp_enqueue_scripts', 'glossator_enqueue_scripts' );

/**
 * The script is deferred: tooltips work without it, it only adds Escape and taps.
 *
 * @param string $tag    The script tag.
 * @param string $handle Its handle.
 * @return string
 */
function glossator_defer_script( $tag, $handle ) {
	if ( 'glossator' === $handle && false === strpos( $tag, ' defer' ) ) {
		$tag = str_replace( ' src=', ' defer src=', $tag );
	}
	return $tag;
}
add_filter( 'script_loader_tag', 'glossator_defer_script', 10, 2 );
