/*
 * glossator.render._splice, one part of the module.
 *
 * The arrays the loops are handed, each made in one pass: spans (of annotation
 * objects); group, number, pick and distinct (of a kept text's matches).
 *
 * Included once by _splice.c, in the order it names the parts (one compilation unit:
 * what the parts before this one define is in scope here, and the -Werror and sanitizer
 * builds of tests/test_c_build.py cover it); not a header to include anywhere else.
 */

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
