import numpy as np
import pytest

from engine import (
    LinearRegressionGD,
    LinearRegressionOLS,
    LogisticRegressionGD,
    MaxScaler,
    SingularMatrixError,
    SoftmaxRegressionGD,
    load_iris,
)


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


def test_ols_singular_has_clear_error():
    X = np.c_[np.arange(10.0), 2 * np.arange(10.0)]
    with pytest.raises(SingularMatrixError, match="singular"):
        LinearRegressionOLS().fit(X, np.arange(10.0))


def test_gd_partial_fit_continues():
    X, y = _line_data()
    gd = LinearRegressionGD(lr=1.0)
    gd.partial_fit(X, y, 10).partial_fit(X, y, 5)
    assert len(gd.history_["step"]) == 15


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
