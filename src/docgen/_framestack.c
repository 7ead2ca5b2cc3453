/* CPython 3.11's frame stack, without the system calls of its chunk boundaries (docgen/framestack.py).

   CPython keeps Python frames on a stack of 16 KiB chunks taken from its arena allocator
   (mmap) and gives a chunk back (munmap) as soon as the last frame in it returns. Code that
   calls again and again at a depth where one chunk ends (WeasyPrint's layout does, all the
   time) maps and unmaps a chunk on every call: 261,000 of each for the 80-page document, two
   seconds of system time in eleven. CPython fixed it upstream by keeping one chunk
   (python/cpython#142183, in 3.14; 3.11 gets security fixes only). This module does the same
   through the public arena-allocator API (PyObject_Get/SetArenaAllocator): freed blocks of the
   chunk size are kept, up to KEEP, and handed out again; every other size, and every block
   when KEEP are kept, goes to the allocator that was there. A kept block was made by that
   allocator, so whichever way it goes, it goes back to it. Called with the GIL held, as
   CPython calls its arena allocator. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define CHUNK (16 * 1024) /* CPython 3.11's DATA_STACK_CHUNK_SIZE */
#define KEEP 16

static PyObjectArenaAllocator previous;
static void *kept[KEEP];
static int count;
static int installed;

static void *keep_alloc(void *ctx, size_t size) {
    if (size == CHUNK && count > 0) {
        return kept[--count];
    }
    return previous.alloc(previous.ctx, size);
}

static void keep_free(void *ctx, void *ptr, size_t size) {
    if (size == CHUNK && count < KEEP) {
        kept[count++] = ptr;
        return;
    }
    previous.free(previous.ctx, ptr, size);
}

static PyObject *keep_chunks(PyObject *module, PyObject *unused) {
    if (!installed) {
        PyObjectArenaAllocator mine = {NULL, keep_alloc, keep_free};
        PyObject_GetArenaAllocator(&previous);
        PyObject_SetArenaAllocator(&mine);
        installed = 1;
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"keep_chunks", keep_chunks, METH_NOARGS,
     "Keep freed frame-stack chunks for reuse instead of unmapping them (once per process)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "docgen._framestack",
    "CPython's frame-stack chunks kept for reuse (see the source's comment).", -1, methods,
};

PyMODINIT_FUNC PyInit__framestack(void) { return PyModule_Create(&module); }
