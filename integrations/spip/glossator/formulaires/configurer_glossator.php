<?php
/**
 * The configuration form: SPIP's generic CVT for #FORMULAIRE_CONFIGURER_GLOSSATOR loads
 * and stores it (checking autoriser('configurer', '_glossator') and the form's signed
 * action), this checks what is posted before anything is stored.
 *
 * @package Glossator
 */

if (!defined('_ECRIRE_INC_VERSION')) {
	return;
}

/**
 * The errors of the posted settings, by field: the service's URL http or https, the
 * glossary a name, the markup and occurrences among the service's, the index page an
 * http, https or relative URL the service accepts (glossator_lien_valide()). An empty
 * field takes the default.
 *
 * @return array<string, string>
 */
function formulaires_configurer_glossator_verifier_dist() {
	include_spip('inc/glossator');
	$erreurs = [];
	$url = trim((string) _request('url'));
	if ('' !== $url && !glossator_url_service_valide($url)) {
		$erreurs['url'] = 'Une adresse http:// ou https://, par exemple http://127.0.0.1:8765';
	}
	$glossaire = trim((string) _request('glossaire'));
	if ('' !== $glossaire && !preg_match('/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/D', $glossaire)) {
		$erreurs['glossaire'] = 'Un nom de glossaire du service : lettres, chiffres, « _ », « - », « . »';
	}
	if (!in_array((string) _request('markup'), ['spip', 'glossator', 'abbr'], true)) {
		$erreurs['markup'] = 'spip, glossator ou abbr';
	}
	if (!in_array((string) _request('occurrences'), ['first', 'section', 'all'], true)) {
		$erreurs['occurrences'] = 'first, section ou all';
	}
	$lien = trim((string) _request('lien'));
	if ('' !== $lien && !glossator_lien_valide($lien)) {
		$erreurs['lien'] = 'Une adresse http://, https:// ou relative (/glossaire), sans guillemet ni espace,'
			. ' et sans #ancre (celle de chaque entrée y est ajoutée) sauf à y placer {id} : /glossaire.html#mot-{id}';
	}
	return $erreurs;
}
