/* Page mode's tokenizer loop in C: glossator.documents._pagescan.
 *
 * scan() walks an HTML page as glossator.documents.html._Scanner._scan_python does, one
 * '<' at a time, and does itself what most tokens need: it reads a tag as _TOKEN_RE
 * reads it, lowers its name, opens and closes plain elements on the scanner's stack,
 * notes inline formatting tags, and passes over white space and skipped text. Whatever
 * needs a decision goes back to the scanner's own Python methods, the same ones the
 * Python loop calls: a tag whose attributes may matter (_fast_start), an element that
 * is not plain (_start_tag), a text run to annotate (_text), a comment or any other
 * markup (_token), a break in inline formatting (_break_gap). The two loops give the
 * same runs for any input (tests/test_page_scan.py).
 *
 * The source is only read, through PyUnicode_READ, every index checked against its
 * length; nothing is written but Python objects.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

/* The interface version the Python side expects (PAGESCAN_ABI in documents/html.py). */
#define PAGESCAN_ABI 2

static PyObject *s_stack, *s_pending, *s_trail_open, *s_gap_ok, *s_gap_space,
    *s_root_found, *s_token, *s_text, *s_break_gap, *s_fast_start, *s_start_tag,
    *s_lower, *s_open_names, *s_parts, *s_join_parts, *s_length, *s_join_length, *s_brk,
    *k_block_sep, *k_inline_sep, *k_space, *k_empty;

/* How many of the scanner's attributes Ctx.shadow holds. */
#define SHADOWED 5

typedef struct {
    PyObject *self;        /* the _Scanner */
    PyObject *src;         /* the page */
    PyObject *stack;       /* its list of open elements: (tag, state, in_root, foreign) */
    PyObject *open_names;  /* its dict: how many elements of each name the stack holds
                            * beyond its first DEEP */
    int kind;
    const void *data;
    Py_ssize_t n;
    PyObject *inline_set;  /* INLINE_FORMATTING */
    PyObject *foreign_set; /* _FOREIGN */
    PyObject *special;     /* elements _start_tag must see even without attributes */
    PyObject *no_attrs;    /* _NO_ATTRS */
    PyObject *void_set;    /* _VOID */
    PyObject *headings;    /* _HEADINGS */
    PyObject *sections;    /* _SECTION_START */
    PyObject *decode;      /* _decode */
    /* the runs (documents.html._Runs): their numbers, RUN_FIELDS int64 each, gathered
     * here and added to `cols` (an array) at the end; a byte each in `counted` and
     * `joined` (bytearrays, kept up to date: their length is the number of runs); and,
     * by index, the segments of the runs with character references, the inline
     * formatting tags before and after a run (dicts) */
    PyObject *cols, *counted, *joined, *segs, *leads, *trails;
    int64_t *buf;
    Py_ssize_t buf_len, buf_cap;
    PyObject *parts, *join_parts; /* the scanner's lists */
    PyObject *dict;        /* the scanner's attributes (its __dict__) */
    /* the scanner's attributes the loop reads and writes most, held here while C runs
     * and written back to the __dict__ before any of its methods is called (sync_out),
     * read again after (sync_in): strong references */
    PyObject *shadow[SHADOWED];
    /* the scanner's `length` and `join_length` (the texts' lengths so far), held as C
     * integers the same way: not an int object made for each piece of text */
    Py_ssize_t lengths[2];
    PyObject *bare;        /* {tag: state} of the elements opened here without attributes */
    PyObject *close_same;  /* elements that close an open one of their name (a, button) */
    PyObject *exact;       /* needles found as written (tuple of str) */
    PyObject *folded;      /* needles found in any ASCII case (tuple of lower-case str) */
    int all_relevant;      /* every tag's attributes are read in Python */
    int root_none;         /* no root selector: text outside any element is annotated */
    unsigned char first[128]; /* the first characters of the needles (both cases) */
    /* by ASCII character: which needles start with it (bit k: needle k), exact ones and
     * folded ones (either case); used when there are at most 32 of each (`masked`) */
    uint32_t exact_mask[128], folded_mask[128];
    int masked;
    int first_wide;        /* a needle starts with a character beyond ASCII */
} Ctx;

#define CH(c, i) PyUnicode_READ((c)->kind, (c)->data, (i))

static inline int is_space5(Py_UCS4 ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
}

static inline int is_alpha(Py_UCS4 ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* A tag as _TOKEN_RE reads it at lt: its name, attributes and end. */
typedef struct {
    int closing;
    Py_ssize_t name_a, name_b, attr_a, attr_b, end;
} Tag;

/* 1 if a plain start or end tag is at lt (src[lt] == '<'), 0 if _TOKEN_RE's first
 * alternative does not match there. */
static int read_tag(Ctx *c, Py_ssize_t lt, Tag *t)
{
    Py_ssize_t j = lt + 1, n = c->n;
    t->closing = 0;
    if (j < n && CH(c, j) == '/') {
        t->closing = 1;
        j++;
    }
    if (j >= n || !is_alpha(CH(c, j)))
        return 0;
    t->name_a = j++;
    while (j < n) {
        Py_UCS4 ch = CH(c, j);
        if (ch == '/' || ch == '>' || Py_UNICODE_ISSPACE(ch))
            break;
        j++;
    }
    t->name_b = t->attr_a = j;
    while (j < n) {
        Py_UCS4 ch = CH(c, j);
        if (ch == '>') {
            t->attr_b = j;
            t->end = j + 1;
            return 1;
        }
        if (is_space5(ch) || ch == '/') {
            j++;
            continue;
        }
        j++; /* an attribute's name: its first character is anything else */
        while (j < n) {
            ch = CH(c, j);
            if (is_space5(ch) || ch == '/' || ch == '>' || ch == '=')
                break;
            j++;
        }
        Py_ssize_t k = j; /* '=' and a value, or nothing of them */
        while (k < n && is_space5(CH(c, k)))
            k++;
        if (k < n && CH(c, k) == '=') {
            k++;
            while (k < n && is_space5(CH(c, k)))
                k++;
            if (k < n && (CH(c, k) == '"' || CH(c, k) == '\'')) {
                Py_UCS4 quote = CH(c, k);
                k++;
                while (k < n && CH(c, k) != quote)
                    k++;
                if (k >= n)
                    return 0; /* an open quote runs to the end: no '>' */
                k++;
            } else {
                while (k < n) {
                    ch = CH(c, k);
                    if (is_space5(ch) || ch == '>')
                        break;
                    k++;
                }
            }
            j = k;
        }
    }
    return 0;
}

/* The names met lately, in lower case: a page has a few dozen, met thousands of times. */
#define NAME_SLOTS 256
#define NAME_MAX_LEN 15
static struct {
    char text[NAME_MAX_LEN + 1];
    Py_ssize_t len;
    PyObject *name; /* a strong reference, or NULL */
} names_seen[NAME_SLOTS];

/* The tag's name in lower case, as str.lower() gives it, interned. */
static PyObject *tag_name(Ctx *c, const Tag *t)
{
    Py_ssize_t len = t->name_b - t->name_a;
    char small[64];
    if (len <= (Py_ssize_t)sizeof(small)) {
        Py_ssize_t i;
        unsigned hash = (unsigned)len;
        for (i = 0; i < len; i++) {
            Py_UCS4 ch = CH(c, t->name_a + i);
            if (ch >= 128)
                break;
            small[i] = (char)((ch >= 'A' && ch <= 'Z') ? ch + 32 : ch);
            hash = hash * 31u + (unsigned char)small[i];
        }
        if (i == len) {
            unsigned slot = hash % NAME_SLOTS;
            int cacheable = len <= NAME_MAX_LEN;
            if (cacheable && names_seen[slot].name != NULL && names_seen[slot].len == len
                && memcmp(names_seen[slot].text, small, (size_t)len) == 0) {
                Py_INCREF(names_seen[slot].name);
                return names_seen[slot].name;
            }
            PyObject *name = PyUnicode_FromStringAndSize(small, len);
            if (name == NULL)
                return NULL;
            PyUnicode_InternInPlace(&name);
            if (cacheable) {
                Py_XDECREF(names_seen[slot].name);
                memcpy(names_seen[slot].text, small, (size_t)len);
                names_seen[slot].len = len;
                Py_INCREF(name);
                names_seen[slot].name = name;
            }
            return name;
        }
    }
    PyObject *raw = PyUnicode_Substring(c->src, t->name_a, t->name_b);
    if (raw == NULL)
        return NULL;
    PyObject *name = PyObject_CallMethodNoArgs(raw, s_lower);
    Py_DECREF(raw);
    if (name != NULL && PyUnicode_CheckExact(name))
        PyUnicode_InternInPlace(&name);
    return name;
}

/* Whether needle (a str) is written at i, exactly or in any ASCII case (folded: the
 * needle is in lower case and ASCII). */
static int needle_at(Ctx *c, Py_ssize_t i, Py_ssize_t b, PyObject *needle,
                     int folded)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(needle);
    if (len > b - i)
        return 0;
    int nkind = PyUnicode_KIND(needle);
    const void *ndata = PyUnicode_DATA(needle);
    for (Py_ssize_t k = 0; k < len; k++) {
        Py_UCS4 ch = CH(c, i + k);
        if (folded && ch >= 'A' && ch <= 'Z')
            ch += 32;
        if (ch != PyUnicode_READ(nkind, ndata, k))
            return 0;
    }
    return 1;
}

/* The index of the lowest bit set in bits (not 0). */
static inline int lowest_bit(uint32_t bits)
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctz(bits);
#else
    int k = 0;
    while (!(bits & 1u)) {
        bits >>= 1;
        k++;
    }
    return k;
#endif
}

/* Whether the attributes written from a to b may hold what a selector or a tooltip id
 * reads (a superset of what _relevant's expression finds: then Python decides). */
static int maybe_relevant(Ctx *c, Py_ssize_t a, Py_ssize_t b)
{
    if (c->all_relevant)
        return 1;
    Py_ssize_t nexact = PyTuple_GET_SIZE(c->exact);
    Py_ssize_t nfolded = PyTuple_GET_SIZE(c->folded);
    for (Py_ssize_t i = a; i < b; i++) {
        Py_UCS4 ch = CH(c, i);
        if (ch < 128 ? !c->first[ch] : !c->first_wide) {
            if (ch >= 128 && nfolded)
                return 1; /* case folding may make an ASCII name of it */
            continue;
        }
        if (ch < 128 && c->masked) { /* only the needles that start with ch */
            for (uint32_t bits = c->exact_mask[ch]; bits; bits &= bits - 1)
                if (needle_at(c, i, b, PyTuple_GET_ITEM(c->exact, lowest_bit(bits)), 0))
                    return 1;
            for (uint32_t bits = c->folded_mask[ch]; bits; bits &= bits - 1)
                if (needle_at(c, i, b, PyTuple_GET_ITEM(c->folded, lowest_bit(bits)), 1))
                    return 1;
            continue;
        }
        for (Py_ssize_t k = 0; k < nexact; k++) {
            PyObject *needle = PyTuple_GET_ITEM(c->exact, k);
            if (PyUnicode_READ_CHAR(needle, 0) == ch && needle_at(c, i, b, needle, 0))
                return 1;
        }
        Py_UCS4 low = (ch >= 'A' && ch <= 'Z') ? ch + 32 : ch;
        for (Py_ssize_t k = 0; k < nfolded; k++) {
            PyObject *needle = PyTuple_GET_ITEM(c->folded, k);
            if (PyUnicode_READ_CHAR(needle, 0) == low && needle_at(c, i, b, needle, 1))
                return 1;
        }
    }
    return 0;
}

/* Whether the attributes from a to b end with '/' (white space stripped). */
static int ends_with_slash(Ctx *c, Py_ssize_t a, Py_ssize_t b)
{
    while (b > a && is_space5(CH(c, b - 1)))
        b--;
    return b > a && CH(c, b - 1) == '/';
}

/* Whether src[a:b] is white space only, as str.isspace() says (a < b). */
static int all_space(Ctx *c, Py_ssize_t a, Py_ssize_t b)
{
    for (Py_ssize_t i = a; i < b; i++)
        if (!Py_UNICODE_ISSPACE(CH(c, i)))
            return 0;
    return 1;
}

/* The attributes held in Ctx.shadow, in its order. */
static PyObject **shadowed[SHADOWED] = {&s_pending, &s_gap_ok, &s_gap_space,
                                        &s_trail_open, &s_brk};
/* The attributes held in Ctx.lengths, in its order. */
static PyObject **counters[2] = {&s_length, &s_join_length};

/* Where name is held in Ctx.shadow, or -1. */
static int shadow_of(PyObject *name)
{
    for (int k = 0; k < SHADOWED; k++)
        if (*shadowed[k] == name)
            return k;
    return -1;
}

/* Read the shadowed attributes from the scanner's __dict__ (after its methods ran). */
static int sync_in(Ctx *c)
{
    for (int k = 0; k < 2; k++) {
        PyObject *value = PyDict_GetItemWithError(c->dict, *counters[k]);
        if (value == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetObject(PyExc_AttributeError, *counters[k]);
            return -1;
        }
        c->lengths[k] = PyLong_AsSsize_t(value);
        if (c->lengths[k] == -1 && PyErr_Occurred())
            return -1;
    }
    for (int k = 0; k < SHADOWED; k++) {
        PyObject *value = PyDict_GetItemWithError(c->dict, *shadowed[k]);
        if (value == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetObject(PyExc_AttributeError, *shadowed[k]);
            return -1;
        }
        Py_INCREF(value);
        Py_XSETREF(c->shadow[k], value);
    }
    return 0;
}

/* Write the shadowed attributes back to the scanner's __dict__ (before its methods run,
 * and at the end). */
static int sync_out(Ctx *c)
{
    for (int k = 0; k < 2; k++) {
        PyObject *value = PyLong_FromSsize_t(c->lengths[k]);
        int rc = value == NULL ? -1 : PyDict_SetItem(c->dict, *counters[k], value);
        Py_XDECREF(value);
        if (rc < 0)
            return -1;
    }
    for (int k = 0; k < SHADOWED; k++)
        if (c->shadow[k] != NULL && PyDict_SetItem(c->dict, *shadowed[k], c->shadow[k]) < 0)
            return -1;
    return 0;
}

/* result (of a method of the scanner) passed on, the shadowed attributes read again; NULL
 * when the method or the reading failed. */
static PyObject *sync_in_after(Ctx *c, PyObject *result)
{
    if (result != NULL && sync_in(c) < 0)
        Py_CLEAR(result);
    return result;
}

/* An attribute of the scanner (a new reference): a shadowed one, or read in its __dict__
 * (the loop's state is plain instance data). */
static PyObject *self_get(Ctx *c, PyObject *name)
{
    int k = shadow_of(name);
    if (k >= 0) {
        Py_INCREF(c->shadow[k]);
        return c->shadow[k];
    }
    PyObject *value = PyDict_GetItemWithError(c->dict, name);
    if (value == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetObject(PyExc_AttributeError, name);
        return NULL;
    }
    Py_INCREF(value);
    return value;
}

static int self_set(Ctx *c, PyObject *name, PyObject *value)
{
    int k = shadow_of(name);
    if (k >= 0) {
        Py_INCREF(value);
        Py_XSETREF(c->shadow[k], value);
        return 0;
    }
    return PyDict_SetItem(c->dict, name, value);
}

/* An attribute of the scanner, true or not: 1, 0, or -1 on an error. */
static int self_true(Ctx *c, PyObject *name)
{
    int k = shadow_of(name);
    if (k >= 0)
        return PyObject_IsTrue(c->shadow[k]);
    PyObject *value = PyDict_GetItemWithError(c->dict, name);
    if (value == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetObject(PyExc_AttributeError, name);
        return -1;
    }
    return PyObject_IsTrue(value);
}

/* The open element at the top of the stack (a borrowed 4-tuple), or NULL with no error
 * when there is none; NULL with an error when the stack holds something else. */
static PyObject *top(Ctx *c)
{
    Py_ssize_t size = PyList_GET_SIZE(c->stack);
    if (size == 0)
        return NULL;
    PyObject *elem = PyList_GET_ITEM(c->stack, size - 1);
    if (!PyTuple_Check(elem) || PyTuple_GET_SIZE(elem) != 4) {
        PyErr_SetString(PyExc_TypeError, "the open elements must be 4-tuples");
        return NULL;
    }
    return elem;
}

/* The number of runs so far. */
static Py_ssize_t run_count(Ctx *c)
{
    return PyByteArray_GET_SIZE(c->counted);
}

/* The pending formatting tags, when there are any, kept as the trail of the last run
 * (`trails`, by index), or as the lead of the next (`leads`). */
static int keep_tags(Ctx *c, PyObject *dict, Py_ssize_t k)
{
    PyObject *pending = self_get(c, s_pending);
    if (pending == NULL)
        return -1;
    int rc = 0;
    int some = PyObject_IsTrue(pending);
    if (some < 0)
        rc = -1;
    else if (some) {
        PyObject *index = PyLong_FromSsize_t(k);
        rc = index == NULL ? -1 : PyDict_SetItem(dict, index, pending);
        Py_XDECREF(index);
    }
    Py_DECREF(pending);
    return rc;
}

/* _Scanner._break_gap: a token other than inline formatting; no term runs across it. */
static int break_gap(Ctx *c)
{
    int unset = self_true(c, s_trail_open); /* the last run's trail is still to be set */
    if (unset < 0)
        return -1;
    if (unset && keep_tags(c, c->trails, run_count(c) - 1) < 0)
        return -1;
    int pending = unset ? 1 : self_true(c, s_pending);
    if (pending < 0)
        return -1;
    if (pending) {
        PyObject *fresh = PyList_New(0);
        if (fresh == NULL)
            return -1;
        int rc = self_set(c, s_pending, fresh);
        Py_DECREF(fresh);
        if (rc < 0)
            return -1;
    }
    if (unset && self_set(c, s_trail_open, Py_False) < 0)
        return -1;
    return self_set(c, s_gap_ok, Py_False);
}

/* An int attribute of the scanner plus delta, written back; its old value in *old. */
static int add_to(Ctx *c, PyObject *name, Py_ssize_t delta, Py_ssize_t *old)
{
    for (int k = 0; k < 2; k++) {
        if (*counters[k] == name) { /* held in Ctx.lengths */
            *old = c->lengths[k];
            c->lengths[k] += delta;
            return 0;
        }
    }
    PyObject *value = self_get(c, name);
    if (value == NULL)
        return -1;
    *old = PyLong_AsSsize_t(value);
    Py_DECREF(value);
    if (*old == -1 && PyErr_Occurred())
        return -1;
    PyObject *sum = PyLong_FromSsize_t(*old + delta);
    if (sum == NULL)
        return -1;
    int rc = self_set(c, name, sum);
    Py_DECREF(sum);
    return rc;
}

/* Append piece to a list and its length to a counter of the scanner. */
static int put(Ctx *c, PyObject *list, PyObject *counter, PyObject *piece,
               Py_ssize_t *old)
{
    if (PyList_Append(list, piece) < 0)
        return -1;
    return add_to(c, counter, PyUnicode_GET_LENGTH(piece), old);
}

/* The decoded text of src[a:b] and its segments (new references), as _decode gives
 * them; *segs is NULL when the text holds no '&' (one segment, from a: the text as it
 * is written). *blank when the text is white space only. */
static int decoded(Ctx *c, Py_ssize_t a, Py_ssize_t b, PyObject **out,
                   PyObject **segs, int *blank)
{
    Py_ssize_t amp = PyUnicode_FindChar(c->src, '&', a, b, 1);
    *blank = 0;
    if (amp == -2)
        return -1;
    if (amp >= 0) {
        PyObject *result = PyObject_CallFunction(c->decode, "Onn", c->src, a, b);
        if (result == NULL)
            return -1;
        if (!PyArg_ParseTuple(result, "UO!", out, &PyList_Type, segs)) {
            Py_DECREF(result);
            return -1;
        }
        Py_INCREF(*out);
        Py_INCREF(*segs);
        Py_DECREF(result);
        int kind = PyUnicode_KIND(*out);
        const void *data = PyUnicode_DATA(*out);
        *blank = 1;
        for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(*out) && *blank; i++)
            *blank = Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i));
        return 0;
    }
    *out = PyUnicode_Substring(c->src, a, b);
    *segs = NULL;
    return *out == NULL ? -1 : 0;
}

/* Whether the new run is read joined to the last one (only inline formatting between):
 * 1, 0, or -1 on an error. */
static int joined_to_last(Ctx *c, int counted)
{
    int gap_ok = self_true(c, s_gap_ok);
    if (gap_ok <= 0)
        return gap_ok;
    int brk = self_true(c, s_brk);
    if (brk != 0 || counted)
        return brk < 0 ? -1 : 0;
    Py_ssize_t k = run_count(c);
    if (k == 0) {
        PyErr_SetString(PyExc_IndexError, "gap_ok without a run");
        return -1;
    }
    return !PyByteArray_AS_STRING(c->counted)[k - 1];
}

/* The separators before a new run: in the text the policies see, and in the text read
 * joined; both already appended. */
static int separate(Ctx *c, int joined)
{
    if (PyList_GET_SIZE(c->parts) == 0)
        return 0;
    int brk = self_true(c, s_brk);
    int space = self_true(c, s_gap_space);
    if (brk < 0 || space < 0)
        return -1;
    PyObject *sep = brk ? k_block_sep : k_inline_sep;
    PyObject *jsep = joined ? (space ? k_space : k_empty) : sep;
    Py_ssize_t old;
    int rc = put(c, c->parts, s_length, sep, &old);
    if (rc == 0)
        rc = put(c, c->join_parts, s_join_length, jsep, &old);
    return rc;
}

/* Whether segments (a list, or NULL: one, from the run's start) map the run by a shift
 * alone: one segment, not a character reference. 1, 0, or -1 on an error. */
static int plain_segments(PyObject *segs)
{
    if (segs == NULL)
        return 1;
    if (PyList_GET_SIZE(segs) != 1)
        return 0;
    PyObject *seg = PyList_GET_ITEM(segs, 0);
    if (!PyTuple_Check(seg) || PyTuple_GET_SIZE(seg) != 5) {
        PyErr_SetString(PyExc_TypeError, "a segment must be a 5-tuple");
        return -1;
    }
    int ref = PyObject_IsTrue(PyTuple_GET_ITEM(seg, 4));
    return ref < 0 ? -1 : !ref;
}

/* A byte appended to a bytearray. */
static int push_byte(PyObject *bytes, int value)
{
    Py_ssize_t n = PyByteArray_GET_SIZE(bytes);
    if (PyByteArray_Resize(bytes, n + 1) < 0)
        return -1;
    PyByteArray_AS_STRING(bytes)[n] = (char)value;
    return 0;
}

/* A run's numbers (RUN_FIELDS of them) gathered, added to `cols` at the end. */
#define RUN_FIELDS 6
static int push_run(Ctx *c, const int64_t *fields)
{
    if (c->buf_len + RUN_FIELDS > c->buf_cap) {
        Py_ssize_t cap = c->buf_cap ? 2 * c->buf_cap : 64 * RUN_FIELDS;
        int64_t *grown = PyMem_Realloc(c->buf, (size_t)cap * sizeof(int64_t));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        c->buf = grown;
        c->buf_cap = cap;
    }
    memcpy(c->buf + c->buf_len, fields, RUN_FIELDS * sizeof(int64_t));
    c->buf_len += RUN_FIELDS;
    return 0;
}

/* The end of _Scanner._text for a run with text: it joins the page's text. */
static int add_run(Ctx *c, PyObject *out, PyObject *segs, int counted, Py_ssize_t a)
{
    int joined = joined_to_last(c, counted);
    if (joined < 0 || separate(c, joined) < 0)
        return -1;
    if (self_set(c, s_brk, Py_False) < 0)
        return -1;
    Py_ssize_t k = run_count(c);
    int unset = self_true(c, s_trail_open);
    int rc = unset < 0 ? -1 : 0;
    if (rc == 0 && unset && k > 0)
        rc = keep_tags(c, c->trails, k - 1); /* the last run's trail, this one's lead */
    if (rc == 0)
        rc = self_set(c, s_trail_open, Py_True);
    Py_ssize_t start = 0, jstart = 0;
    if (rc == 0)
        rc = put(c, c->parts, s_length, out, &start);
    if (rc == 0)
        rc = put(c, c->join_parts, s_join_length, out, &jstart);
    int plain = rc == 0 ? plain_segments(segs) : -1;
    if (plain < 0)
        return -1;
    if (!plain) {
        PyObject *index = PyLong_FromSsize_t(k);
        rc = index == NULL ? -1 : PyDict_SetItem(c->segs, index, segs);
        Py_XDECREF(index);
    }
    if (rc == 0)
        rc = keep_tags(c, c->leads, k);
    if (rc == 0) {
        Py_ssize_t len = PyUnicode_GET_LENGTH(out);
        int64_t fields[RUN_FIELDS] = {start, start + len, jstart, jstart + len, a,
                                      plain && !counted ? (int64_t)a - start : INT64_MIN};
        rc = push_run(c, fields);
    }
    if (rc == 0)
        rc = push_byte(c->counted, counted);
    if (rc == 0)
        rc = push_byte(c->joined, joined);
    if (rc < 0)
        return -1;
    PyObject *fresh = PyList_New(0);
    if (fresh == NULL)
        return -1;
    rc = self_set(c, s_pending, fresh);
    Py_DECREF(fresh);
    if (rc < 0 || self_set(c, s_gap_ok, Py_True) < 0)
        return -1;
    return self_set(c, s_gap_space, Py_False);
}

/* _Scanner._text for text to annotate or count (not white space only). */
static int run(Ctx *c, Py_ssize_t a, Py_ssize_t b, int counted)
{
    PyObject *out, *segs;
    int blank;
    if (decoded(c, a, b, &out, &segs, &blank) < 0)
        return -1;
    int rc = blank ? self_set(c, s_gap_space, Py_True)
                   : add_run(c, out, segs, counted, a);
    Py_DECREF(out);
    Py_XDECREF(segs);
    return rc;
}

/* The text from a to b, before a token: what _Scanner._text does with white space and
 * skipped text, the rest handed to it. 0, or -1 on an error. */
static int text(Ctx *c, Py_ssize_t a, Py_ssize_t b)
{
    if (a >= b)
        return 0;
    PyObject *elem = top(c);
    if (elem == NULL && PyErr_Occurred())
        return -1;
    long state = 0;
    int in_root = c->root_none;
    if (elem != NULL) {
        state = PyLong_AsLong(PyTuple_GET_ITEM(elem, 1));
        if (state == -1 && PyErr_Occurred())
            return -1;
        in_root = PyObject_IsTrue(PyTuple_GET_ITEM(elem, 2));
        if (in_root < 0)
            return -1;
    }
    int space = all_space(c, a, b);
    if (state == 2 || !in_root) /* skipped: no term runs across text left alone */
        return space ? 0 : break_gap(c);
    if (space)
        return self_set(c, s_gap_space, Py_True);
    return run(c, a, b, state == 1);
}

/* What any tag does to the gap between runs: an inline formatting tag joins the pending
 * ones, another breaks the gap. 0, or -1 on an error. */
static int gap(Ctx *c, PyObject *name, Py_ssize_t lt, Py_ssize_t end, int is_start)
{
    int formatting = PySet_Contains(c->inline_set, name);
    if (formatting < 0)
        return -1;
    if (formatting) {
        PyObject *pending = self_get(c, s_pending);
        if (pending == NULL)
            return -1;
        PyObject *from = PyLong_FromSsize_t(lt), *to = PyLong_FromSsize_t(end);
        PyObject *item = (from == NULL || to == NULL) ? NULL : PyTuple_Pack(
            4, from, to, is_start ? Py_True : Py_False, name);
        Py_XDECREF(from);
        Py_XDECREF(to);
        int rc = (item == NULL || !PyList_Check(pending)) ? -1 : PyList_Append(pending, item);
        if (item != NULL && !PyList_Check(pending))
            PyErr_SetString(PyExc_TypeError, "pending must be a list");
        Py_XDECREF(item);
        Py_DECREF(pending);
        return rc;
    }
    int open_tags = self_true(c, s_pending);
    if (open_tags < 0)
        return -1;
    int trail = open_tags ? 1 : self_true(c, s_trail_open);
    if (trail < 0)
        return -1;
    if (trail)
        return break_gap(c);
    return self_set(c, s_gap_ok, Py_False);
}

/* The count of open elements named `name` plus delta (1: pushed; -1: popped). */
static int count_open(Ctx *c, PyObject *name, long delta)
{
    PyObject *had = PyDict_GetItemWithError(c->open_names, name);
    long count = 0;
    if (had != NULL) {
        count = PyLong_AsLong(had);
        if (count == -1 && PyErr_Occurred())
            return -1;
    } else if (PyErr_Occurred())
        return -1;
    PyObject *now = PyLong_FromLong(count + delta);
    if (now == NULL)
        return -1;
    int rc = PyDict_SetItem(c->open_names, name, now);
    Py_DECREF(now);
    return rc;
}

/* How deep the stack is read for an end tag whose element is not open beyond it
 * (_DEEP in documents/html.py). */
#define DEEP 256

/* Whether an element named `name` is open beyond the stack's first DEEP: 1, 0, or -1
 * on an error. */
static int is_open(Ctx *c, PyObject *name)
{
    PyObject *count = PyDict_GetItemWithError(c->open_names, name);
    if (count == NULL)
        return PyErr_Occurred() ? -1 : 0;
    return PyObject_IsTrue(count);
}

/* The innermost open element of that name closed, with those inside it; nothing when
 * none is open. Beyond the stack's first DEEP elements, whether one is open is known
 * without reading them (open_names), however deep a hostile page nests. */
static int close_element(Ctx *c, PyObject *name)
{
    Py_ssize_t top = PyList_GET_SIZE(c->stack);
    if (top > DEEP) {
        int open = is_open(c, name);
        if (open < 0)
            return -1;
        if (!open)
            top = DEEP;
    }
    for (Py_ssize_t k = top - 1; k >= 0; k--) {
        PyObject *elem = PyList_GET_ITEM(c->stack, k);
        if (!PyTuple_Check(elem) || PyTuple_GET_SIZE(elem) != 4) {
            PyErr_SetString(PyExc_TypeError, "the open elements must be 4-tuples");
            return -1;
        }
        int same = PyObject_RichCompareBool(PyTuple_GET_ITEM(elem, 0), name, Py_EQ);
        if (same < 0)
            return -1;
        if (same) {
            for (Py_ssize_t i = k > DEEP ? k : DEEP; i < PyList_GET_SIZE(c->stack); i++)
                if (count_open(c, PyTuple_GET_ITEM(PyList_GET_ITEM(c->stack, i), 0), -1) < 0)
                    return -1;
            return PyList_SetSlice(c->stack, k, PyList_GET_SIZE(c->stack), NULL);
        }
    }
    return 0;
}

/* An end tag: the gap, then the element closed. */
static int end_tag(Ctx *c, PyObject *name, Py_ssize_t lt, Py_ssize_t end)
{
    if (gap(c, name, lt, end, 0) < 0)
        return -1;
    return close_element(c, name);
}

/* Push (name, state, in_root, False) on the stack. */
static int push(Ctx *c, PyObject *name, PyObject *state, PyObject *in_root)
{
    PyObject *child = PyTuple_Pack(4, name, state, in_root, Py_False);
    if (child == NULL)
        return -1;
    if (PyList_GET_SIZE(c->stack) >= DEEP && count_open(c, name, 1) < 0) {
        Py_DECREF(child);
        return -1;
    }
    int rc = PyList_Append(c->stack, child);
    Py_DECREF(child);
    return rc;
}

/* Whether an element can be opened here under elem without _start_tag: its parent is
 * not foreign content and is inside the root (or the root was found). 1, 0, -1. */
static int openable(Ctx *c, PyObject *elem)
{
    int foreign = PyObject_IsTrue(PyTuple_GET_ITEM(elem, 3));
    if (foreign != 0)
        return foreign < 0 ? -1 : 0;
    int in_root = PyObject_IsTrue(PyTuple_GET_ITEM(elem, 2));
    return in_root != 0 ? in_root : self_true(c, s_root_found);
}

/* A skipped or counted element without attributes (code, a…) opened as _start_tag
 * would: 1 when done, 0 when _start_tag must see it, -1 on an error. */
static int open_bare(Ctx *c, PyObject *name)
{
    PyObject *own = PyDict_GetItemWithError(c->bare, name);
    if (own == NULL)
        return PyErr_Occurred() ? -1 : 0;
    int same = PySet_Contains(c->close_same, name);
    if (same < 0 || (same && close_element(c, name) < 0))
        return -1; /* a link in a link closes the first one */
    PyObject *elem = top(c);
    if (elem == NULL)
        return PyErr_Occurred() ? -1 : 0;
    /* a heading closes a heading open right before it (its parent is the one under) */
    int heading = PySet_Contains(c->headings, name);
    int after_heading = heading > 0 ? PySet_Contains(c->headings, PyTuple_GET_ITEM(elem, 0)) : 0;
    if (heading < 0 || after_heading < 0)
        return -1;
    Py_ssize_t size = PyList_GET_SIZE(c->stack);
    PyObject *parent = elem;
    if (after_heading) {
        if (size < 2)
            return 0; /* _start_tag does it */
        parent = PyList_GET_ITEM(c->stack, size - 2);
        if (!PyTuple_Check(parent) || PyTuple_GET_SIZE(parent) != 4) {
            PyErr_SetString(PyExc_TypeError, "the open elements must be 4-tuples");
            return -1;
        }
    }
    int ok = openable(c, parent);
    if (ok <= 0)
        return ok;
    long state = PyLong_AsLong(PyTuple_GET_ITEM(parent, 1));
    if (state == -1 && PyErr_Occurred())
        return -1;
    int section = PySet_Contains(c->sections, name);
    if (section < 0 || (section && self_set(c, s_brk, Py_True) < 0))
        return -1; /* where a section starts (_SECTION_START) */
    PyObject *mine = state == 0 ? own : PyTuple_GET_ITEM(parent, 1);
    PyObject *in_root = PyTuple_GET_ITEM(parent, 2);
    Py_INCREF(mine);
    Py_INCREF(in_root);
    int rc = 0;
    if (after_heading) {
        PyObject *closed = PyTuple_GET_ITEM(elem, 0);
        rc = size - 1 >= DEEP ? count_open(c, closed, -1) : 0;
        if (rc == 0)
            rc = PyList_SetSlice(c->stack, size - 1, size, NULL);
    }
    if (rc == 0)
        rc = push(c, name, mine, in_root);
    Py_DECREF(mine);
    Py_DECREF(in_root);
    return rc < 0 ? -1 : 1;
}

/* A number a scanner method returned: where text resumes (-1: after the tag). */
static int resume_of(PyObject *result, Py_ssize_t *resume)
{
    if (result == NULL)
        return -1;
    *resume = PyLong_AsSsize_t(result);
    Py_DECREF(result);
    return (*resume == -1 && PyErr_Occurred()) ? -1 : 0;
}

/* A start tag: a plain element pushed here, anything else handed to the scanner's
 * methods. 0 with *resume set (-1: text resumes after the tag), or -1 on an error. */
static int start_tag(Ctx *c, PyObject *name, const Tag *t, Py_ssize_t lt,
                     Py_ssize_t *resume)
{
    *resume = -1;
    PyObject *elem = top(c);
    if (elem == NULL && PyErr_Occurred())
        return -1;
    if (t->attr_a < t->attr_b) {
        int maybe = maybe_relevant(c, t->attr_a, t->attr_b);
        if (!maybe && ends_with_slash(c, t->attr_a, t->attr_b)) {
            int foreign = elem != NULL ? PyObject_IsTrue(PyTuple_GET_ITEM(elem, 3)) : 0;
            int formatting = PySet_Contains(c->inline_set, name);
            int svg = PySet_Contains(c->foreign_set, name);
            if (foreign < 0 || formatting < 0 || svg < 0)
                return -1;
            maybe = foreign || formatting || svg;
        }
        if (maybe)
            return sync_out(c) < 0 ? -1 : resume_of(
                sync_in_after(c, PyObject_CallMethod(c->self, "_fast_start", "nOnnn", lt,
                                                     name, t->attr_a, t->attr_b, t->end)),
                resume);
    }
    if (gap(c, name, lt, t->end, 1) < 0)
        return -1;
    int is_void = PySet_Contains(c->void_set, name);
    if (is_void != 0)
        return is_void < 0 ? -1 : 0; /* what _start_tag does for a void element */
    elem = top(c);
    if (elem == NULL && PyErr_Occurred())
        return -1;
    if (elem != NULL) {
        int special = PySet_Contains(c->special, name);
        if (special < 0)
            return -1;
        if (special) {
            int done = open_bare(c, name);
            if (done != 0)
                return done < 0 ? -1 : 0;
        } else {
            int ok = openable(c, elem);
            if (ok < 0)
                return -1;
            if (ok) /* what _start_tag does for an element no selector reads */
                return push(c, name, PyTuple_GET_ITEM(elem, 1), PyTuple_GET_ITEM(elem, 2));
        }
    }
    return sync_out(c) < 0 ? -1 : resume_of(
        sync_in_after(c, PyObject_CallMethod(c->self, "_start_tag", "OOOn", name,
                                             c->no_attrs, Py_False, t->end)),
        resume);
}

/* Where the next '<' is from pos, or -1. */
static Py_ssize_t next_lt(Ctx *c, Py_ssize_t pos)
{
    if (pos >= c->n)
        return -1;
    return PyUnicode_FindChar(c->src, '<', pos, c->n, 1);
}

/* Markup that is not a plain tag (a comment, a doctype, a tag the page's end cuts…):
 * the scanner's _token reads it. */
static int token(Ctx *c, Py_ssize_t lt, Py_ssize_t *pos)
{
    if (sync_out(c) < 0)
        return -1;
    PyObject *result = sync_in_after(c, PyObject_CallMethod(c->self, "_token", "n", lt));
    if (result == NULL)
        return -1;
    Py_ssize_t end, resume;
    if (!PyArg_ParseTuple(result, "nn", &end, &resume)) {
        Py_DECREF(result);
        return -1;
    }
    Py_DECREF(result);
    *pos = resume >= 0 ? resume : end;
    return 0;
}

/* One tag read by read_tag: 0 with *pos where reading goes on, or -1. */
static int tag(Ctx *c, const Tag *t, Py_ssize_t lt, Py_ssize_t *pos)
{
    PyObject *name = tag_name(c, t);
    if (name == NULL)
        return -1;
    int rc;
    *pos = t->end;
    if (t->closing) {
        rc = end_tag(c, name, lt, t->end);
    } else {
        Py_ssize_t resume = -1;
        rc = start_tag(c, name, t, lt, &resume);
        if (rc == 0 && resume >= 0)
            *pos = resume;
    }
    Py_DECREF(name);
    return rc;
}

static PyObject *pagescan_scan(PyObject *module, PyObject *args)
{
    (void)module;
    Ctx c;
    if (!PyArg_ParseTuple(args, "OUO!O!O!O!O!O!O!O!OOOO!O!O!O!O!O!O!pp:scan", &c.self,
                          &c.src, &PySet_Type, &c.inline_set, &PySet_Type, &c.foreign_set,
                          &PySet_Type, &c.special, &PyDict_Type, &c.bare, &PySet_Type,
                          &c.close_same, &PySet_Type, &c.void_set, &PySet_Type, &c.headings,
                          &PySet_Type, &c.sections, &c.no_attrs, &c.decode,
                          &c.cols, &PyByteArray_Type, &c.counted, &PyByteArray_Type,
                          &c.joined, &PyDict_Type, &c.segs, &PyDict_Type, &c.leads,
                          &PyDict_Type, &c.trails, &PyTuple_Type, &c.exact, &PyTuple_Type,
                          &c.folded, &c.all_relevant, &c.root_none))
        return NULL;
    if (PyByteArray_GET_SIZE(c.joined) != PyByteArray_GET_SIZE(c.counted)) {
        PyErr_SetString(PyExc_ValueError, "the runs' counted and joined flags differ in size");
        return NULL;
    }
    c.buf = NULL;
    c.buf_len = c.buf_cap = 0;
    memset(c.first, 0, sizeof(c.first));
    memset(c.exact_mask, 0, sizeof(c.exact_mask));
    memset(c.folded_mask, 0, sizeof(c.folded_mask));
    c.masked = PyTuple_GET_SIZE(c.exact) <= 32 && PyTuple_GET_SIZE(c.folded) <= 32;
    c.first_wide = 0;
    for (int which = 0; which < 2; which++) {
        PyObject *needles = which ? c.folded : c.exact;
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(needles); k++) {
            PyObject *needle = PyTuple_GET_ITEM(needles, k);
            if (!PyUnicode_Check(needle) || PyUnicode_GET_LENGTH(needle) == 0) {
                PyErr_SetString(PyExc_TypeError, "the needles must be strings, not empty");
                return NULL;
            }
            Py_UCS4 ch = PyUnicode_READ_CHAR(needle, 0);
            if (ch >= 128) {
                if (which) {
                    PyErr_SetString(PyExc_ValueError, "the folded needles must be ASCII");
                    return NULL;
                }
                c.first_wide = 1;
                continue;
            }
            c.first[ch] = 1;
            if (which && ch >= 'a' && ch <= 'z')
                c.first[ch - 32] = 1;
            if (k < 32) {
                uint32_t bit = (uint32_t)1 << k;
                if (!which)
                    c.exact_mask[ch] |= bit;
                else {
                    c.folded_mask[ch] |= bit;
                    if (ch >= 'a' && ch <= 'z')
                        c.folded_mask[ch - 32] |= bit;
                }
            }
        }
    }
    c.kind = PyUnicode_KIND(c.src);
    c.data = PyUnicode_DATA(c.src);
    c.n = PyUnicode_GET_LENGTH(c.src);
    c.dict = PyObject_GenericGetDict(c.self, NULL);
    if (c.dict == NULL)
        return NULL;
    if (!PyDict_Check(c.dict)) {
        Py_DECREF(c.dict);
        PyErr_SetString(PyExc_TypeError, "the scanner's __dict__ must be a dict");
        return NULL;
    }
    c.stack = PyObject_GetAttr(c.self, s_stack);
    c.open_names = PyObject_GetAttr(c.self, s_open_names);
    if (c.open_names != NULL && !PyDict_Check(c.open_names)) {
        Py_CLEAR(c.open_names);
        PyErr_SetString(PyExc_TypeError, "the scanner's open_names must be a dict");
    }
    if (c.open_names == NULL) {
        Py_DECREF(c.dict);
        Py_XDECREF(c.stack);
        return NULL;
    }
    c.parts = PyObject_GetAttr(c.self, s_parts);
    c.join_parts = PyObject_GetAttr(c.self, s_join_parts);
    if (c.stack == NULL || c.parts == NULL || c.join_parts == NULL
        || !PyList_Check(c.stack) || !PyList_Check(c.parts)
        || !PyList_Check(c.join_parts)) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "the scanner's stack and parts must be lists");
        Py_XDECREF(c.stack);
        Py_DECREF(c.open_names);
        Py_XDECREF(c.parts);
        Py_XDECREF(c.join_parts);
        Py_DECREF(c.dict);
        return NULL;
    }
    for (int k = 0; k < SHADOWED; k++)
        c.shadow[k] = NULL;
    Py_ssize_t pos = 0, text_from = 0;
    int rc = sync_in(&c);
    while (rc == 0 && pos < c.n) {
        Py_ssize_t lt = next_lt(&c, pos);
        if (lt == -2) {
            rc = -1;
            break;
        }
        if (lt < 0 || lt + 1 >= c.n)
            break;
        Py_UCS4 next = CH(&c, lt + 1);
        if (!(next == '!' || next == '?' || next == '/' || is_alpha(next))) {
            pos = lt + 1; /* a literal '<' in text */
            continue;
        }
        if (lt > text_from && text(&c, text_from, lt) < 0) {
            rc = -1;
            break;
        }
        Tag t;
        if ((next == '/' || is_alpha(next)) && read_tag(&c, lt, &t))
            rc = tag(&c, &t, lt, &pos);
        else
            rc = token(&c, lt, &pos);
        text_from = pos;
    }
    if (rc == 0)
        rc = sync_out(&c);
    if (rc == 0 && c.buf_len) { /* the runs' numbers, into the array */
        PyObject *bytes = PyBytes_FromStringAndSize((const char *)c.buf,
                                                    c.buf_len * (Py_ssize_t)sizeof(int64_t));
        PyObject *done = bytes == NULL ? NULL
                                       : PyObject_CallMethod(c.cols, "frombytes", "O", bytes);
        Py_XDECREF(bytes);
        rc = done == NULL ? -1 : 0;
        Py_XDECREF(done);
    }
    PyMem_Free(c.buf);
    for (int k = 0; k < SHADOWED; k++)
        Py_XDECREF(c.shadow[k]);
    Py_DECREF(c.open_names);
    Py_DECREF(c.stack);
    Py_DECREF(c.parts);
    Py_DECREF(c.join_parts);
    Py_DECREF(c.dict);
    if (rc < 0)
        return NULL;
    return PyLong_FromSsize_t(text_from);
}

/* Whether the needle (ASCII, lower case, m characters) may be written at i in any case:
 * a character beyond ASCII may fold to anything. */
static int may_match(int kind, const void *data, Py_ssize_t i, PyObject *needle,
                     Py_ssize_t m)
{
    for (Py_ssize_t k = 0; k < m; k++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i + k);
        if (ch >= 'A' && ch <= 'Z')
            ch += 32;
        if (ch < 128 && ch != PyUnicode_READ_CHAR(needle, k))
            return 0;
    }
    return 1;
}

static PyObject *pagescan_may_contain(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *src, *needle;
    if (!PyArg_ParseTuple(args, "UU:may_contain", &src, &needle))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(src), m = PyUnicode_GET_LENGTH(needle);
    int nkind = PyUnicode_KIND(needle);
    const void *ndata = PyUnicode_DATA(needle);
    for (Py_ssize_t k = 0; k < m; k++) {
        Py_UCS4 ch = PyUnicode_READ(nkind, ndata, k);
        if (ch >= 128 || (ch >= 'A' && ch <= 'Z')) {
            PyErr_SetString(PyExc_ValueError, "the needle must be ASCII, in lower case");
            return NULL;
        }
    }
    if (m == 0)
        Py_RETURN_TRUE;
    Py_UCS4 first = PyUnicode_READ(nkind, ndata, 0);
    Py_UCS4 upper = (first >= 'a' && first <= 'z') ? first - 32 : first;
    int kind = PyUnicode_KIND(src);
    const void *data = PyUnicode_DATA(src);
    /* the first character compared in the source's own width, the rest by may_match */
#define MAY_CONTAIN_LOOP(TYPE)                                                          \
    do {                                                                               \
        const TYPE *chars = (const TYPE *)data;                                        \
        for (Py_ssize_t i = 0; i + m <= n; i++) {                                      \
            Py_UCS4 ch = chars[i];                                                     \
            if ((ch == first || ch == upper || ch >= 128)                              \
                && may_match(kind, data, i, needle, m))                                \
                Py_RETURN_TRUE;                                                        \
        }                                                                              \
    } while (0)
    if (kind == PyUnicode_1BYTE_KIND)
        MAY_CONTAIN_LOOP(Py_UCS1);
    else if (kind == PyUnicode_2BYTE_KIND)
        MAY_CONTAIN_LOOP(Py_UCS2);
    else
        MAY_CONTAIN_LOOP(Py_UCS4);
#undef MAY_CONTAIN_LOOP
    Py_RETURN_FALSE;
}

/* ---- after the policies: the kept matches spliced into the page ---------------------- */

/* A buffer of int64 (a kept column, the runs' offsets), checked and held. */
static int int64_view(PyObject *obj, Py_buffer *view, const char *what)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_SIMPLE) < 0)
        return -1;
    if (view->len % 8) {
        PyBuffer_Release(view);
        view->obj = NULL;
        PyErr_Format(PyExc_ValueError, "%s: not int64 items", what);
        return -1;
    }
    return 0;
}

/* The run holding text offset a: the last run starting at or before it, or -1. */
static Py_ssize_t run_of(const int64_t *starts, Py_ssize_t n, int64_t a)
{
    Py_ssize_t lo = 0, hi = n; /* bisect_right(starts, a) */
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (starts[mid] <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo - 1;
}

/* Whether (a, b) is one of the sorted pairs of `pairs` (start, end, start, end…). */
static int among(const int64_t *pairs, Py_ssize_t n, int64_t a, int64_t b)
{
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (pairs[2 * mid] < a || (pairs[2 * mid] == a && pairs[2 * mid + 1] < b))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && pairs[2 * lo] == a && pairs[2 * lo + 1] == b;
}

/*
 * sources(starts, ends, run_starts, run_ends, run_shifts, across) -> (array, list)
 *
 * Where each kept match (starts[k], ends[k]: offsets in the page's text) starts in the
 * page's source when its run maps it by a shift alone (run_shifts[r]: source minus text
 * offset, or INT64_MIN for a run with character references, or counted only), with the
 * match inside the run and not one of the sorted pairs `across` (terms found across
 * inline formatting): as an int64 bytes object; -1 for the others, whose indices come
 * in the list (Python maps those, documents.html._source_span).
 */
static PyObject *pagescan_sources(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *objs[6];
    if (!PyArg_ParseTuple(args, "OOOOOO:sources", &objs[0], &objs[1], &objs[2], &objs[3],
                          &objs[4], &objs[5]))
        return NULL;
    static const char *what[6] = {"starts", "ends", "run_starts", "run_ends", "run_shifts",
                                  "across"};
    Py_buffer v[6];
    int held = 0;
    PyObject *out = NULL, *asked = NULL;
    for (; held < 6; held++)
        if (int64_view(objs[held], &v[held], what[held]) < 0)
            goto done;
    Py_ssize_t n = v[0].len / 8, runs = v[2].len / 8, pairs = v[5].len / 16;
    if (v[1].len / 8 != n || v[3].len / 8 != runs || v[4].len / 8 != runs || v[5].len % 16) {
        PyErr_SetString(PyExc_ValueError, "sources: the columns do not agree in size");
        goto done;
    }
    const int64_t *starts = v[0].buf, *ends = v[1].buf, *rs = v[2].buf, *re = v[3].buf,
                  *shift = v[4].buf, *across = v[5].buf;
    out = PyBytes_FromStringAndSize(NULL, n * 8);
    asked = PyList_New(0);
    if (out == NULL || asked == NULL)
        goto done;
    int64_t *src = (int64_t *)PyBytes_AS_STRING(out);
    for (Py_ssize_t k = 0; k < n; k++) {
        int64_t a = starts[k], b = ends[k];
        Py_ssize_t r = run_of(rs, runs, a);
        if (r >= 0 && b <= re[r] && shift[r] != INT64_MIN && !among(across, pairs, a, b)) {
            src[k] = a + shift[r];
            continue;
        }
        src[k] = -1;
        PyObject *index = PyLong_FromSsize_t(k);
        int rc = index == NULL ? -1 : PyList_Append(asked, index);
        Py_XDECREF(index);
        if (rc < 0)
            goto done;
    }
    PyObject *result = PyTuple_Pack(2, out, asked);
    Py_DECREF(out);
    Py_DECREF(asked);
    for (int i = 0; i < held; i++)
        PyBuffer_Release(&v[i]);
    return result;
done:
    Py_XDECREF(out);
    Py_XDECREF(asked);
    for (int i = 0; i < held; i++)
        PyBuffer_Release(&v[i]);
    return NULL;
}

/*
 * crossing(packed, bases, shifts, jstarts) -> list
 *
 * The matches of `packed` (int64 triples start, end, variant * 2 + elided, offsets in
 * the groups of runs scanned one after the other; the group that starts at bases[i]
 * in that text starts at bases[i] + shifts[i] in the text read joined) that reach from
 * a run into the next (jstarts: where each run starts in the text read joined), as
 * (start, end, variant, elided) tuples in the text read joined: what
 * documents.html._across reads of them.
 */
static PyObject *pagescan_crossing(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *objs[4];
    if (!PyArg_ParseTuple(args, "OOOO:crossing", &objs[0], &objs[1], &objs[2], &objs[3]))
        return NULL;
    static const char *what[4] = {"packed", "bases", "shifts", "jstarts"};
    Py_buffer v[4];
    int held = 0;
    PyObject *out = NULL;
    for (; held < 4; held++)
        if (int64_view(objs[held], &v[held], what[held]) < 0)
            goto done;
    Py_ssize_t n = v[0].len / 8, groups = v[1].len / 8, runs = v[3].len / 8;
    if (n % 3 || v[2].len / 8 != groups) {
        PyErr_SetString(PyExc_ValueError, "crossing: the columns do not agree in size");
        goto done;
    }
    const int64_t *packed = v[0].buf, *bases = v[1].buf, *shifts = v[2].buf,
                  *jstarts = v[3].buf;
    out = PyList_New(0);
    if (out == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < n; i += 3) {
        Py_ssize_t g = run_of(bases, groups, packed[i]);
        int64_t shift = g >= 0 ? shifts[g] : 0;
        int64_t s = packed[i] + shift, e = packed[i + 1] + shift;
        Py_ssize_t k = run_of(jstarts, runs, s);
        if (k < 0 || k + 1 >= runs || jstarts[k + 1] >= e)
            continue; /* inside one run: the runs alone find it */
        if (packed[i + 2] < 0) {
            PyErr_SetString(PyExc_ValueError, "crossing: a match without its variant");
            Py_CLEAR(out);
            goto done;
        }
        PyObject *match = Py_BuildValue("(LLLO)", (long long)s, (long long)e,
                                        (long long)(packed[i + 2] >> 1),
                                        (packed[i + 2] & 1) ? Py_True : Py_False);
        int rc = match == NULL ? -1 : PyList_Append(out, match);
        Py_XDECREF(match);
        if (rc < 0) {
            Py_CLEAR(out);
            goto done;
        }
    }
done:
    for (int i = 0; i < held; i++)
        PyBuffer_Release(&v[i]);
    return out;
}

/* A tooltip's markup around its id: the pieces a template is cut into (a tuple of str),
 * checked. Its length with `id_len` between the pieces, its widest character in *max. */
static int parts_size(PyObject *parts, Py_ssize_t id_len, Py_ssize_t *len, Py_UCS4 *max)
{
    if (!PyTuple_Check(parts) || PyTuple_GET_SIZE(parts) == 0) {
        PyErr_SetString(PyExc_TypeError, "a template's parts must be a tuple of str");
        return -1;
    }
    Py_ssize_t count = PyTuple_GET_SIZE(parts);
    *len = (count - 1) * id_len;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *part = PyTuple_GET_ITEM(parts, i);
        if (!PyUnicode_Check(part)) {
            PyErr_SetString(PyExc_TypeError, "a template's parts must be a tuple of str");
            return -1;
        }
        *len += PyUnicode_GET_LENGTH(part);
        if (PyUnicode_MAX_CHAR_VALUE(part) > *max)
            *max = PyUnicode_MAX_CHAR_VALUE(part);
    }
    return 0;
}

/* Copy n characters of from (at a) to out (at *at), which has room (counted). */
static int copy_to(PyObject *out, Py_ssize_t *at, PyObject *from, Py_ssize_t a,
                   Py_ssize_t n)
{
    if (n <= 0)
        return 0;
    if (*at + n > PyUnicode_GET_LENGTH(out) || a < 0 || a + n > PyUnicode_GET_LENGTH(from)) {
        PyErr_SetString(PyExc_SystemError, "splice: a copy out of bounds");
        return -1;
    }
    if (PyUnicode_CopyCharacters(out, *at, from, a, n) < 0)
        return -1;
    *at += n;
    return 0;
}

/* A tooltip's id: the prefix, then the number's digits (dlen of them, ASCII). */
typedef struct {
    PyObject *prefix;
    const char *digits;
    int dlen;
} TipId;

static int write_id(PyObject *out, Py_ssize_t *at, const TipId *id)
{
    if (copy_to(out, at, id->prefix, 0, PyUnicode_GET_LENGTH(id->prefix)) < 0)
        return -1;
    if (*at + id->dlen > PyUnicode_GET_LENGTH(out)) {
        PyErr_SetString(PyExc_SystemError, "splice: a copy out of bounds");
        return -1;
    }
    int kind = PyUnicode_KIND(out);
    void *data = PyUnicode_DATA(out);
    for (int i = 0; i < id->dlen; i++)
        PyUnicode_WRITE(kind, data, *at + i, (Py_UCS4)(unsigned char)id->digits[i]);
    *at += id->dlen;
    return 0;
}

/* The pieces of a template written with the id between them. */
static int write_parts(PyObject *out, Py_ssize_t *at, PyObject *parts, const TipId *id)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(parts); i++) {
        if (i && write_id(out, at, id) < 0)
            return -1;
        PyObject *part = PyTuple_GET_ITEM(parts, i);
        if (copy_to(out, at, part, 0, PyUnicode_GET_LENGTH(part)) < 0)
            return -1;
    }
    return 0;
}

/* One wrap of splice(): its source span and its template (borrowed from `hits`). */
typedef struct {
    Py_ssize_t s, e;
    PyObject *hit;
} Wrap;

/* The template of entry `ref` around `surface` from `templates`, or what miss(ref,
 * surface) makes (a new reference): (owner, opening parts or None, closing parts). */
static PyObject *template_of(PyObject *templates, PyObject *table, PyObject *miss,
                             int64_t ref, PyObject *surface)
{
    PyObject *index = PyLong_FromLongLong(ref);
    if (index == NULL)
        return NULL;
    PyObject *key = PyTuple_Pack(2, index, surface);
    PyObject *hit = key == NULL ? NULL : PyDict_GetItemWithError(templates, key);
    Py_XDECREF(key);
    if (hit != NULL && PyTuple_Check(hit) && PyTuple_GET_SIZE(hit) == 3
        && PyTuple_GET_ITEM(hit, 0) == table) {
        Py_DECREF(index);
        Py_INCREF(hit);
        return hit;
    }
    if (PyErr_Occurred()) {
        Py_DECREF(index);
        return NULL;
    }
    hit = PyObject_CallFunctionObjArgs(miss, index, surface, NULL);
    Py_DECREF(index);
    if (hit != NULL && (!PyTuple_Check(hit) || PyTuple_GET_SIZE(hit) != 3)) {
        PyErr_SetString(PyExc_TypeError, "a template must be a 3-tuple");
        Py_CLEAR(hit);
    }
    return hit;
}

/* What splice() reads, besides its columns. */
typedef struct {
    PyObject *html, *text, *fixed, *templates, *table, *miss, *prefix;
    long long counter;
} SpliceArgs;

/* The wraps that splice() writes, in order, their templates held in `hits`: 1, 0 when a
 * template is rendered for each tooltip (the caller's loop does those), -1 on error. */
static int plan_wraps(SpliceArgs *p, const int64_t *starts, const int64_t *ends,
                      const int64_t *entries, const int64_t *src, Py_ssize_t n, Wrap *wraps,
                      Py_ssize_t *count, PyObject *hits)
{
    Py_ssize_t pos = 0, tlen = PyUnicode_GET_LENGTH(p->text);
    Py_ssize_t hlen = PyUnicode_GET_LENGTH(p->html);
    *count = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t s, e;
        PyObject *surface;
        if (src[k] >= 0) {
            if (starts[k] < 0 || ends[k] < starts[k] || ends[k] > tlen) {
                PyErr_SetString(PyExc_ValueError, "splice: a match outside the text");
                return -1;
            }
            s = (Py_ssize_t)src[k];
            e = s + (Py_ssize_t)(ends[k] - starts[k]);
            if (s < pos || e <= s)
                continue;
            surface = PyUnicode_Substring(p->text, (Py_ssize_t)starts[k], (Py_ssize_t)ends[k]);
        } else {
            PyObject *index = PyLong_FromSsize_t(k);
            PyObject *fix = index == NULL ? NULL : PyDict_GetItemWithError(p->fixed, index);
            Py_XDECREF(index);
            if (fix == NULL) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_KeyError, "splice: a match neither mapped nor fixed");
                return -1;
            }
            if (fix == Py_None)
                continue; /* not wrapped (across markup, annotated already) */
            if (!PyTuple_Check(fix)) {
                PyErr_SetString(PyExc_TypeError, "a fixed match is (start, end, surface)");
                return -1;
            }
            if (!PyArg_ParseTuple(fix, "nnU;a fixed match is (start, end, surface)", &s, &e,
                                  &surface))
                return -1;
            if (s < pos || e <= s)
                continue;
            Py_INCREF(surface);
        }
        if (surface == NULL)
            return -1;
        if (e > hlen) {
            Py_DECREF(surface);
            PyErr_SetString(PyExc_ValueError, "splice: a match outside the page");
            return -1;
        }
        PyObject *hit = template_of(p->templates, p->table, p->miss, entries[k], surface);
        Py_DECREF(surface);
        if (hit == NULL)
            return -1;
        int rc = PyList_Append(hits, hit);
        Py_DECREF(hit);
        if (rc < 0)
            return -1;
        if (PyTuple_GET_ITEM(hit, 1) == Py_None)
            return 0;
        wraps[*count].s = s;
        wraps[*count].e = e;
        wraps[*count].hit = hit;
        ++*count;
        pos = e;
    }
    return 1;
}

/* The page with its wraps written in: counted, then written into a str of that size. */
static PyObject *write_page(SpliceArgs *p, const Wrap *wraps, Py_ssize_t count)
{
    if (p->counter < 0 || p->counter > LLONG_MAX - count - 1) {
        PyErr_SetString(PyExc_OverflowError, "splice: tooltip numbers out of range");
        return NULL;
    }
    Py_UCS4 max = PyUnicode_MAX_CHAR_VALUE(p->html);
    Py_ssize_t total = PyUnicode_GET_LENGTH(p->html);
    Py_ssize_t plen = PyUnicode_GET_LENGTH(p->prefix);
    if (count && PyUnicode_MAX_CHAR_VALUE(p->prefix) > max)
        max = PyUnicode_MAX_CHAR_VALUE(p->prefix);
    Py_ssize_t dlen = 1;
    long long tens = 10; /* the numbers' digits, counted as they grow */
    for (Py_ssize_t i = 0; i < count; i++) {
        while (p->counter + 1 + i >= tens && dlen < 19) {
            dlen++;
            tens = dlen < 19 ? tens * 10 : LLONG_MAX;
        }
        Py_ssize_t open_len, close_len;
        if (parts_size(PyTuple_GET_ITEM(wraps[i].hit, 1), plen + dlen, &open_len, &max) < 0
            || parts_size(PyTuple_GET_ITEM(wraps[i].hit, 2), plen + dlen, &close_len, &max) < 0)
            return NULL;
        total += open_len + close_len;
    }
    PyObject *out = PyUnicode_New(total, max);
    if (out == NULL)
        return NULL;
    Py_ssize_t at = 0, pos = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        char digits[24];
        long long number = p->counter + 1 + i;
        int dlen = 0;
        char *d = digits + sizeof(digits);
        do { /* number >= 1 */
            *--d = (char)('0' + number % 10);
            number /= 10;
            dlen++;
        } while (number > 0);
        TipId id = {p->prefix, d, dlen};
        int rc = copy_to(out, &at, p->html, pos, wraps[i].s - pos);
        if (rc == 0)
            rc = write_parts(out, &at, PyTuple_GET_ITEM(wraps[i].hit, 1), &id);
        if (rc == 0)
            rc = copy_to(out, &at, p->html, wraps[i].s, wraps[i].e - wraps[i].s);
        if (rc == 0)
            rc = write_parts(out, &at, PyTuple_GET_ITEM(wraps[i].hit, 2), &id);
        if (rc < 0) {
            Py_DECREF(out);
            return NULL;
        }
        pos = wraps[i].e;
    }
    if (copy_to(out, &at, p->html, pos, PyUnicode_GET_LENGTH(p->html) - pos) < 0
        || at != total) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_SystemError, "splice: the page is shorter than counted");
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

/*
 * splice(html, text, starts, ends, entries, sources, fixed, templates, table, miss,
 *        counter, prefix) -> str | None
 *
 * documents.html._splice over the kept columns (starts, ends: offsets in the page's
 * text; entries: indexes in `table`): each match's source start is sources[k] (its end
 * as far on), or, where that is -1, fixed[k] gives (start, end, surface) or None (not
 * wrapped). A match that starts before the end of the last one wrapped is passed over.
 * Each tooltip's markup is templates[(entry, surface)] when that is a 3-tuple whose
 * first item is `table`, else what miss(entry, surface) returns: (owner, opening parts,
 * closing parts), written with the tooltip's id (prefix and number, numbered from
 * counter + 1) between the parts. None when a template is None (the markup is rendered
 * for each tooltip: the caller's loop does it).
 */
static PyObject *pagescan_splice(PyObject *module, PyObject *args)
{
    (void)module;
    SpliceArgs p;
    PyObject *cols[4];
    if (!PyArg_ParseTuple(args, "UUOOOOO!O!OOLU:splice", &p.html, &p.text, &cols[0],
                          &cols[1], &cols[2], &cols[3], &PyDict_Type, &p.fixed,
                          &PyDict_Type, &p.templates, &p.table, &p.miss, &p.counter,
                          &p.prefix))
        return NULL;
    static const char *what[4] = {"starts", "ends", "entries", "sources"};
    Py_buffer v[4];
    int held = 0;
    PyObject *result = NULL, *hits = NULL;
    Wrap *wraps = NULL;
    for (; held < 4; held++)
        if (int64_view(cols[held], &v[held], what[held]) < 0)
            goto done;
    Py_ssize_t n = v[0].len / 8;
    if (v[1].len / 8 != n || v[2].len / 8 != n || v[3].len / 8 != n) {
        PyErr_SetString(PyExc_ValueError, "splice: the columns do not agree in size");
        goto done;
    }
    wraps = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Wrap));
    hits = PyList_New(0);
    if (wraps == NULL || hits == NULL) {
        if (wraps == NULL)
            PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t count;
    int planned = plan_wraps(&p, v[0].buf, v[1].buf, v[2].buf, v[3].buf, n, wraps, &count,
                             hits);
    if (planned == 0)
        result = Py_NewRef(Py_None);
    else if (planned > 0)
        result = write_page(&p, wraps, count);
done:
    Py_XDECREF(hits);
    PyMem_Free(wraps);
    for (int i = 0; i < held; i++)
        PyBuffer_Release(&v[i]);
    return result;
}

static PyMethodDef methods[] = {
    {"may_contain", pagescan_may_contain, METH_VARARGS,
     "may_contain(source, needle) -> bool\n\n"
     "False when source holds needle (ASCII, lower case) in no case whatever: every "
     "character beyond ASCII is taken for a match, which case folding might make."},
    {"scan", pagescan_scan, METH_VARARGS,
     "scan(scanner, source, inline, foreign, special, bare, close_same, void, headings, "
     "sections, no_attrs, "
     "decode, cols, counted, joined, segs, leads, trails, exact, folded, all_relevant, "
     "root_none) -> where the last text starts\n\n"
     "Read the page as _Scanner._scan_python does, calling the scanner's methods for "
     "what needs a decision; the text runs go to the arrays and dicts of "
     "documents.html._Runs."},
    {"crossing", pagescan_crossing, METH_VARARGS,
     "crossing(packed, bases, shifts, jstarts) -> list\n\n"
     "The matches of the groups of runs read joined that reach from a run into the next, "
     "as (start, end, variant, elided) in the text read joined."},
    {"sources", pagescan_sources, METH_VARARGS,
     "sources(starts, ends, run_starts, run_ends, run_shifts, across) -> (bytes, list)\n\n"
     "The source start of each kept match its run maps by a shift (int64), -1 for the "
     "others, whose indices come in the list."},
    {"splice", pagescan_splice, METH_VARARGS,
     "splice(html, text, starts, ends, entries, sources, fixed, templates, table, miss, "
     "counter, prefix) -> str | None\n\n"
     "The page with the tooltips of the kept matches written in (see _pagescan.c)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "glossator.documents._pagescan",
    "Page mode's tokenizer loop (see glossator.documents.html).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__pagescan(void)
{
    struct {
        PyObject **slot;
        const char *text;
    } names[] = {
        {&s_stack, "stack"}, {&s_pending, "pending"}, {&s_trail_open, "trail_open"},
        {&s_gap_ok, "gap_ok"}, {&s_gap_space, "gap_space"}, {&s_root_found, "root_found"},
        {&s_token, "_token"}, {&s_text, "_text"}, {&s_break_gap, "_break_gap"},
        {&s_fast_start, "_fast_start"}, {&s_start_tag, "_start_tag"}, {&s_lower, "lower"},
        {&s_parts, "parts"}, {&s_open_names, "open_names"}, {&s_join_parts, "join_parts"},
        {&s_length, "length"}, {&s_join_length, "join_length"}, {&s_brk, "brk"},
        {&k_block_sep, "\n\n"}, {&k_inline_sep, " \xef\xbf\xbc "}, {&k_space, " "},
        {&k_empty, ""},
    };
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        if (*names[k].slot == NULL) {
            *names[k].slot = PyUnicode_InternFromString(names[k].text);
            if (*names[k].slot == NULL)
                return NULL;
        }
    }
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL)
        return NULL;
    if (PyModule_AddIntConstant(module, "ABI", PAGESCAN_ABI) < 0
        || PyModule_AddIntConstant(module, "DEEP", DEEP) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
