"""deepzero's built-in models rebuilt in PyTorch, layer for layer, for the PyTorch peer (torch_cnn.py).

Each builder follows its deepzero counterpart exactly (same layers, order, widths, kernels, strides, padding,
biases), so the parameter counts agree; the peer prints them and the bench scripts compare them with deepzero's:
- classifiers: core/src/main/java/dev/deepzero/models/Models.java (mlp, simple-cnn, lenet, deep-cnn)
- the detector: core/src/main/java/dev/deepzero/detect/YoloV1.java, YoloV1.Config.defaults(7 classes)
  (3 x 64 x 64, S = 8, B = 2, width 16, BatchNorm), at any input size (see yolo_grid)
Weights: He-normal, zero biases (deepzero draws its output layers LeCun-normal; initial values do not change
the cost).
"""
import torch
from torch import nn

CLASSIFIERS = ("mlp", "simple-cnn", "lenet", "deep-cnn")
DETECTOR = "yolo-v1"
MODELS = CLASSIFIERS + (DETECTOR,)
CLASSES = 10            # deepzero bench's classifiers: Fashion-MNIST's 10 classes
DETECT_CLASSES = 7      # deepzero bench's detector: the default synthetic set's 7 classes
BOXES_PER_CELL = 2
DETECT_WIDTH = 16
MAX_WIDTH_FACTOR = 8    # YoloV1.MAX_WIDTH_FACTOR
LEAKY_ALPHA = 0.1       # LeakyRelu.DEFAULT_ALPHA


def default_image_size(name):
    return 64 if name == DETECTOR else 28


def input_channels(name):
    return 3 if name == DETECTOR else 1


def yolo_grid(image_size):
    """S for a detector input: 8 (deepzero's default) when image_size / 8 is a power of 2 of at least 2, else 7
    (the paper's grid: 224 = 7 * 32). YoloV1.Config accepts only S * 2^k sides; bench/ModelBench.java uses
    the same rule."""
    for grid in (8, 7):
        ratio = image_size // grid
        if image_size % grid == 0 and ratio >= 2 and ratio & (ratio - 1) == 0:
            return grid
    raise ValueError(f"yolo-v1: image size {image_size} is neither 8 nor 7 times a power of 2")


def build(name, image_size=None):
    """A new model for [N, C, image_size, image_size] inputs (default: 28 for the classifiers, 64 for yolo-v1)."""
    size = image_size or default_image_size(name)
    model = yolo_v1(size) if name == DETECTOR else classifier(name, size)
    for layer in model.modules():
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    return model


def classifier(name, size, channels=1, classes=CLASSES):
    """Models.byName(name, channels, size, size, classes)."""
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(channels * size * size, 256), nn.ReLU(), nn.Linear(256, 128),
                             nn.ReLU(), nn.Linear(128, classes))
    if name == "simple-cnn":
        return nn.Sequential(nn.Conv2d(channels, 30, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
                             nn.Linear(30 * ((size - 4) // 2) ** 2, 100), nn.ReLU(), nn.Linear(100, classes))
    if name == "lenet":
        return nn.Sequential(nn.Conv2d(channels, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
                             nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
                             nn.Linear(16 * ((size // 2 - 4) // 2) ** 2, 120), nn.ReLU(), nn.Linear(120, 84),
                             nn.ReLU(), nn.Linear(84, classes))
    if name == "deep-cnn":
        layers, c, side, widths = [], channels, size, (32, 64, 128)
        for block, width in enumerate(widths):
            layers += [nn.Conv2d(c, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU()]
            c = width
            if block < len(widths) - 1:
                layers.append(nn.MaxPool2d(2, 2))
                side //= 2
        # deepzero's Dropout zeroes single elements, as nn.Dropout does (not whole channels as Dropout2d).
        layers += [nn.Dropout(0.25), nn.Flatten(), nn.Linear(c * side * side, 256), nn.BatchNorm1d(256), nn.ReLU(),
                   nn.Dropout(0.5), nn.Linear(256, classes)]
        return nn.Sequential(*layers)
    raise ValueError(f"unknown model '{name}'; valid names: {', '.join(MODELS)}")


class ChannelsLast(nn.Module):
    """deepzero's ChannelsLast: [N, D, S, S] -> [N, S, S, D], as a contiguous copy."""

    def forward(self, x):
        return x.permute(0, 2, 3, 1).contiguous()


class YoloActivation(nn.Module):
    """deepzero's YoloActivation on [N, S, S, 5B + C]: sigmoid on each box's x, y and confidence, identity on
    its sqrt(w), sqrt(h), softmax over the C class scores."""

    def __init__(self, boxes, classes):
        super().__init__()
        self.boxes, self.classes = boxes, classes

    def forward(self, x):
        box = x[..., :5 * self.boxes].unflatten(-1, (self.boxes, 5))
        box = torch.cat([torch.sigmoid(box[..., 0:2]), box[..., 2:4], torch.sigmoid(box[..., 4:5])], dim=-1)
        return torch.cat([box.flatten(-2), torch.softmax(x[..., 5 * self.boxes:], dim=-1)], dim=-1)


def yolo_v1(size, channels=3, classes=DETECT_CLASSES, boxes=BOXES_PER_CELL, width=DETECT_WIDTH):
    """YoloV1.build(new Config(channels, size, yolo_grid(size), boxes, classes, width, true))."""
    grid = yolo_grid(size)
    stages = (size // grid).bit_length() - 1
    max_width = MAX_WIDTH_FACTOR * width

    def block(c_in, c_out, kernel, stride=1, padding=None):
        return [nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2 if padding is None else padding),
                nn.BatchNorm2d(c_out), nn.LeakyReLU(LEAKY_ALPHA)]

    layers = block(channels, width, 4, stride=2, padding=1)  # the stem: 4x4 stride 2 halves the side
    c = width
    for stage in range(1, stages):
        out = min(max_width, width << stage)
        layers += block(c, out, 3) + [nn.MaxPool2d(2, 2)]
        c = out
    context = min(max_width, 2 * c)
    layers += block(c, context, 3) + block(context, context // 2, 1) + block(context // 2, context, 3)
    layers += [nn.Conv2d(context, 5 * boxes + classes, 1), ChannelsLast(), YoloActivation(boxes, classes)]
    return nn.Sequential(*layers)


def trainable(name, batch):
    """False for deep-cnn at batch 1: its BatchNorm after a Linear layer cannot normalise one value per feature
    (deepzero and PyTorch both refuse). ModelBench.trainable says the same."""
    return batch > 1 or name != "deep-cnn"


def parameter_count(model):
    """Trainable scalars, as deepzero's Sequential.parameterCount() (BatchNorm's running statistics are buffers
    in PyTorch and not parameters in deepzero either)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
