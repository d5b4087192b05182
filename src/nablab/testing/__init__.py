"""Tools to check layers: gradient check and the layer contract."""

from .gradcheck import gradcheck, gradcheck_loss, relative_error
from .layer_contract import check_layer
from .torch_twin import torch_twin

__all__ = ["check_layer", "gradcheck", "gradcheck_loss", "relative_error", "torch_twin"]
