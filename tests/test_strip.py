"""glossator strip: the reverse of the ``text`` format, with and without a glossary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

import glossator
from glossator import Glossary, strip_text
from glossator.render.text import entry_expansion
from glossator.strip import glossary_yaml
from support.cli import RunCli, WriteFile, subcommands

ROOT = Path(__file__).resolve().parents[1]
SEED = (ROOT / "tests" / "data" / "seed.txt").read_text(encoding="utf-8")
CLEAN = (ROOT / "examples" / "labo-ess.txt").read_text(encoding="utf-8")
LABO = glossator.load_glossary(ROOT / "examples" / "labo-ess.yaml")


def expand(text: str, glossary: Glossary, occurrences: str = "first") -> str:
    return glossator.render(glossator.annotate(text, glossary, occurrences=occurrences), "text")


def small(*items: tuple[str, str] | tuple[str, str, str]) -> Glossary:
    return Glossary.from_dicts(
        [{"term": i[0], "definition": i[1], **({"title": i[2]} if len(i) > 2 else {})}
         for i in items]
    )


# -- the reference page ----------------------------------------------------------------


def test_seed_without_glossary_gives_back_the_page_byte_for_byte() -> None:
    result = strip_text(SEED)
    assert result.text == CLEAN
    assert [(x.term, x.surface, x.line, x.column) for x in result.expansions] == [
        ("ESS", "ESS", 2, 28), ("PTCE", "PTCE", 2, 518)]
    assert result.expansions[1].definition == "Pôles territoriaux de coopération économique."
    assert result.expansions[0].definition.startswith("Le terme d’Économie sociale")
    assert result.expansions[0].definition.endswith("de l’homme et de son environnement.")
    assert result.diagnostics == ()


def test_seed_entries_found_are_the_example_glossary() -> None:
    found = strip_text(SEED).entries()
    assert [(e.term, e.title, e.definition) for e in found] == [
        (e.term, e.title, " ".join(e.definition.split())) for e in LABO]


def test_found_glossary_expands_the_page_back_into_the_seed() -> None:
    result = strip_text(SEED)
    assert expand(result.text, result.glossary()) == SEED


@pytest.mark.parametrize("occurrences", [None, "first"])
def test_seed_with_its_glossary(occurrences: str | None) -> None:
    result = strip_text(SEED, LABO, occurrences=occurrences)
    assert result.text == CLEAN
    assert [x.entry.id for x in result.expansions] == ["ess", "ptce"]


def test_expansion_as_plain_data() -> None:
    g = small(("ESS", "Économie sociale et solidaire.", "Économie sociale"))
    [x] = strip_text("Vive\nl’ESS Économie sociale Économie sociale et solidaire. !", g).expansions
    assert x.to_dict() == {
        "line": 2, "column": 3, "start": 10, "end": 58, "surface": "ESS", "entry": "ess",
        "term": "ESS", "title": "Économie sociale",
        "definition": "Économie sociale et solidaire."}


def test_removed_spans_point_into_the_input() -> None:
    for x in strip_text(SEED).expansions:
        assert SEED[x.term_start:x.start] == x.surface
        assert SEED[x.start:x.end].startswith(" " + x.term + " " + x.definition)
    ptce = strip_text(SEED).expansions[1]
    assert SEED[ptce.start:ptce.end].endswith("économique. ")  # the added space goes too


# -- with a glossary: exact --------------------------------------------------------------


def test_title_and_multiword_terms() -> None:
    g = small(("ESS", "Le terme désigne l’économie sociale.", "Économie sociale et solidaire"),
              ("utilité sociale", "Ce qui sert l’intérêt général."))
    text = "L’ESS et l’utilité sociale, dit-on."
    assert strip_text(expand(text, g), g).text == text


def test_expansion_not_after_its_term_stays() -> None:
    g = small(("ESS", "Économie sociale et solidaire."))
    for text in ["Définition : ESS Économie sociale et solidaire. Voilà.",
                 "Le mot ESSOR ESS Économie sociale et solidaire. reste",
                 "La définition « Économie sociale et solidaire. » est courte."]:
        result = strip_text(text, g)
        assert result.text == text and result.expansions == ()


def test_another_definition_is_not_removed() -> None:
    g = small(("ESS", "Économie sociale et solidaire."))
    text = "l’ESS ESS Une autre définition. publiait"
    result = strip_text(text, g)
    assert result.text == text and result.expansions == ()


def test_policy_keeps_a_later_expansion_written_by_the_author() -> None:
    g = small(("ESS", "Économie sociale et solidaire."))
    x = "l’ESS publie ; on lit ESS ESS Économie sociale et solidaire. ici"
    t = expand(x, g, "first")
    assert strip_text(t, g, occurrences="first").text == x
    # without the policy, every expansion that follows its term is taken for one
    assert strip_text(t, g).text == "l’ESS publie ; on lit ESS ici"


@pytest.mark.parametrize(("clean", "expanded"), [
    ("les PTCE.", "les PTCE PTCE Pôles. ."),
    ("les PTCE, puis", "les PTCE PTCE Pôles. , puis"),
    ("les PTCE : puis", "les PTCE PTCE Pôles. : puis"),
    ("« les PTCE »", "« les PTCE PTCE Pôles. »"),
    ("les PTCE\u00a0: puis", "les PTCE PTCE Pôles.\u00a0: puis"),
    ("(les PTCE)", "(les PTCE PTCE Pôles. )"),
    ("les PTCE\n", "les PTCE PTCE Pôles.\n"),
    ("les PTCE", "les PTCE PTCE Pôles."),
])
def test_the_space_added_before_punctuation_goes(clean: str, expanded: str) -> None:
    g = small(("PTCE", "Pôles."))
    assert expand(clean, g) == expanded
    assert strip_text(expanded, g).text == clean


@pytest.mark.parametrize("x", ["ESS'ESS", "ESS 'ESS"])
def test_the_policy_settles_a_space_that_changes_the_next_term(x: str) -> None:
    # *ESS'ESS* finds one term and *ESS 'ESS* two: expanded, both read *ESS ESS le 'ESS…*
    g = small(("ESS", "le"))
    t = expand(x, g, "all")
    assert t.startswith("ESS ESS le 'ESS")
    assert strip_text(t, g, occurrences="all").text == x


def test_the_text_own_spacing_habit_decides_an_ambiguous_space() -> None:
    g = small(("PTCE", "Pôles."))
    # *PTCE:* and *PTCE :* read the same once expanded; this text writes 'mot:' elsewhere
    x = "Note: les PTCE: voir aussi: la suite"
    assert strip_text(expand(x, g), g).text == x
    y = "Note : les PTCE : voir aussi : la suite"
    assert strip_text(expand(y, g), g).text == y


def test_accent_folding_and_no_inflect_options() -> None:
    g = small(("économie sociale", "Celle des coopératives."))
    x = "l’economie sociale grandit"
    t = expand(x, g)
    assert t == x  # strict accents: not annotated
    t = glossator.render(glossator.Annotator(g, accents="fold").annotate(x), "text")
    assert strip_text(t, g).text != x
    assert strip_text(t, g, accents="fold").text == x
    plural = small(("coopérative", "Entreprise de ses membres."))
    x2 = "les coopératives vivent"
    t2 = expand(x2, plural)
    assert strip_text(t2, plural).text == x2
    assert strip_text(t2, plural, inflect=False).text == t2


# -- without a glossary: conservative detection -----------------------------------------


@pytest.mark.parametrize("text", [
    "Nous nous sommes vus. Vous vous en souvenez.",
    "ESS ESS",
    "l’ESS ESS et les PTCE.",
    "l’ESS ESS. Fin.",
    "les ESS ESS Économie sociale\nsuite",  # no final stop before the line ends
    "les ESS ESS économie sociale et solidaire. publiait",  # a definition starts with a capital
    "les ESS ESS Économie sociale et solidaire. Publiait",  # the text must visibly resume
    "Il dit 2017 2017 Une année faste. puis",  # a number is not a title
    "que que Une phrase entière. puis",
    "les ESS ESS Économie (sociale. et solidaire) publiait",  # unbalanced
    "les ESS ESS Économie. publiait",  # one word is not a definition
    "l’ESS  ESS Économie sociale. publiait",  # two spaces: not the text format
    "la coopérative coopératif Entreprise des salariés. là",
])
def test_nothing_is_removed_without_evidence(text: str) -> None:
    result = strip_text(text)
    assert result.text == text
    assert result.expansions == ()


def test_unclear_end_at_a_line_end_is_left_with_a_warning() -> None:
    text = "Vive l’ESS ESS Économie sociale. Elle grandit.\nsuite"
    result = strip_text(text)
    assert result.text == text
    [d] = result.diagnostics
    assert d.location is not None and d.location.line == 1
    assert "where it ends is unclear" in d.message
    # one sentence before the line end is clear
    assert strip_text("Vive l’ESS ESS Économie sociale et solidaire.\nsuite").text == \
        "Vive l’ESS\nsuite"


def test_identical_lines_are_no_evidence() -> None:
    line = "Vive l’ESS ESS Économie sociale. Elle grandit. Le reste."
    text = f"{line}\n{line}"
    assert strip_text(text).text == text


def test_abbreviation_followed_by_a_small_letter_does_not_end_a_definition() -> None:
    text = "les PTCE PTCE Pôles, p. ex. de coopération économique. publiaient"
    result = strip_text(text)
    assert result.text == "les PTCE publiaient"
    assert result.expansions[0].definition == "Pôles, p. ex. de coopération économique."


def test_french_quotes_inside_a_definition() -> None:
    text = "« l’ESS ESS Le « tiers secteur » des Anglais. » publiait"
    assert strip_text(text).text == "« l’ESS » publiait"
    # a definition keeps its quotes balanced: it cannot end inside « … »
    text = "l’ESS ESS Le « tiers secteur. » publiait"
    assert strip_text(text).text == "l’ESS publiait"


def test_multiword_plural_case_and_apostrophe_titles() -> None:
    text = ("Les pôles territoriaux pôle territorial Regroupement d’acteurs d’un territoire. "
            "coopèrent avec l’entreprise d’insertion Entreprise d’insertion Structure qui "
            "emploie des personnes en difficulté. depuis 2014.")
    result = strip_text(text)
    assert result.text == "Les pôles territoriaux coopèrent avec l’entreprise d’insertion " \
                          "depuis 2014."
    assert [x.term for x in result.expansions] == ["pôle territorial", "Entreprise d’insertion"]


def test_no_break_spaces_and_crlf_without_glossary() -> None:
    text = "les «\u00a0PTCE PTCE Pôles territoriaux de coopération.\u00a0» publient\r\n" \
           "l’ESS ESS Économie sociale et solidaire.\r\nfin"
    assert strip_text(text).text == "les «\u00a0PTCE\u00a0» publient\r\nl’ESS\r\nfin"


def test_term_at_the_start_and_end_of_the_text() -> None:
    text = "ESS ESS Économie sociale et solidaire."
    assert strip_text(text).text == "ESS"
    text = "PTCE PTCE Pôles de coopération. et ESS ESS Économie sociale et solidaire.\n"
    assert strip_text(text).text == "PTCE et ESS\n"


def test_repeated_definition_ends_where_the_texts_part() -> None:
    # followed by capitals, each one alone is not evidence; twice the same text is
    text = ("Dans l’ESS ESS Économie sociale et solidaire. Elle grandit.\n"
            "Selon l’ESS ESS Économie sociale et solidaire. Des emplois naissent.")
    result = strip_text(text)
    assert result.text == "Dans l’ESS Elle grandit.\nSelon l’ESS Des emplois naissent."
    assert len(result.expansions) == 2


def test_every_expansion_of_a_found_entry_goes() -> None:
    # the second expansion is followed by a capital: found through the first one's text
    text = ("l’ESS ESS Économie sociale et solidaire. publie. Les SCOP de l’ESS ESS Économie "
            "sociale et solidaire. Elles")
    result = strip_text(text)
    assert result.text == "l’ESS publie. Les SCOP de l’ESS Elles"


def test_two_definitions_for_one_title_keep_the_second_and_warn() -> None:
    text = ("l’ESS ESS Économie sociale et solidaire. publie.\n"
            "l’ESS ESS Une tout autre chose ici. publie.")
    result = strip_text(text)
    assert result.text == "l’ESS publie.\nl’ESS ESS Une tout autre chose ici. publie."
    assert len(result.diagnostics) == 1
    d = result.diagnostics[0]
    assert d.location is not None and d.location.line == 2
    assert "another definition than on line 1" in d.message


def test_glossary_yaml_is_accepted_by_check_and_loads_back(tmp_path: Path) -> None:
    entries = strip_text(SEED).entries()
    path = tmp_path / "g.yaml"
    path.write_text(glossary_yaml(entries, comment="from the seed\nsecond line"),
                    encoding="utf-8")
    loaded = glossator.load_glossary(path, strict=True)
    assert [(e.term, e.definition) for e in loaded] == [(e.term, e.definition) for e in entries]
    assert path.read_text(encoding="utf-8").startswith("# from the seed\n# second line\n")


def test_glossary_yaml_keeps_the_fields_of_a_real_entry(tmp_path: Path) -> None:
    g = Glossary.from_dicts([{"term": "ESS", "title": "Économie sociale", "id": "eco",
                              "definition": "Un mode: d'entreprendre « ici ».",
                              "aliases": ["E.S.S."], "url": "https://example.org/"}])
    path = tmp_path / "g.yaml"
    path.write_text(glossary_yaml(g.entries), encoding="utf-8")
    assert glossator.load_glossary(path).entries == g.entries


# -- properties ------------------------------------------------------------------------

ACRONYMS = ["ESS", "PTCE", "SCOP", "R&D", "CAE", "IAE", "SIAE"]
WORDS = ["coopérative", "tiers-lieu", "mutuelle", "sociétariat", "œuvre"]
MULTI = ["économie sociale et solidaire", "utilité sociale", "commerce équitable",
         "entreprise d’insertion", "pôle territorial de coopération économique"]
TERMS = ACRONYMS + WORDS + MULTI
FILLER = ["le", "la", "les", "de", "l’", "d'", "qu’", "et", "publiait", "Labo", "Labo de",
          "rapport", "étude", "été", "à", "Ça", "nous", "nous", "Œuvre", "ESSOR", "CRESS",
          "essai", "2017", ".", ",", ":", ";", "!", "?", "«", "»", "(", ")", "…", "-", "—",
          "'", "’"]
SEPARATORS = ["", " ", " ", " ", "\u00a0", "\u202f", "\n", "\n\n", "  ", "\t"]


def surface_forms(term: str) -> list[str]:
    forms = [term, term.upper() if term.islower() else term, term.capitalize()]
    if term in WORDS:
        forms.append(term + "s")
    if term == "pôle territorial de coopération économique":
        forms.append("pôles territoriaux de coopération économique")
    return forms


@st.composite
def glossaries(draw: st.DrawFn) -> Glossary:
    terms = draw(st.lists(st.sampled_from(TERMS), min_size=1, max_size=4, unique=True))
    items = []
    for term in terms:
        words = draw(st.lists(st.sampled_from(
            [*FILLER, "Économie", "coopération", "solidaire", "\u00a0", "l’ESS", "PTCE"]),
            min_size=1, max_size=8))
        definition = " ".join(words).strip() or "Définition."
        item: dict[str, object] = {"term": term, "definition": definition}
        if draw(st.booleans()):
            item["title"] = draw(st.sampled_from([term, term.capitalize(), "Pôles", "Le sigle"]))
        if draw(st.integers(0, 3)) == 0:
            item["not_in"] = [draw(st.sampled_from(["Labo de l’" + term, term + " et"]))]
        if draw(st.integers(0, 3)) == 0:
            item["max_occurrences"] = draw(st.integers(1, 2))
        if draw(st.integers(0, 3)) == 0:
            # an alias two entries share is a form with two senses, written out
            # numbered when nothing tells them apart: strip takes those apart too
            item["aliases"] = [draw(st.sampled_from(["Labo", "E.S.S.", "tiers lieu"]))]
        items.append(item)
    return Glossary.from_dicts(items)


@st.composite
def texts(draw: st.DrawFn, glossary: Glossary) -> str:
    pieces = []
    adversarial = [entry_expansion(e).strip() for e in glossary] + [
        e.display_title for e in glossary]
    for _ in range(draw(st.integers(0, 14))):
        kind = draw(st.integers(0, 9))
        if kind < 4:
            entry = draw(st.sampled_from(glossary.entries))
            piece = draw(st.sampled_from(surface_forms(entry.term)))
        elif kind < 9:
            piece = draw(st.sampled_from(FILLER))
        else:
            piece = draw(st.sampled_from(adversarial))
        pieces.append(piece)
        pieces.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(pieces)


def without_spaces_before_marks(text: str) -> str:
    return re.sub(r" (?=[^\w\s])", "", text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), occurrences=st.sampled_from(["first", "section", "all"]))
def test_round_trip_with_the_policy_for_any_text(data: st.DataObject, occurrences: str) -> None:
    """strip(annotate(x, g), g) == x for any x, g and policy; the one ambiguity of the
    format (*PTCE.* and *PTCE .*) may change a space before punctuation, and then the
    result still expands to the same text."""
    g = data.draw(glossaries())
    x = data.draw(texts(g))
    t = expand(x, g, occurrences)
    result = strip_text(t, g, occurrences=occurrences)
    note(f"glossary: {[e.to_dict() for e in g]!r}\nexpanded: {t!r}\nstripped: {result.text!r}")
    assert expand(result.text, g, occurrences) == t
    assert without_spaces_before_marks(result.text) == without_spaces_before_marks(x)
    annotated = glossator.annotate(x, g, occurrences=occurrences).annotations
    if not any(re.match(r" ?[^\w\s]", x[a.end:]) for a in annotated):
        assert result.text == x
    assert len(result.expansions) == len(annotated)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), occurrences=st.sampled_from(["first", "all"]))
def test_round_trip_without_the_policy(data: st.DataObject, occurrences: str) -> None:
    """Without being told the policy, strip removes every expansion that follows its term:
    exact whenever the text does not itself hold an expansion after a term (up to the
    ambiguous space before punctuation)."""
    g = data.draw(glossaries())
    x = data.draw(texts(g))
    t = expand(x, g, occurrences)
    result = strip_text(t, g)
    note(f"glossary: {[e.to_dict() for e in g]!r}\nexpanded: {t!r}\nstripped: {result.text!r}")
    assume(not any(entry_expansion(e) in x for e in g))
    assert without_spaces_before_marks(result.text) == without_spaces_before_marks(x)
    annotated = glossator.annotate(x, g, occurrences=occurrences).annotations
    if not any(re.match(r" ?[^\w\s]", x[a.end:]) for a in annotated):
        assert result.text == x


# Without a glossary: definitions that read like sentences, texts of small words where a
# term is followed by a small word, punctuation or the end of a line (or, where it is
# expanded too, by another term), and no word is immediately repeated.
LOWER = ["le", "la", "des", "qui", "réseau", "coopération", "d’acteurs", "été", "à", "ouvrage",
         "publiait", "ça", "l’emploi", "très", "économie", "solidaire", "labo"]
CAPITALS = ["Le", "La", "Pôles", "Économie", "Ensemble", "Structure", "Œuvre", "À"]


@st.composite
def sentence_glossaries(draw: st.DrawFn) -> Glossary:
    terms = draw(st.lists(st.sampled_from(TERMS), min_size=1, max_size=3, unique=True))
    items = []
    for term in terms:
        words = [draw(st.sampled_from(CAPITALS)), draw(st.sampled_from(LOWER)),
                 *draw(st.lists(st.sampled_from([*LOWER, ",", ":", "\u00a0"]), max_size=12))]
        definition = " ".join(words).replace(" ,", ",") + draw(st.sampled_from([".", "!", "…"]))
        items.append({"term": term, "definition": definition})
    return Glossary.from_dicts(items)


@st.composite
def sentence_texts(draw: st.DrawFn, glossary: Glossary) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        words: list[str] = []
        after_term = False  # a term not followed by punctuation is followed by a small word
        for _ in range(draw(st.integers(1, 10))):
            if not after_term and draw(st.integers(0, 3)) == 0:
                words.append(draw(st.sampled_from(glossary.entries)).term)
                follow = draw(st.sampled_from(["", ",", ".", " :", " ;", ")"]))
                words[-1] += follow
                after_term = not follow
            else:
                words.append(draw(st.sampled_from(LOWER)))
                after_term = False
        lines.append(" ".join(words))
    text = draw(st.sampled_from(["\n", "\n\n"])).join(lines)
    tokens = [t.casefold() for t in re.findall(r"\w+", text)]
    assume(not any(tokens[i - k:i] == tokens[i:i + k]
                   for i in range(len(tokens)) for k in range(1, min(i, 6) + 1)))
    return text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), occurrences=st.sampled_from(["first", "all"]))
def test_detection_round_trip_on_sentence_like_definitions(
    data: st.DataObject, occurrences: str
) -> None:
    g = data.draw(sentence_glossaries())
    x = data.draw(sentence_texts(g))
    t = expand(x, g, occurrences)
    result = strip_text(t)
    assert result.text == x, t
    annotated = glossator.annotate(x, g, occurrences=occurrences).annotations
    assert {(x.term, x.definition) for x in result.expansions} == {
        (a.entry.term, " ".join(a.entry.definition.split())) for a in annotated}
    if occurrences == "first":
        assert expand(result.text, result.glossary()) == t


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(
    [*"abcdeÉé’' \n.,:;!?«»()", "ESS", "nous", "Nous", "PTCE", "Le", " "]), max_size=40
).map("".join))
def test_detection_never_invents_text(text: str) -> None:
    """Whatever the input, stripping only removes characters, in order."""
    result = strip_text(text)
    it = iter(text)
    assert all(ch in it for ch in result.text)
    for x in result.expansions:
        assert text[x.term_start:x.start] == x.surface


# -- command line ----------------------------------------------------------------------


def test_cli_prints_the_clean_page(cli: RunCli, write: WriteFile) -> None:
    write("seed.txt", SEED)
    result = cli("strip", "seed.txt")
    assert result.code == 0
    assert result.out == CLEAN + "\n"  # like annotate, the output ends with a line break
    assert result.err == ""


def test_cli_glossary_out_round_trips(cli: RunCli, write: WriteFile, tmp_path: Path) -> None:
    write("seed.txt", SEED)
    result = cli("strip", "seed.txt", "--glossary-out", "g.yaml", "-o", "clean.txt")
    assert result.code == 0 and result.out == ""
    assert cli("check", "g.yaml").code == 0
    again = cli("annotate", "clean.txt", "-g", "g.yaml", "-f", "text")
    assert again.out == SEED + "\n"
    assert (tmp_path / "clean.txt").read_text(encoding="utf-8") == CLEAN + "\n"


def test_cli_with_glossary_and_stdin(cli: RunCli) -> None:
    result = cli("strip", "-g", str(ROOT / "examples" / "labo-ess.yaml"), "--occurrences",
                 "first", stdin=SEED.encode("utf-8"))
    assert result.code == 0
    assert result.out == CLEAN + "\n"


def test_cli_several_files_and_warnings(cli: RunCli, write: WriteFile) -> None:
    write("a.txt", "l’ESS ESS Économie sociale et solidaire. publie\n")
    write("b.txt", "rien à retirer\n")
    result = cli("strip", "a.txt", "b.txt")
    assert result.code == 0
    assert result.out == "l’ESS publie\nrien à retirer\n"
    assert result.err == "glossator: warning: b.txt: no expanded definition found; the text " \
                         "is unchanged\n"
    assert cli("strip", "-q", "a.txt", "b.txt").err == ""


def test_cli_conflicting_definitions_across_files(cli: RunCli, write: WriteFile) -> None:
    write("a.txt", "l’ESS ESS Économie sociale et solidaire. publie\n")
    write("b.txt", "l’ESS ESS Une autre chose encore. publie\n")
    result = cli("strip", "a.txt", "b.txt", "--glossary-out", "g.yaml")
    assert result.code == 0
    assert "b.txt:1: 'ESS' is defined differently" in result.err
    assert "Une autre" not in (Path.cwd() / "g.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("argv", "content", "code", "message"), [
    (["missing.txt"], None, 1, "missing.txt: no such file"),
    (["bin.txt"], b"ESS\x00\x01", 1, "bin.txt: this is a binary file, not text"),
    (["cp.txt"], "l’ESS ESS Économie sociale. publiait\n".encode("cp1252"), 1,
     "cp.txt:1: not valid UTF-8: byte 0x92 at column 2 (byte offset 1"),
    (["ok.txt", "--glossary-out", "g.yaml"], "rien\n", 1,
     "g.yaml: no expanded definition found"),
    (["ok.txt", "--occurrences", "first"], "rien\n", 2, "--occurrences and --max-per-entry go "
     "with --glossary"),
    (["ok.txt", "-g", "ok.txt", "--max-per-entry", "0"], "rien\n", 2,
     "--max-per-entry must be at least 1"),
    (["ok.txt", "-o", "ok.txt"], "rien\n", 2, "would overwrite an input file"),
    (["ok.txt", "-g", "nope.yaml"], "rien\n", 1, "nope.yaml"),
    (["ok.txt", "--encoding", "klingon"], "rien\n", 2, "unknown encoding 'klingon'"),
    (["ok.txt", "--glossary-format", "csv"], "rien\n", 2, "--glossary-format goes with"),
])
def test_cli_errors_are_one_line(
    cli: RunCli, write: WriteFile, argv: list[str], content: str | bytes | None, code: int,
    message: str
) -> None:
    if content is not None:
        write(argv[0], content)
    result = cli("strip", *argv)
    assert result.code == code
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("glossator: error: ")
    assert message in lines[0]
    assert result.out == ""


def test_cli_encoding_option(cli: RunCli, write: WriteFile) -> None:
    write("cp.txt", "l’ESS ESS Économie sociale et solidaire. publiait\n".encode("cp1252"))
    result = cli("strip", "cp.txt", "--encoding", "cp1252")
    assert result.code == 0 and result.out == "l’ESS publiait\n"


def test_cli_help_and_readme_document_every_option(cli: RunCli) -> None:
    strip = subcommands()["strip"]
    options = [s for a in strip._actions for s in a.option_strings if s not in ("-h", "--help")]
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = page.split("\n## `glossator strip`\n")[1].split("\n## ")[0]
    assert "(to be written)" not in section
    for option in options:
        assert option in section, option
    assert "remove glossary definitions expanded inline" in cli("--help").out
    help_text = cli("strip", "--help").out
    for option in options:
        assert option in help_text, option


@pytest.mark.parametrize("occurrences, text", [("first", "ESS ’PTCE"), ("all", "ESS ’ESS")])
def test_a_term_after_an_apostrophe_right_after_an_expansion(occurrences: str,
                                                            text: str) -> None:
    # *ESS ESS Déf. ’PTCE PTCE Déf.* can read *ESS’PTCE* or *ESS ’PTCE*; only the second
    # gives a PTCE to expand (an elision needs an eliding word before the apostrophe)
    g = Glossary.from_dicts([
        {"term": "ESS", "title": "Ess", "definition": "le", "aliases": ["Labo"]},
        {"term": "PTCE", "definition": "le"}])
    expanded = expand(text, g, occurrences)
    assert strip_text(expanded, g, occurrences=occurrences).text == text


def test_an_acronym_expanded_with_every_sense_is_stripped() -> None:
    from glossator import Annotator, render

    g = Glossary.from_dicts([
        {"term": "SA", "definition": "Société anonyme."},
        {"term": "SA", "definition": "Syndrome d'Asperger."},
        {"term": "ESS", "definition": "Économie sociale."},
    ])
    text = "Une SA et l’ESS, puis une SA."
    expanded = render(Annotator(g).annotate(text), "text")
    assert "1. Société anonyme. 2. Syndrome d'Asperger." in expanded
    assert strip_text(expanded, g, occurrences="first").text == text
    chosen = render(Annotator(g, senses="first").annotate(text), "text")
    assert strip_text(chosen, g, occurrences="first").text == text
