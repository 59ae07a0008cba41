"""How much memory this computer can give a computation, so that a grid or raster too large for
it is refused with a sentence before it is allocated (on Linux, an allocation past what is free
is not always refused: the system may kill QGIS instead, with the analyst's unsaved work)."""

import ctypes
import os
import sys
from typing import Optional

from .errors import BorderGapsError


def available_bytes() -> Optional[int]:
    """Memory that can be allocated now without swapping (Linux MemAvailable, Windows
    ullAvailPhys, elsewhere free pages), or None when the system does not say."""
    try:
        if sys.platform.startswith("linux"):
            with open("/proc/meminfo", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("MemAvailable:"):
                        return int(line.split()[1]) * 1024
        elif sys.platform == "win32":

            class _Status(ctypes.Structure):
                _fields_ = [
                    ("dwLength", ctypes.c_ulong),
                    ("dwMemoryLoad", ctypes.c_ulong),
                    ("ullTotalPhys", ctypes.c_ulonglong),
                    ("ullAvailPhys", ctypes.c_ulonglong),
                    ("ullTotalPageFile", ctypes.c_ulonglong),
                    ("ullAvailPageFile", ctypes.c_ulonglong),
                    ("ullTotalVirtual", ctypes.c_ulonglong),
                    ("ullAvailVirtual", ctypes.c_ulonglong),
                    ("ullAvailExtendedVirtual", ctypes.c_ulonglong),
                ]

            status = _Status()
            status.dwLength = ctypes.sizeof(_Status)
            if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
                return int(status.ullAvailPhys)
        elif hasattr(os, "sysconf") and "SC_AVPHYS_PAGES" in os.sysconf_names:
            return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, AttributeError):
        pass
    return None


def size_text(nbytes: float) -> str:
    """'1.5 GiB', '300 MiB', '12 KiB'."""
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if nbytes >= scale:
            return f"{nbytes / scale:.1f} {unit}"
    return f"{max(nbytes, 0) / 1024:.0f} KiB"


#: Share of the available memory one computation may plan to use: QGIS, its layers and the
#: rest of the session need the remainder.
USABLE_SHARE = 0.8


def require(nbytes: float, what: str, advice: str, available: Optional[int] = None) -> None:
    """Raise a BorderGapsError naming ``what`` and ``advice`` when ``nbytes`` do not fit in the
    memory available now (``available`` defaults to :func:`available_bytes`; unknown: no check)."""
    free = available_bytes() if available is None else available
    if free is None or nbytes <= USABLE_SHARE * free:
        return
    raise BorderGapsError(
        f"{what} needs about {size_text(nbytes)} of memory, more than this computer has free now "
        f"({size_text(free)}). {advice}"
    )
