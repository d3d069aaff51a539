#!/usr/bin/python3
"""How astropy (Debian's python3-astropy) reads header cards whose value is not FITS standard.

Writes nonstandard_cards.json: for each card image, whether astropy's verify('fix') reports it as
"not FITS standard", and the value astropy then gives it. FitsHeaderTests compares Vasco's reading
with it. Run: /usr/bin/python3 tests/Vasco.Tests/Data/astropy/nonstandard_cards.py
"""
import io, json, os, warnings
import numpy as np
from astropy.io import fits
import astropy

CARDS = [
    "SKEW    = a, b",                       # as on real DSS scans
    "DATE-OBS= 29/11/51",                   # an unquoted date
    "PLTSCALE= 67.2 mm",                    # a number with a unit
    "FOO     = 'abc",                       # no closing quote
    "BAR     = 'x' y",                      # text after the string
    "EXPOSURE=  5.0000000000000E+01 /Exposure time minutes",  # standard, for contrast
    "PLTLABEL= 'E438              ' /Observatory plate label",
    "DSHEARED=                    F /Image repaired for shearing effects",
]

def read(card):
    header = fits.PrimaryHDU(np.zeros((2, 2), dtype=np.int16)).header.tostring()
    images = [header[i:i + 80] for i in range(0, len(header), 80)]
    end = next(i for i, c in enumerate(images) if c.startswith("END     "))
    images.insert(end, card.ljust(80))
    text = "".join(images)
    text = text.ljust((len(text) + 2879) // 2880 * 2880)
    data = np.zeros((2, 2), dtype=">i2").tobytes().ljust(2880, b"\0")
    keyword = card[:8].strip()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with fits.open(io.BytesIO(text.encode("ascii") + data)) as f:
            f.verify("fix")
            value = f[0].header[keyword]
    messages = [str(w.message) for w in caught]
    return {
        "card": card,
        "not_standard": any(f"Card '{keyword}' is not FITS standard" in m for m in messages),
        "value": value if isinstance(value, str) else repr(value),
        "value_type": type(value).__name__,
    }

out = {"astropy": astropy.__version__, "cards": [read(c) for c in CARDS]}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nonstandard_cards.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(json.dumps(out, indent=1))
