/*
 * glossator.render._splice, one part of the module.
 *
 * The UTF-8 writers every format shares (characters encoded into the buffer, flushed to
 * the sink as it fills), and the three int64 arrays every loop is handed, checked
 * against the text and the pieces.
 *
 * Included once by _splice.c, in the order it names the parts (one compilation unit:
 * what the parts before this one define is in scope here, and the -Werror and sanitizer
 * builds of tests/test_c_build.py cover it); not a header to include anywhere else.
 */

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

/* The str-output escapers of html and json text: the runs between the characters that
 * ``first`` finds copied whole, each such character written by ``escape`` (a macro, not
 * a function pointer, so that each keeps its finder's vector loop inlined). */
#define STR_ESCAPED(name, first, escape)                                                \
    static int                                                                          \
    name(Out *o, int kind, const void *data, Py_ssize_t a, Py_ssize_t b)                \
    {                                                                                   \
        Py_ssize_t run = a;                                                             \
        for (Py_ssize_t i = first(kind, data, a, b); i < b;                             \
             i = first(kind, data, i + 1, b)) {                                         \
            if (out_range(o, kind, data, run, i) < 0                                    \
                || escape(o, PyUnicode_READ(kind, data, i)) < 0) {                      \
                return -1;                                                              \
            }                                                                           \
            run = i + 1;                                                                \
        }                                                                               \
        return out_range(o, kind, data, run, b);                                        \
    }

STR_ESCAPED(str_html, first_html_special, html_escape)

/* The text's characters [a, b) escaped as render/html.escape(piece, quote=False) does,
 * the runs between the characters escaped copied whole. */
static int
out_html(Out *o, int kind, const void *data, Py_ssize_t a, Py_ssize_t b)
{
    if (o->kind == UTF8_OUT) {
        return out_utf8_html(o, kind, data, a, b);
    }
    return str_html(o, kind, data, a, b);
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
STR_ESCAPED(str_json, first_json_special, json_escape)

/* The text's characters [a, b) as a JSON string, quotes included, as the C encoder of
 * the json module writes it with ensure_ascii=False. */
static int
out_json(Out *o, int kind, const void *data, Py_ssize_t a, Py_ssize_t b)
{
    if (out_reserve(o, 1) < 0) {
        return -1;
    }
    out_put(o, '"');
    if ((o->kind == UTF8_OUT ? out_utf8_json(o, kind, data, a, b)
                             : str_json(o, kind, data, a, b)) < 0) {
        return -1;
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
