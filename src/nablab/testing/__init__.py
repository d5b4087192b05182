"""Tools to check layers: gradient check and the layer contract."""

from .gradcheck import gradcheck, relative_error
from .layer_contract import check_layer

__all__ = ["check_layer", "gradcheck", "relative_error"]
