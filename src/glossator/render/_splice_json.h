/*
 * glossator.render._splice, one part of the module.
 *
 * The JSON loop: the text as a JSON string, then each annotation's item
 * (render/json.py).
 *
 * Included once by _splice.c, in the order it names the parts (one compilation unit:
 * what the parts before this one define is in scope here, and the -Werror and sanitizer
 * builds of tests/test_c_build.py cover it); not a header to include anywhere else.
 */

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
