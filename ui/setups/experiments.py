"""Guided experiments: each page's short list of set-ups that show one thing, as URL parameters.

An experiment is what a link would carry (the settings that differ from the page's defaults), what to
watch, and what to try next.  Choosing one in the sidebar applies it through the page's form, as its
URL would (``ui.settings.tools.experiments``); tests check that every one parses to exactly these
values (nothing clamped) and that its page runs with it.

Pure data (no streamlit).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Experiment:
    name: str
    query: dict  # URL parameters: the settings that differ from the page's defaults
    watch: str  # what to look at once it plays
    next: str  # what to change next, and what that shows


PLAYGROUND = (
    Experiment(
        "A learning rate that is too large",
        {"data": "spiral", "opt": "sgd", "lr": "10.0", "batch": "1"},
        "Press Play: each step overshoots, the loss jumps instead of falling and the boundary flickers; the "
        "guard may roll the run back.",
        "Lower the learning rate a rung at a time until the loss falls smoothly, or open 💡 Find a learning rate.",
    ),
    Experiment(
        "Dead ReLUs",
        {"data": "spiral", "layers": "8,8,8", "acts": "relu,relu,relu", "init": "gaussian", "opt": "sgd",
         "lr": "1.0"},
        "Watch the Dead ReLU units panel: neurons whose input is negative for every point output 0, get no "
        "gradient and never come back. Their maps on the diagram go flat.",
        "Switch the initialisation to he and the learning rate to 0.03, or the activation to leaky_relu.",
    ),
    Experiment(
        "Vanishing gradients: six sigmoid layers",
        {"layers": "8,8,8,8,8,8", "acts": "sigmoid,sigmoid,sigmoid,sigmoid,sigmoid,sigmoid",
         "init": "gaussian_scaled", "opt": "sgd", "lr": "0.3"},
        "Watch the gradient norm per layer: each layer back gets a smaller one, so the first layers hardly "
        "learn and the loss stays flat for a long time.",
        "Change the activations to relu with the he initialisation, or the optimizer to adam, and compare.",
    ),
    Experiment(
        "Overfitting: few points, many neurons",
        {"data": "gaussian", "noise": "0.6", "n": "40", "layers": "64,64", "acts": "relu,relu", "init": "he",
         "lr": "0.01"},
        "The training accuracy climbs to 100% while the test curve stays lower and the test loss turns back "
        "up: the boundary bends around single training points.",
        "Set regularisation to l2 with rate 0.1, or raise the points to 400, and watch the gap close.",
    ),
    Experiment(
        "The spiral made easy by sin features",
        {"data": "spiral", "feats": "x1,x2,sinx1,sinx2", "layers": "6", "acts": "tanh"},
        "With sin(x₁) and sin(x₂) as inputs a single layer of 6 neurons separates the spiral; look at what "
        "each input's neuron map already shows.",
        "Untick the sin inputs and see the same network fail; then find how many layers it needs without them.",
    ),
    Experiment(
        "Softmax vs one-vs-rest",
        {"data": "iris", "readout": "sigmoid", "layers": "", "acts": ""},
        "Three iris species, no hidden layer, one sigmoid per class (one-vs-rest): each output learns its "
        "class against the rest, and the three probabilities need not add up to 1.",
        "Switch the readout to softmax: the three scores now compete and the regions meet along straight lines.",
    ),
    Experiment(
        "XOR needs a hidden layer",
        {"data": "xor", "layers": "", "acts": ""},
        "No hidden layer: a linear model draws one straight line and stays near chance on XOR.",
        "Add a hidden layer of 4 tanh neurons, or add the x₁x₂ input to the linear model.",
    ),
)

MNIST = (
    Experiment(
        "Weights turning into digit templates",
        {"layers": "", "acts": "", "lr": "0.003"},
        "No hidden layer: each digit's output weighs the 784 pixels directly. Watch its weights (the tiles) "
        "turn from noise into blurred templates of the digit.",
        "Add a hidden layer of 16 neurons: its neurons look for strokes, not whole digits.",
    ),
    Experiment(
        "A learning rate that is too large",
        {"opt": "sgd", "lr": "1.0", "batch": "10"},
        "Plain gradient descent with η = 1: the loss jumps and the accuracy falls back to chance or never "
        "leaves it.",
        "Lower the rate to 0.1, then 0.01, and compare how fast and how far the accuracy climbs.",
    ),
    Experiment(
        "Four sigmoid layers learn slowly",
        {"layers": "64,64,64,64", "acts": "sigmoid,sigmoid,sigmoid,sigmoid", "opt": "sgd", "lr": "0.1"},
        "The gradient norm of the first layer is far below the last one's, and the accuracy stays near chance "
        "for epochs.",
        "Change the activations to relu, or the optimizer to adam.",
    ),
)

CNN = (
    Experiment(
        "Large filters, easy to read",
        {"c1": "6", "k1": "7", "c2": "0", "speed": "0.5"},
        "Six 7 x 7 filters and no second layer: watch each filter turn from noise into an edge or stroke "
        "detector, next to the hand-made filter it comes to resemble.",
        "Add the second layer back (16 filters) and compare the test accuracy with the MLP's.",
    ),
    Experiment(
        "A learning rate that is too large",
        {"lr": "0.3", "opt": "sgd"},
        "The loss jumps and the filters stay noise: every step overshoots.",
        "Lower the rate to 0.03 and watch the filters take shape.",
    ),
)

LINEAR = (
    Experiment(
        "Past the critical learning rate",
        {"lr": "2.0"},
        "Above 2 / the largest eigenvalue every step overshoots further: the dashed line swings wider and the "
        "objective grows.",
        "Lower η below the critical rate shown in the sidebar and watch it converge to the OLS line.",
    ),
    Experiment(
        "Collinear features",
        {"collinear": "1"},
        "With x and a copy 2x the least-squares answer is not unique: OLS refuses, gradient descent still "
        "finds a line.",
        "Untick the copy and compare the coefficients gradient descent reaches.",
    ),
)

LOGISTIC = (
    Experiment(
        "Two species a line can split",
        {"pair": "0-1"},
        "Setosa and versicolor do not overlap: the accuracy reaches 100% and the weights keep growing, the "
        "sigmoid getting ever steeper.",
        "Go back to versicolor vs virginica: the best line still makes mistakes.",
    ),
    Experiment(
        "Too large a step",
        {"lr": "30.0"},
        "With η = 30 the boundary zig-zags across the flowers before it settles.",
        "Lower η to 1 and compare the log-likelihood curves.",
    ),
)

SOFTMAX = (
    Experiment(
        "A strong L2 penalty",
        {"l2": "50.0"},
        "The penalty keeps the weights small: the regions still meet along straight lines, but every "
        "probability stays near 1/3 and the loss stays high.",
        "Lower λ step by step and watch the regions grow sure of themselves.",
    ),
)
