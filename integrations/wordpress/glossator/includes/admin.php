<?php
/**
 * The administration: the settings page (Settings API: the form posts to options.php,
 * which checks its nonce and the manage_options capability), the per-post switch, and the
 * notice when the service failed.
 *
 * @package Glossator
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** The markup presets of the service. */
define( 'GLOSSATOR_MARKUPS', array( 'glossator', 'spip', 'abbr' ) );

/** The occurrence policies of the service. */
define( 'GLOSSATOR_OCCURRENCES', array( 'first', 'section', 'all' ) );

/**
 * The settings as saved: each checked, the token kept when the field is left empty.
 *
 * @param mixed $input What the form posted.
 * @return array<string, mixed>
 */
function glossator_sanitize_settings( $input ) {
	$input    = is_array( $input ) ? $input : array(); // options.php has unslashed it
	$old      = glossator_settings();
	$settings = glossator_defaults();
	$url      = isset( $input['url'] ) ? esc_url_raw( trim( (string) $input['url'] ), array( 'http', 'https' ) ) : '';
	if ( '' !== $url && ! preg_match( '#^https?://[^/?\#]+#i', $url ) ) { // relative, or no host
		$url = '';
	}
	if ( '' === $url && isset( $input['url'] ) && '' !== trim( (string) $input['url'] ) && function_exists( 'add_settings_error' ) ) {
		add_settings_error( GLOSSATOR_OPTION, 'glossator_url', __( 'The service URL must be an http:// or https:// URL; the previous one is kept.', 'glossator' ) );
	}
	$settings['url'] = '' !== $url ? $url : $old['url'];
	$token = isset( $input['token'] ) ? trim( preg_replace( '/[\x00-\x1f\x7f]/', '', (string) $input['token'] ) ) : '';
	if ( ! empty( $input['token_clear'] ) ) {
		$settings['token'] = '';
	} else {
		$saved             = get_option( GLOSSATOR_OPTION, array() );
		$kept              = is_array( $saved ) && isset( $saved['token'] ) ? (string) $saved['token'] : '';
		$settings['token'] = '' !== $token ? $token : $kept;
	}
	$glossary = isset( $input['glossary'] ) ? trim( (string) $input['glossary'] ) : '';
	if ( preg_match( '/^[A-Za-z0-9_.-]{1,64}$/', $glossary ) ) {
		$settings['glossary'] = $glossary;
	}
	if ( isset( $input['markup'] ) && in_array( $input['markup'], GLOSSATOR_MARKUPS, true ) ) {
		$settings['markup'] = $input['markup'];
	}
	if ( isset( $input['occurrences'] ) && in_array( $input['occurrences'], GLOSSATOR_OCCURRENCES, true ) ) {
		$settings['occurrences'] = $input['occurrences'];
	}
	$link_to = isset( $input['link_to'] ) ? trim( (string) $input['link_to'] ) : ''; // as typed: relative, {id}
	if ( glossator_link_to_valid( $link_to ) ) {
		$settings['link_to'] = $link_to;
	} else {
		$settings['link_to'] = $old['link_to'];
		if ( function_exists( 'add_settings_error' ) ) {
			add_settings_error( GLOSSATOR_OPTION, 'glossator_link_to', __( 'The index page must be a relative, http:// or https:// URL without spaces or quotes, and without a #fragment unless it holds {id} (e.g. /glossaire/#mot-{id}); the previous one is kept.', 'glossator' ) );
		}
	}
	$types               = isset( $input['post_types'] ) ? array_map( 'strval', (array) $input['post_types'] ) : array();
	$settings['post_types'] = array_values( array_intersect( $types, array_keys( get_post_types( array( 'public' => true ) ) ) ) );
	return $settings;
}

/** Registers the setting, its section and its fields. */
function glossator_admin_init() {
	register_setting(
		'glossator',
		GLOSSATOR_OPTION,
		array(
			'type'              => 'array',
			'sanitize_callback' => 'glossator_sanitize_settings',
			'default'           => glossator_defaults(),
			'show_in_rest'      => false,
		)
	);
	add_settings_section( 'glossator_service', __( 'Service', 'glossator' ), 'glossator_section_intro', 'glossator' );
	$fields = array(
		'url'         => __( 'Service URL', 'glossator' ),
		'token'       => __( 'Token', 'glossator' ),
		'glossary'    => __( 'Glossary', 'glossator' ),
		'markup'      => __( 'Markup', 'glossator' ),
		'occurrences' => __( 'Occurrences', 'glossator' ),
		'link_to'     => __( 'Index page', 'glossator' ),
		'post_types'  => __( 'Post types', 'glossator' ),
	);
	foreach ( $fields as $name => $label ) {
		add_settings_field(
			'glossator_' . $name,
			$label,
			'glossator_field_' . $name,
			'glossator',
			'glossator_service',
			array( 'label_for' => 'glossator_' . $name )
		);
	}
}
add_action( 'admin_init', 'glossator_admin_init' );

/** The section's introduction: the state of the service, asked now. */
function glossator_section_intro() {
	$settings = glossator_settings();
	$response = wp_remote_get( glossator_endpoint( $settings, '/healthz' ), glossator_request_args( $settings ) );
	$error    = glossator_response_error( $response, 'application/json' );
	if ( null === $error ) {
		$health = json_decode( wp_remote_retrieve_body( $response ), true );
		$names  = is_array( $health ) && isset( $health['glossaries'] ) ? array_keys( (array) $health['glossaries'] ) : array();
		/* translators: %s: the names of the glossaries */
		$text = sprintf( __( 'The service answers; its glossaries: %s.', 'glossator' ), implode( ', ', $names ) );
	} else {
		/* translators: %s: what went wrong */
		$text = sprintf( __( 'The service does not answer (%s): pages are served unannotated.', 'glossator' ), $error );
	}
	echo '<p>' . esc_html( $text ) . '</p>';
}

/**
 * A text field of the settings.
 *
 * @param string $name  The setting.
 * @param string $type  The input's type.
 * @param string $value Its value.
 * @param string $help  A line of help.
 */
function glossator_text_field( $name, $type, $value, $help ) {
	printf(
		'<input type="%1$s" id="glossator_%2$s" name="%3$s[%2$s]" value="%4$s" class="regular-text" autocomplete="off" /><p class="description">%5$s</p>',
		esc_attr( $type ),
		esc_attr( $name ),
		esc_attr( GLOSSATOR_OPTION ),
		esc_attr( $value ),
		esc_html( $help )
	);
}

/** The service URL field. */
function glossator_field_url() {
	glossator_text_field( 'url', 'url', glossator_settings()['url'], __( 'Where `glossator serve` listens, seen from this server, e.g. http://127.0.0.1:8765.', 'glossator' ) );
}

/** The token field: never shown back, kept when left empty. */
function glossator_field_token() {
	if ( defined( 'GLOSSATOR_TOKEN' ) ) {
		echo '<p class="description">' . esc_html__( 'Set by the constant GLOSSATOR_TOKEN in wp-config.php.', 'glossator' ) . '</p>';
		return;
	}
	$set = '' !== glossator_settings()['token'];
	glossator_text_field( 'token', 'password', '', $set ? __( 'A token is saved; leave empty to keep it.', 'glossator' ) : __( 'The token of `glossator serve --token`, if it has one.', 'glossator' ) );
	if ( $set ) {
		printf(
			'<label><input type="checkbox" name="%s[token_clear]" value="1" /> %s</label>',
			esc_attr( GLOSSATOR_OPTION ),
			esc_html__( 'Forget the saved token', 'glossator' )
		);
	}
}

/** The glossary field. */
function glossator_field_glossary() {
	glossator_text_field( 'glossary', 'text', glossator_settings()['glossary'], __( 'The name of one of the service\'s glossaries.', 'glossator' ) );
}

/**
 * A choice among values.
 *
 * @param string   $name    The setting.
 * @param string[] $choices The values.
 */
function glossator_select_field( $name, $choices ) {
	$current = glossator_settings()[ $name ];
	printf( '<select id="glossator_%1$s" name="%2$s[%1$s]">', esc_attr( $name ), esc_attr( GLOSSATOR_OPTION ) );
	foreach ( $choices as $choice ) {
		printf( '<option value="%1$s"%2$s>%1$s</option>', esc_attr( $choice ), selected( $current, $choice, false ) );
	}
	echo '</select>';
}

/** The markup field. */
function glossator_field_markup() {
	glossator_select_field( 'markup', GLOSSATOR_MARKUPS );
}

/** The occurrences field. */
function glossator_field_occurrences() {
	glossator_select_field( 'occurrences', GLOSSATOR_OCCURRENCES );
}

/** The index page field: where the [glossaire] shortcode is; terms then link to it. */
function glossator_field_link_to() {
	// text, not url: the browser would refuse a relative URL
	glossator_text_field( 'link_to', 'text', glossator_settings()['link_to'], __( 'The URL of the page holding [glossaire] (relative or absolute; {id} stands for the entry\'s id); annotated terms then link to their entry there. Optional.', 'glossator' ) );
}

/** The post types field. */
function glossator_field_post_types() {
	$chosen = (array) glossator_settings()['post_types'];
	echo '<fieldset id="glossator_post_types">';
	foreach ( get_post_types( array( 'public' => true ), 'objects' ) as $type ) {
		printf(
			'<label><input type="checkbox" name="%1$s[post_types][]" value="%2$s"%3$s /> %4$s</label><br />',
			esc_attr( GLOSSATOR_OPTION ),
			esc_attr( $type->name ),
			checked( in_array( $type->name, $chosen, true ), true, false ),
			esc_html( $type->labels->name )
		);
	}
	echo '</fieldset>';
}

/** Adds Settings > Glossator. */
function glossator_admin_menu() {
	add_options_page( __( 'Glossator', 'glossator' ), __( 'Glossator', 'glossator' ), 'manage_options', 'glossator', 'glossator_settings_page' );
}
add_action( 'admin_menu', 'glossator_admin_menu' );

/** The settings page. */
function glossator_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	echo '<div class="wrap"><h1>' . esc_html( get_admin_page_title() ) . '</h1><form action="options.php" method="post">';
	settings_fields( 'glossator' );
	do_settings_sections( 'glossator' );
	submit_button();
	echo '</form></div>';
}

/** A change of settings forgets the cache: the next page asks the service afresh. */
add_action( 'update_option_' . GLOSSATOR_OPTION, 'glossator_flush_cache' );
add_action( 'add_option_' . GLOSSATOR_OPTION, 'glossator_flush_cache' ); // the first save

/** The failure notice, for those who can change the settings. */
function glossator_admin_notices() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	$failure = get_option( GLOSSATOR_ERROR_OPTION, false );
	if ( ! is_array( $failure ) || ! isset( $failure['time'], $failure['message'] ) ) {
		return;
	}
	$text = sprintf(
		/* translators: 1: a date, 2: what went wrong */
		__( 'Glossator: the service failed on %1$s (%2$s); pages are served unannotated until it answers again.', 'glossator' ),
		wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), (int) $failure['time'] ),
		(string) $failure['message']
	);
	echo '<div class="notice notice-warning"><p>' . esc_html( $text ) . '</p></div>';
}
add_action( 'admin_notices', 'glossator_admin_notices' );

/**
 * The per-post switch, beside the editor of each chosen post type.
 *
 * @param string $post_type The type of the post edited.
 */
function glossator_add_meta_box( $post_type ) {
	if ( in_array( $post_type, (array) glossator_settings()['post_types'], true ) ) {
		add_meta_box( 'glossator', __( 'Glossary', 'glossator' ), 'glossator_meta_box', $post_type, 'side' );
	}
}
add_action( 'add_meta_boxes', 'glossator_add_meta_box' );

/**
 * The switch's box.
 *
 * @param WP_Post $post The post edited.
 */
function glossator_meta_box( $post ) {
	wp_nonce_field( 'glossator_switch_' . $post->ID, 'glossator_nonce' );
	printf(
		'<label><input type="checkbox" name="glossator_off" value="1"%s /> %s</label>',
		checked( get_post_meta( $post->ID, GLOSSATOR_OFF_META, true ), '1', false ),
		esc_html__( 'No glossary on this page', 'glossator' )
	);
}

/**
 * Saves the switch: only with the box's nonce and the right to edit the post.
 *
 * @param int $post_id The post saved.
 */
function glossator_save_post( $post_id ) {
	if ( ( defined( 'DOING_AUTOSAVE' ) && DOING_AUTOSAVE ) || wp_is_post_revision( $post_id ) ) {
		return;
	}
	$nonce = isset( $_POST['glossator_nonce'] ) ? sanitize_text_field( wp_unslash( $_POST['glossator_nonce'] ) ) : '';
	if ( ! wp_verify_nonce( $nonce, 'glossator_switch_' . $post_id ) || ! current_user_can( 'edit_post', $post_id ) ) {
		return;
	}
	if ( ! empty( $_POST['glossator_off'] ) ) {
		update_post_meta( $post_id, GLOSSATOR_OFF_META, '1' );
	} else {
		delete_post_meta( $post_id, GLOSSATOR_OFF_META );
	}
}
add_action( 'save_post', 'glossator_save_post' );
