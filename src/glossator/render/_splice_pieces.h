/*
 * glossator.render._splice, one part of the module.
 *
 * The pieces rendered once per entry: a tooltip's markup cut at its id, a text
 * expansion, each written from its parts in one go.
 *
 * Included once by _splice.c, in the order it names the parts (one compilation unit:
 * what the parts before this one define is in scope here, and the -Werror and sanitizer
 * builds of tests/test_c_build.py cover it); not a header to include anywhere else.
 */

/* ---------------------------------------------------------------------------------------
 * The pieces rendered once per entry: a tooltip's markup cut at its id, a text expansion
 * ------------------------------------------------------------------------------------- */

/* How a part of a piece is written: a literal (Latin-1 bytes), a str escaped as
 * render/html.escape does (quote or not), a str with only what HTML forbids escaped
 * (html_safe), a str inside a JSON string (as json's C encoder writes it with
 * ensure_ascii off, without the quotes), a str as it is; CUT ends a piece (where the
 * tooltip's id goes). */
enum { P_LIT, P_ESC, P_ESC_TEXT, P_SAFE, P_JSON, P_RAW, P_CUT };

typedef struct {
    int how;
    const char *lit;
    PyObject *s;
    Py_ssize_t len;     /* the characters written (part_measure) */
    Py_UCS4 maxchar;    /* the widest of them */
} Part;

/* The length of each ASCII character written as P_ESC, P_ESC_TEXT, P_SAFE or P_JSON
 * says (filled when the module is loaded). */
static unsigned char ESC_LEN[4][128];

/* The length of ``c`` (not ASCII) escaped: its visible escape if HTML forbids it; in a
 * JSON string (``json``), itself. */
static inline Py_ssize_t
wide_len(Py_UCS4 c, int json)
{
    return !json && html_forbidden(c) ? (c < 0x100 ? 4 : c < 0x10000 ? 6 : 10) : 1;
}

/* The characters a part of each ``how`` (P_ESC, P_ESC_TEXT, P_SAFE, P_JSON) does not
 * write as themselves: what part_measure counts and part_write escapes. */
static inline int
esc_quote(Py_UCS4 c)
{
    return c < 0x80 ? ESC_LEN[0][c] != 1 : html_forbidden(c);
}

static inline int
esc_text(Py_UCS4 c)
{
    return c < 0x80 ? ESC_LEN[1][c] != 1 : html_forbidden(c);
}

static inline int
esc_safe(Py_UCS4 c)
{
    return c < 0x80 ? ESC_LEN[2][c] != 1 : html_forbidden(c);
}

#if defined(__SSE2__)
/* esc_quote might: html_special might, and the quotes. */
static inline __m128i
maybe_quote1(__m128i v)
{
    __m128i q = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                             _mm_cmpeq_epi8(v, _mm_set1_epi8('\'')));
    return _mm_or_si128(maybe_html1(v), q);
}

static inline __m128i
maybe_quote2(__m128i v)
{
    __m128i q = _mm_or_si128(_mm_cmpeq_epi16(v, _mm_set1_epi16('"')),
                             _mm_cmpeq_epi16(v, _mm_set1_epi16('\'')));
    return _mm_or_si128(maybe_html2(v), q);
}
#endif

FIRST_OF(first_esc_quote, esc_quote, maybe_quote1, maybe_quote2)
FIRST_OF(first_esc_text, esc_text, maybe_html1, maybe_html2)
FIRST_OF(first_esc_safe, esc_safe, maybe_html1, maybe_html2)

/* The first character at or after ``i`` (before ``b``) that a part of ``how`` escapes. */
static Py_ssize_t
first_escaped(int how, int kind, const void *data, Py_ssize_t i, Py_ssize_t b)
{
    switch (how) {
    case P_ESC:
        return first_esc_quote(kind, data, i, b);
    case P_ESC_TEXT:
        return first_esc_text(kind, data, i, b);
    case P_SAFE:
        return first_esc_safe(kind, data, i, b);
    default:
        return first_json_special(kind, data, i, b);
    }
}

#define MEASURE(T)                                                                      \
    do {                                                                                \
        const T *d = (const T *)data;                                                   \
        for (Py_ssize_t i = 0; i < n; i++) {                                            \
            Py_UCS4 c = d[i];                                                           \
            Py_ssize_t k = c < 0x80 ? table[c] : wide_len(c, json);                           \
            if (k == 1 && c > maxchar) {                                                \
                maxchar = c;                                                            \
            }                                                                           \
            len += k;                                                                   \
        }                                                                               \
    } while (0)

/* Sets the length and the widest character of what part ``p`` writes. */
static void
part_measure(Part *p)
{
    if (p->how == P_LIT) {  /* (measured where it is pushed) */
        return;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(p->s);
    if (p->how == P_RAW) {
        p->len = n;
        p->maxchar = PyUnicode_MAX_CHAR_VALUE(p->s);
        return;
    }
    const unsigned char *table = ESC_LEN[p->how - P_ESC];
    const int json = p->how == P_JSON;
    const void *data = PyUnicode_DATA(p->s);
    int kind = PyUnicode_KIND(p->s);
    /* the escapes looked for, the runs between them skipped 16 bytes at a time: where
     * no character past ASCII is escaped, the str's own kind is the widest written */
    Py_ssize_t len = n, i = first_escaped(p->how, kind, data, 0, n);
    for (; i < n; i = first_escaped(p->how, kind, data, i + 1, n)) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 0x80) {
            break;  /* (HTML forbids it) */
        }
        len += table[c] - 1;
    }
    if (i >= n) {
        p->len = len;
        p->maxchar = PyUnicode_MAX_CHAR_VALUE(p->s);
        return;
    }
    len = 0;
    Py_UCS4 maxchar = 0;
    switch (kind) {
    case PyUnicode_1BYTE_KIND:
        MEASURE(Py_UCS1);
        break;
    case PyUnicode_2BYTE_KIND:
        MEASURE(Py_UCS2);
        break;
    default:
        MEASURE(Py_UCS4);
    }
    p->len = len;
    p->maxchar = maxchar;
}

#undef MEASURE

/* ASCII ``s`` (``n`` bytes) written at ``*at`` of a str of ``kind`` and ``data``. */
static void
put_ascii(int kind, void *data, Py_ssize_t *at, const char *s, Py_ssize_t n)
{
    if (kind == PyUnicode_1BYTE_KIND) {
        memcpy((Py_UCS1 *)data + *at, s, (size_t)n);
        *at += n;
        return;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyUnicode_WRITE(kind, data, (*at)++, (unsigned char)s[i]);
    }
}

/* ``c`` (ASCII, its length > 1) escaped in a JSON string, as json's encoder does. */
static void
put_json_escaped(int kind, void *data, Py_ssize_t *at, Py_UCS4 c)
{
    static const char SHORT[] = "\"\"\\\\\bb\ff\nn\rr\tt";
    for (const char *q = SHORT; *q; q += 2) {
        if ((Py_UCS4)(unsigned char)q[0] == c) {
            PyUnicode_WRITE(kind, data, (*at)++, '\\');
            PyUnicode_WRITE(kind, data, (*at)++, (unsigned char)q[1]);
            return;
        }
    }
    char u[6] = {'\\', 'u', '0', '0', HEX[(c >> 4) & 0xf], HEX[c & 0xf]};
    put_ascii(kind, data, at, u, 6);
}

/* ``c`` escaped (its length, ``k`` > 1, measured) written at ``*at``. */
static void
put_escaped(int kind, void *data, Py_ssize_t *at, Py_UCS4 c)
{
    switch (c) {
    case '&':
        put_ascii(kind, data, at, "&amp;", 5);
        return;
    case '<':
        put_ascii(kind, data, at, "&lt;", 4);
        return;
    case '>':
        put_ascii(kind, data, at, "&gt;", 4);
        return;
    case '"':
        put_ascii(kind, data, at, "&quot;", 6);
        return;
    case '\'':
        put_ascii(kind, data, at, "&#x27;", 6);
        return;
    default: {  /* forbidden: its visible escape, as html_safe writes it */
        int digits = c < 0x100 ? 2 : c < 0x10000 ? 4 : 8;
        PyUnicode_WRITE(kind, data, (*at)++, '\\');
        PyUnicode_WRITE(kind, data, (*at)++, digits == 2 ? 'x' : digits == 4 ? 'u' : 'U');
        for (int d = digits - 1; d >= 0; d--) {
            PyUnicode_WRITE(kind, data, (*at)++, (unsigned char)HEX[(c >> (4 * d)) & 0xf]);
        }
    }
    }
}

/* One part written at ``*at`` (measured by part_measure). */
static void
part_write(const Part *p, int kind, void *data, Py_ssize_t *at)
{
    if (p->how == P_LIT) {  /* (Latin-1: each byte is its character) */
        put_ascii(kind, data, at, p->lit, p->len);
        return;
    }
    int skind = PyUnicode_KIND(p->s);
    const void *sdata = PyUnicode_DATA(p->s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(p->s);
    if (p->len == n) {  /* nothing escaped: copied (widened if need be) */
        if (skind == kind) {
            memcpy((char *)data + *at * kind, sdata, (size_t)(n * kind));
            *at += n;
            return;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyUnicode_WRITE(kind, data, (*at)++, PyUnicode_READ(skind, sdata, i));
        }
        return;
    }
    const int json = p->how == P_JSON;
    for (Py_ssize_t i = 0; i < n;) {  /* each run as it is, then its escape */
        Py_ssize_t j = first_escaped(p->how, skind, sdata, i, n);
        if (skind == kind) {
            memcpy((char *)data + *at * kind, (const char *)sdata + i * kind,
                   (size_t)((j - i) * kind));
            *at += j - i;
        }
        else {
            for (Py_ssize_t q = i; q < j; q++) {
                PyUnicode_WRITE(kind, data, (*at)++, PyUnicode_READ(skind, sdata, q));
            }
        }
        if (j >= n) {
            break;
        }
        Py_UCS4 c = PyUnicode_READ(skind, sdata, j);
        if (json) {
            put_json_escaped(kind, data, at, c);
        }
        else {
            put_escaped(kind, data, at, c);
        }
        i = j + 1;
    }
}

/* The strs made of literal parts alone (a template's markup between its cuts, the same
 * for every entry of a layout), by their literals' addresses: made once, shared by
 * every template (the render loops then copy them from the same lines). */
#define SHARED 32
#define SHARED_PARTS 4
static struct {
    const char *lits[SHARED_PARTS];
    Py_ssize_t n;
    PyObject *s;
} SHARED_STRS[SHARED];
static int n_shared = 0;

/* The shared str of parts [a, b) if they are literals alone (a new reference), or NULL
 * (not literals, or the table full: no error). */
static PyObject *
shared_str(const Part *parts, Py_ssize_t a, Py_ssize_t b, int *slot)
{
    *slot = -1;
    if (b - a < 1 || b - a > SHARED_PARTS) {
        return NULL;
    }
    for (Py_ssize_t i = a; i < b; i++) {
        if (parts[i].how != P_LIT) {
            return NULL;
        }
    }
    for (int t = 0; t < n_shared; t++) {
        if (SHARED_STRS[t].n != b - a) {
            continue;
        }
        Py_ssize_t i = a;
        while (i < b && SHARED_STRS[t].lits[i - a] == parts[i].lit) {
            i++;
        }
        if (i == b) {
            return Py_NewRef(SHARED_STRS[t].s);
        }
    }
    if (n_shared < SHARED) {
        *slot = n_shared;
    }
    return NULL;
}

static PyObject *parts_str_made(const Part *parts, Py_ssize_t a, Py_ssize_t b);

/* The str of parts [a, b) (measured): written into a str of that length and kind (one
 * of literals alone, made once: shared_str). */
static PyObject *
parts_str(const Part *parts, Py_ssize_t a, Py_ssize_t b)
{
    int slot;
    PyObject *found = shared_str(parts, a, b, &slot);
    if (found != NULL || slot < 0) {
        return found != NULL ? found : parts_str_made(parts, a, b);
    }
    PyObject *s = parts_str_made(parts, a, b);
    if (s != NULL) {
        for (Py_ssize_t i = a; i < b; i++) {
            SHARED_STRS[slot].lits[i - a] = parts[i].lit;
        }
        SHARED_STRS[slot].n = b - a;
        SHARED_STRS[slot].s = Py_NewRef(s);  /* (kept for the module's life) */
        n_shared = slot + 1;
    }
    return s;
}

static PyObject *
parts_str_made(const Part *parts, Py_ssize_t a, Py_ssize_t b)
{
    Py_UCS4 maxchar = 0;
    Py_ssize_t len = 0;
    for (Py_ssize_t i = a; i < b; i++) {
        len += parts[i].len;
        if (parts[i].len > 0 && parts[i].maxchar > maxchar) {
            maxchar = parts[i].maxchar;
        }
    }
    PyObject *s = PyUnicode_New(len, maxchar);
    if (s == NULL) {
        return NULL;
    }
    int kind = PyUnicode_KIND(s);
    void *data = PyUnicode_DATA(s);
    Py_ssize_t at = 0;
    for (Py_ssize_t i = a; i < b; i++) {
        part_write(&parts[i], kind, data, &at);
    }
    if (at != len) {
        Py_DECREF(s);
        PyErr_SetString(PyExc_SystemError, "glossator.render._splice: a template is not "
                        "as long as counted");
        return NULL;
    }
    return s;
}

/* The tuple of the pieces of parts [0, n), cut at each P_CUT. */
static PyObject *
parts_tuple(const Part *parts, Py_ssize_t n)
{
    Py_ssize_t cuts = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        cuts += parts[i].how == P_CUT;
    }
    PyObject *t = PyTuple_New(cuts + 1);
    if (t == NULL) {
        return NULL;
    }
    Py_ssize_t a = 0, k = 0;
    for (Py_ssize_t i = 0; i <= n; i++) {
        if (i < n && parts[i].how != P_CUT) {
            continue;
        }
        PyObject *s = parts_str(parts, a, i);
        if (s == NULL) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, k++, s);
        a = i + 1;
    }
    return t;
}

/* The bytes at most that part ``p`` writes in UTF-8 (see part_utf8). */
static Py_ssize_t
part_utf8_bound(const Part *p)
{
    switch (p->how) {
    case P_CUT:
        return 0;
    case P_LIT:
        return 2 * p->len;  /* (Latin-1) */
    default:  /* an escape is at most 10 bytes (\U0010ffff), a character 8 (&#55296;) */
        return PyBytes_Check(p->s) ? PyBytes_GET_SIZE(p->s) : 10 * PyUnicode_GET_LENGTH(p->s);
    }
}

/* The characters [a, b) of a str of ``kind`` in UTF-8 at ``w``, as the sink writes
 * them (utf8_put), ASCII 16 or 8 at a time; the room is there (and 64 bytes more). */
static unsigned char *
utf8_run(int kind, const void *data, Py_ssize_t a, Py_ssize_t b, unsigned char *w)
{
    const unsigned char *end = w + 10 * (b - a) + 64;
    if (kind == PyUnicode_1BYTE_KIND) {
        return utf8_ucs1_until((const Py_UCS1 *)data, &a, b, w, end, STOP_NONE1);
    }
    if (kind == PyUnicode_2BYTE_KIND) {
        return utf8_ucs2_until((const Py_UCS2 *)data, &a, b, w, end, STOP_NONE2);
    }
    for (const Py_UCS4 *p = (const Py_UCS4 *)data; a < b; a++) {
        w += utf8_put(w, p[a]);
    }
    return w;
}

/* ``c`` escaped as put_escaped (``json``: put_json_escaped) writes it (all ASCII), at
 * ``w``; the new ``w``. */
static unsigned char *
utf8_escaped(unsigned char *w, Py_UCS4 c, int json)
{
    Py_UCS1 one[12];
    Py_ssize_t n = 0;
    if (json) {
        put_json_escaped(PyUnicode_1BYTE_KIND, one, &n, c);
    }
    else {
        put_escaped(PyUnicode_1BYTE_KIND, one, &n, c);
    }
    memcpy(w, one, (size_t)n);
    return w + n;
}

/* ``n`` Latin-1 characters at ``p`` in UTF-8 at ``w`` (room for 2 * n bytes, and 8
 * more): eight at a time while they are ASCII, then one at a time without a branch;
 * the new ``w``. */
static inline unsigned char *
latin1_utf8(const Py_UCS1 *p, Py_ssize_t n, unsigned char *w)
{
    Py_ssize_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        if (v & 0x8080808080808080ull) {
            break;
        }
        memcpy(w, &v, 8);
        w += 8;
    }
    for (; i < n; i++) {
        unsigned c = p[i];
        w[0] = (unsigned char)(c < 0x80 ? c : 0xc0 | (c >> 6));
        w[1] = (unsigned char)(0x80 | (c & 0x3f));
        w += 1 + (c >> 7);
    }
    return w;
}

/* Part ``p`` in UTF-8 at ``w`` (room for part_utf8_bound bytes, and 64 more): the same
 * characters as part_write writes, encoded as the sink encodes them; the new ``w``. */
static unsigned char *
part_utf8(const Part *p, unsigned char *w)
{
    if (p->how == P_LIT) {
        if (p->maxchar < 0x80) {
            memcpy(w, p->lit, (size_t)p->len);
            return w + p->len;
        }
        for (Py_ssize_t i = 0; i < p->len; i++) {
            w += utf8_put(w, (unsigned char)p->lit[i]);
        }
        return w;
    }
    if (PyBytes_Check(p->s)) {  /* (P_RAW: made in UTF-8 already) */
        memcpy(w, PyBytes_AS_STRING(p->s), (size_t)PyBytes_GET_SIZE(p->s));
        return w + PyBytes_GET_SIZE(p->s);
    }
    int kind = PyUnicode_KIND(p->s);
    const void *data = PyUnicode_DATA(p->s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(p->s);
    if (kind == PyUnicode_1BYTE_KIND && (p->how == P_RAW || p->how == P_JSON)) {
        /* the short strings of a glossary's entries (ids, terms, titles, separators):
         * each run of ASCII copied whole (its own UTF-8), of Latin-1 encoded without a
         * branch per character (through utf8_run, the call and its loops cost more
         * than the few characters) */
        int ascii = PyUnicode_IS_ASCII(p->s);
        for (Py_ssize_t i = 0; i < n;) {
            Py_ssize_t j = p->how == P_RAW ? n : first_json_special(kind, data, i, n);
            if (ascii) {
                memcpy(w, (const char *)data + i, (size_t)(j - i));
                w += j - i;
            }
            else {
                w = latin1_utf8((const Py_UCS1 *)data + i, j - i, w);
            }
            if (j >= n) {
                break;
            }
            w = utf8_escaped(w, ((const Py_UCS1 *)data)[j], 1);
            i = j + 1;
        }
        return w;
    }
    if (p->how == P_RAW) {
        return utf8_run(kind, data, 0, n, w);
    }
    for (Py_ssize_t i = 0; i < n;) {  /* each run as it is, then its escape */
        Py_ssize_t j = first_escaped(p->how, kind, data, i, n);
        w = utf8_run(kind, data, i, j, w);
        if (j >= n) {
            break;
        }
        w = utf8_escaped(w, PyUnicode_READ(kind, data, j), p->how == P_JSON);
        i = j + 1;
    }
    return w;
}

/* Parts [a, b) in UTF-8 at ``w``, cut at each P_CUT, each piece's length put in the
 * header ``head`` from piece ``*k`` on; the new ``w``. */
static unsigned char *
pieces_utf8(const Part *parts, Py_ssize_t a, Py_ssize_t b, unsigned char *w,
            unsigned char *head, Py_ssize_t *k)
{
    unsigned char *from = w;
    for (Py_ssize_t i = a; i <= b; i++) {
        if (i == b || parts[i].how == P_CUT) {
            uint32_t len = (uint32_t)(w - from);
            memcpy(head + UTF8_HEAD + 4 * (*k)++, &len, 4);
            from = w;
        }
        else {
            w = part_utf8(&parts[i], w);
        }
    }
    return w;
}

/* The UTF-8 template of parts [0, n), the opening's [0, split), each cut at a P_CUT
 * (P_RAW, P_LIT and the HTML escapes only): a new bytes object. */
static PyObject *
parts_utf8(const Part *parts, Py_ssize_t n, Py_ssize_t split)
{
    Py_ssize_t bound = 0, opening = 1, closing = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (parts[i].how == P_JSON) {
            PyErr_SetString(PyExc_SystemError, "parts_utf8: a JSON part");
            return NULL;
        }
        if (parts[i].how == P_CUT) {
            *(i < split ? &opening : &closing) += 1;
        }
        Py_ssize_t b = part_utf8_bound(&parts[i]);
        if (b > PY_SSIZE_T_MAX / 2 - bound - 4096) {
            return PyErr_NoMemory();
        }
        bound += b;
    }
    if (opening + closing > UTF8_PARTS) {
        PyErr_SetString(PyExc_SystemError, "parts_utf8: too many parts");
        return NULL;
    }
    Py_ssize_t head = UTF8_HEAD + 4 * (opening + closing), k = 0;
    unsigned char stack[2048], *buf = stack;
    if (head + bound + 64 > (Py_ssize_t)sizeof stack
        && (buf = PyMem_Malloc((size_t)(head + bound + 64))) == NULL) {
        return PyErr_NoMemory();
    }
    buf[0] = (unsigned char)opening;
    buf[1] = (unsigned char)closing;
    buf[2] = buf[3] = 0;
    unsigned char *w = pieces_utf8(parts, 0, split, buf + head, buf, &k);
    w = pieces_utf8(parts, split, n, w, buf, &k);
    PyObject *result = PyBytes_FromStringAndSize((const char *)buf, w - buf);
    if (buf != stack) {
        PyMem_Free(buf);
    }
    return result;
}

/* Whether text.normalize.one_line(s) is ``s`` itself: no white space but a single
 * U+0020, U+00A0, U+202F or U+2007 between two other characters (str.split's and the
 * regular expression's white space is Py_UNICODE_ISSPACE's). */
/* Py_UNICODE_ISSPACE, read from CPython's table below 0x80 and decided at once below
 * U+1680 (only U+0085 and U+00A0 there). */
static inline int
is_space(Py_UCS4 c)
{
    if (c < 0x80) {
        return Py_UNICODE_ISSPACE(c);
    }
    return c < 0x1680 ? (c == 0x85 || c == 0xa0) : Py_UNICODE_ISSPACE(c);
}

#define ONE_LINE(T)                                                                     \
    do {                                                                                \
        const T *d = (const T *)data;                                                   \
        for (Py_ssize_t i = from; i < n; i++) {                                         \
            Py_UCS4 c = d[i];                                                           \
            if (!is_space(c)) {                                                         \
                after_space = 0;                                                        \
                continue;                                                               \
            }                                                                           \
            if (after_space || !(c == ' ' || c == 0xa0 || c == 0x202f || c == 0x2007)) { \
                return 0;                                                               \
            }                                                                           \
            after_space = 1;                                                            \
        }                                                                               \
    } while (0)

#if defined(__SSE2__)
/* The lanes of 16 Latin-1 characters that are a space one_line keeps (U+0020, U+00A0),
 * and (``*other``) those that may be other white space (below U+0020, U+0085). */
static inline int
spaces1(__m128i v, int *other)
{
    __m128i o = _mm_or_si128(at_most8(v, 0x1f), _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0x85)));
    *other = _mm_movemask_epi8(o);
    return _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                                          _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xa0))));
}

/* ... of 8 UCS-2 characters (two bits a lane): the spaces kept (also U+202F, U+2007),
 * and the other white space (Py_UNICODE_ISSPACE's: below U+0020, U+0085, U+1680,
 * U+2000 to U+200A, U+2028, U+2029, U+205F, U+3000). */
static inline int
spaces2(__m128i v, int *other)
{
    __m128i o = _mm_or_si128(below16(v, 0x20), _mm_cmpeq_epi16(v, _mm_set1_epi16(0x85)));
    o = _mm_or_si128(o, _mm_cmpeq_epi16(v, _mm_set1_epi16(0x1680)));
    o = _mm_or_si128(o, below16(_mm_sub_epi16(v, _mm_set1_epi16(0x2000)), 0x0b));
    o = _mm_or_si128(o, _mm_cmpeq_epi16(_mm_or_si128(v, _mm_set1_epi16(1)),
                                        _mm_set1_epi16(0x2029)));
    o = _mm_or_si128(o, _mm_cmpeq_epi16(v, _mm_set1_epi16(0x205f)));
    o = _mm_or_si128(o, _mm_cmpeq_epi16(v, _mm_set1_epi16(0x3000)));
    *other = _mm_movemask_epi8(o);
    __m128i k = _mm_or_si128(_mm_cmpeq_epi16(v, _mm_set1_epi16(' ')),
                             _mm_cmpeq_epi16(v, _mm_set1_epi16(0xa0)));
    k = _mm_or_si128(k, _mm_cmpeq_epi16(v, _mm_set1_epi16(0x202f)));
    k = _mm_or_si128(k, _mm_cmpeq_epi16(v, _mm_set1_epi16(0x2007)));
    return _mm_movemask_epi8(k);
}
#endif

/* Where on_one_line's vector loop stops in a str of ``kind`` (1 or 2 bytes), each block
 * of 16 bytes without white space but single kept spaces passed at once: ``n`` (and
 * ``*after_space`` whether the last character is a space), or where the scalar loop
 * takes over (a block with other white space, or short); -1: two spaces in a row. */
static Py_ssize_t
one_line_blocks(int kind, const void *data, Py_ssize_t n, int *after_space)
{
    Py_ssize_t i = 0;
#if defined(__SSE2__)
    int width = kind, lane = kind == 1 ? 1 : 3;  /* (a lane's bits in the mask) */
    for (; (n - i) * width >= 16; i += 16 / width) {
        __m128i v = _mm_loadu_si128((const __m128i *)((const char *)data + i * width));
        int other, m = width == 1 ? spaces1(v, &other) : spaces2(v, &other);
        if (other) {
            break;
        }
        /* a space right after a space, or the first at the start (after_space) */
        if ((m & (m << width)) || (*after_space && (m & lane))) {
            return -1;
        }
        *after_space = (m >> (16 - width)) & 1;
    }
#else
    (void)kind;
    (void)data;
    (void)n;
    (void)after_space;
#endif
    return i;
}

static int
on_one_line(PyObject *s)
{
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s), from = 0;
    int after_space = 1;  /* (at the start, a space is not allowed) */
    if (kind != PyUnicode_4BYTE_KIND
        && (from = one_line_blocks(kind, data, n, &after_space)) < 0) {
        return 0;
    }
    if (kind == PyUnicode_1BYTE_KIND) {  /* (one loop per kind: the kind read once) */
        ONE_LINE(Py_UCS1);
    }
    else if (kind == PyUnicode_2BYTE_KIND) {
        ONE_LINE(Py_UCS2);
    }
    else {
        ONE_LINE(Py_UCS4);
    }
    return n == 0 || !after_space;
}

#undef ONE_LINE

/* Whether the sanitizer (nh3) gives a one-line definition back as it is, once what
 * HTML forbids is escaped: it holds no markup, no entity and no no-break space (which
 * the sanitizer writes as &nbsp;), nor a U+FEFF (which its parser drops at the start):
 * none of & < > U+00A0 U+FEFF. */
static int
rich_as_is(PyObject *s)
{
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '&' || c == '<' || c == '>' || c == 0xa0 || c == 0xfeff) {
            return 0;
        }
    }
    return 1;
}

#define PUSH(HOW, LIT, S) (parts[n++] = (Part){.how = (HOW), .lit = (LIT), .s = (S)})
/* A literal, measured here: ASCII, or Latin-1 with a no-break space. */
#define PUSH_LIT(LIT)                                                                   \
    (parts[n++] = (Part){.how = P_LIT, .lit = (LIT), .len = sizeof(LIT) - 1,            \
                         .maxchar = 0x7f})
#define PUSH_LATIN1(LIT)                                                                \
    (parts[n++] = (Part){.how = P_LIT, .lit = (LIT), .len = sizeof(LIT) - 1,            \
                         .maxchar = 0xa0})

/* The "Source" line of a tooltip and the space after it (render/html.py source_html):
 * its parts pushed on ``parts`` from ``n``; the new count. */
static Py_ssize_t
source_parts(Part *parts, Py_ssize_t n, PyObject *url, PyObject *name, int links)
{
    if (url != NULL && links) {
        PUSH_LIT("<span class=\"glossator-source\">");
        if (name == NULL) {
            PUSH_LIT("<a href=\"");
            PUSH(P_ESC, NULL, url);
            PUSH_LIT("\">Source</a></span> ");
            return n;
        }
        PUSH_LATIN1("Source\xa0: <a href=\"");
        PUSH(P_ESC, NULL, url);
        PUSH_LIT("\">");
        PUSH(P_ESC_TEXT, NULL, name);
        PUSH_LIT("</a></span> ");
    }
    else if (name != NULL) {
        PUSH_LATIN1("<span class=\"glossator-source\">Source\xa0: ");
        PUSH(P_ESC_TEXT, NULL, name);
        PUSH_LIT("</span> ");
    }
    return n;
}

typedef struct {
    PyObject *id, *title, *surface, *href, *url, *name;
    Part html, text;  /* the definition as HTML, and as text (for an attribute) */
} Fields;

/* The parts of the markup of preset ``layout`` (0 glossator, 1 spip, 2 abbr), opening
 * and closing, each cut at the tooltip's id; the count, -1 when the layout is unknown. */
static Py_ssize_t
layout_parts(int layout, const Fields *f, Part *parts, Py_ssize_t *split)
{
    Py_ssize_t n = 0;
    if (layout == 0) {
        PUSH_LIT("<span class=\"glossator\" data-glossator-entry=\"");
        PUSH(P_ESC, NULL, f->id);
        if (f->href != NULL) {
            PUSH_LIT("\"><a class=\"glossator-term\" href=\"");
            PUSH(P_ESC, NULL, f->href);
            PUSH_LIT("\" aria-describedby=\"");
        }
        else {
            PUSH_LIT("\"><span class=\"glossator-term\" tabindex=\"0\" "
                 "aria-describedby=\"");
        }
        PUSH(P_CUT, NULL, NULL);
        PUSH_LIT("\">");
        *split = n;
        if (f->href != NULL) {
            PUSH_LIT("</a>");
        }
        else {
            PUSH_LIT("</span>");
        }
        PUSH_LIT("<span class=\"glossator-tip\" role=\"tooltip\" id=\"");
        PUSH(P_CUT, NULL, NULL);
        PUSH_LIT("\"> <span class=\"glossator-title\">");
        PUSH(P_ESC, NULL, f->title);
        PUSH_LIT("</span> <span class=\"glossator-definition\">");
        parts[n++] = f->html;
        PUSH_LIT("</span> ");
        n = source_parts(parts, n, f->url, f->name, 1);
        PUSH_LIT("</span></span>");
        return n;
    }
    if (layout == 1) {
        PUSH_LIT("<a class=\"cs_glossaire\" data-glossator-entry=\"");
        PUSH(P_ESC, NULL, f->id);
        if (f->href != NULL) {
            PUSH_LIT("\" href=\"");
            PUSH(P_ESC, NULL, f->href);
            PUSH_LIT("\" aria-label=\"");
            PUSH(P_ESC, NULL, f->surface);
            PUSH_LIT("\" aria-describedby=\"");
            PUSH(P_CUT, NULL, NULL);
            PUSH_LIT("\"><span class=\"gl_mot\">");
        }
        else {
            PUSH_LIT("\"><span class=\"gl_mot\" tabindex=\"0\" aria-describedby=\"");
            PUSH(P_CUT, NULL, NULL);
            PUSH_LIT("\">");
        }
        *split = n;
        PUSH_LIT("</span><span class=\"gl_dl\" role=\"tooltip\" id=\"");
        PUSH(P_CUT, NULL, NULL);
        PUSH_LIT("\"> <span class=\"gl_dt\">");
        PUSH(P_ESC, NULL, f->title);
        PUSH_LIT("</span> <span class=\"gl_dd\">");
        parts[n++] = f->html;
        PUSH_LIT("</span> ");
        n = source_parts(parts, n, f->url, f->name, 0);  /* inside SPIP's <a>: no link */
        PUSH_LIT("</span></a>");
        return n;
    }
    if (layout == 2) {
        PUSH_LIT("<abbr data-glossator-entry=\"");
        PUSH(P_ESC, NULL, f->id);
        PUSH_LIT("\" title=\"");
        PUSH(P_ESC, NULL, f->title);
        PUSH_LIT(" : ");
        parts[n++] = f->text;
        PUSH_LIT("\">");
        if (f->href != NULL) {
            PUSH_LIT("<a href=\"");
            PUSH(P_ESC, NULL, f->href);
            PUSH_LIT("\">");
        }
        *split = n;
        if (f->href != NULL) {
            PUSH_LIT("</a></abbr>");
        }
        else {
            PUSH_LIT("</abbr>");
        }
        return n;
    }
    return -1;
}

#undef PUSH
#undef PUSH_LIT
#undef PUSH_LATIN1

/* The definition's parts (as HTML, as text): a pair of str made already (by the
 * sanitizer), or a str written escaped (``rich``: as the sanitizer gives it back, when
 * it does: see rich_as_is). 1, 0 when it must be made in Python, -1 on error. */
static int
definition_parts(PyObject *definition, int rich, Fields *f)
{
    if (PyTuple_Check(definition)) {
        if (PyTuple_GET_SIZE(definition) != 2
            || !PyUnicode_Check(PyTuple_GET_ITEM(definition, 0))
            || !PyUnicode_Check(PyTuple_GET_ITEM(definition, 1))) {
            PyErr_SetString(PyExc_TypeError, "definition: expected a str or two");
            return -1;
        }
        f->html = (Part){.how = P_RAW, .s = PyTuple_GET_ITEM(definition, 0)};
        f->text = (Part){.how = P_RAW, .s = PyTuple_GET_ITEM(definition, 1)};
        return 1;
    }
    if (!PyUnicode_Check(definition)) {
        PyErr_SetString(PyExc_TypeError, "definition: expected a str or two");
        return -1;
    }
    if (!on_one_line(definition) || (rich && !rich_as_is(definition))) {
        return 0;
    }
    f->html = (Part){.how = rich ? P_SAFE : P_ESC, .s = definition};
    f->text = (Part){.how = P_ESC, .s = definition};
    return 1;
}

/* Whether ``s`` is white space only (str.strip would leave nothing). */
static int
blank(PyObject *s)
{
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))) {
            return 0;
        }
    }
    return 1;
}

/* An entry's ``url`` as a tooltip's "Source" link (render/html.py _SOURCE_URL): 1 and
 * ``*out`` (a new reference) the url stripped, when it starts with http://, https:// or
 * mailto: in any case, then a character that is not white space; 0 when it does not;
 * 2 when Python must tell (a character the regular expression's IGNORECASE matches to
 * an ASCII letter of a scheme: U+0130, U+0131, U+017F); -1 on error. */
static int
source_url(PyObject *url, PyObject **out)
{
    static const char *const schemes[] = {"http://", "https://", "mailto:"};
    int kind = PyUnicode_KIND(url);
    const void *data = PyUnicode_DATA(url);
    Py_ssize_t a = 0, b = PyUnicode_GET_LENGTH(url);
    *out = NULL;
    while (a < b && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, a))) {
        a++;
    }
    while (b > a && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, b - 1))) {
        b--;
    }
    for (int k = 0; k < 3; k++) {
        Py_ssize_t len = (Py_ssize_t)strlen(schemes[k]), j = 0;
        for (; j < len && a + j < b; j++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, a + j);
            if (c == 0x130 || c == 0x131 || c == 0x17f) {
                return 2;
            }
            if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)schemes[k][j]) {
                break;
            }
        }
        if (j == len && a + len < b) {  /* (the last character is not white space) */
            if (Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, a + len))) {
                return 0;
            }
            *out = PyUnicode_Substring(url, a, b);
            return *out == NULL ? -1 : 1;
        }
    }
    return 0;
}

/* The str or None argument ``i``: NULL for None; -1 with a TypeError otherwise. */
static int
str_or_none(PyObject *const *args, Py_ssize_t i, PyObject **out, const char *name)
{
    *out = args[i] == Py_None ? NULL : args[i];
    if (*out != NULL && !PyUnicode_Check(*out)) {
        PyErr_Format(PyExc_TypeError, "%s: expected a str or None", name);
        return -1;
    }
    return 0;
}

/* The two markups of the fields ``f`` (checked) in ``layout``, or None (see template);
 * ``utf8``: the UTF-8 template (parts_utf8) instead. */
static PyObject *
template_of(int layout, Fields *f, PyObject *definition, int rich, int utf8)
{
    int made = definition_parts(definition, rich, f);
    if (made <= 0 || !on_one_line(f->title) || (f->surface && !on_one_line(f->surface))
        || (f->name && !on_one_line(f->name))) {
        if (made < 0) {
            return NULL;
        }
        Py_RETURN_NONE;  /* white space to fold, or markup to clean: made in Python */
    }
    Part parts[48];
    Py_ssize_t split = 0, n = layout_parts(layout, f, parts, &split);
    if (n < 0) {
        PyErr_Format(PyExc_ValueError, "layout: unknown (%d)", layout);
        return NULL;
    }
    if (utf8) {
        return parts_utf8(parts, n, split);
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (parts[i].how != P_CUT) {
            part_measure(&parts[i]);
        }
    }
    PyObject *opening = parts_tuple(parts, split);
    PyObject *closing = opening == NULL ? NULL : parts_tuple(parts + split, n - split);
    PyObject *result = closing == NULL ? NULL : PyTuple_Pack(2, opening, closing);
    Py_XDECREF(opening);
    Py_XDECREF(closing);
    return result;
}

/* A tooltip's template from an entry's fields (see template): layout checked, id and
 * title str, the others str or NULL. */
static PyObject *
template_make(int layout, PyObject *id, PyObject *title, PyObject *definition,
              PyObject *surface, PyObject *href, PyObject *url, PyObject *source, int rich,
              int judged, int utf8)
{
    Fields f = {.id = id, .title = title, .surface = surface, .href = href, .name = source};
    if (layout == 1 && f.href != NULL && f.surface == NULL) {
        PyErr_SetString(PyExc_TypeError, "surface: needed by spip with a link");
        return NULL;
    }
    if (f.name != NULL && blank(f.name)) {
        f.name = NULL;
    }
    f.url = NULL;
    int linked = url == NULL ? 0 : judged ? 1 : source_url(url, &f.url);
    if (judged && url != NULL) {  /* stripped, and a link: judged by Python */
        f.url = Py_NewRef(url);
    }
    if (linked < 0) {
        return NULL;
    }
    PyObject *result = linked == 2 ? Py_NewRef(Py_None)
        : template_of(layout, &f, definition, rich, utf8);
    Py_XDECREF(f.url);
    return result;
}

/* template(layout, id, title, definition, surface, href, url, source, rich[, judged]):
 * see the method table. */
static PyObject *
template(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 9 || nargs > 11) {
        PyErr_SetString(PyExc_TypeError, "template: expected 9 to 11 arguments");
        return NULL;
    }
    int judged = nargs >= 10 ? PyObject_IsTrue(args[9]) : 0;
    int utf8 = nargs == 11 ? PyObject_IsTrue(args[10]) : 0;
    if (judged < 0 || utf8 < 0) {
        return NULL;
    }
    long layout = PyLong_AsLong(args[0]);
    int rich = PyObject_IsTrue(args[8]);
    if ((layout == -1 && PyErr_Occurred()) || rich < 0) {
        return NULL;
    }
    if (layout < 0 || layout > 2) {
        PyErr_SetString(PyExc_ValueError, "template: layout must be 0, 1 or 2");
        return NULL;
    }
    if (!PyUnicode_Check(args[1]) || !PyUnicode_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "id, title: expected a str");
        return NULL;
    }
    PyObject *surface, *href, *url, *source;
    if (str_or_none(args, 4, &surface, "surface") < 0
        || str_or_none(args, 5, &href, "href") < 0 || str_or_none(args, 6, &url, "url") < 0
        || str_or_none(args, 7, &source, "source") < 0) {
        return NULL;
    }
    return template_make((int)layout, args[1], args[2], args[3], surface, href, url, source,
                         rich, judged, utf8);
}

static PyObject *expansion_of(PyObject *title, PyObject *definition);

/* expansion(title, definition): " TITLE DEFINITION", or None (see the method table). */
static PyObject *
expansion(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *title, *definition;
    if (!PyArg_ParseTuple(args, "UU:expansion", &title, &definition)) {
        return NULL;
    }
    return expansion_of(title, definition);
}
