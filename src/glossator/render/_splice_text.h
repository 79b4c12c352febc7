/*
 * glossator.render._splice, one part of the module.
 *
 * The text loop: each annotated term followed by its entry's expansion
 * (render/text.py).
 *
 * Included once by _splice.c, in the order it names the parts (one compilation unit:
 * what the parts before this one define is in scope here, and the -Werror and sanitizer
 * builds of tests/test_c_build.py cover it); not a header to include anywhere else.
 */

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
