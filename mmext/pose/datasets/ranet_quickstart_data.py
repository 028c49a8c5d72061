"""Deterministic quickstart data for RANet, in MPII's and LIP's formats.

Images of stick-figure persons in exactly the on-disk format that mmpose's
``MpiiDataset`` and ``MpiiPCKAccuracy`` read (mmpose's converted MPII
annotations)::

    <root>/images/000000001.jpg ...
    <root>/annotations/mpii_train.json   # [{image, center, scale, joints,
    <root>/annotations/mpii_val.json     #   joints_vis}], 1-based coords
    <root>/annotations/mpii_gt_val.mat   # headboxes_src (2, 2, N), ...

The persons are built to be confusing in the ways RANet targets.  All
clothes, distractors and occluders take their colours from one small
:data:`PALETTE`, so textures recur across persons as real garments do:

* symmetry: left and right limbs have the same colour, and limbs cross;
* nearby persons: in 70 % of the images a second person (in the target's
  clothes half of the time) stands behind the target and overlaps it;
* similar textures: up to two stray forearms / shins (with hand / foot)
  in the target's colours lie near its joints, and in 40 % of the images
  a limb-shaped occluder in a palette colour covers one of its arm or leg
  joints.

Hands and feet (disks in the skin colour) mark wrists and ankles.  A
small LIP-style parsing set of such figures
(``<root>/lip/images/*.jpg`` + ``<root>/lip/segmentations/*.png`` with LIP
labels) is cut into the PDA part library ``<root>/part_library/`` by the
same code as ``tools/dataset_converters/ranet_part_library.py``.
"""
import glob
import json
import os
import os.path as osp
from typing import Dict, Optional, Tuple

import cv2
import numpy as np
from scipy.io import savemat

from mmext.quickstart import write_once
from .part_library import build_part_library

VERSION = 'ranet-quickstart-2'
_MARKER = '.quickstart_version'
IMAGE_SIZE = 128
NUM_TRAIN = 160
NUM_VAL = 192
NUM_LIBRARY_SOURCES = 16

# MPII joint ids
R_ANK, R_KNE, R_HIP, L_HIP, L_KNE, L_ANK, PELVIS, THORAX, NECK, HEAD, \
    R_WRI, R_ELB, R_SHO, L_SHO, L_ELB, L_WRI = range(16)
#: (joint a, joint b, body part, LIP label of the right / left side)
LIMBS = ((R_ANK, R_KNE, 'leg', 17), (R_KNE, R_HIP, 'leg', 17),
         (L_ANK, L_KNE, 'leg', 16), (L_KNE, L_HIP, 'leg', 16),
         (R_WRI, R_ELB, 'arm', 15), (R_ELB, R_SHO, 'arm', 15),
         (L_WRI, L_ELB, 'arm', 14), (L_ELB, L_SHO, 'arm', 14))
LIP_TORSO, LIP_FACE = 5, 13
#: BGR clothes colours shared by every person, distractor and occluder
PALETTE = ((40, 40, 200), (200, 60, 40), (40, 170, 60), (40, 200, 220),
           (170, 50, 170), (230, 230, 230), (60, 60, 60))
#: Head length (neck to head top) / person height; sets the head box
HEAD_RATIO = 0.18


def _unit(angle: float) -> np.ndarray:
    """Unit vector at ``angle`` radians from straight down."""
    return np.array([np.sin(angle), np.cos(angle)])


def sample_pose(rng: np.random.Generator, height: float,
                center: np.ndarray) -> np.ndarray:
    """A frontal person's 16 MPII joints (0-based pixels, (16, 2)).

    The person faces the camera: its right side is on the image's left.
    Limb angles are random, so arms and legs cross at times.
    """
    j = np.zeros((16, 2))
    tilt = rng.normal(0, 0.15)
    up = -_unit(tilt)  # towards the head
    side = np.array([-up[1], up[0]])  # towards the person's left
    if side[0] < 0:
        side = -side
    j[PELVIS] = center + np.array([0, 0.08 * height])
    j[THORAX] = j[PELVIS] + 0.30 * height * up
    j[NECK] = j[THORAX] + 0.06 * height * up
    j[HEAD] = j[NECK] + HEAD_RATIO * height * _unit(np.pi + tilt +
                                                    rng.normal(0, 0.15))
    for hip, sho, sign in ((R_HIP, R_SHO, -1), (L_HIP, L_SHO, 1)):
        j[hip] = j[PELVIS] + sign * 0.08 * height * side
        j[sho] = j[THORAX] + sign * 0.11 * height * side
    for sho, elb, wri, sign in ((R_SHO, R_ELB, R_WRI, -1), (L_SHO, L_ELB,
                                                            L_WRI, 1)):
        upper = sign * rng.uniform(-0.6, 2.2)
        fore = upper + sign * rng.uniform(-1.6, 1.2)
        j[elb] = j[sho] + 0.17 * height * _unit(upper)
        j[wri] = j[elb] + 0.15 * height * _unit(fore)
    for hip, kne, ank, sign in ((R_HIP, R_KNE, R_ANK, -1), (L_HIP, L_KNE,
                                                            L_ANK, 1)):
        thigh = sign * rng.uniform(-0.25, 0.7)
        shin = thigh + sign * rng.uniform(-0.7, 0.35)
        j[kne] = j[hip] + 0.24 * height * _unit(thigh)
        j[ank] = j[kne] + 0.23 * height * _unit(shin)
    return j


def sample_colours(rng: np.random.Generator) -> Dict[str, tuple]:
    """Clothes colours (BGR, from :data:`PALETTE`), the same both sides.

    The four parts of one person differ, so that an arm in front of the
    torso stays visible (its joints are labelled, hence must be findable).
    """
    names = ('arm', 'leg', 'torso', 'head')
    picks = rng.choice(len(PALETTE), len(names), replace=False)
    return {name: PALETTE[i] for name, i in zip(names, picks)}


def draw_limb(img: np.ndarray,
              tip: np.ndarray,
              base: np.ndarray,
              colour: tuple,
              end_colour: Optional[tuple],
              height: float,
              label: Optional[np.ndarray] = None,
              lip: int = 0) -> None:
    """Draw one limb segment, with a hand or foot beyond ``tip``, in place.

    The hand / foot (a disk in ``end_colour``, skipped when None) makes the
    wrist or ankle a visible junction, as on a real person, instead of an
    ambiguous point in the round cap of a stroke.

    Args:
        img (np.ndarray): (H, W, 3) uint8 BGR image.
        tip (np.ndarray): (2,) outer joint (wrist / ankle / elbow / knee).
        base (np.ndarray): (2,) inner joint.
        colour (tuple): BGR colour of the segment.
        end_colour (tuple, optional): BGR colour of the hand / foot.
        height (float): Person height in pixels (sets the widths).
        label (np.ndarray, optional): (H, W) LIP label map drawn alike.
        lip (int): LIP label of the limb.
    """
    width = max(2, int(round(0.07 * height)))
    a, b = tuple(np.rint(tip).astype(int)), tuple(np.rint(base).astype(int))
    cv2.line(img, a, b, colour, width, cv2.LINE_AA)
    if label is not None:
        cv2.line(label, a, b, lip, width)
    if end_colour is None:
        return
    direction = tip - base
    direction = direction / max(np.linalg.norm(direction), 1e-6)
    radius = max(2, int(round(0.045 * height)))
    centre = tuple(np.rint(tip + radius * direction).astype(int))
    cv2.circle(img, centre, radius, end_colour, -1, cv2.LINE_AA)
    if label is not None:
        cv2.circle(label, centre, radius, lip, -1)


def draw_person(
    img: np.ndarray,
    joints: np.ndarray,
    colours: dict,
    height: float,
    label: Optional[np.ndarray] = None,
    parts: Tuple[str, ...] = ('leg', 'torso', 'arm', 'head')
) -> None:
    """Draw a stick figure (and its LIP labels into ``label``) in place.

    Hands and feet are in the head's (skin) colour.
    """
    pts = np.rint(joints).astype(np.int32)
    # back to front: legs, torso, arms, head
    order = ([('leg', limb)
              for limb in LIMBS if limb[2] == 'leg'] + [('torso', None)] +
             [('arm', limb)
              for limb in LIMBS if limb[2] == 'arm'] + [('head', None)])
    for part, limb in order:
        if part not in parts:
            continue
        if part == 'torso':
            quad = pts[[R_SHO, L_SHO, L_HIP, R_HIP]]
            cv2.fillConvexPoly(img, quad, colours['torso'], cv2.LINE_AA)
            if label is not None:
                cv2.fillConvexPoly(label, quad, LIP_TORSO)
        elif part == 'head':
            centre = tuple(
                int(v) for v in np.rint((joints[NECK] + joints[HEAD]) / 2))
            radius = max(
                2,
                int(round(0.5 * np.linalg.norm(joints[HEAD] - joints[NECK]))))
            cv2.circle(img, centre, radius, colours['head'], -1, cv2.LINE_AA)
            if label is not None:
                cv2.circle(label, centre, radius, LIP_FACE, -1)
        else:
            a, b, name, lip = limb
            end = (colours['head'] if a in (R_ANK, L_ANK, R_WRI, L_WRI) else
                   None)
            draw_limb(img, joints[a], joints[b], colours[name], end, height,
                      label, lip)


def background(rng: np.random.Generator, size: int) -> np.ndarray:
    """Smooth random colours plus pixel noise (uint8 BGR)."""
    coarse = rng.integers(60, 200, (6, 6, 3)).astype(np.float32)
    img = cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC)
    img += rng.normal(0, 8, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def render_sample(rng: np.random.Generator,
                  size: int = IMAGE_SIZE) -> Tuple[np.ndarray, dict]:
    """One confusing image and its MPII annotation (1-based coords)."""
    height = rng.uniform(0.5, 0.7) * size
    centre = rng.uniform(0.42, 0.58, 2) * size
    joints = sample_pose(rng, height, centre)
    colours = sample_colours(rng)
    img = background(rng, size)
    if rng.random() < 0.7:  # a nearby person, behind the target
        offset = rng.choice([-1, 1]) * rng.uniform(0.3, 0.55) * height
        other = sample_pose(rng, height * rng.uniform(0.85, 1.1), centre +
                            np.array([offset, rng.normal(0, 5)]))
        other_colours = colours if rng.random() < 0.5 else sample_colours(rng)
        draw_person(img, other, other_colours, height)
    draw_person(img, joints, colours, height)
    for _ in range(rng.integers(0, 3)):  # stray look-alike forearms / shins
        name = 'arm' if rng.random() < 0.5 else 'leg'
        start = joints[rng.integers(16)] + rng.normal(0, 0.12 * height, 2)
        end = start + 0.2 * height * _unit(rng.uniform(0, 2 * np.pi))
        draw_limb(img, end, start, colours[name], colours['head'], height)
    if rng.random() < 0.4:  # a limb-shaped occluder on a limb joint
        joint = joints[rng.choice([R_ELB, L_ELB, R_KNE, L_KNE, R_WRI, L_WRI])]
        direction = 0.12 * height * _unit(rng.uniform(0, 2 * np.pi))
        cv2.line(img, tuple(np.rint(joint - direction).astype(int)),
                 tuple(np.rint(joint + direction).astype(int)),
                 PALETTE[rng.integers(len(PALETTE))],
                 max(3, int(round(0.1 * height))), cv2.LINE_AA)
    inside = ((joints >= 0) & (joints <= size - 1)).all(axis=1)
    lo, hi = joints.min(0), joints.max(0)
    head_len = np.linalg.norm(joints[HEAD] - joints[NECK])
    head_c = (joints[HEAD] + joints[NECK]) / 2
    ann = dict(
        joints_vis=inside.astype(int).tolist(),
        joints=np.where(inside[:, None], joints + 1, -1).round(2).tolist(),
        scale=round(float((hi - lo).max() * 1.1 / 200), 4),
        center=((lo + hi) / 2 + 1).round(2).tolist(),
        headbox=np.concatenate([head_c - head_len / 2, head_c + head_len / 2])
        + 1)
    return img, ann


def _write_split(root: str, rng: np.random.Generator, count: int,
                 first_id: int) -> list:
    anns = []
    for i in range(count):
        img, ann = render_sample(rng)
        name = f'{first_id + i:09d}.jpg'
        cv2.imwrite(
            osp.join(root, 'images', name), img,
            [cv2.IMWRITE_JPEG_QUALITY, 95])
        ann['image'] = name
        anns.append(ann)
    return anns


def _write_lip(root: str, rng: np.random.Generator, count: int) -> None:
    """LIP-style parsing images of single figures (part library source)."""
    os.makedirs(osp.join(root, 'images'))
    os.makedirs(osp.join(root, 'segmentations'))
    for i in range(count):
        size = IMAGE_SIZE
        height = rng.uniform(0.6, 0.75) * size
        joints = sample_pose(rng, height, np.full(2, size / 2))
        img = background(rng, size)
        label = np.zeros((size, size), np.uint8)
        draw_person(img, joints, sample_colours(rng), height, label)
        name = f'lip_{i:04d}'
        cv2.imwrite(
            osp.join(root, 'images', name + '.jpg'), img,
            [cv2.IMWRITE_JPEG_QUALITY, 95])
        cv2.imwrite(osp.join(root, 'segmentations', name + '.png'), label)


def _write(root: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    os.makedirs(osp.join(root, 'images'))
    os.makedirs(osp.join(root, 'annotations'))
    train = _write_split(root, rng, NUM_TRAIN, 1)
    val = _write_split(root, rng, NUM_VAL, NUM_TRAIN + 1)
    headboxes = np.stack([a.pop('headbox') for a in val]).reshape(-1, 2, 2)
    for a in train:  # MPII's training set has no head boxes file
        a.pop('headbox')
    for name, anns in (('mpii_train.json', train), ('mpii_val.json', val)):
        with open(osp.join(root, 'annotations', name), 'w') as f:
            json.dump(anns, f)
    joints = np.array([a['joints'] for a in val])  # N, 16, 2
    savemat(
        osp.join(root, 'annotations', 'mpii_gt_val.mat'),
        dict(
            headboxes_src=headboxes.transpose(1, 2, 0),  # 2, 2, N
            pos_gt_src=joints.transpose(1, 2, 0),  # 16, 2, N
            jnt_missing=1 - np.array([a['joints_vis']
                                      for a in val]).T))  # 16, N
    lip = osp.join(root, 'lip')
    _write_lip(lip, rng, NUM_LIBRARY_SOURCES)
    pairs = [
        (osp.join(lip, 'images',
                  osp.basename(p)[:-4] + '.jpg'), p)
        for p in sorted(glob.glob(osp.join(lip, 'segmentations', '*.png')))
    ]
    build_part_library(
        pairs,
        osp.join(root, 'part_library'),
        classes=(5, 13, 14, 15, 16, 17),
        min_area=20,
        with_person=True)


def prepare_quickstart_data(data_root: str, seed: int = 1905) -> str:
    """Write the RANet quickstart data into ``data_root`` unless present.

    Idempotent: a complete dataset of the current :data:`VERSION` and seed
    is left alone; anything else is replaced.  It is written to a temporary
    folder first and moved into place.

    Args:
        data_root (str): Destination folder.
        seed (int): Seed of the generator. Defaults to 1905.

    Returns:
        str: ``data_root``.
    """
    return write_once(data_root, lambda tmp: _write(tmp, seed),
                      f'{VERSION} {seed}', _MARKER)
