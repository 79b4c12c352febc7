<?php
/**
 * Run by WordPress when the plugin is deleted: its settings, its failure notice, its
 * cache and the per-post switches go.
 *
 * @package Glossator
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

require_once __DIR__ . '/includes/client.php';

glossator_flush_cache();
delete_option( GLOSSATOR_OPTION );
delete_option( GLOSSATOR_ERROR_OPTION );
delete_option( 'glossator_generation' );
delete_post_meta_by_key( '_glossator_off' );
