"""The hostile-input corpus (tests/hostile/) driven through the pages, and the training blow-ups of
issue 10 through the live pages: each gets a plain message, no traceback, and nothing is lost."""

import pytest

from tests.app.conftest import command
from tests.hostile import assert_plain_message
from tests.hostile.idx import idx_cases, page_idx_cases
from tests.hostile.images import image_files
from tests.hostile.weights import weight_files
from ui.inputs.images import EXTENSIONS


def uploadable_images() -> dict:
    """The refused images the page's uploader lets through (it refuses other extensions itself)."""
    return {n: v for n, v in image_files().items() if n.rsplit(".", 1)[-1].lower() in EXTENSIONS}


def _errors(at) -> list[str]:
    return [e.value for e in at.error] + [e.value for e in at.sidebar.error]


def test_every_hostile_weight_file_is_refused_on_the_mnist_page(app):
    at = app("mnist")
    model = at.session_state["mn:run"].task.model
    for name, (data, _) in weight_files().items():
        at.file_uploader(key="weights_upload").set_value((f"{name}.npz", data, "application/octet-stream")).run()
        assert not at.exception, name
        errors = [e for e in _errors(at) if "unchanged" in e]
        assert errors, name
        assert_plain_message(errors[0].replace(" Your current model is unchanged.", ""))
        assert at.session_state["mn:run"].task.model is model, name  # the learner's model stays


def test_every_refused_image_gets_a_plain_message_on_the_convolutions_page(app):
    at = app("convolutions")
    at.sidebar.radio[0].set_value("upload").run()
    for name, (data, _) in uploadable_images().items():
        at.sidebar.file_uploader[0].set_value((name, data, "application/octet-stream")).run()
        assert not at.exception, name
        errors = _errors(at)
        assert errors, name
        assert_plain_message(errors[0].replace("**We could not use that file.** ", ""))


def test_refused_digit_images_on_the_mnist_page(app):
    at = app("mnist")
    for name, (data, _) in list(uploadable_images().items())[:8]:
        at.file_uploader(key="digit_upload").set_value((name, data, "application/octet-stream")).run()
        assert not at.exception, name
        infos = [i.value for i in at.info]
        assert any("pixels" in i or "image" in i.lower() for i in infos), (name, infos)


def test_every_bad_idx_set_falls_back_to_the_bundled_digits(app):
    at = app("mnist")
    at.sidebar.radio(key="mn_source").set_value("upload").run()
    for name, (files, _) in {**idx_cases(), **page_idx_cases()}.items():
        uploads = [(n, content, "application/gzip") for n, content in files.items()]
        at.sidebar.file_uploader(key="mn_idx").set_value(uploads).run()
        assert not at.exception, name
        errors = _errors(at)
        if len(files) < 4:
            assert any("of 4 files" in i.value for i in at.sidebar.info), name
            continue
        assert errors and "bundled subset" in errors[0], name
        assert_plain_message(errors[0].replace(" Using the bundled subset.", ""))
        assert len(at.session_state["mn:run"].task.data[0]) == 4000, name  # the bundled digits train


@pytest.mark.parametrize(
    "page,key,query",
    [
        # ReLU units all dead and weights of 1e19 while the loss stayed under the old limit
        ("playground", "pg", {"data": "spiral", "lr": "10", "batch": "1", "opt": "sgd", "init": "gaussian",
                              "layers": "8,8", "acts": "relu,relu"}),
        # |beta| 1e30 reported as "ready"
        ("linear_regression", "lin", {"lr": "1.0", "speed": "100"}),
    ],
)
def test_blow_ups_are_named_and_stop_training(app, page, key, query):
    at = app(page, query)
    f = command(at, key, "play")
    for _ in range(40):
        if not f["playing"]:
            break
        f = command(at, key, "tick")
    assert not f["playing"] and f["status"]["kind"] == "error"
    text = f["status"]["text"]
    assert "diverged" in text and "learning rate" in text
    assert any(text[:40] in e for e in _errors(at))  # the page says it too


def test_a_run_at_chance_level_is_named_and_trains_on(app):
    # issue 10: it sat at chance level with no word; issue 18: it was paused as "stalled", which stopped a
    # learner from watching a plateau end: now a notice on the canvas says what it is and what to try
    at = app("mnist", {"lr": "1.0", "optimizer": "momentum"})
    f = command(at, "mn", "play")
    for _ in range(60):
        if "output 0" in f["status"]["text"]:
            break
        f = command(at, "mn", "tick")
    assert f["playing"] and f["status"]["kind"] == "notice"
    assert "dead" in f["status"]["text"] or "output 0" in f["status"]["text"]
    assert "smaller learning rate" in f["status"]["text"] and not _errors(at)
