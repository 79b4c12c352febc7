"""Build tests/data/senses-gold.yaml: occurrences of acronyms that sigles.csv gives several
meanings, in the real French texts of the shared corpus, each with its right sense.

Labels come from the rules below, one per (text, acronym) and, where one text uses an
acronym in several ways, per pattern of its surroundings. Each rule was written after
reading the occurrences it covers; the reason is in the rule. ``None`` means that none
of the senses sigles.csv lists is right (Midnight Commander's MC, a CD-ROM, a
coefficient CA in a formula…): the right outcome there is no sense at all.

Run: python benchmarks/senses_gold_build.py CORPUS_DIR > tests/data/senses-gold.yaml
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

#: At most this many occurrences of one acronym in one text (tables repeat them).
CAP = 30
#: Characters of text kept on each side of an occurrence.
SPAN = 400

# (text, acronym, pattern the surroundings must match or "", right definition or None, why)
RULES: list[tuple[str, str, str, str | None, str]] = [
    ("code-de-commerce", "TC", "", "Tribunal de commerce",
     "the table of commercial courts and their areas: 'TC de Bourg-en-Bresse'"),
    ("code-de-commerce", "CA", "", "Chiffre d’affaire", "'Seuil de CA', 'CA inférieur à 750 k €'"),
    ("code-de-commerce", "CEE", "", "Communauté économique européenne",
     "EEC regulations and directives: 'règlement CEE n° 2137-85', '85/611/ CEE'"),
    ("code-de-commerce", "CE", r"(?:\(|/ ?)CE\b", "Communauté Européenne",
     "EC regulations and directives: 'règlement (CE) n° 2238/2004', '2006/43/ CE'"),
    ("code-de-commerce", "CFE", "", "centre de formalité des entreprises",
     "'transmet au CFE compétent' for a business registration"),
    ("code-de-commerce", "EA", "", "European Accreditation",
     "the European co-operation of accreditation bodies"),
    ("code-de-commerce", "DGCCRF", "", "*", "both rows name the same directorate"),
    ("code-de-commerce", "TRACFIN", "", "*", "both rows name the same service"),
    ("code-de-commerce", "SA", "", "Société anonyme", "legal forms of companies"),
    ("code-de-commerce", "SAS", "", None, "société par actions simplifiée: not in the list"),
    ("code-de-commerce", "SCA", "", None, "société en commandite par actions: not in the list"),
    ("code-de-commerce", "BP", "", None, "a postal box (boîte postale): not in the list"),
    ("code-de-commerce", "CD", "", None, "CD-ROM: not in the list"),
    ("code-de-commerce", "COM", "", "Collectivité d’outre-mer",
     "'COLLECTIVITÉ d'outre-mer (COM)' in the table of sales periods"),
    ("code-de-l-action-sociale-et-des-familles", "GIR", "", "Groupe Iso Ressource",
     "dependency levels of elderly residents: 'les GIR 1 et 2'"),
    ("code-de-l-action-sociale-et-des-familles", "ETP", "", "Équivalent temps plein",
     "staff counted in full-time equivalents: 'nombre d'ETP'"),
    ("code-de-l-action-sociale-et-des-familles", "AMP", "", "Aide médico psychologique",
     "care staff next to 'aides-soignantes' in nursing-home budgets"),
    ("code-de-l-action-sociale-et-des-familles", "CAP", "", "Certificat d'aptitude professionnelle",
     "school diplomas: 'BEP-CAP', 'CAP en apprentissage'"),
    ("code-de-l-action-sociale-et-des-familles", "ASH", "", "Agents des Services Hospitaliers",
     "'ASH-agent de service' in a staff table"),
    ("code-de-l-action-sociale-et-des-familles", "APA", "", "Allocation personnalisée d'autonomie",
     "the allowance paid by the département for an elderly person"),
    ("code-de-l-action-sociale-et-des-familles", "PSD", "", "Prestations spécifique dépendance",
     "listed with ACTP and MTP among dependency allowances"),
    ("code-de-l-action-sociale-et-des-familles", "MTP", "", "Majoration pour tierce personne",
     "listed with ACTP and PSD among dependency allowances"),
    ("code-de-l-action-sociale-et-des-familles", "CE", "", "Communauté Européenne",
     "'directive 2005/36/ CE'"),
    ("code-de-l-action-sociale-et-des-familles", "CNS", "", "Conférence nationale de santé",
     "spelled out: 'Conférence nationale de la santé (CNS)'"),
    ("code-de-l-action-sociale-et-des-familles", "UNA", "", "Union Nationale de l’Aide",
     "spelled out: 'Union nationale de l'aide, des soins et des services aux domiciles (UNA)'"),
    ("code-de-l-action-sociale-et-des-familles", "CFDT", "",
     "Confédération française démocratique du travail", "a trade union, spelled out"),
    ("code-de-l-action-sociale-et-des-familles", "FO", "", "Force ouvrière", "CGT-FO, a union"),
    ("code-de-l-action-sociale-et-des-familles", "FSU", "", "Fédération syndicale unitaire",
     "a union, spelled out"),
    ("code-de-l-action-sociale-et-des-familles", "CFE", "", None,
     "CFE-CGC, the managers' union: not in the list"),
    ("code-de-l-action-sociale-et-des-familles", "CP", "", None,
     "cours préparatoire (a school year): not in the list"),
    ("code-de-l-action-sociale-et-des-familles", "TA", "", None, "a tariff in a formula"),
    ("code-de-l-action-sociale-et-des-familles", "CAPA", "", None,
     "CAPA-SH, a teaching certificate: not in the list"),
    ("code-du-travail", "CE", r"(?:\(|/ ?)CE\)?\s*n|directive|règlement", "Communauté Européenne",
     "EC regulations and directives"),
    ("code-du-travail", "CE", r"J m-2|CE\s*=", None, "a coefficient in an exposure formula"),
    ("code-du-travail", "CEE", "", "Communauté économique européenne",
     "EEC regulations: 'règlement (CEE) n° 1408/71'"),
    ("code-du-travail", "BTP", "", "Bâtiment et travaux publics",
     "'la caisse BTP Prévoyance' of the building trade"),
    ("code-du-travail", "CFDT", "", "Confédération française démocratique du travail",
     "a trade union, spelled out"),
    ("code-du-travail", "FO", "", "Force ouvrière", "CGT-FO, a union"),
    ("code-du-travail", "CFE", "", None, "CFE-CGC, the managers' union: not in the list"),
    ("code-du-travail", "APE", "", None, "code APE (activité principale exercée): not in the list"),
    ("code-du-travail", "CDI", "", "Contrat à durée indéterminée",
     "'CDI ou CDD'"),
    ("code-du-travail", "CDD", "", "Contrat à durée déterminée", "'CDI ou CDD'"),
    ("code-du-travail", "BT", "", "Basse tension",
     "spelled out: 'basse tension (par abréviation BT)'"),
    ("code-du-travail", "CA", "", None, "a coefficient in an exposure formula"),
    ("code-du-travail", "CB", "", None, "a coefficient in an exposure formula"),
    ("code-du-travail", "CC", "", None, "a coefficient in an exposure formula"),
    ("code-du-travail", "IRA", "", None, "an infrared band (IR-A)"),
    ("code-du-travail", "IRC", "", None, "an infrared band (IR-C)"),
    ("code-du-travail", "ERP", "", "Établissement recevant du public",
     "spelled out: 'établissements recevant du public (ERP)'"),
    ("code-du-travail", "FSU", "", "Fédération syndicale unitaire", "a union, spelled out"),
    ("code-du-travail", "UE", "", "Union européenne", "'décision 2012/21/ UE de la Commission'"),
    ("code-du-travail", "CCI", "", "Chambres de commerce et d'industrie", "'CCI France'"),
    ("code-du-travail", "ARPE", "", "Allocation de Remplacement Pour l’Emploi",
     "spelled out: 'L'allocation de remplacement pour l'emploi (ARPE)'"),
    ("code-du-travail", "PCS", "", "Profession et catégorie socioprofessionnelle",
     "'PROFESSIONS ET CATÉGORIES socioprofessionnelles (PCS-ESE)'"),
    ("debian-reference-fr", "CAO", "", "Conception assistée par ordinateur", "'données de CAO'"),
]
#: Acronyms of the Debian reference whose every listed sense is wrong there: computing
#: terms (Midnight Commander, compact disc, Internet Protocol, operating system…).
DEBIAN_NONE = ("MC CD IP OS PC CLI CGI CPU CR RC FO COM AT RP PM DRM GPU CGA ATA PPP IPC "
               "EPS HP CAD CP").split()


def _snippet(text: str, start: int, end: int) -> tuple[str, int]:
    lo = max(0, start - SPAN)
    hi = min(len(text), end + SPAN)
    lo = text.find(" ", lo) + 1 if lo else 0
    cut = text.rfind(" ", end, hi)
    hi = cut if cut > end else hi
    return " ".join(text[lo:hi].split(" ")), start - lo


def _rules() -> dict[tuple[str, str], list[tuple[str, str | None, str]]]:
    out: dict[tuple[str, str], list[tuple[str, str | None, str]]] = {}
    for name, acronym, pattern, sense, why in RULES:
        out.setdefault((name, acronym), []).append((pattern, sense, why))
    for acronym in DEBIAN_NONE:
        out.setdefault(("debian-reference-fr", acronym), []).append(
            ("", None, "a computing term; none of the listed senses"))
    return out


def main(corpus: Path) -> None:
    rules = _rules()
    print("# Occurrences of ambiguous acronyms (sigles.csv) in real French text, with the")
    print("# right sense; built by benchmarks/senses_gold_build.py (see its rules).")
    print("items:")
    n = 0
    for path in sorted(corpus.glob("*/*.txt")):
        text = path.read_text("utf-8")
        seen: dict[str, int] = {}
        for m in re.finditer(r"\b[A-Z][A-Z]+\b", text):
            acronym = m.group()
            todo = rules.get((path.stem, acronym))
            if not todo or seen.get(acronym, 0) >= CAP:
                continue
            around = text[max(0, m.start() - 60):m.end() + 60]
            label = next(((s, why) for p, s, why in todo
                          if not p or re.search(p, around)), None)
            if label is None:
                continue
            seen[acronym] = seen.get(acronym, 0) + 1
            snippet, at = _snippet(text, m.start(), m.end())
            n += 1
            sense = "null" if label[0] is None else _quote(label[0])
            print(f"- id: {n}\n  source: {path.parent.name}/{path.name}\n"
                  f"  acronym: {acronym}\n  at: {at}\n  sense: {sense}\n"
                  f"  why: {_quote(label[1])}\n  text: {_quote(snippet)}")


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


if __name__ == "__main__":
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        raise SystemExit("senses_gold_build.py: needs the shared corpus's text folder: "
                         "python benchmarks/senses_gold_build.py ../shared/corpus/text")
    main(Path(sys.argv[1]))
