/* glossator.render._splice: the text, HTML and JSON renderers' per-annotation loop in C.
 *
 * Each function gets the text, three int64 arrays of the same length (``starts``, ``ends``
 * and ``keys``: which pre-rendered piece goes with each annotation) and the pieces, and
 * writes the whole output in one pass: the text between and inside the annotations
 * escaped as the format needs, each annotation's pieces around or after it. The pieces
 * (an entry's expansion, a tooltip's markup cut at its id, the JSON fields an annotation
 * shares with others of its entry and form) are rendered once each, in Python, by
 * glossator.render.fast; every byte written here is the one the Python renderers
 * (render/text.py, render/html.py, render/json.py) write, which the property tests check.
 *
 * The output is built in a growable buffer of the widest kind of the text and the pieces
 * (escapes are ASCII), and narrowed at the end if it holds no character that needs that
 * kind (PyUnicode_FromKindAndData), so that nothing depends on CPython's private writer.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* The interface version glossator/render/fast.py expects (SPLICE_ABI there). */
#define SPLICE_ABI 1

typedef struct {
    char *buf;
    int kind;  /* the widest kind of the text and the pieces: every character fits */
    Py_ssize_t len;
    Py_ssize_t cap;
} Out;

/* Room for ``extra`` more characters; 0, or -1 with MemoryError set. */
static int
out_reserve(Out *o, Py_ssize_t extra)
{
    if (o->len + extra <= o->cap) {
        return 0;
    }
    Py_ssize_t cap = o->cap ? o->cap : 256;
    while (cap < o->len + extra) {
        if (cap > PY_SSIZE_T_MAX / 2 / 4) {
            PyErr_NoMemory();
            return -1;
        }
        cap *= 2;
    }
    char *buf = PyMem_Realloc(o->buf, (size_t)cap * (size_t)o->kind);
    if (buf == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    o->buf = buf;
    o->cap = cap;
    return 0;
}

/* One character; the caller has reserved the room. */
static inline void
out_put(Out *o, Py_UCS4 c)
{
    PyUnicode_WRITE(o->kind, o->buf, o->len, c);
    o->len++;
}

/* The text's characters [a, b) as they are (``kind`` is never wider than the output's). */
static int
out_range(Out *o, int kind, const void *data, Py_ssize_t a, Py_ssize_t b)
{
    if (b <= a) {
        return 0;
    }
    if (out_reserve(o, b - a) < 0) {
        return -1;
    }
    if (kind == o->kind) {
        memcpy(o->buf + o->len * kind, (const char *)data + a * kind,
               (size_t)(b - a) * (size_t)kind);
    }
    else if (o->kind == PyUnicode_2BYTE_KIND) {  /* from UCS-1 */
        const Py_UCS1 *r = (const Py_UCS1 *)data;
        Py_UCS2 *w = (Py_UCS2 *)o->buf + o->len;
        for (Py_ssize_t i = a; i < b; i++) {
            *w++ = r[i];
        }
    }
    else if (kind == PyUnicode_1BYTE_KIND) {  /* UCS-1 to UCS-4 */
        const Py_UCS1 *r = (const Py_UCS1 *)data;
        Py_UCS4 *w = (Py_UCS4 *)o->buf + o->len;
        for (Py_ssize_t i = a; i < b; i++) {
            *w++ = r[i];
        }
    }
    else {  /* UCS-2 to UCS-4 */
        const Py_UCS2 *r = (const Py_UCS2 *)data;
        Py_UCS4 *w = (Py_UCS4 *)o->buf + o->len;
        for (Py_ssize_t i = a; i < b; i++) {
            *w++ = r[i];
        }
    }
    o->len += b - a;
    return 0;
}

static int
out_str(Out *o, PyObject *s)
{
    return out_range(o, PyUnicode_KIND(s), PyUnicode_DATA(s), 0, PyUnicode_GET_LENGTH(s));
}

/* ASCII ``s`` (n bytes); the caller has reserved the room. */
static void
out_ascii(Out *o, const char *s, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        out_put(o, (unsigned char)s[i]);
    }
}

static int
out_int(Out *o, long long v)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%lld", v);
    if (out_reserve(o, n) < 0) {
        return -1;
    }
    out_ascii(o, digits, n);
    return 0;
}

/* What glossator.text.inert.html_safe shows as a visible escape: C0 controls but tab,
 * line feed, form feed and carriage return; DEL and C1; noncharacters; surrogates. */
static inline int
html_forbidden(Py_UCS4 c)
{
    if (c < 0x20) {
        return !(c == 0x09 || c == 0x0a || c == 0x0c || c == 0x0d);
    }
    if (c < 0x7f) {
        return 0;
    }
    if (c <= 0x9f) {
        return 1;
    }
    return (c >= 0xd800 && c <= 0xdfff) || (c >= 0xfdd0 && c <= 0xfdef)
        || (c & 0xfffe) == 0xfffe;
}

static const char HEX[] = "0123456789abcdef";

/* The text's characters [a, b) escaped as render/html.escape(piece, quote=False) does:
 * forbidden characters as visible escapes (\x1b, \ufdd0, \U0001fffe), then & < >. */
static int
out_html(Out *o, int kind, const void *data, Py_ssize_t a, Py_ssize_t b)
{
    for (Py_ssize_t i = a; i < b; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (out_reserve(o, 10) < 0) {
            return -1;
        }
        if (c == '&') {
            out_ascii(o, "&amp;", 5);
        }
        else if (c == '<') {
            out_ascii(o, "&lt;", 4);
        }
        else if (c == '>') {
            out_ascii(o, "&gt;", 4);
        }
        else if (html_forbidden(c)) {
            int digits = c < 0x100 ? 2 : c < 0x10000 ? 4 : 8;
            out_put(o, '\\');
            out_put(o, digits == 2 ? 'x' : digits == 4 ? 'u' : 'U');
            for (int d = digits - 1; d >= 0; d--) {
                out_put(o, (unsigned char)HEX[(c >> (4 * d)) & 0xf]);
            }
        }
        else {
            out_put(o, c);
        }
    }
    return 0;
}

/* The text's characters [a, b) as a JSON string, quotes included, as the C encoder of
 * the json module writes it with ensure_ascii=False. */
static int
out_json(Out *o, int kind, const void *data, Py_ssize_t a, Py_ssize_t b)
{
    if (out_reserve(o, 1) < 0) {
        return -1;
    }
    out_put(o, '"');
    for (Py_ssize_t i = a; i < b; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (out_reserve(o, 7) < 0) {
            return -1;
        }
        if (c == '"' || c == '\\') {
            out_put(o, '\\');
            out_put(o, c);
        }
        else if (c >= 0x20) {
            out_put(o, c);
        }
        else if (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
            out_put(o, '\\');
            out_put(o, c == '\b' ? 'b' : c == '\f' ? 'f' : c == '\n' ? 'n'
                               : c == '\r' ? 'r' : 't');
        }
        else {
            out_ascii(o, "\\u00", 4);
            out_put(o, (unsigned char)HEX[c >> 4]);
            out_put(o, (unsigned char)HEX[c & 0xf]);
        }
    }
    if (out_reserve(o, 1) < 0) {
        return -1;
    }
    out_put(o, '"');
    return 0;
}

static PyObject *
out_finish(Out *o)
{
    PyObject *result = PyUnicode_FromKindAndData(o->kind, o->buf, o->len);
    PyMem_Free(o->buf);
    o->buf = NULL;
    return result;
}

/* ---------------------------------------------------------------------------------------
 * The arguments: three int64 arrays, checked against the text and the pieces
 * ------------------------------------------------------------------------------------- */

typedef struct {
    Py_buffer starts, ends, keys;
    int held;  /* how many of the three buffers are held */
    Py_ssize_t n;
} Spans;

static void
spans_release(Spans *sp)
{
    Py_buffer *views[3] = {&sp->starts, &sp->ends, &sp->keys};
    for (int i = 0; i < sp->held; i++) {
        PyBuffer_Release(views[i]);
    }
    sp->held = 0;
}

static int
get_int64s(PyObject *obj, Py_buffer *view, const char *name)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0) {
        return -1;
    }
    const char *f = view->format ? view->format : "B";
    size_t fl = strlen(f);
    char last = fl ? f[fl - 1] : 'B';
    if (view->itemsize != 8 || (last != 'q' && last != 'l')) {
        PyErr_Format(PyExc_TypeError, "%s: expected int64 items ('q'), not '%s'", name, f);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* The three arrays, of one length; each start and end within the text and in order,
 * each key in [lo, n_pieces) (lo is negative where a key may name a whole piece). */
static int
spans_get(Spans *sp, PyObject *starts, PyObject *ends, PyObject *keys, Py_ssize_t text_len,
          Py_ssize_t lo, Py_ssize_t n_pieces)
{
    sp->held = 0;
    if (get_int64s(starts, &sp->starts, "starts") < 0) {
        return -1;
    }
    sp->held = 1;
    if (get_int64s(ends, &sp->ends, "ends") < 0) {
        goto fail;
    }
    sp->held = 2;
    if (get_int64s(keys, &sp->keys, "keys") < 0) {
        goto fail;
    }
    sp->held = 3;
    sp->n = sp->starts.len / 8;
    if (sp->ends.len / 8 != sp->n || sp->keys.len / 8 != sp->n) {
        PyErr_SetString(PyExc_ValueError, "starts, ends and keys differ in length");
        goto fail;
    }
    const int64_t *s = sp->starts.buf, *e = sp->ends.buf, *k = sp->keys.buf;
    for (Py_ssize_t i = 0; i < sp->n; i++) {
        if (s[i] < 0 || s[i] > e[i] || e[i] > text_len) {
            PyErr_Format(PyExc_ValueError, "annotation %zd: [%lld, %lld) is not within the "
                         "text (%zd characters)", i, (long long)s[i], (long long)e[i],
                         text_len);
            goto fail;
        }
        if (k[i] < lo || k[i] >= n_pieces) {
            PyErr_Format(PyExc_IndexError, "annotation %zd: key %lld names no piece", i,
                         (long long)k[i]);
            goto fail;
        }
    }
    return 0;
fail:
    spans_release(sp);
    return -1;
}

static void
widen(int *kind, PyObject *str)
{
    if (PyUnicode_KIND(str) > *kind) {
        *kind = PyUnicode_KIND(str);
    }
}

/* Every item of list ``pieces`` a str (a tuple of str where ``tuples``); ``*kind``
 * widened to the widest of theirs. */
static int
check_pieces(PyObject *pieces, int tuples, const char *name, int *kind)
{
    Py_ssize_t n = PyList_GET_SIZE(pieces);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *p = PyList_GET_ITEM(pieces, i);
        if (tuples) {
            if (!PyTuple_Check(p) || PyTuple_GET_SIZE(p) == 0) {
                PyErr_Format(PyExc_TypeError, "%s[%zd]: expected a non-empty tuple of str",
                             name, i);
                return -1;
            }
            for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(p); j++) {
                if (!PyUnicode_Check(PyTuple_GET_ITEM(p, j))) {
                    PyErr_Format(PyExc_TypeError, "%s[%zd][%zd]: expected str", name, i, j);
                    return -1;
                }
                widen(kind, PyTuple_GET_ITEM(p, j));
            }
        }
        else if (!PyUnicode_Check(p)) {
            PyErr_Format(PyExc_TypeError, "%s[%zd]: expected str", name, i);
            return -1;
        }
        else {
            widen(kind, p);
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * text: each annotated term followed by its entry's expansion, then a space unless the
 * next character is white space or the end of the text (render/text.py)
 * ------------------------------------------------------------------------------------- */

static PyObject *
render_text(PyObject *self, PyObject *args)
{
    PyObject *text, *starts, *ends, *keys, *pieces;
    (void)self;
    if (!PyArg_ParseTuple(args, "UOOOO!:render_text", &text, &starts, &ends, &keys,
                          &PyList_Type, &pieces)) {
        return NULL;
    }
    int out_kind = PyUnicode_KIND(text);
    if (check_pieces(pieces, 0, "pieces", &out_kind) < 0) {
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Spans sp;
    if (spans_get(&sp, starts, ends, keys, n, 0, PyList_GET_SIZE(pieces)) < 0) {
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const int64_t *s = sp.starts.buf, *e = sp.ends.buf, *k = sp.keys.buf;
    Out o = {NULL, out_kind, 0, 0};
    Py_ssize_t pos = 0;
    if (out_reserve(&o, n + n / 4 + 16) < 0) {
        goto fail;
    }
    for (Py_ssize_t i = 0; i < sp.n; i++) {
        if (s[i] > pos && out_range(&o, kind, data, pos, s[i]) < 0) {
            goto fail;
        }
        if (out_range(&o, kind, data, s[i], e[i]) < 0
            || out_str(&o, PyList_GET_ITEM(pieces, k[i])) < 0) {
            goto fail;
        }
        if (e[i] < n && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, e[i]))) {
            if (out_reserve(&o, 1) < 0) {
                goto fail;
            }
            out_put(&o, ' ');
        }
        pos = e[i];
    }
    if (pos < n && out_range(&o, kind, data, pos, n) < 0) {
        goto fail;
    }
    spans_release(&sp);
    return out_finish(&o);
fail:
    spans_release(&sp);
    PyMem_Free(o.buf);
    return NULL;
}

/* ---------------------------------------------------------------------------------------
 * html: the fragment of render/html.py, one <p> per line of the text (str.splitlines),
 * a line of ASCII white space alone left out; each annotation (cut at the end of its
 * line) wrapped in its tooltip's opening and closing markup, each given as a tuple of
 * str to be joined with the tooltip's id, id_prefix and a counter from 1.
 * ------------------------------------------------------------------------------------- */

static int
out_joined(Out *o, PyObject *parts, PyObject *prefix, Py_ssize_t counter)
{
    Py_ssize_t n = PyTuple_GET_SIZE(parts);
    for (Py_ssize_t j = 0; j < n; j++) {
        if (j > 0 && (out_str(o, prefix) < 0 || out_int(o, (long long)counter) < 0)) {
            return -1;
        }
        if (out_str(o, PyTuple_GET_ITEM(parts, j)) < 0) {
            return -1;
        }
    }
    return 0;
}

static int
only_ascii_space(const Out *o, Py_ssize_t from)
{
    for (Py_ssize_t i = from; i < o->len; i++) {
        Py_UCS4 c = PyUnicode_READ(o->kind, o->buf, i);
        if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')) {
            return 0;
        }
    }
    return 1;
}

typedef struct {
    PyObject *openings, *closings, *prefix;
    Py_ssize_t counter;
} Tips;

/* One line's <p>, from ``start`` to ``end`` (its break excluded); ``*k`` the next
 * annotation, moved past those that start before ``end``. */
static int
html_line(Out *o, int kind, const void *data, const Spans *sp, Py_ssize_t *k,
          Py_ssize_t start, Py_ssize_t end, Tips *tips)
{
    const int64_t *s = sp->starts.buf, *e = sp->ends.buf, *key = sp->keys.buf;
    if (out_reserve(o, 3) < 0) {
        return -1;
    }
    out_ascii(o, "<p>", 3);
    Py_ssize_t body = o->len, cursor = start;
    while (*k < sp->n && s[*k] < end) {
        Py_ssize_t i = (*k)++;
        Py_ssize_t stop = e[i] < end ? e[i] : end;
        if (s[i] > cursor && out_html(o, kind, data, cursor, s[i]) < 0) {
            return -1;
        }
        tips->counter++;
        if (out_joined(o, PyList_GET_ITEM(tips->openings, key[i]), tips->prefix,
                       tips->counter) < 0
            || out_html(o, kind, data, s[i], stop) < 0
            || out_joined(o, PyList_GET_ITEM(tips->closings, key[i]), tips->prefix,
                          tips->counter) < 0) {
            return -1;
        }
        cursor = stop;
    }
    if (end > cursor && out_html(o, kind, data, cursor, end) < 0) {
        return -1;
    }
    if (only_ascii_space(o, body)) {
        o->len = body - 3;
        return 0;
    }
    if (out_reserve(o, 5) < 0) {
        return -1;
    }
    out_ascii(o, "</p>\n", 5);
    return 0;
}

static PyObject *
render_html(PyObject *self, PyObject *args)
{
    PyObject *text, *starts, *ends, *keys;
    Tips tips = {NULL, NULL, NULL, 0};
    (void)self;
    if (!PyArg_ParseTuple(args, "UOOOO!O!U:render_html", &text, &starts, &ends, &keys,
                          &PyList_Type, &tips.openings, &PyList_Type, &tips.closings,
                          &tips.prefix)) {
        return NULL;
    }
    Py_ssize_t n_pieces = PyList_GET_SIZE(tips.openings);
    if (PyList_GET_SIZE(tips.closings) != n_pieces) {
        PyErr_SetString(PyExc_ValueError, "openings and closings differ in length");
        return NULL;
    }
    int out_kind = PyUnicode_KIND(text);
    widen(&out_kind, tips.prefix);
    if (check_pieces(tips.openings, 1, "openings", &out_kind) < 0
        || check_pieces(tips.closings, 1, "closings", &out_kind) < 0) {
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Spans sp;
    if (spans_get(&sp, starts, ends, keys, n, 0, n_pieces) < 0) {
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Out o = {NULL, out_kind, 0, 0};
    Py_ssize_t pos = 0, k = 0;
    if (out_reserve(&o, n + n / 4 + 16) < 0) {
        goto fail;
    }
    while (pos < n) {  /* the lines of str.splitlines */
        Py_ssize_t j = pos;
        while (j < n && !Py_UNICODE_ISLINEBREAK(PyUnicode_READ(kind, data, j))) {
            j++;
        }
        Py_ssize_t next = n, end = n;  /* the next line's start; this one's content end */
        if (j < n) {
            Py_UCS4 brk = PyUnicode_READ(kind, data, j);
            next = j + 1;
            if (brk == '\r' && next < n && PyUnicode_READ(kind, data, next) == '\n') {
                next++;
            }
            /* line.rstrip("\r\n"): another line break stays in the line */
            end = (brk == '\r' || brk == '\n') ? j : next;
        }
        if (html_line(&o, kind, data, &sp, &k, pos, end, &tips) < 0) {
            goto fail;
        }
        pos = next;
    }
    spans_release(&sp);
    return out_finish(&o);
fail:
    spans_release(&sp);
    PyMem_Free(o.buf);
    return NULL;
}

/* ---------------------------------------------------------------------------------------
 * json: the items of render/json.py's "annotations" array, each after ``sep`` (a comma
 * before all but the first): ``{`` then start, end and surface, each after ``field``,
 * then the piece of its key (the rest of the object, its closing brace included); a
 * negative key -k-1 names a piece that is the whole object (an annotation with senses).
 * ------------------------------------------------------------------------------------- */

static int
json_item(Out *o, int kind, const void *data, int64_t s, int64_t e, PyObject *field)
{
    if (out_reserve(o, 1) < 0) {
        return -1;
    }
    out_put(o, '{');
    if (out_str(o, field) < 0 || out_reserve(o, 9) < 0) {
        return -1;
    }
    out_ascii(o, "\"start\": ", 9);
    if (out_int(o, (long long)s) < 0 || out_reserve(o, 1) < 0) {
        return -1;
    }
    out_put(o, ',');
    if (out_str(o, field) < 0 || out_reserve(o, 7) < 0) {
        return -1;
    }
    out_ascii(o, "\"end\": ", 7);
    if (out_int(o, (long long)e) < 0 || out_reserve(o, 1) < 0) {
        return -1;
    }
    out_put(o, ',');
    if (out_str(o, field) < 0 || out_reserve(o, 11) < 0) {
        return -1;
    }
    out_ascii(o, "\"surface\": ", 11);
    if (out_json(o, kind, data, s, e) < 0 || out_reserve(o, 1) < 0) {
        return -1;
    }
    out_put(o, ',');
    return 0;
}

static PyObject *
render_json(PyObject *self, PyObject *args)
{
    PyObject *text, *starts, *ends, *keys, *pieces, *sep, *field;
    (void)self;
    if (!PyArg_ParseTuple(args, "UOOOO!UU:render_json", &text, &starts, &ends, &keys,
                          &PyList_Type, &pieces, &sep, &field)) {
        return NULL;
    }
    int out_kind = PyUnicode_KIND(text);
    widen(&out_kind, sep);
    widen(&out_kind, field);
    if (check_pieces(pieces, 0, "pieces", &out_kind) < 0) {
        return NULL;
    }
    Py_ssize_t n_pieces = PyList_GET_SIZE(pieces);
    Spans sp;
    if (spans_get(&sp, starts, ends, keys, PyUnicode_GET_LENGTH(text), -n_pieces,
                  n_pieces) < 0) {
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const int64_t *s = sp.starts.buf, *e = sp.ends.buf, *k = sp.keys.buf;
    Out o = {NULL, out_kind, 0, 0};
    for (Py_ssize_t i = 0; i < sp.n; i++) {
        if (i > 0) {
            if (out_reserve(&o, 1) < 0) {
                goto fail;
            }
            out_put(&o, ',');
        }
        if (out_str(&o, sep) < 0) {
            goto fail;
        }
        if (k[i] < 0) {
            if (out_str(&o, PyList_GET_ITEM(pieces, -k[i] - 1)) < 0) {
                goto fail;
            }
            continue;
        }
        if (json_item(&o, kind, data, s[i], e[i], field) < 0
            || out_str(&o, PyList_GET_ITEM(pieces, k[i])) < 0) {
            goto fail;
        }
    }
    spans_release(&sp);
    return out_finish(&o);
fail:
    spans_release(&sp);
    PyMem_Free(o.buf);
    return NULL;
}

/* ---------------------------------------------------------------------------------------
 * spans: the arrays of a sequence of annotations (objects with ``start``, ``end`` and
 * ``entry``), their entries numbered in order of first occurrence, by identity
 * ------------------------------------------------------------------------------------- */

static PyObject *START, *END, *ENTRY;  /* interned attribute names */

static int
get_offset(PyObject *obj, PyObject *name, int64_t *out)
{
    PyObject *v = PyObject_GetAttr(obj, name);
    if (v == NULL) {
        return -1;
    }
    long long x = PyLong_AsLongLong(v);
    Py_DECREF(v);
    if (x == -1 && PyErr_Occurred()) {
        return -1;
    }
    *out = (int64_t)x;
    return 0;
}

/* The number of ``entry``, given it if it has none yet (appended to ``table``). */
static int64_t
entry_number(PyObject *numbers, PyObject *table, PyObject *entry)
{
    PyObject *key = PyLong_FromVoidPtr(entry);
    if (key == NULL) {
        return -1;
    }
    PyObject *got = PyDict_GetItemWithError(numbers, key);
    int64_t number = -1;
    if (got != NULL) {
        number = (int64_t)PyLong_AsSsize_t(got);
    }
    else if (!PyErr_Occurred()) {
        PyObject *n = PyLong_FromSsize_t(PyList_GET_SIZE(table));
        if (n != NULL && PyDict_SetItem(numbers, key, n) == 0
            && PyList_Append(table, entry) == 0) {
            number = (int64_t)(PyList_GET_SIZE(table) - 1);
        }
        Py_XDECREF(n);
    }
    Py_DECREF(key);
    return number;
}

static int
spans_fill(PyObject *fast, int64_t *s, int64_t *e, int64_t *k, PyObject *numbers,
           PyObject *table)
{
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    PyObject **items = PySequence_Fast_ITEMS(fast);
    PyObject *last = NULL;
    int64_t last_number = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (get_offset(items[i], START, &s[i]) < 0 || get_offset(items[i], END, &e[i]) < 0) {
            return -1;
        }
        PyObject *entry = PyObject_GetAttr(items[i], ENTRY);
        if (entry == NULL) {
            return -1;
        }
        if (entry != last) {  /* the table holds the entry: the pointer stays valid */
            last_number = entry_number(numbers, table, entry);
            last = entry;
        }
        Py_DECREF(entry);
        if (last_number < 0) {
            return -1;
        }
        k[i] = last_number;
    }
    return 0;
}

static PyObject *
spans(PyObject *self, PyObject *annotations)
{
    (void)self;
    PyObject *fast = PySequence_Fast(annotations, "spans: expected a sequence");
    if (fast == NULL) {
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    PyObject *result = NULL;
    PyObject *s = PyBytes_FromStringAndSize(NULL, n * 8);
    PyObject *e = PyBytes_FromStringAndSize(NULL, n * 8);
    PyObject *k = PyBytes_FromStringAndSize(NULL, n * 8);
    PyObject *numbers = PyDict_New(), *table = PyList_New(0);
    if (s != NULL && e != NULL && k != NULL && numbers != NULL && table != NULL
        && spans_fill(fast, (int64_t *)PyBytes_AS_STRING(s), (int64_t *)PyBytes_AS_STRING(e),
                      (int64_t *)PyBytes_AS_STRING(k), numbers, table) == 0) {
        result = PyTuple_Pack(4, s, e, k, table);
    }
    Py_DECREF(fast);
    Py_XDECREF(s);
    Py_XDECREF(e);
    Py_XDECREF(k);
    Py_XDECREF(numbers);
    Py_XDECREF(table);
    return result;
}

static PyMethodDef splice_methods[] = {
    {"spans", spans, METH_O,
     "spans(annotations) -> (starts, ends, keys, table): int64 bytes of each annotation's "
     "start, end and entry number, and the entries by number (first occurrence first)."},
    {"render_text", render_text, METH_VARARGS,
     "render_text(text, starts, ends, keys, pieces) -> str: the text format."},
    {"render_html", render_html, METH_VARARGS,
     "render_html(text, starts, ends, keys, openings, closings, id_prefix) -> str: the "
     "HTML fragment's paragraphs."},
    {"render_json", render_json, METH_VARARGS,
     "render_json(text, starts, ends, keys, pieces, sep, field) -> str: the items of the "
     "JSON annotations array."},
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
    START = PyUnicode_InternFromString("start");
    END = PyUnicode_InternFromString("end");
    ENTRY = PyUnicode_InternFromString("entry");
    if (START == NULL || END == NULL || ENTRY == NULL
        || PyModule_AddIntConstant(m, "ABI", SPLICE_ABI) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
