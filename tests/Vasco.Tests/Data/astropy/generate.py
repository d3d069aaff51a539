#!/usr/bin/python3
"""astropy's expectations for Vasco's FITS and WCS tests, made once and committed as data.

Rerun from anywhere with Debian's interpreter (it has python3-astropy; the pyenv python3 first on PATH does not):

    /usr/bin/python3 tests/Vasco.Tests/Data/astropy/generate.py

Everything it writes beside itself (*.json, scaled_columns.fits) is committed, and so is written-by-vasco/:
the tests read those files and never run python. Rerun it, and commit the diff, when astropy's reading should be
refreshed or when our writer's output for the fixed test inputs changes on purpose (the tests then say so).

Steps:
1. written-by-vasco/ holds what our own code writes for the tests' fixed inputs (FITS images, an LDAC catalogue,
   WCS headers as text, one card a line). The tests own those inputs, so this script has them rewrite the files:
   `dotnet test tests/Vasco.Tests --filter TestCategory=AstropyInputs` with VASCO_WRITE_ASTROPY_INPUTS=1
   (skip with --no-dotnet to reuse the committed ones as they are).
2. astropy reads those files, the real plate runs/m67/input/dss1-red_M67_XE486.fits and scaled_columns.fits
   (written here by astropy), and the values it reads are written to one JSON file per topic. Each JSON names its
   input (relative to the repository root) with its SHA-256, so the tests notice an input that changed afterwards.

Floats are written with repr(), which round-trips float64 exactly.
"""

import argparse
import glob
import hashlib
import json
import os
import subprocess
import sys
import warnings

import astropy
import numpy as np
from astropy.io import fits
from astropy.wcs import WCS
from astropy.wcs import _wcs

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))
WRITTEN = os.path.join(HERE, 'written-by-vasco')
M67 = os.path.join(ROOT, 'runs', 'm67', 'input', 'dss1-red_M67_XE486.fits')

warnings.simplefilter('ignore')


def rel(path):
    return os.path.relpath(path, ROOT).replace(os.sep, '/')


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def source():
    return {'astropy': astropy.__version__, 'wcslib': _wcs.__version__, 'numpy': np.__version__,
            'made_by': rel(os.path.abspath(__file__))}


# ---- output: indented objects, arrays of numbers packed several to a line -------------------------------------

def _scalar(v):
    return not isinstance(v, (dict, list))


def _format(value, indent):
    pad = ' ' * indent
    if isinstance(value, dict):
        items = [f'{pad} {json.dumps(k)}: {_format(v, indent + 1)}' for k, v in value.items()]
        return '{\n' + ',\n'.join(items) + '\n' + pad + '}'
    if isinstance(value, list) and all(_scalar(v) or (isinstance(v, list) and all(map(_scalar, v))) for v in value):
        parts = [json.dumps(v, separators=(',', ':')) for v in value]
        lines, line = [], ''
        for part in parts:
            if line and len(line) + len(part) > 110:
                lines.append(line)
                line = ''
            line += part + ','
        lines.append(line)
        lines[-1] = lines[-1].rstrip(',')
        if len(lines) == 1:
            return '[' + lines[0] + ']'
        return '[\n' + '\n'.join(f'{pad}  {l}' for l in lines) + '\n' + pad + ']'
    if isinstance(value, list):
        return '[\n' + ',\n'.join(f'{pad} {_format(v, indent + 1)}' for v in value) + '\n' + pad + ']'
    return json.dumps(value)


def write_json(name, value):
    with open(os.path.join(HERE, name), 'w', encoding='ascii', newline='\n') as f:
        f.write(_format({'source': source(), **value}, 0) + '\n')
    print('wrote', name)


def floats(array):
    return [float(v) for v in np.asarray(array, dtype=np.float64).ravel()]


# ---- WCS --------------------------------------------------------------------------------------------------------

def grid(width, height, n):
    """The tests' AstropyWcs.Grid: n x n pixel positions spanning the pixel edges, x outer."""
    return [[0.5 + width * i / (n - 1), 0.5 + height * k / (n - 1)] for i in range(n) for k in range(n)]


def read_text_header(path):
    with open(path, encoding='ascii') as f:
        return fits.Header.fromstring(f.read(), sep='\n')


def wcs_expectation(header_path, header, width, height, n):
    wcs = WCS(header)
    pixels = grid(width, height, n)
    sky = wcs.all_pix2world(np.array(pixels), 1)
    back = wcs.all_world2pix(sky, 1, tolerance=1e-12, maxiter=200)
    return {
        'header': rel(header_path), 'header_sha256': sha256(header_path),
        'grid': {'width': width, 'height': height, 'n': n},
        'pixels': pixels,
        'sky': [[float(a), float(b)] for a, b in sky],
        'pixels_back': [[float(a), float(b)] for a, b in back],
    }


def wcs_topics():
    write_json('m67_dss_wcs.json', wcs_expectation(M67, fits.getheader(M67), 1059, 1059, 21))

    def text(name, width, height, n):
        path = os.path.join(WRITTEN, name)
        return wcs_expectation(path, read_text_header(path), width, height, n)

    write_json('tan_wcs.json', {'cases': {
        'CD': text('tan_cd.hdr', 1024, 1024, 15),
        'PC+CDELT': text('tan_pc_cdelt.hdr', 1024, 1024, 15),
        'CDELT+CROTA2': text('tan_cdelt_crota2.hdr', 1024, 1024, 15),
    }})
    write_json('tpv_wcs.json', text('tpv.hdr', 1024, 1024, 15))
    write_json('m67_fit_tpv_wcs.json', text('m67_fit_tpv.hdr', 1024, 1024, 15))
    write_json('m67_clean_wcs.json', text('m67_clean.hdr', 1059, 1059, 5))


# ---- FITS -------------------------------------------------------------------------------------------------------

M67_POSITIONS = [(1, 1), (1059, 1), (1, 1059), (1059, 1059), (530, 530), (123, 987), (800, 222)]


def m67_pixels():
    data = fits.getdata(M67)
    write_json('m67_pixels.json', {
        'file': rel(M67), 'sha256': sha256(M67),
        'positions': [list(p) for p in M67_POSITIONS],
        # Pixel (x, y) 1-based is data[y-1, x-1] in numpy.
        'values': [float(data[y - 1, x - 1]) for x, y in M67_POSITIONS],
        'sum': float(data.astype('float64').sum()),
    })


def image_round_trips():
    images = {}
    for path in sorted(glob.glob(os.path.join(WRITTEN, 'image_*.fits'))):
        with fits.open(path, do_not_scale_image_data=True) as hdus:
            header = hdus[0].header
            # Scaled in float64: astropy itself scales BITPIX -32 in float32, which would blur the comparison.
            data = hdus[0].data.astype(np.float64)
            bscale, bzero = header.get('BSCALE', 1.0), header.get('BZERO', 0.0)
            images[rel(path)] = {
                'sha256': sha256(path),
                'bitpix': header['BITPIX'], 'bscale': float(bscale), 'bzero': float(bzero),
                'shape': list(data.shape), 'object': header['OBJECT'],
                'values': floats(data * bscale + bzero),
            }
    if len(images) == 0:
        sys.exit('no written-by-vasco/image_*.fits: run without --no-dotnet')
    write_json('fits_roundtrip_images.json', {'images': images})


def ldac_round_trip():
    path = os.path.join(WRITTEN, 'm67_objects.ldac')
    with fits.open(path) as hdus:
        head = hdus['LDAC_IMHEAD'].data['Field Header Card'][0]
        objects = hdus['LDAC_OBJECTS'].data
        write_json('fits_roundtrip_ldac.json', {
            'file': rel(path), 'sha256': sha256(path),
            'imhead_length': len(head),
            'objects': {name: floats(objects[name])
                        for name in ['MAG', 'FLUX', 'NUMBER', 'FLAGS', 'SOURCE_ID', 'BYTE', 'VIGNET', 'MAG_APER']},
            'vignet_cell_shape': list(objects['VIGNET'].shape[1:]),
            'name_lengths': [len(s) for s in objects['NAME']],
        })


def scaled_columns():
    """A table astropy writes: unsigned integers with TZEROn, and TSCAL/TZERO over raw 0, 3, -60."""
    path = os.path.join(HERE, 'scaled_columns.fits')
    u16 = fits.Column(name='U16', format='I', bzero=32768, array=np.array([0, 40000, 65535], dtype=np.uint16))
    raw = fits.Column(name='SCALED', format='J', array=np.array([0, 3, -60], dtype=np.int32))
    table = fits.BinTableHDU.from_columns([u16, raw], name='SCALEDTAB')
    table.header['TSCAL2'] = 0.5
    table.header['TZERO2'] = 10.0
    table.writeto(path, overwrite=True)
    with fits.open(path) as hdus:
        data = hdus['SCALEDTAB'].data
        write_json('fits_scaled_columns.json', {
            'file': rel(path), 'sha256': sha256(path),
            'columns': {'U16': floats(data['U16']), 'SCALED': floats(data['SCALED'])},
        })


def write_inputs_with_dotnet():
    # Start empty, so that no file a test no longer writes is read below.
    for old in glob.glob(os.path.join(WRITTEN, '*')):
        os.remove(old)
    env = dict(os.environ, VASCO_WRITE_ASTROPY_INPUTS='1')
    command = ['dotnet', 'test', os.path.join(ROOT, 'tests', 'Vasco.Tests'), '--nologo',
               '--filter', 'TestCategory=AstropyInputs']
    print('running', ' '.join(command), 'with VASCO_WRITE_ASTROPY_INPUTS=1', flush=True)
    subprocess.run(command, env=env, cwd=ROOT, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--no-dotnet', action='store_true',
                        help='do not rewrite written-by-vasco/ through the tests; read the committed files')
    args = parser.parse_args()
    if not args.no_dotnet:
        write_inputs_with_dotnet()
    m67_pixels()
    image_round_trips()
    ldac_round_trip()
    scaled_columns()
    wcs_topics()


if __name__ == '__main__':
    main()
