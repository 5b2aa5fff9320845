"""Issue 21: the playground's pictures evaluate the network in float32 (ui.live.network_views.picture_outputs):
what layer_outputs gives, to float32's precision, and the same field on the page's data sets."""

import numpy as np
import pytest

from ui.live.network_views import MAX_SHOWN, picture_outputs
from ui.setups import playground as pg


@pytest.mark.parametrize("query", [{}, {"data": "spiral", "layers": "12,5|relu,tanh"},
                                   {"data": "iris"}, {"problem": "regression", "data": "plane"}])
def test_float32_pictures_are_the_networks_outputs(query):
    task = pg.PlaygroundTask(pg.FORM.from_query(query))
    model = task.model
    model.partial_fit(*task.data[:2], 100)
    exact = model.layer_outputs(task.grid_inputs, columns=MAX_SHOWN)
    fast = picture_outputs(model, task.grid_inputs, MAX_SHOWN)
    assert [a.shape for a in fast] == [a.shape for a in exact]
    assert all(a.dtype == np.float32 for a in fast)
    for a, b in zip(fast, exact):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-5)
    if not task.d.regression:
        same = task.plane.classes(fast[-1]) == task.plane.classes(exact[-1])
        assert same.mean() > 0.999  # a shade may flip where a value sits on the edge between two
