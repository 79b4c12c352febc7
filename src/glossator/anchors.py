"""Where each glossary entry lives in the A–Z index, and links to it.

The anchor of an entry is ``glossaire-`` followed by its id: ``glossaire-ess``,
``glossaire-economie-sociale-et-solidaire``. The id is the entry's ``id`` key, or the term
made into a slug (:func:`glossator.glossary.slugify`), so the anchor stays the same from
one run to the next and through any edit of the glossary that keeps the entry's id —
changing its definition, aliases or order, or adding other entries. Renaming the term of
an entry without an ``id`` changes its anchor: give the entry an ``id`` to keep it. So does
reordering two terms with the same slug (*État*, *etat*), which the glossary numbers in
file order (``etat``, ``etat-2``).

An id that is not made of ASCII letters, digits, ``-`` and ``_`` only (an explicit ``id``
such as ``"Loi 1901"``) becomes its slug followed by a short digest of the id itself
(``glossaire-loi-1901-3f2a1c``), so that two such ids never share an anchor and the anchor
never needs escaping in a URL.

The prefix is not ``gl-``: tooltips already use ``gl-1``, ``gl-2``… (and ``glossator-1``…
in annotated pages), which an entry whose id is a number (``1901``) would collide with
when an index and annotated text share a page.
"""

from __future__ import annotations

from ._lazy import lazy_pattern
from .errors import UsageError

__all__ = ["ANCHOR_PREFIX", "SENSES_SUFFIX", "check_link_to", "entry_anchor", "entry_href",
           "url_characters", "web_or_relative"]

#: What every entry anchor starts with.
ANCHOR_PREFIX = "glossaire-"
#: The end of the id of an occurrence shown with all its senses (``cse~senses``): it links
#: to the first sense, where the index numbers them all under one headword.
SENSES_SUFFIX = "~senses"

_PLAIN_ID = lazy_pattern(globals(), "_PLAIN_ID", r"[A-Za-z0-9_-]+")
_SCHEMES = ("http", "https")


def entry_anchor(entry_id: str) -> str:
    """The ``id`` of an entry's element in the index (without ``#``):
    ``entry_anchor("ess") == "glossaire-ess"``; ``cse~senses`` (every sense shown) is the
    first sense's, ``glossaire-cse``."""
    entry_id = entry_id.removesuffix(SENSES_SUFFIX)
    if _PLAIN_ID.fullmatch(entry_id):
        return ANCHOR_PREFIX + entry_id
    import hashlib

    from .text.normalize import slugify

    # (a lone surrogate, which only the Python API can put in an id, is hashed as written)
    digest = hashlib.sha1(entry_id.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    return f"{ANCHOR_PREFIX}{slugify(entry_id)}-{digest}"


def check_link_to(link_to: str, name: str = "link_to") -> str:
    """``link_to`` if it can lead to an index; else raise
    :class:`~glossator.errors.UsageError`, whose message calls it ``name``: the
    parameter's name for the Python API, the Markdown extension and MkDocs, ``--link-to``
    on the command line.

    It is a relative URL (``index.html``, ``../lexique/``, ``/glossaire.html``) or an
    absolute ``http``/``https`` one, without a ``#fragment`` — unless it holds ``{id}``,
    which is replaced by the entry's id (``lexique/{id}.html``, ``glossaire.html#{id}``).
    """
    text = link_to.strip()
    if not text or not url_characters(text):
        raise UsageError(f"{name} '{link_to}' is not a URL",
                         hint="give the index page's URL, e.g. index.html or /glossaire/")
    if not web_or_relative(text.replace("{id}", "id")):
        raise UsageError(f"{name} '{link_to}': only http, https and relative URLs are "
                         "allowed", hint="e.g. index.html or https://example.org/glossaire/")
    if "#" in text and "{id}" not in text:
        raise UsageError(f"{name} '{link_to}' already has a #fragment",
                         hint="drop it (the entry's anchor is added), or write where the "
                         "id goes with {id}, e.g. 'lexique.html#mot-{id}'")
    return text


def url_characters(url: str) -> bool:
    """Whether ``url`` holds no white space, nor a character that would end an HTML
    attribute or a Markdown link around it (``<>"'```)."""
    return not any(c.isspace() or c in "<>\"'`" for c in url)


def web_or_relative(url: str) -> bool:
    """Whether ``url`` is relative or an ``http``/``https`` one (never ``javascript:``,
    ``data:``…)."""
    from urllib.parse import urlsplit  # only for a URL given: not at start-up

    scheme = urlsplit(url).scheme
    return not scheme or scheme.lower() in _SCHEMES


def entry_href(link_to: str, entry_id: str) -> str:
    """The URL of an entry in the index at ``link_to`` (checked by :func:`check_link_to`):
    ``entry_href("index.html", "ess") == "index.html#glossaire-ess"``; with ``{id}`` in
    ``link_to``, the id (percent-encoded) goes there instead."""
    if "{id}" in link_to:
        from urllib.parse import quote  # only with --link-to: not at start-up

        return link_to.replace("{id}", quote(entry_id.removesuffix(SENSES_SUFFIX), safe=""))
    return f"{link_to}#{entry_anchor(entry_id)}"
