"""Policies: occurrences (first, section, all), caps, negative contexts, own definition."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator import Annotator, Glossary, GlossatorWarning, UsageError, compile_glossary
from glossator.cli import main
from glossator.kept import KeptText
from glossator.model import Entry
from glossator.policy import (
    ELIDED_LETTER,
    INITIAL,
    NOTATION,
    ROMAN_NUMERAL,
    apply_policies,
    first_occurrence,
    first_per_section,
    inside_own_definition,
    section_starts,
)

G = Glossary.from_dicts(
    [
        {"term": "ESS", "definition": "Économie sociale et solidaire, au sens de la loi."},
        {"term": "PTCE", "definition": "Pôles territoriaux de coopération économique."},
        {"term": "coopérative", "definition": "Entreprise détenue par ses membres."},
    ]
)


def surfaces(annotator: Annotator, text: str) -> list[tuple[str, int]]:
    return [(a.surface, a.start) for a in annotator.annotate(text)]


def test_first_occurrence_per_document() -> None:
    text = "L'ESS et les PTCE.\n\nL'ESS encore, les PTCE aussi."
    assert surfaces(Annotator(G), text) == [("ESS", 2), ("PTCE", 13)]


def test_first_occurrence_per_section_blank_lines() -> None:
    text = "L'ESS et les PTCE.\n\nL'ESS encore, l'ESS aussi.\n \nPTCE."
    assert surfaces(Annotator(G, occurrences="section"), text) == [
        ("ESS", 2), ("PTCE", 13), ("ESS", 22), ("PTCE", 49)]


def test_sections_start_at_markdown_headings() -> None:
    text = "# Titre\nL'ESS.\n## Suite\nL'ESS encore.\nL'ESS toujours."
    assert section_starts(text) == [0, 15]
    doc = Annotator(G, occurrences="section").annotate(text)
    assert [a.start for a in doc] == [10, 26]


def test_all_occurrences() -> None:
    assert len(Annotator(G, occurrences="all").annotate("ESS ESS ESS")) == 3


def test_max_per_entry_global_and_per_entry() -> None:
    text = "ESS PTCE ESS PTCE ESS PTCE"
    assert [a.surface for a in Annotator(G, occurrences="all", max_per_entry=2).annotate(text)] \
        == ["ESS", "PTCE", "ESS", "PTCE"]
    g = Glossary.from_dicts([{"term": "ESS", "definition": "x", "max_occurrences": 1},
                             {"term": "PTCE", "definition": "y"}])
    assert [a.surface for a in Annotator(g, occurrences="all").annotate(text)] \
        == ["ESS", "PTCE", "PTCE", "PTCE"]


def test_negative_context_hides_the_entry_only_there() -> None:
    g = Glossary.from_dicts([{"term": "ESS", "definition": "x", "not_in": ["Labo de l'ESS"]}])
    text = "Le Labo de l’ESS publie. L'ESS grandit. Le LABO DE L'ESS aussi."
    doc = Annotator(g, occurrences="all").annotate(text)
    assert [a.start for a in doc] == [text.index("L'ESS grandit") + 2]


def test_labo_de_l_ess_does_not_hide_ess_by_default() -> None:
    (a,) = Annotator(G).annotate("le Labo de l’ESS publiait").annotations
    assert a.surface == "ESS"


def test_a_term_is_not_annotated_inside_its_own_definition() -> None:
    g = Glossary.from_dicts([
        {"term": "ESS", "definition": "Le secteur de l'ESS et des coopératives."},
        {"term": "coopérative", "definition": "Entreprise détenue par ses membres."},
    ])
    # the text already carries ESS's definition inline, as the scraped seed page does
    text = "Le Labo de l'ESS ESS Le secteur de l'ESS et des coopératives. publiait"
    doc = Annotator(g, occurrences="all").annotate(text)
    assert [(a.surface, a.entry.id) for a in doc] == [
        ("ESS", "ess"), ("ESS", "ess"), ("coopératives", "cooperative")]
    assert [a.start for a in doc][:2] == [13, 17]


def test_own_definition_is_recognised_as_the_text_format_writes_it() -> None:
    # a definition written on two lines in the glossary is one line once expanded inline
    g = Glossary.from_dicts([
        {"term": "ESS", "definition": "Le secteur de l'ESS\net  des coopératives."},
    ])
    text = "Le Labo de l'ESS ESS Le secteur de l'ESS et des coopératives. publiait"
    doc = Annotator(g, occurrences="all").annotate(text)
    assert [a.start for a in doc] == [13, 17]


def _inside_by_full_search(start: int, end: int, definition: str, text: str) -> bool:
    """The plain rule, for comparison: every occurrence of the definition in the whole
    text (as written and white space collapsed, 12 characters or more), then containment."""
    definition = definition.strip()
    for written in {definition, " ".join(definition.split())}:
        if len(written) < 12:
            continue
        pos = text.find(written)
        while pos != -1:
            if pos <= start and end <= pos + len(written):
                return True
            pos = text.find(written, pos + 1)
    return False


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["ESS", " ", "de l'ESS", "Le secteur", "\n", "x",
                                 " de l'ESS et plus."]), max_size=14),
       st.sampled_from(["Le secteur de l'ESS et plus.", "de l'ESS", "Le secteur\nde l'ESS",
                        "  ESS ESS ESS ESS  "]))
def test_the_own_definition_search_around_a_match_is_the_full_search(
    pieces: list[str], definition: str
) -> None:
    text = "".join(pieces)
    entry = Entry("ESS", definition, "ess")
    written: dict[str, tuple[str, ...]] = {}
    start = text.find("ESS")
    while start != -1:
        m = (start, start + 3, 0, False)
        assert inside_own_definition(m, entry, written, text) == _inside_by_full_search(
            start, start + 3, definition, text), (text, start)
        start = text.find("ESS", start + 1)


def test_unknown_policy_and_bad_cap_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        Annotator(G, occurrences="sometimes")
    with pytest.raises(UsageError):
        Annotator(G, max_per_entry=0)


def test_accent_folding_option() -> None:
    strict = Annotator(G, occurrences="all")
    folded = Annotator(G, occurrences="all", accents="fold")
    text = "une cooperative et une coopérative"
    assert [a.surface for a in strict.annotate(text)] == ["coopérative"]
    doc = folded.annotate(text)
    assert [(a.surface, a.how) for a in doc] == [("cooperative", "accent-folded"),
                                                ("coopérative", "exact")]


def test_no_inflect_option() -> None:
    text = "les coopératives"
    assert [a.how for a in Annotator(G).annotate(text)] == ["inflected"]
    assert list(Annotator(G, inflect=False).annotate(text)) == []


def test_cli_matching_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "t.txt"
    f.write_text("L'ESS et l'ESS.\n\nL'ESS, une cooperative.\n", encoding="utf-8")
    assert main(["annotate", str(f), "-f", "json", "--occurrences", "section",
                 "--accents", "fold", "--max-per-entry", "5"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [a["surface"] for a in data["annotations"]] == ["ESS", "ESS", "cooperative"]
    assert main(["annotate", str(f), "--max-per-entry", "0"]) == 2


def test_a_cap_above_one_with_first_occurrences_is_said_to_change_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--max-per-entry 3`` alone annotated each entry once (``first`` is the default)
    without a word; a user asking for three got one."""
    f = tmp_path / "t.txt"
    f.write_text("L'ESS et l'ESS.\n", encoding="utf-8")
    outs = []
    for extra in ([], ["--occurrences", "first"]):
        assert main(["annotate", str(f), "-f", "json", "--max-per-entry", "3", *extra]) == 0
        out, err = capsys.readouterr()
        outs.append(out)
        assert err == ("glossator: warning: --max-per-entry 3 changes nothing with "
                       "--occurrences first (the default: each entry once per document); "
                       "add --occurrences all or section\n")
    assert [len(json.loads(o)["annotations"]) for o in outs] == [1, 1]
    for quiet in (["--occurrences", "all"], ["--max-per-entry", "1"], ["-q"]):
        args = ["annotate", str(f), "-f", "json", "--max-per-entry", "3", *quiet]
        assert main(args) == 0
        assert capsys.readouterr().err == ""


def test_cli_explain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "t.txt"
    f.write_text("Les coopératives de l'ESS.\nL'ESS encore.\n", encoding="utf-8")
    assert main(["explain", str(f), "--color", "never", "--width", "200"]) == 0
    out = capsys.readouterr().out
    assert "coopératives" in out and "inflected" in out and "cooperative" in out
    assert "not the first occurrence" in out
    assert main(["annotate", "--explain", str(f), "-f", "json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["surface"], r["line"], r["column"], r["annotated"]) for r in rows] == [
        ("coopératives", 1, 5, True), ("ESS", 1, 23, True), ("ESS", 2, 3, False)]
    assert rows[0]["variant"] == "coopératives" and rows[0]["form"] == "coopérative"


def test_compiled_glossary_cache_round_trip(tmp_path: Path) -> None:
    entries = [{"term": "pôle territorial de coopération économique", "definition": "x"},
               {"term": "ESS", "definition": "y"}]
    text = "Les pôles territoriaux de coopération économique et l’ESS."
    first = compile_glossary(Glossary.from_dicts(entries), cache_dir=str(tmp_path))
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and files[0].suffix == ".cache"
    second = compile_glossary(Glossary.from_dicts(entries), cache_dir=str(tmp_path))
    assert [(m.start, m.end, m.how) for m in second.find(text)] == \
        [(m.start, m.end, m.how) for m in first.find(text)] == [(4, 48, "inflected"),
                                                                (54, 57, "elision")]
    files[0].write_bytes(b"garbage")  # a broken cache is removed, said so, and rewritten
    with pytest.warns(GlossatorWarning, match="damaged and removed"):
        third = compile_glossary(Glossary.from_dicts(entries), cache_dir=str(tmp_path))
    assert len(third.find(text)) == 2
    other = compile_glossary(Glossary.from_dicts([{"term": "ESS", "definition": "y"}]),
        cache_dir=str(tmp_path))
    assert len(list(tmp_path.glob("*.cache"))) == 2
    assert [m.surface for m in other.find(text)] == ["ESS"]


def test_irregular_plurals_from_spacy_lemma_tables() -> None:
    g = Glossary.from_dicts([{"term": "bonhomme", "definition": "x"},
                             {"term": "festival", "definition": "y"}])
    text = "Deux bonshommes au festival, trois festivals."
    rules = Annotator(g, occurrences="all")
    assert [a.surface for a in rules.annotate(text)] == ["festival", "festivals"]
    spacy_lemmas = Annotator(g, occurrences="all", lemmas="spacy")
    doc = spacy_lemmas.annotate(text)
    assert [(a.surface, a.how) for a in doc] == [
        ("bonshommes", "inflected"), ("festival", "exact"), ("festivals", "inflected")]


def test_annotate_many_counts_first_occurrences_per_document() -> None:
    docs = list(Annotator(G).annotate_many(["L'ESS et l'ESS.", "ESS"]))
    assert [[a.start for a in d] for d in docs] == [[2], [0]]


def test_iter_spans_gives_the_same_spans_in_batches() -> None:
    m = compile_glossary(G)
    text = "L’ESS et les coopératives. " * 100_000  # more than one megabyte
    batches = list(m.iter_spans(text))
    assert len(batches) > 1
    assert [s for b in batches for s in b] == m.spans(text)
    assert len(m.spans(text)) == 200_000


def test_long_texts_are_scanned_in_segments_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    import glossator.matching.scan as matcher_module

    m = compile_glossary(G)
    paragraph = "Les coopératives de l’ESS et les PTCE.\n\nUne coopérative, l'ESS.\n"
    text = paragraph * 400 + "fin\u00a0: ESS"
    expected = m.scan(text)
    monkeypatch.setattr(matcher_module, "_SEGMENT", 1000)
    assert m.scan(text) == expected
    assert len(expected) == 2001
    assert all(text[s:e] in ("coopératives", "ESS", "PTCE", "coopérative")
               for s, e, _, _ in expected)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.booleans()), max_size=30),
       st.sampled_from([first_occurrence, first_per_section]))
def test_first_policies_check_exclusions_only_where_they_keep_and_agree_with_filtering(
    items: list[tuple[int, bool]], policy: object
) -> None:
    # matches at offsets 0, 10, 20…; entry k; refused where the flag is False
    entries = [Entry(f"t{k}", "d", f"e{k}") for k in range(4)]
    text = "\n\n".join("x" * 8 for _ in items)  # a section per match
    matches = [(i * 10, i * 10 + 1, k, False) for i, (k, _) in enumerate(items)]
    ok = {m: flag for m, (_, flag) in zip(matches, items, strict=True)}
    asked: list[tuple[int, int, int, bool]] = []

    def accept(m: tuple[int, int, int, bool]) -> bool:
        asked.append(m)
        return ok[m]

    def entry_of(m: tuple[int, int, int, bool]) -> Entry:
        return entries[m[2]]

    assert callable(policy)
    fused = policy(matches, entry_of, text, accept)
    assert fused == policy([m for m in matches if ok[m]], entry_of, text)
    if policy is first_occurrence:  # asked only while the entry has no kept match
        assert len(asked) <= len(matches) and all(
            not any(k[2] == m[2] and k[0] < m[0] for k in fused) for m in asked)


_OWN = ("Économie sociale et solidaire : les coopératives, mutuelles et associations de "
        "l'ESS.")
_OWN_ANNOTATOR = Annotator(Glossary.from_dicts([
    {"term": "ESS", "definition": _OWN, "not_in": ["Labo de l'ESS"]},
    {"term": "coopérative", "definition": "Entreprise détenue par ses membres."},
    {"term": "mutuelle", "definition": "Société de personnes à but non lucratif."},
]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "L'ESS", "ESS", "les coopératives", "une coopérative", "Labo de l'ESS", _OWN, "\n\n",
    "mutuelles", "la mutuelle", ", ", ". ",
]), max_size=25))
def test_the_first_occurrences_are_the_same_with_and_without_the_entry_ids(
    pieces: list[str],
) -> None:
    # Annotator.select hands the policies each variant's entry id, which takes a shorter
    # path through the first-occurrence rule; it must keep what first_occurrence keeps,
    # exclusions (not_in, a term inside its own definition written out) included
    annotator = _OWN_ANNOTATOR
    text = " ".join(pieces)
    variants = annotator.matcher.variants

    def entry_of(m: tuple[int, int, int, bool]) -> Entry:
        return variants[m[2]].form.entry

    slow = apply_policies(annotator.matcher.scan(text), entry_of, text)
    assert annotator.select(text) == slow


_WIDE_OWN = "Sociétés 🙂 de l’ESS et plus"  # astral: the text is UCS-4 where it is written
_WIDE_ANNOTATOR = Annotator(Glossary.from_dicts([
    {"term": "ESS", "definition": _WIDE_OWN},
    {"term": "coopérative", "definition": "Entreprise coopérative (une coopérative)."},
    {"term": "plus", "definition": "Sociétés 🙂 de l’ESS et plus"},  # ends with its term
    {"term": "Entreprise", "definition": "Entreprise coopérative (une coopérative)."},
]), occurrences="all")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    "ESS", "l’ESS", _WIDE_OWN, _WIDE_OWN[:12], _WIDE_OWN[1:], "So", "Sociétés", " ", "\n",
    "Entreprise coopérative (une coopérative).", "Entreprise coopérative", "coopérative",
    "plus", "é", "x",
]), max_size=16), st.sampled_from(["", "ÿ", "’"]))
def test_the_c_policies_find_a_definition_written_out_as_the_rule_does(
    pieces: list[str], widen: str,
) -> None:
    # the C policies look first for a way's first two characters around a match (two
    # integers per entry), then at the way itself: texts of each width (ÿ: Latin-1, ’:
    # UCS-2, the emoji of the definition: UCS-4), ways at the start and at the very end
    text = widen + "".join(pieces)
    annotator = _WIDE_ANNOTATOR
    variants = annotator.matcher.variants
    slow = apply_policies(annotator.matcher.scan(text),
                          lambda m: variants[m[2]].form.entry, text, occurrences="all")
    doc = annotator.annotate(text)
    assert isinstance(doc, KeptText)  # chosen by the C policies (_keep.h)
    assert [(a.start, a.end) for a in doc] == [(m[0], m[1]) for m in slow]


def test_a_common_word_in_a_heading_set_in_capitals_is_dropped_and_says_why() -> None:
    from glossator.policy import IN_CAPITALS

    glossary = Glossary.from_dicts([
        {"term": "AU", "definition": "Union africaine."},
        {"term": "DES", "definition": "Diplôme d'études spécialisées."},
    ])
    text = "DISPOSITIONS RELATIVES AU DROIT DES COOPÉRATIVES\n\nLe DES de médecine, l'AU."
    matcher = compile_glossary(glossary)
    matches = matcher.scan(text)
    dropped: dict[tuple[int, int, int, bool], str] = {}
    kept = apply_policies(matches, lambda m: matcher.variants[m[2]].form.entry, text,
                          occurrences="all", dropped=dropped)
    assert [text[m[0]:m[1]] for m in kept] == ["DES", "AU"]
    assert sorted(dropped.values()) == [IN_CAPITALS, IN_CAPITALS]
    assert all(m[0] < text.index("\n") for m in dropped)


@pytest.mark.parametrize(("text", "kept"), [
    # a novel's chapter openings in small capitals: the word at a run's end or start
    ("VERS ONZE HEURES DU matin, il partit.", []),
    ("L'INCIDENT COXWARD – SI amusant qu'il fût.", []),
    ("CES DÉPÊCHES – AVANT d'être remises.", []),
    ("UNE FOIS DE PLUS il refusa.", []),
    # acronyms in running text, and next to other acronyms: a run of acronyms is no prose
    ("Le DU de droit et le SI de la mairie.", ["DU", "SI"]),
    ("L'ESS, les SCOP, le SI et la CAE.", ["SI"]),
    ("Le DU ESS de Lyon.", ["DU"]),
])
def test_a_common_word_at_the_end_of_a_run_of_capitals_is_a_word(text: str,
                                                                  kept: list[str]) -> None:
    glossary = Glossary.from_dicts([
        {"term": t, "definition": d} for t, d in (
            ("DU", "Diplôme universitaire."), ("SI", "Système d'information."),
            ("CES", "Contrat emploi solidarité."), ("PLUS", "Prêt locatif à usage social."))])
    doc = Annotator(glossary, occurrences="all").annotate(text)
    assert [a.surface for a in doc] == kept


_LETTERS = Glossary.from_dicts([
    {"term": "N", "definition": "Zone naturelle d'un plan local d'urbanisme."},
    {"term": "XIV", "definition": "Un comité de quatorze membres."},
    {"term": "MCM", "definition": "Montants compensatoires monétaires."},
    {"term": "l", "definition": "Un litre, en abrégé."},
    {"term": "x", "definition": "Une inconnue."},
    {"term": "CDI", "definition": "Contrat à durée indéterminée."},
    {"term": "X", "definition": "L'École polytechnique."},
    {"term": "R", "definition": "Recette."},
    {"term": "r", "definition": "Donnée révisée."},
    {"term": "CD", "definition": "Conseil départemental."},
])


@pytest.mark.parametrize(("text", "found", "why"), [
    ("N'est-ce pas ? N’avoir pas été", [], ELIDED_LETTER),
    ("Ce terrain est classé en zone N.", ["N"], None),
    ("Après la chute de Charles\u00a0X, on partit.", [], ROMAN_NUMERAL),
    ("Il lut le chapitre X avec soin.", [], ROMAN_NUMERAL),
    ("CHAPITRE X\nLe lendemain", [], ROMAN_NUMERAL),
    ("fin.\nX -- Le camp retranché\nNous", [], ROMAN_NUMERAL),
    ("fin.\nX\nLe lendemain il", [], ROMAN_NUMERAL),
    ("fin.\nX. ― Les modalités", [], ROMAN_NUMERAL),
    ("prévues aux titres X et XI du livre Ier.", [], ROMAN_NUMERAL),
    ("la famille X... rentre au plus tôt", [], INITIAL),
    ("ralliée à la R.\u00a0F. sur la question", [], INITIAL),
    ("piqueur de S.\u00a0A.\u00a0R. Monseigneur", [], INITIAL),
    ("Rappel\nN° de compte", [], INITIAL),
    ("Statut : N/A ; exercice N+1 ; sed 's/\\r$//' ; chmod go=r ; ~N", [], NOTATION),
    ("les zones U et N (voir le plan)", ["N"], None),
    ("tarif = (D2 X H1) / K1 ; [(D3-E) X L1] ; 3 X 4 ; E X (B)", [], NOTATION),
    ("un polytechnicien de la promotion X 1995", ["X"], None),
    ("le produit 2 x ", [], NOTATION),
    (" x (a)", [], NOTATION),
    ("Les X et les centraliens. Deux X vinrent. Pour X, non.", ["X", "X", "X"], None),
    ("CDI - contrat à durée indéterminée\nCD\nCDI\nCD. suite", ["CDI", "CD", "CDI", "CD"],
     None),
    ("le programme X avec une interface", ["X"], None),
    ("ancien élève de l'X, il entra", ["X"], ELIDED_LETTER),  # the l of l', not X
    ("le livre CD est long", [], ROMAN_NUMERAL),
    ("voir chap. X, t. II, vol.\u00a0CD et la page CD ; la saison X", [], ROMAN_NUMERAL),
    ("le CD du disque ; ap. X", ["CD", "X"], None),
    ("le CD a voté.\nCD\nsuite", ["CD", "CD"], None),
    ("Révisé : valeur 12 r (provisoire), r’luit", ["r"], ELIDED_LETTER),
])
def test_a_letter_or_a_roman_numeral_of_the_text_is_not_a_term(
    text: str, found: list[str], why: str | None,
) -> None:
    # one-letter terms of a public list of acronyms (N, X, r) met every N'est-ce pas of a
    # novel; the C policies (annotate) and the Python ones (select, explain) agree
    annotator = Annotator(_LETTERS, occurrences="all")
    doc = annotator.annotate(text)
    assert isinstance(doc, KeptText)
    assert [a.surface for a in doc] == found
    dropped: dict[tuple[int, int, int, bool], str] = {}
    kept = annotator.select(text, dropped=dropped)
    assert [text[m[0]:m[1]] for m in kept] == found
    assert set(dropped.values()) == ({why} if why else set())


def test_one_letter_forms_are_matched_as_written_unless_the_entry_says_otherwise() -> None:
    strict = Glossary.from_dicts([{"term": "r", "definition": "Révisé."}])
    loose = Glossary.from_dicts([{"term": "r", "definition": "Révisé.",
                                  "case_sensitive": False}])
    text = "valeur r ; R majuscule"
    assert [a.surface for a in Annotator(strict, occurrences="all").annotate(text)] == ["r"]
    assert [a.surface for a in Annotator(loose, occurrences="all").annotate(text)] == [
        "r", "R"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([
    "N", "X", "r", "R", "CD", "XIV", "MCM", "'", "’", "est", ".", "...", "…", " ", "\u00a0",
    "°", "/", "+", "=", "\\", "~", "*", "(", ")", "chapitre ", "titres ", " et ", "Charles ",
    " X ", "2", "[", "]", "x",
    "\n", "A.", "zone ", "l", "-", "\u0000",
]), max_size=14))
def test_the_c_policies_leave_out_letters_and_numbers_as_the_rule_does(
    pieces: list[str],
) -> None:
    # _keep.h decides the elided letters and the notations itself, and asks Python only
    # where an initial or a Roman numeral may be: the same matches either way
    text = "".join(pieces)
    annotator = Annotator(_LETTERS, occurrences="all")
    doc = annotator.annotate(text)
    assert isinstance(doc, KeptText)
    assert [(a.start, a.end) for a in doc] == [m[:2] for m in annotator.select(text)]


def test_the_traits_the_glossary_cache_keeps_are_pinned() -> None:
    """What :func:`glossator.policy.entry_traits` gives is kept by the glossary cache: a
    change here must bump ``policy.TRAITS_VERSION`` (part of the cache's key), or runs
    from an older cache would keep other matches than a fresh glossary."""
    from glossator.model import Entry
    from glossator.policy import TRAITS_VERSION, entry_traits

    def head(way: str) -> int:
        return len(way) << 42 | ord(way[0]) << 21 | ord(way[1])

    cases = [
        (Entry("ESS", "Économie sociale et solidaire.", "ess"),
         (1 | 4, -1, head("Économie sociale et solidaire."), 0)),
        (Entry("SCOP", "Court.", "scop", max_occurrences=2), (1, 2, 0, 0)),  # no way of 12
        (Entry("coopérative", "Entreprise  des\n associés.", "coop",
               not_in=("coopérative x",)),
         (1 | 2 | 4, -1, head("Entreprise  des\n associés."), head("Entreprise des associés."))),
        (Entry("DES", "Diplôme d'études spécialisées.", "des"),  # "des": a common word
         (1 | 2 | 4, -1, head("Diplôme d'études spécialisées."), 0)),
        (Entry("X", "Une lettre seule ici.", "x"),
         (1 | 4 | 8, -1, head("Une lettre seule ici."), 0)),
        (Entry("CD", "Un numéral romain aussi.", "cd"),
         (1 | 4 | 8, -1, head("Un numéral romain aussi."), 0)),
    ]
    assert [entry_traits(e) for e, _ in cases] == [want for _, want in cases]
    assert TRAITS_VERSION == 1


def test_a_cap_too_large_for_int64_means_no_limit(tmp_path: Path) -> None:
    """``max_occurrences: 99999999999999999999999`` (or ``--max-per-entry 2**63``) crashed
    with an OverflowError where the C policies and the glossary cache hold caps as int64;
    such a cap is now the largest one they hold, which no document reaches."""
    import subprocess
    import sys

    from glossator.model import CAP_MAX, Entry

    big = 10 ** 23
    path = tmp_path / "g.yaml"
    path.write_text(f"- term: ESS\n  definition: Économie sociale.\n  max_occurrences: {big}\n",
                    encoding="utf-8")
    (tmp_path / "t.txt").write_text("L'ESS, l'ESS et l'ESS.\n", encoding="utf-8")
    runs = [subprocess.run([sys.executable, "-m", "glossator", "annotate", "t.txt", "-g",
                            "g.yaml", "-f", "json", "--occurrences", "all", "--cache-dir", "c",
                            *extra], cwd=tmp_path, capture_output=True, text=True)
            for extra in ([], [], ["--max-per-entry", str(1 << 63)])]
    for run in runs:  # the third read from the cache, with the largest cap asked for
        assert (run.returncode, run.stderr) == (0, "")
        assert len(json.loads(run.stdout)["annotations"]) == 3
    g = Glossary([Entry("ESS", "Économie sociale.", "ess", max_occurrences=big)])
    for occurrences in ("all", "section"):
        found = Annotator(g, occurrences=occurrences, max_per_entry=big).annotate(
            "L'ESS et l'ESS.")
        assert len(found) == (2 if occurrences == "all" else 1)
    from glossator.loaders import read_glossary

    assert next(iter(read_glossary(str(path)))).max_occurrences == CAP_MAX
