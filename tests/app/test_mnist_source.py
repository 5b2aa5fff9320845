"""Where the full MNIST may come from: the operator's folder, named by the environment."""


from ui.inputs.mnist_source import ENV_VAR, operator_mnist_dir


def test_operator_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert operator_mnist_dir() is None
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert operator_mnist_dir() == tmp_path
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "missing"))
    assert operator_mnist_dir() is None
    monkeypatch.setenv(ENV_VAR, "  ")
    assert operator_mnist_dir() is None
