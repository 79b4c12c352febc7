/* glossator.render._splice: the text, HTML and JSON renderers' per-annotation loop in C.
 *
 * Each function gets the text, three int64 arrays of the same length (``starts``, ``ends``
 * and ``keys``: which pre-rendered piece goes with each annotation) and the pieces, and
 * writes the whole output in one pass: the text between and inside the annotations
 * escaped as the format needs, each annotation's pieces around or after it. The pieces
 * (an entry's expansion, a tooltip's markup cut at its id, the JSON fields an annotation
 * shares with others of its entry and form) are rendered once each, in Python, by
 * glossator.render._splice; every byte written here is the one the Python renderers
 * (render/text.py, render/html.py, render/json.py) write, which the property tests check.
 *
 * Two ways out, the same loop (each format's ``*_body``) behind the same Out:
 * - a str: the loop runs twice, first counting (the output's length and its widest
 *   character), then writing into the str of exactly that length and kind, made by
 *   PyUnicode_New: no growing buffer, no copy at the end, and nothing that depends on
 *   CPython's private writer. The writing pass checks every write against the length
 *   counted (a SystemError, never a write out of bounds, if they disagreed).
 * - UTF-8 bytes to a sink (``sink=`` a callable): the loop runs once, writing into a
 *   buffer of ``chunk`` bytes (and a little slack) that is handed to the sink as a bytes
 *   object each time it fills, and at the end: the output is never held whole. The bytes
 *   are those of the str encoded as glossator.documents.write.encode does (UTF-8, a lone
 *   surrogate written as a character reference, ``&#55296;``).
 *
 * This file holds what every part shares (the Out buffer) and the module's table; the
 * rest is in parts it includes in this order, each read on its own:
 *   _splice_out.h          the UTF-8 writers; the three int64 arrays, checked
 *   _splice_text.h         the text loop (render/text.py)
 *   _splice_html.h         the HTML loop (render/html.py)
 *   _splice_json.h         the JSON loop (render/json.py)
 *   _splice_arrays.h       spans, group, number, pick, distinct: the arrays handed over
 *   _splice_pieces.h       the pieces made once per entry (tooltips, expansions)
 *   _splice_json_pieces.h  the JSON pieces made once per code
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The interface version glossator.render._splice.py expects (SPLICE_ABI there). */
#define SPLICE_ABI 8

/* Out.kind of a UTF-8 output to a sink (a str's kinds are 1, 2 and 4). */
#define UTF8_OUT 0
/* How many matches ahead the JSON loops ask the memory for a piece or a check. */
#define PIECE_AHEAD 8
/* Bytes the UTF-8 buffer holds past its chunk: what out_reserve may ask at once (at most
 * 24 characters, each one byte: the reservations are of ASCII) fits after a flush. */
#define SLACK 64

typedef struct {
    void *buf;          /* NULL while counting; then the data of ``result``, or the
                         * UTF-8 buffer */
    int kind;           /* the str's kind, or UTF8_OUT */
    Py_ssize_t len;     /* characters counted, or written (UTF-8: bytes in the buffer) */
    Py_ssize_t cap;     /* while writing: the length counted (UTF-8: the chunk) */
    Py_UCS4 maxchar;    /* while counting: the widest character met */
    Py_UCS4 top;        /* the least character of the text's widest class (see max_char) */
    PyObject *sink;     /* UTF-8: called with each full buffer, as bytes */
    Py_ssize_t total;   /* UTF-8: bytes handed to the sink */
    PyObject *chunk;    /* UTF-8: the bytes object ``buf`` is the data of (cap + SLACK
                         * bytes), written in place and handed to the sink as it is */
} Out;

/* UTF-8: a new bytes object of cap + SLACK bytes for the buffer (0; -1 out of memory). */
static int
out_new_chunk(Out *o)
{
    o->chunk = PyBytes_FromStringAndSize(NULL, o->cap + SLACK);
    if (o->chunk == NULL) {
        return -1;
    }
    o->buf = PyBytes_AS_STRING(o->chunk);
    return 0;
}

/* UTF-8: the buffer handed to the sink (its own bytes object, cut to what it holds: the
 * output is copied once, from the pieces into the chunk), and a new one taken unless
 * ``last``. */
static int
out_flush_as(Out *o, int last)
{
    if (o->len == 0) {
        return 0;
    }
    Py_ssize_t n = o->len;
    PyObject *data = o->chunk;
    o->chunk = NULL;
    o->len = 0;
    if (_PyBytes_Resize(&data, n) < 0) {
        return -1;
    }
    PyObject *got = PyObject_CallOneArg(o->sink, data);
    Py_DECREF(data);
    if (got == NULL) {
        return -1;
    }
    Py_DECREF(got);
    o->total += n;
    return last ? 0 : out_new_chunk(o);
}

static int
out_flush(Out *o)
{
    return out_flush_as(o, 0);
}

/* 0 if ``extra`` more characters fit (always, while counting); else -1, SystemError. */
static int
out_reserve(Out *o, Py_ssize_t extra)
{
    if (o->buf == NULL || o->len + extra <= o->cap) {
        return 0;
    }
    if (o->kind == UTF8_OUT) {  /* ASCII: ``extra`` bytes, within the slack */
        return out_flush(o);
    }
    PyErr_SetString(PyExc_SystemError, "glossator.render._splice: the output is longer "
                    "than counted");
    return -1;
}

/* One character; the caller has reserved the room. */
static inline void
out_put(Out *o, Py_UCS4 c)
{
    if (o->buf != NULL) {
        if (o->kind == UTF8_OUT) {  /* only ever ASCII (markup, escapes, digits) */
            ((char *)o->buf)[o->len] = (char)c;
        }
        else {
            PyUnicode_WRITE(o->kind, o->buf, o->len, c);
        }
    }
    else if (c > o->maxchar) {
        o->maxchar = c;
    }
    o->len++;
}

/* Characters fall in four classes that decide a str's kind: ASCII, Latin-1, the BMP and
 * beyond. The least character of the widest class the text may hold ("top": 0x80 for
 * Latin-1, 0x100 for UCS-2, 0x10000 for UCS-4, past 0x7f for ASCII) ends the search:
 * once a character of that class is met, no other range of the text can widen the
 * output, and the ranges are no longer read while counting. */
static Py_UCS4
top_of(PyObject *text)
{
    Py_UCS4 m = PyUnicode_MAX_CHAR_VALUE(text);
    return m < 0x80 ? 0 : m < 0x100 ? 0x80 : m < 0x10000 ? 0x100 : 0x10000;
}

static Py_UCS4
max_char(int kind, const void *data, Py_ssize_t a, Py_ssize_t b, Py_UCS4 have, Py_UCS4 top)
{
    for (Py_ssize_t i = a; i < b && have < top; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c > have) {
            have = c;
        }
    }
    return have;
}

/* ``n`` characters copied to a wider type, 16 at a time where they can be: a block of
 * fixed length through pointers that do not alias, which the compiler makes a few vector
 * instructions (the plain loop, at -O2, went one character at a time: most of the time
 * of writing pieces narrower than the output). */
#define WIDEN(name, from, to)                                                           \
    static void                                                                         \
    name(const from *restrict r, to *restrict w, Py_ssize_t n)                          \
    {                                                                                   \
        Py_ssize_t i = 0;                                                               \
        for (; i + 16 <= n; i += 16) {                                                  \
            for (int j = 0; j < 16; j++) {                                              \
                w[i + j] = r[i + j];                                                    \
            }                                                                           \
        }                                                                               \
        for (; i < n; i++) {                                                            \
            w[i] = r[i];                                                                \
        }                                                                               \
    }

WIDEN(widen_1_2, Py_UCS1, Py_UCS2)
WIDEN(widen_1_4, Py_UCS1, Py_UCS4)
WIDEN(widen_2_4, Py_UCS2, Py_UCS4)

/* The parts (see the top of this file). */
#include "_splice_out.h"
#include "_splice_text.h"
#include "_splice_html.h"
#include "_splice_json.h"
#include "_splice_arrays.h"
#include "_splice_pieces.h"
#include "_splice_json_pieces.h"

static PyMethodDef splice_methods[] = {
    {"template", (PyCFunction)(void (*)(void))template, METH_FASTCALL,
     "template(layout, id, title, definition, surface, href, url, source, rich) -> "
     "(opening, closing) | None: a tooltip's markup in preset layout (0 glossator, 1 spip, "
     "2 abbr), each cut where its id goes, from the entry's fields as they are (href, url "
     "and source may be None; surface is read by spip with a link only; definition is a "
     "str, or the pair (HTML, text) made already; url is stripped and shown if http, "
     "https or mailto, source if not blank); every field escaped as render/html.py "
     "escapes it; None when a field has white space to fold, a rich definition markup "
     "to clean, or the url a character Python must judge. A tenth argument, true: url is "
     "None or a link already stripped, as Python judged it. An eleventh, true: the "
     "template in UTF-8 (bytes: see render_html) instead of the pair."},
    {"expansion", expansion, METH_VARARGS,
     "expansion(title, definition) -> str | None: ' TITLE DEFINITION', or None when either "
     "has white space to fold (render/text.py entry_expansion)."},
    {"expansions", (PyCFunction)(void (*)(void))expansions, METH_FASTCALL,
     "expansions(firsts, codes, entries, built, table, keys, rows, forms) -> list: the "
     "expansion of the entry of the match firsts[g] of each group, as expansion makes "
     "it, None where Python must make it (render/text.py _render_kept)."},
    {"templates", (PyCFunction)(void (*)(void))templates, METH_FASTCALL,
     "templates(layout, rich, firsts, codes, entries, built, table, keys, rows, forms, "
     "memo, limit[, utf8]) -> (openings, closings, misses): the template of the entry of "
     "the match firsts[g] of each group, from memo (by entry index) or made as template "
     "makes it without a link or a surface shown, and kept there; None twice, and g in "
     "misses, where Python must make it (render/html.py _kept_fragment). utf8: each made "
     "in UTF-8 (bytes, for render_html to a sink; its closing None); the memo may hold "
     "either kind."},
    {"json_pieces", (PyCFunction)(void (*)(void))json_pieces, METH_FASTCALL,
     "json_pieces(firsts, codes, entries, by_code, by_entry, limit, built, table, keys, rows, "
     "forms, field, how_is, ends, plain, fold, utf8) -> (pieces, checks, hits): for the "
     "match firsts[g] of each group, the JSON after its surface, its check and what is kept "
     "of its code, made where by_code has none (render/json.py _code_pieces); with utf8, "
     "the pieces, fields and middles are bytes in UTF-8, as a sink takes them."},
    {"group", group, METH_VARARGS,
     "group(text, annotations, starts, ends, entries, names) -> (keys, firsts) | None: "
     "each annotation's group (int64 bytes) by its entry number and attributes names, and "
     "the index of each group's first annotation; None if a surface is not its text."},
    {"spans", spans, METH_O,
     "spans(annotations) -> (starts, ends, keys, table, firsts): int64 bytes of each "
     "annotation's start, end and entry number, the entries by number (first occurrence "
     "first), and int64 bytes of the index of each entry's first annotation."},
    {"number", number, METH_O,
     "number(values) -> (keys, firsts): an int64 bytearray numbering each value (int64 "
     "buffer) "
     "in order of first occurrence, and int64 bytes of each number's first index."},
    {"distinct", distinct, METH_VARARGS,
     "distinct(text, starts, ends, keys, which, base) -> bytes: the matches ``which`` "
     "(int64 indexes) numbered by their key and surface in order of first occurrence, "
     "keys[i] set to base plus that number; int64 pairs (first match, its key) of each "
     "number (render/json.py _resolve_misses)."},
    {"pick", (PyCFunction)(void (*)(void))pick, METH_VARARGS | METH_KEYWORDS,
     "pick(text, starts, ends, groups, group_keys, checks, *, out=None, cases=-1) -> "
     "(keys, misses[, firsts]): each match's key (an int64 bytearray, or written into the "
     "writable int64 buffer out, which may be groups itself), group_keys[g] of its group g "
     "where checks[g] is None or the str of its text; int64 bytes of the other matches' "
     "indexes (their keys left 0, or in out their group). With cases >= 0, a match whose "
     "text is the str check[g] but for its capitals (plain words: how is 'case') gets key "
     "cases + n, n numbering such groups in order, and firsts holds each one's first "
     "match and group (int64 pairs)."},
    {"render_text", (PyCFunction)(void (*)(void))render_text, METH_VARARGS | METH_KEYWORDS,
     "render_text(text, starts, ends, keys, pieces, *, sink=None, chunk=0) -> str | int: "
     "the text format; with a sink, its UTF-8 handed to sink(bytes) chunk bytes at a "
     "time, and the number of bytes written returned."},
    {"render_html", (PyCFunction)(void (*)(void))render_html, METH_VARARGS | METH_KEYWORDS,
     "render_html(text, starts, ends, keys, openings, closings, id_prefix, *, sink=None, "
     "chunk=0) -> str | int: the HTML fragment's paragraphs (sink: as render_text). Each "
     "template a tuple of str in openings and closings, or, with a sink only, a template "
     "in UTF-8 in openings (bytes: the pieces' count in the opening and in the closing, "
     "two zero bytes, each piece's length as a native uint32, then the pieces), its "
     "closing unread."},
    {"render_json", (PyCFunction)(void (*)(void))render_json, METH_VARARGS | METH_KEYWORDS,
     "render_json(text, starts, ends, keys, pieces, sep, field, head, middle, tail, *, "
     "sink=None, chunk=0) -> str | int: head, the text as a JSON string, middle, the items "
     "of the annotations array, tail (sink: as render_text)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef splice_module = {
    PyModuleDef_HEAD_INIT, "glossator.render._splice",
    "The text, HTML and JSON renderers' per-annotation loop in C.", -1, splice_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__splice(void)
{
    PyObject *m = PyModule_Create(&splice_module);
    if (m == NULL) {
        return NULL;
    }
    for (Py_UCS4 c = 0; c < 256; c++) {
        LOW_CLASS[c] = (unsigned char)(html_special_of(c) | line_break_of(c) << 1);
    }
    for (Py_UCS4 c = 0; c < 128; c++) {  /* as render/html.escape (quote or not), html_safe */
        Py_UCS4 k = html_forbidden(c) ? 4 : c == '&' ? 5 : (c == '<' || c == '>') ? 4 : 1;
        ESC_LEN[0][c] = (unsigned char)(c == '"' || c == '\'' ? 6 : k);
        ESC_LEN[1][c] = (unsigned char)k;
        ESC_LEN[2][c] = (unsigned char)(html_forbidden(c) ? 4 : 1);
        ESC_LEN[3][c] = (unsigned char)(c == '"' || c == '\\' ? 2 : c >= 0x20 ? 1
            : (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') ? 2 : 6);
    }
    struct {
        PyObject **name;
        const char *text;
    } const interned[] = {
        {&START, "start"}, {&END, "end"}, {&ENTRY, "entry"}, {&SURFACE, "surface"},
        {&A_ID, "id"}, {&A_TERM, "term"}, {&A_TITLE, "title"},
        {&A_DEFINITION, "definition"}, {&A_TEXT, "text"}, {&A_IS_ALIAS, "is_alias"},
        {&A_URL, "url"}, {&A_SOURCE, "source"}, {&S_INFLECTED, "inflected"},
    };
    for (size_t i = 0; i < sizeof(interned) / sizeof(interned[0]); i++) {
        if ((*interned[i].name = PyUnicode_InternFromString(interned[i].text)) == NULL) {
            Py_DECREF(m);
            return NULL;
        }
    }
    if (PyModule_AddIntConstant(m, "ABI", SPLICE_ABI) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
