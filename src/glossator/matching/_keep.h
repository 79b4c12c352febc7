/*
 * glossator._scan, second part: the matches the policies keep, chosen in C.
 *
 * Included by _scan.c (one compilation unit, so that the -Werror and sanitizer builds of
 * tests/test_c_build.py cover it); it only adds functions and does not touch the
 * scanner. Two steps, each over compact int64 arrays and never one Python object per
 * match:
 *
 *   packed_spans  the scanner's packed matches (byte offsets in the cut text) back to code
 *                 points of the caller's text: the same arithmetic as mapped(), written
 *                 as (start, end, variant * 2 + elided) int64 triples;
 *   keep          the built-in policies over those triples (policy.PolicyStream): the
 *                 occurrence policy (all, first, section), the caps per entry, and the
 *                 exclusions. The own-definition rule runs here (a search of the text
 *                 near the match for the definition's written ways); the rules that need
 *                 Python (not_in phrases, capitals) are asked of a callable, and only for
 *                 the entries that have them. What is known of an entry (flags, cap,
 *                 heads of its ways) is learnt from Python the first time one of its
 *                 matches is met, unless the glossary cache held it already; the ways
 *                 themselves (a tuple of str) are then asked for when first searched.
 *
 * The kept matches are appended to four bytearrays of int64: starts, ends, entry
 * indexes, and variant * 2 + elided (glossator.kept reads them); a fifth, if given,
 * receives the entries known from the glossary cache met for the first time.
 */

/* Flags of an entry (one byte each, filled by the `learn` callable). */
enum {
    ENTRY_KNOWN = 1, /* learnt */
    ENTRY_ASK = 2,   /* a rule that needs Python: call `check` */
    ENTRY_WAYS = 4,  /* its definition may be written out in the text: search the ways */
    ENTRY_LETTER = 8, /* a form of one letter or a Roman numeral: see letter_rule */
    ENTRY_CACHED = 16, /* known from the glossary cache, its row not read yet: `learn`
                        * reads it when the entry is first met (a damaged row is found
                        * then, as for an entry learnt in Python) */
};

/* Occurrence policies keep() applies. */
enum { KEEP_ALL = 0, KEEP_FIRST = 1, KEEP_SECTION = 2 };

/* A growing array of int64. */
typedef struct {
    int64_t *items;
    Py_ssize_t len, cap;
} Int64s;

static int
int64s_push(Int64s *a, int64_t v)
{
    if (a->len == a->cap) {
        Py_ssize_t cap = a->cap ? a->cap * 2 : 1024;
        int64_t *grown = PyMem_Realloc(a->items, (size_t)cap * sizeof(int64_t));
        if (!grown) {
            PyErr_NoMemory();
            return -1;
        }
        a->items = grown;
        a->cap = cap;
    }
    a->items[a->len++] = v;
    return 0;
}

/* Append a's items to the bytearray `out`. */
static int
int64s_flush(const Int64s *a, PyObject *out)
{
    Py_ssize_t old = PyByteArray_GET_SIZE(out);
    Py_ssize_t add = a->len * (Py_ssize_t)sizeof(int64_t);
    if (add == 0) {
        return 0;
    }
    if (PyByteArray_Resize(out, old + add) < 0) {
        return -1;
    }
    memcpy(PyByteArray_AS_STRING(out) + old, a->items, (size_t)add);
    return 0;
}

/*
 * packed_spans(raw, found, news, olds, state, base, skip, out) -> None
 *
 * mapped() without objects: the matches of `found` (Trie.scan's triples) in code points,
 * plus `base`, appended to the bytearray `out` as (start, end, variant * 2 + elided)
 * int64 triples. `skip` (one byte per variant, or None) leaves out a variant's matches.
 * `news`, `olds` and `state` as for mapped().
 */
static PyObject *
packed_spans(PyObject *module, PyObject *args)
{
    PyObject *raw_obj, *state, *skip_obj, *out;
    Py_buffer found_view, news_view, olds_view, skip_view;
    Py_ssize_t base;
    (void)module;
    if (!PyArg_ParseTuple(args, "O!y*y*y*O!nOO!", &PyBytes_Type, &raw_obj, &found_view,
                          &news_view, &olds_view, &PyList_Type, &state, &base, &skip_obj,
                          &PyByteArray_Type, &out)) {
        return NULL;
    }
    PyObject *result = NULL;
    Py_ssize_t old = PyByteArray_GET_SIZE(out), kept = 0;
    skip_view.buf = NULL;
    skip_view.obj = NULL;
    if (skip_obj != Py_None && PyObject_GetBuffer(skip_obj, &skip_view, PyBUF_SIMPLE) < 0) {
        goto done;
    }
    const uint8_t *skip = skip_view.buf;
    Py_ssize_t skip_len = skip_view.buf ? skip_view.len : 0;
    SpanCursor c;
    if (cursor_open(&c, raw_obj, &news_view, &olds_view, &found_view, state) < 0) {
        goto done;
    }
    const int64_t *found = found_view.buf;
    Py_ssize_t count = found_view.len / 24;
    /* written in place, into room for every match (nothing here calls Python, which
     * might touch `out`), then cut to what was written */
    if (count > (PY_SSIZE_T_MAX - old) / 24) {
        PyErr_NoMemory();
        goto done;
    }
    if (PyByteArray_Resize(out, old + 24 * count) < 0) {
        goto done;
    }
    char *to = PyByteArray_AS_STRING(out) + old;
    for (Py_ssize_t i = 0; i < count; i++) {
        int64_t m[3];
        memcpy(m, found + 3 * i, sizeof(m));
        Py_ssize_t cs, ce;
        if (m[2] < 0) {
            PyErr_SetString(PyExc_ValueError, "a match without its variant");
            goto done;
        }
        if (cursor_map(&c, m, &cs, &ce) < 0) {
            goto done;
        }
        if (skip != NULL && (m[2] >> 1) < skip_len && skip[m[2] >> 1]) {
            continue; /* an entry the caller has done with */
        }
        int64_t triple[3] = {cs + base, ce + base, m[2]};
        memcpy(to + 24 * kept, triple, sizeof(triple));
        kept++;
    }
    if (cursor_save(&c, state) < 0) {
        goto done;
    }
    result = Py_NewRef(Py_None);
done:
    if (PyByteArray_GET_SIZE(out) != old + 24 * kept &&
        PyByteArray_Resize(out, old + (result ? 24 * kept : 0)) < 0) {
        Py_CLEAR(result); /* (a shrink does not fail) */
    }
    PyBuffer_Release(&found_view);
    PyBuffer_Release(&news_view);
    PyBuffer_Release(&olds_view);
    if (skip_view.obj != NULL) {
        PyBuffer_Release(&skip_view);
    }
    return result;
}

/* What keep() reads: the parts of its `ctx` tuple, checked once per call. */
typedef struct {
    const int32_t *variant_entry; /* per variant: its entry's index */
    Py_ssize_t n_variants;
    uint8_t *flags;               /* per entry: ENTRY_* (from the cache, or by `learn`) */
    Py_ssize_t n_entries;
    const int64_t *caps;          /* per entry: its own cap, or -1 */
    PyObject *ways;               /* list, per entry: a tuple of str (the ways) or None */
    const int64_t *heads;         /* per entry, two: of a way, its length << 42 | its first
                                   * character << 21 | its second; 0 none, -1 look at the
                                   * ways (from the glossary cache or written by `learn`,
                                   * see ways_may_hold) */
    PyObject *learn;              /* learn(entry index) fills flags, caps, heads and ways
                                   * (or, for an entry known from the cache, reads its
                                   * row, then later its ways) */
    PyObject *check;              /* check(start, end, variant, elided) -> excluded? */
    PyObject *text;               /* str: what the ways are searched in */
    int mode;                     /* KEEP_* */
    int64_t max_per_entry;        /* or -1 */
    int64_t *seen;                /* per entry: first: 1 once kept; section: section + 1 */
    int64_t *counts;              /* per entry: kept so far (for the caps) */
    const int64_t *sections;      /* section starts, rising (KEEP_SECTION) */
    Py_ssize_t n_sections;
    int64_t *at;                  /* [0]: the current section */
    uint8_t *skip;                /* per variant, or NULL: set for a kept entry (first) */
    const int64_t *by_entry_at;   /* n_entries + 1: entry e's variants are */
    const int32_t *by_entry;      /* by_entry[by_entry_at[e] .. by_entry_at[e + 1]] */
    Py_ssize_t n_by_entry;
    const uint8_t *defer;         /* per variant, or NULL: its entry is decided by Python */
    PyObject *decide;             /* decide(start, end, variant, elided) -> entry or -1 */
    Int64s *fresh;                /* or NULL: the entries known from the cache met for the
                                   * first time (Python reads their rows in one go after) */
} KeepCtx;

/* The buffers of ctx, held while keep() runs. */
#define KEEP_VIEWS 12

static int
keep_view(PyObject *obj, Py_buffer *view, int writable, Py_ssize_t item, Py_ssize_t *count)
{
    if (PyObject_GetBuffer(obj, view, writable ? PyBUF_WRITABLE : PyBUF_SIMPLE) < 0) {
        return -1;
    }
    if (view->len % item) {
        PyBuffer_Release(view);
        view->obj = NULL;
        PyErr_SetString(PyExc_ValueError, "a buffer of keep() has a partial item");
        return -1;
    }
    *count = view->len / item;
    return 0;
}

/* Fill c from the ctx tuple (see keep()); the views to release go to views[]. */
static int
keep_ctx(PyObject *ctx, KeepCtx *c, Py_buffer *views)
{
    PyObject *variant_entry, *flags, *caps, *heads, *seen, *counts, *sections, *at, *skip,
        *by_at, *by_entry, *defer = Py_None;
    long long max_per_entry;
    c->decide = Py_None;
    if (!PyArg_ParseTuple(ctx, "OOOO!OOOOiLOOOOOOO|OO;ctx", &variant_entry, &flags, &caps,
                          &PyList_Type, &c->ways, &heads, &c->learn, &c->check, &c->text,
                          &c->mode,
                          &max_per_entry, &seen, &counts, &sections, &at, &skip, &by_at,
                          &by_entry, &defer, &c->decide)) {
        return -1;
    }
    c->max_per_entry = max_per_entry;
    Py_ssize_t n_caps, n_heads, n_seen, n_counts, n_at, n_skip = 0, n_by_at;
    if (!PyUnicode_Check(c->text) || !PyCallable_Check(c->learn) ||
        !PyCallable_Check(c->check) || c->mode < KEEP_ALL || c->mode > KEEP_SECTION) {
        PyErr_SetString(PyExc_TypeError, "bad keep() context");
        return -1;
    }
    if (keep_view(variant_entry, &views[0], 0, 4, &c->n_variants) < 0 ||
        keep_view(flags, &views[1], 1, 1, &c->n_entries) < 0 ||
        keep_view(caps, &views[2], 0, 8, &n_caps) < 0 ||
        keep_view(seen, &views[3], 1, 8, &n_seen) < 0 ||
        keep_view(counts, &views[4], 1, 8, &n_counts) < 0 ||
        keep_view(sections, &views[5], 0, 8, &c->n_sections) < 0 ||
        keep_view(at, &views[6], 1, 8, &n_at) < 0 ||
        keep_view(by_at, &views[7], 0, 8, &n_by_at) < 0 ||
        keep_view(by_entry, &views[8], 0, 4, &c->n_by_entry) < 0 ||
        keep_view(heads, &views[11], 0, 8, &n_heads) < 0) {
        return -1;
    }
    c->heads = views[11].buf;
    c->variant_entry = views[0].buf;
    c->flags = views[1].buf;
    c->caps = views[2].buf;
    c->seen = views[3].buf;
    c->counts = views[4].buf;
    c->sections = views[5].buf;
    c->at = views[6].buf;
    c->by_entry_at = views[7].buf;
    c->by_entry = views[8].buf;
    c->skip = NULL;
    if (skip != Py_None) {
        if (keep_view(skip, &views[9], 1, 1, &n_skip) < 0) {
            return -1;
        }
        c->skip = views[9].buf;
    }
    c->defer = NULL;
    Py_ssize_t n_defer = 0;
    if (defer != Py_None) {
        if (!PyCallable_Check(c->decide)) {
            PyErr_SetString(PyExc_TypeError, "decide must be callable");
            return -1;
        }
        if (keep_view(defer, &views[10], 0, 1, &n_defer) < 0) {
            return -1;
        }
        c->defer = views[10].buf;
    }
    Py_ssize_t e = c->n_entries;
    if (n_caps != e || n_heads != 2 * e || n_seen != e || n_counts != e || n_at != 1 ||
        PyList_GET_SIZE(c->ways) != e || n_by_at != e + 1 ||
        (c->skip != NULL && n_skip != c->n_variants) ||
        (c->defer != NULL && n_defer != c->n_variants)) {
        PyErr_SetString(PyExc_ValueError, "the tables of keep() do not agree in size");
        return -1;
    }
    /* the tables as large as the glossary are checked where they are read (an entry
     * index, an entry's variants), not all through on each call: that was most of the
     * time of a page's call with 100 000 entries */
    if (c->by_entry_at[0] != 0 || c->by_entry_at[e] != c->n_by_entry) {
        PyErr_SetString(PyExc_ValueError, "bad variants by entry");
        return -1;
    }
    return 0;
}

/* Whether `way` is written in `text` at a position from lo to hi (both included), as
 * str.find(way, lo, hi + len(way)) != -1 says: compared in place, character by
 * character (PyUnicode_Find made the way the text's width first, each time: an
 * allocation a match of an entry whose definition holds it). */
static int
way_between(PyObject *text, PyObject *way, Py_ssize_t lo, Py_ssize_t hi)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), len = PyUnicode_GET_LENGTH(way);
    if (hi > n - len) {
        hi = n - len;
    }
    if (len == 0) {
        return lo <= hi;
    }
    int tkind = PyUnicode_KIND(text), wkind = PyUnicode_KIND(way);
    const void *tdata = PyUnicode_DATA(text), *wdata = PyUnicode_DATA(way);
    Py_UCS4 first = PyUnicode_READ(wkind, wdata, 0);
    for (Py_ssize_t p = lo; p <= hi; p++) {
        if (PyUnicode_READ(tkind, tdata, p) != first) {
            continue;
        }
        Py_ssize_t k = 1;
        while (k < len &&
               PyUnicode_READ(tkind, tdata, p + k) == PyUnicode_READ(wkind, wdata, k)) {
            k++;
        }
        if (k == len) {
            return 1;
        }
    }
    return 0;
}

/* Whether text[p] == c0 and text[p + 1] == c1 for some p from lo to hi (both included;
 * hi + 1 < the text's length). With SSE2, eight or sixteen places at a time: lanes p to
 * p + 7 (or 15) all at most hi, so that the second load's last lane, p + 8 (or 16), is
 * at most hi + 1. */
#define HEAD_AT(type)                                                                   \
    do {                                                                                \
        const type *t = (const type *)data;                                             \
        for (; p <= hi; p++) {                                                          \
            if (t[p] == c0 && t[p + 1] == c1) {                                         \
                return 1;                                                               \
            }                                                                           \
        }                                                                               \
    } while (0)

static int
head_between(PyObject *text, Py_UCS4 c0, Py_UCS4 c1, Py_ssize_t lo, Py_ssize_t hi)
{
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t p = lo;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        if (c0 > 0xFF || c1 > 0xFF) {
            return 0;
        }
#if defined(__SSE2__)
        {
            const __m128i v0 = _mm_set1_epi8((char)c0), v1 = _mm_set1_epi8((char)c1);
            for (; p + 15 <= hi; p += 16) {
                const uint8_t *at = (const uint8_t *)data + p;
                __m128i a = _mm_loadu_si128((const __m128i *)at);
                __m128i b = _mm_loadu_si128((const __m128i *)(at + 1));
                if (_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, v0),
                                                    _mm_cmpeq_epi8(b, v1)))) {
                    return 1;
                }
            }
        }
#endif
        HEAD_AT(Py_UCS1);
        break;
    case PyUnicode_2BYTE_KIND:
        if (c0 > 0xFFFF || c1 > 0xFFFF) {
            return 0;
        }
#if defined(__SSE2__)
        {
            const __m128i v0 = _mm_set1_epi16((short)c0), v1 = _mm_set1_epi16((short)c1);
            for (; p + 7 <= hi; p += 8) {
                const Py_UCS2 *at = (const Py_UCS2 *)data + p;
                __m128i a = _mm_loadu_si128((const __m128i *)at);
                __m128i b = _mm_loadu_si128((const __m128i *)(at + 1));
                if (_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi16(a, v0),
                                                    _mm_cmpeq_epi16(b, v1)))) {
                    return 1;
                }
            }
        }
#endif
        HEAD_AT(Py_UCS2);
        break;
    default:
        HEAD_AT(Py_UCS4);
    }
    return 0;
}
#undef HEAD_AT

/* Whether a way of entry `ent` may be written out around the match [s, e): its first two
 * characters are somewhere it could start (what inside_ways then checks in full). It
 * reads two integers per entry, not the ways' objects: at 100 000 entries, loading those
 * (a tuple and a str a match, spread over the heap) was a fifth of `all`. */
static int
ways_may_hold(const KeepCtx *c, Py_ssize_t ent, Py_ssize_t s, Py_ssize_t e)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(c->text);
    for (int i = 0; i < 2; i++) {
        int64_t h = c->heads[2 * ent + i];
        if (h < 0) {
            return 1;
        }
        Py_ssize_t len = (Py_ssize_t)(h >> 42);
        if (h == 0 || e - s > len || len < 2) {
            continue;
        }
        Py_ssize_t lo = e - len > 0 ? e - len : 0, hi = s < n - len ? s : n - len;
        if (lo <= hi && head_between(c->text, (Py_UCS4)((h >> 21) & 0x1FFFFF),
                                     (Py_UCS4)(h & 0x1FFFFF), lo, hi)) {
            return 1;
        }
    }
    return 0;
}

/* Whether the match [s, e) lies inside one of the ways (a tuple of str) written out in
 * the text: an occurrence at p contains it when e - len <= p <= s. -1 on error. */
static int
inside_ways(PyObject *text, PyObject *ways, Py_ssize_t s, Py_ssize_t e)
{
    if (!PyTuple_Check(ways)) {
        PyErr_SetString(PyExc_TypeError, "the ways of an entry must be a tuple");
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(ways); i++) {
        PyObject *way = PyTuple_GET_ITEM(ways, i);
        if (!PyUnicode_Check(way)) {
            PyErr_SetString(PyExc_TypeError, "a way must be a str");
            return -1;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(way);
        if (e - s > len) {
            continue;
        }
        Py_ssize_t lo = e - len > 0 ? e - len : 0;
        if (way_between(text, way, lo, s)) {
            return 1;
        }
    }
    return 0;
}

/* policy.letter_or_number in C, as far as plain tests of the characters around the
 * match go: 1 when they drop it (an elided letter, a letter of code or a notation), 0
 * when none of its rules can, 2 when Python must look (an initial, a Roman numeral:
 * rare, and read with regular expressions). */
static int
letter_rule(PyObject *text, Py_ssize_t s, Py_ssize_t e)
{
    static const char roman[] = "IVXLCDM";
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_UCS4 first = PyUnicode_READ(kind, data, s);
    if (e - s != 1) { /* a Roman numeral only in capitals, of these letters */
        for (Py_ssize_t i = s; i < e; i++) {
            Py_UCS4 ch = PyUnicode_READ(kind, data, i);
            if (ch == 0 || ch > 'X' || !strchr(roman, (int)ch)) {
                return 0;
            }
        }
        return 2;
    }
    if (!Py_UNICODE_ISALPHA(first)) {
        return 0;
    }
    Py_UCS4 after = e < n ? PyUnicode_READ(kind, data, e) : 0;
    Py_UCS4 before = s > 0 ? PyUnicode_READ(kind, data, s - 1) : 0;
    if ((after == '\'' || after == 0x2019 || after == 0x02BC || after == 0x2018 ||
         after == 0x2032) && e + 1 < n && Py_UNICODE_ISALPHA(PyUnicode_READ(kind, data, e + 1))) {
        return 1; /* ELIDED_LETTER */
    }
    if ((before && before < 0x80 && strchr("\\=~/+*^|#$%<>_{[@&", (int)before)) ||
        (after && after < 0x80 && strchr("\\=/+*^|#$%<>_}]@&(", (int)after))) {
        return 1; /* NOTATION */
    }
    if ((first == 'X' || first == 'x') && before == ' ' && after == ' ') {
        /* policy._times: 2 X 3, (a) X (b), each side read where the text has it */
        Py_UCS4 left = s >= 2 ? PyUnicode_READ(kind, data, s - 2) : 0;
        Py_UCS4 right = e + 1 < n ? PyUnicode_READ(kind, data, e + 1) : 0;
        if ((left && (Py_UNICODE_ISDIGIT(left) || left == ')' || left == ']')) ||
            right == '(' || right == '[') {
            return 1;
        }
    }
    if (after == '.' || after == 0x2026 || after == 0xB0 || after == 0xBA || before == '.' ||
        ((before == ' ' || before == 0xA0 || before == 0x202F) && s >= 2 &&
         PyUnicode_READ(kind, data, s - 2) == '.')) {
        return 2; /* perhaps an initial, or N° */
    }
    return first <= 'X' && strchr(roman, (int)first) ? 2 : 0;
}

/* Whether the exclusions drop match m (entry ent): 1, 0, or -1 on error. */
static int
keep_excluded(KeepCtx *c, const int64_t *m, Py_ssize_t ent)
{
    uint8_t f = c->flags[ent];
    if ((f & ENTRY_LETTER) && !(f & ENTRY_ASK)) {
        int rule = letter_rule(c->text, (Py_ssize_t)m[0], (Py_ssize_t)m[1]);
        if (rule == 1) {
            return 1;
        }
        if (rule == 2) {
            f |= ENTRY_ASK; /* what Python's check says, for this match */
        }
    }
    if (f & ENTRY_ASK) {
        PyObject *r = PyObject_CallFunction(c->check, "LLn", (long long)m[0],
                                            (long long)m[1], ent);
        if (!r) {
            return -1;
        }
        int yes = PyObject_IsTrue(r);
        Py_DECREF(r);
        if (yes != 0) {
            return yes;
        }
    }
    if (f & ENTRY_WAYS) {
        if (ent >= PyList_GET_SIZE(c->ways)) {
            PyErr_SetString(PyExc_ValueError, "the ways of keep() were cut short");
            return -1;
        }
        if (!ways_may_hold(c, ent, (Py_ssize_t)m[0], (Py_ssize_t)m[1])) {
            return 0;
        }
        if (PyList_GET_ITEM(c->ways, ent) == Py_None) {
            /* an entry known from the glossary cache (flags, cap and heads, not the ways
             * themselves): `learn` reads its ways, now that they are needed */
            PyObject *r = PyObject_CallFunction(c->learn, "n", ent);
            if (!r) {
                return -1;
            }
            Py_DECREF(r);
            if (ent >= PyList_GET_SIZE(c->ways)) {
                PyErr_SetString(PyExc_ValueError, "the ways of keep() were cut short");
                return -1;
            }
        }
        return inside_ways(c->text, PyList_GET_ITEM(c->ways, ent), (Py_ssize_t)m[0],
                           (Py_ssize_t)m[1]);
    }
    return 0;
}

/* The entry of match m, whose variant's entry is deferred: what `decide` says (an
 * entry index), -1 when the match is dropped, -2 on error. */
static Py_ssize_t
keep_decide(KeepCtx *c, const int64_t *m)
{
    PyObject *r = PyObject_CallFunction(c->decide, "LLLO", (long long)m[0],
                                        (long long)m[1], (long long)(m[2] >> 1),
                                        m[2] & 1 ? Py_True : Py_False);
    if (!r) {
        return -2;
    }
    Py_ssize_t ent = PyLong_AsSsize_t(r);
    Py_DECREF(r);
    if (ent == -1 && PyErr_Occurred()) {
        return -2;
    }
    if (ent < -1 || ent >= c->n_entries) {
        PyErr_SetString(PyExc_ValueError, "decide() gave an entry out of range");
        return -2;
    }
    return ent;
}

/* Learn entry ent from Python if it is new; -1 on error. */
static int
keep_learn(KeepCtx *c, Py_ssize_t ent)
{
    uint8_t f = c->flags[ent];
    if ((f & (ENTRY_KNOWN | ENTRY_CACHED)) == ENTRY_KNOWN) {
        return 0;
    }
    if ((f & ENTRY_KNOWN) && c->fresh != NULL) { /* its row read with the others' */
        c->flags[ent] = (uint8_t)(f & ~ENTRY_CACHED);
        return int64s_push(c->fresh, ent);
    }
    PyObject *r = PyObject_CallFunction(c->learn, "n", ent);
    if (!r) {
        return -1;
    }
    Py_DECREF(r);
    if ((c->flags[ent] & (ENTRY_KNOWN | ENTRY_CACHED)) != ENTRY_KNOWN) {
        PyErr_SetString(PyExc_RuntimeError, "learn() did not learn the entry");
        return -1;
    }
    return 0;
}

/* Whether the policy and caps keep match m (its exclusions passed or not yet checked):
 * KEEP_FIRST and KEEP_SECTION pass over an entry already kept (in its section); -1 on
 * error (the current section out of range). */
static int
keep_fresh(KeepCtx *c, const int64_t *m, Py_ssize_t ent)
{
    if (c->mode == KEEP_FIRST) {
        return c->seen[ent] == 0;
    }
    if (c->mode == KEEP_SECTION) {
        int64_t k = c->at[0]; /* (a writable array a callback may change: checked) */
        if (k < 0 || (k >= c->n_sections && k != 0)) {
            PyErr_SetString(PyExc_ValueError, "keep(): the current section is out of range");
            return -1;
        }
        while (k + 1 < c->n_sections && c->sections[k + 1] <= m[0]) {
            k++;
        }
        c->at[0] = k;
        return c->seen[ent] != k + 1;
    }
    return 1;
}

/* Mark entry ent kept (first, section), count it against its cap: whether it is kept
 * (1, 0), or -1 on error (its variants out of range). */
static int
keep_count(KeepCtx *c, Py_ssize_t ent)
{
    if (c->mode == KEEP_FIRST) {
        c->seen[ent] = 1;
        if (c->skip != NULL) { /* the scanner may stop returning its variants */
            int64_t lo = c->by_entry_at[ent], hi = c->by_entry_at[ent + 1];
            if (lo < 0 || lo > hi || hi > c->n_by_entry) {
                PyErr_SetString(PyExc_ValueError, "bad variants by entry");
                return -1;
            }
            for (int64_t i = lo; i < hi; i++) {
                int32_t v = c->by_entry[i];
                if (v < 0 || v >= c->n_variants) {
                    PyErr_SetString(PyExc_ValueError, "bad variants by entry");
                    return -1;
                }
                c->skip[v] = 1;
            }
        }
    }
    else if (c->mode == KEEP_SECTION) {
        c->seen[ent] = c->at[0] + 1;
    }
    int64_t cap = c->caps[ent];
    if (c->max_per_entry >= 0 && (cap < 0 || c->max_per_entry < cap)) {
        cap = c->max_per_entry;
    }
    if (cap >= 0) {
        if (c->counts[ent] >= cap) {
            return 0;
        }
        c->counts[ent]++;
    }
    return 1;
}

/* How many matches ahead keep() asks for what it reads about a match: its variant's
 * entry (KEEP_AHEAD * 2 ahead), then that entry's flags, cap, heads and state
 * (KEEP_AHEAD ahead, once its index has come). At 100 000 entries each of these is a
 * likely cache miss, and one match's wait no longer holds up the next ones. */
#define KEEP_AHEAD 8

#if defined(__GNUC__)
__attribute__((always_inline)) /* else GCC finds it has no effect and drops the call */
#endif
static inline void
keep_prefetch(const KeepCtx *c, const int64_t *found, Py_ssize_t i, Py_ssize_t count)
{
#if defined(__GNUC__)
    if (i + 2 * KEEP_AHEAD < count) {
        int64_t v = found[3 * (i + 2 * KEEP_AHEAD) + 2] >> 1;
        if (v >= 0 && v < c->n_variants) {
            __builtin_prefetch(&c->variant_entry[v]);
        }
    }
    if (i + KEEP_AHEAD < count) {
        int64_t v = found[3 * (i + KEEP_AHEAD) + 2] >> 1;
        if (v >= 0 && v < c->n_variants) {
            Py_ssize_t ent = c->variant_entry[v];
            if (ent >= 0 && ent < c->n_entries) {
                __builtin_prefetch(&c->flags[ent]);
                __builtin_prefetch(&c->caps[ent]);
                __builtin_prefetch(&c->heads[2 * ent]);
                __builtin_prefetch(&c->seen[ent]);
            }
        }
    }
#else
    (void)c, (void)found, (void)i, (void)count;
#endif
}

/*
 * keep(found, ctx, out) -> None
 *
 * The matches of `found` (int64 triples start, end, variant * 2 + elided, in text order)
 * that the built-in policies keep, appended to the four bytearrays of the tuple `out`
 * (starts, ends, entries, variant * 2 + elided: int64 each); a fifth bytearray, if
 * given, receives the entries known from the glossary cache (ENTRY_CACHED) met for the
 * first time, whose rows the caller then reads in one go (without it, `learn` is called
 * for each). `ctx` is the tuple
 * (variant_entry int32[variants], flags uint8[entries], caps int64[entries], ways list,
 * heads int64[2 * entries], learn, check, text, mode, max_per_entry, seen int64[entries], counts int64[entries],
 * sections int64[], at int64[1], skip bytearray | None, by_entry_at int64[entries + 1],
 * by_entry int32[][, defer uint8[variants] | None, decide]): see KeepCtx. seen, counts and at carry one document's state from
 * batch to batch.
 */
static PyObject *
keep(PyObject *module, PyObject *args)
{
    PyObject *ctx, *out;
    Py_buffer found_view;
    (void)module;
    if (!PyArg_ParseTuple(args, "y*O!O!", &found_view, &PyTuple_Type, &ctx, &PyTuple_Type,
                          &out)) {
        return NULL;
    }
    PyObject *result = NULL;
    Py_buffer views[KEEP_VIEWS];
    for (int i = 0; i < KEEP_VIEWS; i++) {
        views[i].obj = NULL;
    }
    Int64s fresh = {NULL, 0, 0};
    /* the four columns, written in place: each bytearray grown by room for every match,
     * held (a Python callback cannot resize it while it is), then cut to what was kept */
    Py_buffer cols[4];
    Py_ssize_t old[4] = {0, 0, 0, 0}, kept = 0;
    int grown = 0;
    for (int i = 0; i < 4; i++) {
        cols[i].obj = NULL;
    }
    KeepCtx c;
    Py_ssize_t n_out = PyTuple_GET_SIZE(out);
    if ((n_out != 4 && n_out != 5) || keep_ctx(ctx, &c, views) < 0) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_ValueError, "out must be four or five bytearrays");
        }
        goto done;
    }
    for (Py_ssize_t i = 0; i < n_out; i++) {
        if (!PyByteArray_Check(PyTuple_GET_ITEM(out, i))) {
            PyErr_SetString(PyExc_TypeError, "out must be four or five bytearrays");
            goto done;
        }
    }
    c.fresh = n_out == 5 ? &fresh : NULL;
    if (found_view.len % 24) {
        PyErr_SetString(PyExc_ValueError, "matches are three int64 each");
        goto done;
    }
    const int64_t *found = found_view.buf;
    Py_ssize_t count = found_view.len / 24;
    char *to[4];
    for (int k = 0; k < 4; k++) {
        PyObject *col = PyTuple_GET_ITEM(out, k);
        old[k] = PyByteArray_GET_SIZE(col);
        if (count > (PY_SSIZE_T_MAX - old[k]) / 8) {
            PyErr_NoMemory();
            goto done;
        }
    }
    for (int k = 0; k < 4; k++) {
        PyObject *col = PyTuple_GET_ITEM(out, k);
        if (PyByteArray_Resize(col, old[k] + 8 * count) < 0) {
            goto done;
        }
        grown = k + 1;
        if (PyObject_GetBuffer(col, &cols[k], PyBUF_WRITABLE) < 0) {
            cols[k].obj = NULL;
            goto done;
        }
        to[k] = (char *)cols[k].buf + old[k];
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        int64_t m[3];
        memcpy(m, found + 3 * i, sizeof(m));
        keep_prefetch(&c, found, i, count);
        if (m[2] < 0 || (m[2] >> 1) >= c.n_variants) {
            PyErr_SetString(PyExc_IndexError, "variant out of range");
            goto done;
        }
        if (m[0] < 0 || m[1] <= m[0] || m[1] > PyUnicode_GET_LENGTH(c.text)) {
            /* the rules read the text around a match (letter_rule, the ways) */
            PyErr_SetString(PyExc_ValueError, "a match outside the text");
            goto done;
        }
        Py_ssize_t ent = c.variant_entry[m[2] >> 1];
        if (ent < 0 || ent >= c.n_entries) {
            PyErr_SetString(PyExc_ValueError, "an entry index out of range");
            goto done;
        }
        if (c.defer != NULL && c.defer[m[2] >> 1]) {
            ent = keep_decide(&c, m); /* every candidate, in order: the senses' state */
            if (ent == -2) {
                goto done;
            }
            if (ent == -1) {
                continue;
            }
        }
        int fresh = keep_fresh(&c, m, ent);
        if (fresh < 0) {
            goto done;
        }
        if (!fresh) {
            continue;
        }
        if (keep_learn(&c, ent) < 0) {
            goto done;
        }
        int gone = keep_excluded(&c, m, ent);
        if (gone < 0) {
            goto done;
        }
        int counted = gone ? 0 : keep_count(&c, ent);
        if (counted < 0) {
            goto done;
        }
        if (!counted) {
            continue;
        }
        int64_t row[4] = {m[0], m[1], (int64_t)ent, m[2]};
        for (int k = 0; k < 4; k++) {
            memcpy(to[k] + 8 * kept, &row[k], 8);
        }
        kept++;
    }
    if (n_out == 5 && int64s_flush(&fresh, PyTuple_GET_ITEM(out, 4)) < 0) {
        goto done;
    }
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(fresh.items);
    for (int k = 0; k < 4; k++) {
        if (cols[k].obj != NULL) {
            PyBuffer_Release(&cols[k]);
        }
    }
    for (int k = 0; k < grown; k++) { /* (a shrink does not fail) */
        if (PyByteArray_Resize(PyTuple_GET_ITEM(out, k), old[k] + (result ? 8 * kept : 0)) < 0) {
            Py_CLEAR(result);
        }
    }
    for (int i = 0; i < KEEP_VIEWS; i++) {
        if (views[i].obj != NULL) {
            PyBuffer_Release(&views[i]);
        }
    }
    PyBuffer_Release(&found_view);
    return result;
}

#define KEEP_METHODS                                                                      \
    {"packed_spans", packed_spans, METH_VARARGS,                                         \
     "packed_spans(raw, found, news, olds, state, base, skip, out) -> None: mapped() "  \
     "as int64 triples appended to out"},                                                \
    {"keep", keep, METH_VARARGS,                                                         \
     "keep(found, ctx, out) -> None: the matches the built-in policies keep, as int64 " \
     "columns appended to out"},
