<?php
/**
 * The plugin's pipelines.
 *
 * post_propre, not affichage_final: it receives each text field (#TEXTE, #CHAPO,
 * #DESCRIPTIF…) once propre() has made it HTML, so only the editors' texts are annotated,
 * never a menu, a title or a form; and its result goes into SPIP's page cache, so the
 * service is called when a page is computed, not on every visit (affichage_final runs on
 * every hit, on the whole page).
 *
 * @package Glossator
 */

if (!defined('_ECRIRE_INC_VERSION')) {
	return;
}

/**
 * A text, annotated by the service (see inc/glossator.php); on the editors' side
 * (ecrire/), or if anything fails, the text as it came.
 *
 * @param string $texte The HTML propre() made.
 * @return string
 */
function glossator_post_propre($texte) {
	if (!is_string($texte) || test_espace_prive()) {
		return $texte;
	}
	include_spip('inc/glossator');
	return glossator_annoter($texte);
}

/**
 * The tooltips' stylesheet, linked in the head of public pages (#INSERT_HEAD_CSS).
 *
 * @param string $flux The head's CSS links so far.
 * @return string
 */
function glossator_insert_head_css($flux) {
	$css = find_in_path('css/glossator.css');
	if ($css) {
		$flux .= "\n" . '<link rel="stylesheet" href="' . htmlspecialchars($css, ENT_QUOTES) . '" type="text/css" />';
	}
	return $flux;
}

/**
 * The tooltips' script (optional: Escape closes a tooltip, a tap opens it), deferred.
 *
 * @param string $flux The head's scripts so far.
 * @return string
 */
function glossator_insert_head($flux) {
	$js = find_in_path('javascript/glossator.js');
	if ($js) {
		$flux .= "\n" . '<script defer src="' . htmlspecialchars($js, ENT_QUOTES) . '"></script>';
	}
	return $flux;
}
