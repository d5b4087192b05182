"""The report's references (参考文献): the papers and sources its text cites, with addresses.

Printed as text (nothing on the page is fetched from them: the page stays self-contained)."""

from __future__ import annotations

from ..document import Heading, Items

REFERENCES = [
    "斎藤康毅『ゼロから作る Deep Learning』オライリー・ジャパン, 2016 (Deep Learning from Scratch). "
    "https://www.oreilly.co.jp/books/9784873117584/",
    "Y. LeCun, C. Cortes, C. J. C. Burges. The MNIST database of handwritten digits. https://yann.lecun.com/exdb/mnist/",
    "H. Xiao, K. Rasul, R. Vollgraf (2017). Fashion-MNIST. https://arxiv.org/abs/1708.07747",
    "Y. LeCun, L. Bottou, Y. Bengio, P. Haffner (1998). Gradient-based learning applied to document recognition "
    "(LeNet-5). https://doi.org/10.1109/5.726791",
    "X. Glorot, Y. Bengio (2010). Understanding the difficulty of training deep feedforward neural networks "
    "(Xavier initialisation). https://proceedings.mlr.press/v9/glorot10a.html",
    "K. He, X. Zhang, S. Ren, J. Sun (2015). Delving deep into rectifiers (He initialisation). "
    "https://arxiv.org/abs/1502.01852",
    "S. Ioffe, C. Szegedy (2015). Batch normalization. https://arxiv.org/abs/1502.03167",
    "N. Srivastava, G. Hinton, A. Krizhevsky, I. Sutskever, R. Salakhutdinov (2014). Dropout: a simple way to "
    "prevent neural networks from overfitting. https://jmlr.org/papers/v15/srivastava14a.html",
    "I. Sutskever, J. Martens, G. Dahl, G. Hinton (2013). On the importance of initialization and momentum in deep "
    "learning (Momentum, Nesterov). https://proceedings.mlr.press/v28/sutskever13.html",
    "J. Duchi, E. Hazan, Y. Singer (2011). Adaptive subgradient methods (AdaGrad). "
    "https://jmlr.org/papers/v12/duchi11a.html",
    "T. Tieleman, G. Hinton (2012). Lecture 6.5, RMSProp (Neural Networks for Machine Learning). "
    "https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf",
    "D. P. Kingma, J. Ba (2014). Adam: a method for stochastic optimization. https://arxiv.org/abs/1412.6980",
    "A. Krizhevsky, I. Sutskever, G. Hinton (2012). ImageNet classification with deep convolutional neural "
    "networks (AlexNet). https://papers.nips.cc/paper/2012/hash/c399862d3b9d6b76c8436e924a68c45b-Abstract.html",
    "M. Lin, Q. Chen, S. Yan (2013). Network in network (global average pooling). https://arxiv.org/abs/1312.4400",
    "C. Szegedy et al. (2014). Going deeper with convolutions (GoogLeNet). https://arxiv.org/abs/1409.4842",
    "S. Hochreiter, J. Schmidhuber (1997). Long short-term memory. https://doi.org/10.1162/neco.1997.9.8.1735",
    "K. Cho et al. (2014). Learning phrase representations using RNN encoder-decoder (GRU). "
    "https://arxiv.org/abs/1406.1078",
    "R. Pascanu, T. Mikolov, Y. Bengio (2013). On the difficulty of training recurrent neural networks "
    "(gradient clipping). https://arxiv.org/abs/1211.5063",
    "T. Akiba, S. Sano, T. Yanase, T. Ohta, M. Koyama (2019). Optuna: a next-generation hyperparameter "
    "optimization framework. https://arxiv.org/abs/1907.10902",
]

HEADING = {"en": "References", "ja": "参考文献"}


def blocks(lang: str) -> list:
    return [Heading(2, HEADING[lang]), Items(REFERENCES)]
