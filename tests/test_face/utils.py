"""Helpers shared by the face tests."""
import importlib.util
import os
import os.path as osp

import cv2
import numpy as np

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def encode_image(seed: int, size: int = 16, ext: str = '.jpg') -> bytes:
    """A small random image, encoded."""
    rng = np.random.RandomState(seed)
    img = rng.randint(0, 256, (size, size, 3), dtype=np.uint8)
    ok, buf = cv2.imencode(ext, img)
    assert ok
    return buf.tobytes()


def make_identity_folders(root: str, counts: dict) -> dict:
    """Write ``{identity: num_images}`` as folders; return the bytes."""
    written = {}
    seed = 0
    for identity, count in counts.items():
        os.makedirs(osp.join(root, identity), exist_ok=True)
        written[identity] = []
        for i in range(count):
            data = encode_image(seed)
            seed += 1
            with open(osp.join(root, identity, f'{i:03d}.jpg'), 'wb') as f:
                f.write(data)
            written[identity].append(data)
    return written


def read_identity_folders(root: str) -> dict:
    """``{identity: [image bytes in file-name order]}`` of a folder tree."""
    result = {}
    for identity in sorted(os.listdir(root)):
        folder = osp.join(root, identity)
        if not osp.isdir(folder):
            continue
        result[identity] = []
        for name in sorted(os.listdir(folder)):
            with open(osp.join(folder, name), 'rb') as f:
                result[identity].append(f.read())
    return result


def load_converter():
    """The face dataset converter script as a module."""
    path = osp.join(ROOT, 'tools', 'dataset_converters',
                    'face_dataset_converter.py')
    spec = importlib.util.spec_from_file_location('face_dataset_converter',
                                                  path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
