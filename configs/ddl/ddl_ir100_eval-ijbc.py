# IJB-C 1:1 template verification (TAR at FAR 1e-5 / 1e-4 / 1e-3 in the
# paper's table) of a DDL IR-100 checkpoint, with the protocol and data of
# configs/curricularface/curricularface_ir101_eval-ijbc.py:
#   python tools/test.py configs/ddl/ddl_ir100_eval-ijbc.py CKPT
_base_ = ['../curricularface/curricularface_ir101_eval-ijbc.py']
