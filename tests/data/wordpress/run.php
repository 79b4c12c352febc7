<?php
/**
 * Runs PHP code read on standard input inside a WordPress site, for the tests
 * (tests/support/php.py): `php run.php SITE_FOLDER [install] < code.php`.
 * With "install", WordPress is loaded as its installer loads it (WP_INSTALLING).
 */

if ( 'cli' !== PHP_SAPI || $argc < 2 ) {
	exit( 2 );
}
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
if ( isset( $argv[2] ) && 'install' === $argv[2] ) {
	define( 'WP_INSTALLING', true );
}
// no mail from here (wp_install() sends one): a filter set before WordPress loads
$GLOBALS['wp_filter'] = array(
	'pre_wp_mail' => array(
		10 => array(
			'glossator_tests_no_mail' => array(
				'function'      => '__return_false',
				'accepted_args' => 1,
			),
		),
	),
);
$glossator_code = stream_get_contents( STDIN );
require $argv[1] . '/wp-load.php';
eval( $glossator_code );
