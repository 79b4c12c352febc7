/*
 * glossator.render._splice, one part of the module.
 *
 * What follows an annotation's surface in JSON, made once per code (render/json.py): a
 * document's new codes and entries in one call.
 *
 * Included once by _splice.c, in the order it names the parts (one compilation unit:
 * what the parts before this one define is in scope here, and the -Werror and sanitizer
 * builds of tests/test_c_build.py cover it); not a header to include anywhere else.
 */

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
