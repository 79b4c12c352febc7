<?php
// Les textes de paquet.xml (SPIP les lit ici).
if (!defined('_ECRIRE_INC_VERSION')) {
	return;
}

$GLOBALS[$GLOBALS['idx_lang']] = [
	'glossator_nom' => 'Glossator',
	'glossator_slogan' => 'Les termes d’un glossaire expliqués dans les textes, en infobulles accessibles',
	'glossator_description' => 'Annote les textes du site (articles, rubriques, brèves…) avec les définitions d’un glossaire, par un service « glossator serve » qui tourne à côté. Si le service ne répond pas, les textes sont affichés tels quels.',
];
