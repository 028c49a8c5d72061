# IJB-B 1:1 template verification of a DDL IR-100 checkpoint (protocol and
# data of configs/curricularface/curricularface_ir101_eval-ijbb.py):
#   python tools/test.py configs/ddl/ddl_ir100_eval-ijbb.py CKPT
_base_ = ['../curricularface/curricularface_ir101_eval-ijbb.py']
