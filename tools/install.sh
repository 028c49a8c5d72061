#!/usr/bin/env bash
# Install the mmext stack into the active Python environment.
#
#   bash tools/install.sh [--tests] [--no-editable]
#
# Idempotent: every step checks what is already there and skips it.  The one
# slow step, building mmcv 2.1.0 with its compiled ops, runs once per
# (mmcv, torch, python, platform, cpu/cuda) combination; the wheel is cached in
# $MMEXT_CACHE_DIR (default ~/.cache/mmext) and reused by later installs.
#
# Environment:
#   PYTHON            interpreter to install into (default: python3/python)
#   MMEXT_CACHE_DIR   wheel cache (default: ${XDG_CACHE_HOME:-~/.cache}/mmext)
#   TORCH_SPEC        torch requirement when torch is absent (default torch==2.14.1)
#   TORCHVISION_SPEC  torchvision requirement (default torchvision==0.29.1)
#   MMCV_FIND_LINKS   extra --find-links location for a prebuilt mmcv 2.1.0 wheel
#   MAX_JOBS          parallel compile jobs for the mmcv build (default: nproc)
#   FORCE_CUDA=1      build the CUDA ops of mmcv too (needs nvcc; automatic when
#                     torch sees a GPU)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$(command -v python3 || command -v python)}"
CACHE_DIR="${MMEXT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mmext}"
TORCH_SPEC="${TORCH_SPEC:-torch==2.14.1}"
TORCHVISION_SPEC="${TORCHVISION_SPEC:-torchvision==0.29.1}"
MMCV_VERSION=2.1.0
WITH_TESTS=0
EDITABLE=1
for arg in "$@"; do
    case "$arg" in
        --tests) WITH_TESTS=1 ;;
        --no-editable) EDITABLE=0 ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "[mmext install] unknown argument: $arg" >&2; exit 2 ;;
    esac
done

START=$(date +%s)
say() { echo "[mmext install] $*"; }
die() { echo "[mmext install] ERROR: $*" >&2; exit 1; }
pip_() { "$PYTHON" -m pip install --disable-pip-version-check "$@"; }
has() { "$PYTHON" -c "$1" >/dev/null 2>&1; }

"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 9)' \
    || die "Python >= 3.9 is required, $PYTHON is $("$PYTHON" -V 2>&1)"
say "python: $("$PYTHON" -c 'import sys; print(sys.executable, sys.version.split()[0])')"

# 1. Build tools used without isolation (mmcv and xtcocotools).
if ! has 'import setuptools, wheel, ninja, Cython, numpy, pkg_resources
from packaging.version import Version as V
assert V("77") <= V(setuptools.__version__) < V("82")'; then
    say "installing build tools (setuptools>=77,<82, wheel, ninja, Cython, numpy)"
    pip_ -q -r "$ROOT/requirements/build.txt"
fi

# 2. torch and torchvision, only when absent.
if ! has 'import torch'; then
    say "installing $TORCH_SPEC $TORCHVISION_SPEC"
    pip_ "$TORCH_SPEC" "$TORCHVISION_SPEC"
elif ! has 'import torchvision'; then
    say "torch $("$PYTHON" -c 'import torch; print(torch.__version__)') found; installing $TORCHVISION_SPEC"
    pip_ "$TORCHVISION_SPEC" || die "no torchvision matching the installed torch; install one (see pytorch.org) and rerun"
fi
TORCH_VERSION=$("$PYTHON" -c 'import torch; print(torch.__version__)')
say "torch $TORCH_VERSION"

# 3. The OpenMMLab toolboxes and their runtime dependencies, mmcv's own
# included (mmengine, OpenCV, addict, yapf, ...): mmcv is installed next with
# --no-deps, and `import mmcv.ops` needs them.
say "installing the OpenMMLab stack (requirements/runtime.txt, requirements/no_deps.txt)"
pip_ -q -r "$ROOT/requirements/runtime.txt"
pip_ -q --no-deps -r "$ROOT/requirements/no_deps.txt"

# 4. mmcv 2.1.0 with compiled ops.
# mmcv_check prints why mmcv (with its compiled ops) does not import, if so;
# exit status 2 when a module outside mmcv is missing (a dependency, not the
# wheel, is at fault).
mmcv_check() {
    "$PYTHON" - "$MMCV_VERSION" <<'PY' 2>&1
import sys
try:
    import mmcv
    assert mmcv.__version__ == sys.argv[1], f'mmcv {mmcv.__version__} is installed, not {sys.argv[1]}'
    from mmcv.ops import nms  # noqa: F401  needs the compiled mmcv._ext
except ModuleNotFoundError as err:
    print(f'{type(err).__name__}: {err}')
    sys.exit(2 if err.name and err.name.split('.')[0] != 'mmcv' else 1)
except Exception as err:
    print(f'{type(err).__name__}: {err}')
    sys.exit(1)
PY
}
# install_wheel WHEEL: install it and check it; on failure say why.
install_wheel() {
    pip_ -q --no-deps --force-reinstall "$1" || return 1
    local why rc=0
    why=$(mmcv_check) || rc=$?
    if [[ $rc == 2 ]]; then
        die "mmcv from $1 is installed, but a module it needs is missing: $why"
    elif [[ $rc != 0 ]]; then
        say "the mmcv wheel $1 is installed but does not import: $why"
        return 1
    fi
}
if why=$(mmcv_check); then
    say "mmcv $MMCV_VERSION with compiled ops already installed"
else
    has 'import mmcv' && say "the installed mmcv does not work ($why): replacing it"
    if [[ "${FORCE_CUDA:-0}" == 1 ]] || has 'import torch; assert torch.cuda.is_available()'; then
        FLAVOUR=cuda
    else
        FLAVOUR=cpu
    fi
    KEY=$("$PYTHON" -c "import sys, sysconfig, torch
print('mmcv-$MMCV_VERSION-torch' + torch.__version__ + '-cp%d%d-' % sys.version_info[:2]
      + sysconfig.get_platform() + '-$FLAVOUR')")
    WHEEL_DIR="$CACHE_DIR/wheels/$KEY"
    WHEEL=$(ls "$WHEEL_DIR"/mmcv-*.whl 2>/dev/null | head -n1 || true)
    DONE=0
    if [[ -n "$WHEEL" ]]; then
        say "installing the cached mmcv wheel $WHEEL"
        if install_wheel "$WHEEL"; then
            DONE=1
        else
            say "removing the broken cached wheel $WHEEL; rebuilding mmcv"
            rm -f "$WHEEL"
        fi
    fi
    if [[ $DONE == 0 ]]; then
        # A matching prebuilt wheel, if pip can find one (e.g. MMCV_FIND_LINKS).
        FIND=()
        [[ -n "${MMCV_FIND_LINKS:-}" ]] && FIND=(--find-links "$MMCV_FIND_LINKS")
        if pip_ -q --no-deps --only-binary mmcv "${FIND[@]}" "mmcv==$MMCV_VERSION" 2>/dev/null \
                && why=$(mmcv_check); then
            say "installed a prebuilt mmcv $MMCV_VERSION wheel"
            DONE=1
        fi
    fi
    if [[ $DONE == 0 ]]; then
        has 'import mmcv' && "$PYTHON" -m pip uninstall -y -q mmcv
        BUILD=$(mktemp -d)
        trap 'rm -rf "$BUILD"' EXIT
        say "no prebuilt mmcv $MMCV_VERSION wheel for torch $TORCH_VERSION: building from the sdist ($FLAVOUR ops)"
        say "this is a one-time step (about 25 minutes on 2 cores); the wheel goes to $WHEEL_DIR"
        "$PYTHON" -m pip download -q --no-deps --no-binary :all: "mmcv==$MMCV_VERSION" -d "$BUILD" \
            || die "could not download the mmcv $MMCV_VERSION sdist"
        tar -xzf "$BUILD/mmcv-$MMCV_VERSION.tar.gz" -C "$BUILD"
        SRC="$BUILD/mmcv-$MMCV_VERSION"
        # mmcv hard-codes -std=c++17; torch >= 2.13 headers need C++20
        # (torch 2.14 stops with '#error C++20 or later compatible compiler').
        CXX_STD=$("$PYTHON" -c "import torch
from packaging.version import Version as V
print('c++20' if V(torch.__version__.split('+')[0]) >= V('2.13') else 'c++17')")
        sed -i "s/-std=c++17/-std=$CXX_STD/g" "$SRC/setup.py"
        say "compiling with -std=$CXX_STD, MAX_JOBS=${MAX_JOBS:-$(nproc)}; build log: $BUILD/build.log"
        T0=$(date +%s)
        (cd "$SRC" && MMCV_WITH_OPS=1 MAX_JOBS="${MAX_JOBS:-$(nproc)}" FORCE_CUDA="$([[ $FLAVOUR == cuda ]] && echo 1 || echo 0)" \
            "$PYTHON" -m pip wheel --disable-pip-version-check --no-build-isolation --no-deps -w "$BUILD/dist" . \
            > "$BUILD/build.log" 2>&1) &
        BUILD_PID=$!
        # A progress line every minute, so the long build does not look hung.
        CSRC="$SRC/mmcv/ops/csrc/pytorch"
        NSRC=$(ls "$CSRC"/*.cpp "$CSRC"/cpu/*.cpp 2>/dev/null | wc -l || true)
        [[ $FLAVOUR == cuda ]] && NSRC=$(( NSRC + $(ls "$CSRC"/cuda/*.cu "$CSRC"/cuda/*.cpp 2>/dev/null | wc -l || true) ))
        while kill -0 "$BUILD_PID" 2>/dev/null; do
            for _ in $(seq 60); do kill -0 "$BUILD_PID" 2>/dev/null && sleep 1; done
            if kill -0 "$BUILD_PID" 2>/dev/null; then
                NOBJ=$(find "$SRC/build" -name '*.o' 2>/dev/null | wc -l || true)
                say "building mmcv: $(( ($(date +%s) - T0) / 60 )) min elapsed, $NOBJ of $NSRC sources compiled"
            fi
        done
        wait "$BUILD_PID" || { tail -n 40 "$BUILD/build.log" >&2; die "mmcv build failed (log above)"; }
        WHEEL=$(ls "$BUILD"/dist/mmcv-*.whl | head -n1)
        mkdir -p "$WHEEL_DIR"
        cp "$WHEEL" "$WHEEL_DIR/"
        WHEEL="$WHEEL_DIR/$(basename "$WHEEL")"
        say "mmcv built in $(( $(date +%s) - T0 )) s, cached as $WHEEL"
        if ! install_wheel "$WHEEL"; then
            rm -f "$WHEEL"
            die "the mmcv wheel built from source does not import (reason above)"
        fi
    fi
fi

# 5. xtcocotools' PyPI wheel is compiled against numpy 1.x; rebuild it against
# the installed numpy (jin-s13/xtcocoapi#45).
if ! has 'import xtcocotools._mask'; then
    say "building xtcocotools against numpy $("$PYTHON" -c 'import numpy; print(numpy.__version__)')"
    pip_ -q --no-deps --no-binary xtcocotools --no-build-isolation --force-reinstall "xtcocotools==1.14.3"
fi

# 6. mmext itself.
if [[ $EDITABLE == 1 ]]; then
    say "installing mmext in editable mode"
    pip_ -q --no-deps --no-build-isolation -e "$ROOT"
else
    say "installing mmext"
    pip_ -q --no-deps --no-build-isolation "$ROOT"
fi
if [[ $WITH_TESTS == 1 ]]; then
    say "installing test requirements"
    pip_ -q -r "$ROOT/requirements/tests.txt"
fi

"$PYTHON" -c "import mmext, mmdet.models, mmpose.models, mmaction.models, mmpretrain.models" \
    || die "the stack does not import; see the traceback above"
say "done in $(( $(date +%s) - START )) s: $("$PYTHON" -c 'import mmext; print(mmext.collect_versions())')"
