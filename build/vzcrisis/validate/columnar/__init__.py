"""The columnar validator: the checks of ``validate`` as SQL over the record tables of
``records.columns``, generated from the model (``rules``: each record on its own; ``cross``:
across records), in front of the per-record path, which words the problems of what they mark
(``scan``; ``pass1``)."""
