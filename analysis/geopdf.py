"""Joins single-page GeoPDFs (as QGIS writes them, one per atlas page) into one PDF: every page
keeps its georeferencing, and the optional content groups (the switchable layers) of the same
name on different pages become one group, so one switch shows or hides a layer on every page."""

from typing import Dict, List, Sequence

try:  # pypdf ships with Debian (python3-pypdf); QGIS on Windows: pip install pypdf
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject
except ImportError:  # pragma: no cover (depends on the machine)
    PdfReader = None


def merge_available() -> bool:
    return PdfReader is not None


def _is_ocg(obj) -> bool:
    return isinstance(obj, DictionaryObject) and obj.get("/Type") == "/OCG"


def _unify(node, canonical: Dict[str, IndirectObject], seen: set) -> None:
    """Replaces, below ``node``, every reference to an OCG by the first OCG of its name."""
    if isinstance(node, IndirectObject):
        key = (node.idnum, node.generation)
        if key in seen:
            return
        seen.add(key)
        node = node.get_object()
    if isinstance(node, DictionaryObject):
        items = [(k, v) for k, v in node.items() if k != "/Parent"]
    elif isinstance(node, ArrayObject):
        items = list(enumerate(node))
    else:
        return
    for key, value in items:
        if isinstance(value, IndirectObject) and _is_ocg(value.get_object()):
            name = str(value.get_object().get("/Name", ""))
            first = canonical.setdefault(name, value)
            if first != value:
                node[key] = first
            continue
        _unify(value, canonical, seen)


def _layer_names(reader) -> List[str]:
    """OCG names of a document in the order its layer panel lists them, then the rest."""
    names = []
    properties = reader.trailer["/Root"].get("/OCProperties")
    if properties is None:
        return names
    properties = properties.get_object()

    def walk(entry):
        entry = entry.get_object() if isinstance(entry, IndirectObject) else entry
        if isinstance(entry, ArrayObject):
            for child in entry:
                walk(child)
        elif _is_ocg(entry):
            names.append(str(entry.get("/Name", "")))

    default = properties.get("/D")
    if default is not None:
        walk(default.get_object().get("/Order", ArrayObject()))
    walk(properties.get("/OCGs", ArrayObject()))
    return list(dict.fromkeys(names))


def _off_names(reader) -> set:
    properties = reader.trailer["/Root"].get("/OCProperties")
    if properties is None:
        return set()
    default = properties.get_object().get("/D")
    off = default.get_object().get("/OFF", ArrayObject()) if default is not None else ArrayObject()
    return {str(o.get_object().get("/Name", "")) for o in off}


def merge(paths: Sequence[str], out_path: str) -> None:
    """Writes the pages of ``paths`` (in order) to ``out_path`` with their layers unified by name."""
    if PdfReader is None:
        raise RuntimeError("joining GeoPDF pages needs the Python package pypdf")
    writer = PdfWriter()
    order: List[str] = []
    off: set = set()
    readers = []
    for path in paths:
        reader = PdfReader(path)
        readers.append(reader)
        order += [n for n in _layer_names(reader) if n not in order]
        off |= _off_names(reader)
        for page in reader.pages:
            writer.add_page(page)
    canonical: Dict[str, IndirectObject] = {}
    seen: set = set()
    for page in writer.pages:
        _unify(page.indirect_reference if hasattr(page, "indirect_reference") else page, canonical, seen)
    if canonical:
        groups = [canonical[n] for n in order if n in canonical]
        groups += [ref for name, ref in canonical.items() if name not in order]
        default = DictionaryObject()
        default[NameObject("/Order")] = ArrayObject(groups)
        default[NameObject("/ON")] = ArrayObject([g for n, g in canonical.items() if n not in off])
        default[NameObject("/OFF")] = ArrayObject([g for n, g in canonical.items() if n in off])
        default[NameObject("/BaseState")] = NameObject("/ON")
        properties = DictionaryObject()
        properties[NameObject("/OCGs")] = ArrayObject(groups)
        properties[NameObject("/D")] = default
        root = writer._root_object  # pypdf 3.x; root_object in later releases is the same object
        root[NameObject("/OCProperties")] = writer._add_object(properties)
        root[NameObject("/PageMode")] = NameObject("/UseOC")  # open with the layer panel showing
    with open(out_path, "wb") as f:
        writer.write(f)
    for reader in readers:
        stream = getattr(reader, "stream", None)
        if stream is not None and hasattr(stream, "close"):
            stream.close()
