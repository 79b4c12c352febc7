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
 * The trie is path-compressed: a run of nodes that have one child each and end no
 * pattern is one edge, a first byte (its label) and the rest (its tail), which the walk
 * compares at once. Below the first few levels most of a large glossary's trie is such
 * runs (72 % of the nodes at 100 000 entries), and every node a walk steps on is a
 * likely cache miss.
 *
 * A node's children are numbered together, so that the children of node v are the nodes
 * nodes[v].first .. nodes[v].first + kids - 1, in the order of their labels. The first
 * levels, which every walk visits, are numbered breadth first and sit together at the
 * start of the array; each subtree below them is numbered depth first, so that one walk's
 * deeper steps land near one another (the walk is bound by memory, not by instructions). A node's 16-byte record holds its first
 * child, its child count, whether a pattern ends there (its id is then in `pids` in the
 * saved state, in the record in memory), the
 * label of the edge leading to it (its first byte) and the rest of that edge, its tail
 * (up to eight bytes in the record itself, longer ones in `tails`). These records, the
 * ids and the tails are what Trie.to_bytes saves and Trie.from_bytes checks and loads.
 *
 * In memory each record also carries what a step needs to find a child without reading
 * anything else or looping: the labels of up to eight children (a node of more has 256
 * slots instead, by byte, in `slots`). A step then reads one record, whose children's
 * records it prefetches at once; at 100 000 entries (5.6 MB of records) the former
 * layout, labels in an array of their own and a loop over them, waited for two loads per
 * step. The root's children are also kept in a 256-entry table. On Linux the arrays of a
 * large trie are then gathered into one mapping on 2 MB huge pages (trie_gather).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <marshal.h>
#include <stdint.h>
#include <stdlib.h>
#include <stddef.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h> /* _mm_crc32_u64, used only where the CPU has it (crc32c) */
#define CRC32C_X86 1
#endif
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#define STATE_MAGIC 0x34525447u /* "GTR4" */

/* Bumped with every change to what the module's functions take or return; matcher.py
 * refuses a module of another ABI (a stale build left next to newer sources). */
#define SCAN_ABI 15

/* What the scanner decides alone about a candidate that ends a word, after an ASCII
 * character that is not an apostrophe (anything else goes to Python). */
enum {
    MODE_ASK = 0,     /* Python checks it */
    MODE_KEEP = 1,    /* kept as it is: one case-insensitive plain variant */
    MODE_EXACT = 2,   /* kept if the text's bytes are the form's (an acronym), else dropped */
    MODE_CAPITAL = 3, /* dropped unless a capital starts it (Etat, ETAT); then Python checks */
    MODE_LOOSE = 4,   /* kept if its letters folded to a space (à, où) are the form's */
    MODE_UNACCENTED = 5, /* kept if the letters that lost an accent are capitals (ETAT) */
    MODE_LOOSE_ASK = 6, /* as MODE_LOOSE (a form with an apostrophe: mentionné à l'alinéa),
                         * but what it does not keep goes to Python, which reads a
                         * typographic apostrophe (3 bytes) as the form's ' */
    MODE_PLAIN_UNLESS = 7, /* two variants, an unaccented one (actes for actés), then a
                            * plain one: the plain one (`fast`) is kept when the first
                            * does not fit (its letters that lost an accent are not
                            * capitals); else Python */
};

/* Tails of at most this many bytes are kept in the node record. */
#define INLINE_TAIL 8
/* Longer runs are cut into several edges. */
#define MAX_TAIL 0xFF
/* Node.kids: the child count in the low bits, and ENDS when a pattern ends at the node. */
#define KIDS_MASK 0x1FFu
#define ENDS 0x8000u

typedef struct {
    uint32_t first; /* the first child */
    uint16_t kids;  /* number of children (KIDS_MASK), | ENDS when a pattern ends here */
    uint8_t label;  /* the first byte of the edge to this node (0 for the root) */
    uint8_t tlen;   /* bytes of the edge to this node after its label */
    union {
        uint8_t bytes[INLINE_TAIL]; /* the tail (tlen <= INLINE_TAIL), zero-padded */
        uint64_t at;                /* or its offset in tails */
    } tail;
    /* In memory only (to_bytes writes the 16 bytes above, RECORD): up to eight
     * children, their labels, byte k (from the low end) the k-th child's, the rest 0;
     * more, the offset of the node's 256 slots in `slots`. A step finds the child from
     * its parent's record at once, without a loop whose end the processor cannot
     * guess. */
    uint64_t kid_labels;
    /* Also in memory only, what a walk needs of the pattern that ends here (ENDS), read
     * with the record rather than from three arrays indexed by pattern (each a likely
     * cache miss at 100 000 entries): its id (as `pids`), and its `fast` variant + 1
     * shifted left by three over its mode (MODE_*); -1 and 0 elsewhere. The record is
     * then 32 bytes, and as the array starts on a 64-byte boundary (trie_gather) no
     * record straddles two cache lines, as one 24-byte record in four did. */
    int32_t pid;
    uint32_t fast_mode;
} Node;

/* The bytes of a record in to_bytes: no padding, the same size everywhere. */
#define RECORD 16
_Static_assert(offsetof(Node, kid_labels) == RECORD, "a node record is 16 bytes");
_Static_assert(sizeof(Node) == 32, "a node in memory is 32 bytes");
/* Node.fast_mode: the mode in the low bits, the fast variant + 1 above them. */
#define MODE_BITS 3
#define MODE_MASK 7u

typedef struct {
    PyObject_HEAD
    uint32_t n_nodes;
    uint32_t max_depth;   /* the longest pattern, in bytes */
    uint32_t n_tails;
    Node *nodes;          /* n_nodes */
    int32_t *pids;        /* n_nodes: the pattern that ends at each node, or -1; only
                           * until the records hold them (fill_pattern_info), then NULL */
    uint8_t *slots;       /* 256 per node of more than eight children: by byte, the place
                           * of the child with that label among them, else 0 */
    uint8_t *tails;       /* n_tails: the tails longer than INLINE_TAIL, end to end */
    uint32_t root[256];   /* child of the root by byte, 0 = none (the root is node 0) */
    uint8_t pairs[8192];  /* bit (b1 << 8) | b2: a walk from " " b1 b2 may find a pattern */
    /* 65536, by (b1 << 8) | b2: the node a walk from " " b1 b2 is on after b2, when the
     * root's child b1 has neither a tail nor a pattern of its own (a walk then steps
     * from it by b2 alone), 0 when it has no child b2; else PAIR_STEP, and the walk
     * takes that step itself. NULL for a small trie (PAIR_MIN_NODES): 256 KB for
     * nothing there. */
    uint32_t *pair_node;
    int32_t *fast;        /* per pattern: the variant the scanner may keep itself, or -1 */
    Py_ssize_t n_fast;
    uint8_t *modes;       /* per pattern: MODE_* */
    uint8_t *exact;       /* the bytes exact patterns must be, end to end */
    int64_t *exact_at;    /* n_fast + 1: pattern i's bytes are exact[exact_at[i]:exact_at[i+1]] */
    PyObject *inside_word; /* callable(hay, raw, e) -> bool, for the rare cases */
    size_t n_slots;       /* bytes of slots */
    void *block;          /* or NULL: the one mapping that holds every array above */
    size_t block_len;
} TrieObject;

/* The byte classes (WORD, JOINER, UPPER, LETTER, SPACE, FOLD, RUN_SPACE, EDIT_STOP), the
 * eliding words and the byte sequences of apostrophes, wide spaces and invisible
 * characters: generated from glossator/text/chars.py and matching/fold.py by
 * `python -m glossator.matching.tables`, never typed here. */
#include "_scan_tables.h"

/* Whether p[0 .. q->len-1] is one of the sequences of q, given that p[0] is its lead. */
static inline int
seq_rest(const SeqRange *q, const uint8_t *p)
{
    int last = q->len - 1;
    if (last == 0) {
        return 1;
    }
    if (p[last] < q->lo || p[last] > q->hi) {
        return 0;
    }
    for (int i = 1; i < last; i++) {
        if (p[i] != q->mid[i - 1]) {
            return 0;
        }
    }
    return 1;
}

/* Length of the sequence of `table` (n entries sorted by lead, see SeqRange) that starts
 * at p (left >= 1 bytes readable), or 0. */
static inline int
seq_at(const SeqRange *table, int n, const uint8_t *p, Py_ssize_t left)
{
    for (int k = 0; k < n && table[k].lead <= p[0]; k++) {
        const SeqRange *q = &table[k];
        if (q->lead == p[0] && q->len <= left && seq_rest(q, p)) {
            return q->len;
        }
    }
    return 0;
}

static void
trie_free_arrays(TrieObject *self)
{
    int gathered = 0; /* the arrays are in one mapping (trie_gather), not allocated */
#if defined(__linux__)
    if (self->block) {
        munmap(self->block, self->block_len);
        self->block = NULL;
        gathered = 1;
    }
#endif
    if (!gathered) {
        PyMem_Free(self->nodes);
        PyMem_Free(self->pids);
        PyMem_Free(self->slots);
        PyMem_Free(self->tails);
        PyMem_Free(self->fast);
        PyMem_Free(self->modes);
        PyMem_Free(self->exact);
        PyMem_Free(self->exact_at);
    }
    PyMem_Free(self->pair_node); /* never in the block */
    self->pair_node = NULL;
    self->nodes = NULL;
    self->pids = NULL;
    self->slots = NULL;
    self->tails = NULL;
    self->fast = NULL;
    self->modes = NULL;
    self->exact = NULL;
    self->exact_at = NULL;
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

/* The tail bytes of the edge to the node r (r->tlen of them). */
static inline const uint8_t *
tail_of(const TrieObject *t, const Node *r)
{
    return r->tlen <= INLINE_TAIL ? r->tail.bytes : t->tails + r->tail.at;
}

/* TrieObject.pair_node: the walk takes the first step itself. */
#define PAIR_STEP UINT32_MAX
/* The tries that get a pair_node table: at 1 000 entries (4 600 nodes) it made the scan
 * 1.15x faster, at 10 entries (45 nodes) nothing. */
#define PAIR_MIN_NODES 1024

static void
fill_root(TrieObject *self)
{
    memset(self->root, 0, sizeof(self->root));
    memset(self->pairs, 0, sizeof(self->pairs));
    uint32_t *pair_node = self->pair_node;
    if (self->n_nodes >= PAIR_MIN_NODES && pair_node == NULL) {
        /* (without it, if there is no memory, the walks take their first step) */
        pair_node = PyMem_Malloc(65536 * sizeof(uint32_t));
    }
    for (size_t k = 0; pair_node && k < 65536; k++) {
        pair_node[k] = PAIR_STEP;
    }
    const Node *nodes = self->nodes;
    uint32_t lo = nodes[0].first, hi = lo + (nodes[0].kids & KIDS_MASK);
    for (uint32_t c = lo; c < hi; c++) {
        const Node *r = &nodes[c];
        uint8_t b1 = r->label;
        self->root[b1] = c;
        uint8_t *row = self->pairs + (b1 << 5); /* 256 bits: the bytes after b1 */
        if (r->kids & ENDS) {
            memset(row, 0xFF, 32); /* a pattern ends after b1: any byte may follow */
        }
        else if (r->tlen) {
            uint8_t b2 = tail_of(self, r)[0];
            row[b2 >> 3] |= (uint8_t)(1u << (b2 & 7));
        }
        else {
            uint32_t k0 = r->first, k1 = k0 + (r->kids & KIDS_MASK);
            for (uint32_t b2 = 0; pair_node && b2 < 256; b2++) {
                pair_node[((uint32_t)b1 << 8) | b2] = 0; /* no pattern that way */
            }
            for (uint32_t k = k0; k < k1; k++) {
                uint8_t b2 = nodes[k].label;
                row[b2 >> 3] |= (uint8_t)(1u << (b2 & 7));
                if (pair_node) {
                    pair_node[((uint32_t)b1 << 8) | b2] = k;
                }
            }
        }
    }
    self->pair_node = pair_node;
}

/* Fill every node's kid_labels, and `slots`, from its children's records (after build
 * or load, on sound arrays): 0, or -1 with MemoryError. */
static int
fill_kid_labels(TrieObject *self)
{
    size_t big = 0;
    for (uint32_t v = 0; v < self->n_nodes; v++) {
        big += (self->nodes[v].kids & KIDS_MASK) > 8;
    }
    self->n_slots = big * 256;
    self->slots = PyMem_Calloc(big ? big * 256 : 1, 1);
    if (!self->slots) {
        PyErr_NoMemory();
        return -1;
    }
    big = 0;
    for (uint32_t v = 0; v < self->n_nodes; v++) {
        Node *r = &self->nodes[v];
        uint32_t kids = r->kids & KIDS_MASK;
        uint64_t labels = 0;
        if (kids > 8) {
            uint8_t *slot = self->slots + big * 256;
            for (uint32_t j = 0; j < kids; j++) {
                slot[self->nodes[r->first + j].label] = (uint8_t)j;
            }
            labels = big++ * 256;
        }
        for (uint32_t j = 0; j < kids && kids <= 8; j++) {
            labels |= (uint64_t)self->nodes[r->first + j].label << (8 * j);
        }
        r->kid_labels = labels;
    }
    return 0;
}

/* Copy the buffer `obj` (of a whole number of `item`-byte items) into a new array. */
static void *
copy_buffer(PyObject *obj, Py_ssize_t item, Py_ssize_t *count, const char *what)
{
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    if (view.len % item) {
        PyBuffer_Release(&view);
        PyErr_Format(PyExc_ValueError, "%s must hold %zd-byte items", what, item);
        return NULL;
    }
    void *copy = PyMem_Malloc(view.len ? (size_t)view.len : 1);
    if (!copy) {
        PyBuffer_Release(&view);
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(copy, view.buf, (size_t)view.len);
    *count = view.len / item;
    PyBuffer_Release(&view);
    return copy;
}

/* Copy into each node's record its pattern's id, fast variant and mode (after the checks
 * of set_checks, on sound arrays whose ids are below n_fast): 0, or -1 with ValueError
 * for a variant id too large to share a word with the mode. */
static int
fill_pattern_info(TrieObject *self)
{
    for (uint32_t v = 0; v < self->n_nodes; v++) {
        Node *r = &self->nodes[v];
        int32_t id = self->pids[v];
        r->pid = id;
        r->fast_mode = 0;
        if (id >= 0) {
            int64_t fast = (int64_t)self->fast[id] + 1; /* -1 (none) .. */
            if (fast > (int64_t)(UINT32_MAX >> MODE_BITS)) {
                PyErr_SetString(PyExc_ValueError, "too many variants for the C scanner");
                return -1;
            }
            r->fast_mode = ((uint32_t)fast << MODE_BITS) | (self->modes[id] & MODE_MASK);
        }
    }
    PyMem_Free(self->pids); /* the records hold the ids from now on (to_bytes reads them) */
    self->pids = NULL;
    return 0;
}

/* The per-pattern tables: `fast` (int32 per pattern), `modes` (a byte per pattern),
 * `exact` and `exact_at` (the bytes of exact patterns end to end, and int64 offsets into
 * them, one more than patterns), and the `inside_word` callback. */
static int
set_checks(TrieObject *self, PyObject *fast, PyObject *modes, PyObject *exact,
           PyObject *exact_at, PyObject *inside_word)
{
    if (!PyCallable_Check(inside_word)) {
        PyErr_SetString(PyExc_TypeError, "inside_word must be callable");
        return -1;
    }
    Py_ssize_t n_modes, n_exact, n_at;
    self->fast = copy_buffer(fast, 4, &self->n_fast, "fast");
    if (!self->fast) {
        return -1;
    }
    self->modes = copy_buffer(modes, 1, &n_modes, "modes");
    if (!self->modes) {
        return -1;
    }
    self->exact = copy_buffer(exact, 1, &n_exact, "exact");
    if (!self->exact) {
        return -1;
    }
    self->exact_at = copy_buffer(exact_at, 8, &n_at, "exact_at");
    if (!self->exact_at) {
        return -1;
    }
    if (n_modes != self->n_fast || n_at != self->n_fast + 1) {
        PyErr_SetString(PyExc_ValueError, "fast, modes and exact_at must have one entry per pattern");
        return -1;
    }
    if (self->exact_at[0] != 0 || self->exact_at[self->n_fast] != n_exact) {
        PyErr_SetString(PyExc_ValueError, "exact_at does not fit exact");
        return -1;
    }
    for (Py_ssize_t i = 0; i < self->n_fast; i++) {
        uint8_t mode = self->modes[i];
        int needs_bytes = mode == MODE_EXACT || mode == MODE_LOOSE || mode == MODE_UNACCENTED ||
                          mode == MODE_LOOSE_ASK || mode == MODE_PLAIN_UNLESS;
        if (self->exact_at[i + 1] < self->exact_at[i] || mode > MODE_PLAIN_UNLESS ||
            (needs_bytes && self->exact_at[i + 1] == self->exact_at[i]) ||
            ((mode == MODE_KEEP || needs_bytes) && self->fast[i] < 0)) {
            PyErr_SetString(PyExc_ValueError, "inconsistent pattern modes");
            return -1;
        }
    }
    Py_INCREF(inside_word);
    self->inside_word = inside_word;
    return 0;
}

/* The arrays a scan reads, gathered into one mapping on 2 MB huge pages (Linux), once
 * the trie is built or loaded. At 100 000 entries they are about 11 MB: on 4 KB pages
 * nearly every step of a walk lands on a page that the processor's address cache (the
 * TLB) no longer holds. Smaller tries stay where they are. Failing to gather is no
 * error: the arrays stay in place. */
#define HUGE_PAGE ((size_t)2 << 20)
#define GATHER_MIN HUGE_PAGE

#if defined(__linux__) && defined(MADV_HUGEPAGE)
/* A mapping of len bytes whose start is HUGE_PAGE-aligned, asked for huge pages; NULL
 * when the system gives none. *mapped_len is the length to unmap. */
static void *
huge_map(size_t len, size_t *mapped_len)
{
    size_t want = (len + 4095) & ~(size_t)4095;
    uint8_t *p = mmap(NULL, want + HUGE_PAGE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        return NULL;
    }
    uint8_t *at = (uint8_t *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (at > p) {
        munmap(p, (size_t)(at - p));
    }
    size_t after = (size_t)(p + want + HUGE_PAGE - (at + want));
    if (after) {
        munmap(at + want, after);
    }
    madvise(at, want, MADV_HUGEPAGE); /* advice only: 4 KB pages if refused */
    *mapped_len = want;
    return at;
}

/* Copy one array into the block at *at (64-byte aligned), free it, point to the copy. */
static void *
gather_one(uint8_t **at, void *array, size_t len)
{
    uint8_t *to = *at;
    memcpy(to, array, len);
    PyMem_Free(array);
    *at += (len + 63) & ~(size_t)63;
    return to;
}
#endif

static void
trie_gather(TrieObject *self)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    size_t n_exact = (size_t)self->exact_at[self->n_fast];
    size_t len[7] = {
        (size_t)self->n_nodes * sizeof(Node), self->n_slots, self->n_tails,
        (size_t)self->n_fast, (size_t)self->n_fast * sizeof(int32_t),
        ((size_t)self->n_fast + 1) * sizeof(int64_t), n_exact,
    };
    size_t total = 0;
    for (int k = 0; k < 7; k++) {
        total += (len[k] + 63) & ~(size_t)63;
    }
    if (total < GATHER_MIN || self->block) {
        return;
    }
    size_t mapped_len;
    uint8_t *block = huge_map(total, &mapped_len);
    if (!block) {
        return;
    }
    uint8_t *at = block;
    /* the hottest first: every step reads a record, the first levels their slots */
    self->nodes = gather_one(&at, self->nodes, len[0]);
    self->slots = gather_one(&at, self->slots, len[1]);
    self->tails = gather_one(&at, self->tails, len[2]);
    self->modes = gather_one(&at, self->modes, len[3]);
    self->fast = gather_one(&at, self->fast, len[4]);
    self->exact_at = gather_one(&at, self->exact_at, len[5]);
    self->exact = gather_one(&at, self->exact, len[6]);
    self->block = block;
    self->block_len = mapped_len;
#else
    (void)self;
#endif
}

/* The build's numbering of the compressed trie (see build). */
typedef struct {
    const uint32_t *start, *kids; /* children of each creation id: kids[start[v] ..] */
    uint32_t *order;              /* new id -> creation id */
    const int32_t *pid;           /* by creation id */
    const uint8_t *label;         /* by creation id */
    Node *out;                    /* by new id */
    int32_t *out_pids;            /* by new id */
    uint8_t *tails;
    uint32_t n_out, n_tails;
} Numbering;

/* The first levels of the trie, numbered breadth first, sit together at the start of the
 * array; below them each subtree is numbered depth first, so that the nodes of one walk's
 * deeper steps are near one another (same pages, sometimes the same cache lines). At
 * 100 000 entries this made the walk 1.09x faster than breadth first throughout, and
 * 1.15-1.25x with the huge pages (trie_gather); depth first from the root, 1.18x. */
#define BFS_LEVELS 3

/* Number the children of the node of new id u: each child c starts an edge, which runs
 * down through nodes of one child and no pattern (up to MAX_TAIL bytes); the node that
 * ends it gets the next id. Fills u's record and its children's labels and tails. */
static void
number_children(Numbering *nb, uint32_t u)
{
    const uint32_t *start = nb->start, *kids = nb->kids;
    uint32_t v = nb->order[u];
    nb->out[u].first = nb->n_out;
    nb->out[u].kids = (uint16_t)((start[v + 1] - start[v]) | (nb->pid[v] >= 0 ? ENDS : 0));
    nb->out_pids[u] = nb->pid[v];
    for (uint32_t k = start[v]; k < start[v + 1]; k++) {
        uint32_t c = kids[k], f = c, tlen = 0;
        while (start[f + 1] - start[f] == 1 && nb->pid[f] < 0 && tlen < MAX_TAIL) {
            f = kids[start[f]];
            nb->tails[nb->n_tails + tlen++] = nb->label[f];
        }
        Node *w = &nb->out[nb->n_out];
        w->label = nb->label[c];
        w->tlen = (uint8_t)tlen;
        if (tlen <= INLINE_TAIL) {
            memcpy(w->tail.bytes, nb->tails + nb->n_tails, tlen);
        }
        else {
            w->tail.at = nb->n_tails;
            nb->n_tails += tlen;
        }
        nb->order[nb->n_out++] = f;
    }
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

    /* children of each node (in creation ids), sorted by label: counting sort by parent,
     * stable, over nodes created in label order under each parent */
    uint32_t *start = PyMem_Calloc((size_t)nodes + 1, sizeof(uint32_t));
    uint32_t *kids = PyMem_Malloc((size_t)nodes * sizeof(uint32_t));
    uint32_t *order = PyMem_Malloc((size_t)nodes * sizeof(uint32_t));
    uint32_t *fill = PyMem_Malloc((size_t)nodes * sizeof(uint32_t));
    Node *out = PyMem_Calloc((size_t)nodes, sizeof(Node));
    int32_t *out_pids = PyMem_Malloc((size_t)nodes * sizeof(int32_t));
    uint8_t *tails = PyMem_Malloc(nodes);
    if (!start || !kids || !order || !fill || !out || !out_pids || !tails) {
        PyMem_Free(pid);
        PyMem_Free(parent);
        PyMem_Free(label);
        PyMem_Free(start);
        PyMem_Free(kids);
        PyMem_Free(order);
        PyMem_Free(fill);
        PyMem_Free(out);
        PyMem_Free(out_pids);
        PyMem_Free(tails);
        PyErr_NoMemory();
        return -1;
    }
    for (uint32_t v = 1; v < nodes; v++) {
        start[parent[v] + 1]++;
    }
    for (uint32_t v = 0; v < nodes; v++) {
        start[v + 1] += start[v];
    }
    memcpy(fill, start, (size_t)nodes * sizeof(uint32_t));
    for (uint32_t v = 1; v < nodes; v++) {
        kids[fill[parent[v]]++] = v;
    }
    PyMem_Free(parent);
    /* Numbering of the compressed trie: order[new id] = the creation id of the node that
     * ends the edge. A node's children get consecutive ids when it is numbered (see
     * number_children); the first levels are numbered breadth first, then each subtree
     * below them depth first, with `fill` as the stack. */
    Numbering nb = {start, kids, order, pid, label, out, out_pids, tails, 1, 0};
    order[0] = 0;
    uint32_t u = 0;
    for (int level = 0; level < BFS_LEVELS && u < nb.n_out; level++) {
        for (uint32_t level_end = nb.n_out; u < level_end; u++) {
            number_children(&nb, u);
        }
    }
    uint32_t sp = 0;
    for (uint32_t c = nb.n_out; c > u; c--) {
        fill[sp++] = c - 1; /* so that the lowest id is numbered first */
    }
    while (sp) {
        uint32_t first = nb.n_out;
        number_children(&nb, fill[--sp]);
        for (uint32_t c = nb.n_out; c > first; c--) {
            fill[sp++] = c - 1;
        }
    }
    uint32_t n_out = nb.n_out, n_tails = nb.n_tails;
    PyMem_Free(fill);
    PyMem_Free(start);
    PyMem_Free(kids);
    PyMem_Free(order);
    PyMem_Free(pid);
    PyMem_Free(label);
    /* give back what compression saved */
    Node *fit = PyMem_Realloc(out, (size_t)n_out * sizeof(Node));
    int32_t *fit_pids = PyMem_Realloc(out_pids, (size_t)n_out * sizeof(int32_t));
    uint8_t *fit_tails = PyMem_Realloc(tails, n_tails ? n_tails : 1);
    self->nodes = fit ? fit : out;
    self->pids = fit_pids ? fit_pids : out_pids;
    self->tails = fit_tails ? fit_tails : tails;
    self->n_nodes = n_out;
    self->n_tails = n_tails;
    self->max_depth = max_depth;
    fill_root(self);
    return fill_kid_labels(self);
}

static PyObject *
Trie_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"patterns", "fast", "modes", "exact", "exact_at", "inside_word",
                             NULL};
    PyObject *patterns, *fast, *modes, *exact, *exact_at, *inside_word;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!OOOOO", kwlist, &PyList_Type, &patterns,
                                     &fast, &modes, &exact, &exact_at, &inside_word)) {
        return NULL;
    }
    TrieObject *self = (TrieObject *)type->tp_alloc(type, 0);
    if (!self) {
        return NULL;
    }
    if (build(self, patterns) < 0 || set_checks(self, fast, modes, exact, exact_at, inside_word) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    if (self->n_fast != PyList_GET_SIZE(patterns)) {
        Py_DECREF(self);
        PyErr_SetString(PyExc_ValueError, "fast must have one entry per pattern");
        return NULL;
    }
    if (fill_pattern_info(self) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    trie_gather(self);
    return (PyObject *)self;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* The child of the node `r` by byte `b`, or 0. Up to eight children: by their labels in
 * r's record (the lowest zero byte of labels ^ b, found without a branch); more (the
 * first levels): by r's slots, and the label of the child they name. */
static inline uint32_t
child(const TrieObject *t, const Node *r, uint8_t b)
{
    uint32_t kids = r->kids & KIDS_MASK;
    if (kids > 8) {
        uint32_t c = r->first + t->slots[r->kid_labels + b];
        return t->nodes[c].label == b ? c : 0;
    }
#if defined(__GNUC__)
    uint64_t x = r->kid_labels ^ (ONES * b);
    uint64_t z = (x - ONES) & ~x & HIGHS; /* exact in its lowest set bit */
    if (!z) {
        return 0;
    }
    uint32_t k = (uint32_t)__builtin_ctzll(z) >> 3;
    return k < kids ? r->first + k : 0;
#else
    for (uint32_t k = 0; k < kids; k++) {
        if ((uint8_t)(r->kid_labels >> (8 * k)) == b) {
            return r->first + k;
        }
    }
    return 0;
#endif
}

/* Whether the tail of the edge to r (r->tlen >= 1 bytes) is p[0 .. tlen - 1] (left bytes
 * readable at p). An inline tail is compared in one 8-byte load where eight bytes are
 * readable. */
static inline int
tail_matches(const TrieObject *t, const Node *r, const uint8_t *p, Py_ssize_t left)
{
    Py_ssize_t tlen = r->tlen;
    if (tlen > left) {
        return 0;
    }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (tlen <= INLINE_TAIL && left >= 8) {
        uint64_t h;
        memcpy(&h, p, 8);
        uint64_t mask = tlen == 8 ? ~(uint64_t)0 : (((uint64_t)1 << (8 * tlen)) - 1);
        return ((h ^ r->tail.at) & mask) == 0;
    }
#endif
    const uint8_t *q = tail_of(t, r);
    for (Py_ssize_t k = 0; k < tlen; k++) {
        if (p[k] != q[k]) {
            return 0;
        }
    }
    return 1;
}

/* A match tuple holds numbers, booleans and entry ids (strings), never a container, so it
 * can take no part in a reference cycle: it is left out of the cyclic garbage collector,
 * as CPython does itself for such tuples, but at once. A text with millions of matches
 * otherwise has the collector walk them again and again while they are made. */
static inline PyObject *
untracked(PyObject *t)
{
    PyObject_GC_UnTrack(t);
    return t;
}

/* Accepted matches, packed: three int64 per match, (start, end, variant * 2 + elided),
 * in hay coordinates. The scan fills one in C and appends it to the caller's bytearray
 * when it returns; `mapped` reads them. No Python object is made per match until the
 * final spans. */
typedef struct {
    int64_t *items;
    Py_ssize_t len, cap; /* in int64 */
    Py_ssize_t hint;     /* the matches to make room for at first */
} Found;

/* The GIL during a scan: a scan of a long stretch of text lets other threads run, and
 * takes the GIL back only to call Python (the rare checks of ends_word), to build
 * Python objects or to raise. `ts` is the saved thread state while the GIL is released;
 * `wanted` whether this scan releases it at all. The bytes scanned are immutable objects
 * the caller's arguments hold, and the trie is never changed after it is built. */
typedef struct {
    PyThreadState *ts;
    int wanted;
} Gil;

/* Stretches at least this long are scanned without the GIL. */
#define GIL_RELEASE_BYTES (64 * 1024)

static inline void
gil_hold(Gil *g)
{
    if (g->ts != NULL) {
        PyEval_RestoreThread(g->ts);
        g->ts = NULL;
    }
}

static inline void
gil_let_go(Gil *g)
{
    if (g->wanted && g->ts == NULL) {
        g->ts = PyEval_SaveThread();
    }
}

/* Malloc, not PyMem: it runs without the GIL. On failure, the GIL is taken back and
 * MemoryError raised. */
static int
found_push(Found *f, Gil *gil, Py_ssize_t s, Py_ssize_t e, long vid, int elided)
{
    if (f->len + 3 > f->cap) {
        /* first room for about one match per 16 bytes (a large glossary's rate: pages
         * never written to are never given memory), then twice as much each time */
        Py_ssize_t cap = f->cap ? f->cap * 2 : f->hint > 1024 ? 3 * f->hint : 3 * 1024;
        int64_t *grown = realloc(f->items, (size_t)cap * sizeof(int64_t));
        if (!grown) {
            gil_hold(gil);
            PyErr_NoMemory();
            return -1;
        }
        f->items = grown;
        f->cap = cap;
    }
    f->items[f->len++] = s;
    f->items[f->len++] = e;
    f->items[f->len++] = (int64_t)vid * 2 + (elided ? 1 : 0);
    return 0;
}

/* Append the packed matches to the bytearray `out`. */
static int
found_flush(Found *f, PyObject *out)
{
    if (f->len == 0) {
        return 0;
    }
    Py_ssize_t at = PyByteArray_GET_SIZE(out), add = f->len * (Py_ssize_t)sizeof(int64_t);
    if (PyByteArray_Resize(out, at + add) < 0) {
        return -1;
    }
    memcpy(PyByteArray_AS_STRING(out) + at, f->items, (size_t)add);
    f->len = 0;
    return 0;
}

/* The code point of the UTF-8 sequence at p (n bytes available), or -1. */
static long
decode_at(const uint8_t *p, Py_ssize_t n)
{
    uint8_t b = p[0];
    int len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    if (len == 1 || len > n) {
        return -1;
    }
    long cp = b & (0x3F >> (len - 1));
    for (int i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            return -1;
        }
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    return cp;
}

/* Whether a candidate ending at e (exclusive) ends at the end of a word: 1 yes, 0 no,
 * -1 error. The rare non-ASCII and hyphen cases are asked of Python. */
static int
ends_word(TrieObject *t, PyObject *hay_obj, PyObject *raw_obj, const uint8_t *hay,
          Py_ssize_t n, Py_ssize_t e, Gil *gil)
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
    if (w == 2) {
        /* most often a letter (é, ç): decided here; the rest (marks…) by Python */
        long cp = decode_at((const uint8_t *)PyBytes_AS_STRING(raw_obj) + e,
                            PyBytes_GET_SIZE(raw_obj) - e);
        if (cp >= 0 && Py_UNICODE_ISALNUM((Py_UCS4)cp)) {
            return 0;
        }
    }
    gil_hold(gil);
    PyObject *r = PyObject_CallFunction(t->inside_word, "OOn", hay_obj, raw_obj, e);
    if (!r) {
        return -1; /* with the GIL */
    }
    int inside = PyObject_IsTrue(r);
    Py_DECREF(r);
    if (inside < 0) {
        return -1;
    }
    gil_let_go(gil);
    return !inside;
}

/* The lower case of a continuation byte of a Latin-1 letter (C3 80..9E -> A0..BE). */
static inline uint8_t
latin1_lower(uint8_t b)
{
    return b >= 0x80 && b <= 0x9E ? (uint8_t)(b + 0x20) : b;
}

/* Whether the surface raw[0:len] is the form `core` in any case (MODE_LOOSE): the fold
 * already matched, so only what the fold blurs is compared: letters folded to a space,
 * punctuation folded to a space, and white space. */
static int
loose_equal(const uint8_t *raw, const uint8_t *core, Py_ssize_t len)
{
    for (Py_ssize_t i = 0; i < len; i++) {
        uint8_t c = core[i], t = raw[i];
        if (c < 0x80) {
            if (c == ' ') {
                if (!SPACE[t]) {
                    return 0;
                }
            }
            else if (FOLD[c] == ' ' && t != c) {
                return 0;
            }
        }
        else if (c != 0xC3 && latin1_lower(c) != latin1_lower(t)) {
            return 0;
        }
    }
    return 1;
}

/* The next character of a string of ASCII and Latin-1 letters (C3 xx), or -1 for
 * anything else; advances *i. */
static inline long
latin1_char(const uint8_t *p, Py_ssize_t len, Py_ssize_t *i)
{
    uint8_t b = p[*i];
    if (b < 0x80) {
        (*i)++;
        return b;
    }
    if (b == 0xC3 && *i + 1 < len && (p[*i + 1] & 0xC0) == 0x80) {
        long c = 0xC0 + (p[*i + 1] & 0x3F);
        *i += 2;
        return c;
    }
    return -1;
}

static inline int
latin1_is_upper(long c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7);
}

static inline long
latin1_to_lower(long c)
{
    return latin1_is_upper(c) ? c + 32 : c;
}

/* matcher._capitals_only_unaccented on raw bytes: whether every letter of the surface
 * that differs from the accented form (beyond case) is a capital. 1 yes, 0 no, -1 ask
 * Python (a character outside ASCII and Latin-1). */
static int
unaccented_ok(const uint8_t *surface, Py_ssize_t len, const uint8_t *form, Py_ssize_t flen)
{
    Py_ssize_t i = 0, j = 0;
    while (i < len && j < flen) {
        long s = latin1_char(surface, len, &i), f = latin1_char(form, flen, &j);
        if (s < 0 || f < 0) {
            return -1;
        }
        if (s == f || (f == ' ' && s < 0x80 && SPACE[s])) {
            continue;
        }
        if (latin1_to_lower(s) != latin1_to_lower(f) && !latin1_is_upper(s)) {
            return 0;
        }
    }
    return i == len && j == flen;
}

/* Elision before a candidate starting after hay[s] (matcher._verify's first part):
 * 1 elided (l'ESS), 0 not, -1 an apostrophe inside a word (aujourd'hui): no match here,
 * 2 ask Python (a non-ASCII character before the candidate). */
static int
elision(const uint8_t *hay, const uint8_t *raw, Py_ssize_t s)
{
    uint8_t r = raw[s];
    Py_ssize_t width = 0;
    /* the apostrophe whose last byte is raw[s] (raw[0] is a padding space) */
    for (int a = 0; a < N_APOSTROPHE_SEQS && !width; a++) {
        const SeqRange *q = &APOSTROPHE_SEQS[a];
        Py_ssize_t first = s - (q->len - 1);
        if (first >= 0 && raw[first] == q->lead && seq_rest(q, raw + first)) {
            width = q->len;
        }
    }
    if (!width) {
        return r >= 0x80 ? 2 : 0;
    }
    Py_ssize_t k = s - width; /* the last byte before the apostrophe */
    if (k < 0 || !LETTER[hay[k]]) {
        return 0;
    }
    Py_ssize_t j = k;
    while (j > 0 && LETTER[hay[j - 1]]) {
        j--;
    }
    if (j > 0 && (WORD[hay[j - 1]] || JOINER[hay[j - 1]])) {
        return -1;
    }
    Py_ssize_t len = k + 1 - j;
    for (int w = 0; w < N_ELIDING; w++) {
        if (ELIDING[w].len == len && memcmp(ELIDING[w].text, hay + j, (size_t)len) == 0) {
            return 1;
        }
    }
    return -1;
}

/* Whether a walk from the space at q may find a pattern: q[0] is a space and q[1], q[2]
 * begin one (pairs; q[2] may be the NUL after a bytes object's end). */
static inline uint32_t
starts_at(const uint8_t *q, const uint8_t *pairs)
{
    uint32_t at = ((uint32_t)q[1] << 8) | q[2];
    return (uint32_t)(q[0] == ' ') & ((uint32_t)pairs[at >> 3] >> (at & 7));
}

/* The first place in q .. end - 1 where a walk may find a pattern (starts_at), or end.
 * Sixteen bytes at a time with SSE2 (x86-64 always has it; eight in a 64-bit word
 * elsewhere): the spaces of a stretch are found at once, and only they are looked up; a
 * memchr call per word cost more, and a walk from every space more still (most spaces of
 * a text are followed by no pattern's first two bytes). SSE2 made the walk at 10 entries
 * 1.2x faster than the 64-bit word; also keeping a space only when one of the root's
 * labels follows it (a second compare per label) made it slower. */
static inline const uint8_t *
next_start(const uint8_t *q, const uint8_t *end, const uint8_t *pairs)
{
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi8(' ');
    while (q + 16 <= end) {
        __m128i v = _mm_loadu_si128((const __m128i *)q);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, space));
        while (m) {
            const uint8_t *at = q + __builtin_ctz(m);
            if (starts_at(at, pairs) & 1) {
                return at;
            }
            m &= m - 1;
        }
        q += 16;
    }
#elif defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (q + 8 <= end) {
        uint64_t v;
        memcpy(&v, q, 8);
        uint64_t x = v ^ 0x2020202020202020ull; /* spaces to zero bytes */
        /* the high bit of each zero byte, and perhaps of a byte above one: a byte that
         * starts_at then rejects */
        uint64_t z = (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
        while (z) {
            const uint8_t *at = q + (__builtin_ctzll(z) >> 3);
            if (starts_at(at, pairs) & 1) {
                return at;
            }
            z &= z - 1;
        }
        q += 8;
    }
#endif
    while (q < end && !(starts_at(q, pairs) & 1)) {
        q++;
    }
    return q;
}

/*
 * scan(hay, raw, pos, stop, out) -> (pos, s, candidates)
 *
 * Walks from every space of hay at or after pos and before stop. Accepted fast matches
 * are appended to the bytearray `out`, packed as three int64 (s, e, variant * 2 +
 * elided) in hay coordinates. Returns when it
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
                          &pos, &stop, &PyByteArray_Type, &out)) {
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
    const Node *nodes = self->nodes;
    const uint32_t *pair_node = self->pair_node;
    /* candidate ends along one walk, at most max_depth of them */
    Py_ssize_t *ends = PyMem_Malloc(((size_t)self->max_depth + 1) * sizeof(Py_ssize_t));
    int32_t *pids = PyMem_Malloc(((size_t)self->max_depth + 1) * sizeof(int32_t));
    uint32_t *fast_modes = PyMem_Malloc(((size_t)self->max_depth + 1) * sizeof(uint32_t));
    if (!ends || !pids || !fast_modes) {
        PyMem_Free(ends);
        PyMem_Free(pids);
        PyMem_Free(fast_modes);
        return PyErr_NoMemory();
    }
    PyObject *result = NULL;
    Found found_all = {NULL, 0, 0, (stop - pos) / 16};
    Gil gil = {NULL, stop - pos >= GIL_RELEASE_BYTES};
    gil_let_go(&gil);
    Py_ssize_t s = pos;
    while (s < stop) {
        const uint8_t *q = next_start(hay + s, hay + stop, self->pairs);
        if (q >= hay + stop) {
            s = stop;
            break;
        }
        s = q - hay;
        /* walk; hay ends with a space that no pattern contains at its end. The first
         * step, from the root's child by hay[s + 1] (most often a node of many children
         * and no tail), is looked up with the second byte at once */
        Py_ssize_t i = s + 1;
        uint32_t node = PAIR_STEP;
        if (pair_node != NULL && i + 1 < n) {
            node = pair_node[((uint32_t)hay[i] << 8) | hay[i + 1]];
        }
        if (node == PAIR_STEP) {
            node = self->root[hay[i]];
        }
        else {
            i++;
        }
        int found = 0;
        while (node) {
            const Node *r = &nodes[node];
#if defined(__GNUC__)
            /* the children's records, which the step after the tail reads: asked for
             * now, they come while the tail is compared (12 % of the walk at 100 000
             * entries, measured round-robin against the same build without it) */
            __builtin_prefetch(&nodes[r->first]);
#endif
            i++;
            Py_ssize_t tlen = r->tlen;
            if (tlen) {
                if (!tail_matches(self, r, hay + i, n - i)) {
                    break;
                }
                i += tlen;
            }
            if (r->kids & ENDS) {
                ends[found] = i;
                pids[found] = r->pid;
                fast_modes[found] = r->fast_mode;
                found++;
            }
            if (i >= n) {
                break;
            }
            node = child(self, r, hay[i]);
        }
        int accepted = 0;
        int slow_from = -1;
        int elided = -2; /* not looked at yet */
        for (int k = found - 1; k >= 0; k--) {
            int ok = ends_word(self, hay_obj, raw_obj, hay, n, ends[k], &gil);
            if (ok < 0) {
                goto done;
            }
            if (!ok) {
                continue;
            }
            int32_t id = pids[k];
            uint8_t mode = (uint8_t)(fast_modes[k] & MODE_MASK);
            if (mode == MODE_CAPITAL && !UPPER[raw[s + 1]]) {
                continue; /* an unaccented variant needs a capital: Etat, ETAT */
            }
            int decides = mode == MODE_KEEP || mode == MODE_EXACT || mode == MODE_LOOSE ||
                          mode == MODE_UNACCENTED || mode == MODE_LOOSE_ASK ||
                          mode == MODE_PLAIN_UNLESS;
            if (mode == MODE_UNACCENTED && !UPPER[raw[s + 1]]) {
                continue; /* Etat, ETAT: an unaccented variant starts with a capital */
            }
            if (decides) {
                if (elided == -2) {
                    elided = elision(hay, raw, s);
                }
                if (elided == -1) {
                    break; /* aujourd'hui, prud'homme: nothing starts here */
                }
            }
            if (decides && elided != 2) {
                if (mode != MODE_KEEP) {
                    Py_ssize_t len = ends[k] - 1 - s;
                    const uint8_t *core = self->exact + self->exact_at[id];
                    Py_ssize_t core_len = (Py_ssize_t)(self->exact_at[id + 1] - self->exact_at[id]);
                    if (mode == MODE_UNACCENTED) {
                        int ok2 = unaccented_ok(raw + s + 1, len, core, core_len);
                        if (ok2 < 0) {
                            slow_from = k;
                            break;
                        }
                        if (!ok2) {
                            continue; /* La for là: the a lost its accent in lower case */
                        }
                    }
                    else if (mode == MODE_PLAIN_UNLESS) {
                        if (unaccented_ok(raw + s + 1, len, core, core_len) != 0) {
                            slow_from = k; /* ACTES: the first variant may fit */
                            break;
                        }
                    }
                    else if (mode == MODE_LOOSE_ASK) {
                        if (core_len != len || !loose_equal(raw + s + 1, core, len)) {
                            slow_from = k; /* l’alinéa: Python reads the apostrophe */
                            break;
                        }
                    }
                    else if (core_len != len) {
                        continue;
                    }
                    else if (mode == MODE_EXACT ? memcmp(core, raw + s + 1, (size_t)len) != 0
                                                : !loose_equal(raw + s + 1, core, len)) {
                        continue; /* des is not DES; ou is not où */
                    }
                }
                if (found_push(&found_all, &gil, s, ends[k],
                               (long)(fast_modes[k] >> MODE_BITS) - 1, elided == 1) < 0) {
                    goto done;
                }
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
            gil_hold(&gil);
            gil.wanted = 0; /* Python objects from here on */
            PyObject *cands = PyList_New(0);
            if (!cands) {
                goto done;
            }
            for (int k = slow_from; k >= 0; k--) {
                if (k != slow_from) {
                    int ok = ends_word(self, hay_obj, raw_obj, hay, n, ends[k], &gil);
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
            if (found_flush(&found_all, out) < 0) {
                Py_DECREF(cands);
                goto done;
            }
            result = Py_BuildValue("(nnN)", s, s, cands);
            goto done;
        }
        s++;
    }
    gil_hold(&gil);
    if (found_flush(&found_all, out) == 0) {
        result = Py_BuildValue("(nnO)", s, (Py_ssize_t)-1, Py_None);
    }
done:
    gil_hold(&gil); /* every way here, with or without an error */
    PyMem_Free(ends);
    PyMem_Free(pids);
    PyMem_Free(fast_modes);
    free(found_all.items);
    return result;
}

/* The output of a mapped match: (start, end, variant, elided), or with `ids` (a tuple of
 * entry ids by variant) the span (start, end, ids[variant]). `code` is variant * 2 +
 * elided. */
static PyObject *
output_tuple(Py_ssize_t s, Py_ssize_t e, int64_t code, PyObject *ids)
{
    int64_t vid = code >> 1;
    if (code < 0 || (ids != NULL && vid >= PyTuple_GET_SIZE(ids))) {
        PyErr_SetString(PyExc_IndexError, "variant out of range");
        return NULL;
    }
    PyObject *t = PyTuple_New(ids == NULL ? 4 : 3);
    PyObject *a = PyLong_FromSsize_t(s), *b = PyLong_FromSsize_t(e);
    PyObject *c = ids == NULL ? PyLong_FromLongLong(vid) : PyTuple_GET_ITEM(ids, vid);
    if (!t || !a || !b || !c) {
        Py_XDECREF(t);
        Py_XDECREF(a);
        Py_XDECREF(b);
        if (ids == NULL) {
            Py_XDECREF(c);
        }
        return NULL;
    }
    PyTuple_SET_ITEM(t, 0, a);
    PyTuple_SET_ITEM(t, 1, b);
    if (ids == NULL) {
        PyTuple_SET_ITEM(t, 2, c);
        PyObject *elided = code & 1 ? Py_True : Py_False;
        Py_INCREF(elided);
        PyTuple_SET_ITEM(t, 3, elided);
    }
    else {
        Py_INCREF(c);
        PyTuple_SET_ITEM(t, 2, c);
    }
    return untracked(t);
}

/* The UTF-8 continuation bytes (10xxxxxx) of an eight-byte word: bit 7 set and bit 6
 * clear in a byte, each such byte's high bit summed by one multiplication. */
#define CONT8(v) (((((v) & ~((v) << 1) & HIGHS) >> 7) * ONES) >> 56)

/* The UTF-8 continuation bytes (10xxxxxx) of raw[from .. to - 1] (raw holds n bytes):
 * sixteen bytes at a time, then eight, then what is left in one word when eight bytes
 * are readable there. The matches of a text call it for each stretch between them and
 * for each match, mostly a few bytes: the short stretches cost more than the long. */
static inline Py_ssize_t
continuations(const uint8_t *raw, Py_ssize_t n, Py_ssize_t from, Py_ssize_t to)
{
    Py_ssize_t count = 0, j = from;
#if defined(__SSE2__)
    /* a continuation byte is below -64 as a signed byte; each lane counts down (-1 per
     * hit) at most 255 times, then the lanes are summed (without the POPCNT instruction,
     * which the baseline x86-64 lacks, __builtin_popcountll is a call per eight bytes) */
    const __m128i below = _mm_set1_epi8(-64), zero = _mm_setzero_si128();
    while (j + 16 <= to) {
        __m128i acc = zero;
        Py_ssize_t stop = to - j >= 16 * 255 ? j + 16 * 255 : j + ((to - j) & ~(Py_ssize_t)15);
        for (; j < stop; j += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(raw + j));
            acc = _mm_add_epi8(acc, _mm_cmplt_epi8(v, below));
        }
        __m128i sums = _mm_sad_epu8(_mm_sub_epi8(zero, acc), zero);
        count += _mm_cvtsi128_si32(sums) + _mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
    }
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; j + 8 <= to; j += 8) {
        uint64_t v;
        memcpy(&v, raw + j, 8);
        count += (Py_ssize_t)CONT8(v);
    }
    if (j < to && j + 8 <= n) { /* 1 to 7 bytes, the bytes after them masked off */
        uint64_t v;
        memcpy(&v, raw + j, 8);
        v &= ((uint64_t)1 << (8 * (to - j))) - 1;
        return count + (Py_ssize_t)CONT8(v);
    }
#else
    (void)n;
#endif
    for (; j < to; j++) {
        count += (raw[j] & 0xC0) == 0x80;
    }
    return count;
}

/* Where the cuts stand while the matches of a text are mapped to code points, match after
 * match (mapped() and _keep.h's packed_spans()). */
typedef struct {
    const int64_t *news, *olds; /* the cut tables (see mapped) */
    Py_ssize_t cuts, last_k;
    Py_ssize_t k, offset, next_cut, seen, cont; /* the state carried between batches */
    const uint8_t *raw;
    Py_ssize_t n;
} SpanCursor;

/* Start `c` from the cut tables, the bytes and the four-integer `state` list; -1 with
 * ValueError when they do not fit together. */
static int
cursor_open(SpanCursor *c, PyObject *raw_obj, const Py_buffer *news_view,
            const Py_buffer *olds_view, const Py_buffer *found_view, PyObject *state)
{
    c->news = news_view->buf;
    c->olds = olds_view->buf;
    c->cuts = news_view->len / 8;
    if (news_view->len != olds_view->len || news_view->len % 8 || c->cuts < 1 ||
        found_view->len % 24 || PyList_GET_SIZE(state) != 4) {
        PyErr_SetString(PyExc_ValueError, "bad matches, cut tables or state");
        return -1;
    }
    Py_ssize_t st[4];
    for (int i = 0; i < 4; i++) {
        st[i] = PyLong_AsSsize_t(PyList_GET_ITEM(state, i));
        if (st[i] == -1 && PyErr_Occurred()) {
            return -1;
        }
    }
    c->raw = (const uint8_t *)PyBytes_AS_STRING(raw_obj);
    c->n = PyBytes_GET_SIZE(raw_obj);
    c->k = st[0];
    c->offset = st[1];
    c->seen = st[2];
    c->cont = st[3];
    c->last_k = c->cuts - 1;
    if (c->k < 0 || c->k > c->last_k || c->seen < 0 || c->seen > c->n) {
        PyErr_SetString(PyExc_ValueError, "bad state");
        return -1;
    }
    c->next_cut = c->k < c->last_k ? c->news[c->k + 1] : -1;
    return 0;
}

/* Write the state of `c` back into the `state` list for the next batch. */
static int
cursor_save(const SpanCursor *c, PyObject *state)
{
    Py_ssize_t st[4] = {c->k, c->offset, c->seen, c->cont};
    for (int i = 0; i < 4; i++) {
        PyObject *v = PyLong_FromSsize_t(st[i]);
        if (!v || PyList_SetItem(state, i, v) < 0) {
            return -1;
        }
    }
    return 0;
}

/* The match m (Trie.scan's triple: the byte after the padding space, the end + 1) in
 * code points of the text before the cuts, into *cs and *ce; the matches come in order.
 * -1 with ValueError for a span outside raw. */
static int
cursor_map(SpanCursor *c, const int64_t m[3], Py_ssize_t *cs, Py_ssize_t *ce)
{
    Py_ssize_t bs = (Py_ssize_t)m[0], be = (Py_ssize_t)m[1] - 1;
    while (c->next_cut >= 0 && c->next_cut <= bs) {
        c->k++;
        c->offset = c->olds[c->k] - c->news[c->k];
        c->next_cut = c->k < c->last_k ? c->news[c->k + 1] : -1;
    }
    if (c->next_cut >= 0 && c->next_cut < be) {
        /* a run inside a multiword term was cut: the last cut before its end */
        Py_ssize_t lo = 0, hi = c->cuts;
        while (lo < hi) {
            Py_ssize_t mid = (lo + hi) / 2;
            if (c->news[mid] <= be - 1) {
                lo = mid + 1;
            }
            else {
                hi = mid;
            }
        }
        Py_ssize_t j = lo - 1;
        bs = bs + c->offset;
        be = c->olds[j] + be - c->news[j];
    }
    else {
        bs += c->offset;
        be += c->offset;
    }
    if (bs < 0 || be > c->n || bs > be) {
        PyErr_SetString(PyExc_ValueError, "spans must lie inside raw");
        return -1;
    }
    c->cont += continuations(c->raw, c->n, c->seen, bs);
    *cs = bs - c->cont;
    c->cont += continuations(c->raw, c->n, bs, be);
    c->seen = be;
    *ce = be - c->cont;
    return 0;
}

/* A list of the n new references objs[0..n), which it takes (and frees objs): made
 * only once every item is there, so that no Python code (a collection's callbacks, an
 * __instancecheck__ run while the items are made) ever sees a list with empty slots.
 * NULL on error, the references released. */
static PyObject *
list_of(PyObject **objs, Py_ssize_t n)
{
    PyObject *list = PyList_New(n);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (list) {
            PyList_SET_ITEM(list, i, objs[i]);
        }
        else {
            Py_DECREF(objs[i]);
        }
    }
    PyMem_Free(objs);
    return list;
}

/* The first n references of objs released, and objs freed. */
static void
objs_free(PyObject **objs, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; objs && i < n; i++) {
        Py_DECREF(objs[i]);
    }
    PyMem_Free(objs);
}

/*
 * mapped(raw, found, news, olds, state, base[, ids[, skip]]) -> found in code points
 *
 * The packed matches of Trie.scan (three int64 each: start, end, variant * 2 + elided),
 * as (start, end, variant, elided) tuples, or with `ids` (a tuple; None: none)
 * (start, end, ids[variant]). `skip` (a buffer of one byte per variant, or None): the
 * matches of a variant whose byte is not zero are left out (their offsets still count).
 * Byte spans of a text from which some bytes were cut (invisible characters, runs of
 * white space) back to code points of the text before the cuts. news[k] is where the
 * k-th cut was made in the cut bytes and olds[k] the same place in raw (both int64
 * arrays, news[0] = olds[0] = 0). `state` is a list of four integers carried from one
 * batch to the next: the current cut, the offset it brings, the bytes and the
 * continuation bytes counted so far.
 */
static PyObject *
mapped(PyObject *module, PyObject *args)
{
    PyObject *raw_obj, *state, *ids = NULL, *skip_obj = NULL;
    Py_buffer found_view, news_view, olds_view, skip_view;
    Py_ssize_t base;
    (void)module;
    if (!PyArg_ParseTuple(args, "O!y*y*y*O!n|OO", &PyBytes_Type, &raw_obj, &found_view,
                          &news_view, &olds_view, &PyList_Type, &state, &base,
                          &ids, &skip_obj)) {
        return NULL;
    }
    PyObject *result = NULL;
    skip_view.buf = NULL;
    skip_view.obj = NULL;
    if (ids == Py_None) {
        ids = NULL;
    }
    if (ids != NULL && !PyTuple_Check(ids)) {
        PyErr_SetString(PyExc_TypeError, "ids must be a tuple or None");
        goto done;
    }
    if (skip_obj != NULL && skip_obj != Py_None &&
        PyObject_GetBuffer(skip_obj, &skip_view, PyBUF_SIMPLE) < 0) {
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
    /* the spans made into an array, the list made of them at the end (list_of) */
    PyObject **spans = PyMem_Malloc(count ? (size_t)count * sizeof(PyObject *) : 1);
    if (!spans) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t kept = 0;
    Py_ssize_t n_ids = ids != NULL ? PyTuple_GET_SIZE(ids) : 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        int64_t m[3];
        memcpy(m, found + 3 * i, sizeof(m));
#if defined(__GNUC__)
        /* The entry ids of the matches ahead, in two stages: the tuple's slot sixteen
         * matches ahead, the string it names (whose reference count the span's tuple
         * takes) eight ahead. At 100 000 entries each is a likely cache miss (a string
         * among 100 000); asked for early, the whole scan was 1.05-1.08x faster
         * (round-robin; an earlier try at prefetching them had shown no change). */
        if (i + 16 < count) {
            int64_t v = found[3 * (i + 16) + 2] >> 1;
            if (v >= 0 && v < n_ids) {
                __builtin_prefetch(&((PyTupleObject *)ids)->ob_item[v]);
            }
        }
        if (i + 8 < count) {
            int64_t v = found[3 * (i + 8) + 2] >> 1;
            if (v >= 0 && v < n_ids) {
                __builtin_prefetch(PyTuple_GET_ITEM(ids, v), 1);
            }
        }
#endif
        Py_ssize_t cs, ce;
        if (cursor_map(&c, m, &cs, &ce) < 0) {
            objs_free(spans, kept);
            goto done;
        }
        if (skip != NULL && m[2] >= 0 && (m[2] >> 1) < skip_len && skip[m[2] >> 1]) {
            continue; /* an entry the caller has done with */
        }
        PyObject *t = output_tuple(cs + base, ce + base, m[2], ids);
        if (!t) {
            objs_free(spans, kept);
            goto done;
        }
        spans[kept++] = t;
    }
    if (cursor_save(&c, state) < 0) {
        objs_free(spans, kept);
        goto done;
    }
    result = list_of(spans, kept);
done:
    PyBuffer_Release(&found_view);
    PyBuffer_Release(&news_view);
    PyBuffer_Release(&olds_view);
    if (skip_view.obj != NULL) {
        PyBuffer_Release(&skip_view);
    }
    return result;
}

/* Length of an invisible character (chars.INVISIBLE: soft hyphen, zero-width space and
 * joiners, word joiner, BOM) at p, or 0. */
static inline int
invisible_at(const uint8_t *p, Py_ssize_t left)
{
    return seq_at(INVISIBLE_SEQS, N_INVISIBLE_SEQS, p, left);
}

/* Length of a wide space (chars.SPACES: no-break, narrow no-break, figure, thin, hair,
 * en, em…, medium mathematical, ideographic) at p, or 0. */
static inline int
wide_space_at(const uint8_t *p, Py_ssize_t left)
{
    return seq_at(WIDE_SPACE_SEQS, N_WIDE_SPACE_SEQS, p, left);
}

typedef struct {
    Py_ssize_t start, end;
    int space; /* replaced by one space (a run) or by nothing (an invisible character) */
} Cut;

/* The class of raw[x] for runs: 'a' a word byte (ASCII letter or digit, or any byte of
 * a character beyond ASCII), ' ' white space (ASCII, or any byte of a wide space), '.'
 * anything else, and past the end. */
static inline char
class_at(const uint8_t *raw, Py_ssize_t n, Py_ssize_t x)
{
    if (x >= n) {
        return '.';
    }
    uint8_t b = raw[x];
    if (b < 0x80) {
        return RUN_SPACE[b] ? ' ' : WORD[b] == 1 ? 'a' : '.';
    }
    /* inside a wide space if the nearest lead byte (less than the longest wide space
     * back) starts one that reaches x: wide spaces hold only continuation bytes after
     * their lead */
    for (Py_ssize_t lead = x; lead >= 0 && lead > x - MAX_LEN_WIDE_SPACE_SEQS; lead--) {
        if (raw[lead] >= 0xC2) {
            int w = wide_space_at(raw + lead, n - lead);
            return w && lead + w > x ? ' ' : 'a';
        }
    }
    return 'a';
}

/* The end of the white space (ASCII or wide) that starts at x. */
static inline Py_ssize_t
spaces_end(const uint8_t *raw, Py_ssize_t n, Py_ssize_t x)
{
    while (x < n) {
        if (RUN_SPACE[raw[x]]) {
            x++;
            continue;
        }
        int w = raw[x] >= 0xC2 ? wide_space_at(raw + x, n - x) : 0;
        if (!w) {
            break;
        }
        x += w;
    }
    return x;
}

/* The cuts edits() and prepare() make, in order, and the places where NFC may change
 * something (prepare() only): at most `max` of them are kept, and one more tells that
 * there are more. */
typedef struct {
    Cut *items;
    Py_ssize_t len, cap;
} Cuts;

typedef struct {
    Py_ssize_t *at;
    Py_ssize_t len, max;
} Suspects;

static inline void
suspect_push(Suspects *sus, Py_ssize_t j)
{
    if (sus->len <= sus->max) {
        sus->at[sus->len++] = j;
    }
}

/* Whether the character at raw[j] (a lead byte) is one NFC may change, or one that may
 * change the character before it (fold.nfc_suspect_bytes, by NFC_LEAD, NFC_SECOND and
 * NFC_THIRD). */
static inline int
nfc_suspect_at(const uint8_t *raw, Py_ssize_t n, Py_ssize_t j)
{
    int row = NFC_LEAD[raw[j]];
    if (row == 0 || j + 1 >= n) {
        return 0;
    }
    int at = NFC_SECOND[row - 1][raw[j + 1] & 0x3F];
    if (at < 2) {
        return at;
    }
    return j + 2 < n && ((NFC_THIRD[at - 2] >> (raw[j + 2] & 0x3F)) & 1u);
}

#if defined(__SSE2__)
/* The lanes of v that hold RUN_SPACE (tab to carriage return, and the space). */
static inline __m128i
run_space16(__m128i v)
{
    return _mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(8)),
                                      _mm_cmplt_epi8(v, _mm_set1_epi8(14))),
                        _mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
}

/* The lanes of v that hold C2, or a lead byte from CC (the Latin letters of C3 to CB,
 * accents and all, never stop: most of a French text's lead bytes). */
static inline __m128i
lead16(__m128i v)
{
    return _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xC2)),
                        _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8((char)0xCB)),
                                      _mm_cmplt_epi8(v, _mm_setzero_si128())));
}
#endif

/* Whether next_stop may look sixteen bytes at a time: the ASCII bytes of EDIT_STOP and
 * PREP_STOP are RUN_SPACE, which run_space16 finds, and neither stops at a byte from 80
 * to CB but C2, which lead16 leaves out (set at import; else the table alone is used). */
static int stop_vector_ok = 0;

static void
check_stop_vector(void)
{
#if defined(__SSE2__)
    int ok = 1;
    for (int b = 0; b < 256; b++) {
        int space = (b >= 9 && b <= 13) || b == ' ';
        if (b < 0x80 && (EDIT_STOP[b] != space || PREP_STOP[b] != space)) {
            ok = 0;
        }
        if (b >= 0x80 && b < 0xCC && b != 0xC2 && (EDIT_STOP[b] || PREP_STOP[b])) {
            ok = 0;
        }
    }
    stop_vector_ok = ok;
#endif
}

/* Where the skip of find_cuts stops: at a non-ASCII byte of `stop`, or at an ASCII one of
 * `stop` followed by another (a lone space between two words is never cut). Sixteen
 * bytes at a time (SSE2): the lanes that may stop (a space before a space or a lead
 * byte, a lead byte) are found at once, and only they are looked up in `stop`. */
static inline Py_ssize_t
next_stop(const uint8_t *raw, Py_ssize_t n, Py_ssize_t j, const uint8_t *stop)
{
    if (j >= n) {
        return n;
    }
    const uint8_t *q = raw + j, *last = raw + n - 1;
#if defined(__SSE2__)
    if (stop_vector_ok) {
        while (q + 16 <= last) { /* reads q[0 .. 16] */
            __m128i v = _mm_loadu_si128((const __m128i *)q);
            __m128i w = _mm_loadu_si128((const __m128i *)(q + 1));
            __m128i next = _mm_or_si128(run_space16(w), lead16(w));
            unsigned m = (unsigned)_mm_movemask_epi8(
                _mm_or_si128(_mm_and_si128(run_space16(v), next), lead16(v)));
            while (m) {
                const uint8_t *at = q + __builtin_ctz(m);
                if (stop[at[0]] & (stop[at[1]] | (at[0] >> 7))) {
                    return at - raw;
                }
                m &= m - 1;
            }
            q += 16;
        }
    }
#endif
    /* one table test a byte, branch-free until a stop (through a pointer, which leaves
     * the compiler registers for the rest of the loop) */
    while (q < last && !(stop[q[0]] & (stop[q[1]] | (q[0] >> 7)))) {
        q++;
    }
    if (q == last && !(stop[q[0]] && q[0] >= 0x80)) {
        q++; /* the last byte: a lone space, or nothing to cut */
    }
    return q - raw;
}

/* The cuts of raw (see edits()) into `cuts`; with `sus`, the lead bytes of what NFC may
 * change too (NFC_SUSPECT). `stop` is EDIT_STOP, or PREP_STOP with `sus`. 0, or -1 when
 * out of memory (no exception set: it runs without the GIL). */
static int
find_cuts(const uint8_t *raw, Py_ssize_t n, int runs, const uint8_t *stop, Cuts *cuts,
          Suspects *sus)
{
    Py_ssize_t pos = 0; /* no run may start with a word byte before pos (already used) */
    Py_ssize_t j = 0;
    for (;;) {
        j = next_stop(raw, n, j, stop);
        if (j >= n) {
            return 0;
        }
        Py_ssize_t add_start = -1, add_end = -1;
        int add_space = 0;
        if (raw[j] >= 0xC2) {
            if (sus != NULL && nfc_suspect_at(raw, n, j)) {
                suspect_push(sus, j);
            }
            int w = invisible_at(raw + j, n - j);
            if (w) {
                add_start = j;
                add_end = j + w;
            }
        }
        if (add_start < 0) {
            /* a run of white space right after a word byte, two bytes or more */
            int lone = raw[j] < 0x80 && (j + 1 >= n || !EDIT_STOP[raw[j + 1]]);
            if (!runs || lone || j - 1 < pos || class_at(raw, n, j) != ' ' ||
                class_at(raw, n, j - 1) != 'a') {
                j++;
                continue;
            }
            Py_ssize_t end = spaces_end(raw, n, j);
            if (end - j < 2) {
                j++;
                continue;
            }
            if (class_at(raw, n, end) == 'a') {
                Py_ssize_t breaks = 0;
                for (Py_ssize_t k = j; k < end; k++) {
                    breaks += raw[k] == '\n';
                }
                if (breaks < 2) {
                    add_start = j;
                    add_end = end;
                    add_space = 1;
                }
            }
            if (add_start < 0) {
                pos = j = end; /* a paragraph break, or a run before punctuation */
                continue;
            }
        }
        if (cuts->len == cuts->cap) {
            Py_ssize_t cap = cuts->cap ? cuts->cap * 2 : 64;
            Cut *grown = realloc(cuts->items, (size_t)cap * sizeof(Cut));
            if (!grown) {
                return -1;
            }
            cuts->items = grown;
            cuts->cap = cap;
        }
        cuts->items[cuts->len].start = add_start;
        cuts->items[cuts->len].end = add_end;
        cuts->items[cuts->len].space = add_space;
        cuts->len++;
        /* after an invisible character, a run may start with its last byte */
        pos = add_space ? add_end : add_end - 1;
        j = add_end;
    }
}

/* The length of raw once `cuts` are made. */
static Py_ssize_t
cut_size(Py_ssize_t n, const Cuts *cuts)
{
    for (Py_ssize_t k = 0; k < cuts->len; k++) {
        n -= cuts->items[k].end - cuts->items[k].start - cuts->items[k].space;
    }
    return n;
}

/* Write raw with `cuts` made to w, and the int64 maps news/olds (see edits()). */
static void
make_cuts(const uint8_t *raw, Py_ssize_t n, const Cuts *cuts, uint8_t *w, int64_t *nw,
          int64_t *ol)
{
    nw[0] = ol[0] = 0;
    Py_ssize_t last = 0, produced = 0;
    for (Py_ssize_t k = 0; k < cuts->len; k++) {
        const Cut *c = &cuts->items[k];
        Py_ssize_t keep = c->start - last;
        memcpy(w + produced, raw + last, (size_t)keep);
        produced += keep;
        if (c->space) {
            w[produced++] = ' ';
        }
        nw[k + 1] = produced;
        ol[k + 1] = c->end;
        last = c->end;
    }
    memcpy(w + produced, raw + last, (size_t)(n - last));
}

/* The news and olds maps of `cuts` as bytes objects (*news, *olds), or -1. */
static int
new_maps(const Cuts *cuts, PyObject **news, PyObject **olds)
{
    *news = PyBytes_FromStringAndSize(NULL, (cuts->len + 1) * 8);
    *olds = PyBytes_FromStringAndSize(NULL, (cuts->len + 1) * 8);
    if (!*news || !*olds) {
        Py_CLEAR(*news);
        Py_CLEAR(*olds);
        return -1;
    }
    return 0;
}

/*
 * edits(raw, runs) -> None | (cut, news, olds)
 *
 * matcher._edits in C: cut invisible characters, and with `runs`, replace white space
 * between two words that is wider than one byte (a no-break space, a line break with
 * indentation, two spaces) by one space, unless it holds a paragraph break. news/olds
 * are int64 arrays (as bytes) of where each cut is in the cut and in the original bytes,
 * starting with 0, 0.
 *
 * One pass, left to right, that stops only at the bytes of EDIT_STOP: at a space it looks
 * at the byte before (a word?) and the run it starts; nothing is built for the bytes in
 * between (most texts need no edit at all).
 */
static PyObject *
edits(PyObject *module, PyObject *args)
{
    PyObject *raw_obj;
    int runs;
    (void)module;
    if (!PyArg_ParseTuple(args, "O!p", &PyBytes_Type, &raw_obj, &runs)) {
        return NULL;
    }
    const uint8_t *raw = (const uint8_t *)PyBytes_AS_STRING(raw_obj);
    Py_ssize_t n = PyBytes_GET_SIZE(raw_obj);
    Cuts cuts = {NULL, 0, 0};
    PyObject *result = NULL;
    /* the pass reads only raw (immutable bytes the caller holds): other threads run */
    Gil gil = {NULL, n >= GIL_RELEASE_BYTES};
    gil_let_go(&gil);
    int nomem = find_cuts(raw, n, runs, EDIT_STOP, &cuts, NULL) < 0;
    gil_hold(&gil);
    if (nomem) {
        PyErr_NoMemory();
        goto done;
    }
    if (cuts.len == 0) {
        result = Py_None;
        Py_INCREF(result);
        goto done;
    }
    PyObject *cut = PyBytes_FromStringAndSize(NULL, cut_size(n, &cuts));
    PyObject *news, *olds;
    if (!cut || new_maps(&cuts, &news, &olds) < 0) {
        Py_XDECREF(cut);
        goto done;
    }
    make_cuts(raw, n, &cuts, (uint8_t *)PyBytes_AS_STRING(cut),
              (int64_t *)PyBytes_AS_STRING(news), (int64_t *)PyBytes_AS_STRING(olds));
    result = Py_BuildValue("(NNN)", cut, news, olds);
done:
    free(cuts.items);
    return result;
}

/* The length of the separator fold.fold_text blanks whole (SEP_LEAD) that starts at p
 * (left >= 1 bytes readable), or 0. */
static inline int
separator_len(const uint8_t *p, Py_ssize_t left)
{
    int len = SEP_LEAD[p[0]];
    if (len == 0 || len > left) {
        return 0;
    }
    for (int i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            return 0;
        }
    }
    if (len == 2) { /* C2: U+0080..U+00BF */
        return (SEP_C2 >> (p[1] & 0x3F)) & 1 ? 2 : 0;
    }
    if (len == 3) { /* E2: U+2000..U+2FFF */
        uint32_t c = ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        return (SEP_E2[c >> 3] >> (c & 7)) & 1 ? 3 : 0;
    }
    uint32_t c = ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
                 ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    int lo = 0, hi = N_SEP_ASTRAL;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (c < SEP_ASTRAL[mid][0]) {
            hi = mid;
        }
        else if (c > SEP_ASTRAL[mid][1]) {
            lo = mid + 1;
        }
        else {
            return 4;
        }
    }
    return 0;
}

/* fold_into byte by byte, from i to at least `until` (past a separator that reaches
 * beyond it); returns where it stopped. */
static Py_ssize_t
fold_bytes(const uint8_t *src, uint8_t *dst, Py_ssize_t i, Py_ssize_t until, Py_ssize_t n)
{
    while (i < until) {
        uint8_t b = src[i];
        if (SEP_LEAD[b]) {
            int w = separator_len(src + i, n - i);
            if (w) {
                memset(dst + i, ' ', (size_t)w);
                i += w;
                continue;
            }
        }
        dst[i] = TEXT_FOLD[b];
        i++;
    }
    return i;
}

#if defined(__SSE2__)
/* TEXT_FOLD of sixteen ASCII bytes by compares: A-Z to lower case; letters, digits, the
 * space and the joiners (- & @ _) kept; every other ASCII byte a space. fold_vector_ok
 * checks at import that this is TEXT_FOLD for every ASCII byte (else the table is used
 * alone: tables.py may change the fold, and this must never disagree with it). */
static inline __m128i
fold_ascii16(__m128i v)
{
#define IN(lo, hi) _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8((char)((lo) - 1))), \
                                 _mm_cmplt_epi8(v, _mm_set1_epi8((char)((hi) + 1))))
#define IS(c) _mm_cmpeq_epi8(v, _mm_set1_epi8(c))
    __m128i upper = IN('A', 'Z');
    __m128i keep = _mm_or_si128(_mm_or_si128(upper, IN('a', 'z')),
                                _mm_or_si128(IN('0', '9'), IS(' ')));
    keep = _mm_or_si128(keep, _mm_or_si128(_mm_or_si128(IS('-'), IS('&')),
                                           _mm_or_si128(IS('@'), IS('_'))));
#undef IN
#undef IS
    __m128i folded = _mm_or_si128(v, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
    return _mm_or_si128(_mm_and_si128(keep, folded),
                        _mm_andnot_si128(keep, _mm_set1_epi8(' ')));
}
#endif

/* Whether fold_ascii16 is TEXT_FOLD on every ASCII byte (set at import). */
static int fold_vector_ok = 0;

static void
check_fold_vector(void)
{
#if defined(__SSE2__)
    uint8_t in[128], out[128];
    for (int b = 0; b < 128; b++) {
        in[b] = (uint8_t)b;
    }
    for (int k = 0; k < 128; k += 16) {
        _mm_storeu_si128((__m128i *)(out + k),
                         fold_ascii16(_mm_loadu_si128((const __m128i *)(in + k))));
    }
    int leads = 1; /* the lead bytes of SEP_LEAD are those fold_into compares with */
    for (int b = 0; b < 256; b++) {
        leads &= (SEP_LEAD[b] != 0) == (b == 0xC2 || b == 0xE2 || b == 0xF0 || b == 0xF3);
    }
    fold_vector_ok = leads && memcmp(out, TEXT_FOLD, 128) == 0;
#endif
}

/* fold_into's step over eight bytes at src + i, through the table (byte by byte around
 * the lead byte of a separator: ``lead``, or -1 to look); returns where it stopped. */
static inline Py_ssize_t
fold8(const uint8_t *src, uint8_t *dst, Py_ssize_t i, Py_ssize_t n, int lead)
{
    uint64_t v;
    memcpy(&v, src + i, 8);
    if (lead < 0 && (v & 0x8080808080808080ull)) {
        lead = 0;
        for (int k = 0; k < 8; k++) {
            lead |= SEP_LEAD[src[i + k]];
        }
    }
    if (lead > 0) {
        return fold_bytes(src, dst, i, i + 8, n);
    }
#define FOLD_AT(k) ((uint64_t)TEXT_FOLD[(v >> (k)) & 0xFF] << (k))
    uint64_t w = FOLD_AT(0) | FOLD_AT(8) | FOLD_AT(16) | FOLD_AT(24) | FOLD_AT(32) |
                 FOLD_AT(40) | FOLD_AT(48) | FOLD_AT(56);
#undef FOLD_AT
    memcpy(dst + i, &w, 8); /* byte for byte where v came from, on any endianness */
    return i + 8;
}

/* fold.fold_text in C: src[0 .. n-1] folded into dst (TEXT_FOLD), every separator of
 * SEP_LEAD blanked whole. Sixteen ASCII bytes at a time by compares (SSE2), else eight
 * at a time through the table, unless they hold the lead byte of a separator. */
static void
fold_into(const uint8_t *src, uint8_t *dst, Py_ssize_t n)
{
    Py_ssize_t i = 0;
#if defined(__SSE2__)
    if (fold_vector_ok) {
        while (i + 16 <= n) {
            __m128i v = _mm_loadu_si128((const __m128i *)(src + i));
            if (_mm_movemask_epi8(v) == 0) {
                _mm_storeu_si128((__m128i *)(dst + i), fold_ascii16(v));
                i += 16;
                continue;
            }
            unsigned lead = (unsigned)_mm_movemask_epi8(_mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xC2)),
                             _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE2))),
                _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xF0)),
                             _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xF3)))));
            Py_ssize_t at = fold8(src, dst, i, n, (lead & 0xFF) != 0);
            i = at == i + 8 ? fold8(src, dst, at, n, (lead >> 8) != 0) : at;
        }
    }
#endif
    while (i + 8 <= n) {
        i = fold8(src, dst, i, n, -1);
    }
    fold_bytes(src, dst, i, n, n);
}

/*
 * prepare(raw, runs, max_suspects) -> (raw2, hay, news, olds, suspects)
 *
 * What the walk reads, in one call: raw2 is b" " + the cut bytes of edits(raw, runs) +
 * b" ", hay is fold.fold_text(raw2) (the same length), news and olds the maps of the
 * cuts (None when nothing was cut). suspects: the offsets in raw of the characters NFC
 * may change (fold._MAYBE_NOT_NFC), at most max_suspects + 1 of them (one more than
 * max_suspects: there may be more). Two passes over the bytes, without the GIL: one
 * finds the cuts and the suspects, one copies and folds.
 */
static PyObject *
prepare(PyObject *module, PyObject *args)
{
    PyObject *raw_obj;
    int runs;
    Py_ssize_t max_suspects;
    (void)module;
    if (!PyArg_ParseTuple(args, "O!pn", &PyBytes_Type, &raw_obj, &runs, &max_suspects)) {
        return NULL;
    }
    if (max_suspects < 0 || max_suspects > 1 << 20) {
        PyErr_SetString(PyExc_ValueError, "max_suspects must be in 0 .. 2**20");
        return NULL;
    }
    const uint8_t *raw = (const uint8_t *)PyBytes_AS_STRING(raw_obj);
    Py_ssize_t n = PyBytes_GET_SIZE(raw_obj);
    Cuts cuts = {NULL, 0, 0};
    Suspects sus = {PyMem_Malloc(((size_t)max_suspects + 1) * sizeof(Py_ssize_t)), 0,
                    max_suspects};
    PyObject *result = NULL, *raw2 = NULL, *hay = NULL, *news = NULL, *olds = NULL;
    PyObject *found = NULL;
    if (!sus.at) {
        return PyErr_NoMemory();
    }
    Gil gil = {NULL, n >= GIL_RELEASE_BYTES};
    gil_let_go(&gil);
    int nomem = find_cuts(raw, n, runs, PREP_STOP, &cuts, &sus) < 0;
    gil_hold(&gil);
    if (nomem) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t size = cut_size(n, &cuts) + 2;
    raw2 = PyBytes_FromStringAndSize(NULL, size);
    hay = PyBytes_FromStringAndSize(NULL, size);
    found = PyList_New(sus.len);
    if (!raw2 || !hay || !found || (cuts.len && new_maps(&cuts, &news, &olds) < 0)) {
        goto done;
    }
    for (Py_ssize_t k = 0; k < sus.len; k++) {
        PyObject *at = PyLong_FromSsize_t(sus.at[k]);
        if (!at) {
            goto done;
        }
        PyList_SET_ITEM(found, k, at);
    }
    {
        uint8_t *w = (uint8_t *)PyBytes_AS_STRING(raw2);
        uint8_t *h = (uint8_t *)PyBytes_AS_STRING(hay);
        /* new objects no other thread can see yet */
        gil_let_go(&gil);
        w[0] = w[size - 1] = ' ';
        if (cuts.len) {
            make_cuts(raw, n, &cuts, w + 1, (int64_t *)PyBytes_AS_STRING(news),
                      (int64_t *)PyBytes_AS_STRING(olds));
        }
        else {
            memcpy(w + 1, raw, (size_t)n);
        }
        fold_into(w, h, size);
        gil_hold(&gil);
    }
    if (news == NULL) {
        news = Py_None;
        olds = Py_None;
        Py_INCREF(news);
        Py_INCREF(olds);
    }
    result = PyTuple_Pack(5, raw2, hay, news, olds, found);
done:
    Py_XDECREF(raw2);
    Py_XDECREF(hay);
    Py_XDECREF(news);
    Py_XDECREF(olds);
    Py_XDECREF(found);
    free(cuts.items);
    PyMem_Free(sus.at);
    return result;
}

/* The offsets of the object slots of a slotted class, in __slots__ order; NULL (with an
 * exception) if it has any other kind of slot. *width receives their number. */
static Py_ssize_t *
slot_offsets(PyTypeObject *cls, Py_ssize_t *width)
{
    PyObject *names = PyObject_GetAttrString((PyObject *)cls, "__slots__");
    if (!names) {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError, "restore() needs a class with __slots__");
        return NULL;
    }
    PyObject *fast_names = PySequence_Fast(names, "__slots__ must be a sequence");
    Py_DECREF(names);
    if (!fast_names) {
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast_names);
    Py_ssize_t *offsets = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    if (!offsets) {
        Py_DECREF(fast_names);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *d = PyObject_GetAttr((PyObject *)cls, PySequence_Fast_GET_ITEM(fast_names, i));
        /* a plain object slot of cls itself or of a base, inside its instances (a
         * descriptor of another class set on cls would write past the object) */
        int ok = d != NULL && Py_IS_TYPE(d, &PyMemberDescr_Type) &&
                 ((PyMemberDescrObject *)d)->d_member->type == T_OBJECT_EX &&
                 PyType_IsSubtype(cls, PyDescr_TYPE(d)) &&
                 ((PyMemberDescrObject *)d)->d_member->offset >= (Py_ssize_t)sizeof(PyObject) &&
                 ((PyMemberDescrObject *)d)->d_member->offset + (Py_ssize_t)sizeof(PyObject *) <=
                     cls->tp_basicsize;
        if (ok) {
            offsets[i] = ((PyMemberDescrObject *)d)->d_member->offset;
        }
        Py_XDECREF(d);
        if (!ok) {
            PyErr_Clear();
            PyErr_SetString(PyExc_TypeError, "restore() needs a class of object slots");
            PyMem_Free(offsets);
            Py_DECREF(fast_names);
            return NULL;
        }
    }
    Py_DECREF(fast_names);
    *width = n;
    return offsets;
}

/* The slot offsets of the classes restore() has seen (Entry, Form, Location: a few),
 * each worked out once: at one row a call, as a run from the cache builds the entries it
 * meets, looking up every slot's descriptor took three quarters of restore(). A class's
 * layout is fixed when it is made, so offsets checked once stay inside its instances;
 * the classes are held, so an address is never another class's. */
#define SLOT_CACHE 8
static struct {
    PyTypeObject *cls;
    Py_ssize_t *offsets;
    Py_ssize_t width;
} slot_cache[SLOT_CACHE];

/* slot_offsets(cls), kept; *owned is 1 when the caller must free them (the cache full). */
static Py_ssize_t *
cached_slot_offsets(PyTypeObject *cls, Py_ssize_t *width, int *owned)
{
    *owned = 0;
    for (int i = 0; i < SLOT_CACHE && slot_cache[i].cls; i++) {
        if (slot_cache[i].cls == cls) {
            *width = slot_cache[i].width;
            return slot_cache[i].offsets;
        }
    }
    Py_ssize_t *offsets = slot_offsets(cls, width);
    if (!offsets) {
        return NULL;
    }
    for (int i = 0; i < SLOT_CACHE; i++) {
        if (!slot_cache[i].cls) {
            slot_cache[i].cls = (PyTypeObject *)Py_NewRef((PyObject *)cls);
            slot_cache[i].offsets = offsets;
            slot_cache[i].width = *width;
            return offsets;
        }
    }
    *owned = 1;
    return offsets;
}

/* An instance of cls with its slots set to the values of row (a tuple of width values;
 * with `extra` not NULL, of width - 1 values, `extra` going to slot `at`). */
static PyObject *
filled(PyTypeObject *cls, const Py_ssize_t *offsets, Py_ssize_t width, PyObject *row,
       Py_ssize_t at, PyObject *extra)
{
    if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) != width - (extra != NULL)) {
        PyErr_SetString(PyExc_ValueError, "a row must be a tuple with one value per slot");
        return NULL;
    }
    PyObject *obj = cls->tp_alloc(cls, 0);
    if (!obj) {
        return NULL;
    }
    for (Py_ssize_t i = 0, j = 0; i < width; i++) {
        PyObject *v = extra != NULL && i == at ? extra : PyTuple_GET_ITEM(row, j++);
        Py_INCREF(v);
        *(PyObject **)((char *)obj + offsets[i]) = v;
    }
    return obj;
}

/* tp_traverse's visit: stop at a referent the collector tracks, other than `type` (an
 * instance of a heap type visits its type, which is always tracked). */
static int
tracked_referent(PyObject *o, void *type)
{
    return o != (PyObject *)type && PyObject_GC_IsTracked(o);
}

/* Instance `obj` of one of restore()'s frozen classes out of the collector's sight if all
 * it holds is out of it (strs, numbers, None, untracked tuples and instances): it can be
 * in no cycle, and cannot come to be in one (its slots are not set again). A run from the
 * cache builds an entry, its origin and its forms for each entry a document meets, and
 * each collection the document starts would walk them all until they reach the oldest
 * generation. Not for a class whose instances have a __dict__. */
static void
untrack_if_flat(PyObject *obj)
{
    PyTypeObject *type = Py_TYPE(obj);
    if (!PyObject_GC_IsTracked(obj) || type->tp_dictoffset != 0 || type->tp_traverse == NULL
        || type->tp_traverse(obj, tracked_referent, type) != 0) {
        return;
    }
    PyObject_GC_UnTrack(obj);
}

/* Whether `cls` says its instances are frozen (a true `_frozen`, as glossator's Value
 * classes do): 1, 0, or -1 with an exception (an error other than no such attribute). */
static int
class_frozen(PyTypeObject *cls)
{
    PyObject *f = PyObject_GetAttrString((PyObject *)cls, "_frozen");
    if (f == NULL) {
        if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
            PyErr_Clear();
            return 0;
        }
        return -1;
    }
    int frozen = f == Py_True;
    Py_DECREF(f);
    return frozen;
}

/*
 * restore(cls, rows[, field, inner]) -> tuple of cls instances
 *
 * Instances of a slotted class (glossator's frozen dataclasses Entry and Form) from rows
 * of their field values in slot order, without running __init__: the values were checked
 * when the cache holding them was written. Every slot must be a plain object slot. With
 * `field` and `inner`, a tuple in that field of a row is itself made an `inner` instance
 * (an entry's origin, a Location), and None stays None. With `at` and `extras` (one a
 * row), each row lacks slot `at`, which takes its extra (a form's entry, not in its
 * cache row: no Python tuple a form to put it in). Instances of a frozen class
 * (class_frozen) that hold only untracked objects are untracked (untrack_if_flat).
 */
static PyObject *
restore(PyObject *module, PyObject *args)
{
    PyTypeObject *cls, *inner = NULL;
    PyObject *rows, *inner_obj = Py_None, *extras_obj = Py_None, *extras = NULL;
    Py_ssize_t field = -1, at = -1;
    (void)module;
    if (!PyArg_ParseTuple(args, "O!O|nOnO", &PyType_Type, &cls, &rows, &field, &inner_obj,
                          &at, &extras_obj)) {
        return NULL;
    }
    if (inner_obj != Py_None) {
        if (!PyType_Check(inner_obj)) {
            PyErr_SetString(PyExc_TypeError, "restore(): inner must be a class or None");
            return NULL;
        }
        inner = (PyTypeObject *)inner_obj;
    }
    Py_ssize_t width = 0, inner_width = 0;
    int owned = 0, inner_owned = 0;
    Py_ssize_t *offsets = cached_slot_offsets(cls, &width, &owned), *inner_offsets = NULL;
    PyObject *seq = NULL, *result = NULL;
    if (!offsets) {
        return NULL;
    }
    if (inner != NULL) {
        inner_offsets = cached_slot_offsets(inner, &inner_width, &inner_owned);
        if (!inner_offsets) {
            goto done;
        }
        if (field < 0 || field >= width) {
            PyErr_SetString(PyExc_ValueError, "field out of range");
            goto done;
        }
    }
    /* (snapshots: each instance made may start a collection, whose callbacks could
     * change the caller's lists) */
    seq = PySequence_Tuple(rows);
    if (!seq) {
        goto done;
    }
    Py_ssize_t count = PyTuple_GET_SIZE(seq);
    if (extras_obj != Py_None) {
        extras = PySequence_Tuple(extras_obj);
        if (!extras) {
            goto done;
        }
        if (PyTuple_GET_SIZE(extras) != count || at < 0 || at >= width
            || (inner != NULL && field == at)) {
            PyErr_SetString(PyExc_ValueError, "restore(): one extra a row, at a slot");
            goto done;
        }
    }
    /* untracking only the instances of a frozen class (glossator's Values: their slots
     * are never set again, so what holds nothing tracked never comes to) */
    int frozen = class_frozen(cls), inner_frozen = inner != NULL && class_frozen(inner);
    if (frozen < 0 || inner_frozen < 0) {
        goto done;
    }
    result = PyTuple_New(count);
    if (!result) {
        goto done;
    }
    /* out of the collector's sight while its items are made (a collection that a gc
     * callback walks would find empty slots), tracked once full if it holds any
     * tracked item */
    PyObject_GC_UnTrack(result);
    int holds_tracked = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *row = PyTuple_GET_ITEM(seq, k);
        PyObject *obj = filled(cls, offsets, width, row, at,
                               extras != NULL ? PyTuple_GET_ITEM(extras, k) : NULL);
        if (!obj) {
            Py_CLEAR(result);
            goto done;
        }
        PyTuple_SET_ITEM(result, k, obj);
        PyObject **slot = inner == NULL ? NULL : (PyObject **)((char *)obj + offsets[field]);
        if (slot != NULL && PyTuple_Check(*slot)) {
            PyObject *made = filled(inner, inner_offsets, inner_width, *slot, -1, NULL);
            if (!made) {
                Py_CLEAR(result);
                goto done;
            }
            Py_SETREF(*slot, made);
            if (inner_frozen) {
                untrack_if_flat(made);
            }
        }
        if (frozen) {
            untrack_if_flat(obj);
        }
        holds_tracked |= PyObject_GC_IsTracked(obj);
    }
    if (holds_tracked) {
        PyObject_GC_Track(result);
    }
done:
    Py_XDECREF(seq);
    Py_XDECREF(extras);
    if (owned) {
        PyMem_Free(offsets);
    }
    if (inner_owned) {
        PyMem_Free(inner_offsets);
    }
    return result;
}

/* Serialized arrays: magic, node count, depth, tail bytes (four uint32), then the node
 * records (16 bytes each, see Node), the pattern ids (int32 per node) and the tails. */
static PyObject *
Trie_to_bytes(TrieObject *self, PyObject *Py_UNUSED(ignored))
{
    size_t records = (size_t)self->n_nodes * RECORD;
    size_t ids = (size_t)self->n_nodes * sizeof(int32_t);
    size_t size = 4 * sizeof(uint32_t) + records + ids + self->n_tails;
    PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)size);
    if (!b) {
        return NULL;
    }
    uint8_t *w = (uint8_t *)PyBytes_AS_STRING(b);
    uint32_t head[4] = {STATE_MAGIC, self->n_nodes, self->max_depth, self->n_tails};
    memcpy(w, head, sizeof(head));
    w += sizeof(head);
    for (uint32_t v = 0; v < self->n_nodes; v++) {
        memcpy(w, &self->nodes[v], RECORD);
        w += RECORD;
    }
    for (uint32_t v = 0; v < self->n_nodes; v++) {
        memcpy(w, &self->nodes[v].pid, sizeof(int32_t));
        w += sizeof(int32_t);
    }
    memcpy(w, self->tails, self->n_tails);
    return b;
}

/* Whether the record of node v is sound on its own: its tail inside `tails`, no stray
 * bits in its child count, and a pattern id exactly when it says one ends there. */
static inline int
node_is_sound(const TrieObject *self, size_t v)
{
    const Node *r = &self->nodes[v];
    if (r->tlen > INLINE_TAIL && (r->tlen > self->n_tails ||
                                  r->tail.at > (uint64_t)(self->n_tails - r->tlen))) {
        return 0;
    }
    if ((r->kids & ~(KIDS_MASK | ENDS)) || (r->kids & KIDS_MASK) > 256) {
        return 0;
    }
    return ((r->kids & ENDS) != 0) == (self->pids[v] >= 0) && self->pids[v] >= -1;
}

/* Whether the arrays make a tree that every walk can take safely: the root has no tail,
 * children come after their parent and inside the arrays, with rising labels, tails
 * inside theirs, and no path is longer than max_depth (the scan keeps one candidate per
 * node of a path). */
static int
trie_is_sound(const TrieObject *self)
{
    size_t nodes = self->n_nodes;
    if (nodes == 0 || self->nodes[0].tlen != 0) {
        return 0;
    }
    uint64_t *depth = PyMem_Calloc(nodes, sizeof(uint64_t));
    if (!depth) {
        PyErr_NoMemory();
        return -1;
    }
    int ok = 1;
    uint64_t deepest = 0;
    for (size_t v = 0; ok && v < nodes; v++) {
        const Node *r = &self->nodes[v];
        if (!node_is_sound(self, v)) {
            ok = 0;
            break;
        }
        if (depth[v] > deepest) {
            deepest = depth[v];
        }
        uint32_t kids = r->kids & KIDS_MASK;
        if (r->first > nodes) {
            ok = 0; /* even a leaf's: the walk prefetches &nodes[first] */
            break;
        }
        if (kids == 0) {
            continue;
        }
        if (r->first <= v || (uint64_t)r->first + kids > nodes) {
            ok = 0;
            break;
        }
        for (uint32_t c = r->first; c < r->first + kids; c++) {
            if (c > r->first && self->nodes[c].label <= self->nodes[c - 1].label) {
                ok = 0; /* the walk looks children up in label order */
                break;
            }
            uint64_t d = depth[v] + 1 + self->nodes[c].tlen;
            if (d > depth[c]) {
                depth[c] = d;
            }
        }
    }
    PyMem_Free(depth);
    /* equal, as built: a larger max_depth would only size the scan's buffers, but a
     * tampered one (2^32 - 1) would ask for gigabytes at every scan */
    return ok && deepest == self->max_depth;
}

static PyObject *
Trie_from_bytes(PyTypeObject *type, PyObject *args)
{
    Py_buffer state;
    PyObject *fast, *modes, *exact, *exact_at, *inside_word;
    if (!PyArg_ParseTuple(args, "y*OOOOO", &state, &fast, &modes, &exact, &exact_at,
                          &inside_word)) {
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
    size_t nodes = head[1], n_tails = head[3];
    if (head[0] != STATE_MAGIC || nodes == 0 ||
        (size_t)state.len !=
            sizeof(head) + nodes * (RECORD + sizeof(int32_t)) + n_tails) {
        goto bad;
    }
    self = (TrieObject *)type->tp_alloc(type, 0);
    if (!self) {
        PyBuffer_Release(&state);
        return NULL;
    }
    self->n_nodes = (uint32_t)nodes;
    self->max_depth = head[2];
    self->n_tails = (uint32_t)n_tails;
    self->nodes = PyMem_Calloc(nodes, sizeof(Node));
    self->pids = PyMem_Malloc(nodes * sizeof(int32_t));
    self->tails = PyMem_Malloc(n_tails ? n_tails : 1);
    if (!self->nodes || !self->pids || !self->tails) {
        PyBuffer_Release(&state);
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    for (size_t v = 0; v < nodes; v++) {
        memcpy(&self->nodes[v], r, RECORD);
        r += RECORD;
    }
    memcpy(self->pids, r, nodes * sizeof(int32_t));
    r += nodes * sizeof(int32_t);
    memcpy(self->tails, r, n_tails);
    PyBuffer_Release(&state);
    int sound = trie_is_sound(self);
    if (sound <= 0) {
        Py_DECREF(self);
        if (sound == 0) {
            PyErr_SetString(PyExc_ValueError, "not a glossator trie");
        }
        return NULL;
    }
    if (set_checks(self, fast, modes, exact, exact_at, inside_word) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    for (size_t v = 0; v < nodes; v++) {
        if (self->pids[v] >= self->n_fast) {
            Py_DECREF(self);
            PyErr_SetString(PyExc_ValueError, "trie and fast table do not agree");
            return NULL;
        }
    }
    fill_root(self);
    if (fill_kid_labels(self) < 0 || fill_pattern_info(self) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    trie_gather(self);
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
     "from_bytes(state, fast, modes, exact, exact_at, inside_word) -> Trie"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Trie_getset[] = {
    {"nodes", (getter)Trie_get_nodes, NULL, "Number of nodes.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject TrieType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "glossator.matching._scan.Trie",
    .tp_doc = PyDoc_STR("Trie(patterns, fast, modes, exact, exact_at, inside_word): the compiled "
                        "patterns, walked from every space of a folded text."),
    .tp_basicsize = sizeof(TrieObject),
    .tp_itemsize = 0,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = Trie_new,
    .tp_dealloc = (destructor)Trie_dealloc,
    .tp_methods = Trie_methods,
    .tp_getset = Trie_getset,
};

/* in_bounds(buffer, itemsize, lo, hi, rising) -> bool: every item of the buffer of
 * signed integers (4 or 8 bytes each) is in [lo, hi), and with `rising`, no item is
 * smaller than the one before. For checking the tables of a cache file cheaply. */
static PyObject *
in_bounds(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_buffer view;
    int itemsize, rising;
    long long lo, hi;
    if (!PyArg_ParseTuple(args, "y*iLLp", &view, &itemsize, &lo, &hi, &rising)) {
        return NULL;
    }
    if ((itemsize != 4 && itemsize != 8) || view.len % itemsize) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "a buffer of 4- or 8-byte integers is needed");
        return NULL;
    }
    Py_ssize_t n = view.len / itemsize;
    const char *p = view.buf;
    int ok = 1;
    long long last = lo;
    for (Py_ssize_t i = 0; ok && i < n; i++) {
        long long v;
        if (itemsize == 4) {
            int32_t x;
            memcpy(&x, p + i * 4, 4);
            v = x;
        }
        else {
            int64_t x;
            memcpy(&x, p + i * 8, 8);
            v = x;
        }
        ok = v >= lo && v < hi && (!rising || v >= last);
        last = v;
    }
    PyBuffer_Release(&view);
    return PyBool_FromLong(ok);
}

/* A buffer of 4-byte integers (writable if asked), their count in *n; -1 with an
 * exception set if not. */
static int
int32_view(PyObject *obj, Py_buffer *view, int writable, Py_ssize_t *n)
{
    if (PyObject_GetBuffer(obj, view, writable ? PyBUF_WRITABLE : PyBUF_SIMPLE) < 0) {
        return -1;
    }
    if (view->len % 4) {
        PyBuffer_Release(view);
        PyErr_SetString(PyExc_ValueError, "a buffer of 4-byte integers is needed");
        return -1;
    }
    *n = view->len / 4;
    return 0;
}

/* gather(out, values, index): out[i] = values[index[i]], all 4-byte integers (out as
 * long as index); IndexError if an index is outside values. What kept.EntryIndex builds
 * its variants' entries with: at 100 000 entries a Python map took 15 ms a table. */
static PyObject *
gather(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *out_o, *values_o, *index_o;
    if (!PyArg_ParseTuple(args, "OOO", &out_o, &values_o, &index_o)) {
        return NULL;
    }
    Py_buffer out, values, index;
    Py_ssize_t n_out, n_values, n_index;
    if (int32_view(out_o, &out, 1, &n_out) < 0) {
        return NULL;
    }
    if (int32_view(values_o, &values, 0, &n_values) < 0) {
        PyBuffer_Release(&out);
        return NULL;
    }
    if (int32_view(index_o, &index, 0, &n_index) < 0) {
        PyBuffer_Release(&values);
        PyBuffer_Release(&out);
        return NULL;
    }
    PyObject *result = NULL;
    if (n_out != n_index) {
        PyErr_SetString(PyExc_ValueError, "gather(): out and index differ in length");
        goto done;
    }
    const char *v = values.buf, *ix = index.buf;
    char *o = out.buf;
    for (Py_ssize_t i = 0; i < n_index; i++) {
        int32_t k;
        memcpy(&k, ix + 4 * i, 4);
        if (k < 0 || k >= n_values) {
            PyErr_SetString(PyExc_IndexError, "gather(): an index outside the values");
            goto done;
        }
        memcpy(o + 4 * i, v + 4 * (Py_ssize_t)k, 4);
    }
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&index);
    PyBuffer_Release(&values);
    PyBuffer_Release(&out);
    return result;
}

/* group(keys, at, order): the positions of keys (4-byte integers in [0, n)) grouped by
 * key, in rising order within a key: order (4-byte, as long as keys) lists them key
 * after key, and at (8-byte, n + 1 of them) where each key's run starts. A counting
 * sort: kept.EntryIndex's entries -> variants, 23 ms in Python at 100 000 entries. */
static PyObject *
group(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *keys_o, *at_o, *order_o;
    if (!PyArg_ParseTuple(args, "OOO", &keys_o, &at_o, &order_o)) {
        return NULL;
    }
    Py_buffer keys, at, order;
    Py_ssize_t n_keys, n_order;
    if (int32_view(keys_o, &keys, 0, &n_keys) < 0) {
        return NULL;
    }
    if (PyObject_GetBuffer(at_o, &at, PyBUF_WRITABLE) < 0) {
        PyBuffer_Release(&keys);
        return NULL;
    }
    if (int32_view(order_o, &order, 1, &n_order) < 0) {
        PyBuffer_Release(&at);
        PyBuffer_Release(&keys);
        return NULL;
    }
    PyObject *result = NULL;
    if (at.len % 8 || at.len < 8 || n_order != n_keys) {
        PyErr_SetString(PyExc_ValueError,
                        "group(): at needs n + 1 8-byte integers, order as many as keys");
        goto done;
    }
    Py_ssize_t n = at.len / 8 - 1;
    /* the keys copied, checked, before anything is written: out and at may share the
     * keys' memory (a caller's views of one buffer), and what is written is never read */
    int64_t *starts = PyMem_Calloc((size_t)n + 1, sizeof(int64_t));
    int32_t *k = PyMem_Malloc(n_keys ? (size_t)n_keys * sizeof(int32_t) : 1);
    if (!starts || !k) {
        PyMem_Free(starts);
        PyMem_Free(k);
        PyErr_NoMemory();
        goto done;
    }
    memcpy(k, keys.buf, (size_t)n_keys * sizeof(int32_t));
    for (Py_ssize_t i = 0; i < n_keys; i++) {
        if (k[i] < 0 || k[i] >= n) {
            PyMem_Free(starts);
            PyMem_Free(k);
            PyErr_SetString(PyExc_IndexError, "group(): a key outside [0, n)");
            goto done;
        }
        starts[k[i] + 1]++;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        starts[i + 1] += starts[i];
    }
    memcpy(at.buf, starts, (size_t)(n + 1) * sizeof(int64_t));
    char *o = order.buf;
    for (Py_ssize_t i = 0; i < n_keys; i++) {
        int32_t pos = (int32_t)i;
        memcpy(o + 4 * starts[k[i]]++, &pos, 4);
    }
    PyMem_Free(starts);
    PyMem_Free(k);
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&order);
    PyBuffer_Release(&at);
    PyBuffer_Release(&keys);
    return result;
}

/* The walk of a marshal record before marshal.loads reads it (store/columns.py `loads`
 * says why; `_walk` there is the same walk in Python, and the two must agree). */
typedef struct {
    int64_t left;    /* items still to read; -1: a dict's, up to its NULL */
    int64_t ref;     /* its number, or -1 */
    int64_t deepest; /* the depth of its deepest item, -1 before the first */
    int64_t start;   /* the values counted when it opened */
} MarshalFrame;

typedef struct {
    int64_t depth;
    int64_t values; /* the values it stands for; -1 while it is open */
} MarshalRef;

/* The signed 32-bit little-endian integer at b[at], or 0 if it does not fit in end. */
static inline int
marshal_i32(const uint8_t *b, Py_ssize_t at, Py_ssize_t end, int64_t *out)
{
    if (at < 0 || end - at < 4) {
        return 0;
    }
    uint32_t u = (uint32_t)b[at] | (uint32_t)b[at + 1] << 8 | (uint32_t)b[at + 2] << 16 |
                 (uint32_t)b[at + 3] << 24;
    *out = (int32_t)u;
    return 1;
}

/* Where the number, string or bytes of type `code` starting at b[at] ends, or -1 (a
 * size beyond the end, or a type glossator does not write). */
static Py_ssize_t
marshal_scalar_end(const uint8_t *b, Py_ssize_t at, Py_ssize_t end, uint8_t code)
{
    int64_t n;
    switch (code) {
    case 'i':
        return at + 4;
    case 'g':
        return at + 8;
    case 'y':
        return at + 16;
    case 'z':
    case 'Z':
        return at + 1 + (at < end ? b[at] : 0);
    case 'u':
    case 't':
    case 'a':
    case 'A':
    case 's':
    case 'l':
        if (!marshal_i32(b, at, end, &n)) {
            return -1;
        }
        at += 4;
        if (code == 'l') {
            n = 2 * (n < 0 ? -n : n); /* digits of 15 bits, two bytes each */
        }
        return n < 0 || n > end - at ? -1 : at + (Py_ssize_t)n;
    default:
        return -1;
    }
}

/* 1 if b[0:end] is one plain marshal value as store/columns.py `loads` describes, 0 if
 * not, -1 out of memory. */
static int
marshal_walk(const uint8_t *b, Py_ssize_t end, int max_depth, int64_t expansion)
{
    MarshalFrame *stack = PyMem_Malloc((size_t)(max_depth + 1) * sizeof(MarshalFrame));
    /* a numbered value takes one byte at least */
    MarshalRef *refs = PyMem_Malloc((size_t)(end + 1) * sizeof(MarshalRef));
    if (!stack || !refs) {
        PyMem_Free(stack);
        PyMem_Free(refs);
        return -1;
    }
    int64_t budget = end > (INT64_MAX - 256) / expansion ? INT64_MAX : expansion * end + 256;
    int64_t count = 0;
    Py_ssize_t at = 0, n_refs = 0;
    int top = 0, ok = 1;
    stack[0] = (MarshalFrame){1, -1, 0, 0};
    while (ok && top >= 0) {
        MarshalFrame *f = &stack[top];
        if (f->left == 0) {
            int64_t depth = f->deepest + 1;
            if (f->ref >= 0) {
                refs[f->ref].depth = depth;
                refs[f->ref].values = count - f->start;
            }
            top--;
            if (top >= 0 && depth > stack[top].deepest) {
                stack[top].deepest = depth;
            }
            continue;
        }
        if (at >= end) {
            ok = 0;
            break;
        }
        uint8_t code = b[at] & 0x7F, flag = b[at] & 0x80;
        at++;
        if (f->left == -1 && code == '0') {
            f->left = 0;
            continue;
        }
        if (f->left > 0) {
            f->left--;
        }
        int64_t depth = 0, values = 1, n = -1;
        switch (code) {
        case 'N':
        case 'T':
        case 'F':
        case '.':
        case 'S':
            break;
        case 'r':
            /* a value already complete: one still open would hold itself */
            ok = marshal_i32(b, at, end, &n) && n >= 0 && n < n_refs && refs[n].values >= 0;
            if (ok) {
                at += 4;
                depth = refs[n].depth;
                values = refs[n].values;
            }
            break;
        case '(':
        case '[':
        case '<':
        case '>':
        case ')':
        case '{':
            if (code == ')') {
                ok = at < end;
                n = ok ? b[at++] : 0;
            }
            else if (code != '{') {
                ok = marshal_i32(b, at, end, &n) && n >= 0 && n <= end - at - 4;
                at += 4;
            }
            if (!ok || top + 2 > max_depth) {
                ok = 0;
                break;
            }
            stack[++top] = (MarshalFrame){n, flag ? n_refs : -1, -1, count};
            if (flag) {
                refs[n_refs++] = (MarshalRef){0, -1};
            }
            break;
        default:
            at = marshal_scalar_end(b, at, end, code);
            ok = at >= 0;
            if (ok && flag) {
                refs[n_refs++] = (MarshalRef){0, 1};
            }
        }
        count += values;
        if (depth > f->deepest) {
            f->deepest = depth; /* f is still the container this value is an item of */
        }
        if (!ok || top + 1 + depth > max_depth || count > budget || at > end) {
            ok = 0;
        }
    }
    PyMem_Free(stack);
    PyMem_Free(refs);
    return ok && at == end;
}

/* plain_marshal(buffer, max_depth, expansion) -> bool: whether the buffer is exactly one
 * marshal value of the plain types glossator writes, every count inside its bytes, every
 * reference to a value already complete, nesting at most max_depth deep and standing for
 * at most expansion values a byte (references expanded). */
static PyObject *
plain_marshal(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_buffer view;
    int max_depth;
    long long expansion;
    if (!PyArg_ParseTuple(args, "y*iL", &view, &max_depth, &expansion)) {
        return NULL;
    }
    if (max_depth < 1 || max_depth > 100000 || expansion < 1 || expansion > 1 << 20) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "max_depth or expansion out of range");
        return NULL;
    }
    int ok = marshal_walk(view.buf, view.len, max_depth, expansion);
    PyBuffer_Release(&view);
    if (ok < 0) {
        return PyErr_NoMemory();
    }
    return PyBool_FromLong(ok);
}

/* CRC-32C (Castagnoli) of the cache files (store/columns.py): with the CPU's crc32
 * instruction where it has one (SSE 4.2), 8 bytes a step, several times faster than
 * zlib's CRC-32, which a cached run of a large glossary spent a sixth of its time in;
 * else a table a byte at a time (the files are then written with zlib's, see
 * crc32c_hardware). */
static uint32_t crc32c_table[256];

static void
crc32c_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        }
        crc32c_table[i] = c;
    }
}

static uint32_t
crc32c_soft(uint32_t crc, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        crc = crc32c_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    }
    return crc;
}

#ifdef CRC32C_X86
__attribute__((target("sse4.2"))) static uint32_t
crc32c_hard(uint32_t crc, const uint8_t *p, size_t n)
{
    uint64_t c = crc;
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c = _mm_crc32_u64(c, v);
        p += 8;
        n -= 8;
    }
    crc = (uint32_t)c;
    while (n--) {
        crc = _mm_crc32_u8(crc, *p++);
    }
    return crc;
}
#endif

static int
crc32c_has_hardware(void)
{
#ifdef CRC32C_X86
    return __builtin_cpu_supports("sse4.2");
#else
    return 0;
#endif
}

/* crc32c(data[, crc[, hardware]]) -> int: the CRC-32C of data, continuing crc (as
 * zlib.crc32 takes one), on the CPU's instruction where it has one unless `hardware` is
 * false (the table, which a CPU without it uses: tests check both agree); the GIL
 * released over a large buffer. */
static PyObject *
crc32c(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_buffer view;
    unsigned int start = 0;
    int allow_hard = 1;
    if (!PyArg_ParseTuple(args, "y*|Ip", &view, &start, &allow_hard)) {
        return NULL;
    }
    uint32_t crc = ~(uint32_t)start;
    const uint8_t *p = view.buf;
    size_t n = (size_t)view.len;
    int hard = allow_hard && crc32c_has_hardware();
    Py_BEGIN_ALLOW_THREADS
#ifdef CRC32C_X86
    crc = hard ? crc32c_hard(crc, p, n) : crc32c_soft(crc, p, n);
#else
    (void)hard;
    crc = crc32c_soft(crc, p, n);
#endif
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    return PyLong_FromUnsignedLong(~crc);
}

/* crc32c_hardware() -> bool: whether crc32c runs on the CPU's instruction (else the
 * cache files are checked with zlib's CRC-32, faster than a table). */
static PyObject *
crc32c_hardware(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(args))
{
    return PyBool_FromLong(crc32c_has_hardware());
}

/* shift_spans(triples, delta): add delta to the start and end of every int64 triple
 * (start, end, code) of the writable buffer, in place (glossator.streaming: a chunk's
 * matches into its window's offsets). */
static PyObject *
shift_spans(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_buffer view;
    long long delta;
    if (!PyArg_ParseTuple(args, "w*L", &view, &delta)) {
        return NULL;
    }
    if (view.len % 24) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "shift_spans: a buffer of int64 triples is needed");
        return NULL;
    }
    char *p = view.buf;
    for (Py_ssize_t i = 0; i < view.len; i += 24) { /* all checked before any is changed */
        int64_t se[2];
        memcpy(se, p + i, 16);
        if ((delta > 0 && (se[0] > INT64_MAX - delta || se[1] > INT64_MAX - delta)) ||
            (delta < 0 && (se[0] < INT64_MIN - delta || se[1] < INT64_MIN - delta))) {
            PyBuffer_Release(&view);
            PyErr_SetString(PyExc_OverflowError, "shift_spans: an offset out of range");
            return NULL;
        }
    }
    for (Py_ssize_t i = 0; i < view.len; i += 24) {
        int64_t se[2];
        memcpy(se, p + i, 16);
        se[0] += delta;
        se[1] += delta;
        memcpy(p + i, se, 16);
    }
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
}

/* Whether `o` holds no object the cyclic garbage collector tracks: an object it does not
 * track (a str, a number, None), or a tuple of such, itself then untracked, as the
 * collector would untrack it the first time it walked it (a tuple of them can be in no
 * cycle). A large glossary's rows read from its cache are such tuples: the collections a
 * document's reading starts then do not walk them, each, until they reach the oldest
 * generation. (Recursion: as deep as the tuple, which marshal_walk bounds.) */
static int
settled(PyObject *o)
{
    if (!PyObject_GC_IsTracked(o)) {
        return 1;
    }
    if (!PyTuple_CheckExact(o)) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(o); i++) {
        if (!settled(PyTuple_GET_ITEM(o, i))) {
            return 0;
        }
    }
    PyObject_GC_UnTrack(o);
    return 1;
}

/* isinstance(v, kind) for a value marshal made (a built-in type's, whose __class__ is its
 * type): where `kind` is a type or a tuple of types (not of a metaclass: no
 * __instancecheck__), by their types alone; isinstance itself otherwise. isinstance
 * looked `v.__class__` up each time a type did not match (None against the str of
 * (str, NoneType)): a fifth of reading a row. 1, 0, or -1 with an exception. */
static int
of_kind(PyObject *v, PyObject *kind)
{
    if (PyType_CheckExact(kind)) {
        return PyObject_TypeCheck(v, (PyTypeObject *)kind);
    }
    if (PyTuple_CheckExact(kind)) {
        Py_ssize_t n = PyTuple_GET_SIZE(kind), i = 0;
        while (i < n && PyType_CheckExact(PyTuple_GET_ITEM(kind, i))) {
            i++;
        }
        if (i == n) {
            for (i = 0; i < n; i++) {
                if (PyObject_TypeCheck(v, (PyTypeObject *)PyTuple_GET_ITEM(kind, i))) {
                    return 1;
                }
            }
            return 0;
        }
    }
    return PyObject_IsInstance(v, kind);
}

/* Row `index` of a store.columns.Rows (see load_row) into *row: the tuple, or NULL when
 * it is not a row of `width` values of `kinds` (a damaged file's). -1 on error (an
 * exception set: no memory, a failing isinstance). */
static int
row_of(const Py_buffer *blob, const Py_buffer *offsets, Py_ssize_t index, Py_ssize_t width,
       PyObject *kinds, int max_depth, long long expansion, PyObject **row)
{
    *row = NULL;
    int64_t start, end;
    memcpy(&start, (const char *)offsets->buf + 8 * index, 8);
    memcpy(&end, (const char *)offsets->buf + 8 * (index + 1), 8);
    if (start < 0 || end < start || end > blob->len) {
        return 0; /* offsets that do not fit: a damaged file's */
    }
    Py_ssize_t len = (Py_ssize_t)(end - start);
    /* copied out of the mapped file first, so that the walk and marshal read the same
     * bytes whatever the file does meanwhile */
    char *copy = PyMem_Malloc(len ? (size_t)len : 1);
    if (!copy) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(copy, (const char *)blob->buf + start, (size_t)len);
    int plain = marshal_walk((const uint8_t *)copy, len, max_depth, expansion);
    if (plain <= 0) {
        PyMem_Free(copy);
        if (plain < 0) {
            PyErr_NoMemory();
        }
        return plain;
    }
    PyObject *found = PyMarshal_ReadObjectFromString(copy, len);
    PyMem_Free(copy);
    if (!found) {
        if (PyErr_ExceptionMatches(PyExc_EOFError) || PyErr_ExceptionMatches(PyExc_ValueError)
            || PyErr_ExceptionMatches(PyExc_TypeError)
            || PyErr_ExceptionMatches(PyExc_MemoryError)) {
            PyErr_Clear();
            return 0;
        }
        return -1;
    }
    int ok = PyTuple_CheckExact(found) && PyTuple_GET_SIZE(found) == width;
    for (Py_ssize_t i = 0; ok && kinds != Py_None && i < width; i++) {
        ok = of_kind(PyTuple_GET_ITEM(found, i), PyTuple_GET_ITEM(kinds, i));
        if (ok < 0) {
            Py_DECREF(found);
            return -1;
        }
    }
    if (!ok) {
        Py_DECREF(found);
        return 0;
    }
    (void)settled(found);
    *row = found;
    return 0;
}

/* The arguments load_row and load_rows share, checked: -1 with an exception if not. */
static int
rows_args(const Py_buffer *offsets, Py_ssize_t width, PyObject *kinds, int max_depth,
          long long expansion)
{
    if (offsets->len % 8 || offsets->len < 8 || max_depth < 1 || max_depth > 100000 ||
        expansion < 1 || expansion > 1 << 20 || width < 0 ||
        (kinds != Py_None && (!PyTuple_Check(kinds) || PyTuple_GET_SIZE(kinds) != width))) {
        PyErr_SetString(PyExc_ValueError, "load_row: bad offsets, limits or kinds");
        return -1;
    }
    return 0;
}

/* load_row(blob, offsets, index, width, kinds, max_depth, expansion) -> tuple | None:
 * row `index` of a store.columns.Rows (a marshal record each, between int64 offsets into
 * blob), as Rows.load decodes it: copied out of the mapped file, walked as plain_marshal
 * walks it, read by marshal, and kept only if it is a tuple of `width` values each an
 * instance of kinds[i] (kinds may be None). None when it is not; IndexError when index
 * is outside the rows. One call a row: the Python steps around marshal took as long as
 * marshal itself. */
static PyObject *
load_row(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_buffer blob, offsets;
    Py_ssize_t index, width;
    PyObject *kinds, *row = NULL;
    int max_depth;
    long long expansion;
    if (!PyArg_ParseTuple(args, "y*y*nnOiL", &blob, &offsets, &index, &width, &kinds,
                          &max_depth, &expansion)) {
        return NULL;
    }
    PyObject *result = NULL;
    if (rows_args(&offsets, width, kinds, max_depth, expansion) < 0) {
        goto done;
    }
    if (index < 0 || index >= offsets.len / 8 - 1) {
        PyErr_SetString(PyExc_IndexError, "row index out of range");
        goto done;
    }
    if (row_of(&blob, &offsets, index, width, kinds, max_depth, expansion, &row) == 0) {
        result = row != NULL ? row : Py_NewRef(Py_None);
    }
done:
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&blob);
    return result;
}

/* load_rows(blob, offsets, indices, width, kinds, max_depth, expansion) -> list | None:
 * load_row for each of indices (int64), in one call (a document's new entries, read
 * after the policies met them); None if any is not a row (the caller finds which). */
static PyObject *
load_rows(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_buffer blob, offsets, indices;
    Py_ssize_t width;
    PyObject *kinds;
    int max_depth;
    long long expansion;
    if (!PyArg_ParseTuple(args, "y*y*y*nOiL", &blob, &offsets, &indices, &width, &kinds,
                          &max_depth, &expansion)) {
        return NULL;
    }
    PyObject *result = NULL, **rows = NULL;
    Py_ssize_t made = 0;
    if (rows_args(&offsets, width, kinds, max_depth, expansion) < 0) {
        goto done;
    }
    if (indices.len % 8) {
        PyErr_SetString(PyExc_ValueError, "load_rows: indices are int64");
        goto done;
    }
    Py_ssize_t n = indices.len / 8, n_rows = offsets.len / 8 - 1;
    if ((rows = PyMem_Malloc(n ? (size_t)n * sizeof(PyObject *) : 1)) == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (; made < n; made++) {
        int64_t index;
        memcpy(&index, (const char *)indices.buf + 8 * made, 8);
        if (index < 0 || index >= n_rows) {
            PyErr_SetString(PyExc_IndexError, "row index out of range");
            goto done;
        }
        PyObject *row;
        if (row_of(&blob, &offsets, (Py_ssize_t)index, width, kinds, max_depth, expansion,
                   &row) < 0) {
            goto done;
        }
        if (row == NULL) {
            result = Py_NewRef(Py_None);
            goto done;
        }
        rows[made] = row;
    }
    result = list_of(rows, n); /* (takes the rows) */
    rows = NULL;
done:
    objs_free(rows, made);
    PyBuffer_Release(&indices);
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&blob);
    return result;
}

/* The policies in C: packed_spans, keep (a separate block, see _keep.h). */
#include "_keep.h"

static PyMethodDef module_methods[] = {
    KEEP_METHODS
    {"edits", edits, METH_VARARGS,
     "edits(raw, runs) -> None | (cut bytes, news, olds): matcher._edits in C"},
    {"prepare", prepare, METH_VARARGS,
     "prepare(raw, runs, max_suspects) -> (raw2, hay, news, olds, suspects): the padded "
     "cut bytes, their fold, the cuts' maps (or None) and where NFC may change something"},
    {"restore", restore, METH_VARARGS,
     "restore(cls, rows[, field, inner[, at, extras]]) -> instances of a slotted class "
     "from their slot values (with extras: each row without slot at, which takes its "
     "extra)"},
    {"in_bounds", in_bounds, METH_VARARGS,
     "in_bounds(buffer, itemsize, lo, hi, rising) -> whether every integer is in [lo, hi)"
     " (and, with rising, none is below the one before)"},
    {"load_rows", load_rows, METH_VARARGS,
     "load_rows(blob, offsets, indices, width, kinds, max_depth, expansion) -> list | None: "
     "load_row for each int64 index (None if any is not a row)"},
    {"crc32c", crc32c, METH_VARARGS,
     "crc32c(data[, crc[, hardware]]) -> int: the CRC-32C (Castagnoli) of data, "
     "continuing crc (hardware=False: by the table)"},
    {"crc32c_hardware", crc32c_hardware, METH_NOARGS,
     "crc32c_hardware() -> bool: whether crc32c runs on the CPU's crc32 instruction"},
    {"shift_spans", shift_spans, METH_VARARGS,
     "shift_spans(triples, delta) -> None: delta added to every start and end, in place"},
    {"load_row", load_row, METH_VARARGS,
     "load_row(blob, offsets, index, width, kinds, max_depth, expansion) -> tuple | None: "
     "row index of a store.columns.Rows, checked and decoded (None if it is not a row)"},
    {"gather", gather, METH_VARARGS,
     "gather(out, values, index) -> None: out[i] = values[index[i]] (4-byte integers)"},
    {"group", group, METH_VARARGS,
     "group(keys, at, order) -> None: the positions of keys grouped by key (a counting "
     "sort: order, and where each key's run starts in at)"},
    {"mapped", mapped, METH_VARARGS,
     "mapped(raw, found, news, olds, state, base[, ids]) -> found in code points before "
     "the cuts (with ids: (start, end, ids[variant]) spans)"},
    {"plain_marshal", plain_marshal, METH_VARARGS,
     "plain_marshal(buffer, max_depth, expansion) -> whether it is one plain marshal value "
     "(see store/columns.py loads)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef scan_module = {
    PyModuleDef_HEAD_INIT, "glossator.matching._scan",
    "The matcher's inner loop in C (see matcher.py).", -1, module_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__scan(void)
{
    check_fold_vector();
    check_stop_vector();
    crc32c_init();
    if (PyType_Ready(&TrieType) < 0) {
        return NULL;
    }
    PyObject *m = PyModule_Create(&scan_module);
    if (!m) {
        return NULL;
    }
    if (PyModule_AddIntConstant(m, "ABI", SCAN_ABI) < 0
        || PyModule_AddIntConstant(m, "FOLD_VECTOR", fold_vector_ok) < 0
        || PyModule_AddIntConstant(m, "STOP_VECTOR", stop_vector_ok) < 0) {
        Py_DECREF(m);
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
