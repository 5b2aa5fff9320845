"""Linear, logistic and softmax regression: OLS against gradient descent, the one loop and penalty, verdicts."""

import numpy as np
import pytest

from engine import (
    LinearRegressionGD,
    LinearRegressionOLS,
    LogisticRegressionGD,
    MaxScaler,
    NotFittedError,
    SingularMatrixError,
    SoftmaxRegressionGD,
    load_iris,
)
from engine.regression import critical_learning_rate
from engine.sequential import Sequential


def _line_data():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, 100)
    return x[:, None], 3 + x + rng.normal(0, 0.1, 100)


def test_ols_and_gd_agree():
    X, y = _line_data()
    ols = LinearRegressionOLS().fit(X, y)
    gd = LinearRegressionGD(lr=1.0, n_iter=500).fit(X, y)
    assert len(gd.history_["objective"]) == 500
    assert abs(ols.intercept_ - gd.intercept_) < 1e-4
    assert np.allclose(ols.coef_, gd.coef_, atol=1e-4)
    assert abs(ols.intercept_ - 3) < 0.1 and abs(ols.coef_[0] - 1) < 0.15
    # the history records every step, and the objective falls
    assert gd.history_["objective"][-1] < gd.history_["objective"][0]


def test_gradient_descent_is_one_dense_layer_trained_by_the_networks_loop():
    X, y = _line_data()
    gd = LinearRegressionGD(lr=0.5, n_iter=4).fit(X, y)
    net = gd.net_
    assert isinstance(net, Sequential) and [type(x).__name__ for x in net.layers_] == ["Dense"]
    assert net.output == "linear" and net.steps_ == 4 and net.epoch_ == 4.0  # all rows in one batch
    A, beta = np.c_[np.ones(len(X)), X], np.zeros(2)
    for step, row in enumerate(gd.history_["beta"]):  # each step the textbook update, from beta = 0
        assert np.allclose(row, beta) and gd.history_["objective"][step] == pytest.approx(
            0.5 * np.mean((A @ beta - y) ** 2))
        beta = beta - 0.5 * A.T @ (A @ beta - y) / len(A)
    assert np.allclose(gd.beta_, beta) and np.allclose(gd.predict(X), A @ beta)


def test_the_l2_penalty_is_the_networks():
    # lambda / (2N) ||coef||^2, the intercepts free, as in every network (regularization.penalty);
    # before, the regressions alone used lambda / 2 ||coef||^2: the same penalty at lambda N
    iris = load_iris()
    X, N, lam, lr = MaxScaler().fit_transform(iris.X[:, 2:]), 150, 3.0, 1.0
    model = SoftmaxRegressionGD(lr=lr, n_iter=4, l2=lam).fit(X, iris.y)
    A, Y = np.c_[np.ones(N), X], np.eye(3)[iris.y]
    for step in range(3):
        B = model.history_["beta"][step]
        Z = A @ B
        P = np.exp(Z - Z.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        cross_entropy = -np.mean(np.sum(Y * np.log(P), axis=1))
        assert model.history_["objective"][step] == pytest.approx(cross_entropy + lam / (2 * N) * np.sum(B[1:] ** 2))
        grad = A.T @ (P - Y) / N + lam / N * np.r_[np.zeros((1, 3)), B[1:]]
        assert np.allclose(model.history_["beta"][step + 1], B - lr * grad)
    # the critical rate follows: the penalty's curvature is lambda / N
    Xl, y = _page_line()
    Al = np.c_[np.ones(len(Xl)), Xl]
    H = (Al.T @ Al + 5.0 * np.diag([0.0, 1.0])) / len(Al)
    assert critical_learning_rate(Xl, l2=5.0) == pytest.approx(2 / np.linalg.eigvalsh(H).max())


def test_ols_singular_has_clear_error():
    X = np.c_[np.arange(10.0), 2 * np.arange(10.0)]
    with pytest.raises(SingularMatrixError, match="singular"):
        LinearRegressionOLS().fit(X, np.arange(10.0))


def test_gd_partial_fit_continues():
    X, y = _line_data()
    gd = LinearRegressionGD(lr=1.0)
    gd.partial_fit(X, y, 10).partial_fit(X, y, 5)
    assert len(gd.history_["step"]) == 15


def test_gd_goes_back_to_a_checkpoint_and_on_the_same_way():
    X, y = _line_data()
    gd = LinearRegressionGD(lr=1.0).partial_fit(X, y, 10)
    cp, at_cp = gd.checkpoint(), gd.beta_.copy()
    gd.partial_fit(X, y, 7)
    beta, objective = gd.beta_.copy(), list(gd.history_["objective"])
    gd.restore(cp)
    assert len(gd.history_["step"]) == 10 and np.array_equal(gd.beta_, at_cp)
    gd.partial_fit(X, y, 7)
    assert np.array_equal(gd.beta_, beta) and gd.history_["objective"] == objective


def _newton_logistic(X, y, iters=50):
    A = np.c_[np.ones(len(X)), X]
    beta = np.zeros(A.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-A @ beta))
        H = A.T @ (A * (p * (1 - p))[:, None])
        beta += np.linalg.solve(H, A.T @ (y - p))
    z = A @ beta
    return np.sum(y * z - np.logaddexp(0, z))


def test_logistic_reaches_max_likelihood_on_iris():
    iris = load_iris()
    keep = iris.y > 0  # versicolor vs virginica
    X = MaxScaler().fit_transform(iris.X[keep][:, [0, 2]])  # sepal & petal length
    y = (iris.y[keep] == 2).astype(float)
    model = LogisticRegressionGD(lr=10.0, n_iter=20000).fit(X, y)
    assert model.log_likelihood(X, y) >= _newton_logistic(X, y) - 0.05
    assert model.history_["objective"][-1] > model.history_["objective"][0]


def test_softmax_regression_learns_iris():
    iris = load_iris()
    X = MaxScaler().fit_transform(iris.X[:, 2:])
    model = SoftmaxRegressionGD(lr=5.0, n_iter=3000).fit(X, iris.y)
    assert model.beta_.shape == (3, 3)
    assert np.mean(model.predict(X) == iris.y) > 0.9
    assert np.allclose(model.predict_proba(X).sum(axis=1), 1)


def test_gd_divergence_is_reported_not_raised():
    X, y = _line_data()
    with np.errstate(all="ignore"):
        gd = LinearRegressionGD(lr=1e6, n_iter=500).fit(X * 1e3, y)
    assert gd.status_ == "diverged"


def _page_line():
    from engine.toy import make_line

    x, y = make_line(100, 3.0, 1.0, 0.5, 0)  # the linear-regression page's default data
    return x[:, None], y


def test_critical_learning_rate_is_two_over_the_largest_curvature():
    X, y = _page_line()
    crit = critical_learning_rate(X)
    A = np.c_[np.ones(len(X)), X]
    assert crit == pytest.approx(2 / np.linalg.eigvalsh(A.T @ A / len(A)).max())
    below = LinearRegressionGD(lr=0.95 * crit, n_iter=400).fit(X, y)
    assert below.status_ == "ready" and below.history_["objective"][-1] < below.history_["objective"][0]
    above = LinearRegressionGD(lr=1.05 * crit, n_iter=400).fit(X, y)
    assert above.status_ == "diverged"
    assert critical_learning_rate(X, l2=5.0) < crit  # the penalty adds curvature


def test_page_data_at_lr_1_is_called_diverged_before_beta_explodes():
    X, y = _page_line()
    gd = LinearRegressionGD(lr=1.0).partial_fit(X, y, 0)
    for _ in range(100):  # the page's ticks: 2 steps each
        gd.partial_fit(X, y, 2)
    assert gd.status_ == "diverged" and "lower the learning rate" in gd.message_
    assert np.abs(gd.beta_).max() < 1e3
    assert len(gd.history_["step"]) < 20  # it stopped there


@pytest.mark.parametrize(
    "est,match",
    [
        (LinearRegressionGD(lr=-1), "lr must be > 0"),
        (LinearRegressionGD(lr=0), "lr must be > 0"),
        (LinearRegressionGD(n_iter=-3), "n_iter must be >= 0"),
        (LinearRegressionGD(l2=-1), "l2 must be >= 0"),
        (LogisticRegressionGD(lr=float("nan")), "lr must be a finite number"),
        (SoftmaxRegressionGD(lr="fast"), "lr must be a number"),
    ],
)
def test_bad_settings_are_refused_at_fit(est, match):
    X, y = _line_data()
    with pytest.raises((ValueError, TypeError), match=match):
        est.fit(X, (y > 3.5).astype(int))


def test_labels_are_checked_or_mapped():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    with pytest.raises(ValueError, match="label -1"):
        SoftmaxRegressionGD().fit(X, np.where(X[:, 0] > 0, 0, -1))
    with pytest.raises(ValueError, match="two classes"):
        SoftmaxRegressionGD().fit(X, np.zeros(40, int))
    with pytest.raises(ValueError, match="0..1"):
        LogisticRegressionGD().fit(X, np.where(X[:, 0] > 0, 2, 0))
    with pytest.raises(ValueError, match="whole-number"):
        LogisticRegressionGD().fit(X, np.full(40, 0.5))
    y = np.where(X[:, 0] > 0, 5, 0)  # labels {0, 5}: two classes, named 0 and 5
    model = SoftmaxRegressionGD(lr=1.0, n_iter=200).fit(X, y)
    assert model.classes_.tolist() == [0, 5] and model.beta_.shape == (3, 2)
    assert set(model.predict(X)) <= {0, 5} and np.mean(model.predict(X) == y) > 0.9
    assert all(o >= 0 for o in model.history_["objective"])  # a cross-entropy, never positive log-lik
    with pytest.raises(ValueError, match="not among classes_"):
        model.partial_fit(X, np.where(X[:, 0] > 0, 5, 1))


def test_inputs_are_checked():
    X, y = _line_data()
    with pytest.raises(NotFittedError, match="fit"):
        LinearRegressionGD().predict(X)
    with pytest.raises(NotFittedError):
        LinearRegressionOLS().predict(X)
    with pytest.raises(ValueError, match="one number per row"):
        LinearRegressionGD().fit(X, y[:-1])
    with pytest.raises(ValueError, match="empty"):
        LinearRegressionOLS().fit(np.empty((0, 1)), np.empty(0))
    with pytest.raises(ValueError, match="NaN"):
        LinearRegressionGD().fit(np.r_[X[:-1], [[np.nan]]], y)
    with pytest.raises(TypeError, match="numbers"):
        LinearRegressionGD().fit(np.array([["a"], ["b"]]), [1.0, 2.0])
    gd = LinearRegressionGD(lr=1.0, n_iter=10).fit(X, y)
    with pytest.raises(ValueError, match="1 columns"):
        gd.predict(np.ones((3, 2)))
    assert gd.predict(np.arange(3)).shape == (3,)  # one feature may come as a flat array
