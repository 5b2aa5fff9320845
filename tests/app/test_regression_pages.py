"""The regression pages: test accuracy and confusion matrices, and the learner's own CSV data."""

from tests.app.conftest import command, frame, metric


def test_softmax_page_reports_test_accuracy_and_a_confusion_matrix(app):
    at = app("softmax_regression")
    f = command(at, "softmax", "step")
    assert {"train accuracy", "test accuracy"} <= set(f["layout"]["metrics"])
    task = at.session_state["softmax:run"].task
    assert len(task.y_test) == 45 and len(task.y) == 105  # 30% of the 150 flowers held out
    counts = f["snaps"][-1]["panels"]["confusion"]["counts"]
    assert counts.shape == (3, 3) and counts.sum() == 45
    for _ in range(30):
        f = command(at, "softmax", "step")
    assert float(metric(f, "test accuracy").rstrip("%")) > 80


def test_softmax_page_on_the_example_csv(app):
    at = app("softmax_regression", {"data": "csv"})
    at.sidebar.toggle(key="softmax_example").set_value(True).run()
    task = at.session_state["softmax:run"].task
    assert task.names == ["apple", "lemon", "mandarin"] and task.axes[0].startswith("width_cm")
    f = command(at, "softmax", "play")
    assert f["playing"] and not at.exception


def test_logistic_page_wants_two_classes_from_a_csv(app):
    at = app("logistic_regression", {"data": "csv"})
    at.sidebar.toggle(key="logit_example").set_value(True).run()  # three fruits: refused, iris stands in
    assert any("tells 2 classes apart" in e.value for e in at.sidebar.error)
    assert at.session_state["logit:run"].task.names == ["versicolor", "virginica"]
    rows = ["size,sweetness,kind"] + [f"{i % 7},{(i * 3) % 5},{'sour' if i % 2 else 'sweet'}" for i in range(40)]
    at.sidebar.toggle(key="logit_example").set_value(False)
    at.sidebar.file_uploader(key="logit_csv").set_value(("two.csv", "\n".join(rows).encode(), "text/csv")).run()
    task = at.session_state["logit:run"].task
    assert task.names == ["sour", "sweet"] and not at.exception
    f = command(at, "logit", "step")
    assert f["snaps"][-1]["panels"]["confusion"]["counts"].sum() == len(task.y_test)


def test_linear_page_fits_two_columns_of_a_csv(app):
    at = app("linear_regression", {"data": "csv", "speed": "100"})
    at.sidebar.toggle(key="lin_example").set_value(True).run()
    at.sidebar.selectbox(key="lin_y").set_value("weight_g").run()
    task = at.session_state["lin:run"].task
    assert task.names == ("width_cm (standardised)", "weight_g (standardised)")
    command(at, "lin", "play")
    for _ in range(3):
        command(at, "lin", "tick")
    task = at.session_state["lin:run"].task
    assert abs(task.line()[1] - task.ols[1]) < 0.05  # gradient descent reached the closed form's slope
    assert frame(at, "lin")["layout"]["panels"][0]["xlabel"] == "width_cm (standardised)"
