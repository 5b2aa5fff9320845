"""The estimator contract (scikit-learn's): parameters in, learned attributes out.

* ``__init__`` only stores its arguments, under their own names: those are the
  *parameters*, listed by :meth:`Estimator.get_params`.
* Checking them and building anything happens in ``fit`` / ``partial_fit`` /
  ``initialize``, so a changed parameter is always checked before it is used.
* What is learned ends in ``_`` (``weights_``, ``history_``) and exists only after
  fitting; asking for predictions before that raises :class:`NotFittedError`.
"""

from __future__ import annotations

import inspect


class NotFittedError(ValueError, AttributeError):
    """The estimator has not been fitted (or initialised) yet."""


class Estimator:
    """Base class: ``get_params``, ``set_params``, ``clone`` and ``repr`` from the constructor's signature."""

    @classmethod
    def _signature(cls) -> dict[str, inspect.Parameter]:
        params = inspect.signature(cls.__init__).parameters
        skip = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        return {name: p for name, p in params.items() if name != "self" and p.kind not in skip}

    @classmethod
    def _param_names(cls) -> list[str]:
        return list(cls._signature())

    def get_params(self) -> dict:
        """The constructor's arguments, as currently set."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        """Change parameters by name; returns self.  Unknown names raise ValueError."""
        names = self._param_names()
        for key, value in params.items():
            if key not in names:
                raise ValueError(f"{type(self).__name__} has no parameter {key!r}; it has {', '.join(names)}.")
            setattr(self, key, value)
        return self

    def clone(self):
        """A fresh, unfitted estimator with the same parameters."""
        return type(self)(**self.get_params())

    def is_fitted(self) -> bool:
        """True once learned attributes (names ending in ``_``) exist."""
        return any(k.endswith("_") and not k.startswith("__") for k in vars(self))

    def _check_fitted(self) -> None:
        if not self.is_fitted():
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet: call fit(X, y), partial_fit(X, y) "
                "or initialize() first."
            )

    def __repr__(self) -> str:
        # like sklearn, only what differs from the defaults
        sig = self._signature()
        shown = [
            f"{k}={v!r}"
            for k, v in self.get_params().items()
            if sig[k].default is inspect.Parameter.empty or not _same(v, sig[k].default)
        ]
        return f"{type(self).__name__}({', '.join(shown)})"


def _same(a, b) -> bool:
    try:
        return bool(a is b or a == b)
    except (TypeError, ValueError):  # arrays compare elementwise
        return False
