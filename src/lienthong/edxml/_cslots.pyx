# cython: language_level=3, boundscheck=False, wraparound=False
"""Storing a new value's slots from C: the body of ``_fastnew``'s constructors, when built.

``slot_offsets`` finds where each slot of a class lives in its instances (from the class's
member descriptors, checked to be plain object slots); ``filled`` allocates an instance, as
``object.__new__`` does, and stores the values there directly: one C call, instead of a
Python-level store per field.
"""

from cpython.object cimport PyObject, PyTypeObject
from cpython.ref cimport Py_DECREF, Py_INCREF

cdef extern from "Python.h":
    ctypedef struct PyMemberDef:
        const char* name
        int type
        Py_ssize_t offset
        int flags
    ctypedef struct PyMemberDescrObject:
        PyMemberDef* d_member
    PyObject* PyType_GenericAlloc(PyTypeObject* type, Py_ssize_t nitems) except NULL

cdef extern from "structmember.h":
    int T_OBJECT_EX
    int READONLY


class _Slotted:
    __slots__ = ("slot",)


cdef object _MEMBER_DESCRIPTOR = type(_Slotted.__dict__["slot"])


def slot_offsets(type cls, tuple names):
    """Each slot's offset in ``cls`` instances; ValueError unless all are plain object slots."""
    offsets = []
    for name in names:
        descriptor = cls.__dict__.get(name)
        if type(descriptor) is not _MEMBER_DESCRIPTOR:
            raise ValueError(f"{cls.__name__}.{name} is not a slot")
        member = (<PyMemberDescrObject*><PyObject*>descriptor).d_member
        if member.type != T_OBJECT_EX or member.flags & READONLY:
            raise ValueError(f"{cls.__name__}.{name} is not a plain object slot")
        offsets.append(member.offset)
    return tuple(offsets)


def filled(type cls, tuple offsets, tuple values):
    """A new ``cls`` instance with ``values[i]`` stored at ``offsets[i]``, bypassing ``__init__``.

    ``cls`` must have a plain allocator (as ``object.__new__`` uses) and ``offsets`` come from
    ``slot_offsets(cls, ...)``; ``_fastnew`` checks both once, when it makes a constructor.
    """
    if len(offsets) != len(values):
        raise TypeError(f"{len(offsets)} slots, {len(values)} values")
    cdef PyObject* c_instance = PyType_GenericAlloc(<PyTypeObject*>cls, 0)
    instance = <object>c_instance  # a second reference: drop the allocation's own
    Py_DECREF(instance)
    cdef Py_ssize_t i
    cdef Py_ssize_t offset
    cdef object value
    for i in range(len(values)):
        offset = offsets[i]
        value = values[i]
        Py_INCREF(value)  # the slot's reference; the instance releases it when freed
        (<PyObject**>((<char*>c_instance) + offset))[0] = <PyObject*>value
    return instance
