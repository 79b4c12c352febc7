/*
 * glossator.render._splice, one part of the module.
 *
 * The HTML loop: the fragment of render/html.py, each annotation wrapped in its
 * tooltip's markup.
 *
 * Included once by _splice.c, in the order it names the parts (one compilation unit:
 * what the parts before this one define is in scope here, and the -Werror and sanitizer
 * builds of tests/test_c_build.py cover it); not a header to include anywhere else.
 */

/* ---------------------------------------------------------------------------------------
 * html: the fragment of render/html.py, one <p> per line of the text (str.splitlines),
 * a line of ASCII white space alone left out; each annotation (cut at the end of its
 * line) wrapped in its tooltip's opening and closing markup, each given as a tuple of
 * str to be joined with the tooltip's id, id_prefix and a counter from 1.
 * ------------------------------------------------------------------------------------- */

/* A template in UTF-8, for a sink (render_html's ``openings[k]`` given as bytes): a
 * header, then the parts' UTF-8 one after the other. The header: the number of parts
 * of the opening (byte 0) and of the closing (byte 1), two bytes 0, then each part's
 * length in bytes (uint32, native order). Each part is followed by the tooltip's id
 * but the last of the opening and of the closing; the opening holds the parts before
 * the term's text. One object, its bytes in one block: the render loop reads a
 * template with one look-up, and its bytes are written as they are, never encoded
 * again. */
#define UTF8_HEAD 4
/* The most parts a UTF-8 template holds (opening and closing together). */
#define UTF8_PARTS 64

typedef struct {
    PyObject *text, *openings, *closings, *prefix;
    const Spans *sp;
    const unsigned char *uses;  /* piece_uses, or NULL */
    View *views;          /* UTF-8 sink: the parts' views (html_views), or NULL: those
                           * of openings[k] from (2k) * slot, of closings[k] from
                           * (2k + 1) * slot (a key's all in one cache line when slot
                           * is 2, as the built-in layouts' are) */
    View *raw;            /* the block ``views`` is in (aligned in it) */
    unsigned char *counts;  /* how many parts each template has (2k, 2k + 1) */
    Py_ssize_t slot;      /* the most parts a template has */
    View prefix_view;     /* the id prefix's */
    struct IdBuf *id;     /* UTF-8 sink: the last tooltip's id written out, or NULL */
} HtmlArgs;

/* A tooltip's id in UTF-8 (the prefix, then the counter in decimal), kept from one
 * tooltip to the next: the next counter is the last one plus one, and its digits are
 * those of the last one with one carried, not divided out again. */
#define ID_ROOM 64
typedef struct IdBuf {
    char s[ID_ROOM];
    Py_ssize_t prefix;    /* the prefix's bytes (at most ID_ROOM - 24) */
    Py_ssize_t len;       /* the id's bytes */
    Py_ssize_t counter;   /* the counter written there (-1: none yet) */
} IdBuf;

/* ``b`` set to the prefix ``prefix`` (0), or -1 without an error where its UTF-8 is not
 * there or too long (the ids are then written as out_template writes them). */
static int
id_init(IdBuf *b, PyObject *prefix)
{
    Py_ssize_t n;
    const char *u = PyUnicode_AsUTF8AndSize(prefix, &n);
    if (u == NULL || n > ID_ROOM - 24) {
        PyErr_Clear();  /* (a lone surrogate: the prefix as the sink encodes it) */
        return -1;
    }
    memcpy(b->s, u, (size_t)n);
    b->prefix = b->len = n;
    b->counter = -1;
    return 0;
}

/* ``b`` holding the id of ``counter`` (>= 0). */
static inline void
id_set(IdBuf *b, Py_ssize_t counter)
{
    if (counter == b->counter) {
        return;
    }
    if (counter == b->counter + 1 && b->counter >= 0) {
        Py_ssize_t i = b->len - 1;
        while (i >= b->prefix && b->s[i] == '9') {
            b->s[i--] = '0';
        }
        if (i >= b->prefix) {
            b->s[i]++;
        }
        else {  /* all nines: one digit more, 10...0 */
            b->s[b->prefix] = '1';
            b->s[b->len++] = '0';
        }
    }
    else {
        b->len = b->prefix + put_uint(b->s + b->prefix, (uint64_t)counter);
    }
    b->counter = counter;
}

/* How many times the key ``k`` of html arguments ``h`` is written (see out_piece). */
#define USES(h, k) ((h)->uses == NULL ? 0 : (h)->uses[k])

/* The parts of a template joined with the tooltip's id (``uses``: see out_piece). */
static int
out_joined(Out *o, PyObject *parts, PyObject *prefix, Py_ssize_t counter,
           unsigned char uses)
{
    Py_ssize_t n = PyTuple_GET_SIZE(parts);
    for (Py_ssize_t j = 0; j < n; j++) {
        if (j > 0 && (out_str(o, prefix) < 0 || out_int(o, (long long)counter) < 0)) {
            return -1;
        }
        if (out_piece(o, PyTuple_GET_ITEM(parts, j), uses) < 0) {
            return -1;
        }
    }
    return 0;
}

/* The uint32 at ``p`` (native order, unaligned). */
static inline uint32_t
u32_at(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* The tooltip's id ``counter`` (the prefix, then the counter), into the UTF-8 buffer. */
static int
out_id(Out *o, const HtmlArgs *h, Py_ssize_t counter)
{
    if (h->id != NULL && counter >= 0) {
        id_set(h->id, counter);
        return out_bytes(o, h->id->s, h->id->len);
    }
    if (out_view(o, (View *)&h->prefix_view, h->prefix, 2) < 0) {
        return -1;
    }
    if (o->len + 20 <= o->cap && counter >= 0) {
        o->len += put_uint((char *)o->buf + o->len, (uint64_t)counter);
        return 0;
    }
    return out_int(o, (long long)counter);
}

/* The bytes the opening (``closing`` 0) or closing of UTF-8 template ``t`` takes with
 * an id of ``id_len`` bytes, and where its pieces start in ``t``. */
static inline Py_ssize_t
utf8_template_size(PyObject *t, int closing, Py_ssize_t id_len, Py_ssize_t *at)
{
    const unsigned char *b = (const unsigned char *)PyBytes_AS_STRING(t);
    Py_ssize_t first = closing ? b[0] : 0, last = first + b[closing], size = 0;
    *at = UTF8_HEAD + 4 * (b[0] + b[1]);
    for (Py_ssize_t j = 0; j < first; j++) {
        *at += u32_at(b + UTF8_HEAD + 4 * j);
    }
    for (Py_ssize_t j = first; j < last; j++) {
        size += u32_at(b + UTF8_HEAD + 4 * j);
    }
    return size + (last - first - 1) * id_len;
}

/* The opening or closing pieces of ``t`` (from ``at``) with the id of ``b`` between
 * them, at ``w``; the new ``w``. */
static inline char *
utf8_template_at(PyObject *t, int closing, const IdBuf *id, Py_ssize_t at, char *w)
{
    const unsigned char *b = (const unsigned char *)PyBytes_AS_STRING(t);
    const char *p = (const char *)b + at;
    Py_ssize_t first = closing ? b[0] : 0, last = first + b[closing];
    for (Py_ssize_t j = first; j < last; j++) {
        uint32_t n = u32_at(b + UTF8_HEAD + 4 * j);
        if (j > first) {
            memcpy(w, id->s, (size_t)id->len);
            w += id->len;
        }
        memcpy(w, p, n);
        w += n;
        p += n;
    }
    return w;
}

/* The opening (``closing`` 0) or closing pieces of the UTF-8 template ``t`` (checked by
 * check_templates) with the tooltip's id ``counter`` between them: copied straight to
 * the buffer when they fit (the usual case), else a piece at a time. */
static int
out_utf8_template(Out *o, const HtmlArgs *h, PyObject *t, int closing, Py_ssize_t counter)
{
    Py_ssize_t at;
    if (h->id != NULL && counter >= 0) {
        id_set(h->id, counter);
        if (o->len + utf8_template_size(t, closing, h->id->len, &at) <= o->cap) {
            char *w = (char *)o->buf + o->len;
            o->len = utf8_template_at(t, closing, h->id, at, w) - (char *)o->buf;
            return 0;
        }
    }
    const unsigned char *b = (const unsigned char *)PyBytes_AS_STRING(t);
    Py_ssize_t first = closing ? b[0] : 0, last = first + b[closing];
    (void)utf8_template_size(t, closing, 0, &at);
    const char *p = (const char *)b + at;
    for (Py_ssize_t j = first; j < last; j++) {
        uint32_t n = u32_at(b + UTF8_HEAD + 4 * j);
        if ((j > first && out_id(o, h, counter) < 0) || out_bytes(o, p, n) < 0) {
            return -1;
        }
        p += n;
    }
    return 0;
}

/* How many matches ahead the html loops ask the memory for a template. */
#define TEMPLATE_AHEAD 16

/* Asks the memory for the template of match ``i`` (if there is one): a UTF-8 template's
 * first lines (a large glossary's first document meets thousands of templates, made in
 * the same call: most not in the cache), or a tuple's views. A hint only. Always inlined:
 * a function whose only effect is a prefetch is found to have none (GCC's pure-const
 * pass), and its calls are removed. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void
prefetch_template(const HtmlArgs *h, Py_ssize_t i)
{
    const int64_t *keys = h->sp->keys.buf;
    if (i + TEMPLATE_AHEAD < h->sp->n) {  /* where the template of a later one is */
        __builtin_prefetch(&PyList_GET_ITEM(h->openings, keys[i + TEMPLATE_AHEAD]));
    }
    if (i >= h->sp->n) {
        return;
    }
    int64_t key = keys[i];
    const char *t = (const char *)PyList_GET_ITEM(h->openings, key);
    __builtin_prefetch(t);
    __builtin_prefetch(t + 64);
    __builtin_prefetch(t + 128);
    __builtin_prefetch(t + 192);
    __builtin_prefetch(t + 256);
    if (h->views != NULL) {
        __builtin_prefetch(h->views + 2 * key * h->slot);
    }
}

/* The opening (``closing`` 0) or closing template of key ``key`` with the tooltip's id
 * ``counter``: a UTF-8 template's bytes; out_joined, through the parts' views where
 * there are. */
static int
out_template(Out *o, const HtmlArgs *h, int closing, int64_t key, Py_ssize_t counter)
{
    PyObject *t = PyList_GET_ITEM(h->openings, key);
    if (PyBytes_CheckExact(t)) {
        return out_utf8_template(o, h, t, closing, counter);
    }
    if (h->views == NULL) {
        return out_joined(o, PyList_GET_ITEM(closing ? h->closings : h->openings, key),
                          h->prefix, counter, USES(h, key));
    }
    /* the parts' views, in order, in the template's slot: the template's objects are
     * read only where a view is not known (each a likely cache miss) */
    View *v = h->views + (2 * key + closing) * h->slot;
    Py_ssize_t n = h->counts[2 * key + closing];
    for (Py_ssize_t j = 0; j < n; j++) {
        if (j > 0 && out_id(o, h, counter) < 0) {
            return -1;
        }
        if (v[j].n >= 0 && o->len + v[j].n <= o->cap) {
            memcpy((char *)o->buf + o->len, v[j].p, (size_t)v[j].n);
            o->len += v[j].n;
            continue;
        }
        PyObject *parts = PyList_GET_ITEM(closing ? h->closings : h->openings, key);
        if (out_view(o, &v[j], PyTuple_GET_ITEM(parts, j), USES(h, key)) < 0) {
            return -1;
        }
    }
    return 0;
}

/* The views of every part of ``h``'s openings and closings, and of its prefix, found
 * now, in order (check_pieces has just read them all): 0; -1 on a failure, set (what
 * is allocated then freed by html_views_free); 0 with no views where a template has
 * more than 255 parts (then out_joined writes them). */
static int
html_views(HtmlArgs *h)
{
    Py_ssize_t n = PyList_GET_SIZE(h->openings), slot = 1, tuples = 0;
    h->prefix_view.n = -1;
    for (Py_ssize_t k = 0; k < n; k++) {
        if (PyBytes_CheckExact(PyList_GET_ITEM(h->openings, k))) {
            continue;  /* (a UTF-8 template: written as it is) */
        }
        tuples++;
        Py_ssize_t a = PyTuple_GET_SIZE(PyList_GET_ITEM(h->openings, k)),
                   b = PyTuple_GET_SIZE(PyList_GET_ITEM(h->closings, k));
        slot = a > slot ? a : slot;
        slot = b > slot ? b : slot;
    }
    if (tuples == 0 || slot > 255
        || n > PY_SSIZE_T_MAX / (Py_ssize_t)sizeof(View) / 2 / slot - 4) {
        return 0;
    }
    h->counts = PyMem_Malloc((size_t)(2 * n + 1));
    h->raw = views_new(2 * n * slot + 4);
    if (h->counts == NULL || h->raw == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    uintptr_t at = ((uintptr_t)h->raw + 63) & ~(uintptr_t)63;  /* 4 views a line */
    h->views = (View *)at;
    h->slot = slot;
    for (Py_ssize_t k = 0; k < n; k++) {
        if (PyBytes_CheckExact(PyList_GET_ITEM(h->openings, k))) {
            continue;
        }
        for (int closing = 0; closing < 2; closing++) {
            PyObject *parts = PyList_GET_ITEM(closing ? h->closings : h->openings, k);
            View *v = h->views + (2 * k + closing) * slot;
            h->counts[2 * k + closing] = (unsigned char)PyTuple_GET_SIZE(parts);
            for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(parts); j++) {
                if (view_fill(&v[j], PyTuple_GET_ITEM(parts, j), USES(h, k)) < 0) {
                    return -1;
                }
            }
        }
    }
    return 0;
}

/* Whether the line [start, end) is left out: no annotation starts in it (else its
 * markup shows) and its text is ASCII white space that escaping keeps as it is (a
 * vertical tab is shown as \x0b). */
static int
blank_line(int kind, const void *data, Py_ssize_t start, Py_ssize_t end, int annotated)
{
    if (annotated) {
        return 0;
    }
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (!(c == ' ' || c == '\t' || c == '\f' || c == '\n' || c == '\r')) {
            return 0;
        }
    }
    return 1;
}

/* A line's text from ``cursor`` to ``end`` (its break excluded), once "<p>" is out, then
 * "</p>\n": each annotation from ``*k`` (moved past them) that starts before ``end``, cut
 * at ``end`` and wrapped in its tooltip (``*counter`` the tooltips); 0, or -1. */
static int
html_line_body(Out *o, const HtmlArgs *h, int kind, const void *data, Py_ssize_t *k,
               Py_ssize_t *counter, Py_ssize_t cursor, Py_ssize_t end)
{
    const int64_t *s = h->sp->starts.buf, *e = h->sp->ends.buf, *key = h->sp->keys.buf;
    while (*k < h->sp->n && s[*k] < end) {
        Py_ssize_t i = (*k)++;
        Py_ssize_t stop = e[i] < end ? e[i] : end;
        if (s[i] > cursor && out_html(o, kind, data, cursor, s[i]) < 0) {
            return -1;
        }
        ++*counter;
        prefetch_template(h, i + TEMPLATE_AHEAD);
        if (out_template(o, h, 0, key[i], *counter) < 0
            || out_html(o, kind, data, s[i], stop) < 0
            || out_template(o, h, 1, key[i], *counter) < 0) {
            return -1;
        }
        cursor = stop;
    }
    if ((end > cursor && out_html(o, kind, data, cursor, end) < 0) || out_reserve(o, 5) < 0) {
        return -1;
    }
    out_ascii(o, "</p>\n", 5);
    return 0;
}

/* One line's <p>, from ``start`` to ``end`` (its break excluded); ``*k`` the next
 * annotation, moved past those that start before ``end``; ``*counter`` the tooltips. */
static int
html_line(Out *o, const HtmlArgs *h, Py_ssize_t *k, Py_ssize_t *counter, Py_ssize_t start,
          Py_ssize_t end)
{
    int kind = PyUnicode_KIND(h->text);
    const void *data = PyUnicode_DATA(h->text);
    const Spans *sp = h->sp;
    const int64_t *s = sp->starts.buf;
    if (blank_line(kind, data, start, end, *k < sp->n && s[*k] < end)) {
        return 0;
    }
    if (out_reserve(o, 3) < 0) {
        return -1;
    }
    out_ascii(o, "<p>", 3);
    return html_line_body(o, h, kind, data, k, counter, start, end);
}

/* The line breaks of str.splitlines: LF, VT, FF, CR, FS, GS, RS, NEL, LS, PS. */
static inline int
line_break_of(Py_UCS4 c)
{
    if (c <= 0x1e) {
        return (c >= 0x0a && c <= 0x0d) || c >= 0x1c;
    }
    return c == 0x85 || c == 0x2028 || c == 0x2029;
}

static inline int
line_break(Py_UCS4 c)
{
    return c < 256 ? LOW_CLASS[c] >> 1 : (c == 0x2028 || c == 0x2029);
}

FIRST_OF(first_line_break, line_break, maybe_break1, maybe_break2)

/* UTF-8 html: the characters to stop at while writing a line (to escape, or a line
 * break); the vector loops stop at the same lanes as for HTML text (those cover the
 * line breaks). */
static inline int
html_stop(Py_UCS4 c)
{
    return c < 256 ? LOW_CLASS[c] != 0 : html_forbidden(c) || c == 0x2028 || c == 0x2029;
}

#if defined(__SSE2__)
#define STOP_LINE1(v) maybe_html1(v)
#define STOP_LINE2(v) maybe_html2(v)
#endif
UTF8_UNTIL(utf8_ucs1_STOP_LINE1, Py_UCS1, UTF8_VECTOR1, STOP_LINE1, html_stop)
UTF8_UNTIL(utf8_ucs2_STOP_LINE2, Py_UCS2, UTF8_VECTOR2, STOP_LINE2, html_stop)

/* [a, b) written as out_html writes it, up to the first line break: in ``*at`` where it
 * stopped (b if no line break). */
static int
out_utf8_line(Out *o, int kind, const void *data, Py_ssize_t a, Py_ssize_t b,
              Py_ssize_t *at)
{
    while (a < b) {
        if (o->len >= o->cap && out_flush(o) < 0) {
            return -1;
        }
        unsigned char *start = (unsigned char *)o->buf + o->len, *w = start;
        const unsigned char *end = (unsigned char *)o->buf + o->cap + 8;
        if (kind == PyUnicode_1BYTE_KIND) {
            w = utf8_ucs1_until((const Py_UCS1 *)data, &a, b, w, end, STOP_LINE1);
        }
        else if (kind == PyUnicode_2BYTE_KIND) {
            w = utf8_ucs2_until((const Py_UCS2 *)data, &a, b, w, end, STOP_LINE2);
        }
        else {
            const Py_UCS4 *p = (const Py_UCS4 *)data;
            while (a < b && end - w >= 8 && !html_stop(p[a])) {
                w += utf8_put(w, p[a++]);
            }
        }
        o->len += w - start;
        if (a < b) {
            Py_UCS4 c = PyUnicode_READ(kind, data, a);
            if (line_break(c)) {
                break;
            }
            if (html_special(c)) {
                if (html_escape(o, c) < 0) {
                    return -1;
                }
                a++;
            }
            else if (o->len < o->cap) {
                o->len += utf8_put((unsigned char *)o->buf + o->len, c);
                a++;
            }
        }
    }
    *at = a < b ? a : b;
    return 0;
}

/* The start of the line after the one whose break is at ``j`` (``n``: none). */
static Py_ssize_t
next_line(int kind, const void *data, Py_ssize_t j, Py_ssize_t n)
{
    if (j >= n) {
        return n;
    }
    if (PyUnicode_READ(kind, data, j) == '\r' && j + 1 < n
        && PyUnicode_READ(kind, data, j + 1) == '\n') {
        return j + 2;
    }
    return j + 1;
}

/* The end of the content of the line whose break is at ``j`` (line.rstrip("\r\n"):
 * another line break stays in the line). */
static Py_ssize_t
line_end(int kind, const void *data, Py_ssize_t j, Py_ssize_t n)
{
    if (j >= n) {
        return n;
    }
    Py_UCS4 brk = PyUnicode_READ(kind, data, j);
    return (brk == '\r' || brk == '\n') ? j : j + 1;
}

/* The rest of a line from ``cursor``, its break at or after it: as html_line writes it
 * once "<p>" is out; the start of the next line, or -1. */
static Py_ssize_t
html_line_rest(Out *o, const HtmlArgs *h, Py_ssize_t *k, Py_ssize_t *counter,
               Py_ssize_t cursor)
{
    int kind = PyUnicode_KIND(h->text);
    const void *data = PyUnicode_DATA(h->text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(h->text);
    Py_ssize_t j = first_line_break(kind, data, cursor, n), end = line_end(kind, data, j, n);
    if (html_line_body(o, h, kind, data, k, counter, cursor, end) < 0) {
        return -1;
    }
    return next_line(kind, data, j, n);
}

static unsigned char *utf8_escaped(unsigned char *w, Py_UCS4 c, int json);

/* The characters [*a, b) of a str of ``kind`` at ``w`` as out_utf8_line writes them,
 * up to the first line break (``*a`` then where it stopped); the room is there (10
 * bytes a character, and 64 more); the new ``w``. */
static unsigned char *
utf8_line_at(int kind, const void *data, Py_ssize_t *a, Py_ssize_t b, unsigned char *w)
{
    const unsigned char *end = w + 10 * (b - *a) + 64;
    Py_ssize_t i = *a;
    while (i < b) {
        if (kind == PyUnicode_1BYTE_KIND) {
            w = utf8_ucs1_until((const Py_UCS1 *)data, &i, b, w, end, STOP_LINE1);
        }
        else if (kind == PyUnicode_2BYTE_KIND) {
            w = utf8_ucs2_until((const Py_UCS2 *)data, &i, b, w, end, STOP_LINE2);
        }
        else {
            const Py_UCS4 *p = (const Py_UCS4 *)data;
            while (i < b && !html_stop(p[i])) {
                w += utf8_put(w, p[i++]);
            }
        }
        if (i >= b) {
            break;
        }
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (line_break(c)) {
            break;
        }
        w = html_special(c) ? utf8_escaped(w, c, 0) : w + utf8_put(w, c);
        i++;
    }
    *a = i;
    return w;
}

/* Match ``i`` written whole with its UTF-8 template, tooltip ``counter``, where it all
 * fits in the buffer: its text first, where it goes (after the room of the opening), as
 * out_utf8_line writes it, so that a line break in it is met before anything is
 * written (the line is then the general way's); 1 when written, 0 when not. */
static int
tooltip_at_once(Out *o, const HtmlArgs *h, Py_ssize_t i, Py_ssize_t counter, int kind,
                const void *data)
{
    int64_t a = ((const int64_t *)h->sp->starts.buf)[i];
    int64_t b = ((const int64_t *)h->sp->ends.buf)[i];
    PyObject *t = PyList_GET_ITEM(h->openings, ((const int64_t *)h->sp->keys.buf)[i]);
    if (h->id == NULL || !PyBytes_CheckExact(t) || counter < 0) {
        return 0;
    }
    id_set(h->id, counter);
    Py_ssize_t open_at, close_at;
    Py_ssize_t opening = utf8_template_size(t, 0, h->id->len, &open_at);
    Py_ssize_t closing = utf8_template_size(t, 1, h->id->len, &close_at);
    if (b - a > (o->cap - o->len) / 10
        || o->len + opening + 10 * (b - a) + closing + 64 > o->cap) {
        return 0;
    }
    char *w = (char *)o->buf + o->len;
    Py_ssize_t at = a;
    char *text_end = (char *)utf8_line_at(kind, data, &at, b, (unsigned char *)w + opening);
    if (at < b) {
        return 0;  /* a line break in it (what was written is past the output's end) */
    }
    utf8_template_at(t, 0, h->id, open_at, w);
    o->len = utf8_template_at(t, 1, h->id, close_at, text_end) - (char *)o->buf;
    return 1;
}

/* html_line in one pass (UTF-8): the line's break is found as its text is written,
 * not looked for first; the start of the next line, or -1. An annotation at a line
 * break, or across one, or at or before what is written (none of which the scanner
 * makes), is left to html_line_rest, which looks for the break. */
static Py_ssize_t
html_line_once(Out *o, const HtmlArgs *h, Py_ssize_t *k, Py_ssize_t *counter,
               Py_ssize_t start)
{
    int kind = PyUnicode_KIND(h->text);
    const void *data = PyUnicode_DATA(h->text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(h->text), q = start;
    const int64_t *s = h->sp->starts.buf, *e = h->sp->ends.buf, *key = h->sp->keys.buf;
    Py_UCS4 c = 0;
    while (q < n && ((c = PyUnicode_READ(kind, data, q)) == ' ' || c == '\t')) {
        q++;
    }
    if (q == n || c == '\n' || c == '\r' || c == '\f') {  /* white space alone */
        Py_ssize_t end = line_end(kind, data, q, n);
        if (!(*k < h->sp->n && s[*k] < end)) {
            return next_line(kind, data, q, n);  /* left out */
        }
        return html_line(o, h, k, counter, start, end) < 0 ? -1
               : next_line(kind, data, q, n);
    }
    if (out_reserve(o, 3) < 0) {
        return -1;
    }
    out_ascii(o, "<p>", 3);
    Py_ssize_t cursor = start;
    while (cursor < n) {
        Py_ssize_t limit = *k < h->sp->n ? s[*k] : n, at = cursor;
        if (limit < cursor
            || (limit > cursor && out_utf8_line(o, kind, data, cursor, limit, &at) < 0)) {
            break;  /* an error (see below), or an annotation the general way */
        }
        cursor = at;
        if (at < limit || at == n || line_break(PyUnicode_READ(kind, data, at))) {
            break;  /* the line's break, or an annotation at one */
        }
        prefetch_template(h, *k + TEMPLATE_AHEAD);
        if (tooltip_at_once(o, h, *k, *counter + 1, kind, data)) {
            cursor = e[(*k)++];
            ++*counter;
            continue;
        }
        if (first_line_break(kind, data, at, e[*k]) < e[*k]) {
            break;  /* an annotation across a line break */
        }
        Py_ssize_t i = (*k)++;
        ++*counter;
        if (out_template(o, h, 0, key[i], *counter) < 0
            || out_utf8_html(o, kind, data, s[i], e[i]) < 0
            || out_template(o, h, 1, key[i], *counter) < 0) {
            return -1;
        }
        cursor = e[i];
    }
    return PyErr_Occurred() ? -1 : html_line_rest(o, h, k, counter, cursor);
}

static int
html_body(Out *o, const void *raw)
{
    const HtmlArgs *h = raw;
    Py_ssize_t n = PyUnicode_GET_LENGTH(h->text), pos = 0, k = 0, counter = 0;
    int kind = PyUnicode_KIND(h->text);
    const void *data = PyUnicode_DATA(h->text);
    while (o->kind == UTF8_OUT && pos < n) {  /* one pass */
        pos = html_line_once(o, h, &k, &counter, pos);
        if (pos < 0) {
            return -1;
        }
    }
    while (pos < n) {  /* the lines of str.splitlines */
        Py_ssize_t j = first_line_break(kind, data, pos, n);
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
        if (html_line(o, h, &k, &counter, pos, end) < 0) {
            return -1;
        }
        pos = next;
    }
    return 0;
}

/* Whether UTF-8 template ``t`` is well made (see UTF8_HEAD): 0, else -1 with a
 * ValueError naming ``openings[i]``. Its opening's first piece holds a byte other than
 * ASCII white space (as check_pieces asks of a str's). */
static int
check_utf8_template(PyObject *t, Py_ssize_t i)
{
    const unsigned char *b = (const unsigned char *)PyBytes_AS_STRING(t);
    Py_ssize_t size = PyBytes_GET_SIZE(t);
    const char *wrong = NULL;
    if (size < UTF8_HEAD || b[0] < 1 || b[1] < 1 || b[0] + b[1] > UTF8_PARTS || b[2] || b[3]
        || size < UTF8_HEAD + 4 * (b[0] + b[1])) {
        wrong = "its header is not one";
    }
    else {
        Py_ssize_t head = UTF8_HEAD + 4 * (b[0] + b[1]), total = 0;
        uint32_t first = 0;
        for (int j = 0; j < b[0] + b[1]; j++) {
            uint32_t len;
            memcpy(&len, b + UTF8_HEAD + 4 * j, 4);
            first = j == 0 ? len : first;
            total += len;
        }
        if (total != size - head) {
            wrong = "its pieces are not as long as its header says";
        }
        else {
            uint32_t j = 0;
            while (j < first && ascii_space(b[head + j])) {
                j++;
            }
            if (j == first) {
                wrong = "the markup starts with white space alone";
            }
        }
    }
    if (wrong != NULL) {
        PyErr_Format(PyExc_ValueError, "openings[%zd]: a UTF-8 template, but %s", i, wrong);
        return -1;
    }
    return 0;
}

/* The templates: each opening a UTF-8 template (bytes, for a sink only: ``sink``; its
 * closing unread), or a tuple of str as check_pieces asks, with its closing; the number
 * of tuples, or -1 with an error. */
static Py_ssize_t
check_templates(PyObject *openings, PyObject *closings, int sink)
{
    Py_ssize_t n = PyList_GET_SIZE(openings), tuples = 0;
    if (PyList_GET_SIZE(closings) != n) {
        PyErr_SetString(PyExc_ValueError, "openings and closings differ in length");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = PyList_GET_ITEM(openings, i);
        if (!PyBytes_CheckExact(t)) {
            tuples++;
            continue;
        }
        if (!sink) {
            PyErr_Format(PyExc_TypeError, "openings[%zd]: a UTF-8 template (bytes) is "
                         "written to a sink only", i);
            return -1;
        }
        if (check_utf8_template(t, i) < 0) {
            return -1;
        }
    }
    if (tuples == 0) {
        return 0;
    }
    if (tuples == n) {
        return check_pieces(openings, 1, "openings") < 0
            || check_pieces(closings, 1, "closings") < 0 ? -1 : tuples;
    }
    for (Py_ssize_t i = 0; i < n; i++) {  /* the tuples alone, each named where it is */
        if (!PyBytes_CheckExact(PyList_GET_ITEM(openings, i))
            && (check_piece(PyList_GET_ITEM(openings, i), 1, "openings", i) < 0
                || check_piece(PyList_GET_ITEM(closings, i), 1, "closings", i) < 0)) {
            return -1;
        }
    }
    return tuples;
}

static PyObject *
render_html(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"text", "starts", "ends", "keys", "openings", "closings",
                            "id_prefix", "sink", "chunk", NULL};
    PyObject *starts, *ends, *keys, *sink = NULL;
    Py_ssize_t chunk = 0;
    HtmlArgs h;
    Spans sp;
    (void)self;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "UOOOO!O!U|$On:render_html", names,
                                     &h.text, &starts, &ends, &keys, &PyList_Type,
                                     &h.openings, &PyList_Type, &h.closings, &h.prefix,
                                     &sink, &chunk)) {
        return NULL;
    }
    Py_ssize_t n_pieces = PyList_GET_SIZE(h.openings);
    int to_sink = sink != NULL && sink != Py_None;
    Py_ssize_t tuples = check_templates(h.openings, h.closings, to_sink);
    if (tuples < 0
        || spans_get(&sp, starts, ends, keys, PyUnicode_GET_LENGTH(h.text), 0,
                     n_pieces) < 0) {
        return NULL;
    }
    h.sp = &sp;
    unsigned char *uses = to_sink && tuples ? piece_uses(sp.keys.buf, sp.n, n_pieces) : NULL;
    h.uses = uses;
    h.views = h.raw = NULL;
    h.counts = NULL;
    h.prefix_view.n = -1;
    IdBuf id;
    h.id = to_sink && id_init(&id, h.prefix) == 0 ? &id : NULL;
    PyObject *result = NULL;
    if (!to_sink || html_views(&h) == 0) {
        result = run(html_body, &h, h.text, sink, chunk);
    }
    PyMem_Free(h.raw);
    PyMem_Free(h.counts);
    PyMem_Free(uses);
    spans_release(&sp);
    return result;
}
