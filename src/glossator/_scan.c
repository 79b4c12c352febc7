/*
 * glossator._scan: the matcher's inner loop, in C.
 *
 * A byte trie of the compiled patterns (each pattern is a folded form preceded by one
 * space) is walked from every space of the folded text. At each space it collects the
 * patterns that end there at the end of a word, longest first. The longest one is kept
 * at once when it needs no further check (a "fast" pattern after an ASCII character that
 * is not an apostrophe); otherwise the scan stops and hands the candidates to Python,
 * which checks elision, case and accents, and resumes the scan after its verdict.
 *
 * Leftmost-longest follows from the walk: the first space (from the left) with an
 * accepted candidate wins, with its longest accepted candidate. Nothing is ever hidden by
 * a longer candidate that fails, so no second search is needed.
 *
 * The trie is stored as arrays (compressed sparse rows): the edges of node n are
 * edge_label/edge_to[edge_start[n] .. edge_start[n + 1]), sorted by label. The root's
 * children are also kept in a 256-entry table. The arrays can be saved as bytes and
 * loaded back without rebuilding (Trie.to_bytes / Trie.from_bytes).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define STATE_MAGIC 0x31525447u /* "GTR1" */

typedef struct {
    PyObject_HEAD
    uint32_t n_nodes;
    uint32_t n_edges;
    uint32_t max_depth;
    uint32_t *edge_start; /* n_nodes + 1 */
    int32_t *pid;         /* n_nodes: pattern index ending here, or -1 */
    uint8_t *edge_label;  /* n_edges */
    uint32_t *edge_to;    /* n_edges */
    uint32_t root[256];   /* child of the root by byte, 0 = none (the root is node 0) */
    int32_t *fast;        /* per pattern: variant kept without a check, or -1 */
    Py_ssize_t n_fast;
    PyObject *inside_word; /* callable(hay, raw, e) -> bool, for the rare cases */
} TrieObject;

/* Byte classes of the folded text, as in matcher.py: _WORD is 1 for ASCII letters and
 * digits, 2 for every byte >= 0x80; _JOINER for - & @ _. */
static uint8_t WORD[256];
static uint8_t JOINER[256];

static void
init_tables(void)
{
    for (int b = 0; b < 256; b++) {
        WORD[b] = (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
                      ? 1
                      : (b >= 0x80 ? 2 : 0);
        JOINER[b] = (b == '-' || b == '&' || b == '@' || b == '_');
    }
}

static void
trie_free_arrays(TrieObject *self)
{
    PyMem_Free(self->edge_start);
    PyMem_Free(self->pid);
    PyMem_Free(self->edge_label);
    PyMem_Free(self->edge_to);
    PyMem_Free(self->fast);
    self->edge_start = NULL;
    self->pid = NULL;
    self->edge_label = NULL;
    self->edge_to = NULL;
    self->fast = NULL;
}

static void
Trie_dealloc(TrieObject *self)
{
    trie_free_arrays(self);
    Py_XDECREF(self->inside_word);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

typedef struct {
    const uint8_t *data;
    Py_ssize_t len;
    int32_t index;
} PatternRef;

static int
compare_patterns(const void *a, const void *b)
{
    const PatternRef *x = a, *y = b;
    Py_ssize_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->data, y->data, (size_t)n);
    if (c) {
        return c;
    }
    return (x->len > y->len) - (x->len < y->len);
}

static void
fill_root(TrieObject *self)
{
    memset(self->root, 0, sizeof(self->root));
    for (uint32_t k = self->edge_start[0]; k < self->edge_start[1]; k++) {
        self->root[self->edge_label[k]] = self->edge_to[k];
    }
}

static int
set_fast(TrieObject *self, PyObject *fast)
{
    Py_buffer view;
    if (PyObject_GetBuffer(fast, &view, PyBUF_SIMPLE) < 0) {
        return -1;
    }
    if (view.len % 4) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "fast must hold 32-bit integers");
        return -1;
    }
    self->n_fast = view.len / 4;
    self->fast = PyMem_Malloc(view.len ? (size_t)view.len : 1);
    if (!self->fast) {
        PyBuffer_Release(&view);
        PyErr_NoMemory();
        return -1;
    }
    memcpy(self->fast, view.buf, (size_t)view.len);
    PyBuffer_Release(&view);
    return 0;
}

/* Build the arrays from a list of patterns (bytes, each starting with a space). */
static int
build(TrieObject *self, PyObject *patterns)
{
    Py_ssize_t n = PyList_GET_SIZE(patterns);
    if (n > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "too many patterns");
        return -1;
    }
    PatternRef *refs = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(PatternRef));
    if (!refs) {
        PyErr_NoMemory();
        return -1;
    }
    size_t total = 1;
    uint32_t max_depth = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *p = PyList_GET_ITEM(patterns, i);
        if (!PyBytes_Check(p) || PyBytes_GET_SIZE(p) < 2 || PyBytes_AS_STRING(p)[0] != ' ') {
            PyMem_Free(refs);
            PyErr_SetString(PyExc_ValueError,
                            "patterns must be bytes of a space followed by at least one byte");
            return -1;
        }
        refs[i].data = (const uint8_t *)PyBytes_AS_STRING(p) + 1;
        refs[i].len = PyBytes_GET_SIZE(p) - 1;
        refs[i].index = (int32_t)i;
        total += (size_t)refs[i].len;
        if ((uint32_t)refs[i].len > max_depth) {
            max_depth = (uint32_t)refs[i].len;
        }
    }
    if (total > UINT32_MAX / 2) {
        PyMem_Free(refs);
        PyErr_SetString(PyExc_OverflowError, "patterns too long");
        return -1;
    }
    qsort(refs, (size_t)n, sizeof(PatternRef), compare_patterns);

    /* Nodes in creation order (depth-first), and edges (parent, label, child) in the
     * same order: the edges of one parent come sorted by label. */
    uint32_t cap = (uint32_t)total;
    int32_t *pid = PyMem_Malloc(cap * sizeof(int32_t));
    uint32_t *parent = PyMem_Malloc(cap * sizeof(uint32_t));
    uint8_t *label = PyMem_Malloc(cap);
    uint32_t *path = PyMem_Malloc((max_depth + 1) * sizeof(uint32_t));
    if (!pid || !parent || !label || !path) {
        PyMem_Free(refs);
        PyMem_Free(pid);
        PyMem_Free(parent);
        PyMem_Free(label);
        PyMem_Free(path);
        PyErr_NoMemory();
        return -1;
    }
    uint32_t nodes = 1;
    pid[0] = -1;
    parent[0] = 0;
    label[0] = 0;
    path[0] = 0;
    const uint8_t *prev = NULL;
    Py_ssize_t prev_len = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const uint8_t *d = refs[i].data;
        Py_ssize_t len = refs[i].len;
        Py_ssize_t common = 0;
        if (prev) {
            Py_ssize_t m = len < prev_len ? len : prev_len;
            while (common < m && d[common] == prev[common]) {
                common++;
            }
        }
        for (Py_ssize_t k = common; k < len; k++) {
            uint32_t node = nodes++;
            pid[node] = -1;
            parent[node] = path[k];
            label[node] = d[k];
            path[k + 1] = node;
        }
        pid[path[len]] = refs[i].index;
        prev = d;
        prev_len = len;
    }
    PyMem_Free(refs);
    PyMem_Free(path);

    uint32_t *edge_start = PyMem_Calloc((size_t)nodes + 1, sizeof(uint32_t));
    uint8_t *edge_label = PyMem_Malloc(nodes);
    uint32_t *edge_to = PyMem_Malloc((size_t)nodes * sizeof(uint32_t));
    if (!edge_start || !edge_label || !edge_to) {
        PyMem_Free(pid);
        PyMem_Free(parent);
        PyMem_Free(label);
        PyMem_Free(edge_start);
        PyMem_Free(edge_label);
        PyMem_Free(edge_to);
        PyErr_NoMemory();
        return -1;
    }
    for (uint32_t v = 1; v < nodes; v++) {
        edge_start[parent[v] + 1]++;
    }
    for (uint32_t v = 0; v < nodes; v++) {
        edge_start[v + 1] += edge_start[v];
    }
    /* fill: a cursor per parent, reusing `parent`'s memory would lose it; use a copy */
    uint32_t *cursor = PyMem_Malloc((size_t)nodes * sizeof(uint32_t));
    if (!cursor) {
        PyMem_Free(pid);
        PyMem_Free(parent);
        PyMem_Free(label);
        PyMem_Free(edge_start);
        PyMem_Free(edge_label);
        PyMem_Free(edge_to);
        PyErr_NoMemory();
        return -1;
    }
    memcpy(cursor, edge_start, (size_t)nodes * sizeof(uint32_t));
    for (uint32_t v = 1; v < nodes; v++) {
        uint32_t k = cursor[parent[v]]++;
        edge_label[k] = label[v];
        edge_to[k] = v;
    }
    PyMem_Free(cursor);
    PyMem_Free(parent);
    PyMem_Free(label);

    self->n_nodes = nodes;
    self->n_edges = nodes - 1;
    self->max_depth = max_depth;
    self->edge_start = edge_start;
    self->pid = pid;
    self->edge_label = edge_label;
    self->edge_to = edge_to;
    fill_root(self);
    return 0;
}

static PyObject *
Trie_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"patterns", "fast", "inside_word", NULL};
    PyObject *patterns, *fast, *inside_word;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!OO", kwlist, &PyList_Type, &patterns,
                                     &fast, &inside_word)) {
        return NULL;
    }
    if (!PyCallable_Check(inside_word)) {
        PyErr_SetString(PyExc_TypeError, "inside_word must be callable");
        return NULL;
    }
    TrieObject *self = (TrieObject *)type->tp_alloc(type, 0);
    if (!self) {
        return NULL;
    }
    if (build(self, patterns) < 0 || set_fast(self, fast) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    if (self->n_fast != PyList_GET_SIZE(patterns)) {
        Py_DECREF(self);
        PyErr_SetString(PyExc_ValueError, "fast must have one entry per pattern");
        return NULL;
    }
    Py_INCREF(inside_word);
    self->inside_word = inside_word;
    return (PyObject *)self;
}

/* The child of `node` by byte `b`, or 0. */
static inline uint32_t
child(const TrieObject *t, uint32_t node, uint8_t b)
{
    uint32_t lo = t->edge_start[node], hi = t->edge_start[node + 1];
    if (hi - lo <= 8) {
        for (uint32_t k = lo; k < hi; k++) {
            if (t->edge_label[k] == b) {
                return t->edge_to[k];
            }
        }
        return 0;
    }
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        uint8_t m = t->edge_label[mid];
        if (m == b) {
            return t->edge_to[mid];
        }
        if (m < b) {
            lo = mid + 1;
        }
        else {
            hi = mid;
        }
    }
    return 0;
}

/* Whether a candidate ending at e (exclusive) ends at the end of a word: 1 yes, 0 no,
 * -1 error. The rare non-ASCII and hyphen cases are asked of Python. */
static int
ends_word(TrieObject *t, PyObject *hay_obj, PyObject *raw_obj, const uint8_t *hay,
          Py_ssize_t n, Py_ssize_t e)
{
    if (e >= n) {
        return 1; /* the end of the text */
    }
    uint8_t b = hay[e];
    uint8_t w = WORD[b];
    if (w == 1) {
        return 0;
    }
    if (w == 0 && !JOINER[b]) {
        return 1;
    }
    if (w == 0 && !WORD[hay[e + 1]]) {
        return 1; /* a joiner not followed by a word character */
    }
    PyObject *r = PyObject_CallFunction(t->inside_word, "OOn", hay_obj, raw_obj, e);
    if (!r) {
        return -1;
    }
    int inside = PyObject_IsTrue(r);
    Py_DECREF(r);
    return inside < 0 ? -1 : !inside;
}

/*
 * scan(hay, raw, pos, stop, out) -> (pos, s, candidates)
 *
 * Walks from every space of hay at or after pos and before stop. Accepted fast matches
 * are appended to `out` as (s, e, variant, False) in hay coordinates. Returns when it
 * reaches stop, with s = -1 and candidates None; or at the first space whose longest
 * candidate needs Python's check, with that space's position and its candidates
 * [(e, pattern), ...], longest first, each ending at the end of a word.
 */
static PyObject *
Trie_scan(TrieObject *self, PyObject *args)
{
    PyObject *hay_obj, *raw_obj, *out;
    Py_ssize_t pos, stop;
    if (!PyArg_ParseTuple(args, "O!O!nnO!", &PyBytes_Type, &hay_obj, &PyBytes_Type, &raw_obj,
                          &pos, &stop, &PyList_Type, &out)) {
        return NULL;
    }
    const uint8_t *hay = (const uint8_t *)PyBytes_AS_STRING(hay_obj);
    const uint8_t *raw = (const uint8_t *)PyBytes_AS_STRING(raw_obj);
    Py_ssize_t n = PyBytes_GET_SIZE(hay_obj);
    if (PyBytes_GET_SIZE(raw_obj) != n || n < 1 || hay[n - 1] != ' ') {
        PyErr_SetString(PyExc_ValueError, "hay and raw must have one length; hay ends with a space");
        return NULL;
    }
    if (pos < 0) {
        pos = 0;
    }
    if (stop > n - 1) {
        stop = n - 1;
    }
    /* candidate ends along one walk, at most max_depth of them */
    Py_ssize_t *ends = PyMem_Malloc(((size_t)self->max_depth + 1) * sizeof(Py_ssize_t));
    int32_t *pids = PyMem_Malloc(((size_t)self->max_depth + 1) * sizeof(int32_t));
    if (!ends || !pids) {
        PyMem_Free(ends);
        PyMem_Free(pids);
        return PyErr_NoMemory();
    }
    PyObject *result = NULL;
    Py_ssize_t s = pos;
    while (s < stop) {
        const uint8_t *p = memchr(hay + s, ' ', (size_t)(stop - s));
        if (!p) {
            s = stop;
            break;
        }
        s = p - hay;
        /* walk; hay ends with a space that no pattern contains at its end */
        Py_ssize_t i = s + 1;
        uint32_t node = self->root[hay[i]];
        int found = 0;
        while (node) {
            i++;
            int32_t id = self->pid[node];
            if (id >= 0) {
                ends[found] = i;
                pids[found] = id;
                found++;
            }
            if (i >= n) {
                break;
            }
            node = child(self, node, hay[i]);
        }
        int accepted = 0;
        int slow_from = -1;
        for (int k = found - 1; k >= 0; k--) {
            int ok = ends_word(self, hay_obj, raw_obj, hay, n, ends[k]);
            if (ok < 0) {
                goto done;
            }
            if (!ok) {
                continue;
            }
            int32_t v = self->fast[pids[k]];
            if (v >= 0 && raw[s] < 0x80 && raw[s] != 0x27) {
                PyObject *t = Py_BuildValue("(nniO)", s, ends[k], (int)v, Py_False);
                if (!t || PyList_Append(out, t) < 0) {
                    Py_XDECREF(t);
                    goto done;
                }
                Py_DECREF(t);
                s = ends[k];
                accepted = 1;
            }
            else {
                slow_from = k;
            }
            break;
        }
        if (accepted) {
            continue;
        }
        if (slow_from >= 0) {
            PyObject *cands = PyList_New(0);
            if (!cands) {
                goto done;
            }
            for (int k = slow_from; k >= 0; k--) {
                if (k != slow_from) {
                    int ok = ends_word(self, hay_obj, raw_obj, hay, n, ends[k]);
                    if (ok < 0) {
                        Py_DECREF(cands);
                        goto done;
                    }
                    if (!ok) {
                        continue;
                    }
                }
                PyObject *t = Py_BuildValue("(ni)", ends[k], (int)pids[k]);
                if (!t || PyList_Append(cands, t) < 0) {
                    Py_XDECREF(t);
                    Py_DECREF(cands);
                    goto done;
                }
                Py_DECREF(t);
            }
            result = Py_BuildValue("(nnN)", s, s, cands);
            goto done;
        }
        s++;
    }
    result = Py_BuildValue("(nnO)", s, (Py_ssize_t)-1, Py_None);
done:
    PyMem_Free(ends);
    PyMem_Free(pids);
    return result;
}

/* Byte spans (after hay's padding space) to code points: continuation bytes of raw
 * before each offset are not characters. */
static PyObject *
code_points(PyObject *module, PyObject *args)
{
    PyObject *raw_obj, *found;
    Py_ssize_t base;
    if (!PyArg_ParseTuple(args, "O!O!n", &PyBytes_Type, &raw_obj, &PyList_Type, &found,
                          &base)) {
        return NULL;
    }
    (void)module;
    const uint8_t *raw = (const uint8_t *)PyBytes_AS_STRING(raw_obj);
    Py_ssize_t n = PyBytes_GET_SIZE(raw_obj);
    Py_ssize_t count = PyList_GET_SIZE(found);
    PyObject *result = PyList_New(count);
    if (!result) {
        return NULL;
    }
    Py_ssize_t seen = 0, cont = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *item = PyList_GET_ITEM(found, k);
        Py_ssize_t s, e;
        int vid;
        PyObject *elided;
        if (!PyArg_ParseTuple(item, "nniO", &s, &e, &vid, &elided)) {
            Py_DECREF(result);
            return NULL;
        }
        e -= 1;
        if (s < 0 || e > n || s > n) {
            Py_DECREF(result);
            PyErr_SetString(PyExc_ValueError, "spans must lie inside raw");
            return NULL;
        }
        for (Py_ssize_t j = seen; j < s; j++) {
            cont += (raw[j] & 0xC0) == 0x80;
        }
        Py_ssize_t cs = s - cont;
        for (Py_ssize_t j = s; j < e; j++) {
            cont += (raw[j] & 0xC0) == 0x80;
        }
        seen = e;
        PyObject *t = Py_BuildValue("(nniO)", cs + base, e - cont + base, vid, elided);
        if (!t) {
            Py_DECREF(result);
            return NULL;
        }
        PyList_SET_ITEM(result, k, t);
    }
    return result;
}

/* Serialized arrays: magic, counts, then the arrays one after the other. */
static PyObject *
Trie_to_bytes(TrieObject *self, PyObject *Py_UNUSED(ignored))
{
    size_t size = 4 * sizeof(uint32_t) + ((size_t)self->n_nodes + 1) * 4 +
                  (size_t)self->n_nodes * 4 + (size_t)self->n_edges * 5;
    PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)size);
    if (!b) {
        return NULL;
    }
    uint8_t *w = (uint8_t *)PyBytes_AS_STRING(b);
    uint32_t head[4] = {STATE_MAGIC, self->n_nodes, self->n_edges, self->max_depth};
    memcpy(w, head, sizeof(head));
    w += sizeof(head);
    memcpy(w, self->edge_start, ((size_t)self->n_nodes + 1) * 4);
    w += ((size_t)self->n_nodes + 1) * 4;
    memcpy(w, self->pid, (size_t)self->n_nodes * 4);
    w += (size_t)self->n_nodes * 4;
    memcpy(w, self->edge_to, (size_t)self->n_edges * 4);
    w += (size_t)self->n_edges * 4;
    memcpy(w, self->edge_label, (size_t)self->n_edges);
    return b;
}

static PyObject *
Trie_from_bytes(PyTypeObject *type, PyObject *args)
{
    Py_buffer state;
    PyObject *fast, *inside_word;
    if (!PyArg_ParseTuple(args, "y*OO", &state, &fast, &inside_word)) {
        return NULL;
    }
    TrieObject *self = NULL;
    const uint8_t *r = state.buf;
    uint32_t head[4];
    if (state.len < (Py_ssize_t)sizeof(head)) {
        goto bad;
    }
    memcpy(head, r, sizeof(head));
    r += sizeof(head);
    if (head[0] != STATE_MAGIC || head[1] == 0 || head[2] != head[1] - 1) {
        goto bad;
    }
    size_t nodes = head[1], edges = head[2];
    if ((size_t)state.len != sizeof(head) + (nodes + 1) * 4 + nodes * 4 + edges * 5) {
        goto bad;
    }
    if (!PyCallable_Check(inside_word)) {
        PyBuffer_Release(&state);
        PyErr_SetString(PyExc_TypeError, "inside_word must be callable");
        return NULL;
    }
    self = (TrieObject *)type->tp_alloc(type, 0);
    if (!self) {
        PyBuffer_Release(&state);
        return NULL;
    }
    self->n_nodes = (uint32_t)nodes;
    self->n_edges = (uint32_t)edges;
    self->max_depth = head[3];
    self->edge_start = PyMem_Malloc((nodes + 1) * 4);
    self->pid = PyMem_Malloc(nodes * 4);
    self->edge_to = PyMem_Malloc(edges ? edges * 4 : 1);
    self->edge_label = PyMem_Malloc(edges ? edges : 1);
    if (!self->edge_start || !self->pid || !self->edge_to || !self->edge_label) {
        PyBuffer_Release(&state);
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    memcpy(self->edge_start, r, (nodes + 1) * 4);
    r += (nodes + 1) * 4;
    memcpy(self->pid, r, nodes * 4);
    r += nodes * 4;
    memcpy(self->edge_to, r, edges * 4);
    r += edges * 4;
    memcpy(self->edge_label, r, edges);
    PyBuffer_Release(&state);
    /* the arrays must describe a tree inside its bounds before anything walks them */
    if (self->edge_start[0] != 0 || self->edge_start[nodes] != edges) {
        Py_DECREF(self);
        PyErr_SetString(PyExc_ValueError, "not a glossator trie");
        return NULL;
    }
    for (size_t v = 0; v < nodes; v++) {
        if (self->edge_start[v] > self->edge_start[v + 1]) {
            Py_DECREF(self);
            PyErr_SetString(PyExc_ValueError, "not a glossator trie");
            return NULL;
        }
    }
    for (size_t k = 0; k < edges; k++) {
        if (self->edge_to[k] == 0 || self->edge_to[k] >= nodes) {
            Py_DECREF(self);
            PyErr_SetString(PyExc_ValueError, "not a glossator trie");
            return NULL;
        }
    }
    if (set_fast(self, fast) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    for (size_t v = 0; v < nodes; v++) {
        if (self->pid[v] >= self->n_fast) {
            Py_DECREF(self);
            PyErr_SetString(PyExc_ValueError, "trie and fast table do not agree");
            return NULL;
        }
    }
    Py_INCREF(inside_word);
    self->inside_word = inside_word;
    fill_root(self);
    return (PyObject *)self;
bad:
    PyBuffer_Release(&state);
    PyErr_SetString(PyExc_ValueError, "not a glossator trie");
    return NULL;
}

static PyObject *
Trie_get_nodes(TrieObject *self, void *Py_UNUSED(closure))
{
    return PyLong_FromUnsignedLong(self->n_nodes);
}

static PyMethodDef Trie_methods[] = {
    {"scan", (PyCFunction)Trie_scan, METH_VARARGS,
     "scan(hay, raw, pos, stop, out) -> (pos, s, candidates)"},
    {"to_bytes", (PyCFunction)Trie_to_bytes, METH_NOARGS, "The arrays, as bytes."},
    {"from_bytes", (PyCFunction)Trie_from_bytes, METH_VARARGS | METH_CLASS,
     "from_bytes(state, fast, inside_word) -> Trie"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Trie_getset[] = {
    {"nodes", (getter)Trie_get_nodes, NULL, "Number of nodes.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject TrieType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "glossator._scan.Trie",
    .tp_doc = PyDoc_STR("Trie(patterns, fast, inside_word): the compiled patterns, walked "
                        "from every space of a folded text."),
    .tp_basicsize = sizeof(TrieObject),
    .tp_itemsize = 0,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = Trie_new,
    .tp_dealloc = (destructor)Trie_dealloc,
    .tp_methods = Trie_methods,
    .tp_getset = Trie_getset,
};

static PyMethodDef module_methods[] = {
    {"code_points", code_points, METH_VARARGS,
     "code_points(raw, found, base) -> found with code-point offsets"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef scan_module = {
    PyModuleDef_HEAD_INIT, "glossator._scan",
    "The matcher's inner loop in C (see matcher.py).", -1, module_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__scan(void)
{
    init_tables();
    if (PyType_Ready(&TrieType) < 0) {
        return NULL;
    }
    PyObject *m = PyModule_Create(&scan_module);
    if (!m) {
        return NULL;
    }
    Py_INCREF(&TrieType);
    if (PyModule_AddObject(m, "Trie", (PyObject *)&TrieType) < 0) {
        Py_DECREF(&TrieType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
