"""Going back to an earlier moment of training.

:meth:`Checkpoints.checkpoint` keeps what the loop changes: the parameters, the optimizer's state,
the guard, the place in the shuffled epoch, the random streams and the counters.
:meth:`Checkpoints.restore` puts all of it back and cuts ``history_`` and ``running_`` to the rows
they had, so that training from there takes exactly the steps it took the first time.

The live view keeps one for each picture it sends, so that Pause leaves the model that the learner
paused on (not the one the server had trained past it), and Step goes on from there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# what restore() sets back as it was: counters and notes, and arrays the loop replaces but never
# changes in place (the epoch's shuffled order, the weights a rollback would go back to)
_KEPT = ("steps_", "n_seen_", "n_train_", "epoch_", "status_", "message_", "reason_", "notice_", "rolled_back_to_",
         "loss_", "_epoch_from", "_order", "_pos", "_snapshot")
_LOGS = ("history_", "running_")


_PLAIN = (int, float, str, bool, type(None), np.generic)  # nothing can change them in place


def _copied(value):
    """A copy of ``value`` sharing no array, container or object with it (the loop changes them in place)."""
    if isinstance(value, _PLAIN):  # most values (the guard's levels, counters): first, and as they are
        return value
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, tuple) and all(isinstance(v, _PLAIN) for v in value):
        return value  # a tuple of plain values cannot change
    if isinstance(value, (list, tuple)):
        return type(value)([_copied(v) for v in value])
    if hasattr(value, "__dict__") and not isinstance(value, type):  # an optimizer, a watch
        new = object.__new__(type(value))
        vars(new).update(_copied(vars(value)))
        return new
    return value


@dataclass(frozen=True)
class Checkpoint:
    params: list[np.ndarray]
    kept: dict
    objects: tuple  # the optimizer, the watch and the open row of running means
    streams: list  # the state of each random stream: the shuffle's, then each layer's own
    rows: dict  # log -> its length
    thinned: int  # how often the logs had been thinned

    @property
    def nbytes(self) -> int:
        """About what it holds in arrays (the parameters and the optimizer's state)."""
        state = [a for store in vars(self.objects[0]).values() if isinstance(store, dict) for a in store.values()]
        return sum(a.nbytes for a in [*self.params, *state] if isinstance(a, np.ndarray))


class Checkpoints:
    """Mixed into :class:`~engine.sequential.Sequential`: its training state, kept and put back."""

    def _streams(self) -> list[np.random.Generator]:
        return [self._rng, *(x._rng for x in self.layers_ if isinstance(getattr(x, "_rng", None), np.random.Generator))]

    def checkpoint(self) -> Checkpoint:
        """The run as it is now, for :meth:`restore`."""
        self._check_fitted()
        return Checkpoint(
            params=[p.copy() for p in self.parameters()],
            kept={name: getattr(self, name) for name in _KEPT},
            objects=_copied((self.optimizer_, self.watch_, self._row)),
            streams=[g.bit_generator.state for g in self._streams()],
            rows={log: len(getattr(self, log)["step"]) for log in _LOGS},
            thinned=self._thinned,
        )

    def restore(self, cp: Checkpoint):
        """Put the run back as it was at ``cp`` (a checkpoint of this model, with its layers as they are)."""
        self._check_fitted()
        for p, saved in zip(self.parameters(), cp.params):
            p[...] = saved  # in place: every list of these arrays stays valid
        for log, n in cp.rows.items():
            columns = getattr(self, log)
            if self._thinned != cp.thinned:  # thinned since: its rows up to that step
                n = sum(step <= cp.kept["steps_"] for step in columns["step"])
            for column in columns.values():
                del column[n:]
        vars(self).update(cp.kept)
        self.optimizer_, self.watch_, self._row = _copied(cp.objects)  # cp may be restored again
        for g, state in zip(self._streams(), cp.streams):
            g.bit_generator.state = state
        return self
