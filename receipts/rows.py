"""Model instances built the way Django builds the rows it reads (`Model.from_db`: values by position), for
the feed's many new rows (issue 16: a 500-receipt batch builds 2,500 receipts, lines, ledger lines and
receipt points; the keyword constructor pops, checks and sets each field through its descriptor, and cost
2–3× the positional one: some 20 ms a batch).

    make = row_maker(PointsEntry, ("card_id", "wallet", "kind", "points", "balance_after", "receipt"))
    entry = make(card.pk, "dept", "earn", 1288, balance, receipt)

`names` are attnames (`card_id`) or, for a relation given as the object itself, the field's name (`receipt`):
its key is stored and the object cached, as `PointsEntry(receipt=receipt)` does. Every other concrete field
takes its default, called anew for each row (a `dict` or `timezone.now` is never shared)."""

from __future__ import annotations


def row_maker(model, names: tuple[str, ...]):
    """A function of the values of `names`, in that order, answering a new unsaved `model` instance."""
    index = {name: i for i, name in enumerate(names)}
    slots, related, used = [], [], set()
    for field in model._meta.concrete_fields:
        if field.attname in index:
            slots.append((index[field.attname], None))
            used.add(field.attname)
        elif field.is_relation and field.name in index:
            slots.append((index[field.name], field.target_field.attname))
            related.append((field, index[field.name]))
            used.add(field.name)
        else:
            slots.append((None, field.get_default))
    unknown = set(names) - used
    if unknown:
        raise ValueError(f"{model.__name__} has no concrete field {', '.join(sorted(unknown))}")

    def make(*values):
        args = []
        for i, how in slots:
            if i is None:
                args.append(how())
            elif how is None:
                args.append(values[i])
            else:
                args.append(None if values[i] is None else getattr(values[i], how))
        obj = model(*args)
        for field, i in related:
            if values[i] is not None:
                field.set_cached_value(obj, values[i])
        return obj

    return make
