"""Home: what Backprop Lab is and the path through it."""

import streamlit as st

st.title("🧠 Backprop Lab")
st.markdown(
    "Learn how neural networks work by **building them and watching them learn**. "
    "Every model here runs on a small NumPy engine written from scratch; each page shows the "
    "math and the engine code behind what you see."
)

STEPS = [
    (
        "📈 Linear regression",
        "app_pages/linear_regression.py",
        "Fit a line two ways: the closed-form least-squares solution and gradient descent, "
        "step by step, until both agree.",
    ),
    (
        "🔀 Logistic regression",
        "app_pages/logistic_regression.py",
        "Squash a line through the sigmoid to get probabilities; climb the log-likelihood.",
    ),
    (
        "🎨 Softmax regression",
        "app_pages/softmax_regression.py",
        "Many classes at once: one linear score per class, softmax, cross-entropy.",
    ),
    (
        "🔗 Backprop, step by step",
        "app_pages/backprop.py",
        "One training step of a small network, every number of it: forward, the loss, each neuron's delta "
        "flowing back, the weight changes; on the diagram, in the formula and in the engine's code.",
    ),
    (
        "🕸️ Network playground",
        "app_pages/playground.py",
        "Stack layers with non-linear activations, train by backpropagation, and watch the "
        "decision boundary, losses, gradients and dead units live.",
    ),
    (
        "✍️ MNIST digits",
        "app_pages/mnist.py",
        "Train a 784-100-10 network on handwritten digits, look at what it learned, draw your own.",
    ),
    (
        "🖼️ Convolutions",
        "app_pages/convolutions.py",
        "Filters, feature maps, padding, stride and pooling on your own photos: the road to CNNs.",
    ),
    (
        "🧩 A CNN learns",
        "app_pages/cnn.py",
        "Train a small convolutional network on the digits and watch it learn its own filters.",
    ),
]

st.subheader("The path")
st.caption(
    "Linear → logistic → softmax → backprop by hand → multi-layer perceptron → convolutions → a CNN that learns its filters. "
    "Each step adds one idea."
)
for i, (title, page, text) in enumerate(STEPS, start=1):
    with st.container(border=True):
        left, right = st.columns([4, 1])
        left.markdown(f"**{i}. {title}**  \n{text}")
        right.page_link(page, label="Open", icon="➡️")

with st.expander("How to use this in a classroom"):
    st.markdown(
        "- Everything runs offline: iris, a 5000-digit MNIST subset and sample photos ship with the app.\n"
        "- Each visitor has their own models; nothing is shared between browser tabs.\n"
        "- The playground's settings live in the address bar: copy the URL to share an experiment.\n"
        "- Each training page offers guided experiments (in its sidebar) and, at its top, **Make a lesson "
        "link**: lock the settings learners should not change, give a task and a goal the page checks.\n"
        "- For a projector: the live view's ⛶ Projector button, and the theme switch at the foot of the "
        "sidebar (a dark laptop can project light).\n"
        "- Try breaking things on purpose: a huge learning rate, a 6-layer sigmoid network, "
        "a ReLU network with a bad initialisation. The app explains what went wrong."
    )
