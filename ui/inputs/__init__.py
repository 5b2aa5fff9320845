"""What a learner brings (CSV data, images, a drawn digit, MNIST files), checked before it is decoded."""
