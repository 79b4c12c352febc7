<?php
/**
 * Plugin Name:       Glossator
 * Plugin URI:        https://github.com/glossator/glossator
 * Description:       Annotates the terms of a glossary in posts and pages with accessible tooltips, through a running `glossator serve`. If the service is down or slow, pages are served unannotated.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * Author:            The glossator authors
 * License:           MIT
 * Text Domain:       glossator
 *
 * @package Glossator
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'GLOSSATOR_VERSION', '0.1.0' );
define( 'GLOSSATOR_FILE', __FILE__ );
define( 'GLOSSATOR_DIR', __DIR__ );

require_once __DIR__ . '/includes/answer.php';
require_once __DIR__ . '/includes/client.php';
require_once __DIR__ . '/includes/content.php';
require_once __DIR__ . '/includes/index.php';
require_once __DIR__ . '/includes/admin.php';
