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

/* ---------------------------------------------------------------------------------------
 * UTF-8 out: characters encoded into the buffer, flushed to the sink whenever it fills
 * ------------------------------------------------------------------------------------- */

/* Bytes [p, p + n) into the buffer, flushed as often as it fills. */
static int
out_bytes(Out *o, const char *p, Py_ssize_t n)
{
    while (n > 0) {
        Py_ssize_t room = o->cap - o->len;
        if (room <= 0) {
            if (out_flush(o) < 0) {
                return -1;
            }
            continue;
        }
        Py_ssize_t m = n < room ? n : room;
        memcpy((char *)o->buf + o->len, p, (size_t)m);
        o->len += m;
        p += m;
        n -= m;
    }
    return 0;
}

/* Character ``c`` at ``w`` (room for 8 bytes), as encode() writes it: UTF-8, a lone
 * surrogate as its decimal character reference (errors="xmlcharrefreplace"); the bytes
 * written. */
static inline int
utf8_put(unsigned char *w, Py_UCS4 c)
{
    if (c < 0x80) {
        w[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        w[0] = (unsigned char)(0xc0 | (c >> 6));
        w[1] = (unsigned char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        if (c >= 0xd800 && c <= 0xdfff) {  /* 55296..57343: five digits */
            w[0] = '&';
            w[1] = '#';
            for (int d = 6; d >= 2; d--, c /= 10) {
                w[d] = (unsigned char)('0' + c % 10);
            }
            w[7] = ';';
            return 8;
        }
        w[0] = (unsigned char)(0xe0 | (c >> 12));
        w[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
        w[2] = (unsigned char)(0x80 | (c & 0x3f));
        return 3;
    }
    w[0] = (unsigned char)(0xf0 | (c >> 18));
    w[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
    w[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
    w[3] = (unsigned char)(0x80 | (c & 0x3f));
    return 4;
}

/* The lanes where the vector loops below stop, besides those that are not ASCII: none
 * (the text as it is), or the ASCII characters that HTML or JSON text escapes or might
 * (the caller decides); 1: 16 characters of a 1-byte str, 2: 8 of a 2-byte one. */
#if defined(__SSE2__)
#define STOP_NONE1(v) _mm_setzero_si128()
#define STOP_NONE2(v) _mm_setzero_si128()
#define STOP_HTML1(v) maybe_html1(v)
#define STOP_HTML2(v) maybe_html2(v)
#define STOP_JSON1(v) maybe_json1(v)
#define STOP_JSON2(v) maybe_json2(v)
#endif

/* Characters [*a, b) of a 1-byte str encoded at ``w``, as many as fit before ``end``,
 * 16 ASCII characters at a time where SSE2 is there, up to the first that ``stop``
 * flags, or is not ASCII (which is then encoded by the caller's loop: ``is`` says
 * whether to escape it); the new ``w``. */
#if defined(__SSE2__)
#define UTF8_VECTOR1(stop)                                                              \
        while (b - i >= 16 && end - w >= 16) {                                          \
            __m128i v = _mm_loadu_si128((const __m128i *)(p + i));                      \
            _mm_storeu_si128((__m128i *)w, v);  /* all of it; the ASCII part counts */  \
            int m = _mm_movemask_epi8(_mm_or_si128(v, stop(v)));                        \
            int ascii = m ? __builtin_ctz((unsigned)m) : 16;                            \
            i += ascii;                                                                 \
            w += ascii;                                                                 \
            if (m) {                                                                    \
                break;                                                                  \
            }                                                                           \
        }
/* ... of a 2-byte str: 8 at a time, narrowed. */
#define UTF8_VECTOR2(stop)                                                              \
        while (b - i >= 8 && end - w >= 8) {                                            \
            __m128i v = _mm_loadu_si128((const __m128i *)(p + i));                      \
            __m128i wide = _mm_cmpeq_epi16(_mm_and_si128(v, _mm_set1_epi16((short)0xff80)),\
                                           _mm_setzero_si128());                        \
            _mm_storel_epi64((__m128i *)w, _mm_packus_epi16(v, v));                     \
            int m = _mm_movemask_epi8(_mm_or_si128(_mm_xor_si128(wide,                  \
                                                   _mm_set1_epi16(-1)), stop(v)));      \
            int ascii = m ? __builtin_ctz((unsigned)m) / 2 : 8;                         \
            i += ascii;                                                                 \
            w += ascii;                                                                 \
            if (m) {                                                                    \
                break;                                                                  \
            }                                                                           \
        }
#define utf8_ucs1_until(p, a, b, w, end, stop) utf8_ucs1_##stop(p, a, b, w, end)
#define utf8_ucs2_until(p, a, b, w, end, stop) utf8_ucs2_##stop(p, a, b, w, end)
#else
#define UTF8_VECTOR1(stop)
#define UTF8_VECTOR2(stop)
#define utf8_ucs1_until(p, a, b, w, end, stop) utf8_ucs1_##stop(p, a, b, w, end)
#define utf8_ucs2_until(p, a, b, w, end, stop) utf8_ucs2_##stop(p, a, b, w, end)
#endif

/* One encoder per kind and stop: ``is`` the test of the characters it stops before
 * (the caller escapes them), ``none`` for the text as it is. */
static inline int
none(Py_UCS4 c)
{
    (void)c;
    return 0;
}

#define UTF8_UNTIL(name, T, vector, stop, is)                                           \
    static unsigned char *                                                              \
    name(const T *p, Py_ssize_t *a, Py_ssize_t b, unsigned char *w,                     \
         const unsigned char *end)                                                      \
    {                                                                                   \
        Py_ssize_t i = *a;                                                              \
        while (i < b && end - w >= 8) {                                                 \
            vector(stop)                                                                \
            if (i >= b || end - w < 8 || is(p[i])) {                                    \
                break;                                                                  \
            }                                                                           \
            w += utf8_put(w, p[i++]);                                                   \
        }                                                                               \
        *a = i;                                                                         \
        return w;                                                                       \
    }

UTF8_UNTIL(utf8_ucs1_STOP_NONE1, Py_UCS1, UTF8_VECTOR1, STOP_NONE1, none)
UTF8_UNTIL(utf8_ucs2_STOP_NONE2, Py_UCS2, UTF8_VECTOR2, STOP_NONE2, none)

/* The characters [a, b) of a str of ``kind``, encoded into the buffer (flushed as it
 * fills; the buffer has SLACK bytes past its chunk, so that 8 always fit). */
static int
out_utf8(Out *o, int kind, const void *data, Py_ssize_t a, Py_ssize_t b)
{
    while (a < b) {
        if (o->len >= o->cap && out_flush(o) < 0) {
            return -1;
        }
        unsigned char *start = (unsigned char *)o->buf + o->len, *w = start;
        const unsigned char *end = (unsigned char *)o->buf + o->cap + 8;
        if (kind == PyUnicode_1BYTE_KIND) {
            w = utf8_ucs1_until((const Py_UCS1 *)data, &a, b, w, end, STOP_NONE1);
        }
        else if (kind == PyUnicode_2BYTE_KIND) {
            w = utf8_ucs2_until((const Py_UCS2 *)data, &a, b, w, end, STOP_NONE2);
        }
        else {
            const Py_UCS4 *p = (const Py_UCS4 *)data;
            while (a < b && end - w >= 8) {
                w += utf8_put(w, p[a++]);
            }
        }
        o->len += w - start;
    }
    return 0;
}

/* A whole str in UTF-8: its own UTF-8 (which CPython keeps with the str after the first
 * time) copied; a str that has a lone surrogate, character by character. */
static int
out_utf8_str(Out *o, PyObject *s)
{
    Py_ssize_t n;
    const char *u = PyUnicode_AsUTF8AndSize(s, &n);
    if (u != NULL) {
        if (o->len + n <= o->cap) {
            memcpy((char *)o->buf + o->len, u, (size_t)n);
            o->len += n;
            return 0;
        }
        return out_bytes(o, u, n);
    }
    if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
        return -1;
    }
    PyErr_Clear();
    return out_utf8(o, PyUnicode_KIND(s), PyUnicode_DATA(s), 0, PyUnicode_GET_LENGTH(s));
}

/* Which pieces the keys ``k`` name more than once (0, 1, 2 for more, by piece): a
 * PyMem block, or NULL (out of memory, or no piece: then every piece is written as
 * out_str writes it, which is the same output). */
static unsigned char *
piece_uses(const int64_t *k, Py_ssize_t n, Py_ssize_t n_pieces)
{
    unsigned char *uses = n_pieces > 0 ? PyMem_Calloc((size_t)n_pieces, 1) : NULL;
    if (uses == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (k[i] >= 0 && k[i] < n_pieces && uses[k[i]] < 2) {
            uses[k[i]]++;
        }
    }
    return uses;
}

static int out_str(Out *o, PyObject *s);

/* Piece ``s``, written ``uses`` times in all (see piece_uses; 0: unknown): one written
 * once into UTF-8 that is not ASCII, and whose UTF-8 CPython does not hold yet, is
 * encoded straight into the buffer (asking for its UTF-8 would encode it into a copy
 * kept with the str, for nothing: most of a large glossary's first document's pieces
 * are written once); any other as out_str writes it. */
static int
out_piece(Out *o, PyObject *s, unsigned char uses)
{
    if (PyBytes_Check(s)) {  /* made in UTF-8 for a sink (json_pieces) */
        if (o->kind != UTF8_OUT) {
            PyErr_SetString(PyExc_TypeError, "a piece made in UTF-8 for a str output");
            return -1;
        }
        return o->buf == NULL ? 0 : out_bytes(o, PyBytes_AS_STRING(s), PyBytes_GET_SIZE(s));
    }
#if PY_VERSION_HEX < 0x030E0000  /* (CPython's own field: on later versions, out_str) */
    if (uses == 1 && o->kind == UTF8_OUT && PyUnicode_IS_COMPACT(s)
        && !PyUnicode_IS_ASCII(s) && ((PyCompactUnicodeObject *)s)->utf8 == NULL) {
        return out_utf8(o, PyUnicode_KIND(s), PyUnicode_DATA(s), 0, PyUnicode_GET_LENGTH(s));
    }
#else
    (void)uses;
#endif
    return out_str(o, s);
}

/* A piece's UTF-8 as the sink mode copies it, found once per call (``n`` < 0: not yet):
 * an ASCII str's own data, or the UTF-8 CPython keeps with the str. */
typedef struct {
    const char *p;
    Py_ssize_t n;
} View;

/* ``count`` views, none known yet (a PyMem block; NULL: out of memory, set). */
static View *
views_new(Py_ssize_t count)
{
    View *v = PyMem_Malloc((size_t)(count > 0 ? count : 1) * sizeof(View));
    if (v == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        v[i].n = -1;
    }
    return v;
}

/* Piece ``s`` into the UTF-8 buffer through its view ``v`` (filled the first time;
 * ``uses`` as for out_piece, which writes a piece that is not to be kept). */
static inline int
out_view(Out *o, View *v, PyObject *s, unsigned char uses)
{
    if (v->n < 0) {
        if (PyBytes_Check(s)) {
            v->p = PyBytes_AS_STRING(s);
            v->n = PyBytes_GET_SIZE(s);
        }
        else if (PyUnicode_IS_COMPACT_ASCII(s)) {
            v->p = (const char *)PyUnicode_DATA(s);
            v->n = PyUnicode_GET_LENGTH(s);
        }
        else if (uses == 1 || !PyUnicode_IS_COMPACT(s)) {
            return out_piece(o, s, uses);
        }
        else {
            Py_ssize_t n;
            const char *u = PyUnicode_AsUTF8AndSize(s, &n);
            if (u == NULL) {  /* a lone surrogate: each time as out_str writes it */
                PyErr_Clear();
                return out_str(o, s);
            }
            v->p = u;
            v->n = n;
        }
    }
    if (o->len + v->n <= o->cap) {
        memcpy((char *)o->buf + o->len, v->p, (size_t)v->n);
        o->len += v->n;
        return 0;
    }
    return out_bytes(o, v->p, v->n);
}

/* View ``v`` of ``s`` found now, where out_view would keep one (an ASCII str; a str
 * written more than once, whose UTF-8 CPython then keeps): 0; -1 on a failure other
 * than a lone surrogate (left to out_view). */
static int
view_fill(View *v, PyObject *s, unsigned char uses)
{
    if (v->n < 0 && PyBytes_Check(s)) {  /* made in UTF-8 already (json_pieces) */
        v->p = PyBytes_AS_STRING(s);
        v->n = PyBytes_GET_SIZE(s);
        return 0;
    }
    if (v->n >= 0 || !PyUnicode_Check(s) || !PyUnicode_IS_COMPACT(s)) {
        return 0;
    }
    if (PyUnicode_IS_ASCII(s)) {
        v->p = (const char *)PyUnicode_DATA(s);
        v->n = PyUnicode_GET_LENGTH(s);
        return 0;
    }
    if (uses == 1) {
        return 0;
    }
    Py_ssize_t n;
    const char *u = PyUnicode_AsUTF8AndSize(s, &n);
    if (u == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
            return -1;
        }
        PyErr_Clear();
        return 0;
    }
    v->p = u;
    v->n = n;
    return 0;
}

/* "00" to "99", two characters each. */
static const char DIGIT_PAIRS[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* ``v`` in decimal, written backwards so that it ends just before ``end`` (room for 20
 * digits before it), two digits at a time; where it starts. */
static inline char *
digits_before(char *end, uint64_t v)
{
    char *p = end;
    while (v >= 100) {
        p -= 2;
        memcpy(p, DIGIT_PAIRS + 2 * (v % 100), 2);
        v /= 100;
    }
    if (v >= 10) {
        p -= 2;
        memcpy(p, DIGIT_PAIRS + 2 * v, 2);
    }
    else {
        *--p = (char)('0' + v);
    }
    return p;
}

/* ``v`` (>= 0) in decimal at ``w`` (room for 20 bytes); the bytes written. */
static inline Py_ssize_t
put_uint(char *w, uint64_t v)
{
    char digits[20];
    char *p = digits_before(digits + sizeof digits, v);
    Py_ssize_t n = digits + sizeof digits - p;
    memcpy(w, p, (size_t)n);
    return n;
}

/* The characters [a, b) of a str of ``kind`` and ``data``, as they are: the text's
 * while counting (a whole piece is counted by out_str), any str's while writing. */
static int
out_range(Out *o, int kind, const void *data, Py_ssize_t a, Py_ssize_t b)
{
    if (b <= a) {
        return 0;
    }
    if (o->kind == UTF8_OUT) {
        return out_utf8(o, kind, data, a, b);
    }
    if (o->buf == NULL) {
        if (o->maxchar < o->top) {
            o->maxchar = max_char(kind, data, a, b, o->maxchar, o->top);
        }
        o->len += b - a;
        return 0;
    }
    if (out_reserve(o, b - a) < 0) {
        return -1;
    }
    if (kind == o->kind) {
        memcpy((char *)o->buf + o->len * kind, (const char *)data + a * kind,
               (size_t)(b - a) * (size_t)kind);
    }
    else if (kind == PyUnicode_1BYTE_KIND && o->kind == PyUnicode_2BYTE_KIND) {
        widen_1_2((const Py_UCS1 *)data + a, (Py_UCS2 *)o->buf + o->len, b - a);
    }
    else if (kind == PyUnicode_1BYTE_KIND && o->kind == PyUnicode_4BYTE_KIND) {
        widen_1_4((const Py_UCS1 *)data + a, (Py_UCS4 *)o->buf + o->len, b - a);
    }
    else if (kind == PyUnicode_2BYTE_KIND && o->kind == PyUnicode_4BYTE_KIND) {
        widen_2_4((const Py_UCS2 *)data + a, (Py_UCS4 *)o->buf + o->len, b - a);
    }
    else {  /* any other pair, wider or narrower (every character fits: counted) */
        for (Py_ssize_t i = a, j = o->len; i < b; i++, j++) {
            PyUnicode_WRITE(o->kind, o->buf, j, PyUnicode_READ(kind, data, i));
        }
    }
    o->len += b - a;
    return 0;
}

/* A whole str; while counting, its kind's widest character stands for its own (a str is
 * always of the narrowest kind that holds it, so it has one character of that width). */
static int
out_str(Out *o, PyObject *s)
{
    if (o->kind == UTF8_OUT) {
        return out_utf8_str(o, s);
    }
    if (o->buf == NULL) {
        Py_UCS4 m = PyUnicode_MAX_CHAR_VALUE(s);
        if (m > o->maxchar) {
            o->maxchar = m;
        }
        o->len += PyUnicode_GET_LENGTH(s);
        return 0;
    }
    return out_range(o, PyUnicode_KIND(s), PyUnicode_DATA(s), 0, PyUnicode_GET_LENGTH(s));
}

/* ASCII ``s`` (n bytes); the caller has reserved the room. */
static void
out_ascii(Out *o, const char *s, Py_ssize_t n)
{
    if (o->kind == UTF8_OUT && o->buf != NULL) {
        memcpy((char *)o->buf + o->len, s, (size_t)n);
        o->len += n;
        return;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        out_put(o, (unsigned char)s[i]);
    }
}

/* ``v`` in decimal, as %lld writes it (without snprintf: two numbers per JSON item,
 * written twice, where snprintf took a tenth of the time). */
static int
out_int(Out *o, long long v)
{
    char digits[24];
    int n = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        digits[sizeof digits - 1 - n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) {
        digits[sizeof digits - 1 - n++] = '-';
    }
    if (out_reserve(o, n) < 0) {
        return -1;
    }
    if (o->buf == NULL) {  /* counting: digits and '-' are ASCII */
        o->len += n;
        return 0;
    }
    out_ascii(o, digits + sizeof digits - n, n);
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

/* Whether ``c`` is escaped in HTML text: & < > and what html_forbidden names. */
static inline int
html_special_of(Py_UCS4 c)
{
    if (c < 0x7f) {
        return c < 0x20 ? html_forbidden(c) : (c == '&' || c == '<' || c == '>');
    }
    return html_forbidden(c);
}

/* html_special_of (bit 1) and line_break_of (bit 2) of the first 256 characters, filled
 * from them when the module is loaded: one load, not a chain of tests, for the
 * characters of most text. */
static unsigned char LOW_CLASS[256];

static inline int
html_special(Py_UCS4 c)
{
    return c < 256 ? LOW_CLASS[c] & 1 : html_forbidden(c);
}

/* The first index in [i, b) of a character ``is`` says yes to, or b; one loop per kind,
 * so that the character's width is not decided again for each one. With SSE2, 1- and
 * 2-byte text is looked at 16 bytes at a time: ``maybe1`` (16 characters) and ``maybe2``
 * (8) set the lanes of the characters ``is`` might say yes to (all of those, and a few
 * more, which ``is`` then turns down one by one). */
#if defined(__SSE2__)
#define FIRST_OF_VECTOR(p, width, maybe, is)                                             \
        while (b - i >= 16 / (width)) {                                                 \
            __m128i v = _mm_loadu_si128((const __m128i *)((p) + i));                    \
            int m = _mm_movemask_epi8(maybe(v));                                        \
            if (m == 0) {                                                               \
                i += 16 / (width);                                                      \
                continue;                                                               \
            }                                                                           \
            i += __builtin_ctz((unsigned)m) / (width);                                  \
            if (is(p[i])) {                                                             \
                return i;                                                               \
            }                                                                           \
            i++;                                                                        \
        }
#else
#define FIRST_OF_VECTOR(p, width, maybe, is)
#endif

#define FIRST_OF(name, is, maybe1, maybe2)                                              \
    static Py_ssize_t                                                                   \
    name(int kind, const void *data, Py_ssize_t i, Py_ssize_t b)                        \
    {                                                                                   \
        if (kind == PyUnicode_1BYTE_KIND) {                                             \
            const Py_UCS1 *p = (const Py_UCS1 *)data;                                   \
            FIRST_OF_VECTOR(p, 1, maybe1, is)                                            \
            while (i < b && !is(p[i])) {                                                \
                i++;                                                                    \
            }                                                                           \
        }                                                                               \
        else if (kind == PyUnicode_2BYTE_KIND) {                                        \
            const Py_UCS2 *p = (const Py_UCS2 *)data;                                   \
            FIRST_OF_VECTOR(p, 2, maybe2, is)                                            \
            while (i < b && !is(p[i])) {                                                \
                i++;                                                                    \
            }                                                                           \
        }                                                                               \
        else {                                                                          \
            const Py_UCS4 *p = (const Py_UCS4 *)data;                                   \
            while (i < b && !is(p[i])) {                                                \
                i++;                                                                    \
            }                                                                           \
        }                                                                               \
        return i;                                                                       \
    }

#if defined(__SSE2__)
/* Lanes of 8-bit ``v`` at most ``k`` (unsigned). */
static inline __m128i
at_most8(__m128i v, int k)
{
    return _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8((char)k)), v);
}

/* Lanes of 16-bit ``v`` below ``k`` (unsigned: both sides moved by 0x8000, compared
 * signed). */
static inline __m128i
below16(__m128i v, int k)
{
    const __m128i flip = _mm_set1_epi16((short)0x8000);
    return _mm_cmplt_epi16(_mm_xor_si128(v, flip), _mm_set1_epi16((short)(k ^ 0x8000)));
}

/* html_special might: below 0x20, & < > (``c | 2 == '>'`` is < and >), 0x7f and up
 * (then the table decides). */
static inline __m128i
maybe_html1(__m128i v)
{
    __m128i m = _mm_or_si128(at_most8(v, 0x1f), _mm_cmpeq_epi8(v, _mm_set1_epi8('&')));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(2)),
                                       _mm_set1_epi8('>')));
    /* 0x7f..0x9f: v - 0x7f at most 0x20 */
    return _mm_or_si128(m, at_most8(_mm_sub_epi8(v, _mm_set1_epi8(0x7f)), 0x20));
}

/* ... of 2-byte text: also 0xd800 and up (surrogates, noncharacters; private use too,
 * turned down by the test). */
static inline __m128i
maybe_html2(__m128i v)
{
    __m128i m = _mm_or_si128(below16(v, 0x20), _mm_cmpeq_epi16(v, _mm_set1_epi16('&')));
    m = _mm_or_si128(m, _mm_cmpeq_epi16(_mm_or_si128(v, _mm_set1_epi16(2)),
                                        _mm_set1_epi16('>')));
    m = _mm_or_si128(m, below16(_mm_sub_epi16(v, _mm_set1_epi16(0x7f)), 0x21));
    return _mm_or_si128(m, _mm_xor_si128(below16(v, 0xd800), _mm_set1_epi16(-1)));
}

/* json_special exactly: below 0x20, " and \. */
static inline __m128i
maybe_json1(__m128i v)
{
    __m128i m = _mm_or_si128(at_most8(v, 0x1f), _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
    return _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
}

static inline __m128i
maybe_json2(__m128i v)
{
    __m128i m = _mm_or_si128(below16(v, 0x20), _mm_cmpeq_epi16(v, _mm_set1_epi16('"')));
    return _mm_or_si128(m, _mm_cmpeq_epi16(v, _mm_set1_epi16('\\')));
}

/* line_break might: below 0x20, 0x85, and in 2-byte text U+2028 and U+2029. */
static inline __m128i
maybe_break1(__m128i v)
{
    return _mm_or_si128(at_most8(v, 0x1f), _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0x85)));
}

static inline __m128i
maybe_break2(__m128i v)
{
    __m128i m = _mm_or_si128(below16(v, 0x20), _mm_cmpeq_epi16(v, _mm_set1_epi16(0x85)));
    return _mm_or_si128(m, _mm_cmpeq_epi16(_mm_or_si128(v, _mm_set1_epi16(1)),
                                           _mm_set1_epi16(0x2029)));
}
#endif

FIRST_OF(first_html_special, html_special, maybe_html1, maybe_html2)

/* Special character ``c`` escaped as render/html.escape(piece, quote=False) does:
 * forbidden characters as visible escapes (\x1b, \ufdd0, \U0001fffe), then & < >. */
static int
html_escape(Out *o, Py_UCS4 c)
{
    int digits = c < 0x100 ? 2 : c < 0x10000 ? 4 : 8;
    Py_ssize_t size = c == '&' ? 5 : (c == '<' || c == '>') ? 4 : 2 + digits;
    if (out_reserve(o, size) < 0) {
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
    else {
        out_put(o, '\\');
        out_put(o, digits == 2 ? 'x' : digits == 4 ? 'u' : 'U');
        for (int d = digits - 1; d >= 0; d--) {
            out_put(o, (unsigned char)HEX[(c >> (4 * d)) & 0xf]);
        }
    }
    return 0;
}

static int out_utf8_html(Out *o, int kind, const void *data, Py_ssize_t a, Py_ssize_t b);

/* The text's characters [a, b) escaped as render/html.escape(piece, quote=False) does,
 * the runs between the characters escaped copied whole. */
static int
out_html(Out *o, int kind, const void *data, Py_ssize_t a, Py_ssize_t b)
{
    if (o->kind == UTF8_OUT) {
        return out_utf8_html(o, kind, data, a, b);
    }
    Py_ssize_t run = a;
    for (Py_ssize_t i = first_html_special(kind, data, a, b); i < b;
         i = first_html_special(kind, data, i + 1, b)) {
        if (out_range(o, kind, data, run, i) < 0
            || html_escape(o, PyUnicode_READ(kind, data, i)) < 0) {
            return -1;
        }
        run = i + 1;
    }
    return out_range(o, kind, data, run, b);
}

static inline int
json_special(Py_UCS4 c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

FIRST_OF(first_json_special, json_special, maybe_json1, maybe_json2)

/* Special character ``c`` as the C encoder of the json module writes it. */
static int
json_escape(Out *o, Py_UCS4 c)
{
    int shown = c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r'
                || c == '\t';
    if (out_reserve(o, shown ? 2 : 6) < 0) {
        return -1;
    }
    if (c == '"' || c == '\\') {
        out_put(o, '\\');
        out_put(o, c);
    }
    else if (shown) {
        out_put(o, '\\');
        out_put(o, c == '\b' ? 'b' : c == '\f' ? 'f' : c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
    }
    else {
        out_ascii(o, "\\u00", 4);
        out_put(o, (unsigned char)HEX[c >> 4]);
        out_put(o, (unsigned char)HEX[c & 0xf]);
    }
    return 0;
}

static int out_utf8_json(Out *o, int kind, const void *data, Py_ssize_t a, Py_ssize_t b);

/* The text's characters [a, b) as a JSON string, quotes included, as the C encoder of
 * the json module writes it with ensure_ascii=False. */
static int
out_json(Out *o, int kind, const void *data, Py_ssize_t a, Py_ssize_t b)
{
    if (out_reserve(o, 1) < 0) {
        return -1;
    }
    out_put(o, '"');
    if (o->kind == UTF8_OUT) {
        if (out_utf8_json(o, kind, data, a, b) < 0) {
            return -1;
        }
    }
    else {
        Py_ssize_t run = a;
        for (Py_ssize_t i = first_json_special(kind, data, a, b); i < b;
             i = first_json_special(kind, data, i + 1, b)) {
            if (out_range(o, kind, data, run, i) < 0
                || json_escape(o, PyUnicode_READ(kind, data, i)) < 0) {
                return -1;
            }
            run = i + 1;
        }
        if (out_range(o, kind, data, run, b) < 0) {
            return -1;
        }
    }
    if (out_reserve(o, 1) < 0) {
        return -1;
    }
    out_put(o, '"');
    return 0;
}

/* The UTF-8 encoders of html and json text: one pass that encodes and stops at the
 * characters to escape (the vector loops of utf8_ucs1 and utf8_ucs2 stop at the first
 * lane that is not ASCII or that ``stop1`` or ``stop2`` sets; ``is`` decides). */
#define UTF8_ESCAPED(name, is, escape, stop1, stop2)                                    \
    static int                                                                          \
    name(Out *o, int kind, const void *data, Py_ssize_t a, Py_ssize_t b)                \
    {                                                                                   \
        while (a < b) {                                                                 \
            if (o->len >= o->cap && out_flush(o) < 0) {                                 \
                return -1;                                                              \
            }                                                                           \
            unsigned char *start = (unsigned char *)o->buf + o->len, *w = start;        \
            const unsigned char *end = (unsigned char *)o->buf + o->cap + 8;            \
            if (kind == PyUnicode_1BYTE_KIND) {                                         \
                w = utf8_ucs1_until((const Py_UCS1 *)data, &a, b, w, end, stop1);       \
            }                                                                           \
            else if (kind == PyUnicode_2BYTE_KIND) {                                    \
                w = utf8_ucs2_until((const Py_UCS2 *)data, &a, b, w, end, stop2);       \
            }                                                                           \
            else {                                                                      \
                const Py_UCS4 *p = (const Py_UCS4 *)data;                               \
                while (a < b && end - w >= 8 && !is(p[a])) {                            \
                    w += utf8_put(w, p[a++]);                                           \
                }                                                                       \
            }                                                                           \
            o->len += w - start;                                                        \
            if (a < b) {                                                                \
                Py_UCS4 c = PyUnicode_READ(kind, data, a);                              \
                if (is(c)) {                                                            \
                    if (escape(o, c) < 0) {                                             \
                        return -1;                                                      \
                    }                                                                   \
                    a++;                                                                \
                }                                                                       \
                else if (o->len < o->cap) { /* stopped by a lane ``is`` turns down */   \
                    o->len += utf8_put((unsigned char *)o->buf + o->len, c);            \
                    a++;                                                                \
                }                                                                       \
            }                                                                           \
        }                                                                               \
        return 0;                                                                       \
    }

UTF8_UNTIL(utf8_ucs1_STOP_HTML1, Py_UCS1, UTF8_VECTOR1, STOP_HTML1, html_special)
UTF8_UNTIL(utf8_ucs2_STOP_HTML2, Py_UCS2, UTF8_VECTOR2, STOP_HTML2, html_special)
UTF8_UNTIL(utf8_ucs1_STOP_JSON1, Py_UCS1, UTF8_VECTOR1, STOP_JSON1, json_special)
UTF8_UNTIL(utf8_ucs2_STOP_JSON2, Py_UCS2, UTF8_VECTOR2, STOP_JSON2, json_special)
UTF8_ESCAPED(out_utf8_html, html_special, html_escape, STOP_HTML1, STOP_HTML2)
UTF8_ESCAPED(out_utf8_json, json_special, json_escape, STOP_JSON1, STOP_JSON2)

/* Ask Linux to back the 2 MiB-aligned part of a large output with huge pages: written
 * once from start to end, an output of a few hundred MB otherwise takes one page fault
 * per 4 KiB, which cost as much as the writing itself (a hint: nothing changes where
 * the kernel does not take it). */
static void
huge_pages(void *buf, Py_ssize_t size)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)1 << 21;
    if (size < (Py_ssize_t)(8 * huge)) {
        return;
    }
    uintptr_t a = ((uintptr_t)buf + huge - 1) & ~(huge - 1);
    uintptr_t b = ((uintptr_t)buf + (uintptr_t)size) & ~(huge - 1);
    if (b > a) {
        (void)madvise((void *)a, b - a, MADV_HUGEPAGE);
    }
#else
    (void)buf;
    (void)size;
#endif
}

/* ``body(out, args)`` run twice: counting, then writing into the str it counted. */
static PyObject *
run_twice(int (*body)(Out *, const void *), const void *args, PyObject *text)
{
    Out count = {NULL, PyUnicode_1BYTE_KIND, 0, 0, 0, top_of(text), NULL, 0, NULL};
    if (body(&count, args) < 0) {
        return NULL;
    }
    PyObject *result = PyUnicode_New(count.len, count.maxchar);
    if (result == NULL) {
        return NULL;
    }
    huge_pages(PyUnicode_DATA(result), count.len * PyUnicode_KIND(result));
    Out w = {PyUnicode_DATA(result), PyUnicode_KIND(result), 0, count.len, 0, 0, NULL, 0,
             NULL};
    if (body(&w, args) < 0) {
        Py_DECREF(result);
        return NULL;
    }
    if (w.len != count.len) {
        Py_DECREF(result);
        PyErr_SetString(PyExc_SystemError, "glossator.render._splice: the output is "
                        "shorter than counted");
        return NULL;
    }
    return result;
}

/* The default ``chunk``: bytes handed to the sink at a time (small enough to stay in
 * the cache between the loop writing and the sink reading). */
#define CHUNK (256 * 1024)

/* ``body(out, args)`` run once, its UTF-8 handed to ``sink`` ``chunk`` bytes at a time
 * (``chunk`` <= 0: CHUNK); the number of bytes written. */
static PyObject *
run_to_sink(int (*body)(Out *, const void *), const void *args, PyObject *sink,
            Py_ssize_t chunk)
{
    if (!PyCallable_Check(sink)) {
        PyErr_SetString(PyExc_TypeError, "sink: expected a callable (of bytes)");
        return NULL;
    }
    if (chunk <= 0) {
        chunk = CHUNK;
    }
    if (chunk > PY_SSIZE_T_MAX / 2) {
        PyErr_SetString(PyExc_ValueError, "chunk: too large");
        return NULL;
    }
    Out w = {NULL, UTF8_OUT, 0, chunk, 0, 0, sink, 0, NULL};
    if (out_new_chunk(&w) < 0) {
        return NULL;
    }
    PyObject *result = NULL;
    if (body(&w, args) == 0 && out_flush_as(&w, 1) == 0) {
        result = PyLong_FromSsize_t(w.total);
    }
    Py_XDECREF(w.chunk);
    return result;
}

/* A str (``sink`` None), or the bytes written to ``sink``. */
static PyObject *
run(int (*body)(Out *, const void *), const void *args, PyObject *text, PyObject *sink,
    Py_ssize_t chunk)
{
    if (sink == NULL || sink == Py_None) {
        return run_twice(body, args, text);
    }
    return run_to_sink(body, args, sink, chunk);
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

static inline int
ascii_space(Py_UCS4 c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Whether ``str`` holds a character other than ASCII white space. */
static int
visible(PyObject *str)
{
    int kind = PyUnicode_KIND(str);
    const void *data = PyUnicode_DATA(str);
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(str); i++) {
        if (!ascii_space(PyUnicode_READ(kind, data, i))) {
            return 1;
        }
    }
    return 0;
}

/* ``p``, item ``i`` of list ``name``, a str (where ``tuples`` is 1: a non-empty tuple of
 * str, the first of which holds a character other than ASCII white space, so that a line
 * of the HTML fragment that holds a tooltip is never taken for a blank one; 2: a str, or
 * bytes made in UTF-8 for a sink). */
static int
check_piece(PyObject *p, int tuples, const char *name, Py_ssize_t i)
{
    if (tuples == 1) {
        if (!PyTuple_Check(p) || PyTuple_GET_SIZE(p) == 0) {
            PyErr_Format(PyExc_TypeError, "%s[%zd]: expected a non-empty tuple of str",
                         name, i);
            return -1;
        }
        PyObject *first = PyTuple_GET_ITEM(p, 0);
        if (PyUnicode_Check(first) && !visible(first)) {
            PyErr_Format(PyExc_ValueError, "%s[%zd]: the markup starts with white "
                         "space alone", name, i);
            return -1;
        }
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(p); j++) {
            if (!PyUnicode_Check(PyTuple_GET_ITEM(p, j))) {
                PyErr_Format(PyExc_TypeError, "%s[%zd][%zd]: expected str", name, i, j);
                return -1;
            }
        }
    }
    else if (!PyUnicode_Check(p) && !(tuples == 2 && PyBytes_Check(p))) {
        PyErr_Format(PyExc_TypeError, "%s[%zd]: expected str", name, i);
        return -1;
    }
    return 0;
}

/* check_piece of each item of list ``pieces``. */
static int
check_pieces(PyObject *pieces, int tuples, const char *name)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(pieces); i++) {
        if (check_piece(PyList_GET_ITEM(pieces, i), tuples, name, i) < 0) {
            return -1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * text: each annotated term followed by its entry's expansion, then a space unless the
 * next character is white space or the end of the text (render/text.py)
 * ------------------------------------------------------------------------------------- */

typedef struct {
    PyObject *text, *pieces;
    const Spans *sp;
    const unsigned char *uses;  /* piece_uses, or NULL */
} TextArgs;

static int
text_body(Out *o, const void *raw)
{
    const TextArgs *t = raw;
    Py_ssize_t n = PyUnicode_GET_LENGTH(t->text), pos = 0;
    int kind = PyUnicode_KIND(t->text);
    const void *data = PyUnicode_DATA(t->text);
    const int64_t *s = t->sp->starts.buf, *e = t->sp->ends.buf, *k = t->sp->keys.buf;
    for (Py_ssize_t i = 0; i < t->sp->n; i++) {
        if (s[i] > pos && out_range(o, kind, data, pos, s[i]) < 0) {
            return -1;
        }
        if (out_range(o, kind, data, s[i], e[i]) < 0
            || out_piece(o, PyList_GET_ITEM(t->pieces, k[i]),
                         t->uses == NULL ? 0 : t->uses[k[i]]) < 0) {
            return -1;
        }
        if (e[i] < n && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, e[i]))) {
            if (out_reserve(o, 1) < 0) {
                return -1;
            }
            out_put(o, ' ');
        }
        pos = e[i];
    }
    return pos < n ? out_range(o, kind, data, pos, n) : 0;
}

static PyObject *
render_text(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"text", "starts", "ends", "keys", "pieces", "sink", "chunk",
                            NULL};
    PyObject *starts, *ends, *keys, *sink = NULL;
    Py_ssize_t chunk = 0;
    TextArgs t;
    Spans sp;
    (void)self;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "UOOOO!|$On:render_text", names, &t.text,
                                     &starts, &ends, &keys, &PyList_Type, &t.pieces, &sink,
                                     &chunk)
        || check_pieces(t.pieces, 0, "pieces") < 0
        || spans_get(&sp, starts, ends, keys, PyUnicode_GET_LENGTH(t.text), 0,
                     PyList_GET_SIZE(t.pieces)) < 0) {
        return NULL;
    }
    t.sp = &sp;
    unsigned char *uses = sink != NULL && sink != Py_None
        ? piece_uses(sp.keys.buf, sp.n, PyList_GET_SIZE(t.pieces)) : NULL;
    t.uses = uses;
    PyObject *result = run(text_body, &t, t.text, sink, chunk);
    PyMem_Free(uses);
    spans_release(&sp);
    return result;
}

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

/* One line's <p>, from ``start`` to ``end`` (its break excluded); ``*k`` the next
 * annotation, moved past those that start before ``end``; ``*counter`` the tooltips. */
static int
html_line(Out *o, const HtmlArgs *h, Py_ssize_t *k, Py_ssize_t *counter, Py_ssize_t start,
          Py_ssize_t end)
{
    int kind = PyUnicode_KIND(h->text);
    const void *data = PyUnicode_DATA(h->text);
    const Spans *sp = h->sp;
    const int64_t *s = sp->starts.buf, *e = sp->ends.buf, *key = sp->keys.buf;
    if (blank_line(kind, data, start, end, *k < sp->n && s[*k] < end)) {
        return 0;
    }
    if (out_reserve(o, 3) < 0) {
        return -1;
    }
    out_ascii(o, "<p>", 3);
    Py_ssize_t cursor = start;
    while (*k < sp->n && s[*k] < end) {
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
    if (end > cursor && out_html(o, kind, data, cursor, end) < 0) {
        return -1;
    }
    if (out_reserve(o, 5) < 0) {
        return -1;
    }
    out_ascii(o, "</p>\n", 5);
    return 0;
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

/* ---------------------------------------------------------------------------------------
 * json: ``head``, the text as a JSON string, ``middle``, the items of render/json.py's
 * "annotations" array, ``tail``: each item after ``sep`` (a comma before all but the
 * first): ``{`` then start, end and surface, each after ``field``,
 * then the piece of its key (the rest of the object, its closing brace included); a
 * negative key -k-1 names a piece that is the whole object (an annotation with senses).
 * ------------------------------------------------------------------------------------- */

/* The longest fixed run written before a surface in one go (json_quick). */
#define QUICK 192

typedef struct {
    PyObject *text, *pieces, *sep, *field, *head, *middle, *tail;
    const Spans *sp;
    const unsigned char *uses;  /* piece_uses, or NULL */
    View *views;                /* UTF-8 sink: each piece's (views_new), or NULL */
    /* UTF-8 sink, ``sep`` and ``field`` ASCII: what goes before the start (``,`` sep
     * ``{`` field ``"start": ``; the first item without the comma), the end and the
     * surface (``,`` field ``"end": ``, ...); quick 0 otherwise */
    char lead[QUICK], before_end[QUICK], before_surface[QUICK];
    Py_ssize_t n_lead, n_before_end, n_before_surface;
    int quick;
} JsonArgs;

/* ``"lit"`` after ``pre`` (ASCII) into ``buf``: its length, or -1 if it does not fit. */
static Py_ssize_t
quick_part(char *buf, const char *pre, PyObject *field, const char *lit)
{
    Py_ssize_t a = (Py_ssize_t)strlen(pre), f = PyUnicode_GET_LENGTH(field),
               b = (Py_ssize_t)strlen(lit);
    if (a + f + b > QUICK - 1) {
        return -1;
    }
    memcpy(buf, pre, (size_t)a);
    memcpy(buf + a, PyUnicode_DATA(field), (size_t)f);
    memcpy(buf + a + f, lit, (size_t)b);
    return a + f + b;
}

/* The fixed runs of json_quick (``j->quick`` set when they are ASCII and fit). */
static void
quick_init(JsonArgs *j)
{
    j->quick = 0;
    j->n_lead = j->n_before_end = j->n_before_surface = 0;  /* (read before quick) */
    if (!PyUnicode_IS_COMPACT_ASCII(j->sep) || !PyUnicode_IS_COMPACT_ASCII(j->field)) {
        return;
    }
    Py_ssize_t ns = PyUnicode_GET_LENGTH(j->sep);
    char open[QUICK];
    if (ns + 3 > QUICK) {
        return;
    }
    open[0] = ',';
    memcpy(open + 1, PyUnicode_DATA(j->sep), (size_t)ns);
    open[ns + 1] = '{';
    open[ns + 2] = 0;
    j->n_lead = quick_part(j->lead, open, j->field, "\"start\": ");
    j->n_before_end = quick_part(j->before_end, ",", j->field, "\"end\": ");
    j->n_before_surface = quick_part(j->before_surface, ",", j->field, "\"surface\": \"");
    j->quick = j->n_lead > 0 && j->n_before_end > 0 && j->n_before_surface > 0
               && (size_t)ns == strlen(open) - 2;  /* (no NUL in sep) */
}

/* ``n`` bytes from ``src`` at ``w`` (``src`` readable and ``w`` writable QUICK_COPY
 * bytes on): at most QUICK_COPY in one copy of that fixed size (two vector moves, no
 * call), more by memcpy; the new ``w``. */
#define QUICK_COPY 32
static inline char *
quick_copy(char *w, const char *src, Py_ssize_t n)
{
    if (n <= QUICK_COPY) {
        memcpy(w, src, QUICK_COPY);
    }
    else {
        memcpy(w, src, (size_t)n);
    }
    return w + n;
}

/* ``v`` in decimal at ``w`` (24 bytes writable there), in one fixed-size copy; the new
 * ``w``. */
static inline char *
quick_uint(char *w, uint64_t v)
{
    char digits[48];  /* (the digits end at 24: 24 bytes readable from where they start) */
    char *p = digits_before(digits + 24, v);
    memcpy(w, p, 24);
    return w + (digits + 24 - p);
}

/* Item ``i``'s comma, separator and fields up to the surface's opening quote, in one
 * go where they fit in the chunk; 1 if written, 0 if not (then json_item writes them).
 * (Each part is copied in one fixed-size copy: the chunk has SLACK bytes past its
 * capacity, and the parts are QUICK long.) */
static inline int
json_quick(Out *o, const JsonArgs *j, Py_ssize_t i, int64_t s, int64_t e)
{
    Py_ssize_t need = j->n_lead + j->n_before_end + j->n_before_surface + 40;
    if (!j->quick || o->len + need > o->cap || s < 0 || e < 0) {
        return 0;
    }
    char *w = (char *)o->buf + o->len, *w0 = w;
    Py_ssize_t skip = i == 0;  /* no comma before the first */
    w = quick_copy(w, j->lead + skip, j->n_lead - skip);
    w = quick_uint(w, (uint64_t)s);
    w = quick_copy(w, j->before_end, j->n_before_end);
    w = quick_uint(w, (uint64_t)e);
    w = quick_copy(w, j->before_surface, j->n_before_surface);
    o->len += w - w0;
    return 1;
}

static int
json_item(Out *o, const JsonArgs *j, int64_t s, int64_t e)
{
    int kind = PyUnicode_KIND(j->text);
    const void *data = PyUnicode_DATA(j->text);
    if (out_reserve(o, 1) < 0) {
        return -1;
    }
    out_put(o, '{');
    if (out_str(o, j->field) < 0 || out_reserve(o, 9) < 0) {
        return -1;
    }
    out_ascii(o, "\"start\": ", 9);
    if (out_int(o, (long long)s) < 0 || out_reserve(o, 1) < 0) {
        return -1;
    }
    out_put(o, ',');
    if (out_str(o, j->field) < 0 || out_reserve(o, 7) < 0) {
        return -1;
    }
    out_ascii(o, "\"end\": ", 7);
    if (out_int(o, (long long)e) < 0 || out_reserve(o, 1) < 0) {
        return -1;
    }
    out_put(o, ',');
    if (out_str(o, j->field) < 0 || out_reserve(o, 11) < 0) {
        return -1;
    }
    out_ascii(o, "\"surface\": ", 11);
    if (out_json(o, kind, data, s, e) < 0 || out_reserve(o, 1) < 0) {
        return -1;
    }
    out_put(o, ',');
    return 0;
}

static int json_body_utf8(Out *o, const JsonArgs *j);

/* What comes before the first item: the head, the text, the middle. */
static int
json_head(Out *o, const JsonArgs *j)
{
    if (out_str(o, j->head) < 0
        || out_json(o, PyUnicode_KIND(j->text), PyUnicode_DATA(j->text), 0,
                    PyUnicode_GET_LENGTH(j->text)) < 0
        || out_str(o, j->middle) < 0) {
        return -1;
    }
    return 0;
}

/* Item i, the general way: its comma and separator, then its fields and piece, or the
 * whole item made in Python (a negative key). */
static int
json_item_general(Out *o, const JsonArgs *j, Py_ssize_t i)
{
    const int64_t *s = j->sp->starts.buf, *e = j->sp->ends.buf, *k = j->sp->keys.buf;
    if (i > 0) {
        if (out_reserve(o, 1) < 0) {
            return -1;
        }
        out_put(o, ',');
    }
    if (out_str(o, j->sep) < 0) {
        return -1;
    }
    if (k[i] < 0) {
        return out_piece(o, PyList_GET_ITEM(j->pieces, -k[i] - 1), 0);
    }
    if (json_item(o, j, s[i], e[i]) < 0
        || out_piece(o, PyList_GET_ITEM(j->pieces, k[i]),
                     j->uses == NULL ? 0 : j->uses[k[i]]) < 0) {
        return -1;
    }
    return 0;
}

static int
json_body(Out *o, const void *raw)
{
    const JsonArgs *j = raw;
    if (o->kind == UTF8_OUT && j->views != NULL) {
        return json_body_utf8(o, j);
    }
    if (json_head(o, j) < 0) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < j->sp->n; i++) {
        if (json_item_general(o, j, i) < 0) {
            return -1;
        }
    }
    return out_str(o, j->tail);
}

/* json_body into the UTF-8 buffer: the fixed runs of an item in one go where they fit
 * (json_quick), each piece through its view; the same bytes. */
static int
json_body_utf8(Out *o, const JsonArgs *j)
{
    const int64_t *s = j->sp->starts.buf, *e = j->sp->ends.buf, *k = j->sp->keys.buf;
    int kind = PyUnicode_KIND(j->text);
    const void *data = PyUnicode_DATA(j->text);
    if (json_head(o, j) < 0) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < j->sp->n; i++) {
        if (i + PIECE_AHEAD < j->sp->n && k[i + PIECE_AHEAD] >= 0) {
            /* the piece of an item ahead asked of the memory (pieces are spread over
             * the heap; the copy of each waited for its lines) */
            const View *v = &j->views[k[i + PIECE_AHEAD]];
            if (v->n >= 0) {
                __builtin_prefetch(v->p);
                __builtin_prefetch(v->p + 64);
                __builtin_prefetch(v->p + 128);
                __builtin_prefetch(v->p + 192);
            }
        }
        if (k[i] >= 0 && json_quick(o, j, i, s[i], e[i])) {
            if (out_utf8_json(o, kind, data, s[i], e[i]) < 0 || out_reserve(o, 2) < 0) {
                return -1;
            }
            out_ascii(o, "\",", 2);
            unsigned char uses = j->uses == NULL ? 0 : j->uses[k[i]];
            if (out_view(o, &j->views[k[i]], PyList_GET_ITEM(j->pieces, k[i]), uses) < 0) {
                return -1;
            }
            continue;
        }
        if (json_item_general(o, j, i) < 0) {
            return -1;
        }
    }
    return out_str(o, j->tail);
}

static PyObject *
render_json(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"text", "starts", "ends", "keys", "pieces", "sep", "field",
                            "head", "middle", "tail", "sink", "chunk", NULL};
    PyObject *starts, *ends, *keys, *sink = NULL;
    Py_ssize_t chunk = 0;
    JsonArgs j;
    Spans sp;
    (void)self;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "UOOOO!UUUUU|$On:render_json", names,
                                     &j.text, &starts, &ends, &keys, &PyList_Type, &j.pieces,
                                     &j.sep, &j.field, &j.head, &j.middle, &j.tail, &sink,
                                     &chunk)
        || check_pieces(j.pieces, 2, "pieces") < 0) {
        return NULL;
    }
    Py_ssize_t n_pieces = PyList_GET_SIZE(j.pieces);
    if (spans_get(&sp, starts, ends, keys, PyUnicode_GET_LENGTH(j.text), -n_pieces,
                  n_pieces) < 0) {
        return NULL;
    }
    j.sp = &sp;
    unsigned char *uses = sink != NULL && sink != Py_None
        ? piece_uses(sp.keys.buf, sp.n, n_pieces) : NULL;
    j.uses = uses;
    j.views = NULL;
    PyObject *result = NULL;
    int failed = 0;
    if (sink != NULL && sink != Py_None) {
        quick_init(&j);
        j.views = views_new(n_pieces);
        failed = j.views == NULL;
        /* each piece's view found before the loop, in order, the objects asked for
         * ahead (spread over the heap, read one after the other) */
        for (Py_ssize_t q = 0; !failed && q < n_pieces; q++) {
            if (q + PIECE_AHEAD < n_pieces) {
                __builtin_prefetch(PyList_GET_ITEM(j.pieces, q + PIECE_AHEAD));
            }
            failed = view_fill(&j.views[q], PyList_GET_ITEM(j.pieces, q),
                               uses == NULL ? 0 : uses[q]) < 0;
        }
    }
    if (!failed) {
        result = run(json_body, &j, j.text, sink, chunk);
    }
    PyMem_Free(j.views);
    PyMem_Free(uses);
    spans_release(&sp);
    return result;
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
           PyObject *table, int64_t *firsts)
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
            Py_ssize_t known = PyList_GET_SIZE(table);
            last_number = entry_number(numbers, table, entry);
            last = entry;
            if (last_number == known) {  /* a new entry: its first annotation */
                firsts[known] = (int64_t)i;
            }
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
    PyObject *f = PyBytes_FromStringAndSize(NULL, n * 8), *firsts = NULL;
    PyObject *numbers = PyDict_New(), *table = PyList_New(0);
    if (s != NULL && e != NULL && k != NULL && f != NULL && numbers != NULL && table != NULL
        && spans_fill(fast, (int64_t *)PyBytes_AS_STRING(s), (int64_t *)PyBytes_AS_STRING(e),
                      (int64_t *)PyBytes_AS_STRING(k), numbers, table,
                      (int64_t *)PyBytes_AS_STRING(f)) == 0) {
        firsts = PyBytes_FromStringAndSize(PyBytes_AS_STRING(f), PyList_GET_SIZE(table) * 8);
        if (firsts != NULL) {
            result = PyTuple_Pack(5, s, e, k, table, firsts);
        }
    }
    Py_XDECREF(f);
    Py_XDECREF(firsts);
    Py_DECREF(fast);
    Py_XDECREF(s);
    Py_XDECREF(e);
    Py_XDECREF(k);
    Py_XDECREF(numbers);
    Py_XDECREF(table);
    return result;
}

/* ---------------------------------------------------------------------------------------
 * group: annotations grouped by their entry number and attributes ``names`` (those that
 * decide what the JSON renderer writes after the surface), each surface checked against
 * its text
 * ------------------------------------------------------------------------------------- */

/* Whether ``surface`` is a str equal to the text's characters [a, b). */
static int
same_text(PyObject *surface, int kind, const void *data, int64_t a, int64_t b)
{
    if (!PyUnicode_Check(surface) || PyUnicode_GET_LENGTH(surface) != b - a) {
        return 0;
    }
    int skind = PyUnicode_KIND(surface);
    const void *sdata = PyUnicode_DATA(surface);
    if (skind == kind) {
        return memcmp(sdata, (const char *)data + a * kind, (size_t)(b - a) * (size_t)kind)
               == 0;
    }
    if (skind == PyUnicode_1BYTE_KIND && kind == PyUnicode_2BYTE_KIND) {
        /* the usual pair (a Latin-1 form, a text with a curly apostrophe somewhere): each
         * character widened and compared, the mismatches counted without a branch, which
         * the compiler makes a few vector steps (the generic loop read each character
         * through its kind) */
        const Py_UCS1 *f = sdata;
        const Py_UCS2 *t = (const Py_UCS2 *)data + a;
        unsigned differ = 0;
        for (Py_ssize_t i = 0; i < b - a; i++) {
            differ |= (unsigned)(f[i] ^ t[i]);
        }
        return differ == 0;
    }
    for (Py_ssize_t i = 0; i < b - a; i++) {
        if (PyUnicode_READ(skind, sdata, i) != PyUnicode_READ(kind, data, a + i)) {
            return 0;
        }
    }
    return 1;
}

/* The group number of annotation ``a``, or -1 with an error set; -2: its surface is not
 * its text. */
static int64_t
group_of(PyObject *a, int64_t entry, PyObject *names, PyObject *groups, PyObject *firsts,
         Py_ssize_t index)
{
    Py_ssize_t n = PyTuple_GET_SIZE(names);
    PyObject *key = PyTuple_New(n + 1);
    if (key == NULL) {
        return -1;
    }
    PyObject *number = PyLong_FromLongLong((long long)entry);
    if (number == NULL) {
        Py_DECREF(key);
        return -1;
    }
    PyTuple_SET_ITEM(key, 0, number);
    for (Py_ssize_t j = 0; j < n; j++) {
        PyObject *v = PyObject_GetAttr(a, PyTuple_GET_ITEM(names, j));
        if (v == NULL) {
            Py_DECREF(key);
            return -1;
        }
        PyTuple_SET_ITEM(key, j + 1, v);
    }
    int64_t group = -1;
    PyObject *got = PyDict_GetItemWithError(groups, key);
    if (got != NULL) {
        group = (int64_t)PyLong_AsSsize_t(got);
    }
    else if (!PyErr_Occurred()) {
        Py_ssize_t next = PyList_GET_SIZE(firsts);
        PyObject *g = PyLong_FromSsize_t(next), *i = PyLong_FromSsize_t(index);
        if (g != NULL && i != NULL && PyDict_SetItem(groups, key, g) == 0
            && PyList_Append(firsts, i) == 0) {
            group = (int64_t)next;
        }
        Py_XDECREF(g);
        Py_XDECREF(i);
    }
    Py_DECREF(key);
    return group;
}

static PyObject *SURFACE;  /* interned attribute name */

static int
group_fill(PyObject *text, PyObject *fast, const Spans *sp, PyObject *names,
           PyObject *groups, PyObject *firsts, int64_t *out)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    PyObject **items = PySequence_Fast_ITEMS(fast);
    const int64_t *s = sp->starts.buf, *e = sp->ends.buf, *k = sp->keys.buf;
    for (Py_ssize_t i = 0; i < sp->n; i++) {
        PyObject *surface = PyObject_GetAttr(items[i], SURFACE);
        if (surface == NULL) {
            return -1;
        }
        int same = same_text(surface, kind, data, s[i], e[i]);
        Py_DECREF(surface);
        if (!same) {
            return -2;
        }
        out[i] = group_of(items[i], k[i], names, groups, firsts, i);
        if (out[i] < 0) {
            return -1;
        }
    }
    return 0;
}

static PyObject *
group(PyObject *self, PyObject *args)
{
    PyObject *text, *annotations, *starts, *ends, *entries, *names;
    (void)self;
    if (!PyArg_ParseTuple(args, "UOOOOO!:group", &text, &annotations, &starts, &ends,
                          &entries, &PyTuple_Type, &names)) {
        return NULL;
    }
    PyObject *fast = PySequence_Fast(annotations, "group: expected a sequence");
    if (fast == NULL) {
        return NULL;
    }
    Spans sp;
    if (spans_get(&sp, starts, ends, entries, PyUnicode_GET_LENGTH(text), 0,
                  PY_SSIZE_T_MAX) < 0) {
        Py_DECREF(fast);
        return NULL;
    }
    PyObject *result = NULL;
    if (sp.n != PySequence_Fast_GET_SIZE(fast)) {
        PyErr_SetString(PyExc_ValueError, "the annotations and their arrays differ in length");
        goto done;
    }
    PyObject *keys = PyBytes_FromStringAndSize(NULL, sp.n * 8);
    PyObject *groups = PyDict_New(), *firsts = PyList_New(0);
    if (keys != NULL && groups != NULL && firsts != NULL) {
        int got = group_fill(text, fast, &sp, names, groups, firsts,
                             (int64_t *)PyBytes_AS_STRING(keys));
        if (got == -2) {
            result = Py_NewRef(Py_None);
        }
        else if (got == 0) {
            result = PyTuple_Pack(2, keys, firsts);
        }
    }
    Py_XDECREF(keys);
    Py_XDECREF(groups);
    Py_XDECREF(firsts);
done:
    spans_release(&sp);
    Py_DECREF(fast);
    return result;
}

/* ---------------------------------------------------------------------------------------
 * number: int64 values (the entries or the codes of the kept matches, glossator.kept)
 * numbered densely in order of first occurrence, by a hash table that grows with the
 * values met (not with their range, nor with the number of matches)
 * ------------------------------------------------------------------------------------- */

typedef struct {
    int64_t *values;  /* slot -> value */
    int64_t *groups;  /* slot -> its number, -1 where the slot is empty */
    size_t mask;      /* slots - 1 (a power of two) */
    size_t used;
} Numbers;

static size_t
slot_of(const Numbers *t, int64_t v)
{
    uint64_t h = (uint64_t)v * UINT64_C(0x9e3779b97f4a7c15);
    size_t i = (size_t)(h ^ (h >> 29)) & t->mask;
    while (t->groups[i] >= 0 && t->values[i] != v) {
        i = (i + 1) & t->mask;
    }
    return i;
}

static int
numbers_init(Numbers *t, size_t slots)
{
    t->values = PyMem_Malloc(slots * sizeof(int64_t));
    t->groups = PyMem_Malloc(slots * sizeof(int64_t));
    t->mask = slots - 1;
    t->used = 0;
    if (t->values == NULL || t->groups == NULL) {
        PyMem_Free(t->values);
        PyMem_Free(t->groups);
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < slots; i++) {
        t->groups[i] = -1;
    }
    return 0;
}

static void
numbers_free(Numbers *t)
{
    PyMem_Free(t->values);
    PyMem_Free(t->groups);
    t->values = t->groups = NULL;
}

/* Twice the slots, every value moved to its new slot. */
static int
numbers_grow(Numbers *t)
{
    Numbers bigger;
    if (t->mask > ((size_t)PY_SSIZE_T_MAX / sizeof(int64_t) - 1) / 2
        || numbers_init(&bigger, (t->mask + 1) * 2) < 0) {
        if (!PyErr_Occurred()) {
            PyErr_NoMemory();
        }
        return -1;
    }
    for (size_t i = 0; i <= t->mask; i++) {
        if (t->groups[i] >= 0) {
            size_t j = slot_of(&bigger, t->values[i]);
            bigger.values[j] = t->values[i];
            bigger.groups[j] = t->groups[i];
        }
    }
    bigger.used = t->used;
    numbers_free(t);
    *t = bigger;
    return 0;
}

/* keys[i]: the number of values[i]; ``*firsts`` (allocated here, ``*n_firsts`` long):
 * the index of each number's first value. */
static int
number_fill(const int64_t *values, Py_ssize_t n, int64_t *keys, int64_t **firsts,
            Py_ssize_t *n_firsts)
{
    Numbers t;
    Py_ssize_t cap = 64;
    if (numbers_init(&t, 128) < 0) {
        return -1;
    }
    *firsts = PyMem_Malloc((size_t)cap * sizeof(int64_t));
    *n_firsts = 0;
    if (*firsts == NULL) {
        numbers_free(&t);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        size_t j = slot_of(&t, values[i]);
        if (t.groups[j] < 0) {
            if (*n_firsts == cap) {
                int64_t *more = cap <= PY_SSIZE_T_MAX / 2 / (Py_ssize_t)sizeof(int64_t)
                    ? PyMem_Realloc(*firsts, (size_t)cap * 2 * sizeof(int64_t)) : NULL;
                if (more == NULL) {
                    goto fail;
                }
                *firsts = more;
                cap *= 2;
            }
            (*firsts)[*n_firsts] = (int64_t)i;
            t.values[j] = values[i];
            t.groups[j] = (int64_t)(*n_firsts)++;
            if (++t.used * 2 > t.mask + 1) {  /* at most half full */
                if (numbers_grow(&t) < 0) {
                    goto fail;
                }
                j = slot_of(&t, values[i]);
            }
        }
        keys[i] = t.groups[j];
    }
    numbers_free(&t);
    return 0;
fail:
    if (!PyErr_Occurred()) {
        PyErr_NoMemory();
    }
    numbers_free(&t);
    PyMem_Free(*firsts);
    *firsts = NULL;
    return -1;
}

static PyObject *
number(PyObject *self, PyObject *arg)
{
    (void)self;
    Py_buffer view;
    if (get_int64s(arg, &view, "values") < 0) {
        return NULL;
    }
    Py_ssize_t n = view.len / 8, n_firsts = 0;
    int64_t *firsts = NULL;
    PyObject *result = NULL;
    PyObject *keys = PyByteArray_FromStringAndSize(NULL, n * 8);
    if (keys != NULL
        && number_fill(view.buf, n, (int64_t *)PyByteArray_AS_STRING(keys), &firsts,
                       &n_firsts) == 0) {
        PyObject *f = PyBytes_FromStringAndSize((const char *)firsts, n_firsts * 8);
        if (f != NULL) {
            result = PyTuple_Pack(2, keys, f);
            Py_DECREF(f);
        }
    }
    PyMem_Free(firsts);
    Py_XDECREF(keys);
    PyBuffer_Release(&view);
    return result;
}

/* ---------------------------------------------------------------------------------------
 * pick: each match's key from its group's: ``keys[g]`` where ``checks[g]`` is None, or
 * is a str equal to the match's text; the other matches (and every match of a group
 * whose check is neither, such as False) are "misses", whose key the caller decides
 * (render/json.py: ``how`` needs the surface there), but for those whose text is the
 * check's but for its capitals (``how`` is "case": see case_only), which, when asked
 * (``cases``), get a key per group numbered from ``cases`` on
 * ------------------------------------------------------------------------------------- */

/* Whether ``c`` is a character of matching/scan.py's _PLAIN_WORDS other than the space:
 * an ASCII letter or digit, ``'``, ``-``, or a Latin-1 letter. */
static inline int
plain_char(Py_UCS4 c)
{
    if (c < 0x80) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
               || c == '\'' || c == '-';
    }
    return c >= 0xC0 && c <= 0xFF && c != 0xD7 && c != 0xF7;
}

/* ``c`` (a plain_char) in lower case, as str.lower maps it (one character in Latin-1). */
static inline Py_UCS4
plain_lower(Py_UCS4 c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE) ? c + 0x20 : c;
}

/* Whether the text's characters [a, b) are the str ``form`` with other capitals and
 * nothing else, both words of plain characters one space apart (matching/scan.py
 * _case_only, which Matcher.how reads as "case"). */
static int
case_only(PyObject *form, int kind, const void *data, int64_t a, int64_t b)
{
    if (PyUnicode_GET_LENGTH(form) != b - a || b <= a) {
        return 0;
    }
    int fkind = PyUnicode_KIND(form);
    const void *fdata = PyUnicode_DATA(form);
    int differ = 0, after_space = 1;  /* (no space first) */
    for (Py_ssize_t i = 0; i < b - a; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, a + i), f = PyUnicode_READ(fkind, fdata, i);
        if (c == ' ') {
            if (f != ' ' || after_space) {
                return 0;
            }
            after_space = 1;
            continue;
        }
        if (!plain_char(c) || !plain_char(f)) {
            return 0;
        }
        after_space = 0;
        if (c != f) {
            if (plain_lower(c) != plain_lower(f)) {
                return 0;
            }
            differ = 1;
        }
    }
    return differ && !after_space;
}

/* What pick_fill finds besides the keys: the misses, and (``case_key`` not NULL) the
 * first match and group of each group with a "case" match. */
typedef struct {
    int64_t *misses;
    Py_ssize_t cap, n;
    int64_t *case_key;  /* per group: its "case" key, or -1; NULL: not asked */
    int64_t cases;      /* the first "case" key */
    int64_t *firsts;    /* (match, group) per "case" key: room for one per group */
    Py_ssize_t n_firsts;
} Picked;

/* ``keep``: a miss's key is left its group (else 0). The misses grow as they are met
 * (most matches are not: a buffer as long as the matches would be 8 bytes a match of
 * memory for nothing). */
static int
pick_fill(PyObject *text, const Spans *sp, const int64_t *group_keys, PyObject *checks,
          int64_t *out, int keep, Picked *p)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const int64_t *s = sp->starts.buf, *e = sp->ends.buf, *g = sp->keys.buf;
    p->n = 0;
    for (Py_ssize_t i = 0; i < sp->n; i++) {
        if (i + PIECE_AHEAD < sp->n) {  /* (the checks are spread over the heap) */
            __builtin_prefetch(PyList_GET_ITEM(checks, g[i + PIECE_AHEAD]));
        }
        PyObject *check = PyList_GET_ITEM(checks, g[i]);
        if (check == Py_None || (PyUnicode_Check(check)
                                 && same_text(check, kind, data, s[i], e[i]))) {
            out[i] = group_keys[g[i]];
            continue;
        }
        if (p->case_key != NULL && PyUnicode_Check(check)
            && case_only(check, kind, data, s[i], e[i])) {
            int64_t *key = &p->case_key[g[i]];
            if (*key < 0) {
                *key = p->cases + p->n_firsts;
                p->firsts[2 * p->n_firsts] = (int64_t)i;
                p->firsts[2 * p->n_firsts + 1] = g[i];
                p->n_firsts++;
            }
            out[i] = *key;
            continue;
        }
        out[i] = keep ? g[i] : 0;  /* (``out`` may be ``groups`` itself) */
        if (p->n == p->cap) {
            int64_t *more = p->cap <= PY_SSIZE_T_MAX / 2 / (Py_ssize_t)sizeof(int64_t)
                ? PyMem_Realloc(p->misses, (size_t)p->cap * 2 * sizeof(int64_t)) : NULL;
            if (more == NULL) {
                PyErr_NoMemory();
                return -1;
            }
            p->misses = more;
            p->cap *= 2;
        }
        p->misses[p->n++] = (int64_t)i;
    }
    return 0;
}

static PyObject *
pick(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"text", "starts", "ends", "groups", "group_keys", "checks",
                            "out", "cases", NULL};
    PyObject *text, *starts, *ends, *groups, *group_keys, *checks, *into = NULL;
    long long cases = -1;
    (void)self;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "UOOOOO!|$OL:pick", names, &text,
                                     &starts, &ends, &groups, &group_keys, &PyList_Type,
                                     &checks, &into, &cases)) {
        return NULL;
    }
    if (cases > PY_SSIZE_T_MAX / 4) {
        PyErr_SetString(PyExc_ValueError, "cases: too large");
        return NULL;
    }
    Py_buffer gk, ov;
    if (get_int64s(group_keys, &gk, "group_keys") < 0) {
        return NULL;
    }
    PyObject *result = NULL, *keys = NULL;
    int held = 0;
    Spans sp;
    if (gk.len / 8 != PyList_GET_SIZE(checks)) {
        PyErr_SetString(PyExc_ValueError, "group_keys and checks differ in length");
        goto done;
    }
    if (spans_get(&sp, starts, ends, groups, PyUnicode_GET_LENGTH(text), 0,
                  PyList_GET_SIZE(checks)) < 0) {
        goto done;
    }
    int64_t *out = NULL;
    if (into != NULL && into != Py_None) {
        if (PyObject_GetBuffer(into, &ov, PyBUF_WRITABLE | PyBUF_FORMAT
                               | PyBUF_C_CONTIGUOUS) < 0) {
            goto release;
        }
        held = 1;
        if (ov.itemsize != 8 || ov.len != sp.n * 8) {
            PyErr_SetString(PyExc_ValueError, "out: expected as many int64 as matches");
            goto release;
        }
        out = ov.buf;
        keys = Py_NewRef(into);
    }
    else {
        keys = PyByteArray_FromStringAndSize(NULL, sp.n * 8);
        if (keys == NULL) {
            goto release;
        }
        out = (int64_t *)PyByteArray_AS_STRING(keys);
    }
    Py_ssize_t n_groups = PyList_GET_SIZE(checks);
    size_t room = (size_t)(n_groups ? n_groups : 1);
    Picked p = {.misses = PyMem_Malloc(256 * sizeof(int64_t)), .cap = 256, .n = 0,
                .case_key = NULL, .cases = (int64_t)cases, .firsts = NULL, .n_firsts = 0};
    if (cases >= 0) {
        p.case_key = PyMem_Malloc(room * sizeof(int64_t));
        p.firsts = PyMem_Malloc(room * 2 * sizeof(int64_t));
    }
    if (p.misses == NULL || (cases >= 0 && (p.case_key == NULL || p.firsts == NULL))) {
        PyErr_NoMemory();
    }
    else {
        for (Py_ssize_t q = 0; cases >= 0 && q < n_groups; q++) {
            p.case_key[q] = -1;
        }
        if (pick_fill(text, &sp, gk.buf, checks, out, held, &p) == 0) {
            PyObject *m = PyBytes_FromStringAndSize((const char *)p.misses, p.n * 8);
            PyObject *f = cases < 0 ? NULL
                : PyBytes_FromStringAndSize((const char *)p.firsts, p.n_firsts * 16);
            if (m != NULL && (cases < 0 || f != NULL)) {
                result = cases < 0 ? PyTuple_Pack(2, keys, m) : PyTuple_Pack(3, keys, m, f);
            }
            Py_XDECREF(m);
            Py_XDECREF(f);
        }
    }
    PyMem_Free(p.misses);
    PyMem_Free(p.case_key);
    PyMem_Free(p.firsts);
release:
    if (held) {
        PyBuffer_Release(&ov);
    }
    Py_XDECREF(keys);
    spans_release(&sp);
done:
    PyBuffer_Release(&gk);
    return result;
}

/* ---------------------------------------------------------------------------------------
 * distinct: the matches ``which`` (JSON's misses) numbered by their group and surface
 * ------------------------------------------------------------------------------------- */

/* The hash of group ``g`` and the characters [a, b) of a str of ``kind`` (FNV-1a). */
static uint64_t
surface_hash(int64_t g, int kind, const void *data, int64_t a, int64_t b)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)g;
    const unsigned char *p = (const unsigned char *)data + a * kind;
    for (int64_t i = 0, n = (b - a) * kind; i < n; i++) {
        h = (h ^ p[i]) * 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

/* One class: its first match and group (the slot is empty while ``first`` < 0). */
typedef struct {
    int64_t first, g, cls;
} Distinct;

static int
distinct_fill(PyObject *text, const int64_t *s, const int64_t *e, int64_t *keys,
              const int64_t *which, Py_ssize_t n, int64_t base, Py_ssize_t n_keys,
              int64_t *reps, Py_ssize_t *n_reps)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    size_t slots = 16;
    while (slots < (size_t)n * 2) {
        slots <<= 1;
    }
    Distinct *t = PyMem_Malloc(slots * sizeof(Distinct));
    if (t == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t q = 0; q < slots; q++) {
        t[q].first = -1;
    }
    *n_reps = 0;
    for (Py_ssize_t m = 0; m < n; m++) {
        int64_t i = which[m];
        if (i < 0 || i >= n_keys) {
            PyMem_Free(t);
            PyErr_SetString(PyExc_ValueError, "which: an index outside the matches");
            return -1;
        }
        int64_t g = keys[i];
        size_t q = (size_t)surface_hash(g, kind, data, s[i], e[i]) & (slots - 1);
        while (t[q].first >= 0) {
            int64_t f = t[q].first;
            if (t[q].g == g && e[f] - s[f] == e[i] - s[i]
                && memcmp((const char *)data + s[f] * kind, (const char *)data + s[i] * kind,
                          (size_t)((e[i] - s[i]) * kind)) == 0) {
                break;
            }
            q = (q + 1) & (slots - 1);
        }
        if (t[q].first < 0) {
            t[q].first = i;
            t[q].g = g;
            t[q].cls = *n_reps;
            reps[2 * *n_reps] = i;
            reps[2 * *n_reps + 1] = g;
            ++*n_reps;
        }
        keys[i] = base + t[q].cls;
    }
    PyMem_Free(t);
    return 0;
}

static PyObject *
distinct(PyObject *self, PyObject *args)
{
    PyObject *text, *starts, *ends, *keys, *which;
    long long base;
    (void)self;
    if (!PyArg_ParseTuple(args, "UOOOOL:distinct", &text, &starts, &ends, &keys, &which,
                          &base)) {
        return NULL;
    }
    Spans sp;
    Py_buffer kv, wv;
    if (spans_get(&sp, starts, ends, keys, PyUnicode_GET_LENGTH(text), PY_SSIZE_T_MIN,
                  PY_SSIZE_T_MAX) < 0) {
        return NULL;
    }
    PyObject *result = NULL;
    if (PyObject_GetBuffer(keys, &kv, PyBUF_WRITABLE | PyBUF_FORMAT | PyBUF_C_CONTIGUOUS)
        < 0) {
        goto release;
    }
    if (get_int64s(which, &wv, "which") < 0) {
        PyBuffer_Release(&kv);
        goto release;
    }
    if (kv.itemsize != 8 || kv.len != sp.n * 8) {
        PyErr_SetString(PyExc_ValueError, "keys: expected as many int64 as matches");
    }
    else {
        Py_ssize_t n = wv.len / 8, n_reps = 0;
        result = PyBytes_FromStringAndSize(NULL, n * 16);
        if (result != NULL
            && (distinct_fill(text, sp.starts.buf, sp.ends.buf, kv.buf, wv.buf, n,
                              (int64_t)base, sp.n, (int64_t *)PyBytes_AS_STRING(result),
                              &n_reps) < 0
                || _PyBytes_Resize(&result, n_reps * 16) < 0)) {
            Py_CLEAR(result);
        }
    }
    PyBuffer_Release(&wv);
    PyBuffer_Release(&kv);
release:
    spans_release(&sp);
    return result;
}

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
 * the sanitizer writes as &nbsp;): none of & < > U+00A0. */
static int
rich_as_is(PyObject *s)
{
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '&' || c == '<' || c == '>' || c == 0xa0) {
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

/* ---------------------------------------------------------------------------------------
 * JSON: what follows an annotation's surface, made once per code (render/json.py)
 * ------------------------------------------------------------------------------------- */

static PyObject *A_ID, *A_TERM, *A_TITLE, *A_DEFINITION, *A_TEXT, *A_IS_ALIAS, *A_URL,
    *A_SOURCE;
static PyObject *S_INFLECTED;  /* "inflected" */

/* The str of ``n`` parts, each measured here. */
static PyObject *
parts_joined(Part *parts, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        part_measure(&parts[i]);
    }
    return parts_str(parts, 0, n);
}

#define PUSH_FIELD(F, NAME, S)                                                          \
    do {                                                                                \
        parts[n++] = (Part){.how = P_RAW, .s = (F)};                                    \
        parts[n++] = (Part){.how = P_LIT, .lit = "\"" NAME "\": \"",                    \
                            .len = sizeof(NAME) + 4, .maxchar = 0x7f};                  \
        parts[n++] = (Part){.how = P_JSON, .s = (S)};                                   \
        parts[n++] = (Part){.how = P_LIT, .lit = "\",", .len = 2, .maxchar = 0x7f};     \
    } while (0)

/* Parts [0, n) (P_LIT, P_RAW a str or bytes, P_JSON) in UTF-8 as the sink writes them
 * (part_utf8): a new bytes object. A JSON piece made so for a sink is written by the
 * loop as it is, never encoded again (the pieces of a large glossary's first document
 * were made as str, then encoded). */
static PyObject *
json_parts_utf8(const Part *parts, Py_ssize_t n)
{
    Py_ssize_t bound = 64;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t b = part_utf8_bound(&parts[i]);
        if (b > PY_SSIZE_T_MAX / 2 - bound - 4096) {
            return PyErr_NoMemory();
        }
        bound += b;
    }
    unsigned char stack[2048], *buf = stack;
    if (bound + 64 > (Py_ssize_t)sizeof stack
        && (buf = PyMem_Malloc((size_t)(bound + 64))) == NULL) {
        return PyErr_NoMemory();
    }
    unsigned char *w = buf;
    buf[0] = 0;  /* (no part: nothing read from it, which GCC cannot tell at -O1) */
    for (Py_ssize_t i = 0; i < n; i++) {
        w = part_utf8(&parts[i], w);
    }
    PyObject *result = PyBytes_FromStringAndSize((const char *)buf, w - buf);
    if (buf != stack) {
        PyMem_Free(buf);
    }
    return result;
}

/* json_parts_utf8 of parts that are all bytes or ASCII str (P_RAW: a piece's fields,
 * middle and end), copied once straight into the new bytes object; the others as
 * json_parts_utf8 makes them. */
static PyObject *
bytes_joined(const Part *parts, Py_ssize_t n)
{
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *p = parts[i].s;
        if (parts[i].how != P_RAW
            || !(PyBytes_Check(p) || (PyUnicode_Check(p) && PyUnicode_IS_COMPACT_ASCII(p)))) {
            return json_parts_utf8(parts, n);
        }
        total += PyBytes_Check(p) ? PyBytes_GET_SIZE(p) : PyUnicode_GET_LENGTH(p);
    }
    PyObject *joined = PyBytes_FromStringAndSize(NULL, total);
    if (joined == NULL) {
        return NULL;
    }
    char *w = PyBytes_AS_STRING(joined);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *p = parts[i].s;
        Py_ssize_t len = PyBytes_Check(p) ? PyBytes_GET_SIZE(p) : PyUnicode_GET_LENGTH(p);
        memcpy(w, PyBytes_Check(p) ? PyBytes_AS_STRING(p) : (const char *)PyUnicode_DATA(p),
               (size_t)len);
        w += len;
    }
    return joined;
}

/* Attribute ``name`` of ``obj`` (a new reference): read in place where ``obj`` is of
 * ``type`` (not NULL), whose slot ``name`` is at ``offset`` (found by slot_offset, and
 * set), else looked up (the same value: a plain slot of an exact type). */
static inline PyObject *
attr_in_place(PyObject *obj, PyTypeObject *type, Py_ssize_t offset, PyObject *name)
{
    if (type != NULL && offset >= 0 && Py_IS_TYPE(obj, type)) {
        PyObject *v = *(PyObject **)((char *)obj + offset);
        if (v != NULL) {
            return Py_NewRef(v);
        }
    }
    return PyObject_GetAttr(obj, name);
}

/* attr_in_place, a str (a new reference), else TypeError. */
static PyObject *
str_attr(PyObject *obj, PyTypeObject *type, Py_ssize_t offset, PyObject *name)
{
    PyObject *s = attr_in_place(obj, type, offset, name);
    if (s != NULL && !PyUnicode_Check(s)) {
        PyErr_Format(PyExc_TypeError, "%U: expected a str", name);
        Py_CLEAR(s);
    }
    return s;
}

/* An entry's fields as JSON, each on a line after ``field``: entry, term, title (the
 * title, else the term) and definition; read in place where ``entry`` is of ``type``
 * (not NULL), its slots id, term, title and definition at ``offsets``. */
static PyObject *
entry_fields(PyObject *entry, PyObject *field, PyTypeObject *type, const Py_ssize_t *offsets,
             int utf8)
{
    PyObject *got[4] = {NULL, NULL, NULL, NULL};
    PyObject *result = NULL;
    PyObject *names[4] = {A_ID, A_TERM, A_TITLE, A_DEFINITION};
    for (int i = 0; i < 4; i++) {
        if (i == 2) {  /* display_title: the title unless None or empty */
            PyObject *t = attr_in_place(entry, type, offsets[2], A_TITLE);
            if (t == NULL) {
                goto done;
            }
            int empty = t == Py_None || (PyUnicode_Check(t) && PyUnicode_GET_LENGTH(t) == 0);
            if (empty || !PyUnicode_Check(t)) {
                if (!empty) {
                    Py_DECREF(t);
                    PyErr_SetString(PyExc_TypeError, "title: expected a str or None");
                    goto done;
                }
                Py_DECREF(t);
                t = Py_NewRef(got[1]);
            }
            got[2] = t;
            continue;
        }
        got[i] = str_attr(entry, type, offsets[i], names[i]);
        if (got[i] == NULL) {
            goto done;
        }
    }
    Part parts[16];
    Py_ssize_t n = 0;
    PUSH_FIELD(field, "entry", got[0]);
    PUSH_FIELD(field, "term", got[1]);
    PUSH_FIELD(field, "title", got[2]);
    PUSH_FIELD(field, "definition", got[3]);
    result = utf8 ? json_parts_utf8(parts, n) : parts_joined(parts, n);
done:
    for (int i = 0; i < 4; i++) {
        Py_XDECREF(got[i]);
    }
    return result;
}

#ifdef Py_T_OBJECT_EX
#define MEMBER_OBJECT Py_T_OBJECT_EX
#else
#define MEMBER_OBJECT T_OBJECT_EX
#endif

/* Where a slot of ``type`` named ``name`` is held in its objects (a ``__slots__``
 * member holding an object, of ``type`` or a base of it, within its objects' fixed
 * size), or -1. */
static Py_ssize_t
slot_offset(PyTypeObject *type, PyObject *name)
{
    PyObject *d = _PyType_Lookup(type, name);  /* (borrowed) */
    if (d == NULL || !Py_IS_TYPE(d, &PyMemberDescr_Type)) {
        return -1;
    }
    PyTypeObject *owner = PyDescr_TYPE(d);
    PyMemberDef *member = ((PyMemberDescrObject *)d)->d_member;
    if (owner == NULL || !PyType_IsSubtype(type, owner) || member->type != MEMBER_OBJECT
        || member->offset < (Py_ssize_t)sizeof(PyObject)
        || member->offset > owner->tp_basicsize - (Py_ssize_t)sizeof(PyObject *)) {
        return -1;
    }
    return member->offset;
}

/* The object in slot ``offset`` of ``obj`` (borrowed, maybe NULL), or NULL if there is
 * no such slot (``offset`` -1). */
static inline PyObject *
member_of(PyObject *obj, Py_ssize_t offset)
{
    return offset < 0 ? NULL : *(PyObject **)((char *)obj + offset);
}

/* How many groups json_pieces asks the memory for at once. */
#define AHEAD 16

/* The slots json_pieces reads, found once per call from the first form and entry. */
typedef struct {
    PyTypeObject *form_type, *entry_type;
    Py_ssize_t text, entry, fields[4];
    Py_ssize_t alias;  /* the form's is_alias, or -1 (then looked up) */
} Slots;

static void
slots_find(Slots *s, PyObject *forms)
{
    s->form_type = s->entry_type = NULL;  /* (held until slots_release) */
    s->alias = -1;
    if (PyTuple_GET_SIZE(forms) == 0) {
        return;
    }
    PyObject *form = PyTuple_GET_ITEM(forms, 0);
    s->text = slot_offset(Py_TYPE(form), A_TEXT);
    s->entry = slot_offset(Py_TYPE(form), ENTRY);
    if (s->text < 0 || s->entry < 0) {
        return;
    }
    PyObject *entry = member_of(form, s->entry);
    if (entry == NULL) {
        return;
    }
    PyObject *names[4] = {A_ID, A_TERM, A_TITLE, A_DEFINITION};
    for (int i = 0; i < 4; i++) {
        s->fields[i] = slot_offset(Py_TYPE(entry), names[i]);
        if (s->fields[i] < 0) {
            return;
        }
    }
    s->alias = slot_offset(Py_TYPE(form), A_IS_ALIAS);
    s->form_type = (PyTypeObject *)Py_NewRef(Py_TYPE(form));
    s->entry_type = (PyTypeObject *)Py_NewRef(Py_TYPE(entry));
}

/* Lets go of the types slots_find holds (Python code run during a call could otherwise
 * free one, and a new type take its place). */
static void
slots_release(Slots *s)
{
    Py_CLEAR(s->form_type);
    Py_CLEAR(s->entry_type);
}

#define PF(p) __builtin_prefetch((const void *)(p))

/* Asks the memory for what the groups [g, g + n) will read (a hint only: nothing is
 * read that is not checked first), stage by stage over the block, so that each
 * stage's misses (a large glossary's rows, forms, entries and their strings, spread
 * over the heap) are waited for together rather than one after the other. */
static void
prefetch_groups(const Slots *s, PyObject *rows, PyObject *forms, PyObject *keys,
                const int64_t *firsts, const int64_t *codes, const int64_t *entries,
                Py_ssize_t n_matches, Py_ssize_t g, Py_ssize_t n)
{
    PyObject *row[AHEAD], *obj[AHEAD];
    Py_ssize_t n_rows = PyTuple_GET_SIZE(rows), n_forms = PyTuple_GET_SIZE(forms);
    for (Py_ssize_t j = 0; j < n; j++) {
        int64_t k = firsts[g + j];
        int64_t r = k >= 0 && k < n_matches ? codes[k] >> 1 : -1;
        int64_t e = r >= 0 ? entries[k] : -1;
        if (e >= 0 && e < PyList_GET_SIZE(keys)) {  /* the table's key of its entry */
            PF(&PyList_GET_ITEM(keys, e));
        }
        row[j] = r >= 0 && r < n_rows ? (PyObject *)&PyTuple_GET_ITEM(rows, r) : NULL;
        if (row[j] != NULL) {
            PF(row[j]);
        }
    }
    for (Py_ssize_t j = 0; j < n; j++) {  /* the rows */
        if (row[j] != NULL) {
            row[j] = *(PyObject **)row[j];
            PF(row[j]);
            PF((char *)row[j] + 64);
        }
    }
    for (Py_ssize_t j = 0; j < n; j++) {  /* their form numbers and texts */
        if (row[j] != NULL && PyTuple_Check(row[j]) && PyTuple_GET_SIZE(row[j]) >= 3) {
            PF(PyTuple_GET_ITEM(row[j], 0));
            PF(PyTuple_GET_ITEM(row[j], 1));
        }
        else {
            row[j] = NULL;
        }
    }
    for (Py_ssize_t j = 0; j < n; j++) {  /* the forms' places */
        obj[j] = NULL;
        if (row[j] != NULL && PyLong_CheckExact(PyTuple_GET_ITEM(row[j], 0))) {
            int overflow;
            long f = PyLong_AsLongAndOverflow(PyTuple_GET_ITEM(row[j], 0), &overflow);
            if (!overflow && f >= 0 && f < n_forms) {
                obj[j] = (PyObject *)&PyTuple_GET_ITEM(forms, f);
                PF(obj[j]);
            }
        }
    }
    if (s->form_type == NULL) {
        return;
    }
    for (Py_ssize_t j = 0; j < n; j++) {  /* the forms */
        if (obj[j] != NULL) {
            obj[j] = *(PyObject **)obj[j];
            PF(obj[j]);
        }
    }
    for (Py_ssize_t j = 0; j < n; j++) {  /* their texts and entries */
        if (obj[j] != NULL && Py_IS_TYPE(obj[j], s->form_type)) {
            PF(member_of(obj[j], s->text));
            obj[j] = member_of(obj[j], s->entry);
            if (obj[j] != NULL) {
                PF(obj[j]);
                PF((char *)obj[j] + 64);
            }
        }
        else {
            obj[j] = NULL;
        }
    }
    for (Py_ssize_t j = 0; j < n; j++) {  /* the entries' strings */
        if (obj[j] != NULL && Py_IS_TYPE(obj[j], s->entry_type)) {
            for (int i = 0; i < 4; i++) {
                PyObject *field = member_of(obj[j], s->fields[i]);
                if (field != NULL) {
                    PF(field);
                    PF((char *)field + 64);
                }
            }
        }
    }
}

/* What the three batch makers share: the groups' first matches, the matches' codes
 * and entries (int64 buffers), the block prefetch over the matcher's rows and forms. */
typedef struct {
    Py_buffer views[3];
    int held;
    const int64_t *firsts, *codes, *entries;
    Py_ssize_t n_groups, n;   /* groups; matches */
    PyObject *rows, *forms, *keys;
    Slots slots;
    int in_place;             /* rows and forms are tuples: read in place, prefetched */
} Batch;

/* Opens the buffers ``firsts``, ``codes`` and ``entries`` (0), or -1 with an error. */
static int
batch_open(Batch *b, PyObject *const *buffers, PyObject *rows, PyObject *forms,
           PyObject *keys)
{
    static const char *const names[3] = {"firsts", "codes", "entries"};
    b->held = 0;
    b->rows = rows;
    b->forms = forms;
    b->keys = keys;
    b->slots = (Slots){.form_type = NULL, .entry_type = NULL, .text = -1, .entry = -1,
                       .fields = {-1, -1, -1, -1}, .alias = -1};
    for (int i = 0; i < 3; i++) {
        if (get_int64s(buffers[i], &b->views[i], names[i]) < 0) {
            return -1;
        }
        b->held = i + 1;
    }
    b->firsts = b->views[0].buf;
    b->codes = b->views[1].buf;
    b->entries = b->views[2].buf;
    b->n_groups = b->views[0].len / 8;
    b->n = b->views[1].len / 8;
    if (b->views[2].len != b->views[1].len) {
        PyErr_SetString(PyExc_ValueError, "codes and entries differ in length");
        return -1;
    }
    b->in_place = PyTuple_CheckExact(rows) && PyTuple_CheckExact(forms);
    if (b->in_place) {
        slots_find(&b->slots, forms);
    }
    return 0;
}

/* Releases what batch_open holds (also after it failed). */
static void
batch_close(Batch *b)
{
    for (int i = 0; i < b->held; i++) {
        PyBuffer_Release(&b->views[i]);
    }
    b->held = 0;
    slots_release(&b->slots);
}

/* The first match of group ``g`` (asking the memory for the block ahead at the start of
 * each), or -1 with an IndexError. */
static Py_ssize_t
batch_match(Batch *b, Py_ssize_t g)
{
    if (b->in_place && g % AHEAD == 0) {
        prefetch_groups(&b->slots, b->rows, b->forms, b->keys, b->firsts, b->codes,
                        b->entries, b->n, g, b->n_groups - g < AHEAD ? b->n_groups - g : AHEAD);
    }
    int64_t k = b->firsts[g];
    if (k < 0 || k >= b->n) {
        PyErr_Format(PyExc_IndexError, "group %zd: match %lld is not one", g, (long long)k);
        return -1;
    }
    return (Py_ssize_t)k;
}

/* The tags (variants' ``how``) a json_pieces call has met, with what follows each. */
#define HOWS_SEEN 16

typedef struct {
    PyObject *tag;     /* (held) */
    Py_hash_t hash;
    int alias;         /* the form is an alias */
    int fixed;         /* the tag says ``how`` (fixed_how): the ends below, else none */
    PyObject *end[2];  /* (held) the end after it, by elided */
} HowSeen;

/* What json_pieces shares over one call. */
typedef struct {
    PyObject *by_entry, *built, *table, *keys, *rows, *forms, *field, *how_is, *ends, *plain;
    PyObject *fixed;  /* the ends after a fixed ``how``, by (how as JSON, elided) */
    int fold;
    int utf8;  /* the pieces, the entries' fields and the codes' middles made in UTF-8, as
                * bytes (for a sink), else str */
    const Slots *slots;  /* where forms and entries hold what is read (types NULL: none) */
    HowSeen seen[HOWS_SEEN];  /* the first tags met (a glossary has a handful) */
    int n_seen;
} JsonMaker;

/* After a failed look-up (an attribute, an item): 0 with the error cleared where it
 * only means the thing is not there or not of the kind looked for, else -1 (a memory
 * error, an interrupt: kept, to be raised). */
static int
not_there(void)
{
    if (PyErr_ExceptionMatches(PyExc_AttributeError)
        || PyErr_ExceptionMatches(PyExc_LookupError)
        || PyErr_ExceptionMatches(PyExc_TypeError)
        || PyErr_ExceptionMatches(PyExc_ValueError)) {
        PyErr_Clear();
        return 0;
    }
    return -1;
}

/* ``likely`` (a form's entry, borrowed) if it is the entry of index ``e`` of a table
 * whose keys (entry ids) are ``keys``: its id is key ``e`` (ids are unique in a glossary,
 * and a table's entries are its glossary's but for the senses' entries, whose ids the
 * glossary has not), else NULL (an error set if reading its id failed). Reading the form's entry spares a
 * look-up in the table's dict of entries, which a large glossary's first document
 * waits for. */
static PyObject *
same_entry(PyObject *keys, PyObject *likely, PyObject *e, const Slots *in)
{
    PyObject *id = in == NULL ? PyObject_GetAttr(likely, A_ID)  /* (may run Python code:
                                                                 * first) */
                   : attr_in_place(likely, in->entry_type, in->fields[0], A_ID);
    if (id == NULL) {
        return NULL;
    }
    Py_ssize_t i = PyLong_AsSsize_t(e);
    int same = 0;
    if (i >= 0 && i < PyList_GET_SIZE(keys)) {  /* no Python code runs from here */
        PyObject *key = PyList_GET_ITEM(keys, i);
        same = id == key || (PyUnicode_CheckExact(id) && PyUnicode_CheckExact(key)
                             && PyUnicode_Compare(id, key) == 0);
    }
    Py_DECREF(id);
    if (PyErr_Occurred()) {
        return NULL;
    }
    return same ? likely : NULL;
}

/* The entry of index ``e`` of an entry table (kept.py _Entries: its dict of entries
 * built, the table, its keys), a new reference: ``likely`` if it is that entry, else
 * from the dict, else asked of the table; ``in`` (or NULL): where entries hold their
 * id. */
static PyObject *
table_entry(PyObject *built, PyObject *table, PyObject *keys, PyObject *e, PyObject *likely,
            const Slots *in)
{
    PyObject *entry = likely == NULL ? NULL : same_entry(keys, likely, e, in);
    if (entry == NULL && PyErr_Occurred() && not_there() < 0) {
        return NULL;
    }
    if (entry == NULL) {
        entry = PyDict_GetItemWithError(built, e);  /* (borrowed) */
    }
    if (entry != NULL) {
        return Py_NewRef(entry);
    }
    return PyErr_Occurred() ? NULL : PyObject_GetItem(table, e);
}

/* The fields of the entry of index ``e`` as JSON, made and kept in ``by_entry`` the
 * first time (borrowed from it); ``likely``: a form's entry that may be it, or NULL. */
static PyObject *
fields_of(JsonMaker *m, PyObject *e, PyObject *likely)
{
    PyObject *found = PyDict_GetItemWithError(m->by_entry, e);
    if (found != NULL || PyErr_Occurred()) {
        return found;
    }
    PyObject *entry = table_entry(m->built, m->table, m->keys, e, likely, m->slots);
    if (entry == NULL) {
        return NULL;
    }
    PyObject *made = entry_fields(entry, m->field, m->slots->entry_type, m->slots->fields,
                                  m->utf8);
    Py_DECREF(entry);
    if (made == NULL || PyDict_SetItem(m->by_entry, e, made) < 0) {
        Py_XDECREF(made);
        return NULL;
    }
    Py_DECREF(made);
    return made;  /* (held by by_entry) */
}

/* The end after ``how`` given as JSON (``fixed``), for elided or not: kept in m->fixed. */
static PyObject *
fixed_end(JsonMaker *m, PyObject *fixed, int elided)
{
    PyObject *key = Py_BuildValue("(Oi)", fixed, elided);
    if (key == NULL) {
        return NULL;
    }
    PyObject *end = PyDict_GetItemWithError(m->fixed, key);
    if (end != NULL) {
        Py_DECREF(key);
        return Py_NewRef(end);
    }
    if (!PyErr_Occurred()) {
        Part parts[4] = {{.how = P_RAW, .s = m->how_is}, {.how = P_RAW, .s = fixed},
                         {.how = P_LIT, .lit = ",", .len = 1, .maxchar = ','},
                         {.how = P_RAW, .s = PyTuple_GET_ITEM(m->ends, elided)}};
        end = parts_joined(parts, 4);
        if (end != NULL && PyDict_SetItem(m->fixed, key, end) < 0) {
            Py_CLEAR(end);
        }
    }
    Py_DECREF(key);
    return end;
}

/* ``how`` as JSON where the variant alone says it (render/json.py _fixed_how), else
 * NULL without an error; NULL with one on a failure. */
static PyObject *
fixed_how(PyObject *tag, int is_alias, int fold)
{
    int inflected = PyUnicode_Compare(tag, S_INFLECTED);
    if (inflected == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (inflected == 0) {
        return PyUnicode_FromString("\"inflected\"");
    }
    if (is_alias) {
        return PyUnicode_FromString("\"alias\"");
    }
    if (PyUnicode_GET_LENGTH(tag) && !fold) {
        Part parts[3] = {{.how = P_LIT, .lit = "\"", .len = 1, .maxchar = '"'},
                         {.how = P_JSON, .s = tag},
                         {.how = P_LIT, .lit = "\"", .len = 1, .maxchar = '"'}};
        return parts_joined(parts, 3);
    }
    return NULL;
}

/* The end after ``how`` for a variant of ``tag`` (of an alias or not) where the tag
 * says it (fixed_how): 1 with ``*end`` a new reference; 0 where it does not; -1 with an
 * error. The first tags met are kept with their ends in ``m->seen``, so that a code
 * costs no new object nor look-up here (a large glossary's first document meets tens of
 * thousands of codes, and a handful of tags). */
static int
how_end(JsonMaker *m, PyObject *tag, int is_alias, int elided, PyObject **end)
{
    *end = NULL;
    Py_hash_t hash = PyObject_Hash(tag);  /* (a str: kept in it once made) */
    if (hash == -1) {
        return -1;
    }
    HowSeen *seen = NULL;
    for (int i = 0; i < m->n_seen && seen == NULL; i++) {
        HowSeen *c = &m->seen[i];
        if (c->alias == is_alias
            && (c->tag == tag || (c->hash == hash && PyUnicode_Compare(c->tag, tag) == 0))) {
            seen = c;
        }
    }
    if (seen == NULL) {
        PyObject *fixed = fixed_how(tag, is_alias, m->fold);
        if (fixed == NULL && PyErr_Occurred()) {
            return -1;
        }
        if (m->n_seen == HOWS_SEEN) {  /* (many tags: the rest as before) */
            if (fixed == NULL) {
                return 0;
            }
            *end = fixed_end(m, fixed, elided);
            Py_DECREF(fixed);
            return *end == NULL ? -1 : 1;
        }
        PyObject *ends[2] = {NULL, NULL};
        if (fixed != NULL) {
            ends[0] = fixed_end(m, fixed, 0);
            ends[1] = ends[0] == NULL ? NULL : fixed_end(m, fixed, 1);
            Py_DECREF(fixed);
            if (ends[1] == NULL) {
                Py_XDECREF(ends[0]);
                return -1;
            }
        }
        /* (kept only whole: an entry is never half made) */
        seen = &m->seen[m->n_seen++];
        *seen = (HowSeen){.tag = Py_NewRef(tag), .hash = hash, .alias = is_alias,
                          .fixed = ends[0] != NULL, .end = {ends[0], ends[1]}};
    }
    if (!seen->fixed) {
        return 0;
    }
    *end = Py_NewRef(seen->end[elided]);
    return 1;
}

/* Tuple ``t`` out of the cyclic garbage collector's sight if none of its items is in it
 * (strs, numbers, None), as the collector would do the first time it walked it: a
 * large glossary's document keeps thousands of such tuples (a code's pieces), which each
 * collection it starts would otherwise walk until they reach the oldest generation. */
static void
untrack_flat(PyObject *t)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(t); i++) {
        if (PyObject_GC_IsTracked(PyTuple_GET_ITEM(t, i))) {
            return;
        }
    }
    PyObject_GC_UnTrack(t);
}

/* Whether ``obj`` is what the makers read rows and forms from: a sequence, or a dict by
 * index (render/splice.py Taken: those read in one go from a cache, the others asked of
 * the sequence by its __missing__). */
static inline int
indexable(PyObject *obj)
{
    return PySequence_Check(obj) || PyDict_Check(obj);
}

/* Item ``i`` of ``seq`` (a new reference): read in place from a tuple, or from a dict
 * by index (a key it has: no Python code runs), else asked of the sequence or dict (a
 * cached matcher's rows are decoded on first use: one Python call an item). */
static PyObject *
item_of(PyObject *seq, Py_ssize_t i, const char *name)
{
    if (PyTuple_CheckExact(seq)) {
        if (i < 0 || i >= PyTuple_GET_SIZE(seq)) {
            PyErr_Format(PyExc_IndexError, "%s: %zd is out of range", name, i);
            return NULL;
        }
        return Py_NewRef(PyTuple_GET_ITEM(seq, i));
    }
    if (PyDict_Check(seq)) {
        PyObject *key = PyLong_FromSsize_t(i);
        if (key == NULL) {
            return NULL;
        }
        PyObject *found = PyDict_GetItemWithError(seq, key);  /* (borrowed) */
        PyObject *item = found != NULL ? Py_NewRef(found)
                         : PyErr_Occurred() ? NULL : PyObject_GetItem(seq, key);
        Py_DECREF(key);
        return item;
    }
    return PySequence_GetItem(seq, i);
}

/* The entry of the form of ``code``'s variant (a new reference), or NULL: without an
 * error where it cannot be read (see not_there), with one on a failure. */
static PyObject *
form_entry(PyObject *rows, PyObject *forms, int64_t code)
{
    PyObject *row = code < 0 ? NULL : item_of(rows, (Py_ssize_t)(code >> 1), "rows");
    PyObject *entry = NULL;
    if (row != NULL && PyTuple_Check(row) && PyTuple_GET_SIZE(row) > 0) {
        Py_ssize_t f = PyLong_AsSsize_t(PyTuple_GET_ITEM(row, 0));
        PyObject *form = f < 0 ? NULL : item_of(forms, f, "forms");
        if (form != NULL) {
            entry = PyObject_GetAttr(form, ENTRY);
            Py_DECREF(form);
        }
    }
    Py_XDECREF(row);
    if (entry == NULL && PyErr_Occurred() && not_there() < 0) {
        return NULL;
    }
    return entry;
}

/* What is kept of ``code`` for a match of entry ``e`` (render/json.py _Pieces): (e, the
 * form's JSON, the end, the check). */
static PyObject *
code_pieces(JsonMaker *m, int64_t code, PyObject *e)
{
    if (code < 0) {
        PyErr_Format(PyExc_IndexError, "code %lld names no variant", (long long)code);
        return NULL;
    }
    PyObject *row = item_of(m->rows, (Py_ssize_t)(code >> 1), "rows");
    if (row == NULL) {
        return NULL;
    }
    PyObject *form = NULL, *text = NULL, *tag = NULL;
    PyObject *result = NULL, *middle = NULL, *end = NULL, *form_text = NULL;
    if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) < 3
        || !PyUnicode_Check(PyTuple_GET_ITEM(row, 1))
        || !PyUnicode_Check(PyTuple_GET_ITEM(row, 2))) {
        PyErr_SetString(PyExc_TypeError, "rows: expected tuples (form, text, tag, ...)");
        goto done;
    }
    text = PyTuple_GET_ITEM(row, 1);
    tag = PyTuple_GET_ITEM(row, 2);
    Py_ssize_t f = PyLong_AsSsize_t(PyTuple_GET_ITEM(row, 0));
    if (f == -1 && PyErr_Occurred()) {
        goto done;
    }
    form = item_of(m->forms, f, "forms");
    if (form == NULL) {
        goto done;
    }
    const Slots *in = m->slots;
    PyObject *likely = attr_in_place(form, in->form_type, in->entry, ENTRY);
    if (likely == NULL && not_there() < 0) {
        goto done;
    }
    PyObject *fields = fields_of(m, e, likely);
    Py_XDECREF(likely);
    if (fields == NULL) {
        goto done;
    }
    form_text = str_attr(form, in->form_type, in->text, A_TEXT);
    if (form_text == NULL) {
        goto done;
    }
    PyObject *alias = attr_in_place(form, in->form_type, in->alias, A_IS_ALIAS);
    int is_alias = alias == NULL ? -1 : alias == Py_True ? 1 : alias == Py_False ? 0
                   : PyObject_IsTrue(alias);
    Py_XDECREF(alias);
    if (is_alias < 0) {
        goto done;
    }
    Part parts[8];
    Py_ssize_t n = 0;
    PUSH_FIELD(m->field, "form", form_text);
    PUSH_FIELD(m->field, "variant", PyUnicode_GET_LENGTH(text) ? text : form_text);
    middle = m->utf8 ? json_parts_utf8(parts, n) : parts_joined(parts, n);
    if (middle == NULL) {
        goto done;
    }
    int elided = (int)(code & 1);
    int says = how_end(m, tag, is_alias, elided, &end);
    if (says > 0) {
        result = PyTuple_Pack(4, e, middle, end, Py_None);
    }
    else if (says == 0) {
        PyObject *check = PyUnicode_GET_LENGTH(tag) ? Py_False : form_text;
        result = PyTuple_Pack(4, e, middle, PyTuple_GET_ITEM(m->plain, elided), check);
    }
    if (result != NULL) {
        untrack_flat(result);
    }
done:
    Py_XDECREF(form_text);
    Py_XDECREF(middle);
    Py_XDECREF(end);
    Py_XDECREF(form);
    Py_DECREF(row);
    return result;
}

#undef PUSH_FIELD

/* One group's piece (its entry's fields, the form's, the end), check and what is kept
 * (``hit``) appended to the three lists. */
static int
json_group(JsonMaker *m, PyObject *hit, PyObject *pieces, PyObject *checks,
           PyObject *hits)
{
    PyObject *fields = fields_of(m, PyTuple_GET_ITEM(hit, 0), NULL);
    if (fields == NULL) {
        return -1;
    }
    PyObject *middle = PyTuple_GET_ITEM(hit, 1), *end = PyTuple_GET_ITEM(hit, 2);
    int kind_ok = m->utf8 ? (PyUnicode_Check(middle) || PyBytes_Check(middle))
                                && (PyUnicode_Check(fields) || PyBytes_Check(fields))
                          : PyUnicode_Check(middle) && PyUnicode_Check(fields);
    if (!kind_ok || !PyUnicode_Check(end)) {
        PyErr_SetString(PyExc_TypeError, "a kept code's pieces must be str (or, in UTF-8, "
                        "bytes)");
        return -1;
    }
    Part parts[3] = {{.how = P_RAW, .s = fields}, {.how = P_RAW, .s = middle},
                     {.how = P_RAW, .s = end}};
    PyObject *piece = m->utf8 ? bytes_joined(parts, 3) : parts_joined(parts, 3);
    if (piece == NULL) {
        return -1;
    }
    int failed = PyList_Append(pieces, piece) < 0
        || PyList_Append(checks, PyTuple_GET_ITEM(hit, 3)) < 0
        || PyList_Append(hits, hit) < 0;
    Py_DECREF(piece);
    return failed ? -1 : 0;
}

/* Whether ``hit`` (a kept code, or NULL) is one of entry ``e``'s: 1, 0, -1 on an error. */
static int
hit_of(PyObject *hit, PyObject *e)
{
    if (hit == NULL) {
        return 0;
    }
    if (!PyTuple_Check(hit) || PyTuple_GET_SIZE(hit) != 4) {
        PyErr_SetString(PyExc_TypeError, "by_code: expected 4-tuples");
        return -1;
    }
    return PyObject_RichCompareBool(PyTuple_GET_ITEM(hit, 0), e, Py_EQ);
}

/* json_pieces(firsts, codes, entries, by_code, by_entry, limit, built, table, keys, rows,
 * forms, field, how_is, ends, plain, fold): see the method table. */
static PyObject *
json_pieces(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 17) {
        PyErr_SetString(PyExc_TypeError, "json_pieces: expected 17 arguments");
        return NULL;
    }
    JsonMaker m = {.by_entry = args[4], .built = args[6], .table = args[7], .keys = args[8],
                   .rows = args[9], .forms = args[10], .field = args[11], .how_is = args[12],
                   .ends = args[13], .plain = args[14]};
    PyObject *by_code = args[3];
    Py_ssize_t limit = PyLong_AsSsize_t(args[5]);
    m.fold = PyObject_IsTrue(args[15]);
    m.utf8 = PyObject_IsTrue(args[16]);
    if ((limit == -1 && PyErr_Occurred()) || m.fold < 0 || m.utf8 < 0) {
        return NULL;
    }
    if (!PyDict_Check(by_code) || !PyDict_Check(m.by_entry) || !PyDict_Check(m.built)
        || !PyList_Check(m.keys) || !indexable(m.rows) || !indexable(m.forms)
        || !PyUnicode_Check(m.field) || !PyUnicode_Check(m.how_is) || !PyTuple_Check(m.ends) || !PyTuple_Check(m.plain)
        || PyTuple_GET_SIZE(m.ends) != 2 || PyTuple_GET_SIZE(m.plain) != 2
        || !PyUnicode_Check(PyTuple_GET_ITEM(m.ends, 0))
        || !PyUnicode_Check(PyTuple_GET_ITEM(m.ends, 1))) {
        PyErr_SetString(PyExc_TypeError, "json_pieces: by_code, by_entry and built must be "
                        "dicts, keys a list, rows and forms sequences (or dicts by index), "
                        "field and how_is str, "
                        "ends and plain pairs of str");
        return NULL;
    }
    Batch b;
    PyObject *result = NULL, *pieces = NULL, *checks = NULL, *hits = NULL;
    if (batch_open(&b, args, m.rows, m.forms, m.keys) < 0) {
        goto release;
    }
    if (!b.in_place && PyDict_Check(m.forms) && PyDict_GET_SIZE(m.forms) > 0) {
        /* forms read from a cache by index (render.splice.Taken): their slots are read
         * in place too, found from one of them */
        Py_ssize_t at = 0;
        PyObject *key, *form, *one;
        if (PyDict_Next(m.forms, &at, &key, &form) && (one = PyTuple_Pack(1, form)) != NULL) {
            slots_find(&b.slots, one);
            Py_DECREF(one);
        }
        else if (PyErr_Occurred()) {
            goto release;
        }
    }
    m.slots = &b.slots;
    m.fixed = PyDict_New();
    pieces = PyList_New(0);
    checks = PyList_New(0);
    hits = PyList_New(0);
    if (m.fixed == NULL || pieces == NULL || checks == NULL || hits == NULL) {
        goto release;
    }
    for (Py_ssize_t g = 0; g < b.n_groups; g++) {
        Py_ssize_t k = batch_match(&b, g);
        if (k < 0) {
            goto release;
        }
        PyObject *code = PyLong_FromLongLong(b.codes[k]);
        PyObject *e = code == NULL ? NULL : PyLong_FromLongLong(b.entries[k]);
        PyObject *found = e == NULL ? NULL : PyDict_GetItemWithError(by_code, code);
        Py_XINCREF(found);  /* (hit_of may run Python code that empties by_code) */
        int ok = e == NULL || PyErr_Occurred() ? -1 : hit_of(found, e);
        PyObject *hit = NULL;
        if (ok == 0) {  /* new, or the entry chosen for a sense */
            hit = code_pieces(&m, b.codes[k], e);
            ok = hit == NULL ? -1 : 1;
            if (hit != NULL && PyDict_GET_SIZE(by_code) < limit
                && PyDict_SetItem(by_code, code, hit) < 0) {
                ok = -1;
            }
        }
        else if (ok > 0) {
            hit = Py_NewRef(found);
        }
        Py_XDECREF(found);
        if (ok > 0 && json_group(&m, hit, pieces, checks, hits) < 0) {
            ok = -1;
        }
        Py_XDECREF(hit);
        Py_XDECREF(code);
        Py_XDECREF(e);
        if (ok < 0) {
            goto release;
        }
    }
    result = PyTuple_Pack(3, pieces, checks, hits);
release:
    batch_close(&b);
    for (int i = 0; i < m.n_seen; i++) {
        Py_DECREF(m.seen[i].tag);
        Py_XDECREF(m.seen[i].end[0]);
        Py_XDECREF(m.seen[i].end[1]);
    }
    Py_XDECREF(m.fixed);
    Py_XDECREF(pieces);
    Py_XDECREF(checks);
    Py_XDECREF(hits);
    return result;
}

/* The str attribute ``name`` of ``entry``, or NULL for None (a new reference, or NULL
 * with ``*failed`` set on an error or another type). */
static PyObject *
optional_str(PyObject *entry, PyObject *name, int *failed)
{
    PyObject *v = PyObject_GetAttr(entry, name);
    if (v == NULL || v == Py_None || PyUnicode_Check(v)) {
        *failed |= v == NULL;
        if (v == Py_None) {
            Py_DECREF(v);
            return NULL;
        }
        return v;
    }
    Py_DECREF(v);
    PyErr_Format(PyExc_TypeError, "%U: expected a str or None", name);
    *failed = 1;
    return NULL;
}

/* Where an entry class holds the fields a template shows (id, term, title,
 * definition, url, source: ``__slots__`` members), found from the first entry of a call
 * to templates: those of the entries of that class are then read in place, without an
 * attribute look-up each (the type is held for the call; another class, or a field
 * not held as a member, is looked up as an attribute). */
#define TEMPLATE_FIELDS 6
typedef struct {
    PyTypeObject *type;   /* NULL: not found (yet), or -1 in ``off``: looked up */
    Py_ssize_t off[TEMPLATE_FIELDS];
    int tried;
} EntrySlots;

static void
entry_slots_find(EntrySlots *es, PyObject *entry)
{
    PyObject *names[TEMPLATE_FIELDS] = {A_ID, A_TERM, A_TITLE, A_DEFINITION, A_URL,
                                        A_SOURCE};
    es->tried = 1;
    for (int i = 0; i < TEMPLATE_FIELDS; i++) {
        es->off[i] = slot_offset(Py_TYPE(entry), names[i]);
        if (es->off[i] < 0) {
            return;
        }
    }
    es->type = (PyTypeObject *)Py_NewRef(Py_TYPE(entry));
}

/* Field ``i`` of ``entry`` as optional_str gives it, read in place where ``es`` says. */
static PyObject *
entry_str(const EntrySlots *es, PyObject *entry, int i, int *failed)
{
    static PyObject **const names[TEMPLATE_FIELDS] = {&A_ID, &A_TERM, &A_TITLE,
                                                      &A_DEFINITION, &A_URL, &A_SOURCE};
    PyObject *v = es != NULL && es->type != NULL && Py_IS_TYPE(entry, es->type)
        ? member_of(entry, es->off[i]) : NULL;
    if (v == NULL) {  /* (not read in place, or unset: the look-up raises) */
        return optional_str(entry, *names[i], failed);
    }
    if (v == Py_None) {
        return NULL;
    }
    if (!PyUnicode_Check(v)) {
        PyErr_Format(PyExc_TypeError, "%U: expected a str or None", *names[i]);
        *failed = 1;
        return NULL;
    }
    return Py_NewRef(v);
}

/* The template of ``entry`` in ``layout`` (no link to a glossary page, no surface
 * shown): a new reference to a pair of tuples, None where Python must make it, NULL on
 * an error. */
static PyObject *
entry_template(int layout, PyObject *entry, int rich, int utf8, const EntrySlots *es)
{
    int failed = 0;
    PyObject *id = entry_str(es, entry, 0, &failed);
    PyObject *term = entry_str(es, entry, 1, &failed);
    PyObject *title = entry_str(es, entry, 2, &failed);
    PyObject *definition = entry_str(es, entry, 3, &failed);
    PyObject *url = entry_str(es, entry, 4, &failed);
    PyObject *source = entry_str(es, entry, 5, &failed);
    PyObject *result = NULL;
    if (!failed && (id == NULL || term == NULL || definition == NULL)) {
        PyErr_SetString(PyExc_TypeError, "an entry's id, term and definition must be str");
        failed = 1;
    }
    if (!failed) {
        PyObject *shown = title != NULL && PyUnicode_GET_LENGTH(title) ? title : term;
        result = template_make(layout, id, shown, definition, NULL, NULL, url, source, rich,
                               0, utf8);
    }
    Py_XDECREF(id);
    Py_XDECREF(term);
    Py_XDECREF(title);
    Py_XDECREF(definition);
    Py_XDECREF(url);
    Py_XDECREF(source);
    return result;
}

/* The entry of match code ``code`` (entry index ``e``) read in place, as form_entry
 * and table_entry find it, where the batch's slots say how (rows and forms tuples, the
 * form and its entry of the classes found, the entry's id the table's key ``e``): a new
 * reference, or NULL (no error) where those must look it up. */
static PyObject *
entry_in_place(const Batch *b, PyObject *keys, int64_t code, int64_t e)
{
    const Slots *sl = &b->slots;
    if (sl->form_type == NULL || code < 0 || (code >> 1) >= PyTuple_GET_SIZE(b->rows)
        || e < 0 || e >= PyList_GET_SIZE(keys)) {
        return NULL;
    }
    PyObject *row = PyTuple_GET_ITEM(b->rows, (Py_ssize_t)(code >> 1));
    if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) < 1
        || !PyLong_CheckExact(PyTuple_GET_ITEM(row, 0))) {
        return NULL;
    }
    int overflow;
    long f = PyLong_AsLongAndOverflow(PyTuple_GET_ITEM(row, 0), &overflow);
    if (overflow || f < 0 || f >= PyTuple_GET_SIZE(b->forms)) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *form = PyTuple_GET_ITEM(b->forms, f);
    PyObject *entry = Py_IS_TYPE(form, sl->form_type) ? member_of(form, sl->entry) : NULL;
    if (entry == NULL || !Py_IS_TYPE(entry, sl->entry_type)) {
        return NULL;
    }
    PyObject *id = member_of(entry, sl->fields[0]), *key = PyList_GET_ITEM(keys, e);
    if (id == NULL || !(id == key || (PyUnicode_CheckExact(id) && PyUnicode_CheckExact(key)
                                      && PyUnicode_Compare(id, key) == 0))) {
        PyErr_Clear();  /* (a failed comparison: looked up) */
        return NULL;
    }
    return Py_NewRef(entry);
}

/* One group of templates: its entry's, from ``memo`` or made (and kept there while it
 * holds fewer than ``limit``), appended to ``openings`` and ``closings`` (``utf8``: a
 * UTF-8 template made, appended to ``openings``, None to ``closings``; the memo may
 * hold either kind); None twice, and the group in ``misses``, where Python must make
 * it. */
static int
template_group(int layout, int rich, int utf8, PyObject *const *args, const Batch *b,
               Py_ssize_t k, PyObject *e, Py_ssize_t g, PyObject *lists[3],
               Py_ssize_t limit, EntrySlots *es)
{
    int64_t code = b->codes[k];
    PyObject *memo = args[10], *made = PyDict_GetItemWithError(memo, e);
    if (made != NULL) {
        Py_INCREF(made);
    }
    else if (PyErr_Occurred()) {
        return -1;
    }
    else {
        PyObject *entry = b->in_place ? entry_in_place(b, args[7], code, b->entries[k])
            : NULL;
        if (entry == NULL) {
            /* (a form read from a cache would be decoded for this alone: the table
             * then) */
            PyObject *likely = PyTuple_CheckExact(args[9])
                ? form_entry(args[8], args[9], code) : NULL;
            entry = likely == NULL && PyErr_Occurred() ? NULL
                : table_entry(args[5], args[6], args[7], e, likely, NULL);
            Py_XDECREF(likely);
        }
        if (entry != NULL && !es->tried) {
            entry_slots_find(es, entry);
        }
        made = entry == NULL ? NULL : entry_template(layout, entry, rich, utf8, es);
        Py_XDECREF(entry);
        if (made == NULL) {
            return -1;
        }
        if (made != Py_None && PyDict_GET_SIZE(memo) < limit
            && PyDict_SetItem(memo, e, made) < 0) {
            Py_DECREF(made);
            return -1;
        }
    }
    int failed;
    if (made == Py_None) {
        PyObject *at = PyLong_FromSsize_t(g);
        failed = at == NULL || PyList_Append(lists[0], Py_None) < 0
            || PyList_Append(lists[1], Py_None) < 0 || PyList_Append(lists[2], at) < 0;
        Py_XDECREF(at);
    }
    else if (PyBytes_CheckExact(made)) {
        failed = PyList_Append(lists[0], made) < 0 || PyList_Append(lists[1], Py_None) < 0;
    }
    else if (!PyTuple_Check(made) || PyTuple_GET_SIZE(made) != 2) {
        PyErr_SetString(PyExc_TypeError, "memo: expected pairs (opening, closing)");
        failed = 1;
    }
    else {
        failed = PyList_Append(lists[0], PyTuple_GET_ITEM(made, 0)) < 0
            || PyList_Append(lists[1], PyTuple_GET_ITEM(made, 1)) < 0;
    }
    Py_DECREF(made);
    return failed ? -1 : 0;
}

/* templates(layout, rich, firsts, codes, entries, built, table, keys, rows, forms, memo,
 * limit[, utf8]): see the method table. */
static PyObject *
templates(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 12 && nargs != 13) {
        PyErr_SetString(PyExc_TypeError, "templates: expected 12 or 13 arguments");
        return NULL;
    }
    int utf8 = nargs == 13 ? PyObject_IsTrue(args[12]) : 0;
    if (utf8 < 0) {
        return NULL;
    }
    long layout = PyLong_AsLong(args[0]);
    int rich = PyObject_IsTrue(args[1]);
    Py_ssize_t limit = PyLong_AsSsize_t(args[11]);
    if ((layout == -1 || limit == -1) && PyErr_Occurred()) {
        return NULL;
    }
    if (rich < 0) {
        return NULL;
    }
    if (layout < 0 || layout > 2) {
        PyErr_SetString(PyExc_ValueError, "templates: layout must be 0, 1 or 2");
        return NULL;
    }
    if (!PyDict_Check(args[5]) || !PyList_Check(args[7]) || !PySequence_Check(args[8])
        || !PySequence_Check(args[9]) || !PyDict_Check(args[10])) {
        PyErr_SetString(PyExc_TypeError, "templates: built and memo must be dicts, keys a "
                        "list, rows and forms sequences");
        return NULL;
    }
    Batch b;
    EntrySlots es = {.type = NULL, .tried = 0};
    PyObject *result = NULL, *lists[3] = {NULL, NULL, NULL};
    if (batch_open(&b, args + 2, args[8], args[9], args[7]) < 0) {
        goto release;
    }
    for (int i = 0; i < 3; i++) {
        if ((lists[i] = PyList_New(0)) == NULL) {
            goto release;
        }
    }
    for (Py_ssize_t g = 0; g < b.n_groups; g++) {
        Py_ssize_t k = batch_match(&b, g);
        PyObject *e = k < 0 ? NULL : PyLong_FromLongLong(b.entries[k]);
        int failed = e == NULL
            || template_group((int)layout, rich, utf8, args, &b, k, e, g, lists, limit,
                              &es) < 0;
        Py_XDECREF(e);
        if (failed) {
            goto release;
        }
    }
    result = PyTuple_Pack(3, lists[0], lists[1], lists[2]);
release:
    batch_close(&b);
    Py_XDECREF(es.type);
    for (int i = 0; i < 3; i++) {
        Py_XDECREF(lists[i]);
    }
    return result;
}

/* " TITLE DEFINITION" (see expansion), a new reference; None where either has white
 * space to fold. */
static PyObject *
expansion_of(PyObject *title, PyObject *definition)
{
    if (!on_one_line(title) || !on_one_line(definition)) {
        Py_RETURN_NONE;
    }
    Part parts[4] = {{.how = P_LIT, .lit = " ", .len = 1, .maxchar = ' '},
                     {.how = P_RAW, .s = title},
                     {.how = P_LIT, .lit = " ", .len = 1, .maxchar = ' '},
                     {.how = P_RAW, .s = definition}};
    return parts_joined(parts, 4);
}

/* The expansion of ``entry`` (see expansion_of). */
static PyObject *
entry_expansion(PyObject *entry)
{
    int failed = 0;
    PyObject *term = optional_str(entry, A_TERM, &failed);
    PyObject *title = optional_str(entry, A_TITLE, &failed);
    PyObject *definition = optional_str(entry, A_DEFINITION, &failed);
    PyObject *result = NULL;
    if (!failed && (term == NULL || definition == NULL)) {
        PyErr_SetString(PyExc_TypeError, "an entry's term and definition must be str");
        failed = 1;
    }
    if (!failed) {
        result = expansion_of(title != NULL && PyUnicode_GET_LENGTH(title) ? title : term,
                              definition);
    }
    Py_XDECREF(term);
    Py_XDECREF(title);
    Py_XDECREF(definition);
    return result;
}

/* expansions(firsts, codes, entries, built, table, keys, rows, forms): see the method
 * table. */
static PyObject *
expansions(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 8) {
        PyErr_SetString(PyExc_TypeError, "expansions: expected 8 arguments");
        return NULL;
    }
    if (!PyDict_Check(args[3]) || !PyList_Check(args[5]) || !PySequence_Check(args[6])
        || !PySequence_Check(args[7])) {
        PyErr_SetString(PyExc_TypeError, "expansions: built must be a dict, keys a list, "
                        "rows and forms sequences");
        return NULL;
    }
    Batch b;
    PyObject *result = NULL, *list = NULL;
    if (batch_open(&b, args, args[6], args[7], args[5]) < 0) {
        goto release;
    }
    /* appended, not set into a list made whole: the table's __getitem__ runs Python
     * code, which must never see a list with empty slots */
    if ((list = PyList_New(0)) == NULL) {
        goto release;
    }
    for (Py_ssize_t g = 0; g < b.n_groups; g++) {
        Py_ssize_t k = batch_match(&b, g);
        PyObject *e = k < 0 ? NULL : PyLong_FromLongLong(b.entries[k]);
        PyObject *likely = e == NULL || !b.in_place ? NULL  /* (see template_group) */
            : form_entry(args[6], args[7], b.codes[k]);
        PyObject *entry = e == NULL || (likely == NULL && PyErr_Occurred()) ? NULL
            : table_entry(args[3], args[4], args[5], e, likely, NULL);
        PyObject *made = entry == NULL ? NULL : entry_expansion(entry);
        Py_XDECREF(likely);
        Py_XDECREF(entry);
        Py_XDECREF(e);
        int added = made == NULL ? -1 : PyList_Append(list, made);
        Py_XDECREF(made);
        if (added < 0) {
            goto release;
        }
    }
    result = Py_NewRef(list);
release:
    batch_close(&b);
    Py_XDECREF(list);
    return result;
}

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
